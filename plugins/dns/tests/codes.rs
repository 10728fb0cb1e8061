//! Every DNS diagnostic code fires, at the most specific IR element; and a model without DNS
//! servers renders nothing.

use infrac_plugin_dns::Dns;
use infrac_sdk::{Backend, Diagnostic, Model, Severity, Target};

const BASE: &str = r#"
project lab { domain "lab.example" }
site s1 {
  id 1
  zone mgmt { vlan 10; subnet 10.9.10.0/24; purpose management }
  zone web { vlan 20; subnet 10.9.20.0/24 }
  host ns1 { address mgmt 10.9.10.53 }
  host web1 { address web 10.9.20.11 }
  host lb1 { address web 10.9.20.10 }
}
service app { image "app:1"; port 8080; on [web1] }
loadbalancer www { name "www.lab.example"; on [lb1]; vip 10.9.20.100; backend app {} }
dns { servers [ns1]; ttl 1h }
"#;

fn errors(model: &Model) -> Vec<Diagnostic> {
    errors_with(model, Target::whole("dns"))
}

fn errors_with(model: &Model, target: Target) -> Vec<Diagnostic> {
    let diags = Dns::compile(model, &target).expect_err("the model cannot be rendered");
    assert!(diags.iter().all(|d| d.severity == Severity::Error));
    diags
}

fn codes_and_paths(diags: &[Diagnostic]) -> Vec<(&str, &str)> {
    diags
        .iter()
        .map(|d| (d.code.as_str(), d.ir_path.as_str()))
        .collect()
}

#[test]
fn the_base_model_renders() {
    let model = infrac_testkit::model_from_str(BASE);
    let files = Dns::compile(&model, &Target::whole("dns")).expect("renders");
    assert_eq!(
        files.len(),
        4,
        "forward, two reverse zones, named.conf.local"
    );
}

#[test]
fn dns001_a_host_name_that_is_not_a_host_name() {
    let model = infrac_testkit::model_from_str(
        &BASE
            .replace("host web1", "host web_1")
            .replace("on [web1]", "on [web_1]"),
    );
    let index = model.hosts.iter().position(|h| h.name == "web_1").unwrap();
    let diags = errors(&model);
    assert_eq!(
        codes_and_paths(&diags),
        [("DNS001", format!("/hosts/{index}").as_str())]
    );
    assert!(
        diags[0].message.contains("`web_1.lab.example`"),
        "{}",
        diags[0].message
    );
}

#[test]
fn dns001_an_explicit_record_and_a_long_public_name_all_reported() {
    let long = "x".repeat(64);
    let model = infrac_testkit::model_from_str(
        &BASE
            .replace("ttl 1h }", "ttl 1h; record my_www -> www }")
            .replace("www.lab.example", &format!("{long}.lab.example")),
    );
    let record = model
        .dns
        .records
        .iter()
        .position(|r| r.name == "my_www")
        .unwrap();
    let diags = errors(&model);
    let mut got = codes_and_paths(&diags);
    got.sort();
    let record_path = format!("/dns/records/{record}");
    assert_eq!(
        got,
        [
            ("DNS001", record_path.as_str()),
            ("DNS001", "/load_balancers/0")
        ]
    );
}

#[test]
fn dns002_an_invalid_project_domain() {
    let model = infrac_testkit::model_from_str(&BASE.replace("lab.example", "lab example"));
    assert_eq!(
        codes_and_paths(&errors(&model)),
        [("DNS002", "/project/domain")]
    );
    let model = infrac_testkit::model_from_str(&BASE.replace("\"lab.example\"", "\"lab.123\""));
    assert_eq!(
        codes_and_paths(&errors(&model)),
        [("DNS002", "/project/domain")]
    );
}

#[test]
fn dns003_a_public_name_outside_the_domain() {
    let model = infrac_testkit::model_from_str(&BASE.replace("www.lab.example", "www.other.org"));
    let diags = errors(&model);
    assert_eq!(codes_and_paths(&diags), [("DNS003", "/load_balancers/0")]);
    assert!(diags[0].message.contains("www.other.org"));
    // A public name in the domain written in other case is in the zone.
    let model = infrac_testkit::model_from_str(&BASE.replace("www.lab.example", "WWW.LAB.EXAMPLE"));
    assert!(Dns::compile(&model, &Target::whole("dns")).is_ok());
}

#[test]
fn dns004_a_server_without_an_address_record() {
    let mut model = infrac_testkit::model_from_str(BASE);
    model.dns.records.retain(|r| r.name != "ns1");
    assert_eq!(
        codes_and_paths(&errors(&model)),
        [("DNS004", "/dns/servers/0")]
    );
}

#[test]
fn dns005_a_ttl_out_of_range() {
    for ttl in [0, 1 << 31] {
        let mut model = infrac_testkit::model_from_str(BASE);
        model.dns.ttl_s = ttl;
        assert_eq!(codes_and_paths(&errors(&model)), [("DNS005", "/dns/ttl_s")]);
    }
}

#[test]
fn dns006_a_unit_other_than_the_whole_model() {
    let model = infrac_testkit::model_from_str(BASE);
    assert_eq!(Dns::units(&model, "dns"), [""]);
    let diags = errors_with(&model, Target::unit("dns", "ns1"));
    assert_eq!(codes_and_paths(&diags), [("DNS006", "")]);
}

#[test]
fn dns007_a_zone_directory_that_named_conf_cannot_hold() {
    let model = infrac_testkit::model_from_str(BASE);
    for bad in ["etc/bind", "/etc/bind\";include \"/x", "/etc/bi\nnd"] {
        let mut target = Target::whole("dns");
        target.options = vec![("zone_directory".to_string(), bad.to_string())];
        assert_eq!(
            codes_and_paths(&errors_with(&model, target)),
            [("DNS007", "")]
        );
    }
    let mut target = Target::whole("dns");
    target.options = vec![("zone_directory".to_string(), "/var/lib/bind/".to_string())];
    let files = Dns::compile(&model, &target).expect("renders");
    let conf = files
        .iter()
        .find(|f| f.path == "dns/named.conf.local")
        .unwrap();
    let conf = String::from_utf8(conf.contents.clone()).unwrap();
    assert!(
        conf.contains("file \"/var/lib/bind/db.lab.example\";"),
        "{conf}"
    );
}

#[test]
fn no_dns_server_renders_nothing() {
    // examples/foobar/stages/single: a record for a DNS service outside the model.
    let model = infrac_testkit::model_from_str(&BASE.replace(
        "dns { servers [ns1]; ttl 1h }",
        "dns { ttl 1h; record shop -> web1 }",
    ));
    assert!(!model.dns.records.is_empty());
    assert!(Dns::units(&model, "dns").is_empty());
    assert_eq!(Dns::compile(&model, &Target::whole("dns")), Ok(Vec::new()));
}
