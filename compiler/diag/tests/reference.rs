//! `docs/diagnostics.md` must list every code as the registry describes it.
//! Run with `INFRAC_BLESS=1` to rewrite it after adding a code.

#[test]
fn diagnostics_reference_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/diagnostics.md");
    let fresh = infrac_diag::codes::reference_markdown();
    if std::env::var_os("INFRAC_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write docs/diagnostics.md");
        return;
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == fresh,
        "docs/diagnostics.md is stale: run `INFRAC_BLESS=1 cargo test -p infrac-diag`"
    );
}
