//! The semantic check: `promtool test rules` runs the rendered alert rules over synthetic
//! series (labelled as the rendered `prometheus.yml` labels its targets) and shows that each
//! alert fires exactly when the model says: a series just past the threshold fires once the
//! condition has held for the alert's `for` (not one evaluation earlier), and one just short
//! of it never does.
//!
//! The model scrapes every 15 s, so rates use a one-minute window. Every series is "normal"
//! until T = 300 s and changes at T; a gauge condition holds from T, a rate condition from
//! T + 60 s (the first window holding only new samples; the test checks the blend before is
//! still below the threshold).
//!
//! HAProxy series carry the `proxy` names the `haproxy` backend gives: `LB` for a load
//! balancer's frontend, `LB.SERVICE` for its backends, `stats:PORT` for the metrics endpoint.
//! Host lb1 runs two load balancers (www and admin).

mod common;

use common::{promtool, render, target_labels, tree, yaml};
use std::collections::BTreeMap;

const MODEL: &str = r#"
project semantics { domain "semantics.example" }

secret db-repl { env "SEMANTICS_DB_REPL" }

site s1 {
  id 1
  zone mgmt { vlan 10; subnet 10.1.10.0/24 }
  zone web { vlan 11; subnet 10.1.11.0/24 }
  zone db { vlan 13; subnet 10.1.13.0/24 }
  host mon1 { address mgmt 10.1.10.20 }
  host lb1 { address web 10.1.11.11 }
  host lb2 { address web 10.1.11.12 }
  host lb3 { address web 10.1.11.13 }
  host app1 { address web 10.1.11.21 }
  host db1 { address db 10.1.13.11 }
  host db2 { address db 10.1.13.12 }
  host db3 { address db 10.1.13.13 }
  host db4 { address db 10.1.13.14 }
}

service prometheus {
  kind monitoring
  image "prom/prometheus:v2.53.0"
  port 9090
  on [mon1]
}

service app {
  image "app:1"
  port 8080
  on [app1]
}

loadbalancer www {
  on [lb1, lb2]
  vip 10.1.11.100
  backend app {}
  stats 8404
}

loadbalancer api {
  on [lb3]
  vip 10.1.11.101
  backend app {}
  stats 8404
}

loadbalancer admin {
  on [lb1]
  vip 10.1.11.102
  backend app {}
  stats 8404
}

database main {
  flavour mariadb
  primary db1
  replica db2
  replica db3
  replica db4
  replication { user repl; password db-repl }
}

monitoring {
  server prometheus
  interval 15s
  alert host_down { for 1m }
  alert cpu { above 90%; for 10m }
  alert memory { above 90%; for 10m }
  alert disk { above 85%; for 10m }
  alert qps { above 1000; for 5m }
  alert error_rate { above 5%; for 5m }
  alert latency { above 500ms; for 5m }
  alert replication_lag { above 30s; for 2m }
}
"#;

/// The 1-based line of the first line of `MODEL` containing `needle` (the alert's origin).
fn line_of(needle: &str) -> usize {
    MODEL
        .lines()
        .position(|l| l.contains(needle))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("{needle} is not in the model"))
}

/// One expected firing alert: its labels (besides `alertname`) and annotations.
struct Expected {
    labels: BTreeMap<String, String>,
    summary: String,
    description: String,
}

/// A series name with labels, as promtool reads it.
fn series(metric: &str, labels: &BTreeMap<String, String>, extra: &[(&str, &str)]) -> String {
    let mut all = labels.clone();
    for (k, v) in extra {
        all.insert(k.to_string(), v.to_string());
    }
    let inner: Vec<String> = all.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    format!("{metric}{{{}}}", inner.join(","))
}

/// A counter: `before` per second for 20 steps of 15 s (up to T = 300 s), then `after` per
/// second for 80 more steps. Starts high so that no extrapolation reaches zero.
fn counter(before: f64, after: f64) -> String {
    let start = 100_000.0;
    let at_t = start + before * 15.0 * 20.0;
    format!(
        "{start}+{}x20 {}+{}x80",
        before * 15.0,
        at_t + after * 15.0,
        after * 15.0
    )
}

/// A gauge: `before` up to T = 300 s, then `after`.
fn gauge(before: f64, after: f64) -> String {
    format!("{before}x19 {after}x80")
}

fn yaml_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Runs `promtool test rules` on the rendered rules with `series` as input, asserting that
/// `alert` fires for exactly `expected` at `fires_at` seconds and for nothing one evaluation
/// (15 s) earlier.
fn check(alert: &str, input: &[(String, String)], fires_at: u32, expected: &[Expected]) {
    let model = infrac_testkit::model_from_str(MODEL);
    let t = tree(render(&model));
    let rules = t.one("/rules.yml");
    let dir = rules.parent().unwrap();
    let mut test = String::new();
    test.push_str("rule_files:\n  - rules.yml\nevaluation_interval: 15s\ntests:\n  - interval: 15s\n    input_series:\n");
    for (name, values) in input {
        test.push_str(&format!(
            "      - series: {}\n        values: {}\n",
            yaml_quote(name),
            yaml_quote(values)
        ));
    }
    test.push_str("    alert_rule_test:\n");
    test.push_str(&format!(
        "      - eval_time: {}s\n        alertname: {alert}\n        exp_alerts: []\n",
        fires_at - 15
    ));
    test.push_str(&format!(
        "      - eval_time: {fires_at}s\n        alertname: {alert}\n        exp_alerts:\n"
    ));
    for e in expected {
        test.push_str("          - exp_labels:\n");
        for (k, v) in &e.labels {
            test.push_str(&format!("              {k}: {}\n", yaml_quote(v)));
        }
        test.push_str("            exp_annotations:\n");
        test.push_str(&format!(
            "              summary: {}\n",
            yaml_quote(&e.summary)
        ));
        test.push_str(&format!(
            "              description: {}\n",
            yaml_quote(&e.description)
        ));
    }
    std::fs::write(dir.join("test.yml"), &test).unwrap();
    let (ok, out) = promtool(dir, &["test", "rules", "test.yml"]);
    assert!(
        ok && out.contains("SUCCESS") && !out.contains("FAILED"),
        "{alert}:\n{test}\n{out}"
    );
}

/// The scrape labels of `host`'s `job` target in the rendered configuration.
fn labels(job: &str, host: &str) -> BTreeMap<String, String> {
    let model = infrac_testkit::model_from_str(MODEL);
    let t = tree(render(&model));
    target_labels(&yaml(&t.one("/prometheus.yml")), job, host)
}

fn with(mut base: BTreeMap<String, String>, extra: &[(&str, &str)]) -> BTreeMap<String, String> {
    for (k, v) in extra {
        base.insert(k.to_string(), v.to_string());
    }
    base
}

fn description(condition: &str, kind: &str) -> String {
    format!(
        "{condition} infrac alert `{kind}` at site.infra:{}.",
        line_of(&format!("alert {kind} "))
    )
}

#[test]
fn host_down_fires_after_for_and_not_on_a_shorter_outage() {
    let app1 = labels("node", "app1");
    let db1 = labels("mysqld", "db1");
    let lb1 = labels("node", "lb1");
    let input = vec![
        // Down from T: fires at T + 1m.
        (series("up", &app1, &[]), "1x19 0x80".to_string()),
        // Down for 45 s from T, then back: never fires.
        (series("up", &db1, &[]), "1x19 0x2 1x77".to_string()),
        // Always up.
        (series("up", &lb1, &[]), "1x100".to_string()),
    ];
    let expected = Expected {
        summary: format!("node target on app1 ({}) is down", app1["instance"]),
        description: description("No scrape of it has succeeded for 1m.", "host_down"),
        labels: with(app1, &[("severity", "critical")]),
    };
    check("HostDown", &input, 360, &[expected]);
}

#[test]
fn cpu_fires_above_its_threshold_after_for() {
    let a = labels("node", "app1");
    let b = labels("node", "lb1");
    let cpu = "node_cpu_seconds_total";
    let input = vec![
        // app1: idle 6% and 12% of two CPUs, so 91% used.
        (
            series(cpu, &a, &[("cpu", "0"), ("mode", "idle")]),
            counter(0.5, 0.06),
        ),
        (
            series(cpu, &a, &[("cpu", "1"), ("mode", "idle")]),
            counter(0.5, 0.12),
        ),
        (
            series(cpu, &a, &[("cpu", "0"), ("mode", "user")]),
            counter(0.5, 0.94),
        ),
        // lb1: idle 10% and 12%, so 89% used: never fires.
        (
            series(cpu, &b, &[("cpu", "0"), ("mode", "idle")]),
            counter(0.5, 0.10),
        ),
        (
            series(cpu, &b, &[("cpu", "1"), ("mode", "idle")]),
            counter(0.5, 0.12),
        ),
    ];
    let expected = Expected {
        summary: format!("CPU use on app1 ({}) is 91.0%", a["instance"]),
        description: description("CPU use has been above 90% for 10m.", "cpu"),
        labels: with(a, &[("severity", "warning")]),
    };
    // Above from T + 1m (the first rate window after T), so firing at T + 1m + 10m.
    check("HighCpuUsage", &input, 300 + 60 + 600, &[expected]);
}

#[test]
fn memory_fires_above_its_threshold_after_for() {
    let a = labels("node", "app1");
    let b = labels("node", "lb1");
    let input = vec![
        (
            series("node_memory_MemTotal_bytes", &a, &[]),
            gauge(1000.0, 1000.0),
        ),
        (
            series("node_memory_MemAvailable_bytes", &a, &[]),
            gauge(500.0, 80.0),
        ),
        (
            series("node_memory_MemTotal_bytes", &b, &[]),
            gauge(1000.0, 1000.0),
        ),
        (
            series("node_memory_MemAvailable_bytes", &b, &[]),
            gauge(500.0, 110.0),
        ),
    ];
    let expected = Expected {
        summary: format!("Memory use on app1 ({}) is 92.0%", a["instance"]),
        description: description("Memory use has been above 90% for 10m.", "memory"),
        labels: with(a, &[("severity", "warning")]),
    };
    check("HighMemoryUsage", &input, 300 + 600, &[expected]);
}

#[test]
fn disk_fires_per_file_system_and_ignores_tmpfs() {
    let a = labels("node", "app1");
    let b = labels("node", "lb1");
    let root = [
        ("device", "/dev/vda1"),
        ("fstype", "ext4"),
        ("mountpoint", "/"),
    ];
    let run = [
        ("device", "tmpfs"),
        ("fstype", "tmpfs"),
        ("mountpoint", "/run"),
    ];
    let input = vec![
        // app1 /: 86% used.
        (
            series("node_filesystem_size_bytes", &a, &root),
            gauge(1000.0, 1000.0),
        ),
        (
            series("node_filesystem_avail_bytes", &a, &root),
            gauge(500.0, 140.0),
        ),
        // app1 /run, a tmpfs, 99% used: not a disk.
        (
            series("node_filesystem_size_bytes", &a, &run),
            gauge(1000.0, 1000.0),
        ),
        (
            series("node_filesystem_avail_bytes", &a, &run),
            gauge(10.0, 10.0),
        ),
        // lb1 /: 84% used.
        (
            series("node_filesystem_size_bytes", &b, &root),
            gauge(1000.0, 1000.0),
        ),
        (
            series("node_filesystem_avail_bytes", &b, &root),
            gauge(500.0, 160.0),
        ),
    ];
    let expected = Expected {
        summary: format!("Disk use of / on app1 ({}) is 86.0%", a["instance"]),
        description: description("Disk use has been above 85% for 10m.", "disk"),
        labels: with(
            a,
            &[("severity", "warning")]
                .iter()
                .chain(&root)
                .copied()
                .collect::<Vec<_>>(),
        ),
    };
    check("HighDiskUsage", &input, 300 + 600, &[expected]);
}

#[test]
fn qps_sums_a_load_balancer_over_its_hosts_without_the_stats_frontend() {
    let lb1 = labels("haproxy", "lb1");
    let lb2 = labels("haproxy", "lb2");
    let lb3 = labels("haproxy", "lb3");
    let m = "haproxy_frontend_http_requests_total";
    let input = vec![
        // www: 600 + 410 = 1010 requests/s over its two hosts, each under 1000.
        (series(m, &lb1, &[("proxy", "www")]), counter(100.0, 600.0)),
        (series(m, &lb2, &[("proxy", "www")]), counter(100.0, 410.0)),
        // admin, on lb1 too: 950 requests/s (lb1 serves 1550 in all).
        (
            series(m, &lb1, &[("proxy", "admin")]),
            counter(100.0, 950.0),
        ),
        // api: 900 requests/s; 1100 if the metrics frontend counted.
        (series(m, &lb3, &[("proxy", "api")]), counter(100.0, 900.0)),
        (
            series(m, &lb3, &[("proxy", "stats:8404")]),
            counter(100.0, 200.0),
        ),
    ];
    let expected = Expected {
        labels: BTreeMap::from([
            ("load_balancer".to_string(), "www".to_string()),
            ("severity".to_string(), "warning".to_string()),
        ]),
        summary: "Load balancer www serves 1010.0 requests/s".to_string(),
        description: description(
            "Its hosts together have served more than 1000 requests per second for 5m.",
            "qps",
        ),
    };
    check("HighRequestRate", &input, 300 + 60 + 300, &[expected]);
}

#[test]
fn error_rate_is_the_5xx_share_of_a_load_balancer_without_the_stats_frontend() {
    let lb1 = labels("haproxy", "lb1");
    let lb2 = labels("haproxy", "lb2");
    let lb3 = labels("haproxy", "lb3");
    let m = "haproxy_frontend_http_responses_total";
    let input = vec![
        // www: lb1's frontend alone would be 5.2/95.2 = 5.5%, with lb2 it is 9.2/199.2 = 4.6%.
        (
            series(m, &lb1, &[("proxy", "www"), ("code", "2xx")]),
            counter(90.0, 90.0),
        ),
        (
            series(m, &lb1, &[("proxy", "www"), ("code", "5xx")]),
            counter(0.0, 5.2),
        ),
        (
            series(m, &lb2, &[("proxy", "www"), ("code", "2xx")]),
            counter(100.0, 100.0),
        ),
        (
            series(m, &lb2, &[("proxy", "www"), ("code", "5xx")]),
            counter(0.0, 4.0),
        ),
        // api: 6 of 100 responses are 5xx, 6%; 0.55% if the metrics frontend counted.
        (
            series(m, &lb3, &[("proxy", "api"), ("code", "2xx")]),
            counter(94.0, 94.0),
        ),
        (
            series(m, &lb3, &[("proxy", "api"), ("code", "5xx")]),
            counter(0.0, 6.0),
        ),
        (
            series(m, &lb3, &[("proxy", "stats:8404"), ("code", "2xx")]),
            counter(1000.0, 1000.0),
        ),
        // admin, on lb1 too: 2% 5xx of many requests; lb1 as a whole is 7.2/1095.2 = 0.7%,
        // so www's share is read from its own frontend.
        (
            series(m, &lb1, &[("proxy", "admin"), ("code", "2xx")]),
            counter(980.0, 980.0),
        ),
        (
            series(m, &lb1, &[("proxy", "admin"), ("code", "5xx")]),
            counter(0.0, 20.0),
        ),
    ];
    let expected = Expected {
        labels: BTreeMap::from([
            ("load_balancer".to_string(), "api".to_string()),
            ("severity".to_string(), "critical".to_string()),
        ]),
        summary: "6.0% of the responses of load balancer api are 5xx".to_string(),
        description: description(
            "More than 5% of its responses have been 5xx for 5m.",
            "error_rate",
        ),
    };
    check("HighErrorRate", &input, 300 + 60 + 300, &[expected]);
}

#[test]
fn latency_converts_the_threshold_to_seconds() {
    let lb1 = labels("haproxy", "lb1");
    let lb2 = labels("haproxy", "lb2");
    let m = "haproxy_backend_response_time_average_seconds";
    let input = vec![
        // 520 ms on lb1: above 500 ms.
        (series(m, &lb1, &[("proxy", "www.app")]), gauge(0.1, 0.52)),
        // 480 ms on lb2.
        (series(m, &lb2, &[("proxy", "www.app")]), gauge(0.1, 0.48)),
        // Not a load balancer's backend: never read.
        (series(m, &lb2, &[("proxy", "other")]), gauge(0.1, 9.0)),
    ];
    let expected = Expected {
        summary: format!(
            "Backend www.app of load balancer www on lb1 ({}) answers in 0.520s on average",
            lb1["instance"]
        ),
        description: description(
            "Its average response time has been above 0.5s for 5m.",
            "latency",
        ),
        labels: with(
            lb1,
            &[
                ("proxy", "www.app"),
                ("load_balancer", "www"),
                ("severity", "warning"),
            ],
        ),
    };
    check("HighLatency", &input, 300 + 300, &[expected]);
}

#[test]
fn replication_lag_reads_both_exporter_spellings() {
    let db2 = labels("mysqld", "db2");
    let db3 = labels("mysqld", "db3");
    let db4 = labels("mysqld", "db4");
    assert_eq!(db2["role"], "replica");
    assert_eq!(db2["database"], "main");
    let master = [("master_host", "10.1.13.11")];
    let input = vec![
        // db2 (SHOW SLAVE STATUS): 31 s behind.
        (
            series("mysql_slave_status_seconds_behind_master", &db2, &master),
            gauge(0.0, 31.0),
        ),
        // db3 (SHOW REPLICA STATUS): 45 s behind.
        (
            series("mysql_slave_status_seconds_behind_source", &db3, &master),
            gauge(0.0, 45.0),
        ),
        // db4: exactly 30 s, not above.
        (
            series("mysql_slave_status_seconds_behind_master", &db4, &master),
            gauge(0.0, 30.0),
        ),
    ];
    let lagging = |l: &BTreeMap<String, String>, host: &str, secs: u32| Expected {
        summary: format!(
            "Replica {host} ({}) of database main is {secs}s behind its primary",
            l["instance"]
        ),
        description: description(
            "Its replication lag has been above 30s for 2m.",
            "replication_lag",
        ),
        labels: with(
            l.clone(),
            &[("severity", "warning"), ("master_host", "10.1.13.11")],
        ),
    };
    check(
        "ReplicationLag",
        &input,
        300 + 120,
        &[lagging(&db2, "db2", 31), lagging(&db3, "db3", 45)],
    );
}
