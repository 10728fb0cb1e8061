//! `Model::from_json_skipping` leaves the sections it is told to skip empty and reads every
//! other one exactly as `Model::from_json` does, with or without the section index the host
//! writes at the end of the IR.

use infrac_sdk::{IR_VERSION, Model, Section};

fn backbone() -> Model {
    let model = infrac_testkit::model_of(&infrac_testkit::repo_root().join("examples/backbone"));
    assert!(!model.flows.is_empty() && !model.rules.is_empty() && !model.links.is_empty());
    model
}

/// The IR the host hands plugins: compact, ending with the section index.
fn indexed(model: &Model) -> String {
    model.to_ir_json(IR_VERSION, true).expect("writes")
}

#[test]
fn skipped_sections_are_empty_and_the_rest_is_unchanged() {
    let model = backbone();
    for json in [model.to_json(), indexed(&model)] {
        let bare = Model::from_json_skipping(&json, &Section::ALL).expect("reads");
        assert!(bare.flows.is_empty() && bare.rules.is_empty() && bare.links.is_empty());
        assert!(bare.secrets.is_empty() && bare.policies.is_empty() && bare.monitoring.is_none());
        assert_eq!(bare.dns, Default::default());
        assert!(bare.devices.is_empty() && bare.services.is_empty());
        assert!(bare.sites.is_empty() && bare.hosts.is_empty());
        assert_eq!(bare.project, model.project);

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
}

#[test]
fn each_section_can_be_skipped_alone() {
    let model = backbone();
    let json = indexed(&model);
    for section in Section::ALL {
        let read = Model::from_json_skipping(&json, &[section]).expect("reads");
        let mut expected = model.clone();
        match section {
            Section::Secrets => expected.secrets.clear(),
            Section::Devices => expected.devices.clear(),
            Section::Services => expected.services.clear(),
            Section::Links => expected.links.clear(),
            Section::LoadBalancers => expected.load_balancers.clear(),
            Section::HaGroups => expected.ha_groups.clear(),
            Section::Databases => expected.databases.clear(),
            Section::Rules => expected.rules.clear(),
            Section::Flows => expected.flows.clear(),
            Section::Monitoring => expected.monitoring = None,
            Section::Dns => expected.dns = Default::default(),
            Section::Policies => expected.policies.clear(),
            Section::Sites => expected.sites.clear(),
            Section::Hosts => expected.hosts.clear(),
        }
        assert_eq!(read, expected, "{section:?}");
    }
}

#[test]
fn every_section_is_a_member_of_the_ir() {
    let document: serde_json::Value = serde_json::from_str(&indexed(&backbone())).expect("JSON");
    let members = document.as_object().expect("an object");
    for section in Section::ALL {
        assert!(members.contains_key(section.key()), "{section:?}");
    }
}

#[test]
fn a_skipped_section_must_still_be_well_formed_json_without_an_index() {
    let json = backbone().to_json();
    let broken = json.replacen("\"matrix\": [", "\"matrix\": [,", 1);
    assert_ne!(broken, json, "the flows are written as a table");
    assert!(Model::from_json_skipping(&broken, &[Section::Flows]).is_err());
}

#[test]
fn with_the_index_a_skipped_section_is_not_read_at_all() {
    let model = backbone();
    let json = indexed(&model);
    // Same length, so the index still fits: the flows no longer parse.
    let broken = json.replacen("\"matrix\":[", "\"matrix\":{", 1);
    assert_ne!(broken, json);
    assert!(Model::from_json(&broken).is_err());
    assert!(Model::from_json_skipping(&broken, &[]).is_err());
    let read = Model::from_json_skipping(&broken, &[Section::Flows]).expect("flows not read");
    assert_eq!(
        Model {
            flows: model.flows.clone(),
            ..read
        },
        model
    );
}

#[test]
fn the_indexed_ir_is_the_compact_model_and_an_index_of_its_members() {
    let model = backbone();
    let json = indexed(&model);
    let (members, index) = json
        .rsplit_once(",\"section_index\":")
        .expect("the index is the last member");
    assert_eq!(
        format!("{members}}}"),
        serde_json::to_string(&model).expect("serialises")
    );
    let document: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let index: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(index.strip_suffix('}').expect("closes")).expect("an object");
    let keys: Vec<&String> = index.keys().collect();
    let mut expected: Vec<&String> = document
        .as_object()
        .expect("an object")
        .keys()
        .filter(|k| *k != "section_index")
        .collect();
    expected.sort();
    assert_eq!(keys, expected, "every other member is indexed");
    for (key, range) in &index {
        let [start, end] = [0, 1].map(|i| range[i].as_u64().expect("offsets") as usize);
        let value: serde_json::Value = serde_json::from_str(&json[start..end]).expect("a value");
        assert_eq!(value, document[key], "{key}");
    }
}

#[test]
fn a_wrong_index_is_not_trusted() {
    let model = backbone();
    let json = indexed(&model);
    let at = json.rfind(",\"section_index\":").expect("indexed");
    let (members, index) = json.split_at(at);
    let sites = index.find("\"sites\":[").expect("sites indexed") + "\"sites\":[".len();
    let comma = sites + index[sites..].find(',').expect("two offsets");
    let start: usize = index[sites..comma].parse().expect("an offset");
    for wrong in [start + 1, start - 1, json.len() + 10] {
        let text = format!("{members}{}{wrong}{}", &index[..sites], &index[comma..]);
        let read = Model::from_json_skipping(&text, &[Section::Flows]).expect("reads");
        assert_eq!(
            Model {
                flows: model.flows.clone(),
                ..read
            },
            model,
            "sites at {wrong}"
        );
    }
    // Truncated or garbled: read without the index.
    for text in [
        format!("{members}}}"),
        format!("{members},\"section_index\":{{\"sites\":[1]}}}}"),
        format!("{members},\"section_index\":[]}}"),
    ] {
        let read = Model::from_json_skipping(&text, &[Section::Flows]).expect("reads");
        assert_eq!(read.sites, model.sites);
    }
}
