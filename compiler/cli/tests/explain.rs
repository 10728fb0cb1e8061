//! `infrac explain`: infrac's own codes, backend codes, and unknown ones.

use std::process::Command;

fn explain(code: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_infrac"))
        .args(["explain", code])
        .output()
        .expect("infrac runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_infrac_code_is_explained() {
    let (code, out, _) = explain("E0507");
    assert_eq!(code, 0);
    assert!(out.starts_with("E0507: "), "{out}");
    assert!(out.contains("max_length"), "{out}");
}

#[test]
fn a_backend_code_points_at_its_backend_page() {
    for (code, plugin) in [
        ("OPNSENSE001", "opnsense"),
        ("NFT003", "nftables"),
        ("IOS012", "ios"),
        ("KEEPALIVED011", "keepalived"),
    ] {
        let (status, out, err) = explain(code);
        assert_eq!(status, 0, "{err}");
        assert!(out.contains(&format!("docs/backends/{plugin}.md")), "{out}");
    }
}

#[test]
fn an_unknown_code_is_a_usage_error() {
    for code in ["E9999", "XYZ001", "IOS1", "D001"] {
        let (status, out, err) = explain(code);
        assert_eq!(status, 2, "{code}: {out}");
        assert!(err.contains("no diagnostic code"), "{err}");
    }
}
