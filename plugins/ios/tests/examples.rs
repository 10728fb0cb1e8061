//! Snapshots of every example's IOS configurations (and of the test models), and determinism.

mod common;

use infrac_plugin_ios::Ios;

#[test]
fn every_example_renders() {
    let dirs = infrac_testkit::examples();
    assert!(dirs.len() >= 3);
    for (name, dir) in dirs {
        let model = infrac_testkit::model_of(&dir);
        let files = infrac_testkit::render::<Ios>(&model, "ios");
        // Byte-identical on a second run.
        assert_eq!(
            files,
            infrac_testkit::render::<Ios>(&model, "ios"),
            "{name}"
        );
        for f in &files {
            let text = String::from_utf8(f.contents.clone()).expect("utf-8");
            assert!(
                f.path.starts_with("ios/") && f.path.ends_with(".cfg"),
                "{}",
                f.path
            );
            assert!(text.ends_with("end\n"), "{}", f.path);
            assert!(!text.to_lowercase().contains("telnet"), "{}", f.path);
        }
        insta::assert_snapshot!(format!("ios-{name}"), infrac_testkit::snapshot_text(&files));
    }
}

#[test]
fn test_models_render() {
    for (name, model) in common::test_models() {
        let files = common::render(&model);
        assert_eq!(files, common::render(&model), "{name}");
        insta::assert_snapshot!(
            format!("ios-model-{name}"),
            infrac_testkit::snapshot_text(&files)
        );
    }
}
