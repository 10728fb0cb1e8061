//! Negative fixtures: for every check, a hand-broken config.xml (`tests/fixtures/`) that the
//! check rejects, while `valid.xml`, which each fixture changes once, passes them all.
//! A checker fixture is schema-valid, so the cross-reference checker is what catches it.

mod common;

use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    common::crate_dir()
        .join("tests/fixtures")
        .join(format!("{name}.xml"))
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_valid_fixture_passes_every_check() {
    let (ok, err) = common::xmllint(&["--noout"], &fixture("valid"));
    assert!(ok, "{err}");
    let (ok, err) = common::relaxng(&fixture("valid"));
    assert!(ok, "{err}");
    assert_eq!(common::verify::check(&read("valid")), Vec::<String>::new());
}

#[test]
fn xmllint_rejects_malformed_xml() {
    let (ok, err) = common::xmllint(&["--noout"], &fixture("malformed"));
    assert!(!ok, "xmllint accepted malformed.xml");
    assert!(err.contains("mismatch") || err.contains("error"), "{err}");
    assert!(common::verify::check(&read("malformed"))[0].starts_with("not well-formed"));
}

/// (fixture, what the checker must say).
const CHECKER: &[(&str, &str)] = &[
    (
        "rule-unknown-interface",
        "filter rule 1 names interface `opt7`",
    ),
    ("nat-unknown-interface", "NAT rule 1 names interface `opt5`"),
    ("vip-unknown-interface", "VIP 2 names interface `opt9`"),
    (
        "ospf-unknown-interface",
        "OSPF interface 1 names interface `opt6`",
    ),
    (
        "vlan-device-undefined",
        "interface opt1 runs on vlan0.30, which <vlans> does not define",
    ),
    ("vlan-duplicate", "VLAN (vtnet1, 10) is defined twice"),
    (
        "vlanif-wrong-tag",
        "VLAN device vlan0.21 does not carry tag 20",
    ),
    (
        "vip-outside-subnet",
        "VIP 2: 10.0.30.1/24 is not inside opt1's subnet",
    ),
    (
        "vip-network-address",
        "VIP 2: 10.0.20.0 is the network or broadcast address of opt1",
    ),
    (
        "vip-broadcast-address",
        "VIP 2: 10.0.20.255 is the network or broadcast address of opt1",
    ),
    (
        "vip-wrong-prefix",
        "VIP 2: 10.0.20.1/25 is not inside opt1's subnet",
    ),
    ("vhid-duplicate", "VIP 2: vhid 1 is used twice on lan"),
    (
        "port-with-ospf",
        "filter rule 3: a destination port with protocol ospf",
    ),
    (
        "port-range-backwards",
        "filter rule 1: destination port 2222-22 is not 1–65535",
    ),
    (
        "descr-without-origin",
        "filter rule 1: descr does not name an infrac element",
    ),
    (
        "descr-without-line",
        "filter rule 1: descr does not name an infrac element",
    ),
    (
        "nat-external-elsewhere",
        "NAT rule 1: external address 198.51.100.10 is not on interface wan",
    ),
    (
        "gateway-undefined",
        "interface wan names gateway WAN2_GW, which is not defined",
    ),
    (
        "ospf-area-missing",
        "OSPF interface 1: its area is not an area record",
    ),
    (
        "uuid-duplicate",
        "uuid 00000000-0000-8000-8000-000000000011 is used twice",
    ),
    (
        "descr-duplicate",
        "interface description mgmt is used twice",
    ),
    (
        "schema-carp-no-password",
        "VIP 1: a CARP VIP without a password",
    ),
];

#[test]
fn the_checker_rejects_each_broken_fixture() {
    for (name, expected) in CHECKER {
        let problems = common::verify::check(&read(name));
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{name}: expected a problem containing {expected:?}, got {problems:#?}"
        );
        if !name.starts_with("schema-") {
            let (ok, err) = common::relaxng(&fixture(name));
            assert!(
                ok,
                "{name} should be schema-valid (the checker is under test): {err}"
            );
        }
    }
}

/// (fixture, a word of xmllint's complaint).
const SCHEMA: &[(&str, &str)] = &[
    ("schema-vlan-tag-4095", "tag"),
    ("schema-vhid-256", "vhid"),
    ("schema-ipprotocol", "ipprotocol"),
    ("schema-rule-type", "type"),
    ("schema-port-70000", "port"),
    ("schema-port-name", "port"),
    ("schema-carp-no-password", "password"),
    ("schema-misspelled-element", "destinaton"),
    ("schema-wrong-nesting", "interfaces"),
    ("schema-hostname", "hostname"),
    ("schema-interface-name", "interfaces"),
    ("schema-vlanif-name", "vlanif"),
    ("schema-ospf-networktype", "networktype"),
    ("schema-interface-descr", "descr"),
];

#[test]
fn the_schema_rejects_each_broken_fixture() {
    for (name, word) in SCHEMA {
        let (ok, err) = common::relaxng(&fixture(name));
        assert!(!ok, "{name}: the schema accepted it");
        assert!(
            err.contains(word),
            "{name}: expected xmllint to mention {word:?}: {err}"
        );
        let (well_formed, _) = common::xmllint(&["--noout"], &fixture(name));
        assert!(
            well_formed,
            "{name} must be well-formed: only the schema is under test"
        );
    }
}

#[test]
fn every_fixture_is_used() {
    let listed: Vec<&str> = CHECKER
        .iter()
        .chain(SCHEMA)
        .map(|(n, _)| *n)
        .chain(["valid", "malformed"])
        .collect();
    for entry in std::fs::read_dir(common::crate_dir().join("tests/fixtures")).expect("fixtures") {
        let path = entry.expect("entry").path();
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        assert!(
            listed.contains(&name.as_str()),
            "fixture {name} is not checked by any test"
        );
    }
}
