//! Snapshots of every host firewall of every example and of the test models listed below;
//! every model of the corpus (other engineers' too) is rendered, one file per host, twice.

mod common;

/// The test models whose snapshots are kept here. A model of `tests/models` not listed is
/// still rendered and checked (here, by `nft -c` and by the semantics tests), but its text is
/// not pinned: that would tie this crate's tests to models it does not own.
const SNAPSHOTTED: &[&str] = &[
    "model-edge",
    "model-ha-db",
    "model-ipv6",
    "model-services",
    "model-three-sites",
    "model-svc-data",
    "model-svc-lbfarm",
];

#[test]
fn every_example_renders_and_snapshots() {
    let models = common::models();
    assert!(models.len() >= 4);
    for (name, model) in models {
        let files = common::render(&model);
        assert_eq!(files.len(), model.hosts.len(), "{name}: one file per host");
        assert_eq!(files, common::render(&model), "{name}: deterministic");
        if name.starts_with("model-") && !SNAPSHOTTED.contains(&name.as_str()) {
            continue;
        }
        insta::assert_snapshot!(
            format!("nftables-{name}"),
            infrac_testkit::snapshot_text(&files)
        );
    }
}
