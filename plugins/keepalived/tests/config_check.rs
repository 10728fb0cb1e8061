//! Every generated keepalived.conf of every example passes `keepalived -t` (which fails with
//! rc 5 on any diagnostic, warnings included), run in a namespace of this test whose veths carry
//! the names of the configs' interfaces, with secrets replaced by a generated test password.

mod common;

use infrac_testkit::{Netns, tool};
use std::collections::BTreeSet;
use std::path::Path;

/// The interface names a config runs on.
fn interfaces(config: &str) -> BTreeSet<String> {
    config
        .lines()
        .filter_map(|l| l.trim().strip_prefix("interface "))
        .map(|i| i.trim().to_string())
        .collect()
}

/// `keepalived -t -f FILE` in `ns`: the exit code and what it printed.
fn config_test(ns: &Netns, file: &Path) -> (Option<i32>, String) {
    let out = infrac_testkit::run(ns.command(tool("keepalived")).arg("-t").arg("-f").arg(file));
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), printed)
}

#[test]
fn every_example_config_passes_keepalived_t() {
    let password = common::test_password();
    let mut configs = Vec::new();
    for (name, dir) in infrac_testkit::corpus("KEEPALIVED") {
        let model = infrac_testkit::model_of(&dir);
        for f in common::render(&model) {
            let text = infrac_testkit::substitute_secrets(&common::text(&f), &password);
            assert!(!text.contains("@@secret:"), "{}", f.path);
            configs.push((format!("{name}/{}", f.path), text));
        }
    }
    assert!(!configs.is_empty(), "the examples have HA groups");

    let ns = Netns::new("kal-t");
    let names: BTreeSet<String> = configs.iter().flat_map(|(_, t)| interfaces(t)).collect();
    for (n, name) in names.iter().enumerate() {
        ns.veth(name, &format!("kalpeer{n}"), None);
    }
    let dir = infrac_testkit::tempdir();
    for (k, (what, text)) in configs.iter().enumerate() {
        let file = dir.path().join(format!("{k}.conf"));
        std::fs::write(&file, text).expect("write config");
        let (code, printed) = config_test(&ns, &file);
        assert_eq!(
            code,
            Some(0),
            "keepalived -t rejects {what}:\n{printed}\n--- config:\n{text}"
        );
    }

    // The gate can fail: the same check rejects a config with a priority out of range, a
    // password over 8 characters, or an interface that does not exist.
    let (_, first) = &configs[0];
    let bad_priority = first.replacen("priority ", "priority 3", 1);
    let bad_password = first.replace(&password, "ninechars");
    let bad_interface = first.replace("interface ", "interface nosuch");
    for (k, bad) in [bad_priority, bad_password, bad_interface]
        .iter()
        .enumerate()
    {
        assert_ne!(&bad, &first, "the mutation changed the config");
        let file = dir.path().join(format!("bad{k}.conf"));
        std::fs::write(&file, bad).expect("write config");
        let (code, printed) = config_test(&ns, &file);
        assert_ne!(code, Some(0), "keepalived -t accepts:\n{bad}\n{printed}");
    }
}
