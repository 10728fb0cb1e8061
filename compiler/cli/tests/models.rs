//! Every directory under `tests/models/` is a complete, valid model written from the language
//! reference alone. Each one must check clean (exit 0, not a single diagnostic, warnings
//! included) and build (exit 0).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn model_dirs() -> Vec<PathBuf> {
    let root = repo_root().join("tests/models");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", root.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.is_dir())
        .collect();
    dirs.sort();
    assert!(
        !dirs.is_empty(),
        "no model directories under {}",
        root.display()
    );
    dirs
}

fn infrac(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_infrac"))
        .args(args)
        .current_dir(dir)
        // the models carry rule expiry dates: pin the day so that they never age
        .env("INFRAC_TODAY", "2026-11-23")
        .env("NO_COLOR", "1")
        .output()
        .expect("run infrac")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_model_checks_clean() {
    for dir in model_dirs() {
        let out = infrac(&["check", ".", "--format", "json"], &dir);
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: `infrac check` failed\n{stdout}\n{}",
            dir.display(),
            text(&out.stderr)
        );
        let diagnostics: serde_json::Value =
            serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
                panic!(
                    "{}: check output is not JSON ({e}):\n{stdout}",
                    dir.display()
                )
            });
        assert_eq!(
            diagnostics.as_array().map(Vec::len),
            Some(0),
            "{}: expected no diagnostics, got\n{stdout}",
            dir.display()
        );
    }
}

/// The codes a model's build must fail with, from its `expect-build-errors` file (one
/// `FILE:LINE:COL CODE` per line): a model that uses a feature a platform cannot express.
fn expected_build_errors(dir: &Path) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("expect-build-errors")).ok()?;
    Some(
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect(),
    )
}

#[test]
fn every_model_builds() {
    for dir in model_dirs() {
        let out_dir = tempfile::tempdir().expect("temporary directory");
        let target = out_dir.path().join("out");
        if let Some(expected) = expected_build_errors(&dir) {
            // Refused exactly where the source says, and nothing written.
            let out = infrac(
                &[
                    "build",
                    ".",
                    "-o",
                    target.to_str().expect("utf-8 path"),
                    "--format",
                    "short",
                ],
                &dir,
            );
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{}: {stderr}", dir.display());
            let got: Vec<String> = stderr
                .lines()
                .filter_map(|l| {
                    let (place, rest) = l.split_once(": error[")?;
                    let code = rest.split(']').next()?;
                    Some(format!("{} {code}", place.trim_start_matches("./")))
                })
                .collect();
            assert_eq!(got, expected, "{}: {stderr}", dir.display());
            assert!(
                !target.exists(),
                "{}: a failed build wrote output",
                dir.display()
            );
            continue;
        }
        let out = infrac(
            &["build", ".", "-o", target.to_str().expect("utf-8 path")],
            &dir,
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: `infrac build` failed\n{}\n{}",
            dir.display(),
            text(&out.stdout),
            text(&out.stderr)
        );
        assert!(
            target.is_dir(),
            "{}: build wrote no output directory",
            dir.display()
        );
    }
}
