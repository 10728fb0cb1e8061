//! `Model::from_json_skipping` leaves the sections it is told to skip empty and reads every
//! other one exactly as `Model::from_json` does.

use infrac_sdk::{Model, Section};

#[test]
fn skipped_sections_are_empty_and_the_rest_is_unchanged() {
    let dir = infrac_testkit::repo_root().join("examples/backbone");
    let model = infrac_testkit::model_of(&dir);
    assert!(!model.flows.is_empty() && !model.rules.is_empty() && !model.links.is_empty());
    let json = model.to_json();

    let all = Section::ALL;
    let bare = Model::from_json_skipping(&json, &all).expect("reads");
    assert!(bare.flows.is_empty() && bare.rules.is_empty() && bare.links.is_empty());
    assert!(bare.secrets.is_empty() && bare.policies.is_empty() && bare.monitoring.is_none());
    assert_eq!(bare.dns, Default::default());
    assert_eq!(bare.sites, model.sites);
    assert!(bare.devices.is_empty() && bare.services.is_empty());
    assert_eq!(bare.hosts, model.hosts);

    let some = Model::from_json_skipping(&json, &[Section::Flows]).expect("reads");
    assert!(some.flows.is_empty());
    assert_eq!(
        Model {
            flows: model.flows.clone(),
            ..some
        },
        model
    );

    // The next reading on the thread skips nothing again.
    assert_eq!(Model::from_json(&json).expect("reads"), model);
    assert_eq!(Model::from_json_skipping(&json, &[]).expect("reads"), model);
}

#[test]
fn a_skipped_section_must_still_be_well_formed_json() {
    let model = infrac_testkit::model_of(&infrac_testkit::repo_root().join("examples/backbone"));
    let json = model.to_json();
    let broken = json.replacen("\"matrix\": [", "\"matrix\": [,", 1);
    assert_ne!(broken, json, "the flows are written as a table");
    assert!(Model::from_json_skipping(&broken, &[Section::Flows]).is_err());
}
