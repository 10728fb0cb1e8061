//! The crate documentation and `docs/backends/keepalived.md` list exactly the codes the crate
//! defines, and each code has its test in `tests/diagnostics.rs`.

use infrac_plugin_keepalived::codes;
use std::collections::BTreeSet;

/// Every `KEEPALIVED` + 3 digits in `text`.
fn codes_in(text: &str) -> BTreeSet<String> {
    text.match_indices("KEEPALIVED")
        .filter_map(|(i, _)| text.get(i..i + 13))
        .filter(|c| c[10..].bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_string)
        .collect()
}

fn read(path: &str) -> String {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

#[test]
fn every_code_is_documented_and_tested() {
    let defined: BTreeSet<String> = codes::ALL.iter().map(|(c, _)| c.to_string()).collect();
    assert_eq!(defined.len(), codes::ALL.len(), "codes are unique");
    for (k, code) in defined.iter().enumerate() {
        assert_eq!(
            code,
            &format!("KEEPALIVED{:03}", k + 1),
            "codes are numbered in order"
        );
    }
    assert_eq!(
        codes_in(&read("src/lib.rs")),
        defined,
        "crate documentation"
    );
    assert_eq!(
        codes_in(&read("../../docs/backends/keepalived.md")),
        defined,
        "docs/backends/keepalived.md"
    );
    let tests = read("tests/diagnostics.rs");
    for code in &defined {
        let test = format!("fn kal{}_", &code[10..]);
        assert!(tests.contains(&test), "no test `{test}…` for {code}");
    }
}
