//! Every generated haproxy.cfg loads in the real HAProxy: `haproxy -dW -c` (warnings fatal).

mod common;

use infrac_plugin_haproxy::Haproxy;
use infrac_sdk::Model;
use infrac_testkit::{examples, model_of, render, snapshot_text, tempdir};

/// Renders `model` with real certificate files and checks every file; returns the count.
fn check_all(what: &str, mut model: Model, dir: &std::path::Path) -> usize {
    let (pem, ca) = common::certificate(dir, "www.example.test");
    common::use_files(&mut model, &pem, &ca);
    let files = render::<Haproxy>(&model, "haproxy");
    for f in &files {
        let path = dir.join(f.path.replace('/', "_"));
        std::fs::write(&path, &f.contents).unwrap();
        let (ok, output) = common::haproxy_check(&path);
        assert!(
            ok,
            "{what}: {} is refused by haproxy -dW -c:\n{output}\n{}",
            f.path,
            String::from_utf8_lossy(&f.contents)
        );
    }
    files.len()
}

#[test]
fn every_example_config_is_valid() {
    let dir = tempdir();
    let mut checked = 0;
    for (name, path) in examples() {
        checked += check_all(&name, model_of(&path), dir.path());
    }
    assert!(checked >= 5, "only {checked} configs checked");
}

#[test]
fn features_config_is_valid() {
    let dir = tempdir();
    let model = common::features_model();
    assert_eq!(check_all("features", model.clone(), dir.path()), 3);
    insta::assert_snapshot!(
        "haproxy-features",
        snapshot_text(&render::<Haproxy>(&model, "haproxy"))
    );
}

#[test]
fn a_broken_config_is_refused() {
    // The check can fail: a misspelt keyword and a warning are both refused.
    let dir = tempdir();
    let bad = dir.path().join("bad.cfg");
    std::fs::write(
        &bad,
        "global\n    maxconn 10\n\nfrontend f\n    bindd 127.0.0.1:1\n",
    )
    .unwrap();
    assert!(!common::haproxy_check(&bad).0);
    std::fs::write(
        &bad,
        "global\n    maxconn 10\n\nfrontend f\n    mode http\n    bind 127.0.0.1:1\n",
    )
    .unwrap();
    let (ok, output) = common::haproxy_check(&bad);
    assert!(
        !ok,
        "a frontend without timeouts warns, and -dW makes that fatal: {output}"
    );
}
