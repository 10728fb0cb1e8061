//! Grafana provisioning: the data source YAML parses (PyYAML) and points at the Prometheus
//! server; the dashboard JSON parses (serde_json) and every panel query reads a metric that a
//! scraped job exports.

mod common;

use common::{render, tree, yaml};
use std::collections::BTreeSet;

/// The metrics each exporter publishes that a panel may read (from the exporters' own
/// documentation, independent of the plugin's tables).
fn exporter_metrics(job: &str) -> &'static [&'static str] {
    match job {
        "node" => &[
            "node_cpu_seconds_total",
            "node_memory_MemAvailable_bytes",
            "node_memory_MemTotal_bytes",
            "node_filesystem_avail_bytes",
            "node_filesystem_size_bytes",
        ],
        "haproxy" => &[
            "haproxy_frontend_http_requests_total",
            "haproxy_frontend_http_responses_total",
            "haproxy_backend_response_time_average_seconds",
        ],
        "mysqld" => &[
            "mysql_slave_status_seconds_behind_master",
            "mysql_slave_status_seconds_behind_source",
        ],
        _ => &[],
    }
}

/// Every `metric{matchers}` selector of a PromQL expression, as (metric, job matcher).
fn selectors(expr: &str) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let bytes: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == '{' {
            let mut start = i;
            while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == '_')
            {
                start -= 1;
            }
            let metric: String = bytes[start..i].iter().collect();
            let end = bytes[i..].iter().position(|c| *c == '}').unwrap() + i;
            let matchers: String = bytes[i + 1..end].iter().collect();
            let job = matchers
                .split(',')
                .find_map(|m| m.strip_prefix("job=\""))
                .map(|j| j.trim_end_matches('"').to_string());
            out.push((metric, job));
            i = end;
        }
        i += 1;
    }
    out
}

#[test]
fn selectors_are_found() {
    assert_eq!(
        selectors("sum(rate(a_b{job=\"x\",c=\"d\"}[1m])) / b{c=\"1\"}"),
        vec![
            ("a_b".to_string(), Some("x".to_string())),
            ("b".to_string(), None)
        ]
    );
}

#[test]
fn every_example_dashboard_reads_scraped_metrics() {
    let mut dashboards = 0;
    for (name, dir) in infrac_testkit::corpus("PROMETHEUS") {
        let model = infrac_testkit::model_of(&dir);
        let t = tree(render(&model));
        for source in t.all("/provisioning/datasources/prometheus.yaml") {
            let provisioning = source.parent().unwrap().parent().unwrap();
            let ds = yaml(&source);
            assert_eq!(ds["apiVersion"], 1, "{name}");
            let list = ds["datasources"].as_array().unwrap();
            assert_eq!(list.len(), 1, "{name}");
            assert_eq!(list[0]["type"], "prometheus");
            assert_eq!(list[0]["isDefault"], true);
            let server = model
                .service(&model.monitoring.as_ref().unwrap().server)
                .unwrap();
            let url = list[0]["url"].as_str().unwrap();
            assert!(
                server
                    .placements
                    .iter()
                    .any(|p| url == format!("http://{}:{}", p.address, server.port.unwrap())),
                "{name}: {url} is not the monitoring server"
            );
            let uid = list[0]["uid"].as_str().unwrap();

            let provider = yaml(&provisioning.join("dashboards/infrac.yaml"));
            assert_eq!(provider["apiVersion"], 1);
            let path = provider["providers"][0]["options"]["path"]
                .as_str()
                .unwrap();
            // The provider's path, with the provisioning directory mounted at
            // /etc/grafana/provisioning, is where the dashboard was written.
            let rel = path.strip_prefix("/etc/grafana/provisioning/").unwrap();
            let json_path = provisioning.join(rel).join("overview.json");
            let dashboard: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();

            let config = yaml(&t.one("/prometheus.yml"));
            let jobs: BTreeSet<&str> = config["scrape_configs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|j| j["job_name"].as_str().unwrap())
                .collect();
            let panels = dashboard["panels"].as_array().unwrap();
            assert!(!panels.is_empty(), "{name}: no panel");
            let mut ids = BTreeSet::new();
            for p in panels {
                assert!(
                    ids.insert(p["id"].as_i64().unwrap()),
                    "{name}: duplicate panel id"
                );
                assert_eq!(p["datasource"]["uid"], uid, "{name}");
                for target in p["targets"].as_array().unwrap() {
                    let expr = target["expr"].as_str().unwrap();
                    let found = selectors(expr);
                    assert!(!found.is_empty(), "{name}: {expr} reads no metric");
                    for (metric, job) in found {
                        let job = job.unwrap_or_else(|| panic!("{name}: {metric} has no job"));
                        assert!(
                            jobs.contains(job.as_str()),
                            "{name}: job {job} is not scraped"
                        );
                        assert!(
                            exporter_metrics(&job).contains(&metric.as_str()),
                            "{name}: {metric} is not exported by {job}"
                        );
                    }
                }
            }
            dashboards += 1;
        }
    }
    assert!(dashboards >= 1, "no example has a dashboard");
}

const SPLIT: &str = r#"
project split { domain "split.example" }
site s1 {
  id 1
  zone mgmt { vlan 10; subnet 10.1.10.0/24 }
  zone ops { vlan 20; subnet 10.1.20.0/24 }
  host mon1 { address mgmt 10.1.10.20 }
  host mon2 { address mgmt 10.1.10.21 }
  host dash1 { address ops 10.1.20.30 }
}
site s2 {
  id 2
  zone mgmt { vlan 10; subnet 10.2.10.0/24 }
  host mon3 { address mgmt 10.2.10.20 }
  host dash2 { address mgmt 10.2.10.30 }
}
service prometheus { kind monitoring; image "prom/prometheus:v2.53.0"; port 9090; on [mon1, mon2, mon3] }
service grafana { kind dashboard; image "grafana/grafana:11.2.0"; port 3000; on [dash1, dash2] }
monitoring { server prometheus; interval 30s; alert host_down { for 1m } }
"#;

/// A dashboard uses the server of its own site (mon3 for dash2, though mon1 sorts first), else
/// the first; both need a flow to it.
#[test]
fn a_dashboard_on_another_host_uses_a_reachable_server() {
    let text = format!("{SPLIT}allow grafana -> prometheus tcp/9090 {{ why \"dashboards\" }}\n");
    let model = infrac_testkit::model_from_str(&text);
    let t = tree(render(&model));
    let mut paths: Vec<&str> = t.files.iter().map(|f| f.path.as_str()).collect();
    paths.sort();
    assert_eq!(
        paths,
        [
            "grafana/s1/dash1/provisioning/dashboards/infrac.yaml",
            "grafana/s1/dash1/provisioning/dashboards/infrac/overview.json",
            "grafana/s1/dash1/provisioning/datasources/prometheus.yaml",
            "grafana/s2/dash2/provisioning/dashboards/infrac.yaml",
            "grafana/s2/dash2/provisioning/dashboards/infrac/overview.json",
            "grafana/s2/dash2/provisioning/datasources/prometheus.yaml",
            "prometheus/s1/mon1/prometheus.yml",
            "prometheus/s1/mon1/rules.yml",
            "prometheus/s1/mon2/prometheus.yml",
            "prometheus/s1/mon2/rules.yml",
            "prometheus/s2/mon3/prometheus.yml",
            "prometheus/s2/mon3/rules.yml",
        ]
    );
    let url = |site_host: &str| {
        let path = t.one(&format!(
            "{site_host}/provisioning/datasources/prometheus.yaml"
        ));
        let ds = yaml(&path);
        assert_eq!(ds["datasources"][0]["jsonData"]["timeInterval"], "30s");
        ds["datasources"][0]["url"].as_str().unwrap().to_string()
    };
    assert_eq!(url("s1/dash1"), "http://10.1.10.20:9090");
    assert_eq!(url("s2/dash2"), "http://10.2.10.20:9090");
    // Every server host gets the same configuration.
    let configs: Vec<Vec<u8>> = t
        .files
        .iter()
        .filter(|f| f.path.ends_with("/prometheus.yml"))
        .map(|f| f.contents.clone())
        .collect();
    assert_eq!(configs.len(), 3);
    assert!(configs.windows(2).all(|w| w[0] == w[1]));
}
