//! Every OPNSENSE diagnostic fires, at an IR path that exists in the model (the host maps it
//! back to the source line). Models start from `.infra` text; where the language itself
//! refuses the mistake, the checked model is altered the way a hand-built IR could be.

use infrac_plugin_opnsense::Opnsense;
use infrac_sdk::{Backend, Diagnostic, Model, PortRange, PortSpec, Protocol, Target};

const SITE: &str = r#"
project acme { domain "acme.test" }

site paris {
  id 1
  zone mgmt { vlan 10; subnet 192.168.10.0/24 }
  zone apps { vlan 12; subnet 192.168.12.0/24 }
  firewall fw1 {
    platform opnsense
    interface wan { port vtnet0; address 203.0.113.10/28; gateway 203.0.113.1 }
    trunk lan { port vtnet1; vlans [mgmt, apps] }
    ospf { area 0; passive [mgmt, apps] }
    forward https -> app1
  }
  host admin1 { address mgmt 192.168.10.10 }
  host app1 { address apps 192.168.12.11 }
}

allow paris.mgmt -> paris.apps ssh
"#;

fn model() -> Model {
    infrac_testkit::model_from_str(SITE)
}

fn fw1(model: &Model) -> usize {
    model
        .devices
        .iter()
        .position(|d| d.name == "fw1")
        .expect("fw1")
}

fn compile(model: &Model, unit: &str) -> Result<Vec<infrac_sdk::File>, Vec<Diagnostic>> {
    Opnsense::compile(model, &Target::unit("opnsense", unit))
}

/// Asserts that compiling `unit` fails with `code` at `path`, and that `path` exists in the IR.
fn assert_fires(model: &Model, unit: &str, code: &str, path: &str) -> Diagnostic {
    let errors = compile(model, unit).expect_err("the model must not compile");
    let found = errors
        .iter()
        .find(|d| d.code == code)
        .unwrap_or_else(|| panic!("no {code} in {errors:#?}"));
    assert_eq!(found.ir_path, path, "{found:#?}");
    assert_eq!(found.severity, infrac_sdk::Severity::Error);
    // Diagnostics name a flow as `/flows/N`: literal in IR 0.1, which writes each flow whole
    // (the host maps it to `/flows/matrix/N` of the current IR).
    let legacy = model
        .to_ir_json(infrac_sdk::LEGACY_IR_VERSION, true)
        .expect("IR 0.1");
    let ir: serde_json::Value = serde_json::from_str(&legacy).expect("IR");
    assert!(
        path.is_empty() || ir.pointer(path).is_some(),
        "{path} does not exist in the IR"
    );
    found.clone()
}

#[test]
fn the_base_model_compiles() {
    let files = compile(&model(), "fw1").expect("compiles");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, "opnsense/paris/fw1/config.xml");
}

#[test]
fn opnsense001_ports_on_a_protocol_without_ports_in_opnsense() {
    let mut m = model();
    let i = m
        .flows
        .iter()
        .position(|f| f.provenance.name.contains("mgmt"))
        .expect("the ssh flow");
    m.flows[i].service = PortSpec {
        protocol: Protocol::Sctp,
        ports: vec![PortRange { start: 22, end: 22 }],
    }
    .into();
    let d = assert_fires(&m, "fw1", "OPNSENSE001", &format!("/flows/{i}"));
    assert!(d.message.contains("sctp"), "{}", d.message);
    // Without ports, sctp is expressible.
    std::sync::Arc::make_mut(&mut m.flows[i].service)
        .ports
        .clear();
    compile(&m, "fw1").expect("sctp without ports compiles");
}

#[test]
fn opnsense002_a_unit_that_is_not_an_opnsense_firewall() {
    let mut m = model();
    assert_fires(&m, "nosuch", "OPNSENSE002", "");
    let i = fw1(&m);
    m.devices[i].platform = infrac_sdk::Platform::Frr;
    assert_fires(&m, "fw1", "OPNSENSE002", &format!("/devices/{i}/platform"));
    assert!(Opnsense::units(&m, "opnsense").is_empty());
}

#[test]
fn opnsense003_an_invalid_hostname() {
    let mut m = model();
    let i = fw1(&m);
    m.devices[i].name = "fw_1".to_string();
    assert_fires(&m, "fw_1", "OPNSENSE003", &format!("/devices/{i}/name"));
}

#[test]
fn opnsense004_one_vlan_tag_on_two_ports() {
    let mut m = model();
    let i = fw1(&m);
    let k = m.devices[i]
        .interfaces
        .iter()
        .position(|x| x.vlan == Some(12))
        .expect("the apps VLAN interface");
    m.devices[i].interfaces[k].vlan = Some(10);
    m.devices[i].interfaces[k].port = "vtnet3".to_string();
    let d = assert_fires(
        &m,
        "fw1",
        "OPNSENSE004",
        &format!("/devices/{i}/interfaces/{k}"),
    );
    assert!(d.message.contains("vlan0.10"), "{}", d.message);
}

#[test]
fn opnsense005_a_port_forward_opnsense_cannot_express() {
    let mut m = model();
    let i = fw1(&m);
    m.devices[i].forwards[0].ports = PortSpec {
        protocol: Protocol::Gre,
        ports: vec![],
    };
    assert_fires(
        &m,
        "fw1",
        "OPNSENSE005",
        &format!("/devices/{i}/forwards/0"),
    );
    m.devices[i].forwards[0].ports = PortSpec {
        protocol: Protocol::Tcp,
        ports: vec![],
    };
    assert_fires(
        &m,
        "fw1",
        "OPNSENSE005",
        &format!("/devices/{i}/forwards/0"),
    );
    m.devices[i].forwards[0].ports.ports = vec![PortRange {
        start: 443,
        end: 443,
    }];
    m.devices[i].forwards[0].target_address = "2001:db8::11".parse().expect("address");
    assert_fires(
        &m,
        "fw1",
        "OPNSENSE005",
        &format!("/devices/{i}/forwards/0"),
    );
}

#[test]
fn opnsense006_ospf_on_an_ipv6_interface() {
    let mut m = model();
    let i = fw1(&m);
    let k = m.devices[i]
        .interfaces
        .iter()
        .position(|x| x.vlan == Some(12))
        .expect("the apps VLAN interface");
    m.devices[i].interfaces[k].address = Some("2001:db8:12::1/64".parse().expect("prefix"));
    assert_fires(
        &m,
        "fw1",
        "OPNSENSE006",
        &format!("/devices/{i}/interfaces/{k}/ospf"),
    );
}

#[test]
fn opnsense007_a_redistribution_os_frr_does_not_offer() {
    let mut m = model();
    let i = fw1(&m);
    m.devices[i].ospf.as_mut().expect("ospf").redistribute =
        vec!["connected".to_string(), "isis".to_string()];
    assert_fires(
        &m,
        "fw1",
        "OPNSENSE007",
        &format!("/devices/{i}/ospf/redistribute/1"),
    );
}

const PAIR: &str = r#"
project acme { domain "acme.test" }
secret carp-pass { env "ACME_CARP" }

site paris {
  id 1
  zone mgmt { vlan 10; subnet 192.168.10.0/24 }
  zone apps { vlan 12; subnet 192.168.12.0/24 }
  firewall fw1 {
    platform opnsense
    interface wan { port vtnet0; address 203.0.113.10/28; gateway 203.0.113.1 }
    trunk lan { port vtnet1; vlans [mgmt, apps] }
    address mgmt 192.168.10.2
    address apps 192.168.12.2
    carp { peer fw2; password carp-pass; skew 0 }
  }
  firewall fw2 {
    platform opnsense
    interface wan { port vtnet0; address 203.0.113.11/28; gateway 203.0.113.1 }
    trunk lan { port vtnet1; vlans [mgmt, apps] }
    address mgmt 192.168.10.3
    address apps 192.168.12.3
    carp { peer fw1; password carp-pass; skew 100 }
  }
}
"#;

#[test]
fn opnsense008_a_carp_vip_opnsense_cannot_hold() {
    let pair = infrac_testkit::model_from_str(PAIR);
    let i = fw1(&pair);
    compile(&pair, "fw1").expect("the pair compiles");
    let path = format!("/devices/{i}/carp/vips/1");
    for bad in [
        "192.168.13.1/24",
        "192.168.12.0/24",
        "192.168.12.255/24",
        "192.168.12.1/25",
    ] {
        let mut m = pair.clone();
        let vip = &mut m.devices[i].carp.as_mut().expect("carp").vips[1];
        vip.address = bad.parse().expect("prefix");
        let d = assert_fires(&m, "fw1", "OPNSENSE008", &path);
        assert!(d.message.contains("host address"), "{bad}: {}", d.message);
    }
    let mut m = pair.clone();
    let carp = m.devices[i].carp.as_mut().expect("carp");
    carp.vips[1].vhid = carp.vips[0].vhid;
    carp.vips[1].interface = carp.vips[0].interface.clone();
    carp.vips[1].address = "192.168.10.5/24".parse().expect("prefix");
    assert_fires(&m, "fw1", "OPNSENSE008", &path);
    let mut m = pair.clone();
    m.devices[i].carp.as_mut().expect("carp").skew = 255;
    assert_fires(&m, "fw1", "OPNSENSE008", &format!("/devices/{i}/carp/skew"));
}

#[test]
fn opnsense009_an_interface_without_an_address() {
    let mut m = model();
    let i = fw1(&m);
    let k = m.devices[i]
        .interfaces
        .iter()
        .position(|x| x.vlan == Some(10))
        .expect("the mgmt VLAN interface");
    m.devices[i].interfaces[k].address = None;
    assert_fires(
        &m,
        "fw1",
        "OPNSENSE009",
        &format!("/devices/{i}/interfaces/{k}"),
    );
}

#[test]
fn opnsense010_a_port_forward_off_its_interface() {
    let mut m = model();
    let i = fw1(&m);
    m.devices[i].forwards[0].interface = "dmz".to_string();
    assert_fires(
        &m,
        "fw1",
        "OPNSENSE010",
        &format!("/devices/{i}/forwards/0"),
    );
    let mut m = model();
    m.devices[i].forwards[0].external = "198.51.100.10".parse().expect("address");
    assert_fires(
        &m,
        "fw1",
        "OPNSENSE010",
        &format!("/devices/{i}/forwards/0"),
    );
}

#[test]
fn every_code_is_documented_and_tested() {
    let lib = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/lib.rs"))
        .expect("lib.rs");
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/backends/opnsense.md"
    ))
    .expect("docs/backends/opnsense.md");
    let this = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/codes.rs"))
        .expect("codes.rs");
    let mut codes = std::collections::BTreeSet::new();
    for dir in ["src", "src/filter"] {
        for entry in
            std::fs::read_dir(format!("{}/{dir}", env!("CARGO_MANIFEST_DIR"))).expect("src")
        {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("source");
                for (at, _) in text.match_indices("\"OPNSENSE") {
                    codes.insert(text[at + 1..at + 12].to_string());
                }
            }
        }
    }
    assert_eq!(codes.len(), 10, "{codes:?}");
    for code in &codes {
        assert!(
            lib.contains(&format!("`{code}`")),
            "{code} is not in the crate doc"
        );
        assert!(
            docs.contains(code),
            "{code} is not in docs/backends/opnsense.md"
        );
        assert!(
            this.contains(&format!("fn {}", code.to_lowercase())),
            "{code} has no test here"
        );
    }
}
