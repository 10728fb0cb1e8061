//! Filter rules (`<filter><rule>`) rendered from the flow matrix.
//!
//! Each flow is cut into *pieces* per side: the part of an endpoint inside one zone, the part
//! outside every zone (an outside prefix), or `internet`. A piece arrives at this firewall on
//! one or more interfaces: its zone's interface, the link behind which its zone lies, or, for
//! the outside, the WAN (the links when the firewall has no WAN). A flow gets a `pass` rule on
//! the interface where its source arrives when its destination lies beyond another interface of
//! this firewall; flows that stay inside one zone, or never cross this firewall, get none.
//!
//! Rules that differ only in destination port are merged into port ranges, and tcp and udp
//! with the same ports into one `tcp/udp` rule; nothing is widened. `internet` is every address
//! outside the model's zones, so it is rendered as `any` after `block` rules for every zone
//! (only traffic the flow matrix does not allow can match those blocks). Each interface ends
//! with an explicit `block` of everything else: OPNsense's own default deny, made visible.

mod order;
mod pieces;
mod place;
mod ports;

use crate::interfaces::Plan;
use crate::net::Net;
use crate::topology::Behind;
use infrac_sdk::{Device, Diagnostic, Model, Origin, PortRange, Protocol};
use pieces::Zones;
use place::Key;
use ports::{Entry, reason_name};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// An address family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// IPv4 (`inet`).
    V4,
    /// IPv6 (`inet6`).
    V6,
}

impl Family {
    pub(crate) fn of(net: &Net) -> Family {
        if net.is_v4() { Family::V4 } else { Family::V6 }
    }

    /// OPNsense's `ipprotocol` value.
    pub fn ipprotocol(self) -> &'static str {
        match self {
            Family::V4 => "inet",
            Family::V6 => "inet6",
        }
    }
}

/// Pass or block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    /// Allow.
    Pass,
    /// Drop silently.
    Block,
}

/// A rule's source or destination.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Addr {
    /// Every address (`<any/>`).
    Any,
    /// A host or network (`<address>`).
    Net(Net),
    /// The firewall itself (`<network>(self)</network>`).
    This,
}

/// Why a rule exists: the infrac element and where it was written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Provenance {
    /// `rule`, `forward`, `load_balancer`…, `ospf`, `default-deny`.
    pub kind: String,
    /// The element's name.
    pub name: String,
    /// Source file.
    pub file: String,
    /// Line.
    pub line: u32,
}

impl Provenance {
    pub(crate) fn new(kind: &str, name: &str, origin: &Origin) -> Provenance {
        Provenance {
            kind: kind.to_string(),
            name: name.to_string(),
            file: origin.file.clone(),
            line: origin.line,
        }
    }
}

impl fmt::Display for Provenance {
    /// `infrac rule admin-ssh (site.infra:12)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "infrac {} {} ({}:{})",
            self.kind, self.name, self.file, self.line
        )
    }
}

/// One `<filter><rule>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterRule {
    /// Pass or block.
    pub action: Action,
    /// Interface identifier (`lan`, `opt2`, `wan`).
    pub interface: String,
    /// Address family; `None` for both (`inet46`).
    pub family: Option<Family>,
    /// OPNsense protocol name (`tcp`, `tcp/udp`, `icmp`…); `None` for any.
    pub protocol: Option<String>,
    /// Source.
    pub source: Addr,
    /// Destination.
    pub destination: Addr,
    /// Destination port range (tcp/udp only).
    pub port: Option<PortRange>,
    /// The infrac elements the rule renders.
    pub provenance: Vec<Provenance>,
}

impl FilterRule {
    /// The `descr`, into `out` (cleared first): every provenance, `; `-separated.
    pub fn descr_into(&self, out: &mut String) {
        use fmt::Write as _;
        out.clear();
        for (i, p) in self.provenance.iter().enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            // Writing into a String cannot fail.
            let _ = write!(out, "{p}");
        }
    }

    /// A stable identity for the rule's UUID (`Display`s as the key).
    pub fn key(&self) -> RuleKey<'_> {
        RuleKey(self)
    }
}

/// The identity of a [`FilterRule`], written as text: what its UUID is derived from.
///
/// The text is `ACTION/INTERFACE/FAMILY/PROTOCOL/SOURCE/DESTINATION/PORT` with each part as
/// Rust's `Debug` once wrote it (`Pass/lan/Some(V4)/Some("tcp")/Any/Net(Net { addr: 10.0.0.0,
/// len: 24 })/Some(PortRange { start: 443, end: 443 })`). It is written here piece by piece,
/// so the UUIDs of deployed rules depend neither on how `Debug` formats nor on its speed (a
/// tenth of rendering a 2,000-rule firewall); a test checks it against `Debug`.
pub struct RuleKey<'a>(&'a FilterRule);

impl fmt::Display for RuleKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.0;
        f.write_str(match r.action {
            Action::Pass => "Pass/",
            Action::Block => "Block/",
        })?;
        f.write_str(&r.interface)?;
        f.write_str(match r.family {
            None => "/None/",
            Some(Family::V4) => "/Some(V4)/",
            Some(Family::V6) => "/Some(V6)/",
        })?;
        match &r.protocol {
            None => f.write_str("None")?,
            // Text `Debug` leaves alone is written as it is; anything else the way it quotes it.
            Some(p)
                if p.bytes()
                    .all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') =>
            {
                f.write_str("Some(\"")?;
                f.write_str(p)?;
                f.write_str("\")")?;
            }
            Some(p) => write!(f, "Some({p:?})")?,
        }
        f.write_str("/")?;
        key_addr(f, &r.source)?;
        f.write_str("/")?;
        key_addr(f, &r.destination)?;
        match r.port {
            None => f.write_str("/None"),
            Some(p) => {
                f.write_str("/Some(PortRange { start: ")?;
                key_number(f, p.start.into())?;
                f.write_str(", end: ")?;
                key_number(f, p.end.into())?;
                f.write_str(" })")
            }
        }
    }
}

/// An [`Addr`] in a [`RuleKey`]: `Any`, `This`, `Net(Net { addr: 10.0.0.0, len: 24 })`.
fn key_addr(f: &mut fmt::Formatter<'_>, a: &Addr) -> fmt::Result {
    match a {
        Addr::Any => f.write_str("Any"),
        Addr::This => f.write_str("This"),
        Addr::Net(n) => {
            f.write_str("Net(Net { addr: ")?;
            match n.addr {
                std::net::IpAddr::V4(v4) => {
                    for (i, octet) in v4.octets().into_iter().enumerate() {
                        if i > 0 {
                            f.write_str(".")?;
                        }
                        key_number(f, octet.into())?;
                    }
                }
                std::net::IpAddr::V6(v6) => write!(f, "{v6}")?,
            }
            f.write_str(", len: ")?;
            key_number(f, n.len.into())?;
            f.write_str(" })")
        }
    }
}

/// A number in decimal, without the formatting machinery.
fn key_number(f: &mut fmt::Formatter<'_>, mut n: u32) -> fmt::Result {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // Only ASCII digits were written.
    f.write_str(std::str::from_utf8(&digits[at..]).map_err(|_| fmt::Error)?)
}

/// What every firewall of a model needs, computed once per model: the zones indexed by subnet,
/// and the flows by the zones they lie in, so a firewall looks only at the flows that can
/// cross it (those touching a zone it has or reaches through a link, and those whose two
/// sides both reach outside every zone), not at every flow of the model.
pub struct Shared<'m> {
    /// How the devices connect.
    pub graph: crate::topology::Graph<'m>,
    zones: Zones,
    /// Flow indices (ascending) by zone key: flows one of whose sides lies wholly inside
    /// zones, under those zones.
    by_zone: HashMap<String, Vec<usize>>,
    /// Flows neither of whose sides lies wholly inside zones (internet, outside prefixes).
    wide: Vec<usize>,
}

impl<'m> Shared<'m> {
    /// The index of `model`.
    pub fn new(model: &'m Model) -> Shared<'m> {
        let zones = Zones::of(model);
        let mut by_zone: HashMap<String, Vec<usize>> = HashMap::new();
        let mut wide = Vec::new();
        for (i, f) in model.flows.iter().enumerate() {
            let (a, b) = (zones.inside_zones(&f.from), zones.inside_zones(&f.to));
            if a.is_none() && b.is_none() {
                wide.push(i);
                continue;
            }
            // A rule needs the firewall to have (or reach) a zone of each inside side: index
            // the flow under them all, a superset that `place` narrows.
            for key in a.into_iter().chain(b).flatten() {
                let list = by_zone.entry(key.to_string()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        Shared {
            graph: crate::topology::Graph::new(model),
            zones,
            by_zone,
            wide,
        }
    }

    /// The flows that may cross a firewall knowing `zones`, in flow order.
    fn flows<'k>(&self, zones: impl Iterator<Item = &'k str>) -> Vec<usize> {
        let mut out = self.wide.clone();
        for z in zones {
            if let Some(list) = self.by_zone.get(z) {
                out.extend_from_slice(list);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The firewall's view: its interfaces and what lies behind its links.
pub struct Firewall<'a> {
    /// The model.
    pub model: &'a Model,
    /// The firewall.
    pub device: &'a Device,
    /// Its interface plan.
    pub plan: &'a Plan,
    /// What lies behind each link interface (by model interface name).
    pub behind: &'a BTreeMap<String, Behind>,
    /// The model's zones and flows, indexed.
    pub shared: &'a Shared<'a>,
}

impl Firewall<'_> {
    /// Renders the filter rules, or the flows OPNsense cannot express.
    pub fn rules(&self) -> Result<Vec<FilterRule>, Vec<Diagnostic>> {
        let zones = &self.shared.zones;
        let mut errors = Vec::new();
        let mut candidates: BTreeMap<Key, BTreeMap<Protocol, Entry>> = BTreeMap::new();
        let known = self
            .plan
            .assigned
            .iter()
            .filter_map(|a| match &a.role {
                crate::interfaces::Role::Zone(z) => Some(z.as_str()),
                _ => None,
            })
            .chain(
                self.behind
                    .values()
                    .flat_map(|b| b.zones.iter().map(String::as_str)),
            );
        for fi in self.shared.flows(known) {
            let Some(flow) = self.model.flows.get(fi) else {
                continue;
            };
            let placed = self.place(zones, flow);
            if placed.is_empty() {
                continue;
            }
            let service = &flow.service;
            if !service.ports.is_empty()
                && !matches!(service.protocol, Protocol::Tcp | Protocol::Udp)
            {
                errors.push(Diagnostic::error(
                    "OPNSENSE001",
                    format!("/flows/{fi}"),
                    format!(
                        "flow `{} -> {} {}` names ports on {}: OPNsense honours ports only with tcp, udp or tcp/udp",
                        flow.from.name, flow.to.name, service, service.protocol.name()
                    ),
                ));
                continue;
            }
            let prov = Provenance::new(
                reason_name(flow.provenance.reason),
                &flow.provenance.name,
                &flow.provenance.origin,
            );
            for key in placed {
                let entry = candidates
                    .entry(key)
                    .or_default()
                    .entry(service.protocol)
                    .or_default();
                entry.add(&service.ports, &prov);
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(self.assemble(zones, candidates))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key as it was first written, with `Debug`: the UUIDs of deployed rules come from it.
    fn debug_key(r: &FilterRule) -> String {
        format!(
            "{:?}/{}/{:?}/{:?}/{:?}/{:?}/{:?}",
            r.action, r.interface, r.family, r.protocol, r.source, r.destination, r.port
        )
    }

    #[test]
    fn the_rule_key_is_the_debug_text() {
        let net = |s: &str, len| Addr::Net(Net::host(s.parse().expect("an address"), len));
        let addrs = [
            Addr::Any,
            Addr::This,
            net("10.0.0.0", 24),
            net("192.168.255.7", 32),
            net("0.0.0.0", 0),
            net("2001:db8::", 64),
            net("fe80::1:2", 128),
        ];
        let protocols = [
            None,
            Some("tcp".to_string()),
            Some("tcp/udp".to_string()),
            Some("weird \"one\" \\ é\u{1}".to_string()),
        ];
        let ports = [
            None,
            Some(PortRange { start: 0, end: 0 }),
            Some(PortRange {
                start: 443,
                end: 65535,
            }),
        ];
        let mut seen = 0;
        for action in [Action::Pass, Action::Block] {
            for family in [None, Some(Family::V4), Some(Family::V6)] {
                for protocol in &protocols {
                    for (source, destination) in addrs.iter().zip(addrs.iter().rev()) {
                        for port in ports {
                            let rule = FilterRule {
                                action,
                                interface: "opt12".to_string(),
                                family,
                                protocol: protocol.clone(),
                                source: source.clone(),
                                destination: destination.clone(),
                                port,
                                provenance: Vec::new(),
                            };
                            assert_eq!(rule.key().to_string(), debug_key(&rule));
                            seen += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(seen, 2 * 3 * 4 * 7 * 3);
    }
}
