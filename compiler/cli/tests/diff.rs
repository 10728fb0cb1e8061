//! `infrac diff OLD NEW`: the report in three formats, and the CI gates.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::git;

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
    example_edited("campus", |t| format!("{t}\n{extra}\n"))
}

/// A copy of example `name` with its `site.infra` rewritten by `edit`, in a temporary directory.
fn example_edited(name: &str, edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    let text = std::fs::read_to_string(repo().join("examples").join(name).join("site.infra"))
        .expect("read")
        .replace(
            "../../policies/",
            &format!("{}/", repo().join("policies").display()),
        );
    std::fs::write(dir.path().join("site.infra"), edit(&text)).expect("write");
    dir
}

/// Checks a JSON report against the published schema, `docs/review.schema.json`.
fn assert_valid_report(json: &str) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/review.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let report: serde_json::Value = serde_json::from_str(json).expect("report is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
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
        out.starts_with("1 to add, 0 to change, 0 to destroy; 1 flow(s) newly allowed (1 from the internet), 0 newly denied; 3 generated file(s) change in 3 unit(s)\n"),
        "{out}"
    );
    let (code, _, err) = infrac(&[
        "diff",
        "examples/campus",
        new,
        "--fail-on",
        "internet-exposure",
    ]);
    assert_eq!(code, 3, "a tripped gate exits 3");
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

#[test]
fn the_units_whose_files_change_are_named_with_their_diffs() {
    // A rule from the north site's users to the application servers: the routed switch that
    // carries those users, the firewall between the sites and the three application hosts'
    // nftables change, and nothing else.
    let new = example_edited("backbone", |t| {
        format!("{t}\nallow north.users -> app tcp/8080 {{ why \"staff debug the app\" }}\n")
    });
    let new = new.path().to_str().expect("utf-8");
    let (code, json, err) = infrac(&["diff", "examples/backbone", new, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_valid_report(&json);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let units: Vec<&str> = v["artifacts"]["units"]
        .as_array()
        .expect("units")
        .iter()
        .filter_map(|u| u["unit"].as_str())
        .collect();
    assert_eq!(
        units,
        [
            "ios sw2",
            "nftables app1",
            "nftables app2",
            "nftables app3",
            "opnsense fw1a"
        ]
    );
    assert_eq!(v["artifacts"]["moved_lines_only"], 0);
    for u in v["artifacts"]["units"].as_array().expect("units") {
        assert_eq!(u["change"], "changed");
        for f in u["files"].as_array().expect("files") {
            let diff = f["diff"].as_str().expect("diff");
            let path = f["path"].as_str().expect("path");
            assert!(diff.starts_with(&format!("--- old/{path}\n+++ new/{path}\n")));
            // Every added line belongs to the new rule, and nothing is removed.
            assert_eq!(f["removed"], 0, "{diff}");
            let added: Vec<&str> = diff
                .lines()
                .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
                .collect();
            assert!(!added.is_empty());
            assert_eq!(f["added"], added.len());
        }
    }
    let (code, md, _) = infrac(&["diff", "examples/backbone", new, "--format", "markdown"]);
    assert_eq!(code, 0);
    assert_eq!(md.matches("<details>").count(), units.len());
    assert!(
        md.contains("```mermaid\nflowchart LR\n"),
        "a picture of the changed flows: {md}"
    );
    assert!(md.contains(r#"-->|"tcp/8080"|"#), "{md}");
    insta::assert_snapshot!("backbone-add-rule-markdown", md);
}

#[test]
fn lines_moved_by_an_edit_elsewhere_are_not_file_changes() {
    // Two comment lines on top move every rule down: backends cite rules by file:line, so the
    // files differ, but only in those numbers.
    let new = example_edited("backbone", |t| format!("# moved\n# down\n{t}"));
    let (code, out, err) = infrac(&[
        "diff",
        "examples/backbone",
        new.path().to_str().expect("utf-8"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("0 to add, 0 to change, 0 to destroy; 0 flow(s) newly allowed, 0 newly denied; 0 generated file(s) change in 0 unit(s)\n"),
        "{out}"
    );
    assert!(out.contains("differ only in the line numbers"), "{out}");
    let (code, md, _) = infrac(&[
        "diff",
        "examples/backbone",
        new.path().to_str().expect("utf-8"),
        "--format",
        "markdown",
    ]);
    assert_eq!(code, 0);
    assert!(
        md.contains(
            "No semantic change: the model, its flows and the generated files are the same."
        ),
        "{md}"
    );
    assert!(!md.contains("<details>"), "{md}");
}

#[test]
fn removing_a_zone_denies_flows_and_removes_units() {
    let new = example_edited("backbone", |t| {
        t.lines()
            .filter(|l| !l.contains("voice") && !l.contains("phone2"))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    let new = new.path().to_str().expect("utf-8");
    let (code, json, err) = infrac(&["diff", "examples/backbone", new, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_valid_report(&json);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert!(
        v["allowed"].as_array().expect("allowed").is_empty(),
        "{json}"
    );
    assert!(
        !v["denied"].as_array().expect("denied").is_empty(),
        "{json}"
    );
    assert!(
        v["elements"]
            .as_array()
            .expect("elements")
            .iter()
            .any(|e| e["kind"] == "zones" && e["change"] == "removed"),
        "{json}"
    );
    assert!(v["artifacts"]["compared"].as_bool().expect("compared"));
    assert!(
        !v["artifacts"]["units"]
            .as_array()
            .expect("units")
            .is_empty()
    );
}

#[test]
fn without_artifacts_the_report_says_so_and_still_validates() {
    let (code, json, err) = infrac(&[
        "diff",
        "examples/campus",
        "examples/campus",
        "--format",
        "json",
        "--no-artifacts",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_valid_report(&json);
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(v["artifacts"]["compared"], false);
    assert_eq!(v["artifacts"]["note"], "`--no-artifacts`");
    // The validation can fail: a report with a field the schema does not know is refused.
    let mut bad = v.clone();
    bad["surprise"] = serde_json::json!(1);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("docs/review.schema.json")).expect("schema"),
    )
    .expect("schema is JSON");
    assert!(!jsonschema::is_valid(&schema, &bad));
}

#[test]
fn dropping_an_intent_test_line_shows_in_the_report() {
    let new = example_edited("campus", |t| {
        t.replace("  denied internet -> campus.db\n", "")
    });
    let (code, out, err) = infrac(&[
        "diff",
        "examples/campus",
        new.path().to_str().expect("utf-8"),
        "--no-artifacts",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("0 to add, 0 to change, 1 to destroy;"),
        "{out}"
    );
    assert!(
        out.contains("  - tests campus-intent: denied internet -> campus.db\n"),
        "{out}"
    );
}

#[test]
fn a_name_whose_addresses_change_is_compared_by_address() {
    // A third web server joins the service: `web -> main mysql` keeps its names but now comes
    // from one more address, which the database gate must see.
    let new = example_edited("campus", |t| {
        t.replace(
            "  host web2 { address apps 10.20.30.12; role web }\n",
            "  host web2 { address apps 10.20.30.12; role web }\n  host web3 { address apps 10.20.30.13; role web }\n",
        )
        .replace("  on [web1, web2]\n", "  on [web1, web2, web3]\n")
    });
    let new = new.path().to_str().expect("utf-8");
    let (code, json, err) = infrac(&[
        "diff",
        "examples/campus",
        new,
        "--format",
        "json",
        "--no-artifacts",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let db = v["allowed"]
        .as_array()
        .expect("allowed")
        .iter()
        .find(|f| f["from"] == "web" && f["to"] == "main")
        .unwrap_or_else(|| panic!("web -> main is newly allowed from web3: {json}"));
    assert_eq!(db["partial"], true, "web1 and web2 had it already");
    assert_eq!(db["touches_database"], true);
    let (code, _, _) = infrac(&[
        "diff",
        "examples/campus",
        new,
        "--no-artifacts",
        "--fail-on",
        "database-exposure",
    ]);
    assert_eq!(code, 3);
}

#[test]
fn a_default_route_source_is_an_internet_exposure() {
    let new = campus_with("allow 0.0.0.0/0 -> web tcp/8443 { why \"everyone\" }");
    let (code, out, _) = infrac(&[
        "diff",
        "examples/campus",
        new.path().to_str().expect("utf-8"),
        "--no-artifacts",
        "--fail-on",
        "internet-exposure",
    ]);
    assert_eq!(code, 3, "{out}");
    assert!(
        out.contains("+ flow 0.0.0.0/0 -> web tcp/8443 [partly, internet"),
        "{out}"
    );
}
