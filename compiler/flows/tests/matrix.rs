//! Rule expansion, deduplication, order and determinism.

mod common;

use common::*;
use infrac_flows::{RuleInput, compute_flows};
use infrac_model::{FlowReason, Model};

fn rules() -> Vec<RuleInput> {
    vec![
        rule("web", "internet", "www", &["https", "http"], 12),
        rule("admin", "paris.mgmt", "*", &["ssh"], 13),
        rule("app-db", "shop", "main", &["mysql"], 14),
        rule("backup", "*.db", "*.db", &["tcp/4444"], 15),
        rule("partners", "198.51.100.0/24", "www", &["https"], 16),
        rule("self", "paris.apps", "paris.apps", &["icmp"], 17),
        // The same flows again under the same name: deduplicated.
        rule("web", "internet", "www", &["https"], 12),
    ]
}

#[test]
fn cross_product() {
    let (flows, diags) = compute_flows(&two_sites(), &rules());
    assert!(diags.is_empty(), "{diags:#?}");
    let of = |name: &str| {
        let is = |f: &&infrac_model::Flow| {
            f.provenance.reason == FlowReason::Rule && f.provenance.name == name
        };
        flows.iter().filter(is).count()
    };
    assert_eq!(of("web"), 2);
    assert_eq!(of("admin"), 6);
    assert_eq!(of("app-db"), 1);
    assert_eq!(of("backup"), 4);
    assert_eq!(of("self"), 1);
    let s = flows
        .iter()
        .find(|f| f.provenance.name == "self")
        .expect("intra-zone flow");
    assert_eq!(s.from, s.to);
}

#[test]
fn sorted_and_unique() {
    let (flows, _) = compute_flows(&two_sites(), &rules());
    assert!(flows.windows(2).all(|w| w[0] < w[1]));
}

/// The same model and rules in another order.
fn shuffled(model: &Model, rules: &[RuleInput]) -> (Model, Vec<RuleInput>) {
    let mut m = model.clone();
    m.sites.reverse();
    for s in &mut m.sites {
        s.zones.rotate_left(1);
    }
    if m.hosts.len() > 4 {
        m.hosts.rotate_left(3);
        m.hosts.swap(0, 4);
    }
    m.services.reverse();
    m.databases.reverse();
    let mut r = rules.to_vec();
    r.reverse();
    r.rotate_left(2);
    (m, r)
}

#[test]
fn deterministic_whatever_the_input_order() {
    let model = two_sites();
    let rules = rules();
    let (a, da) = compute_flows(&model, &rules);
    let (m2, r2) = shuffled(&model, &rules);
    let (b, db) = compute_flows(&m2, &r2);
    assert_eq!(a, b);
    assert_eq!(da, db);
    let (c, _) = compute_flows(&model, &rules);
    assert_eq!(a, c);
}

#[test]
fn duplicate_flows_with_other_provenance_are_kept() {
    let (flows, _) = compute_flows(
        &two_sites(),
        &[
            rule("one", "admin1", "app1", &["ssh"], 1),
            rule("two", "admin1", "app1", &["ssh"], 2),
        ],
    );
    let rule_flows: Vec<_> = flows
        .iter()
        .filter(|f| f.provenance.reason == FlowReason::Rule)
        .collect();
    assert_eq!(rule_flows.len(), 2);
}

#[test]
fn empty_services_allow_nothing() {
    let (flows, diags) = compute_flows(&two_sites(), &[rule("r", "admin1", "app1", &[], 3)]);
    assert!(
        flows
            .iter()
            .all(|f| f.provenance.reason != FlowReason::Rule)
    );
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, infrac_diag::codes::E0605);
}

#[test]
fn snapshot() {
    let (flows, diags) = compute_flows(&two_sites(), &rules());
    assert!(diags.is_empty());
    insta::assert_snapshot!(render(&flows));
}

#[test]
fn large_matrix_is_sorted_and_deterministic() {
    // 300 zones, `* -> *`: 90,000 flows, enough to materialise on several threads.
    let mut b = Builder::new();
    for i in 0..100u32 {
        let zones: Vec<(String, u16, String)> = (0..3u32)
            .map(|z| (format!("z{z}"), 10 + z as u16, format!("10.{i}.{z}.0/24")))
            .collect();
        let zones: Vec<(&str, u16, &str)> = zones
            .iter()
            .map(|(n, v, s)| (n.as_str(), *v, s.as_str()))
            .collect();
        b = b.site(&format!("s{i:03}"), i + 1, &zones);
    }
    let model = b.build();
    let rules = [
        rule("all", "*", "*", &["ssh"], 1),
        rule("z0", "*.z0", "*.z1", &["ssh"], 2),
    ];
    let (flows, diags) = compute_flows(&model, &rules);
    assert!(diags.is_empty());
    assert_eq!(flows.len(), 90_000 + 10_000);
    assert!(flows.windows(2).all(|w| w[0] < w[1]));
    let (m2, r2) = shuffled(&model, &rules);
    let (again, _) = compute_flows(&m2, &r2);
    assert!(again == flows);
}
