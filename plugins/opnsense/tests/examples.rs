//! Every example's output: insta snapshots, byte-identical across runs.

use infrac_plugin_opnsense::Opnsense;

#[test]
fn every_example_renders_deterministically() {
    let examples = infrac_testkit::examples();
    assert!(examples.len() >= 3, "examples/ has the seed examples");
    let mut rendered = 0;
    for (name, dir) in examples {
        let model = infrac_testkit::model_of(&dir);
        let files = infrac_testkit::render::<Opnsense>(&model, "opnsense");
        let again = infrac_testkit::render::<Opnsense>(&model, "opnsense");
        assert_eq!(files, again, "{name}: output differs between two runs");
        for f in &files {
            assert!(
                f.path.starts_with("opnsense/") && f.path.ends_with("/config.xml"),
                "{}",
                f.path
            );
        }
        rendered += files.len();
        insta::assert_snapshot!(
            format!("opnsense-{name}"),
            infrac_testkit::snapshot_text(&files)
        );
    }
    assert!(rendered >= 4, "the examples have OPNsense firewalls");
}
