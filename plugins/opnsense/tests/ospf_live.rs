//! The OSPF section, run: the os-frr records of two firewalls' config.xml, turned into FRR
//! commands the way os-frr's template does (`common::frr`), loaded into real FRR (zebra and
//! ospfd) in two network namespaces whose interfaces come from the same files' `<interfaces>`
//! (VLAN devices as stub veths of their `vlan0.N` name: this kernel cannot create 802.1Q
//! devices). fw1 and fw2 of `examples/protech` form an MD5-authenticated adjacency over their
//! link and learn each other's (passive) zones; with different keys they do not.

mod common;

use common::frr::{Firewall, frr_conf, test_secret};
use infrac_testkit::{poll, substitute_secrets as substitute};
use std::collections::BTreeMap;
use std::time::Duration;

fn protech() -> infrac_sdk::Model {
    let (_, dir) = infrac_testkit::examples()
        .into_iter()
        .find(|(n, _)| n == "protech")
        .expect("examples/protech");
    infrac_testkit::model_of(&dir)
}

/// Brings up fw1 and fw2 of protech, keys substituted, their link ports joined.
fn bring_up(tag: &str, key1: &str, key2: &str) -> (Firewall, Firewall) {
    bring_up_pair(&protech(), "paris-lyon", ("fw1", key1), ("fw2", key2), tag)
}

/// Brings up firewalls `d1` and `d2` of `model`, keys substituted, the ports of `link` joined.
fn bring_up_pair(
    model: &infrac_sdk::Model,
    link: &str,
    (d1, key1): (&str, &str),
    (d2, key2): (&str, &str),
    tag: &str,
) -> (Firewall, Firewall) {
    let link = model
        .links
        .iter()
        .find(|l| l.name == link)
        .unwrap_or_else(|| panic!("the {link} link"));
    let port = |device: &str| {
        link.sides
            .iter()
            .find(|s| s.device == device)
            .map(|s| s.interface.clone())
            .expect("a side")
    };
    let (p1, p2) = (port(d1), port(d2));
    let x1 = substitute(&common::config_of(model, d1), key1);
    let x2 = substitute(&common::config_of(model, d2), key2);
    let a = Firewall::new(&format!("{tag}a"));
    let b = Firewall::new(&format!("{tag}b"));
    a.interfaces(&x1, &BTreeMap::from([(p1.clone(), (&b, p2.clone()))]));
    b.interfaces(&x2, &BTreeMap::from([(p2, (&a, p1))]));
    for (fw, xml) in [(&a, &x1), (&b, &x2)] {
        let conf = frr_conf(xml);
        let out = fw.run_frr(&conf);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() && stderr.trim().is_empty(),
            "vtysh -f rejected\n{conf}\n{stderr}"
        );
    }
    (a, b)
}

#[test]
fn protech_firewalls_form_an_adjacency_and_learn_each_others_zones() {
    let key = test_secret("opn-ospf-ok");
    let (fw1, fw2) = bring_up("opnok", &key, &key);
    let full = poll(Duration::from_secs(15), || {
        fw1.show("show ip ospf neighbor").contains("Full")
            && fw2.show("show ip ospf neighbor").contains("Full")
    });
    assert!(
        full,
        "no Full adjacency:\n{}",
        fw1.show("show ip ospf neighbor")
    );
    let learned = poll(Duration::from_secs(10), || {
        let (r1, r2) = (fw1.ospf_routes(), fw2.ospf_routes());
        ["192.168.20.0/24", "192.168.21.0/24", "192.168.22.0/24"]
            .iter()
            .all(|z| r1.contains(z))
            && ["192.168.10.0/24", "192.168.11.0/24", "192.168.12.0/24"]
                .iter()
                .all(|z| r2.contains(z))
    });
    assert!(
        learned,
        "zones not learned:\nfw1:\n{}\nfw2:\n{}",
        fw1.ospf_routes(),
        fw2.ospf_routes()
    );
    // The zone interfaces are passive; the link is point-to-point with the modelled timers.
    let zone = fw1.show("show ip ospf interface vlan0.10");
    assert!(zone.contains("Passive"), "{zone}");
    let link = fw1.show("show ip ospf interface vtnet2");
    assert!(link.contains("POINTOPOINT"), "{link}");
    assert!(link.contains("Hello 1s, Dead 4s"), "{link}");
    assert!(link.contains("Cost: 10"), "{link}");
}

#[test]
fn different_md5_keys_keep_the_adjacency_down() {
    let (fw1, _fw2) = bring_up(
        "opnbad",
        &test_secret("opn-ospf-one"),
        &test_secret("opn-ospf-two"),
    );
    // Hello 1 s: an accepted hello would show the neighbour within a few seconds.
    let seen = poll(Duration::from_secs(5), || {
        let n = fw1.show("show ip ospf neighbor");
        n.contains("Full") || n.contains("Init") || n.contains("2-Way")
    });
    assert!(!seen, "{}", fw1.show("show ip ospf neighbor"));
}

#[test]
fn net_chain_abr_and_area_2_firewall_form_an_adjacency_and_learn_each_others_zones() {
    // tests/models/net-chain: fw3 is an ABR (area-0 zones, area-2 link to fw4); fw4 runs area 2
    // only. MD5, hello 2 s, dead 10 s, cost 7 over s3-s4; ten passive VLAN zones each side.
    let model =
        infrac_testkit::model_of(&infrac_testkit::repo_root().join("tests/models/net-chain"));
    let key = test_secret("opn-ospf-chain");
    let (fw3, fw4) = bring_up_pair(&model, "s3-s4", ("fw3", &key), ("fw4", &key), "opnchain");
    let full = poll(Duration::from_secs(20), || {
        fw3.show("show ip ospf neighbor").contains("Full")
            && fw4.show("show ip ospf neighbor").contains("Full")
    });
    assert!(
        full,
        "no Full adjacency:\n{}",
        fw3.show("show ip ospf neighbor")
    );
    let zones = |id: u8| {
        [
            "1.0/24", "3.0/24", "4.0/24", "6.0/24", "8.0/22", "12.64/27", "13.16/28",
        ]
        .map(|z| format!("10.7{id}.{z}"))
    };
    let learned = poll(Duration::from_secs(20), || {
        let (r3, r4) = (fw3.ospf_routes(), fw4.ospf_routes());
        zones(4).iter().all(|z| r3.contains(z.as_str()))
            && zones(3).iter().all(|z| r4.contains(z.as_str()))
    });
    assert!(
        learned,
        "zones not learned:\nfw3:\n{}\nfw4:\n{}",
        fw3.ospf_routes(),
        fw4.ospf_routes()
    );
    let link = fw4.show("show ip ospf interface em2");
    assert!(link.contains("Area 0.0.0.2"), "{link}");
    assert!(link.contains("POINTOPOINT"), "{link}");
    assert!(link.contains("Hello 2s, Dead 10s"), "{link}");
    assert!(link.contains("Cost: 7"), "{link}");
    let zone = fw3.show("show ip ospf interface vlan0.1011");
    assert!(
        zone.contains("Passive") && zone.contains("Area 0.0.0.0"),
        "{zone}"
    );
}
