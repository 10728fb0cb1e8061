//! Selector resolution, through the rules that use selectors.

mod common;

use common::*;
use infrac_diag::codes;
use infrac_flows::compute_flows;
use infrac_model::{Endpoint, EndpointKind, FlowReason, Model};

/// The destinations `internet -> text` resolves to.
fn resolve(model: &Model, text: &str) -> Vec<Endpoint> {
    let (flows, diags) = compute_flows(model, &[rule("probe", "internet", text, &["any"], 90)]);
    assert!(diags.is_empty(), "{diags:#?}");
    let mut to: Vec<Endpoint> = flows
        .into_iter()
        .filter(|f| f.provenance.reason == FlowReason::Rule)
        .map(|f| (*f.to).clone())
        .collect();
    to.dedup();
    to
}

fn names(eps: &[Endpoint]) -> Vec<String> {
    eps.iter().map(|e| e.name.clone()).collect()
}

#[test]
fn internet() {
    let m = two_sites();
    let (flows, diags) =
        compute_flows(&m, &[rule("out", "paris.mgmt", "internet", &["https"], 90)]);
    assert!(diags.is_empty());
    let f = flows
        .iter()
        .find(|f| f.provenance.name == "out")
        .expect("flow");
    assert_eq!(f.to.kind, EndpointKind::Internet);
    assert_eq!(f.to.name, "internet");
    assert!(f.to.prefixes.is_empty() && f.to.zones.is_empty());
}

#[test]
fn all_zones() {
    let eps = resolve(&two_sites(), "*");
    assert_eq!(
        names(&eps),
        [
            "lyon.apps",
            "lyon.db",
            "lyon.mgmt",
            "paris.apps",
            "paris.db",
            "paris.mgmt"
        ]
    );
    assert!(eps.iter().all(|e| e.kind == EndpointKind::Zone));
    let pm = eps.iter().find(|e| e.name == "paris.mgmt").expect("zone");
    assert_eq!(pm.prefixes, vec!["10.1.10.0/24".parse().expect("net")]);
    assert_eq!(pm.zones, vec!["paris.mgmt".to_string()]);
}

#[test]
fn zone_and_wildcard_zone() {
    let m = two_sites();
    assert_eq!(names(&resolve(&m, "lyon.db")), ["lyon.db"]);
    assert_eq!(names(&resolve(&m, "*.db")), ["lyon.db", "paris.db"]);
}

#[test]
fn wildcard_skips_sites_without_the_zone() {
    let m = Builder::new()
        .site("a", 1, &[("dmz", 10, "10.1.0.0/24")])
        .site("b", 2, &[("apps", 20, "10.2.0.0/24")])
        .build();
    assert_eq!(names(&resolve(&m, "*.dmz")), ["a.dmz"]);
}

#[test]
fn host_service_lb_database_site() {
    let m = two_sites();
    let lb1 = &resolve(&m, "lb1")[0];
    assert_eq!(lb1.kind, EndpointKind::Host);
    let want: Vec<ipnet::IpNet> = vec![
        "10.1.10.5/32".parse().expect("net"),
        "10.1.12.5/32".parse().expect("net"),
    ];
    assert_eq!(lb1.prefixes, want);
    assert_eq!(lb1.zones, ["paris.apps", "paris.mgmt"]);

    let shop = &resolve(&m, "shop")[0];
    assert_eq!(shop.kind, EndpointKind::Service);
    assert_eq!(shop.prefixes.len(), 2);
    assert_eq!(shop.zones, ["lyon.apps", "paris.apps"]);

    let www = &resolve(&m, "www")[0];
    assert_eq!(www.kind, EndpointKind::LoadBalancer);
    assert_eq!(
        www.prefixes,
        vec!["10.1.12.100/32".parse::<ipnet::IpNet>().expect("net")]
    );
    assert_eq!(www.zones, ["paris.apps"]);

    let main = &resolve(&m, "main")[0];
    assert_eq!(main.kind, EndpointKind::Database);
    assert_eq!(main.prefixes.len(), 2);
    assert_eq!(main.zones, ["lyon.db", "paris.db"]);

    assert_eq!(
        names(&resolve(&m, "lyon")),
        ["lyon.apps", "lyon.db", "lyon.mgmt"]
    );
}

#[test]
fn a_name_that_is_a_host_and_a_service_is_ambiguous() {
    // Neither wins: the host and the service select different addresses.
    let m = Builder::new()
        .site("s", 1, &[("apps", 10, "10.1.0.0/24")])
        .host("x", "s", &[("apps", "10.1.0.10")])
        .host("y", "s", &[("apps", "10.1.0.11")])
        .service("x", 80, &["y"])
        .build();
    let (flows, diags) = compute_flows(&m, &[rule("probe", "internet", "x", &["any"], 90)]);
    assert!(
        flows
            .iter()
            .all(|f| f.provenance.reason != FlowReason::Rule)
    );
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, infrac_diag::codes::E0307);
    assert!(
        diags[0].message.contains("both a host and a service"),
        "{}",
        diags[0].message
    );
}

#[test]
fn ipv6_host_is_a_128() {
    let m = Builder::new()
        .site("s", 1, &[("apps", 10, "2001:db8:1::/64")])
        .host("h", "s", &[("apps", "2001:db8:1::10")])
        .build();
    assert_eq!(
        resolve(&m, "h")[0].prefixes,
        vec!["2001:db8:1::10/128".parse::<ipnet::IpNet>().expect("net")]
    );
}

#[test]
fn prefix_lists_overlapping_zones() {
    let m = two_sites();
    let p = &resolve(&m, "10.1.0.0/16")[0];
    assert_eq!(p.kind, EndpointKind::Prefix);
    assert_eq!(p.name, "10.1.0.0/16");
    assert_eq!(p.zones, ["paris.apps", "paris.db", "paris.mgmt"]);
    let inside = &resolve(&m, "10.2.12.128/25")[0];
    assert_eq!(inside.zones, ["lyon.apps"]);
    let outside = &resolve(&m, "198.51.100.0/24")[0];
    assert!(outside.zones.is_empty());
}

#[test]
fn unknown_name_suggests() {
    let m = two_sites();
    let (flows, diags) = compute_flows(&m, &[rule("r", "admin1", "app3", &["ssh"], 5)]);
    assert!(
        flows
            .iter()
            .all(|f| f.provenance.reason != FlowReason::Rule)
    );
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(d.code, codes::E0302);
    assert_eq!(
        d.label.as_deref(),
        Some("not a host, service, load balancer, database or site")
    );
    assert!(
        d.help
            .as_deref()
            .unwrap_or("")
            .contains("did you mean `app1`?"),
        "{d:?}"
    );
    assert_eq!(d.span.start, 500);
}

#[test]
fn unknown_site_and_zone_suggest() {
    let m = two_sites();
    let (_, diags) = compute_flows(
        &m,
        &[
            rule("a", "pariss.mgmt", "lyon.apps", &["ssh"], 1),
            rule("b", "paris.mgmt", "lyon.aps", &["ssh"], 2),
        ],
    );
    assert_eq!(diags.len(), 2, "{diags:#?}");
    assert!(diags.iter().all(|d| d.code == codes::E0302));
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `paris`?"));
    assert_eq!(diags[1].help.as_deref(), Some("did you mean `apps`?"));
    assert!(
        diags[1]
            .label
            .as_deref()
            .unwrap_or("")
            .contains("no zone `aps`")
    );
}

#[test]
fn both_sides_unresolved_give_two_errors() {
    let (_, diags) = compute_flows(&two_sites(), &[rule("r", "nope1", "nope2", &["ssh"], 1)]);
    assert_eq!(diags.len(), 2);
}

#[test]
fn wrong_kinds() {
    let m = two_sites();
    let (_, diags) = compute_flows(
        &m,
        &[
            rule("a", "apps", "app1", &["ssh"], 1),
            rule("b", "admin1.mgmt", "app1", &["ssh"], 2),
            rule("c", "web", "app1", &["ssh"], 3),
        ],
    );
    assert_eq!(diags.len(), 3, "{diags:#?}");
    assert!(diags.iter().all(|d| d.code == codes::E0303), "{diags:#?}");
    assert!(diags[0].help.as_deref().unwrap_or("").contains("`*.apps`"));
}

#[test]
fn wildcard_matching_nothing_allows_nothing() {
    let m = two_sites();
    let (_, diags) = compute_flows(&m, &[rule("r", "*.mgmt", "*.dbs", &["mysql"], 7)]);
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].code, codes::E0605);
    assert_eq!(diags[0].span.start, 700);
    assert_eq!(diags[0].span.end, 705);
    assert!(diags[0].help.as_deref().unwrap_or("").contains("`db`"));
}

#[test]
fn service_without_hosts_allows_nothing() {
    let m = Builder::new()
        .site("s", 1, &[("apps", 10, "10.1.0.0/24")])
        .service("ghost", 80, &[])
        .build();
    let (flows, diags) = compute_flows(&m, &[rule("r", "internet", "ghost", &["http"], 1)]);
    assert!(flows.is_empty());
    assert_eq!(diags[0].code, codes::E0605);
}
