//! Every example's output passes `promtool check config` (which loads the rule files the
//! config names, laid out as rendered) and `promtool check rules`; the gate itself is shown to
//! reject broken files.

mod common;

use common::{promtool, render, tree};

#[test]
fn every_example_passes_promtool() {
    let mut checked = 0;
    for (name, dir) in infrac_testkit::corpus("PROMETHEUS") {
        let model = infrac_testkit::model_of(&dir);
        let Some(monitoring) = &model.monitoring else {
            continue;
        };
        let t = tree(render(&model));
        let configs = t.all("/prometheus.yml");
        assert!(!configs.is_empty(), "{name}: no prometheus.yml");
        for config in configs {
            let dir = config.parent().unwrap();
            let (ok, out) = promtool(dir, &["check", "config", "prometheus.yml"]);
            assert!(ok && !out.contains("FAILED"), "{name}: {out}");
            assert!(out.contains("SUCCESS: 1 rule files found"), "{name}: {out}");
            let (ok, out) = promtool(dir, &["check", "rules", "rules.yml"]);
            assert!(ok && !out.contains("FAILED"), "{name}: {out}");
            let expected = format!("SUCCESS: {} rules found", monitoring.alerts.len());
            assert!(
                out.contains(&expected),
                "{name}: expected {expected}: {out}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} configurations checked");
}

#[test]
fn the_gate_rejects_broken_files() {
    let model = infrac_testkit::model_of(&infrac_testkit::repo_root().join("examples/campus"));
    let t = tree(render(&model));
    let config = t.one("/prometheus.yml");
    let dir = config.parent().unwrap();
    let rules = std::fs::read_to_string(dir.join("rules.yml")).unwrap();
    let prometheus = std::fs::read_to_string(&config).unwrap();

    let cases = [
        // A PromQL syntax error in an alert expression.
        ("rules.yml", rules.replacen("up == 0", "up === 0", 1)),
        // A bad `for` duration.
        ("rules.yml", rules.replacen("for: 1m", "for: 1 minute", 1)),
        // A rule file the config names but which does not exist.
        (
            "prometheus.yml",
            prometheus.replacen("- rules.yml", "- missing.yml", 1),
        ),
        // Two jobs with the same name.
        (
            "prometheus.yml",
            prometheus.replacen("job_name: node", "job_name: haproxy", 1),
        ),
        // A scrape timeout longer than the interval.
        (
            "prometheus.yml",
            prometheus.replacen("scrape_timeout: 10s", "scrape_timeout: 20s", 1),
        ),
    ];
    for (file, text) in cases {
        let original = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_ne!(text, original, "the mutation of {file} changed nothing");
        std::fs::write(dir.join(file), &text).unwrap();
        let (ok, out) = promtool(dir, &["check", "config", "prometheus.yml"]);
        assert!(
            !ok && out.contains("FAILED"),
            "a broken {file} passed:\n{text}\n{out}"
        );
        std::fs::write(dir.join(file), &original).unwrap();
    }
    let (ok, out) = promtool(dir, &["check", "config", "prometheus.yml"]);
    assert!(ok, "restored files fail: {out}");
}

/// Values the examples do not use: an interval under Prometheus's default timeout, sub-second
/// and zero `for`, two alerts of one kind, an IPv6 target, a load balancer name with `-` and
/// `_`, a service's own metrics path.
#[test]
fn unusual_values_pass_promtool() {
    let model = infrac_testkit::model_from_str(
        r#"
project odd { domain "odd.example" }
site s1 {
  id 1
  zone mgmt { vlan 10; subnet 10.1.10.0/24 }
  zone v6 { vlan 20; subnet 2001:db8:20::/64 }
  host mon1 { address mgmt 10.1.10.20; address v6 2001:db8:20::20 }
  host web6 { address v6 2001:db8:20::21 }
  host lb1 { address mgmt 10.1.10.11 }
}
service prometheus { kind monitoring; image "prom/prometheus:v2.53.0"; port 9090; on [mon1] }
service app { image "app:1"; port 8080; on [lb1]; metrics "/internal/metrics" }
loadbalancer www-east_1 { on [lb1]; vip 10.1.10.100; backend app {}; stats 8404 }
monitoring {
  server prometheus
  interval 5s
  alert host_down { for 1500ms }
  alert cpu { above 80%; for 0s }
  alert cpu { above 95%; for 2h }
  alert latency { above 250ms; for 30s }
}
"#,
    );
    let t = tree(render(&model));
    let config = t.one("/prometheus.yml");
    let dir = config.parent().unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    assert!(text.contains("scrape_timeout: 5s"), "{text}");
    assert!(text.contains("\"[2001:db8:20::21]:9100\""), "{text}");
    assert!(text.contains("metrics_path: /internal/metrics"), "{text}");
    let rules = std::fs::read_to_string(dir.join("rules.yml")).unwrap();
    for expected in [
        "for: 1s500ms",
        "for: 0s",
        "for: 2h",
        "alert: HighCpuUsage\n",
        "alert: HighCpuUsage_2\n",
        "proxy=~\"(www-east_1)[.].+\"",
        "> 0.25",
    ] {
        assert!(rules.contains(expected), "{expected} missing:\n{rules}");
    }
    let (ok, out) = promtool(dir, &["check", "config", "prometheus.yml"]);
    assert!(ok && !out.contains("FAILED"), "{out}");
    let (ok, out) = promtool(dir, &["check", "rules", "rules.yml"]);
    assert!(ok && out.contains("SUCCESS: 4 rules found"), "{out}");
}
