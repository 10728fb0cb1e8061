//! Cross-reference checks of a config.xml, with roxmltree: what the RELAX NG schema cannot
//! say. Each problem is one line; an empty list means the file passes.

use roxmltree::{Document, Node};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(name))
}

fn text<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(n, name).and_then(|c| c.text()).map(str::trim)
}

fn path<'a, 'i>(n: Node<'a, 'i>, names: &[&str]) -> Option<Node<'a, 'i>> {
    names.iter().try_fold(n, |n, name| child(n, name))
}

fn elements<'a, 'i>(n: Option<Node<'a, 'i>>, name: &'a str) -> impl Iterator<Item = Node<'a, 'i>> {
    n.into_iter()
        .flat_map(|n| n.children())
        .filter(move |c| c.has_tag_name(name))
}

/// An interface of `<interfaces>`: identifier → (device, address, prefix length).
pub struct Iface {
    pub device: String,
    pub address: Option<(IpAddr, u8)>,
}

/// The assigned interfaces of a document.
pub fn interfaces(doc: &Document) -> BTreeMap<String, Iface> {
    let root = doc.root_element();
    let mut out = BTreeMap::new();
    for i in child(root, "interfaces")
        .into_iter()
        .flat_map(|n| n.children())
        .filter(|n| n.is_element())
    {
        let address = text(i, "ipaddr")
            .zip(text(i, "subnet"))
            .or(text(i, "ipaddrv6").zip(text(i, "subnetv6")))
            .and_then(|(a, s)| Some((a.parse().ok()?, s.parse().ok()?)));
        out.insert(
            i.tag_name().name().to_string(),
            Iface {
                device: text(i, "if").unwrap_or_default().to_string(),
                address,
            },
        );
    }
    out
}

fn bits(a: IpAddr) -> (u128, u32) {
    match a {
        IpAddr::V4(v) => (u128::from(u32::from(v)), 32),
        IpAddr::V6(v) => (u128::from(v), 128),
    }
}

/// Network and last address of `addr/len` as integers.
pub fn range(addr: IpAddr, len: u8) -> (u128, u128, u32) {
    let (v, max) = bits(addr);
    let host = max - u32::from(len.min(max as u8));
    let mask: u128 = if host >= 128 {
        0
    } else {
        !((1u128 << host) - 1)
    };
    let net = v & mask;
    let last = if host >= 128 {
        u128::MAX
    } else {
        net | ((1u128 << host) - 1)
    };
    (net, last, max)
}

/// Whether `a` is in `net/len`.
pub fn contains(net: IpAddr, len: u8, a: IpAddr) -> bool {
    let (lo, hi, max) = range(net, len);
    let (v, amax) = bits(a);
    max == amax && lo <= v && v <= hi
}

fn descr_names_origin(descr: &str) -> bool {
    // `infrac KIND NAME (FILE:LINE)`, `; `-separated; a NAT rule adds ` to TARGET`.
    !descr.is_empty()
        && descr.split("; ").all(|part| {
            let Some(rest) = part.strip_prefix("infrac ") else {
                return false;
            };
            let mut words = rest.splitn(3, ' ');
            let (Some(kind), Some(name), Some(tail)) = (words.next(), words.next(), words.next())
            else {
                return false;
            };
            let Some(inner) = tail
                .strip_prefix('(')
                .and_then(|t| t.split_once(')'))
                .map(|(i, _)| i)
            else {
                return false;
            };
            let Some((file, line)) = inner.rsplit_once(':') else {
                return false;
            };
            !kind.is_empty()
                && !name.is_empty()
                && !file.is_empty()
                && line.parse::<u32>().is_ok_and(|l| l > 0)
        })
}

fn port_ok(port: &str) -> bool {
    let parse = |p: &str| p.parse::<u32>().ok().filter(|p| (1..=65535).contains(p));
    match port.split_once('-') {
        Some((a, b)) => matches!((parse(a), parse(b)), (Some(a), Some(b)) if a <= b),
        None => parse(port).is_some(),
    }
}

/// Every cross-reference problem of the document `xml`.
pub fn check(xml: &str) -> Vec<String> {
    let doc = match Document::parse(xml) {
        Ok(d) => d,
        Err(e) => return vec![format!("not well-formed: {e}")],
    };
    let root = doc.root_element();
    let mut problems = Vec::new();
    let ifaces = interfaces(&doc);
    let known = |name: &str, what: String, problems: &mut Vec<String>| {
        if !ifaces.contains_key(name) {
            problems.push(format!(
                "{what} names interface `{name}`, which <interfaces> does not define"
            ));
        }
    };

    // Interface descriptions are unique (OPNsense names interfaces by them).
    let mut descrs = BTreeSet::new();
    for i in child(root, "interfaces")
        .into_iter()
        .flat_map(|n| n.children())
        .filter(|n| n.is_element())
    {
        let d = text(i, "descr").unwrap_or_default().to_lowercase();
        if !descrs.insert(d.clone()) {
            problems.push(format!("interface description {d} is used twice"));
        }
    }

    // UUIDs are unique.
    let mut uuids = BTreeSet::new();
    for n in root.descendants().filter(|n| n.is_element()) {
        if let Some(u) = n.attribute("uuid")
            && !uuids.insert(u.to_string())
        {
            problems.push(format!("uuid {u} is used twice"));
        }
    }

    // VLAN devices: defined once, (if, tag) unique, named vlan0.TAG, used ones defined.
    let vlans = child(root, "vlans");
    let mut pairs = BTreeSet::new();
    let mut vlanifs = BTreeSet::new();
    for v in elements(vlans, "vlan") {
        let parent = text(v, "if").unwrap_or_default();
        let tag = text(v, "tag").unwrap_or_default();
        let vlanif = text(v, "vlanif").unwrap_or_default();
        if !pairs.insert((parent.to_string(), tag.to_string())) {
            problems.push(format!("VLAN ({parent}, {tag}) is defined twice"));
        }
        if !vlanifs.insert(vlanif.to_string()) {
            problems.push(format!("VLAN device {vlanif} is defined twice"));
        }
        if vlanif != format!("vlan0.{tag}") {
            problems.push(format!(
                "VLAN device {vlanif} does not carry tag {tag} (expected vlan0.{tag})"
            ));
        }
    }
    for (name, i) in &ifaces {
        if i.device.starts_with("vlan") && !vlanifs.contains(&i.device) {
            problems.push(format!(
                "interface {name} runs on {}, which <vlans> does not define",
                i.device
            ));
        }
    }

    // Filter rules.
    for (k, r) in elements(child(root, "filter"), "rule").enumerate() {
        let what = format!("filter rule {}", k + 1);
        known(
            text(r, "interface").unwrap_or_default(),
            what.clone(),
            &mut problems,
        );
        let protocol = text(r, "protocol").unwrap_or("any");
        for side in ["source", "destination"] {
            if let Some(port) = child(r, side).and_then(|s| text(s, "port")) {
                if !matches!(protocol, "tcp" | "udp" | "tcp/udp") {
                    problems.push(format!("{what}: a {side} port with protocol {protocol}"));
                }
                if !port_ok(port) {
                    problems.push(format!(
                        "{what}: {side} port {port} is not 1–65535 (or a rising range)"
                    ));
                }
            }
            if let Some(net) = child(r, side).and_then(|s| text(s, "network"))
                && net != "(self)"
                && !ifaces.contains_key(net.trim_end_matches("ip"))
            {
                problems.push(format!("{what}: {side} network {net} names no interface"));
            }
        }
        if !descr_names_origin(text(r, "descr").unwrap_or_default()) {
            problems.push(format!(
                "{what}: descr does not name an infrac element and its file:line"
            ));
        }
    }

    // Port forwards.
    for (k, r) in elements(child(root, "nat"), "rule").enumerate() {
        let what = format!("NAT rule {}", k + 1);
        let iface = text(r, "interface").unwrap_or_default();
        known(iface, what.clone(), &mut problems);
        let protocol = text(r, "protocol").unwrap_or("any");
        let ports = [
            child(r, "destination").and_then(|d| text(d, "port")),
            text(r, "local-port"),
        ];
        for port in ports.into_iter().flatten() {
            if !matches!(protocol, "tcp" | "udp" | "tcp/udp") {
                problems.push(format!("{what}: a port with protocol {protocol}"));
            }
            if !port_ok(port) {
                problems.push(format!("{what}: port {port} is not 1–65535"));
            }
        }
        if let (Some(dst), Some(i)) = (
            child(r, "destination")
                .and_then(|d| text(d, "network"))
                .and_then(|a| a.parse::<IpAddr>().ok()),
            ifaces.get(iface),
        ) && !i.address.is_some_and(|(a, l)| contains(a, l, dst))
        {
            problems.push(format!(
                "{what}: external address {dst} is not on interface {iface}"
            ));
        }
        if !descr_names_origin(
            text(r, "descr")
                .unwrap_or_default()
                .split(" to ")
                .next()
                .unwrap_or_default(),
        ) {
            problems.push(format!(
                "{what}: descr does not name an infrac element and its file:line"
            ));
        }
    }

    // CARP VIPs.
    let mut vhids = BTreeSet::new();
    for (k, v) in elements(child(root, "virtualip"), "vip").enumerate() {
        let what = format!("VIP {}", k + 1);
        let iface = text(v, "interface").unwrap_or_default();
        known(iface, what.clone(), &mut problems);
        let vhid = text(v, "vhid").unwrap_or_default();
        if text(v, "mode") == Some("carp") {
            if !vhids.insert((iface.to_string(), vhid.to_string())) {
                problems.push(format!("{what}: vhid {vhid} is used twice on {iface}"));
            }
            if text(v, "password").is_none_or(str::is_empty) {
                problems.push(format!("{what}: a CARP VIP without a password"));
            }
        }
        let address = text(v, "subnet").and_then(|a| a.parse::<IpAddr>().ok());
        let bits = text(v, "subnet_bits").and_then(|b| b.parse::<u8>().ok());
        match (address, bits, ifaces.get(iface).and_then(|i| i.address)) {
            (Some(a), Some(b), Some((ia, il))) => {
                let (lo, hi, max) = range(ia, il);
                let (av, _) = bits_of(a);
                if b != il || !contains(ia, il, a) {
                    problems.push(format!("{what}: {a}/{b} is not inside {iface}'s subnet"));
                } else if max == 32 && il < 31 && (av == lo || av == hi) {
                    problems.push(format!(
                        "{what}: {a} is the network or broadcast address of {iface}"
                    ));
                }
            }
            _ => problems.push(format!("{what}: no address, or its interface has none")),
        }
    }

    // Gateways: an interface's gateway exists, on that interface; one default.
    let opn = child(root, "OPNsense");
    let gateways: BTreeMap<String, String> =
        elements(opn.and_then(|o| child(o, "Gateways")), "gateway_item")
            .map(|g| {
                (
                    text(g, "name").unwrap_or_default().to_string(),
                    text(g, "interface").unwrap_or_default().to_string(),
                )
            })
            .collect();
    for g in elements(opn.and_then(|o| child(o, "Gateways")), "gateway_item") {
        known(
            text(g, "interface").unwrap_or_default(),
            "gateway".to_string(),
            &mut problems,
        );
    }
    for family in ["inet", "inet6"] {
        let defaults = elements(opn.and_then(|o| child(o, "Gateways")), "gateway_item")
            .filter(|g| {
                text(*g, "defaultgw") == Some("1") && text(*g, "ipprotocol") == Some(family)
            })
            .count();
        if defaults > 1 {
            problems.push(format!("{defaults} default gateways for {family}"));
        }
    }
    for i in child(root, "interfaces")
        .into_iter()
        .flat_map(|n| n.children())
        .filter(|n| n.is_element())
    {
        for field in ["gateway", "gatewayv6"] {
            if let Some(gw) = text(i, field) {
                let name = i.tag_name().name();
                match gateways.get(gw) {
                    None => problems.push(format!(
                        "interface {name} names gateway {gw}, which is not defined"
                    )),
                    Some(on) if on != name => {
                        problems.push(format!("gateway {gw} is on {on}, not {name}"))
                    }
                    _ => {}
                }
            }
        }
    }

    // OSPF: interfaces exist, areas referenced by UUID exist.
    let ospf = opn.and_then(|o| path(o, &["quagga", "ospf"]));
    let areas: BTreeSet<String> = elements(ospf.and_then(|o| child(o, "areas")), "area")
        .filter_map(|a| a.attribute("uuid").map(str::to_string))
        .collect();
    for (k, i) in elements(ospf.and_then(|o| child(o, "interfaces")), "interface").enumerate() {
        let what = format!("OSPF interface {}", k + 1);
        known(
            text(i, "interfacename").unwrap_or_default(),
            what.clone(),
            &mut problems,
        );
        if !areas.contains(text(i, "area").unwrap_or_default()) {
            problems.push(format!("{what}: its area is not an area record"));
        }
        if text(i, "authtype").is_some() && text(i, "authkey").is_none_or(str::is_empty) {
            problems.push(format!("{what}: authentication without a key"));
        }
    }
    if ospf.is_some_and(|o| {
        elements(Some(o), "networks")
            .next()
            .is_some_and(|n| n.children().any(|c| c.is_element()))
    }) {
        problems.push("OSPF mixes networks with per-interface areas".to_string());
    }
    problems
}

fn bits_of(a: IpAddr) -> (u128, u32) {
    bits(a)
}
