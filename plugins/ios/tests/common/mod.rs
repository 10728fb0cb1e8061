//! Test models shared by the ios backend's tests, and helpers to render them.

#![allow(dead_code)] // each test file uses its own part

use infrac_plugin_ios::Ios;
use infrac_sdk::{Backend, File, Model, Target};

/// A layer-3 IOS switch routing four zones, with an OSPF uplink to an FRR router, a second site
/// reached through it, the internet both ways, an outside prefix, NTP and syslog.
pub const ROUTED_SWITCH: &str = r#"
project lab {
  domain "lab.example"
  ntp [10.1.10.5]
  syslog [10.1.10.6, 10.2.10.6]
  banner "Lab core ^ switch\nNo entry #1: authorised staff only"
}
secret sw-pass { env "LAB_SW_PASSWORD" }

site core {
  id 1
  zone mgmt { vlan 10; subnet 10.1.10.0/24; purpose management }
  zone users { vlan 20; subnet 10.1.20.0/24; purpose users }
  zone servers { vlan 30; subnet 10.1.30.0/24; purpose applications }
  zone uplink { vlan 90; subnet 10.1.90.0/29; purpose transit }

  router edge1 {
    platform frr
    interface eth1 { address 10.1.90.1/29; zone uplink }
    ospf { area 0 }
  }

  switch l3 {
    platform ios
    routing true
    management mgmt 10.1.10.1
    address users 10.1.20.1
    address servers 10.1.30.1
    address uplink 10.1.90.2
    trunk Gi0/0 { to edge1.eth1; vlans [uplink]; native 90 }
    access Gi0/1 users { host pc1 }
    access Gi0/2 servers { host web1 }
    access Gi0/3 servers { host dns1 }
    access Gi1/0 mgmt { host adm1; description "admin \"console\" VM" }
    ssh { user admin; password sw-pass }
    ospf { area 0; passive [mgmt, users, servers] }
  }

  host pc1 { address users 10.1.20.10; monitor false }
  host web1 { address servers 10.1.30.10; monitor false }
  host dns1 { address servers 10.1.30.53; monitor false }
  host adm1 { address mgmt 10.1.10.10; monitor false }
}

site remote {
  id 2
  zone lan { vlan 10; subnet 10.2.10.0/24 }
  host rhost { address lan 10.2.10.10; monitor false }
}

allow core.mgmt -> * ssh { why "administration" }
allow core.users -> web1 https http { why "the intranet" }
allow core.users -> dns1 dns { why "name lookups" }
allow core.users -> internet https { why "browsing" }
allow internet -> web1 https { why "published" }
allow remote.lan -> web1 tcp/8000-8080 { why "the remote site's API calls" }
allow core.servers -> remote.lan icmp { why "reachability checks" }
allow 203.0.113.0/24 -> web1 ssh { why "a partner's support desk" }
allow rhost -> core.servers any { why "backup agent" }
allow core.servers -> rhost any { why "backup agent, the other way" }
"#;

/// An IOS router: a WAN uplink with a default route, a router-on-a-stick trunk with two
/// sub-interfaces, and an OSPF link with MD5 to an FRR router of a second site.
pub const ROUTER: &str = r#"
project rt { domain "rt.example"; banner "Router lab" }
secret rt-pass { env "RT_PASS" }
secret ospf-key { env "RT_OSPF_KEY"; max_length 16 }

site a {
  id 1
  zone lan { vlan 10; subnet 10.10.10.0/24 }
  zone voice { vlan 11; subnet 10.10.11.0/24 }
  router ra {
    platform ios
    interface Gi0/1 { address 198.51.100.2/30; gateway 198.51.100.1 }
    trunk Gi0/0 { vlans [lan, voice]; native 10 }
    ssh { user ops; password rt-pass }
    ospf { area 0; passive [lan, voice] }
  }
  host h1 { address lan 10.10.10.10; monitor false }
  host p1 { address voice 10.10.11.10; monitor false }
}

site b {
  id 2
  zone lan { vlan 20; subnet 10.20.10.0/24 }
  router rb { platform frr; interface eth1 { address 10.20.10.1/24; zone lan }; ospf { area 0 } }
}

link a-b {
  side ra Gi0/2
  side rb eth0
  transit 10.255.0.0/30
  ospf { area 0; cost 10; hello 1s; dead 4s; auth ospf-key }
}

allow a.lan -> b.lan ssh
allow b.lan -> a.voice udp/5060
allow a.lan -> internet https
"#;

/// A zone name of 32 characters, the longest IOS VLAN name.
pub const LONG_ZONE: &str = "zone-name-exactly-32-characters1";

/// A layer-2 switch trunking 40 zones with scattered VLAN ids (the allowed list continues on
/// `add` lines), VLAN 1 as a zone (IOS cannot rename it), a native VLAN that is no zone, and a
/// zone name of exactly 32 characters, IOS's longest.
pub fn wide_trunk() -> String {
    let mut zones = String::from("  zone default { vlan 1; subnet 10.200.0.0/24 }\n");
    let mut names = vec!["default".to_string()];
    for k in 0..40u16 {
        let vlan = 100 + 3 * k + u16::from(k % 7 == 0);
        zones.push_str(&format!(
            "  zone z{k} {{ vlan {vlan}; subnet 10.100.{k}.0/24 }}\n"
        ));
        names.push(format!("z{k}"));
    }
    zones.push_str(&format!(
        "  zone {LONG_ZONE} {{ vlan 2000; subnet 10.201.0.0/24 }}\n"
    ));
    names.push(LONG_ZONE.to_string());
    format!(
        r#"
project wide {{ domain "wide.example"; ntp [10.200.0.5]; syslog [10.200.0.6] }}
secret pw {{ env "WIDE_PW" }}
site w {{
  id 1
{zones}  switch acc1 {{
    platform iosvl2
    management default 10.200.0.2
    trunk Te1/0/1 {{ vlans [{list}]; native 4000; description "uplink to the core" }}
    access Gi1/0/1 z3 {{ description "printer" }}
    access Gi1/0/2 {LONG_ZONE}
    ssh {{ user ops; password pw }}
  }}
}}
"#,
        list = names.join(", ")
    )
}

/// The test models by name.
pub fn test_models() -> Vec<(&'static str, Model)> {
    vec![
        (
            "routed-switch",
            infrac_testkit::model_from_str(ROUTED_SWITCH),
        ),
        ("router", infrac_testkit::model_from_str(ROUTER)),
        ("wide-trunk", infrac_testkit::model_from_str(&wide_trunk())),
    ]
}

/// Every model the tests read back: the corpus (the examples and the repository's test models,
/// minus those expected to be refused with an IOS code), then this crate's test models.
pub fn all_models() -> Vec<(String, Model)> {
    let mut out: Vec<(String, Model)> = infrac_testkit::corpus("IOS")
        .into_iter()
        .map(|(name, dir)| (name, infrac_testkit::model_of(&dir)))
        .collect();
    out.extend(test_models().into_iter().map(|(n, m)| (n.to_string(), m)));
    out
}

/// Renders every unit of a model.
pub fn render(model: &Model) -> Vec<File> {
    infrac_testkit::render::<Ios>(model, "ios")
}

/// The configuration text of one device.
pub fn config_of(model: &Model, device: &str) -> String {
    let files = Ios::compile(model, &Target::unit("ios", device)).expect("compiles");
    String::from_utf8(files[0].contents.clone()).expect("utf-8")
}

/// The lines of one access list (`ip access-list extended NAME` block), without indentation.
pub fn acl_lines(config: &str, name: &str) -> Vec<String> {
    let header = format!("ip access-list extended {name}");
    config
        .lines()
        .skip_while(|l| *l != header)
        .skip(1)
        .take_while(|l| l.starts_with(' '))
        .map(|l| l.trim().to_string())
        .collect()
}

/// The diagnostics of compiling one device (panics when it compiles).
pub fn errors_of(model: &Model, device: &str) -> Vec<infrac_sdk::Diagnostic> {
    match Ios::compile(model, &Target::unit("ios", device)) {
        Ok(_) => panic!("`{device}` compiled, but errors were expected"),
        Err(d) => d,
    }
}
