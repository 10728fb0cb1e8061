//! Every PROMETHEUS0xx code fires, at the element it names, and is documented.

mod common;

use common::errors;
use infrac_plugin_prometheus::{Prometheus, codes};
use infrac_sdk::{Backend, Diagnostic, Model, Severity, Target, Threshold};

const BASE: &str = r#"
project diag { domain "diag.example" }
secret db-repl { env "DIAG_DB_REPL" }
site s1 {
  id 1
  zone mgmt { vlan 10; subnet 10.1.10.0/24 }
  zone web { vlan 11; subnet 10.1.11.0/24 }
  host mon1 { address mgmt 10.1.10.20 }
  host web1 { address web 10.1.11.21 }
}
service prometheus { kind monitoring; image "prom/prometheus:v2.53.0"; port 9090; on [mon1] }
service app { image "app:1"; port 8080; on [web1] }
"#;

fn model(extra: &str) -> Model {
    infrac_testkit::model_from_str(&format!("{BASE}{extra}"))
}

/// The single diagnostic of compiling every unit: an error with `code` at `path`.
fn only(model: &Model, code: &str, path: &str) -> Diagnostic {
    let d = errors(model);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].code, code, "{d:#?}");
    assert_eq!(d[0].ir_path, path, "{d:#?}");
    assert_eq!(d[0].severity, Severity::Error);
    d[0].clone()
}

fn alert_index(model: &Model, kind: infrac_sdk::AlertKind) -> usize {
    model
        .monitoring
        .as_ref()
        .unwrap()
        .alerts
        .iter()
        .position(|a| a.kind == kind)
        .unwrap()
}

#[test]
fn base_model_renders() {
    let m = model("monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n");
    assert!(errors(&m).is_empty());
    assert_eq!(Prometheus::units(&m, "prometheus"), ["mon1"]);
}

#[test]
fn prometheus001_a_unit_that_runs_no_monitoring() {
    let m = model("monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n");
    for unit in ["web1", "nohost"] {
        let d = Prometheus::compile(&m, &Target::unit("prometheus", unit)).unwrap_err();
        assert_eq!(d[0].code, codes::NOT_A_UNIT);
        assert_eq!(d[0].ir_path, "");
    }
    let without = model("");
    assert!(Prometheus::units(&without, "prometheus").is_empty());
    let d = Prometheus::compile(&without, &Target::unit("prometheus", "mon1")).unwrap_err();
    assert_eq!(d[0].code, codes::NOT_A_UNIT);
}

#[test]
fn prometheus002_alerts_that_need_an_exporter_the_model_does_not_scrape() {
    // No load balancer: nothing exports HAProxy metrics.
    let m =
        model("monitoring { server prometheus; interval 15s; alert qps { above 100; for 1m } }\n");
    let d = only(&m, codes::NO_EXPORTER, "/monitoring/alerts/0");
    assert!(d.message.contains("no load balancer"), "{}", d.message);
    // A database without replicas: no replication lag to read.
    let m = model(
        "host db1 { site s1; address web 10.1.11.31 }\n\
         database main { flavour mariadb; primary db1 }\n\
         monitoring { server prometheus; interval 15s; alert replication_lag { above 30s; for 1m } }\n",
    );
    only(&m, codes::NO_EXPORTER, "/monitoring/alerts/0");
    // No monitored host: no node exporter.
    let mut m = model(
        "monitoring { server prometheus; interval 15s; alert host_down { for 1m }; alert cpu { above 90%; for 1m } }\n",
    );
    for h in &mut m.hosts {
        h.monitor = false;
    }
    m.monitoring.as_mut().unwrap().targets.clear();
    let d = errors(&m);
    let cpu = alert_index(&m, infrac_sdk::AlertKind::Cpu);
    let down = alert_index(&m, infrac_sdk::AlertKind::HostDown);
    assert_eq!(d.len(), 2, "{d:#?}");
    assert!(d.iter().all(|d| d.code == codes::NO_EXPORTER));
    let mut paths: Vec<&str> = d.iter().map(|d| d.ir_path.as_str()).collect();
    paths.sort();
    let mut expected = [
        format!("/monitoring/alerts/{cpu}"),
        format!("/monitoring/alerts/{down}"),
    ];
    expected.sort();
    assert_eq!(paths, expected);
}

#[test]
fn prometheus003_a_threshold_of_the_wrong_kind() {
    let mut m =
        model("monitoring { server prometheus; interval 15s; alert cpu { above 90%; for 1m } }\n");
    m.monitoring.as_mut().unwrap().alerts[0].above = Some(Threshold::Number(90.0));
    only(&m, codes::THRESHOLD_KIND, "/monitoring/alerts/0/above");
    m.monitoring.as_mut().unwrap().alerts[0].above = None;
    only(&m, codes::THRESHOLD_KIND, "/monitoring/alerts/0");
}

#[test]
fn prometheus004_a_replication_lag_finer_than_seconds() {
    let m = model(
        "host db1 { site s1; address web 10.1.11.31 }\n\
         host db2 { site s1; address web 10.1.11.32 }\n\
         database main { flavour mariadb; primary db1; replica db2; replication { user repl; password db-repl } }\n\
         monitoring { server prometheus; interval 15s; alert replication_lag { above 1500ms; for 1m } }\n",
    );
    let d = only(&m, codes::LAG_RESOLUTION, "/monitoring/alerts/0/above");
    assert!(d.message.contains("1s or 2s"), "{}", d.message);
}

#[test]
fn prometheus005_a_load_balancer_name_the_metrics_cannot_match() {
    let lbs = "host lb1 { site s1; address web 10.1.11.11 }\n\
               loadbalancer www { on [lb1]; vip 10.1.11.100; backend app {}; stats 8404 }\n\
               loadbalancer api { on [lb1]; vip 10.1.11.101; backend app {}; stats 8404 }\n";
    let qps = "monitoring { server prometheus; interval 15s; alert qps { above 100; for 1m } }\n";
    // Two load balancers on one host are told apart by their frontends' names.
    let mut m = model(&format!("{lbs}{qps}"));
    assert!(errors(&m).is_empty(), "{:#?}", errors(&m));
    let index = m
        .load_balancers
        .iter()
        .position(|l| l.name == "www")
        .unwrap();
    m.load_balancers[index].name = "w.w".to_string();
    let d = only(&m, codes::LB_NAME, &format!("/load_balancers/{index}/name"));
    assert!(d.message.contains("`w.w`"), "{}", d.message);
    // Without a load-balancer alert or dashboard the name is not read.
    let mut m = model(&format!(
        "{lbs}monitoring {{ server prometheus; interval 15s; alert host_down {{ for 1m }} }}\n"
    ));
    m.load_balancers[index].name = "w.w".to_string();
    assert!(errors(&m).is_empty());
}

#[test]
fn prometheus006_a_service_job_named_like_an_exporter_job() {
    let m = model(
        "service node { image \"node:1\"; port 9200; on [web1]; metrics \"/metrics\" }\n\
         monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n",
    );
    let index = m.services.iter().position(|s| s.name == "node").unwrap();
    only(&m, codes::JOB_CLASH, &format!("/services/{index}"));
}

#[test]
fn prometheus007_a_server_that_runs_nowhere() {
    let mut m =
        model("monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n");
    let index = m
        .services
        .iter()
        .position(|s| s.name == "prometheus")
        .unwrap();
    m.services[index].hosts.clear();
    m.services[index].placements.clear();
    assert_eq!(Prometheus::units(&m, "prometheus"), [""]);
    only(&m, codes::NO_SERVER_HOST, &format!("/services/{index}"));
    m.monitoring.as_mut().unwrap().server = "nothing".to_string();
    only(&m, codes::NO_SERVER_HOST, "/monitoring/server");
}

#[test]
fn prometheus008_a_dashboard_without_the_server_port() {
    let mut m = model(
        "service grafana { kind dashboard; image \"grafana/grafana:11.2.0\"; port 3000; on [mon1] }\n\
         monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n",
    );
    let index = m
        .services
        .iter()
        .position(|s| s.name == "prometheus")
        .unwrap();
    m.services[index].port = None;
    only(&m, codes::NO_SERVER_PORT, &format!("/services/{index}"));
}

#[test]
fn prometheus009_a_dashboard_that_cannot_reach_the_server() {
    let m = model(
        "service grafana { kind dashboard; image \"grafana/grafana:11.2.0\"; port 3000; on [web1] }\n\
         monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n",
    );
    let index = m.services.iter().position(|s| s.name == "grafana").unwrap();
    let d = only(
        &m,
        codes::DASHBOARD_UNREACHABLE,
        &format!("/services/{index}"),
    );
    assert!(
        d.message.contains("allow grafana -> prometheus tcp/9090"),
        "{}",
        d.message
    );
    // A rule for another port does not help; one for the server's port does.
    let m = model(
        "service grafana { kind dashboard; image \"grafana/grafana:11.2.0\"; port 3000; on [web1] }\n\
         monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n\
         allow grafana -> prometheus tcp/9091 { why \"wrong port\" }\n",
    );
    only(
        &m,
        codes::DASHBOARD_UNREACHABLE,
        &format!("/services/{index}"),
    );
    let m = model(
        "service grafana { kind dashboard; image \"grafana/grafana:11.2.0\"; port 3000; on [web1] }\n\
         monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n\
         allow grafana -> prometheus tcp/9090 { why \"dashboards\" }\n",
    );
    assert!(errors(&m).is_empty());
}

#[test]
fn prometheus010_a_target_on_an_unknown_host() {
    let mut m =
        model("monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n");
    let targets = &mut m.monitoring.as_mut().unwrap().targets;
    let last = targets.len() - 1;
    targets[last].host = "ghost".to_string();
    only(
        &m,
        codes::UNKNOWN_TARGET_HOST,
        &format!("/monitoring/targets/{last}"),
    );
}

#[test]
fn prometheus011_a_load_balancer_without_a_stats_endpoint() {
    // The checker gives every load balancer a metrics port (8404) when the model has
    // monitoring; PROMETHEUS011 guards against an IR from elsewhere without one.
    let mut m = model(
        "host lb1 { site s1; address web 10.1.11.11 }\n\
         loadbalancer www { on [lb1]; vip 10.1.11.100; backend app {} }\n\
         monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n",
    );
    let index = m
        .load_balancers
        .iter()
        .position(|l| l.name == "www")
        .unwrap();
    assert_eq!(m.load_balancers[index].stats_port, Some(8404));
    assert!(errors(&m).is_empty());
    m.load_balancers[index].stats_port = None;
    let d = only(
        &m,
        codes::NO_STATS_ENDPOINT,
        &format!("/load_balancers/{index}"),
    );
    assert!(d.message.contains("declare `stats 8404`"), "{}", d.message);
    let m = model(
        "host lb1 { site s1; address web 10.1.11.11 }\n\
         loadbalancer www { on [lb1]; vip 10.1.11.100; backend app {}; stats 8404 }\n\
         monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n",
    );
    assert!(errors(&m).is_empty());
}

#[test]
fn prometheus012_a_target_the_server_has_no_address_family_for() {
    // mon1 is IPv4 only; web6 is IPv6 only: its node exporter could never be scraped.
    let mut m = model(
        "site s2 {\n  id 2\n  zone v6 { vlan 20; subnet fd00:2::/64 }\n  \
         host web6 { address v6 fd00:2::21 }\n}\n\
         monitoring { server prometheus; interval 15s; alert host_down { for 1m } }\n",
    );
    let targets = &m.monitoring.as_ref().unwrap().targets;
    let index = targets.iter().position(|t| t.host == "web6").unwrap();
    let d = only(
        &m,
        codes::TARGET_FAMILY,
        &format!("/monitoring/targets/{index}"),
    );
    assert!(d.message.contains("no IPv6 address"), "{}", d.message);
    // The accepted neighbour: the server's host also has an IPv6 address.
    let v6 = m.host("web6").unwrap().addresses[0].clone();
    let mon1 = m.hosts.iter_mut().find(|h| h.name == "mon1").unwrap();
    mon1.addresses.push(infrac_sdk::HostAddress {
        address: "fd00:2::20".parse().unwrap(),
        ..v6
    });
    assert!(errors(&m).is_empty(), "{:#?}", errors(&m));
}

#[test]
fn every_code_is_documented_and_tested() {
    let root = infrac_testkit::repo_root();
    let crate_doc = std::fs::read_to_string(root.join("plugins/prometheus/src/lib.rs")).unwrap();
    let docs = std::fs::read_to_string(root.join("docs/backends/prometheus.md")).unwrap();
    let tests =
        std::fs::read_to_string(root.join("plugins/prometheus/tests/diagnostics.rs")).unwrap();
    for (i, (code, _)) in codes::ALL.iter().enumerate() {
        assert_eq!(*code, format!("PROMETHEUS{:03}", i + 1));
        assert!(
            crate_doc.contains(&format!("`{code}`")),
            "{code} is not in the crate doc"
        );
        assert!(
            docs.contains(&format!("`{code}`")),
            "{code} is not in docs/backends/prometheus.md"
        );
        assert!(
            tests.contains(&format!("fn {}_", code.to_lowercase())),
            "{code} has no test"
        );
    }
}
