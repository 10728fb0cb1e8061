//! `nft -c -f` accepts every generated file of every example and test model. It runs inside a
//! network namespace of this test (VALIDATION.md: an invalid address is taken as a host name
//! and looked up; the namespace has no DNS), with `/etc/protocols` and `/etc/services` hidden,
//! so the files depend on no name database of the machine that loads them.

mod common;

use infrac_testkit::Netns;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `nft -c -f FILE` for each file inside `ns`, with the name databases hidden; returns the
/// failures as (file, output).
fn nft_check(ns: &Netns, files: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let nft = infrac_testkit::tool("nft");
    let mut failures = Vec::new();
    for f in files {
        // A private mount namespace (unshare -m) in which the databases read as empty files;
        // `ip netns exec` inherits it.
        let script = "mount --bind /dev/null /etc/protocols && \
                      mount --bind /dev/null /etc/services && \
                      exec ip netns exec \"$1\" \"$2\" -c -f \"$3\"";
        let out = infrac_testkit::run(
            Command::new(infrac_testkit::tool("unshare"))
                .args(["-m", "sh", "-c", script, "sh", ns.name()])
                .arg(&nft)
                .arg(f),
        );
        if !out.status.success() {
            failures.push((
                f.clone(),
                format!(
                    "{}{}",
                    String::from_utf8_lossy(&out.stdout),
                    String::from_utf8_lossy(&out.stderr)
                ),
            ));
        }
    }
    failures
}

#[test]
fn nft_accepts_every_generated_ruleset() {
    let ns = Netns::new("nftc");
    let dir = infrac_testkit::tempdir();
    let mut checked = 0;
    for (name, model) in common::models() {
        let files = common::render(&model);
        let paths = common::write(&files, &dir.path().join(&name));
        let failures = nft_check(&ns, &paths);
        assert!(failures.is_empty(), "{name}: nft -c rejects {failures:#?}");
        checked += paths.len();
    }
    assert!(checked >= 40, "files checked: {checked}");
}

fn write_one(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn the_check_rejects_what_it_should() {
    // The gate is not vacuous: the same check rejects a bad address (looked up as a host name,
    // in a namespace without DNS), a protocol name (with /etc/protocols hidden), and an
    // unknown statement; and accepts the same rule written correctly.
    let ns = Netns::new("nftc-neg");
    let dir = infrac_testkit::tempdir();
    let rule = |r: &str| {
        format!(
            "flush ruleset\ntable inet t {{\n\tchain input {{\n\t\ttype filter hook input priority 0; policy drop;\n\t\t{r}\n\t}}\n}}\n"
        )
    };
    let bad = [
        write_one(dir.path(), "addr", &rule("ip saddr 10.0.0.256 accept")),
        write_one(dir.path(), "proto", &rule("meta l4proto vrrp accept")),
        write_one(dir.path(), "stmt", &rule("ip saddr 10.0.0.1 acept")),
    ];
    let failures = nft_check(&ns, &bad);
    assert_eq!(failures.len(), bad.len(), "{failures:#?}");
    let good = [write_one(
        dir.path(),
        "good",
        &rule("ip saddr 10.0.0.255 meta l4proto 112 accept comment \"ha www (site.infra:1)\""),
    )];
    assert_eq!(nft_check(&ns, &good), []);
}

#[test]
fn a_long_rule_name_is_shortened_to_a_comment_nft_accepts() {
    let name = format!("r{}", "-very-long".repeat(15));
    let model = infrac_testkit::model_from_str(&format!(
        r#"
project lab {{ domain "lab.example" }}
site s1 {{
  id 1
  zone mgmt {{ vlan 10; subnet 10.9.10.0/24; purpose management }}
  host admin {{ address mgmt 10.9.10.10 }}
  host app {{ address mgmt 10.9.10.11 }}
}}
allow admin -> app ssh {{ name {name} }}
"#
    ));
    let files = common::render(&model);
    let app = String::from_utf8(files[1].contents.clone()).unwrap();
    let comment = app
        .lines()
        .find_map(|l| l.split("comment \"").nth(1))
        .expect("a rule with a comment");
    let comment = comment.trim_end_matches('"');
    assert_eq!(comment.len(), 128, "{comment}");
    assert!(comment.starts_with("rule r-very-long") && comment.ends_with("... (site.infra:9)"));
    let ns = Netns::new("nftc-long");
    let dir = infrac_testkit::tempdir();
    assert_eq!(nft_check(&ns, &common::write(&files, dir.path())), []);
}
