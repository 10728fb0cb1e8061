//! The flow matrix of a generated model: 1,000 sites of 3 zones and 5 hosts each, with
//! per-site rules, and separately with one global wildcard rule (`*.mgmt -> *.apps ssh`, a
//! million flows).
//!
//! Also: redundant-rule detection over 2,000 rules (500 sites × 4 rules, plus 20 rules that a
//! wider one covers) and over the million-flow wildcard matrix.
//!
//! `cargo bench -p infrac-flows`

#[path = "../tests/common/mod.rs"]
mod common;

use common::{Builder, forbid, require, rule};
use divan::Bencher;
use infrac_flows::{RuleInput, check_policies, compute_flows, redundant_rules};
use infrac_model::{Model, ServiceKind};

fn main() {
    divan::main();
}

const SITES: usize = 1000;

/// The `/24` of zone `z` of site `i`.
fn subnet(i: usize, z: usize) -> String {
    let n = i * 3 + z;
    format!("10.{}.{}.0/24", n / 256, n % 256)
}

fn address(i: usize, z: usize, host: u8) -> String {
    let n = i * 3 + z;
    format!("10.{}.{}.{host}", n / 256, n % 256)
}

/// `sites` sites `sN` with zones mgmt/apps/db and hosts admin, lb, app1, app2, db; a service,
/// a load balancer and a database per site (replicating to the previous site), monitoring of
/// every host from site 0 and two DNS servers.
fn model(sites: usize) -> Model {
    let mut b = Builder::new();
    for i in 0..sites {
        let s = format!("s{i}");
        b = b.site(
            &s,
            i as u32 + 1,
            &[
                ("mgmt", 10, &subnet(i, 0)),
                ("apps", 12, &subnet(i, 1)),
                ("db", 13, &subnet(i, 2)),
            ],
        );
        b = b
            .host(&format!("{s}-admin"), &s, &[("mgmt", &address(i, 0, 10))])
            .host(&format!("{s}-lb"), &s, &[("apps", &address(i, 1, 5))])
            .host(&format!("{s}-app1"), &s, &[("apps", &address(i, 1, 11))])
            .host(&format!("{s}-app2"), &s, &[("apps", &address(i, 1, 12))])
            .host(&format!("{s}-db"), &s, &[("db", &address(i, 2, 11))]);
    }
    for i in 0..sites {
        let s = format!("s{i}");
        let app = format!("{s}-shop");
        b = b
            .service(&app, 8080, &[&format!("{s}-app1"), &format!("{s}-app2")])
            .lb(
                &format!("{s}-www"),
                &[&format!("{s}-lb")],
                &address(i, 1, 100),
                &format!("{s}.apps"),
                &[(&app, 8080)],
            );
        let replicas = if i > 0 {
            vec![format!("s{}-db", i - 1)]
        } else {
            vec![]
        };
        let replicas: Vec<&str> = replicas.iter().map(String::as_str).collect();
        b = b.db(&format!("{s}-main"), &format!("{s}-db"), &replicas, 3306);
    }
    let hosts: Vec<String> = b.model.hosts.iter().map(|h| h.name.clone()).collect();
    let targets: Vec<(&str, u16)> = hosts.iter().map(|h| (h.as_str(), 9100)).collect();
    b.service_of("prometheus", ServiceKind::Monitoring, 9090, &["s0-admin"])
        .monitoring("prometheus", &targets)
        .dns(&["s0-admin", "s1-admin"])
        .build()
}

/// Four rules per site.
fn per_site_rules(sites: usize) -> Vec<RuleInput> {
    let mut rules = Vec::with_capacity(sites * 4);
    for i in 0..sites {
        let s = format!("s{i}");
        let line = i as u32 * 4;
        rules.push(rule(
            &format!("{s}-admin"),
            &format!("{s}.mgmt"),
            &format!("{s}.apps"),
            &["ssh"],
            line,
        ));
        rules.push(rule(
            &format!("{s}-dbadmin"),
            &format!("{s}.mgmt"),
            &format!("{s}.db"),
            &["ssh"],
            line + 1,
        ));
        rules.push(rule(
            &format!("{s}-app-db"),
            &format!("{s}-shop"),
            &format!("{s}-main"),
            &["mysql"],
            line + 2,
        ));
        rules.push(rule(
            &format!("{s}-web"),
            "internet",
            &format!("{s}-www"),
            &["https", "http"],
            line + 3,
        ));
    }
    rules
}

fn global_rules(sites: usize) -> Vec<RuleInput> {
    let mut rules = per_site_rules(sites);
    rules.push(rule(
        "admin-everywhere",
        "*.mgmt",
        "*.apps",
        &["ssh"],
        100_000,
    ));
    rules
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn flows_per_site_rules(bencher: Bencher) {
    let model = model(SITES);
    let rules = per_site_rules(SITES);
    bencher.bench_local(|| compute_flows(&model, &rules));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn flows_with_global_wildcard(bencher: Bencher) {
    let model = model(SITES);
    let rules = global_rules(SITES);
    bencher.bench_local(|| compute_flows(&model, &rules));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn policies_per_site_rules(bencher: Bencher) {
    let model = model(SITES);
    let (flows, _) = compute_flows(&model, &per_site_rules(SITES));
    let assertions = [
        forbid("db-isolation", "internet", "*.db", &[], 1),
        forbid("no-ssh-from-outside", "internet", "*", &["ssh"], 2),
        require("admin", "s7.mgmt", "s7.apps", &["ssh"], 3),
        require("web", "internet", "*.apps", &["https"], 4),
    ];
    bencher.bench_local(|| check_policies(&model, &flows, &assertions));
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn policies_with_global_wildcard(bencher: Bencher) {
    let model = model(SITES);
    let (flows, _) = compute_flows(&model, &global_rules(SITES));
    let assertions = [
        forbid("db-isolation", "internet", "*.db", &[], 1),
        forbid("no-ssh-from-outside", "internet", "*", &["ssh"], 2),
        require("admin", "*.mgmt", "*.apps", &["ssh"], 3),
    ];
    bencher.bench_local(|| check_policies(&model, &flows, &assertions));
}

/// 2,000 per-site rules over 500 sites, plus 20 narrower copies that W0603 must find.
fn rules_with_redundant(sites: usize) -> Vec<RuleInput> {
    let mut rules = per_site_rules(sites);
    for i in 0..20 {
        rules.push(rule(
            &format!("s{i}-admin-app1"),
            &format!("s{i}.mgmt"),
            &format!("s{i}-app1"),
            &["ssh"],
            200_000 + i as u32,
        ));
    }
    rules
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn redundant_2000_rules(bencher: Bencher) {
    let model = model(500);
    let (flows, _) = compute_flows(&model, &rules_with_redundant(500));
    assert_eq!(redundant_rules(&flows).len(), 20);
    bencher.bench_local(|| redundant_rules(&flows));
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn redundant_with_global_wildcard(bencher: Bencher) {
    let model = model(SITES);
    let (flows, _) = compute_flows(&model, &global_rules(SITES));
    bencher.bench_local(|| redundant_rules(&flows));
}
