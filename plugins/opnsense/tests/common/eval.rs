//! Evaluates a packet against a rendered config.xml the way OPNsense's pf ruleset does for
//! interface rules: port forwards (rdr) first, then the interface's rules in order, first match
//! wins (interface rules are `quick`), anything unmatched blocked (the default deny).

use super::verify::{contains, interfaces};
use roxmltree::{Document, Node};
use std::net::IpAddr;

/// A packet arriving on an interface.
#[derive(Clone, Debug)]
pub struct Packet {
    /// Interface identifier it arrives on (`wan`, `lan`, `opt1`).
    pub iface: String,
    /// `tcp`, `udp`, `icmp`, `ospf`…
    pub proto: String,
    /// Source address.
    pub src: IpAddr,
    /// Destination address.
    pub dst: IpAddr,
    /// Destination port (tcp/udp).
    pub port: Option<u16>,
}

impl Packet {
    /// A tcp packet.
    pub fn tcp(iface: &str, src: &str, dst: &str, port: u16) -> Packet {
        Packet::new(iface, "tcp", src, dst, Some(port))
    }

    /// Any packet.
    pub fn new(iface: &str, proto: &str, src: &str, dst: &str, port: Option<u16>) -> Packet {
        Packet {
            iface: iface.to_string(),
            proto: proto.to_string(),
            src: src.parse().expect("source address"),
            dst: dst.parse().expect("destination address"),
            port,
        }
    }
}

/// The verdict and the rule that decided it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Passed by the rule with this descr.
    Pass(String),
    /// Blocked by the rule with this descr, or by the implicit default deny.
    Block(String),
}

impl Verdict {
    /// Whether the packet passes.
    pub fn passes(&self) -> bool {
        matches!(self, Verdict::Pass(_))
    }
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.has_tag_name(name))
}

fn text<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(n, name).and_then(|c| c.text()).map(str::trim)
}

fn net_contains(spec: &str, a: IpAddr) -> bool {
    match spec.split_once('/') {
        Some((n, l)) => match (n.parse::<IpAddr>(), l.parse::<u8>()) {
            (Ok(n), Ok(l)) => contains(n, l, a),
            _ => false,
        },
        None => spec.parse::<IpAddr>().is_ok_and(|n| n == a),
    }
}

fn port_matches(spec: &str, port: Option<u16>) -> bool {
    let Some(p) = port else {
        return false;
    };
    match spec.split_once('-') {
        Some((a, b)) => {
            matches!((a.parse::<u16>(), b.parse::<u16>()), (Ok(a), Ok(b)) if a <= p && p <= b)
        }
        None => spec.parse::<u16>().is_ok_and(|s| s == p),
    }
}

/// Whether side `node` (`<source>`/`<destination>`) matches address `a` (and `port`).
fn side_matches(doc: &Document, node: Option<Node>, a: IpAddr, port: Option<u16>) -> bool {
    let Some(node) = node else {
        return true;
    };
    let addr_ok = if child(node, "any").is_some() {
        true
    } else if let Some(spec) = text(node, "address") {
        net_contains(spec, a)
    } else if let Some(net) = text(node, "network") {
        let ifaces = interfaces(doc);
        if net == "(self)" {
            ifaces
                .values()
                .any(|i| i.address.is_some_and(|(ia, _)| ia == a))
        } else if let Some(name) = net.strip_suffix("ip") {
            ifaces
                .get(name)
                .is_some_and(|i| i.address.is_some_and(|(ia, _)| ia == a))
        } else {
            ifaces
                .get(net)
                .is_some_and(|i| i.address.is_some_and(|(ia, l)| contains(ia, l, a)))
        }
    } else {
        false
    };
    let addr_ok = addr_ok != child(node, "not").is_some();
    let port_ok = text(node, "port").is_none_or(|spec| port_matches(spec, port));
    addr_ok && port_ok
}

fn protocol_matches(rule: Option<&str>, proto: &str) -> bool {
    match rule {
        None | Some("any") => true,
        Some("tcp/udp") => proto == "tcp" || proto == "udp",
        Some(p) => p == proto,
    }
}

/// Applies the port forwards of the packet's interface (destination NAT).
pub fn translate(xml: &str, p: &Packet) -> Packet {
    let doc = Document::parse(xml).expect("well-formed");
    let nat = child(doc.root_element(), "nat");
    for r in nat
        .into_iter()
        .flat_map(|n| n.children())
        .filter(|n| n.has_tag_name("rule"))
    {
        if text(r, "interface") != Some(p.iface.as_str())
            || !protocol_matches(text(r, "protocol"), &p.proto)
        {
            continue;
        }
        let dst = child(r, "destination");
        let to_us = dst
            .and_then(|d| text(d, "network"))
            .is_some_and(|n| net_contains(n, p.dst));
        let port_spec = dst.and_then(|d| text(d, "port"));
        if !to_us || !port_spec.is_some_and(|s| port_matches(s, p.port)) {
            continue;
        }
        let start: u16 = port_spec
            .and_then(|s| s.split('-').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let local: u16 = text(r, "local-port")
            .and_then(|s| s.parse().ok())
            .unwrap_or(start);
        let mut out = p.clone();
        out.dst = text(r, "target")
            .and_then(|t| t.parse().ok())
            .expect("a NAT target");
        out.port = p.port.map(|port| local + (port - start));
        return out;
    }
    p.clone()
}

/// The filter verdict for `p` (after no translation).
pub fn filter(xml: &str, p: &Packet) -> Verdict {
    let doc = Document::parse(xml).expect("well-formed");
    let filter = child(doc.root_element(), "filter");
    for r in filter
        .into_iter()
        .flat_map(|n| n.children())
        .filter(|n| n.has_tag_name("rule"))
    {
        if text(r, "interface") != Some(p.iface.as_str()) {
            continue;
        }
        let family_ok = match text(r, "ipprotocol") {
            Some("inet") => p.src.is_ipv4(),
            Some("inet6") => p.src.is_ipv6(),
            _ => true,
        };
        if !family_ok || !protocol_matches(text(r, "protocol"), &p.proto) {
            continue;
        }
        if !side_matches(&doc, child(r, "source"), p.src, None)
            || !side_matches(&doc, child(r, "destination"), p.dst, p.port)
        {
            continue;
        }
        let descr = text(r, "descr").unwrap_or_default().to_string();
        return match text(r, "type") {
            Some("pass") => Verdict::Pass(descr),
            _ => Verdict::Block(descr),
        };
    }
    Verdict::Block("implicit default deny".to_string())
}

/// Port forwards, then the filter.
pub fn verdict(xml: &str, p: &Packet) -> Verdict {
    filter(xml, &translate(xml, p))
}
