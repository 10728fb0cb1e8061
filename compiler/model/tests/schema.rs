//! The published JSON Schema of the IR (`docs/ir.schema.json`) must match the types.
//! Run with `INFRAC_BLESS=1` to rewrite it after changing the model.

use std::path::PathBuf;

#[test]
fn published_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/ir.schema.json");
    let fresh = infrac_model::json_schema();
    if std::env::var_os("INFRAC_BLESS").is_some() {
        std::fs::write(&path, &fresh).expect("write docs/ir.schema.json");
        return;
    }
    let published = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        published == fresh,
        "docs/ir.schema.json is stale: run `INFRAC_BLESS=1 cargo test -p infrac-model --test schema`"
    );
}

#[test]
fn schema_names_the_top_level_collections() {
    let schema: serde_json::Value =
        serde_json::from_str(&infrac_model::json_schema()).expect("schema is JSON");
    let props = &schema["properties"];
    for key in ["ir_version", "project", "sites", "hosts", "flows", "dns"] {
        assert!(props.get(key).is_some(), "missing {key}");
    }
}
