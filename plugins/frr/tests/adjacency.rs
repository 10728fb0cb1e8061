//! Two routers, each its generated frr.conf loaded into its own FRR (zebra + ospfd, staticd
//! when needed) in its own network namespace, joined by a veth named as the configs say: they
//! must reach OSPF Full, and each kernel must hold the other side's zone prefixes as
//! `proto ospf` routes. Zone interfaces are veths whose peers stay in the same namespace.
//!
//! Linux FRR routers address their interfaces from frr.conf (zebra); for OPNsense firewalls the
//! test plays the operating system and puts the model's addresses on the interfaces, as
//! OPNsense does, since their frr.conf carries none.

mod common;

use common::{FrrNode, config_of, daemons_for, interface_names, join, stub_interface};
use infrac_plugin_frr::names::os_interface;
use infrac_sdk::{Device, Model, Platform};
use infrac_testkit::Netns;
use infrac_testkit::poll;
use std::time::Duration;

/// How long two routers may take to reach Full and install each other's routes. Full comes
/// in about 1 s with hello 1 s; the routes follow once each side's new router LSA is
/// flooded, which FRR's default LSA throttle (5 s) delays: 6–11 s measured here.
const CONVERGENCE: Duration = Duration::from_secs(20);

fn device<'m>(model: &'m Model, name: &str) -> &'m Device {
    model
        .device(name)
        .unwrap_or_else(|| panic!("device `{name}`"))
}

/// The OS name of `device`'s end of the link it shares with `other`.
fn link_end(model: &Model, device_name: &str, other: &str) -> String {
    let link = model
        .links
        .iter()
        .find(|l| {
            l.sides.iter().any(|s| s.device == device_name)
                && l.sides.iter().any(|s| s.device == other)
        })
        .unwrap_or_else(|| panic!("a link between `{device_name}` and `{other}`"));
    let d = device(model, device_name);
    let iface = d
        .interfaces
        .iter()
        .find(|i| i.link.as_deref() == Some(link.name.as_str()))
        .expect("the link's interface");
    os_interface(d.platform, iface).expect("a link end has an OS name")
}

/// The zone prefixes `name` runs OSPF on (what the other side must learn).
fn zone_prefixes(model: &Model, name: &str) -> Vec<String> {
    device(model, name)
        .interfaces
        .iter()
        .filter(|i| i.ospf.is_some() && i.zone.is_some())
        .filter_map(|i| i.address)
        .map(|a| a.trunc().to_string())
        .collect()
}

/// One router of a pair, running its config with `key` as the MD5 secret.
fn start_router(model: &Model, name: &str, ns: Netns, link: &str, key: &str) -> FrrNode {
    let config = infrac_testkit::substitute_secrets(&config_of(model, name), key);
    start_config(model, name, ns, link, &config)
}

/// One router of a pair, running `config` (its generated file, possibly edited).
fn start_config(model: &Model, name: &str, ns: Netns, link: &str, config: &str) -> FrrNode {
    let config = config.to_string();
    for (k, ifname) in interface_names(&config)
        .iter()
        .filter(|n| *n != link)
        .enumerate()
    {
        stub_interface(&ns, ifname, &format!("stub{k}"));
    }
    let d = device(model, name);
    if d.platform == Platform::Opnsense {
        // The OS's part: the firewall's addresses on the interfaces FRR runs OSPF on.
        for i in d.interfaces.iter().filter(|i| i.ospf.is_some()) {
            let (Some(os), Some(addr)) = (os_interface(d.platform, i), i.address) else {
                continue;
            };
            ns.ip(&["addr", "add", &addr.to_string(), "dev", &os]);
        }
    }
    let node = FrrNode::start(ns, &daemons_for(&config));
    let out = node.load(&config);
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{name}: vtysh -f: rc {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    node
}

/// Whether `node` has `peer_id` as a Full neighbour.
fn full_with(node: &FrrNode, peer_id: &str) -> bool {
    node.show("show ip ospf neighbor")
        .lines()
        .any(|l| l.split_whitespace().next() == Some(peer_id) && l.contains("Full"))
}

/// Whether every prefix of `want` is a `proto ospf` route of `node`'s kernel.
fn has_routes(node: &FrrNode, want: &[String]) -> bool {
    let routes = node.ospf_routes();
    want.iter().all(|p| {
        routes
            .lines()
            .any(|l| l.split_whitespace().next() == Some(p.as_str()))
    })
}

/// Starts `a` and `b` of `model` in two namespaces joined by their link, with MD5 keys
/// `key_a`/`key_b`; returns both nodes once started and loaded.
fn pair(
    model: &Model,
    tag: &str,
    (a, key_a): (&str, &str),
    (b, key_b): (&str, &str),
) -> [FrrNode; 2] {
    let ns_a = Netns::new(&format!("{tag}-{a}"));
    let ns_b = Netns::new(&format!("{tag}-{b}"));
    let (end_a, end_b) = (link_end(model, a, b), link_end(model, b, a));
    join(&ns_a, &end_a, &ns_b, &end_b);
    [
        start_router(model, a, ns_a, &end_a, key_a),
        start_router(model, b, ns_b, &end_b, key_b),
    ]
}

fn router_id(model: &Model, name: &str) -> String {
    device(model, name)
        .ospf
        .as_ref()
        .expect("runs OSPF")
        .router_id
        .to_string()
}

/// Runs `a`–`b` of `model` with one shared key, and waits (≤ 20 s) for Full on both sides
/// and each side's zone prefixes (plus `extra_b` on `b`) in the other's kernel.
fn converge(model: &Model, tag: &str, a: &str, b: &str, extra_b: &[&str]) -> [FrrNode; 2] {
    let key = common::test_secret();
    let nodes = pair(model, tag, (a, &key), (b, &key));
    let [na, nb] = &nodes;
    let (id_a, id_b) = (router_id(model, a), router_id(model, b));
    let want_a = zone_prefixes(model, b);
    let mut want_b = zone_prefixes(model, a);
    want_b.extend(extra_b.iter().map(|s| s.to_string()));
    assert!(
        !want_a.is_empty() && !want_b.is_empty(),
        "both sides have zones"
    );
    let converged = poll(CONVERGENCE, || {
        full_with(na, &id_b)
            && full_with(nb, &id_a)
            && has_routes(na, &want_a)
            && has_routes(nb, &want_b)
    });
    assert!(
        converged,
        "{tag}: no convergence in 20 s\n{a} neighbours:\n{}\n{a} routes (want {want_a:?}):\n{}\n\
         {b} neighbours:\n{}\n{b} routes (want {want_b:?}):\n{}\n{a} ospfd log:\n{}",
        na.show("show ip ospf neighbor"),
        na.ospf_routes(),
        nb.show("show ip ospf neighbor"),
        nb.ospf_routes(),
        na.log("ospfd"),
    );
    nodes
}

#[test]
fn lab_routers_with_md5_reach_full_and_exchange_zones() {
    let model = infrac_testkit::model_from_str(&common::lab_source(true));
    assert!(config_of(&model, "re").contains("message-digest-key 1 md5 @@secret:ospf-key@@"));
    // rw also learns re's WAN subnet, by `redistribute connected` (an external route), but
    // not re's static default route: ospfd's `redistribute` never carries the default route.
    let [_, rw] = converge(&model, "frradj-md5", "re", "rw", &["203.0.113.0/29"]);
    assert!(
        !rw.ospf_routes().lines().any(|l| l.starts_with("default")),
        "a default route arrived by redistribution:\n{}",
        rw.ospf_routes()
    );
}

#[test]
fn lab_routers_without_auth_reach_full_and_exchange_zones() {
    let model = infrac_testkit::model_from_str(&common::lab_source(false));
    assert!(!config_of(&model, "re").contains("message-digest"));
    converge(&model, "frradj-plain", "re", "rw", &["203.0.113.0/29"]);
}

#[test]
fn protech_firewalls_reach_full_and_exchange_zones() {
    let (_, dir) = common::example("protech");
    let model = infrac_testkit::model_of(&dir);
    let link = &model.links[0];
    let ospf = link.ospf.as_ref().expect("paris-lyon runs OSPF");
    assert_eq!((ospf.hello_s, ospf.dead_s), (Some(1), Some(4)));
    assert!(ospf.auth.is_some(), "paris-lyon is authenticated");
    converge(&model, "frradj-protech", "fw1", "fw2", &[]);
}

#[test]
fn mismatched_md5_keys_never_reach_full() {
    // The authentication lines take effect: with different keys on the two ends there is no
    // adjacency, for longer than the dead interval (4 s).
    let model = infrac_testkit::model_from_str(&common::lab_source(true));
    let (key_a, key_b) = (common::test_secret(), common::test_secret());
    assert_ne!(key_a, key_b);
    let [re, rw] = pair(&model, "frradj-badkey", ("re", &key_a), ("rw", &key_b));
    let (id_re, id_rw) = (router_id(&model, "re"), router_id(&model, "rw"));
    let adjacent = poll(Duration::from_secs(6), || {
        full_with(&re, &id_rw) || full_with(&rw, &id_re)
    });
    assert!(!adjacent, "an adjacency formed with mismatched MD5 keys");
    assert!(
        rw.ospf_routes().is_empty(),
        "routes learnt without a valid key"
    );
}

/// `tests/models/DIR`, checked.
fn test_model(dir: &str) -> Model {
    infrac_testkit::model_of(&infrac_testkit::repo_root().join("tests/models").join(dir))
}

#[test]
fn net_ring_area_1_routers_on_a_31_reach_full_and_exchange_zones() {
    // Two generated routers of a model no example resembles: area 1, a /31 transit without
    // authentication, hello 1 s.
    let model = test_model("net-ring");
    let link = model
        .links
        .iter()
        .find(|l| l.name == "depot-south")
        .expect("depot-south");
    assert_eq!(link.transit.prefix_len(), 31);
    let r4 = config_of(&model, "r4");
    assert!(r4.contains(" ip ospf area 0.0.0.1\n"), "{r4}");
    converge(&model, "frradj-ring45", "r4", "r5", &[]);
}

#[test]
fn net_ring_abr_with_slow_timers_reaches_full_and_exchange_zones() {
    // r1 is an ABR: its zones are in area 0, its link to r5 in area 1 (hello 3 s, dead 12 s);
    // r5 learns r1's zones as inter-area routes. r5 also redistributes its connected
    // networks; r1 learns r5's zones intra-area.
    let model = test_model("net-ring");
    converge(&model, "frradj-ring51", "r5", "r1", &[]);
}

#[test]
fn one_router_id_on_both_ends_never_reaches_full() {
    // Why FRR010 refuses a router id another OSPF device has: the lab pair, rw running re's
    // router id (its generated file edited, as the backend would never write it), forms no
    // adjacency for longer than the dead interval (4 s).
    let model = infrac_testkit::model_from_str(&common::lab_source(false));
    let (id_re, id_rw) = (router_id(&model, "re"), router_id(&model, "rw"));
    assert_ne!(id_re, id_rw);
    let ns_re = Netns::new("frradj-dupid-re");
    let ns_rw = Netns::new("frradj-dupid-rw");
    let (end_re, end_rw) = (link_end(&model, "re", "rw"), link_end(&model, "rw", "re"));
    join(&ns_re, &end_re, &ns_rw, &end_rw);
    let rw_config = config_of(&model, "rw");
    let line = format!(" ospf router-id {id_rw}\n");
    assert!(rw_config.contains(&line), "{rw_config}");
    let rw_config = rw_config.replace(&line, &format!(" ospf router-id {id_re}\n"));
    let re = start_router(&model, "re", ns_re, &end_re, "unused");
    let rw = start_config(&model, "rw", ns_rw, &end_rw, &rw_config);
    // The same pair with their own ids is Full in about 1 s
    // (lab_routers_without_auth_reach_full_and_exchange_zones).
    let adjacent = poll(Duration::from_secs(6), || {
        re.show("show ip ospf neighbor").contains("Full")
            || rw.show("show ip ospf neighbor").contains("Full")
    });
    assert!(
        !adjacent,
        "an adjacency formed between two routers with one id:\n{}",
        re.show("show ip ospf neighbor")
    );
}
