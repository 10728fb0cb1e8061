//! The SOA serial comes from the zone's content: the same model gives the same serial on
//! every render, and a changed record changes the serial of exactly the zones it is in.

use infrac_plugin_dns::Dns;
use infrac_sdk::{Backend, Model, Target};
use std::collections::BTreeMap;

const MODEL: &str = r#"
project lab { domain "lab.example" }
site s1 {
  id 1
  zone mgmt { vlan 10; subnet 10.9.10.0/24; purpose management }
  zone web { vlan 20; subnet 10.9.20.0/24 }
  host ns1 { address mgmt 10.9.10.53 }
  host web1 { address web 10.9.20.11 }
  host web2 { address web 10.9.20.12 }
}
dns { servers [ns1]; ttl 1h; record www -> web1 }
"#;

/// Serial of every zone file, by path.
fn serials(model: &Model) -> BTreeMap<String, u32> {
    Dns::compile(model, &Target::whole("dns"))
        .expect("compiles")
        .into_iter()
        .filter(|f| f.path != "dns/named.conf.local")
        .map(|f| {
            let text = String::from_utf8(f.contents).unwrap();
            let serial = text
                .lines()
                .find(|l| l.contains("; serial"))
                .and_then(|l| l.split_whitespace().next())
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("no serial in {}", f.path));
            (f.path, serial)
        })
        .collect()
}

#[test]
fn the_serial_is_stable_across_renders() {
    let first = serials(&infrac_testkit::model_from_str(MODEL));
    let second = serials(&infrac_testkit::model_from_str(MODEL));
    assert_eq!(first.len(), 3, "{first:?}");
    assert_eq!(first, second);
}

#[test]
fn a_changed_record_changes_the_serial_of_its_zones_only() {
    let before = serials(&infrac_testkit::model_from_str(MODEL));
    let after = serials(&infrac_testkit::model_from_str(
        &MODEL.replace("10.9.20.12 }", "10.9.20.13 }"),
    ));
    let changed: Vec<&String> = before
        .keys()
        .filter(|path| before.get(*path) != after.get(*path))
        .collect();
    assert_eq!(changed, ["dns/db.10.9.20", "dns/db.lab.example"]);
    assert_eq!(before["dns/db.10.9.10"], after["dns/db.10.9.10"]);
}

#[test]
fn the_ttl_changes_every_serial() {
    let before = serials(&infrac_testkit::model_from_str(MODEL));
    let after = serials(&infrac_testkit::model_from_str(
        &MODEL.replace("ttl 1h", "ttl 2h"),
    ));
    for (path, serial) in &before {
        assert_ne!(Some(serial), after.get(path), "{path}");
    }
}
