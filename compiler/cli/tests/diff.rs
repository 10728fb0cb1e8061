//! `infrac diff OLD NEW`: the report in three formats, and the CI gates.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn infrac(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_infrac"))
        .current_dir(repo())
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("infrac runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A copy of the campus example with `extra` appended, in a temporary directory.
fn campus_with(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(repo().join("examples/campus/site.infra"))
        .expect("read")
        .replace(
            "../../policies/",
            &format!("{}/", repo().join("policies").display()),
        );
    std::fs::write(dir.path().join("site.infra"), format!("{text}\n{extra}\n")).expect("write");
    dir
}

#[test]
fn no_change_is_said_plainly() {
    let (code, out, err) = infrac(&[
        "diff",
        "examples/campus",
        "examples/campus",
        "--format",
        "markdown",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("No semantic change"), "{out}");
}

#[test]
fn internet_exposure_is_reported_and_gated() {
    let new = campus_with("allow internet -> web tcp/8443 { why \"direct API\" }");
    let new = new.path().to_str().expect("utf-8");
    let (code, out, _) = infrac(&["diff", "examples/campus", new]);
    assert_eq!(code, 0, "no gate asked for");
    assert!(
        out.starts_with("1 to add, 0 to change, 0 to destroy; 1 flow(s) newly allowed (1 from the internet), 0 newly denied\n"),
        "{out}"
    );
    let (code, _, err) = infrac(&[
        "diff",
        "examples/campus",
        new,
        "--fail-on",
        "internet-exposure",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("internet-exposure"), "{err}");
    // Not a database: that gate stays open.
    let (code, _, _) = infrac(&[
        "diff",
        "examples/campus",
        new,
        "--fail-on",
        "database-exposure",
    ]);
    assert_eq!(code, 0);
    let (code, json, _) = infrac(&["diff", "examples/campus", new, "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["allowed"][0]["from"], "internet");
    assert_eq!(v["allowed"][0]["service"], "tcp/8443");
    assert_eq!(v["elements"][0]["change"], "added");
}

#[test]
fn an_invalid_side_compares_nothing() {
    let new = campus_with("allow internet -> nowhere https");
    let (code, out, err) = infrac(&[
        "diff",
        "examples/campus",
        new.path().to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("nothing to compare"), "{err}");
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.test")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.test")
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_working_tree_against_a_git_revision() {
    // A repository of its own: the model in a subdirectory, importing a file outside it.
    let repo_dir = tempfile::tempdir().expect("tmp");
    let root = repo_dir.path();
    std::fs::create_dir_all(root.join("site")).expect("mkdir");
    std::fs::create_dir_all(root.join("packs")).expect("mkdir");
    std::fs::write(
        root.join("packs/p.infra"),
        "policy db { forbid internet -> *.db }\n",
    )
    .expect("write");
    let model = "import \"../packs/p.infra\"\nproject t { domain \"t.example\" }\n\
                 site s { id 1\n  zone apps { vlan 10; subnet 10.0.10.0/24 }\n  \
                 zone db { vlan 20; subnet 10.0.20.0/24; purpose database } }\n\
                 allow s.apps -> s.db mysql\n";
    std::fs::write(root.join("site/site.infra"), model).expect("write");
    git(root, &["init", "-q"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "model"]);
    std::fs::write(
        root.join("site/site.infra"),
        format!("{model}allow internet -> s.apps https\n"),
    )
    .expect("write");
    let site = root.join("site");
    let (code, out, err) = infrac(&["diff", site.to_str().expect("utf-8"), "--base", "HEAD"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("+ flow internet -> s.apps tcp/443 [internet]"),
        "{out}"
    );
    let (code, _, err) = infrac(&[
        "diff",
        site.to_str().expect("utf-8"),
        "--base",
        "no-such-rev",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("not a revision"), "{err}");
}
