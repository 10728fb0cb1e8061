//! Native snapshots of the compose backend for every example.

use infrac_sdk::{Backend, Target};

#[test]
fn every_example_renders() {
    let dirs = infrac_testkit::examples();
    assert!(dirs.len() >= 3);
    for (name, dir) in dirs {
        let model = infrac_testkit::model_of(&dir);
        let mut out = String::new();
        for unit in infrac_plugin_compose::Compose::units(&model, "compose") {
            let files =
                infrac_plugin_compose::Compose::compile(&model, &Target::unit("compose", &unit))
                    .expect("compiles");
            for f in files {
                let text = String::from_utf8(f.contents).expect("utf-8");
                assert!(text.contains("cap_drop:\n      - ALL"), "{}", f.path);
                assert!(text.contains("no-new-privileges:true"), "{}", f.path);
                out.push_str(&format!("=== {}\n{text}", f.path));
            }
        }
        insta::assert_snapshot!(format!("compose-{name}"), out);
    }
}
