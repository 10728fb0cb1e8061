//! Reads every generated configuration back with ciscoconfparse2 (`tests/readback.py`) and
//! compares what it means with what the model says, computed here from the model alone.

mod common;

use infrac_sdk::{Device, DeviceKind, InterfaceKind, Model};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::process::Command;

/// The full IOS name of the interface names the examples and test models use.
fn full_name(written: &str) -> String {
    for (short, full) in [
        ("GigabitEthernet", "GigabitEthernet"),
        ("Gi", "GigabitEthernet"),
        ("TenGigabitEthernet", "TenGigabitEthernet"),
        ("Te", "TenGigabitEthernet"),
        ("FastEthernet", "FastEthernet"),
        ("Fa", "FastEthernet"),
        ("Vlan", "Vlan"),
    ] {
        if let Some(rest) = written.strip_prefix(short)
            && rest.starts_with(|c: char| c.is_ascii_digit())
        {
            return format!("{full}{rest}");
        }
    }
    panic!("the test does not know interface name `{written}`; teach `full_name`")
}

/// OSPF areas are written in decimal.
fn area(dotted: &str) -> u32 {
    u32::from(dotted.parse::<Ipv4Addr>().expect("dotted area"))
}

/// What the readback must say about `d`, from the model.
fn expected(model: &Model, d: &Device) -> BTreeMap<&'static str, Value> {
    let switch = d.kind == DeviceKind::Switch;
    let site = model.site(&d.site).expect("site");
    let mut e = BTreeMap::new();
    e.insert("hostname", json!(d.name));
    e.insert("domain_name", json!(model.project.domain));
    e.insert("domain_lookup", json!(false));
    e.insert("password_encryption", json!(true));
    e.insert("ip_routing", json!(switch && d.routing));
    e.insert("vtp_transparent", json!(switch));
    let ssh = d.ssh.as_ref().expect("every IOS device has a local user");
    e.insert(
        "users",
        json!([{ "name": ssh.user, "privilege": 15, "kind": "secret" }]),
    );
    let mut vlans = BTreeMap::new();
    if switch {
        for i in &d.interfaces {
            // VLAN 1 always exists and cannot be renamed: it is not in the file.
            for v in i.vlan.iter().chain(&i.vlans).filter(|v| **v != 1) {
                let zone = site.zones.iter().find(|z| z.vlan == *v).expect("zone");
                vlans.insert(v.to_string(), json!(zone.name));
            }
        }
    }
    e.insert("vlans", json!(vlans));
    let own: Vec<IpAddr> = d
        .interfaces
        .iter()
        .filter_map(|i| i.address.map(|a| a.addr()))
        .collect();
    let mut routes: Vec<String> = Vec::new();
    let mut gateway = Value::Null;
    match (d.kind, &d.management) {
        (DeviceKind::Switch, Some(m)) if !d.routing => gateway = json!(m.gateway.to_string()),
        (DeviceKind::Switch, Some(m)) if !own.contains(&m.gateway) => {
            routes.push(m.gateway.to_string())
        }
        _ => {}
    }
    if d.kind == DeviceKind::Router {
        routes.extend(
            d.interfaces
                .iter()
                .filter_map(|i| i.gateway.map(|g| g.to_string())),
        );
    }
    routes.sort();
    e.insert("default_gateway", gateway);
    e.insert("default_routes", json!(routes));
    e.insert("http_server", json!(false));
    e.insert("https_server", json!(false));
    e.insert("ssh_version", json!(2));
    e.insert(
        "logging_hosts",
        json!(
            model
                .project
                .syslog
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
        ),
    );
    e.insert(
        "ntp_servers",
        json!(
            model
                .project
                .ntp
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
        ),
    );
    e.insert(
        "banner",
        match model.project.banner.as_deref() {
            Some(b) if !b.is_empty() => json!(b),
            _ => Value::Null,
        },
    );
    e.insert(
        "lines",
        json!([
            { "line": "con 0", "login_local": true, "transport_input": null },
            { "line": "vty 0 4", "login_local": true, "transport_input": ["ssh"] },
            { "line": "vty 5 15", "login_local": true, "transport_input": ["ssh"] },
        ]),
    );
    e.insert("telnet", json!(false));
    e.insert("ends", json!(true));
    e.insert(
        "ospf",
        match &d.ospf {
            None => Value::Null,
            Some(o) => {
                let mut passive: Vec<String> = d
                    .interfaces
                    .iter()
                    .filter(|i| i.ospf.as_ref().is_some_and(|o| o.passive))
                    .map(ios_name)
                    .collect();
                passive.sort();
                json!({
                    "process": 1,
                    "router_id": o.router_id.to_string(),
                    "passive": passive,
                    "redistribute": o.redistribute,
                })
            }
        },
    );
    e
}

fn ios_name(i: &infrac_sdk::Interface) -> String {
    match (i.kind, i.vlan) {
        (InterfaceKind::Vlan, Some(v)) => format!("{}.{v}", full_name(&i.port)),
        _ => full_name(&i.port),
    }
}

/// Checks one device's readback; returns the problems found.
fn compare(model: &Model, d: &Device, got: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, want) in expected(model, d) {
        if got[key] != want {
            problems.push(format!("{key}: expected {want}, read back {}", got[key]));
        }
    }
    let switch = d.kind == DeviceKind::Switch;
    let routing = d.routing || d.kind == DeviceKind::Router;
    let interfaces = got["interfaces"].as_object().cloned().unwrap_or_default();
    let acls = got["acls"].as_object().cloned().unwrap_or_default();
    let mut applied = Vec::new();
    if interfaces.len() != d.interfaces.len() {
        problems.push(format!(
            "{} interfaces read back, the model has {}",
            interfaces.len(),
            d.interfaces.len()
        ));
    }
    for i in &d.interfaces {
        let name = ios_name(i);
        let Some(r) = interfaces.get(&name) else {
            problems.push(format!("interface {name} is missing"));
            continue;
        };
        let mut want: BTreeMap<&str, Value> = BTreeMap::new();
        match i.kind {
            InterfaceKind::Access => {
                want.insert("mode", json!("access"));
                want.insert("access_vlan", json!(i.vlan));
                want.insert("portfast", json!(true));
            }
            InterfaceKind::Trunk if switch => {
                want.insert("mode", json!("trunk"));
                want.insert("allowed_vlans", json!(i.vlans));
                want.insert("native_vlan", json!(i.native_vlan.unwrap_or(1)));
                let peer = i.peer.as_deref().unwrap_or_default();
                if i.description.is_none()
                    && !r["description"].as_str().unwrap_or_default().contains(peer)
                {
                    problems.push(format!("{name}: the description does not name {peer}"));
                }
            }
            InterfaceKind::Trunk => {
                want.insert("mode", json!("none"));
                want.insert("address", Value::Null);
            }
            InterfaceKind::Svi
            | InterfaceKind::Vlan
            | InterfaceKind::Physical
            | InterfaceKind::Link => {
                want.insert("mode", json!("routed"));
                want.insert("address", json!(i.address.map(|a| a.to_string())));
                want.insert("shutdown", json!(false));
                if i.kind == InterfaceKind::Vlan {
                    want.insert("dot1q", json!(i.vlan));
                }
                match &i.ospf {
                    Some(o) => {
                        want.insert(
                            "ospf",
                            json!({
                                "area": area(&o.area),
                                "cost": o.cost,
                                "hello": o.hello_s,
                                "dead": o.dead_s,
                                "point_to_point": o.point_to_point,
                                "md5_key": o.auth.as_ref().map(|a| a.placeholder.clone()),
                            }),
                        );
                    }
                    None => {
                        want.insert("ospf", Value::Null);
                    }
                }
            }
        }
        if let Some(text) = &i.description {
            want.insert("description", json!(text));
        }
        for (key, value) in want {
            if r[key] != value {
                problems.push(format!(
                    "{name}.{key}: expected {value}, read back {}",
                    r[key]
                ));
            }
        }
        let routed = i.address.is_some_and(|a| a.addr().is_ipv4())
            && matches!(
                i.kind,
                InterfaceKind::Svi
                    | InterfaceKind::Vlan
                    | InterfaceKind::Physical
                    | InterfaceKind::Link
            );
        match (routing && routed, r["acl_in"].as_str()) {
            (true, Some(acl)) => {
                applied.push(acl.to_string());
                match acls.get(acl).and_then(Value::as_array) {
                    Some(lines) if lines.last() == Some(&json!("deny ip any any")) => {}
                    Some(_) => problems.push(format!("{name}: {acl} does not end with a deny")),
                    None => problems.push(format!("{name}: {acl} is applied but not defined")),
                }
            }
            (true, None) => problems.push(format!("{name} routes but has no inbound ACL")),
            (false, Some(acl)) => problems.push(format!("{name} does not route but has {acl}")),
            (false, None) => {}
        }
    }
    applied.sort();
    let mut defined: Vec<String> = acls.keys().cloned().collect();
    defined.sort();
    if applied != defined {
        problems.push(format!("ACLs applied {applied:?} but defined {defined:?}"));
    }
    problems
}

#[test]
fn every_config_reads_back_as_the_model_says() {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/readback.py");
    let dir = infrac_testkit::tempdir();
    let mut jobs = Vec::new();
    for (n, (name, model)) in common::all_models().into_iter().enumerate() {
        for f in common::render(&model) {
            // One file per model and device: two models may share a site and device name
            // (`east/sw3` is in both three-sites and net-ring).
            let path = dir.path().join(format!("{n}-{}", f.path.replace('/', "_")));
            std::fs::write(&path, &f.contents).expect("write");
            let device = f
                .path
                .rsplit('/')
                .next()
                .and_then(|n| n.strip_suffix(".cfg"))
                .expect("ios/SITE/DEVICE.cfg")
                .to_string();
            jobs.push((name.clone(), model.clone(), device, path));
        }
    }
    assert!(
        jobs.len() >= 5,
        "expected configurations from examples and test models"
    );
    let out = infrac_testkit::run(
        Command::new(infrac_testkit::tool("python3"))
            .arg(&script)
            .args(jobs.iter().map(|(_, _, _, p)| p)),
    );
    assert!(
        out.status.success(),
        "readback.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: Value = serde_json::from_slice(&out.stdout).expect("readback.py prints JSON");
    let mut problems = Vec::new();
    for (name, model, device, path) in &jobs {
        let got = &all[path.to_string_lossy().as_ref()];
        let d = model.device(device).expect("device");
        for p in compare(model, d, got) {
            problems.push(format!("{name}/{device}: {p}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
