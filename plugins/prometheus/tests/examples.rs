//! Snapshots of every example's output, and determinism.

use infrac_plugin_prometheus::Prometheus;

#[test]
fn every_example_renders() {
    let dirs = infrac_testkit::examples();
    assert!(dirs.len() >= 3);
    for (name, dir) in dirs {
        let model = infrac_testkit::model_of(&dir);
        let files = infrac_testkit::render::<Prometheus>(&model, "prometheus");
        if model.monitoring.is_some() {
            assert!(
                files.iter().any(|f| f.path.ends_with("/prometheus.yml")),
                "{name}: no prometheus.yml"
            );
        }
        let again = infrac_testkit::render::<Prometheus>(&model, "prometheus");
        assert_eq!(files, again, "{name}: output is not deterministic");
        insta::assert_snapshot!(
            format!("prometheus-{name}"),
            infrac_testkit::snapshot_text(&files)
        );
    }
}
