//! Test support: the cross-reference checker, a packet evaluator of the rendered rules, and
//! the external programs (`xmllint`).

#![allow(dead_code)] // each test binary uses part of it

pub mod eval;
pub mod frr;
pub mod verify;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The crate directory.
pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The RELAX NG schema of the sections the backend writes.
pub fn schema() -> PathBuf {
    crate_dir().join("schema/config.rng")
}

/// Runs `xmllint ARGS FILE`; returns (success, stderr).
pub fn xmllint(args: &[&str], file: &Path) -> (bool, String) {
    let out = infrac_testkit::run(
        Command::new(infrac_testkit::tool("xmllint"))
            .args(args)
            .arg(file),
    );
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `xmllint --noout --relaxng schema FILE`.
pub fn relaxng(file: &Path) -> (bool, String) {
    let schema = schema();
    let schema = schema.to_string_lossy().into_owned();
    xmllint(&["--noout", "--relaxng", &schema], file)
}

/// Renders every OPNsense firewall of `model`: (path, text).
pub fn render(model: &infrac_sdk::Model) -> Vec<(String, String)> {
    infrac_testkit::render::<infrac_plugin_opnsense::Opnsense>(model, "opnsense")
        .into_iter()
        .map(|f| (f.path, String::from_utf8(f.contents).expect("utf-8")))
        .collect()
}

/// The config of one firewall.
pub fn config_of(model: &infrac_sdk::Model, device: &str) -> String {
    render(model)
        .into_iter()
        .find(|(p, _)| p.ends_with(&format!("/{device}/config.xml")))
        .map(|(_, t)| t)
        .unwrap_or_else(|| panic!("no config for {device}"))
}

/// The corpus: the examples and the repository's test models (`tests/models/*`) minus those
/// expected to be refused with an OPNsense code, as (name, directory).
pub fn models() -> Vec<(String, std::path::PathBuf)> {
    infrac_testkit::corpus("OPNSENSE")
}

/// The configs of every firewall of `model` that renders: (path, text). A firewall refused
/// with the backend's own capability errors is left out; any other failure panics.
pub fn render_renderable(model: &infrac_sdk::Model) -> Vec<(String, String)> {
    use infrac_sdk::Backend;
    let mut out = Vec::new();
    for unit in infrac_plugin_opnsense::Opnsense::units(model, "opnsense") {
        let target = infrac_sdk::Target::unit("opnsense", &unit);
        match infrac_plugin_opnsense::Opnsense::compile(model, &target) {
            Ok(files) => out.extend(
                files
                    .into_iter()
                    .map(|f| (f.path, String::from_utf8(f.contents).expect("utf-8"))),
            ),
            Err(d) => assert!(
                d.iter().all(|d| d.code.starts_with("OPNSENSE")),
                "{unit}: {d:#?}"
            ),
        }
    }
    out
}
