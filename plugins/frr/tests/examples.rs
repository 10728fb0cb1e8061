//! Snapshots of every example's frr.conf files, and FRR's own syntax check (`vtysh -m`) of
//! each of them.

mod common;

use infrac_plugin_frr::Frr;
use infrac_sdk::Backend;

#[test]
fn every_example_renders_a_snapshot() {
    let examples = infrac_testkit::examples();
    assert!(examples.len() >= 3, "examples/ has the seed examples");
    let mut configs = 0;
    for (name, dir) in examples {
        let model = infrac_testkit::model_of(&dir);
        let files = infrac_testkit::render::<Frr>(&model, "frr");
        assert_eq!(
            files.len(),
            Frr::units(&model, "frr").len(),
            "{name}: one file per unit"
        );
        for f in &files {
            let text = String::from_utf8(f.contents.clone()).expect("utf-8");
            assert!(
                f.path.starts_with("frr/") && f.path.ends_with("/frr.conf"),
                "{}",
                f.path
            );
            assert!(text.contains("frr defaults traditional\n"), "{}", f.path);
            assert!(
                !text.lines().any(|l| l.trim_start().starts_with("network ")),
                "{}: areas are set per interface, never with `network … area`",
                f.path
            );
            assert!(!text.contains("passive-interface"), "{}", f.path);
        }
        configs += files.len();
        insta::assert_snapshot!(format!("frr-{name}"), infrac_testkit::snapshot_text(&files));
    }
    assert!(configs >= 2, "protech's fw1 and fw2 at least");
}

#[test]
fn protech_firewalls_are_the_units() {
    let (_, dir) = common::example("protech");
    let model = infrac_testkit::model_of(&dir);
    assert_eq!(Frr::units(&model, "frr"), ["fw1", "fw2"]);
}

#[test]
fn output_is_deterministic() {
    for (_, dir) in infrac_testkit::corpus("FRR") {
        let model = infrac_testkit::model_of(&dir);
        let a = infrac_testkit::render::<Frr>(&model, "frr");
        let b = infrac_testkit::render::<Frr>(&model, "frr");
        assert_eq!(a, b);
        // Through JSON, as a plugin receives it.
        let again = infrac_sdk::Model::from_json(&model.to_json()).expect("IR round-trips");
        assert_eq!(a, infrac_testkit::render::<Frr>(&again, "frr"));
    }
}

#[test]
fn vtysh_accepts_every_generated_config() {
    let vtysh = infrac_testkit::tool("vtysh");
    let dir = infrac_testkit::tempdir();
    let mut checked = 0;
    for (name, path) in infrac_testkit::corpus("FRR") {
        let model = infrac_testkit::model_of(&path);
        for f in infrac_testkit::render::<Frr>(&model, "frr") {
            let file = dir.path().join(format!("{name}-{checked}.conf"));
            std::fs::write(&file, &f.contents).expect("write frr.conf");
            let out = infrac_testkit::run(
                std::process::Command::new(&vtysh)
                    .arg("-m")
                    .arg("-f")
                    .arg(&file),
            );
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "vtysh -m -f {} ({name}): rc {:?}\n{}",
                f.path,
                out.status.code(),
                String::from_utf8_lossy(&out.stderr)
            );
            checked += 1;
        }
    }
    assert!(checked >= 2);
}

#[test]
fn vtysh_check_is_a_real_gate() {
    // The gate above must be able to fail: a mistyped command is refused.
    let vtysh = infrac_testkit::tool("vtysh");
    let dir = infrac_testkit::tempdir();
    let file = dir.path().join("bad.conf");
    std::fs::write(
        &file,
        "frr defaults traditional\ninterface eth0\n ip ospf aera 0.0.0.0\nexit\n",
    )
    .expect("write");
    let out = infrac_testkit::run(
        std::process::Command::new(&vtysh)
            .arg("-m")
            .arg("-f")
            .arg(&file),
    );
    assert!(
        !out.status.success(),
        "vtysh -m accepted an unknown command"
    );
}

#[test]
fn a_default_hello_interval_is_not_written_as_ospfd_never_lists_it() {
    // three-sites' east-north link: hello 10 s (ospfd's default), dead 40 s. A live load
    // (live_load.rs, over the corpus) lists `dead-interval 40` but never `hello-interval 10`.
    let dir = infrac_testkit::repo_root().join("tests/models/three-sites");
    let model = infrac_testkit::model_of(&dir);
    let conf = common::config_of(&model, "r1");
    let eth3: Vec<&str> = conf
        .split("interface eth3\n")
        .nth(1)
        .expect("eth3")
        .lines()
        .take_while(|l| *l != "exit")
        .collect();
    assert!(eth3.contains(&" ip ospf dead-interval 40"), "{conf}");
    assert!(!eth3.iter().any(|l| l.contains("hello-interval")), "{conf}");
}
