//! Every NFT diagnostic code fires at its IR path; and the documented decisions hold: SSH from
//! outside the management zones is rendered as written, VRRP between HA members is accepted,
//! a flow that can match nothing on a host says so.

use infrac_plugin_nftables::Nftables;
use infrac_sdk::{Backend, Model, PortRange, Protocol, Target};

const MODEL: &str = r#"
project lab { domain "lab.example" }
site s1 {
  id 1
  zone mgmt { vlan 10; subnet 10.9.10.0/24; purpose management }
  zone web { vlan 20; subnet 10.9.20.0/24 }
  host admin { address mgmt 10.9.10.10 }
  host lb1 { address web 10.9.20.11 }
  host lb2 { address web 10.9.20.12 }
  host ci { address web 10.9.20.30 }
}
ha www { vip 10.9.20.100; member lb1 { priority 150 }; member lb2 { priority 100 }; vrid 7 }
allow s1.mgmt -> * ssh { why "administration" }
allow ci -> lb1 ssh { why "deployments" }
"#;

fn render(model: &Model, host: &str) -> String {
    let files = Nftables::compile(model, &Target::unit("nftables", host)).expect("renders");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, format!("nftables/s1/{host}/nftables.conf"));
    String::from_utf8(files[0].contents.clone()).unwrap()
}

/// The index of the first flow to `host` (by name) with `port`.
fn flow_to(model: &Model, to: &str, port: u16) -> usize {
    model
        .flows
        .iter()
        .position(|f| f.to.name == to && f.service.ports.iter().any(|r| r.start == port))
        .unwrap()
}

#[test]
fn nft001_a_unit_that_is_not_a_host() {
    let model = infrac_testkit::model_from_str(MODEL);
    assert_eq!(
        Nftables::units(&model, "nftables"),
        ["admin", "ci", "lb1", "lb2"]
    );
    let diags = Nftables::compile(&model, &Target::unit("nftables", "sw1")).unwrap_err();
    assert_eq!(diags.len(), 1);
    assert_eq!(
        (diags[0].code.as_str(), diags[0].ir_path.as_str()),
        ("NFT001", "")
    );
}

#[test]
fn nft002_a_service_nft_cannot_match_exactly() {
    for (protocol, start, end) in [(Protocol::Icmp, 1, 1), (Protocol::Tcp, 90, 80)] {
        let mut model = infrac_testkit::model_from_str(MODEL);
        let index = flow_to(&model, "lb1", 22);
        let service = std::sync::Arc::make_mut(&mut model.flows[index].service);
        service.protocol = protocol;
        service.ports = vec![PortRange { start, end }];
        let diags = Nftables::compile(&model, &Target::unit("nftables", "lb1")).unwrap_err();
        let got: Vec<(&str, &str)> = diags
            .iter()
            .map(|d| (d.code.as_str(), d.ir_path.as_str()))
            .collect();
        assert_eq!(
            got,
            [("NFT002", format!("/flows/{index}/service").as_str())]
        );
        // A host the flow does not reach is unaffected.
        assert!(Nftables::compile(&model, &Target::unit("nftables", "admin")).is_ok());
    }
}

#[test]
fn ssh_from_outside_management_is_rendered_as_written() {
    let model = infrac_testkit::model_from_str(MODEL);
    let text = render(&model, "lb1");
    assert!(text.contains(
        "ip saddr 10.9.20.30 ip daddr 10.9.20.11 tcp dport 22 accept comment \"rule ci-to-lb1 (site.infra:14)\""
    ), "{text}");
    assert!(
        text.contains(
            "ip saddr 10.9.10.0/24 ip daddr { 10.9.20.11, 10.9.20.100 } tcp dport 22 accept"
        ),
        "{text}"
    );
    // Not to lb2, which the rule does not name.
    assert!(!render(&model, "lb2").contains("10.9.20.30"));
}

#[test]
fn vrrp_between_ha_members_by_protocol_number() {
    let model = infrac_testkit::model_from_str(MODEL);
    let lb2 = render(&model, "lb2");
    assert!(
        lb2.contains("ip saddr 10.9.20.11 ip daddr 10.9.20.12 meta l4proto 112 accept comment \"ha www (site.infra:12)\""),
        "{lb2}"
    );
    assert!(lb2.contains("#   10.9.20.100: VIP of ha www"), "{lb2}");
    // admin is no member: no VRRP, only what reaches it.
    assert!(!render(&model, "admin").contains("l4proto 112"));
}

#[test]
fn a_flow_that_can_match_nothing_says_so() {
    let mut model = infrac_testkit::model_from_str(MODEL);
    let index = flow_to(&model, "lb1", 22);
    // Sources only in the other family than the host's addresses (the front end refuses such a
    // rule, E0605; the IR could still carry one).
    std::sync::Arc::make_mut(&mut model.flows[index].from).prefixes =
        vec!["fd00::/64".parse().unwrap()];
    let text = render(&model, "lb1");
    assert!(
        text.contains("# rule ci-to-lb1 (site.infra:14): no source in the family of this host's addresses it reaches; allows nothing here"),
        "{text}"
    );
    assert!(!text.contains("tcp dport 22 accept comment \"rule ci-to-lb1"));
}

#[test]
fn nft003_ssh_from_outside_management_is_rendered_and_warned() {
    let model = infrac_testkit::model_from_str(MODEL);
    let (files, warnings) =
        Nftables::compile_with_warnings(&model, &Target::unit("nftables", "lb1")).expect("renders");
    assert_eq!(files.len(), 1);
    let index = model
        .flows
        .iter()
        .position(|f| f.provenance.name == "deployments" || f.from.name == "ci")
        .unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].code, "NFT003");
    assert_eq!(warnings[0].severity, infrac_sdk::Severity::Warning);
    assert_eq!(warnings[0].ir_path, format!("/flows/{index}"));
    // SSH from the management zone alone warns nothing.
    let (_, warnings) =
        Nftables::compile_with_warnings(&model, &Target::unit("nftables", "lb2")).expect("renders");
    assert!(warnings.is_empty(), "{warnings:#?}");
}
