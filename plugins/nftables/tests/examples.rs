//! Snapshots of every host firewall of every example and test model.

mod common;

#[test]
fn every_example_renders_and_snapshots() {
    let models = common::models();
    assert!(models.len() >= 4);
    for (name, model) in models {
        let files = common::render(&model);
        assert_eq!(files.len(), model.hosts.len(), "{name}: one file per host");
        assert_eq!(files, common::render(&model), "{name}: deterministic");
        insta::assert_snapshot!(
            format!("nftables-{name}"),
            infrac_testkit::snapshot_text(&files)
        );
    }
}
