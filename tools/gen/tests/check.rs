//! Every generated model checks clean (no error and no warning), and the generator is
//! deterministic. (That every backend builds them is `compiler/cli/tests/generated.rs`.)

use infrac_diag::SourceMap;
use infrac_gen::{policy, sites, topology};

/// Checks `text`; returns the model's counts (devices, hosts, rules, flows).
fn check_clean(text: &str) -> (usize, usize, usize, usize) {
    let mut sources = SourceMap::new();
    let id = sources.add("gen.infra", text);
    let (file, diags) = infrac_syntax::parse(id, text);
    assert!(diags.is_empty(), "{diags:#?}");
    let checked = infrac_check::check(
        &sources,
        &[(id, &file)],
        &infrac_check::CheckOptions::default(),
    );
    let shown: Vec<String> = checked
        .diagnostics
        .iter()
        .take(5)
        .map(|d| {
            let line = text[..d.span.start as usize].lines().count();
            format!("{} line {line}: {}", d.code.0, d.message)
        })
        .collect();
    assert!(checked.diagnostics.is_empty(), "{shown:#?}");
    let model = checked.model.expect("a model");
    (
        model.devices.len(),
        model.hosts.len(),
        model.rules.len(),
        model.flows.len(),
    )
}

#[test]
fn sites_check_clean_and_scale_as_asked() {
    let (devices, hosts, rules, flows) = check_clean(
        &sites::generate(&sites::Sites {
            sites: 3,
            ..sites::Sites::default()
        })
        .expect("valid parameters"),
    );
    // Per site: a firewall, a switch, a router and 12 hosts (plus the DNS server of site 0).
    assert_eq!((devices, hosts, rules), (9, 37, 15));
    assert!(flows > rules);
    // Every knob at another value.
    let (devices, hosts, rules, _) = check_clean(
        &sites::generate(&sites::Sites {
            sites: 2,
            zones: 8,
            hosts: 20,
            services: 4,
            ha: 3,
            databases: 2,
            rules: 9,
        })
        .expect("valid parameters"),
    );
    assert_eq!((devices, hosts, rules), (6, 41, 18));
    assert!(
        sites::generate(&sites::Sites {
            zones: 9,
            ..sites::Sites::default()
        })
        .is_err()
    );
}

#[test]
fn policy_checks_clean_with_the_counts_asked() {
    let p = policy::Params {
        rules: 300,
        objects: 120,
        services: 30,
        ipv6_percent: 10,
        seed: 3,
    };
    let pol = policy::generate(&p).expect("valid parameters");
    assert_eq!(pol.terms.len(), 300);
    assert_eq!(pol.objects.len(), 120);
    assert_eq!(pol.services.len(), 30);
    assert!(pol.objects.iter().any(|o| o.v6));
    let (devices, _, rules, _) = check_clean(&pol.infra());
    assert_eq!(devices, 2);
    assert_eq!(rules, pol.rule_count());
    assert!(rules >= 300);
}

#[test]
fn the_default_policy_checks_clean() {
    let pol = policy::generate(&policy::Params::default()).expect("valid parameters");
    let (_, _, rules, _) = check_clean(&pol.infra());
    assert_eq!(rules, pol.rule_count());
    let v6 = pol
        .objects
        .iter()
        .flat_map(|o| &o.prefixes)
        .filter(|p| p.contains(':'))
        .count();
    let share = v6 * 100 / pol.prefix_count();
    assert!((5..=12).contains(&share), "{share}% IPv6");
}

#[test]
fn topology_checks_clean() {
    let (devices, hosts, _, _) = check_clean(&topology::generate());
    assert_eq!((devices, hosts), (20, 11));
}

#[test]
fn output_depends_only_on_the_parameters() {
    let p = policy::Params {
        rules: 200,
        objects: 60,
        ..policy::Params::default()
    };
    let a = policy::generate(&p).expect("valid");
    let b = policy::generate(&p).expect("valid");
    assert_eq!(a.infra(), b.infra());
    let other = policy::generate(&policy::Params { seed: 2, ..p }).expect("valid");
    assert_ne!(a.infra(), other.infra());
    let targets = ["cisco X mixed"];
    assert_eq!(a.capirca(&targets), b.capirca(&targets));
}

#[test]
fn capirca_definitions_name_every_object_and_service() {
    let pol = policy::generate(&policy::Params {
        rules: 50,
        objects: 40,
        services: 10,
        ..policy::Params::default()
    })
    .expect("valid");
    let (p, net, svc) = pol.capirca(&["cisco X mixed", "juniper X mixed"]);
    assert_eq!(p.matches("\nterm t").count(), 50);
    assert!(p.contains("target:: juniper X mixed"));
    for o in &pol.objects {
        assert!(net.contains(&format!("{} = {}", o.name, o.prefixes[0])));
    }
    assert_eq!(svc.matches(" = ").count(), 10);
    assert!(p.ends_with("term default-deny {\n  action:: deny\n}\n"));
}
