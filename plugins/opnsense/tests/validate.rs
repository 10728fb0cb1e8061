//! Every example's (and every test model's) configs, checked by the programs and checkers that read them:
//! well-formed XML (`xmllint --noout`), the structural RELAX NG schema (`xmllint --relaxng`),
//! and the cross-reference checker (`common::verify`).

mod common;

use infrac_plugin_opnsense::Opnsense;

/// Every rendered config of every example and test model, written to `dir`:
/// (what, file, text). Examples must render; a test model's firewall may instead be refused,
/// but only with the backend's own capability errors (`tests/models/edge` forwards sctp ports,
/// which OPNsense cannot).
fn rendered(dir: &std::path::Path) -> Vec<(String, std::path::PathBuf, String)> {
    use infrac_sdk::Backend;
    let mut out = Vec::new();
    for (name, example) in common::models() {
        let model = infrac_testkit::model_of(&example);
        for unit in Opnsense::units(&model, "opnsense") {
            let target = infrac_sdk::Target::unit("opnsense", &unit);
            let files = match Opnsense::compile(&model, &target) {
                Ok(files) => files,
                Err(d) if name.starts_with("tests/models/") => {
                    assert!(
                        d.iter().all(|d| d.code.starts_with("OPNSENSE")),
                        "{name} {unit}: {d:#?}"
                    );
                    continue;
                }
                Err(d) => panic!("{name} {unit} does not compile: {d:#?}"),
            };
            for f in files {
                let text = String::from_utf8(f.contents).expect("utf-8");
                let file = dir.join(format!(
                    "{}-{}",
                    name.replace('/', "_"),
                    f.path.replace('/', "_")
                ));
                std::fs::write(&file, &text).expect("write");
                out.push((format!("{name}: {}", f.path), file, text));
            }
        }
    }
    assert!(
        out.len() >= 8,
        "the examples and test models have OPNsense firewalls"
    );
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
