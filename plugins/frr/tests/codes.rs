//! Every FRR0xx code fires, on the element it names (its JSON pointer resolves in the IR), and
//! every problem of a device is reported in one run.

use infrac_plugin_frr::Frr;
use infrac_sdk::{Backend, Diagnostic, Model, Severity, Target};

/// The errors of compiling `unit`; panics when it compiles.
fn errors(model: &Model, unit: &str) -> Vec<Diagnostic> {
    match Frr::compile(model, &Target::unit("frr", unit)) {
        Ok(files) => panic!(
            "`{unit}` compiled:\n{}",
            infrac_testkit::snapshot_text(&files)
        ),
        Err(d) => d,
    }
}

/// Asserts exactly one error, with `code`, at `path`, and that `path` exists in the IR.
fn assert_one(model: &Model, unit: &str, code: &str, path: &str) -> Diagnostic {
    let diags = errors(model, unit);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = diags.into_iter().next().expect("one");
    assert_eq!(
        (d.severity, d.code.as_str(), d.ir_path.as_str()),
        (Severity::Error, code, path),
        "{d:#?}"
    );
    assert_points_into(model, &d);
    d
}

fn assert_points_into(model: &Model, d: &Diagnostic) {
    let ir: serde_json::Value = serde_json::from_str(&model.to_json()).expect("IR is JSON");
    assert!(
        d.ir_path.is_empty() || ir.pointer(&d.ir_path).is_some(),
        "{} does not resolve in the IR",
        d.ir_path
    );
}

const HEAD: &str = r#"project t { domain "t.example" }
secret key { env "T_KEY"; max_length 16 }
"#;

fn model(body: &str) -> Model {
    infrac_testkit::model_from_str(&format!("{HEAD}{body}"))
}

/// Changes a secret's declared `max_length` in a checked model (as an IR from elsewhere could).
fn declare_max_length(m: &mut Model, secret: &str, max: u32) {
    let s = m
        .secrets
        .iter_mut()
        .find(|s| s.name == secret)
        .expect("the secret is declared");
    s.max_length = Some(max);
}

/// One FRR router `r1` in site `a` with the given interfaces and OSPF block.
fn router(zones: &str, interfaces: &str, ospf: &str) -> Model {
    model(&format!(
        "site a {{\n  id 1\n{zones}\n  router r1 {{\n    platform frr\n{interfaces}\n    {ospf}\n  }}\n}}\n"
    ))
}

const ZONES: &str =
    "  zone mgmt { vlan 11; subnet 10.1.11.0/24 }\n  zone apps { vlan 12; subnet 10.1.12.0/24 }";

fn interface_index(model: &Model, device: &str, name: &str) -> usize {
    model
        .device(device)
        .expect("device")
        .interfaces
        .iter()
        .position(|i| i.name == name)
        .expect("interface")
}

#[test]
fn frr001_unknown_unit() {
    let (_, dir) = infrac_testkit::examples()
        .into_iter()
        .find(|(n, _)| n == "protech")
        .expect("protech");
    let m = infrac_testkit::model_of(&dir);
    assert_one(&m, "nonexistent", "FRR001", "");
    // A device that exists but does not run FRR (an IOSvL2 switch) is no unit either.
    assert_one(&m, "sw1", "FRR001", "");
}

#[test]
fn frr002_ipv6_only_ospf_interface() {
    let m = router(
        "  zone users { vlan 10; subnet 2001:db8:10::/64 }\n  zone mgmt { vlan 11; subnet 10.1.11.0/24 }",
        "    interface eth1 { address 2001:db8:10::1/64; zone users }\n    interface eth2 { address 10.1.11.1/24; zone mgmt }",
        "ospf { area 0 }",
    );
    let i = interface_index(&m, "r1", "eth1");
    let d = assert_one(
        &m,
        "r1",
        "FRR002",
        &format!("/devices/0/interfaces/{i}/address"),
    );
    assert!(d.message.contains("IPv4 only"), "{}", d.message);
}

#[test]
fn frr002_ipv6_transit_link() {
    let m = model(
        "site a { id 1\n  zone mgmt { vlan 11; subnet 10.1.11.0/24 }\n  router r1 { platform frr\n    interface eth1 { address 10.1.11.1/24; zone mgmt }\n    ospf { area 0; passive [eth1] } } }\n\
         site b { id 2\n  zone mgmt { vlan 21; subnet 10.2.21.0/24 }\n  router r2 { platform frr\n    interface eth1 { address 10.2.21.1/24; zone mgmt }\n    ospf { area 0; passive [eth1] } } }\n\
         link a-b { side r1 eth0; side r2 eth0; transit 2001:db8:ff::/64; ospf { area 0 } }\n",
    );
    assert_one(&m, "r1", "FRR002", "/links/0/transit");
    assert_one(&m, "r2", "FRR002", "/links/0/transit");
}

#[test]
fn frr003_port_that_is_no_kernel_interface_name() {
    let m = router(
        ZONES,
        "    interface Gi0/1 { address 10.1.11.1/24; zone mgmt }\n    interface uplink { port a-very-long-port-name; address 10.1.12.1/24; zone apps }",
        "ospf { area 0 }",
    );
    let diags = errors(&m, "r1");
    let slash = interface_index(&m, "r1", "Gi0/1");
    let long = interface_index(&m, "r1", "uplink");
    let mut got: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| (d.code.as_str(), d.ir_path.as_str()))
        .collect();
    got.sort();
    let paths = [
        format!("/devices/0/interfaces/{slash}/port"),
        format!("/devices/0/interfaces/{long}/port"),
    ];
    let mut want: Vec<(&str, &str)> = paths.iter().map(|p| ("FRR003", p.as_str())).collect();
    want.sort();
    assert_eq!(got, want, "both reported in one run: {diags:#?}");
    for d in &diags {
        assert_points_into(&m, d);
    }
}

#[test]
fn frr003_link_port_that_is_no_kernel_interface_name() {
    let m = model(
        "site a { id 1\n  zone mgmt { vlan 11; subnet 10.1.11.0/24 }\n  router r1 { platform frr\n    interface eth1 { address 10.1.11.1/24; zone mgmt }\n    ospf { area 0; passive [eth1] } } }\n\
         site b { id 2\n  zone mgmt { vlan 21; subnet 10.2.21.0/24 }\n  router r2 { platform frr\n    interface eth1 { address 10.2.21.1/24; zone mgmt }\n    ospf { area 0; passive [eth1] } } }\n\
         link a-b { side r1 Te0/0/1; side r2 eth0; transit 10.255.0.0/30; ospf { area 0 } }\n",
    );
    assert_one(&m, "r1", "FRR003", "/links/0/sides/0/interface");
    assert!(Frr::compile(&m, &Target::unit("frr", "r2")).is_ok());
}

#[test]
fn frr004_two_interfaces_on_one_port() {
    let m = router(
        ZONES,
        "    interface a { port eth1; address 10.1.11.1/24; zone mgmt }\n    interface b { port eth1; address 10.1.12.1/24; zone apps }",
        "ospf { area 0 }",
    );
    let second = interface_index(&m, "r1", "b");
    let d = assert_one(
        &m,
        "r1",
        "FRR004",
        &format!("/devices/0/interfaces/{second}"),
    );
    assert!(d.message.contains("`eth1`"), "{}", d.message);
}

#[test]
fn frr005_md5_key_declared_longer_than_16() {
    let body = |max: u32| {
        format!(
            "secret long {{ env \"T_LONG\"; max_length {max} }}\n\
             site a {{ id 1\n  zone mgmt {{ vlan 11; subnet 10.1.11.0/24 }}\n  router r1 {{ platform frr\n    interface eth1 {{ address 10.1.11.1/24; zone mgmt }}\n    ospf {{ area 0; passive [eth1] }} }} }}\n\
             site b {{ id 2\n  zone mgmt {{ vlan 21; subnet 10.2.21.0/24 }}\n  router r2 {{ platform frr\n    interface eth1 {{ address 10.2.21.1/24; zone mgmt }}\n    ospf {{ area 0; passive [eth1] }} }} }}\n\
             link a-b {{ side r1 eth0; side r2 eth0; transit 10.255.0.0/30; ospf {{ area 0; auth long }} }}\n"
        )
    };
    // The checker refuses such a declaration (E0507); FRR005 guards the plugin against an IR
    // from elsewhere that declares one.
    let mut m = model(&body(16));
    declare_max_length(&mut m, "long", 20);
    let d = assert_one(&m, "r1", "FRR005", "/links/0/ospf/auth");
    assert!(d.message.contains("16"), "{}", d.message);
    // 16 characters fit.
    assert!(Frr::compile(&model(&body(16)), &Target::unit("frr", "r1")).is_ok());
}

#[test]
fn frr005_device_level_key() {
    // `auth` in a device's own `ospf` block applies to its zone interfaces.
    let mut m = model(
        "secret long { env \"T_LONG\"; max_length 16 }\n\
         site a { id 1\n  zone mgmt { vlan 11; subnet 10.1.11.0/24 }\n  router r1 { platform frr\n    interface eth1 { address 10.1.11.1/24; zone mgmt }\n    ospf { area 0; auth long } } }\n",
    );
    declare_max_length(&mut m, "long", 64);
    let i = interface_index(&m, "r1", "eth1");
    assert_one(
        &m,
        "r1",
        "FRR005",
        &format!("/devices/0/interfaces/{i}/ospf/auth"),
    );
}

/// The lab of the protech example, for values the checker never lets through.
fn protech() -> Model {
    let (_, dir) = infrac_testkit::examples()
        .into_iter()
        .find(|(n, _)| n == "protech")
        .expect("protech");
    infrac_testkit::model_of(&dir)
}

fn device_index(m: &Model, name: &str) -> usize {
    m.devices
        .iter()
        .position(|d| d.name == name)
        .expect("device")
}

#[test]
fn frr006_values_frr_does_not_accept() {
    // The checker keeps these in range; a model from elsewhere (another front end, an edited
    // IR) may not, and FRR would refuse or misread them.
    let mut m = protech();
    let fw1 = device_index(&m, "fw1");
    let mgmt = interface_index(&m, "fw1", "lan.10");
    let link = interface_index(&m, "fw1", "vtnet2");
    {
        let d = &mut m.devices[fw1];
        d.interfaces[mgmt].ospf.as_mut().expect("ospf").area = "backbone".into();
        let o = d.interfaces[link].ospf.as_mut().expect("ospf");
        o.cost = Some(0);
        o.dead_s = Some(70_000);
    }
    let diags = errors(&m, "fw1");
    let mut got: Vec<(String, String)> = diags
        .iter()
        .map(|d| (d.code.clone(), d.ir_path.clone()))
        .collect();
    got.sort();
    let mut want = vec![
        (
            "FRR006".to_string(),
            format!("/devices/{fw1}/interfaces/{mgmt}/ospf/area"),
        ),
        ("FRR006".to_string(), "/links/0/ospf/cost".to_string()),
        ("FRR006".to_string(), "/links/0/ospf/dead_s".to_string()),
    ];
    want.sort();
    assert_eq!(got, want, "{diags:#?}");
    for d in &diags {
        assert_points_into(&m, d);
    }
}

#[test]
fn frr003_trunk_with_ospf() {
    // A trunk carries VLANs; OSPF runs on its VLAN sub-interfaces, never on the trunk itself.
    let mut m = protech();
    let fw1 = device_index(&m, "fw1");
    let lan = interface_index(&m, "fw1", "lan");
    let ospf = m.devices[fw1].interfaces[interface_index(&m, "fw1", "lan.10")]
        .ospf
        .clone();
    m.devices[fw1].interfaces[lan].ospf = ospf;
    let d = assert_one(
        &m,
        "fw1",
        "FRR003",
        &format!("/devices/{fw1}/interfaces/{lan}"),
    );
    assert!(d.message.contains("a trunk"), "{}", d.message);
}

#[test]
fn frr007_unknown_redistribute_source() {
    let mut m = protech();
    let fw1 = device_index(&m, "fw1");
    m.devices[fw1].ospf.as_mut().expect("ospf").redistribute =
        vec!["connected".into(), "bgp".into()];
    assert_one(
        &m,
        "fw1",
        "FRR007",
        &format!("/devices/{fw1}/ospf/redistribute/1"),
    );
}

#[test]
fn frr008_ospf_interfaces_without_a_process() {
    let mut m = protech();
    let fw1 = device_index(&m, "fw1");
    m.devices[fw1].ospf = None;
    assert_one(&m, "fw1", "FRR008", &format!("/devices/{fw1}"));
}

#[test]
fn frr009_name_that_cannot_be_a_hostname() {
    // Names the language accepts are fine; an IR from elsewhere could carry a line break,
    // which would inject configuration.
    let mut m = protech();
    let fw1 = device_index(&m, "fw1");
    m.devices[fw1].name = "fw1\nrouter bgp 1".into();
    assert_one(
        &m,
        "fw1\nrouter bgp 1",
        "FRR009",
        &format!("/devices/{fw1}/name"),
    );
}

#[test]
fn every_documented_code_is_tested_here() {
    let docs = std::fs::read_to_string(infrac_testkit::repo_root().join("docs/backends/frr.md"))
        .expect("docs/backends/frr.md");
    let lib = include_str!("../src/lib.rs");
    let tests = include_str!("codes.rs");
    for n in 1..=10 {
        let code = format!("FRR{n:03}");
        assert!(
            docs.contains(&code),
            "{code} is not in docs/backends/frr.md"
        );
        assert!(lib.contains(&code), "{code} is not in the crate doc");
        assert!(
            tests.contains(&format!("fn {}_", code.to_lowercase())),
            "{code} has no test"
        );
    }
}

#[test]
fn frr010_router_id_of_another_ospf_device() {
    // r1's router id made sw2's derived one (its lowest OSPF address, 10.2.21.1), an IOS routed
    // switch at the other end of the link. The checker refuses that (E0510); FRR010 guards the
    // plugin against an IR from elsewhere, so the model is changed after checking.
    let mut m = model(
        "secret pw { env \"PW\" }\n\
         site a { id 1\n  zone mgmt { vlan 11; subnet 10.1.11.0/24 }\n  router r1 { platform frr\n    router_id 10.9.9.1\n    interface eth1 { address 10.1.11.1/24; zone mgmt }\n    ospf { area 0; passive [eth1] } } }\n\
         site b { id 2\n  zone mgmt { vlan 21; subnet 10.2.21.0/24 }\n  switch sw2 { platform ios; routing true\n    management mgmt 10.2.21.1\n    ssh { user a; password pw }\n    ospf { area 0; passive [mgmt] } } }\n\
         link a-b { side r1 eth0; side sw2 Gi0/1; transit 10.255.0.0/30; ospf { area 0 } }\n",
    );
    let sw2 = m.device("sw2").expect("sw2");
    let id = sw2.ospf.as_ref().expect("OSPF").router_id;
    assert_eq!(id.to_string(), "10.2.21.1");
    let r1 = m.devices.iter_mut().find(|d| d.name == "r1").expect("r1");
    r1.ospf.as_mut().expect("OSPF").router_id = id;
    let d = assert_one(&m, "r1", "FRR010", "/devices/0/ospf/router_id");
    assert!(d.message.contains("`sw2`"), "{}", d.message);
}
