//! Snapshots of the haproxy backend's output for every example, and determinism.

use infrac_plugin_haproxy::Haproxy;
use infrac_testkit::{examples, model_of, render, snapshot_text};

#[test]
fn every_example_renders() {
    let dirs = examples();
    assert!(dirs.len() >= 3);
    for (name, dir) in dirs {
        let model = model_of(&dir);
        let files = render::<Haproxy>(&model, "haproxy");
        // One file per host that runs a load balancer, at haproxy/SITE/HOST/haproxy.cfg.
        let hosts: usize = model
            .hosts
            .iter()
            .filter(|h| {
                model
                    .load_balancers
                    .iter()
                    .any(|lb| lb.hosts.contains(&h.name))
            })
            .count();
        assert_eq!(files.len(), hosts, "{name}");
        for f in &files {
            let host = model
                .hosts
                .iter()
                .find(|h| f.path == format!("haproxy/{}/{}/haproxy.cfg", h.site, h.name));
            assert!(host.is_some(), "{name}: unexpected path {}", f.path);
        }
        // Same model, byte-identical files.
        assert_eq!(files, render::<Haproxy>(&model, "haproxy"), "{name}");
        insta::assert_snapshot!(format!("haproxy-{name}"), snapshot_text(&files));
    }
}
