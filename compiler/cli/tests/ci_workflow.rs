//! The GitHub Actions workflow in `docs/ci/` runs: its `infrac` steps are executed, in order,
//! in a git repository the test creates, with a pull request's change checked out and its base
//! branch as `origin/main`. The gates step must fail on the change (it opens a port to the
//! internet) and every other step must pass.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::git;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The workflow as JSON (PyYAML reads it; `tests/tools/install.sh` installs it).
fn workflow() -> Value {
    let path = repo().join("docs/ci/infrac-review.yml");
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn the_workflow_steps_run_against_a_pull_request() {
    let w = workflow();
    assert_eq!(w["permissions"]["pull-requests"], "write");
    let steps = w["jobs"]["review"]["steps"].as_array().expect("steps");
    let checkout = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/checkout"))
        })
        .expect("a checkout step");
    assert_eq!(checkout["with"]["fetch-depth"], 0, "--base needs history");
    assert!(
        steps.iter().any(|s| s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("actions/github-script"))),
        "a step posts the comment"
    );

    // The model's repository: the campus example on `main`, then a change on the branch.
    let tmp = tempfile::tempdir().expect("tmp");
    let root = tmp.path();
    std::fs::create_dir_all(root.join("site")).expect("mkdir");
    std::fs::create_dir_all(root.join("policies")).expect("mkdir");
    std::fs::copy(
        repo().join("policies/baseline.infra"),
        root.join("policies/baseline.infra"),
    )
    .expect("copy");
    let text = std::fs::read_to_string(repo().join("examples/campus/site.infra")).expect("read");
    let text = text.replace("../../policies/", "../policies/");
    std::fs::write(root.join("site/site.infra"), &text).expect("write");
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "campus"]);
    git(root, &["update-ref", "refs/remotes/origin/main", "HEAD"]);
    std::fs::write(
        root.join("site/site.infra"),
        format!("{text}allow internet -> web tcp/8443 {{ why \"direct API access\" }}\n"),
    )
    .expect("write");

    let bin = PathBuf::from(env!("CARGO_BIN_EXE_infrac"));
    let path = format!(
        "{}:{}",
        bin.parent().expect("bin dir").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut ran = Vec::new();
    for step in steps {
        let (Some(name), Some(run)) = (step["name"].as_str(), step["run"].as_str()) else {
            continue;
        };
        if !run.contains("infrac ") || run.contains("cargo install") {
            continue;
        }
        let out = Command::new("bash")
            .args(["-eo", "pipefail", "-c", run])
            .current_dir(root)
            .env("PATH", &path)
            .env("MODEL", w["env"]["MODEL"].as_str().expect("MODEL"))
            .env("BASE_REF", "main")
            .env("NO_COLOR", "1")
            .output()
            .expect("bash runs");
        let gate = name.starts_with("Gates");
        assert_eq!(
            out.status.success(),
            !gate,
            "step `{name}`: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ran.push(name.to_string());
    }
    assert_eq!(ran.len(), 6, "{ran:?}");
    let review = std::fs::read_to_string(root.join("review.md")).expect("review.md");
    assert!(
        review.starts_with("<!-- infrac-review -->\n### infrac review\n"),
        "{review}"
    );
    assert!(
        review.contains("`internet -> web tcp/8443` **[internet]**"),
        "{review}"
    );
    assert!(review.contains("<details>"), "{review}");
    let json: Value = serde_json::from_str(
        &std::fs::read_to_string(root.join("review.json")).expect("review.json"),
    )
    .expect("JSON");
    assert_eq!(json["allowed"][0]["service"], "tcp/8443");
    assert!(
        root.join("out").is_dir(),
        "the build step wrote the artifacts"
    );
}
