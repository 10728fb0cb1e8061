//! Every example's configs, checked by the programs and checkers that read them:
//! well-formed XML (`xmllint --noout`), the structural RELAX NG schema (`xmllint --relaxng`),
//! and the cross-reference checker (`common::verify`).

mod common;

/// Every rendered config of every example, written to `dir`: (what, file, text).
fn rendered(dir: &std::path::Path) -> Vec<(String, std::path::PathBuf, String)> {
    let mut out = Vec::new();
    for (name, example) in infrac_testkit::examples() {
        let model = infrac_testkit::model_of(&example);
        for (path, text) in common::render(&model) {
            let file = dir.join(format!("{name}-{}", path.replace('/', "_")));
            std::fs::write(&file, &text).expect("write");
            out.push((format!("{name}: {path}"), file, text));
        }
    }
    assert!(out.len() >= 4, "the examples have OPNsense firewalls");
    out
}

#[test]
fn every_config_is_well_formed_xml() {
    let dir = infrac_testkit::tempdir();
    let files = rendered(dir.path());
    for (what, file, _) in &files {
        let (ok, err) = common::xmllint(&["--noout"], file);
        assert!(ok, "{what}: xmllint --noout: {err}");
    }
}

#[test]
fn every_config_matches_the_schema() {
    let dir = infrac_testkit::tempdir();
    let files = rendered(dir.path());
    for (what, file, _) in &files {
        let (ok, err) = common::relaxng(file);
        assert!(ok, "{what}: xmllint --relaxng: {err}");
    }
}

#[test]
fn every_config_passes_the_cross_reference_checks() {
    let dir = infrac_testkit::tempdir();
    let files = rendered(dir.path());
    for (what, _, text) in &files {
        let problems = common::verify::check(text);
        assert!(problems.is_empty(), "{what}:\n{}", problems.join("\n"));
    }
}
