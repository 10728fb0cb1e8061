//! The error codes stay in step: every code the plugin emits is documented in the crate
//! documentation and in docs/backends/haproxy.md, and has a test in tests/diagnostics.rs.

use std::collections::BTreeSet;
use std::path::Path;

/// Every `HAPROXY` + three digits in `text`.
fn codes(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(i) = rest.find("HAPROXY") {
        let tail = &rest[i + 7..];
        let digits: String = tail.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.len() == 3 {
            out.insert(format!("HAPROXY{digits}"));
        }
        rest = tail;
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn codes_are_documented_and_tested() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut emitted = BTreeSet::new();
    for entry in std::fs::read_dir(crate_dir.join("src")).unwrap().flatten() {
        let text = read(&entry.path());
        // Code constants (`"HAPROXY00N"` in quotes) are what the plugin can emit.
        for code in codes(&text) {
            if text.contains(&format!("\"{code}\"")) {
                emitted.insert(code);
            }
        }
    }
    assert!(emitted.len() >= 8, "{emitted:?}");
    let crate_doc: String = read(&crate_dir.join("src/lib.rs"))
        .lines()
        .filter(|l| l.starts_with("//!"))
        .collect();
    let book = read(&crate_dir.join("../../docs/backends/haproxy.md"));
    let tests = read(&crate_dir.join("tests/diagnostics.rs"));
    assert_eq!(codes(&crate_doc), emitted, "crate documentation");
    assert_eq!(codes(&book), emitted, "docs/backends/haproxy.md");
    for code in &emitted {
        let test = format!("fn {}_", code.to_lowercase());
        assert!(
            tests.contains(&test),
            "no `{test}…` test in tests/diagnostics.rs"
        );
    }
}
