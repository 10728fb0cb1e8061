//! `forbid` and `require` assertions.

mod common;

use common::*;
use infrac_diag::codes;
use infrac_flows::{AssertionInput, RuleInput, check_policies, compute_flows};

fn check(rules: &[RuleInput], assertions: &[AssertionInput]) -> Vec<infrac_diag::Diagnostic> {
    let model = two_sites();
    let (flows, diags) = compute_flows(&model, rules);
    assert!(diags.is_empty(), "{diags:#?}");
    check_policies(&model, &flows, assertions)
}

#[test]
fn forbid_holds() {
    let rules = [rule("web", "internet", "www", &["https"], 12)];
    assert!(
        check(
            &rules,
            &[forbid("db-isolation", "internet", "*.db", &[], 3)]
        )
        .is_empty()
    );
    assert!(check(&rules, &[forbid("no-ssh", "internet", "*", &["ssh"], 3)]).is_empty());
}

#[test]
fn forbid_violated_names_the_flows() {
    let rules = [
        rule("oops", "internet", "main", &["mysql"], 12),
        rule("web", "internet", "www", &["https"], 13),
    ];
    let diags = check(
        &rules,
        &[forbid("db-isolation", "internet", "*.db", &[], 3)],
    );
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(d.code, codes::E0603);
    assert_eq!(d.span.start, 300);
    assert_eq!(
        d.message,
        "policy `db-isolation` forbids internet -> *.db, but 1 allowed flow matches"
    );
    assert_eq!(
        d.help.as_deref(),
        Some("allowed: internet -> main tcp/3306, allowed by rule oops (site.infra:12)")
    );
}

#[test]
fn forbid_services_must_overlap() {
    let rules = [rule("web", "internet", "app1", &["tcp/8000-8100"], 12)];
    assert!(check(&rules, &[forbid("p", "internet", "*", &["ssh"], 3)]).is_empty());
    assert_eq!(
        check(&rules, &[forbid("p", "internet", "*", &["tcp/8080"], 3)]).len(),
        1
    );
    assert!(check(&rules, &[forbid("p", "internet", "*", &["udp/8080"], 3)]).is_empty());
    assert_eq!(
        check(&rules, &[forbid("p", "internet", "*", &["any"], 3)]).len(),
        1
    );
    let any = [rule("all", "internet", "app1", &["any"], 12)];
    assert_eq!(
        check(&any, &[forbid("p", "internet", "*", &["ssh"], 3)]).len(),
        1
    );
}

#[test]
fn forbid_matches_by_address() {
    // A host is inside its zone; a zone flow reaches the hosts in it.
    let to_host = [rule("r", "admin1", "db1", &["mysql"], 12)];
    assert_eq!(
        check(&to_host, &[forbid("p", "paris.mgmt", "paris.db", &[], 3)]).len(),
        1
    );
    let to_zone = [rule("r", "paris.mgmt", "paris.db", &["mysql"], 12)];
    assert_eq!(
        check(&to_zone, &[forbid("p", "admin1", "db1", &[], 3)]).len(),
        1
    );
    assert!(check(&to_zone, &[forbid("p", "admin1", "db2", &[], 3)]).is_empty());
    assert!(check(&to_zone, &[forbid("p", "mon1", "lyon.db", &[], 3)]).is_empty());
    // Prefixes.
    assert_eq!(
        check(
            &to_zone,
            &[forbid("p", "10.0.0.0/8", "10.1.13.11/32", &[], 3)]
        )
        .len(),
        1
    );
    assert!(
        check(
            &to_zone,
            &[forbid("p", "10.1.12.0/24", "paris.db", &["mysql"], 3)]
        )
        .is_empty()
    );
    assert_eq!(
        check(
            &to_zone,
            &[forbid("p", "10.1.10.0/25", "paris.db", &["mysql"], 3)]
        )
        .len(),
        1
    );
}

#[test]
fn forbid_internet_sees_outside_prefixes() {
    let outside = [rule("partner", "198.51.100.0/24", "db1", &["mysql"], 12)];
    assert_eq!(
        check(&outside, &[forbid("p", "internet", "*.db", &[], 3)]).len(),
        1
    );
    // A default route includes the internet, though it also overlaps zones.
    let default = [rule("wide", "0.0.0.0/0", "db1", &["mysql"], 12)];
    assert_eq!(
        check(&default, &[forbid("p", "internet", "*.db", &[], 3)]).len(),
        1
    );
    // A prefix made only of zones is not the internet.
    let inside = [rule("r", "10.1.12.0/23", "db1", &["mysql"], 12)];
    let m = Builder::new()
        .site(
            "s",
            1,
            &[("a", 10, "10.1.12.0/24"), ("b", 11, "10.1.13.0/24")],
        )
        .host("db1", "s", &[("b", "10.1.13.11")])
        .build();
    let (flows, _) = compute_flows(&m, &inside);
    assert!(check_policies(&m, &flows, &[forbid("p", "internet", "*", &[], 3)]).is_empty());
    // And the internet as a flow source is inside `0.0.0.0/0`.
    let web = [rule("web", "internet", "db1", &["mysql"], 12)];
    assert_eq!(
        check(&web, &[forbid("p", "0.0.0.0/0", "db1", &[], 3)]).len(),
        1
    );
}

#[test]
fn forbid_lists_at_most_five() {
    let rules = [rule("open", "internet", "*", &["ssh", "https"], 12)];
    let diags = check(&rules, &[forbid("p", "internet", "*", &[], 3)]);
    assert_eq!(diags.len(), 1);
    let help = diags[0].help.as_deref().unwrap_or("");
    // 12 from the rule, 1 from the port forward.
    assert!(
        diags[0].message.ends_with("but 13 allowed flows match"),
        "{}",
        diags[0].message
    );
    assert_eq!(help.matches("allowed by").count(), 5);
    assert!(help.ends_with("and 8 more"), "{help}");
}

#[test]
fn require_met() {
    let rules = [rule("admin", "*.mgmt", "*", &["ssh"], 12)];
    assert!(check(&rules, &[require("mgmt-ssh", "*.mgmt", "*", &["ssh"], 3)]).is_empty());
    // Covered by a wider flow: a zone covers its hosts, a range covers a port.
    assert!(check(&rules, &[require("p", "admin1", "app2", &["ssh"], 3)]).is_empty());
    let wide = [rule("w", "paris", "10.0.0.0/8", &["tcp/1-1024"], 12)];
    assert!(
        check(
            &wide,
            &[require(
                "p",
                "paris.mgmt",
                "lyon.apps",
                &["ssh", "https"],
                3
            )]
        )
        .is_empty()
    );
    // Implied flows count.
    assert!(check(&[], &[require("p", "db2", "db1", &["mysql"], 3)]).is_empty());
    // No services: any flow will do.
    assert!(check(&rules, &[require("p", "paris.mgmt", "lyon.db", &[], 3)]).is_empty());
    // A wildcard matching nothing requires nothing.
    assert!(check(&rules, &[require("p", "*.dmz", "*", &["ssh"], 3)]).is_empty());
}

#[test]
fn require_not_met_lists_what_is_missing() {
    let rules = [rule("admin", "paris.mgmt", "*", &["ssh"], 12)];
    let diags = check(&rules, &[require("mgmt-ssh", "*.mgmt", "*", &["ssh"], 3)]);
    assert_eq!(diags.len(), 1);
    let d = &diags[0];
    assert_eq!(d.code, codes::E0604);
    assert_eq!(
        d.message,
        "policy `mgmt-ssh` requires *.mgmt -> * tcp/22, but 6 of 12 are not allowed"
    );
    let help = d.help.as_deref().unwrap_or("");
    assert!(help.starts_with("not allowed: lyon.mgmt -> "), "{help}");
    assert!(help.ends_with("and 1 more"), "{help}");
    // A narrower port does not cover a wider one.
    let narrow = [rule("n", "admin1", "app1", &["tcp/443"], 12)];
    assert_eq!(
        check(
            &narrow,
            &[require("p", "admin1", "app1", &["tcp/443-444"], 3)]
        )
        .len(),
        1
    );
    assert_eq!(
        check(&narrow, &[require("p", "admin1", "app1", &["tcp"], 3)]).len(),
        1
    );
    // A host does not cover its zone.
    let host = [rule("h", "admin1", "app1", &["ssh"], 12)];
    assert_eq!(
        check(&host, &[require("p", "paris.mgmt", "app1", &["ssh"], 3)]).len(),
        1
    );
}

#[test]
fn require_internet() {
    let rules = [rule("web", "internet", "www", &["https"], 12)];
    assert!(check(&rules, &[require("p", "internet", "www", &["https"], 3)]).is_empty());
    assert!(
        check(
            &rules,
            &[require("p", "198.51.100.0/24", "www", &["https"], 3)]
        )
        .is_empty()
    );
    assert_eq!(
        check(&rules, &[require("p", "internet", "www", &["http"], 3)]).len(),
        1
    );
    assert_eq!(
        check(
            &rules,
            &[require("p", "10.1.10.0/24", "www", &["https"], 3)]
        )
        .len(),
        1
    );
}

#[test]
fn unresolved_selectors_are_reported() {
    let diags = check(
        &[],
        &[
            forbid("p", "internett", "*.db", &[], 3),
            require("q", "paris.mgmnt", "*", &[], 4),
        ],
    );
    assert_eq!(diags.len(), 2);
    assert!(diags.iter().all(|d| d.code == codes::E0302));
    assert_eq!(diags[1].help.as_deref(), Some("did you mean `mgmt`?"));
}

#[test]
fn a_rule_between_address_families_allows_nothing() {
    // `www` is an IPv4 VIP: an IPv6 prefix can never reach it, so the rule is refused rather
    // than producing a flow no device could enforce.
    let model = two_sites();
    let (flows, diags) = compute_flows(
        &model,
        &[rule("v6", "2001:db8::/32", "www", &["https"], 12)],
    );
    assert!(flows.iter().all(|f| f.provenance.name != "v6"));
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0].code, codes::E0605);
    assert!(
        diags[0].message.contains("share no address family"),
        "{}",
        diags[0].message
    );
    // `::/0` holds outside addresses too, but no IPv4 ones: it reaches nothing here either.
    let (_, diags) = compute_flows(&model, &[rule("v6all", "::/0", "www", &["https"], 12)]);
    assert_eq!(diags.len(), 1, "{diags:#?}");
}
