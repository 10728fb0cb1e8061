//! Every generated haproxy.cfg loads in the real HAProxy: `haproxy -dW -c` (warnings fatal).

mod common;

use infrac_plugin_haproxy::Haproxy;
use infrac_sdk::Model;
use infrac_testkit::{corpus, model_of, render, snapshot_text, tempdir};

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
    for (name, path) in corpus("HAPROXY") {
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

#[test]
fn long_source_lists_are_split_across_acl_lines() {
    // HAProxy reads at most 64 words per line: 70 zones, each allowed by the flow matrix,
    // and long allow and deny lists must still load.
    let zones: String = (1..=70)
        .map(|i| format!("  zone z{i} {{ vlan {}; subnet 10.{i}.0.0/24 }}\n", 100 + i))
        .collect();
    let allow: Vec<String> = (1..=70).map(|i| format!("10.{i}.0.0/24")).collect();
    let deny: Vec<String> = (1..=70).map(|i| format!("10.{i}.0.128/25")).collect();
    let text = format!(
        r#"project big {{ domain "big.test" }}
site s {{
  id 1
{zones}  zone lbs {{ vlan 10; subnet 10.200.0.0/24 }}
  host lb1 {{ address lbs 10.200.0.10 }}
  host app1 {{ address z1 10.1.0.11 }}
}}
service web {{ image "web:1"; port 8080; on [app1] }}
loadbalancer www {{ on [lb1]; vip 10.200.0.100; backend web {{}}; allow [{}]; deny [{}] }}
allow * -> www http
allow internet -> www http
"#,
        allow.join(", "),
        deny.join(", ")
    );
    let model = infrac_testkit::model_from_str(&text);
    let files = render::<Haproxy>(&model, "haproxy");
    let cfg = String::from_utf8(files[0].contents.clone()).unwrap();
    assert!(
        cfg.lines().all(|l| l.split_whitespace().count() <= 64),
        "{cfg}"
    );
    assert!(
        cfg.lines()
            .filter(|l| l.trim_start().starts_with("acl from_flows_80 src"))
            .count()
            >= 5
    );
    let dir = tempdir();
    let path = dir.path().join("haproxy.cfg");
    std::fs::write(&path, &cfg).unwrap();
    let (ok, output) = common::haproxy_check(&path);
    assert!(ok, "{output}\n{cfg}");
}
