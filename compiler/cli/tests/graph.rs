//! `infrac graph`: Mermaid, DOT and SVG of a model; an invalid model draws nothing.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn infrac(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_infrac"))
        .current_dir(repo())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("infrac runs");
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn mermaid_is_the_default_and_matches_the_library() {
    let (code, out, err) = infrac(&["graph", "examples/backbone"]);
    assert_eq!(code, 0, "{err}");
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.starts_with("---\ntitle: backbone\n---\nflowchart LR\n"),
        "{text}"
    );
    assert!(text.contains("dev_r2 ===|\"north-south"), "{text}");
}

#[test]
fn dot_and_svg() {
    let (code, out, err) = infrac(&["graph", "examples/campus", "--format", "dot"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(b"digraph \"campus\" {"));
    // SVG goes through Graphviz's `dot`, which CI installs.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("campus.svg");
    let (code, _, err) = infrac(&[
        "graph",
        "examples/campus",
        "--format",
        "svg",
        "-o",
        file.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(&file).expect("the SVG was written");
    assert!(svg.contains("<svg"), "{svg}");
    assert!(svg.contains("campus.db"), "zones are labelled");
}

#[test]
fn an_invalid_model_draws_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("bad.infra");
    std::fs::write(&file, "project p { domain \"p.example\" }\nsite s { id 1; zone z { vlan 5000; subnet 10.0.0.0/24 } }\n")
        .expect("write");
    let (code, out, err) = infrac(&["graph", file.to_str().expect("utf-8 path")]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("E04"), "{err}");
}
