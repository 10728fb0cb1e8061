//! Every example's output passes `promtool check config` (which loads the rule files the
//! config names, laid out as rendered) and `promtool check rules`; the gate itself is shown to
//! reject broken files.

mod common;

use common::{promtool, render, tree};

#[test]
fn every_example_passes_promtool() {
    let mut checked = 0;
    for (name, dir) in infrac_testkit::examples() {
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
