//! Every example is a complete model that checks clean: `examples/*/` and each stage
//! directory below it (any directory holding `.infra` files) exits 0 with no error and no
//! warning, and is in canonical form.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every directory under `examples/` that holds a `.infra` file, relative to the repository.
fn example_dirs(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    if entries
        .iter()
        .any(|p| p.is_file() && p.extension().is_some_and(|x| x == "infra"))
    {
        out.push(dir.strip_prefix(repo()).unwrap().to_path_buf());
    }
    for p in entries.iter().filter(|p| p.is_dir()) {
        example_dirs(p, out);
    }
}

fn infrac(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_infrac"))
        .current_dir(repo())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("infrac runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn every_example_checks_clean() {
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(repo().join("examples")).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            example_dirs(&p, &mut dirs);
        }
    }
    dirs.sort();
    for required in ["examples/protech", "examples/foobar", "examples/campus"] {
        assert!(
            dirs.iter().any(|d| d == Path::new(required)),
            "{required} is missing"
        );
    }
    let mut failures = Vec::new();
    for dir in &dirs {
        let d = dir.to_string_lossy().replace('\\', "/");
        let (code, out) = infrac(&["check", "--format", "short", &d]);
        let clean = format!("{d}: valid (");
        if code != 0 || !out.contains(&clean) || !out.trim_end().ends_with("0 errors, 0 warnings)")
        {
            failures.push(format!(
                "{d}: exit {code}, expected 0 with no diagnostic:\n{out}"
            ));
        }
        if out.lines().count() != 1 {
            failures.push(format!("{d}: expected only the summary line:\n{out}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn foobar_and_campus_are_in_canonical_form() {
    let (code, out) = infrac(&[
        "fmt",
        "--check",
        "examples/foobar",
        "examples/foobar/stages/single",
        "examples/foobar/stages/distributed",
        "examples/campus",
    ]);
    assert_eq!(code, 0, "run `infrac fmt` on these examples:\n{out}");
}
