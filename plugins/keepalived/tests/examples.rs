//! Snapshots of every example's keepalived.conf files, and their determinism.

mod common;

#[test]
fn every_example_renders() {
    let dirs = infrac_testkit::examples();
    assert!(dirs.len() >= 3, "examples/ holds the seed examples");
    let mut configs = 0;
    for (name, dir) in dirs {
        let model = infrac_testkit::model_of(&dir);
        let files = common::render(&model);
        let members: usize = model.ha_groups.iter().map(|g| g.members.len()).sum();
        assert!(
            files.len() <= members,
            "{name}: one file per member host at most"
        );
        if members > 0 {
            assert!(
                !files.is_empty(),
                "{name}: HA members get a keepalived.conf"
            );
        }
        for f in &files {
            assert!(f.path.starts_with("keepalived/"), "{}", f.path);
            assert!(f.path.ends_with("/keepalived.conf"), "{}", f.path);
            let text = common::text(f);
            assert!(text.contains("vrrp_instance "), "{}", f.path);
            assert!(!text.contains("\t"), "{}", f.path);
        }
        configs += files.len();
        // Same model, byte-identical files.
        assert_eq!(files, common::render(&model), "{name}: deterministic");
        insta::assert_snapshot!(
            format!("keepalived-{name}"),
            infrac_testkit::snapshot_text(&files)
        );
    }
    assert!(configs > 0, "some example has an HA group");
}
