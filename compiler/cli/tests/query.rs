//! `infrac query` on hand-computed cases of the protech example (site.infra lines given).

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn query(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_infrac"))
        .current_dir(repo())
        .args(["query", "examples/protech"])
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("infrac runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn allowed_by_a_wildcard_rule() {
    // `allow *.mgmt -> * ssh` (line 136) covers paris.mgmt -> lyon.apps on tcp/22.
    let (code, out, err) = query(&["--from", "paris.mgmt", "--to", "lyon.apps", "--port", "ssh"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        "paris.mgmt -> lyon.apps tcp/22: allowed\n  by rule all-mgmt-to-all (site.infra:139): paris.mgmt -> lyon.apps tcp/22\n"
    );
}

#[test]
fn a_rule_and_a_forward_both_decide() {
    let (code, out, _) = query(&["--from", "internet", "--to", "www-paris", "--port", "https"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("by rule internet-to-www-paris (site.infra:137)"),
        "{out}"
    );
    assert!(out.contains("by forward fw1 ("), "{out}");
}

#[test]
fn denied_by_default_and_the_exit_code_says_so() {
    let (code, out, _) = query(&[
        "--from",
        "internet",
        "--to",
        "www-paris",
        "--port",
        "tcp/22",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("internet -> www-paris tcp/22: denied\n"),
        "{out}"
    );
    // Nothing from the internet reaches the application zone directly.
    let (code, out, _) = query(&["--from", "internet", "--to", "paris.apps"]);
    assert_eq!(code, 1);
    assert!(out.starts_with("internet -> paris.apps: denied"), "{out}");
}

#[test]
fn partly_allowed_when_flows_cover_only_some_addresses() {
    // 192.168.12.0/23 is paris.apps (allowed for ssh from mgmt) plus 192.168.13.0/24 (no zone).
    let (code, out, _) = query(&[
        "--from",
        "paris.mgmt",
        "--to",
        "192.168.12.0/23",
        "--port",
        "ssh",
    ]);
    assert_eq!(code, 1);
    assert!(
        out.starts_with("paris.mgmt -> 192.168.12.0/23 tcp/22: partly allowed\n"),
        "{out}"
    );
    assert!(out.contains("overlaps rule all-mgmt-to-all"), "{out}");
}

#[test]
fn without_a_port_it_lists_the_services_per_concrete_endpoint() {
    let (code, out, _) = query(&["--from", "*.apps", "--to", "registry"]);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines()
            .filter(|l| !l.starts_with(' '))
            .collect::<Vec<_>>(),
        [
            "lyon.apps -> registry: allowed on tcp/5000",
            "paris.apps -> registry: allowed on tcp/5000"
        ]
    );
}

#[test]
fn a_bad_endpoint_or_service_is_a_usage_error() {
    let (code, _, err) = query(&["--from", "nowhere", "--to", "app1"]);
    assert_eq!(code, 2);
    assert!(err.contains("nowhere"), "{err}");
    let (code, _, err) = query(&[
        "--from",
        "paris.mgmt",
        "--to",
        "app1",
        "--port",
        "tcp/99999",
    ]);
    assert_eq!(code, 2, "{err}");
}

fn infrac_test(path: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_infrac"))
        .current_dir(repo())
        .args(["test", path])
        .env("NO_COLOR", "1")
        .output()
        .expect("infrac runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn the_examples_intent_tests_pass() {
    for ex in ["examples/protech", "examples/campus", "examples/backbone"] {
        let (code, out) = infrac_test(ex);
        assert_eq!(code, 0, "{ex}: {out}");
        assert!(
            out.lines().filter(|l| l.starts_with("pass ")).count() >= 4,
            "{out}"
        );
        assert!(!out.contains("FAIL"), "{out}");
    }
}

#[test]
fn a_failing_intent_test_is_listed_with_what_the_matrix_says() {
    let (code, out) = infrac_test("tests/ui/rules/intent-test-fails.infra");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("FAIL  isolation · denied internet -> s.db")
            && out.contains("is allowed by rule internet-to-s-db (intent-test-fails.infra:13)"),
        "{out}"
    );
    assert!(
        out.contains("FAIL  isolation · allowed s.mgmt -> s.apps tcp/22"),
        "{out}"
    );
    assert!(
        out.ends_with("4 test line(s): 2 passed, 2 failed\n"),
        "{out}"
    );
}
