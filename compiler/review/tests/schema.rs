//! The published JSON Schema of the diff report (`docs/review.schema.json`) must match the
//! types. Run with `INFRAC_BLESS=1` to rewrite it after changing the report.

use std::path::PathBuf;

#[test]
fn published_report_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/review.schema.json");
    let fresh = infrac_review::json_schema();
    if std::env::var_os("INFRAC_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write docs/review.schema.json");
        return;
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == fresh,
        "docs/review.schema.json is stale: run `INFRAC_BLESS=1 cargo test -p infrac-review --test schema`"
    );
}

#[test]
fn the_schema_requires_every_section() {
    let schema: serde_json::Value =
        serde_json::from_str(&infrac_review::json_schema()).expect("schema is JSON");
    let required: Vec<&str> = schema["required"]
        .as_array()
        .expect("required")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    for key in [
        "report_version",
        "elements",
        "allowed",
        "denied",
        "artifacts",
    ] {
        assert!(
            required.contains(&key),
            "{key} is not required: {required:?}"
        );
    }
}
