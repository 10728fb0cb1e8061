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

use crate::interfaces::{Plan, Role};
use crate::net::Net;
use crate::topology::Behind;
use infrac_sdk::{
    Device, Diagnostic, Endpoint, EndpointKind, Flow, FlowReason, Model, Origin, PortRange,
    Protocol,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// An address family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// IPv4 (`inet`).
    V4,
    /// IPv6 (`inet6`).
    V6,
}

impl Family {
    fn of(net: &Net) -> Family {
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
    fn new(kind: &str, name: &str, origin: &Origin) -> Provenance {
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
    /// The `descr`: every provenance, `; `-separated.
    pub fn descr(&self) -> String {
        self.provenance
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A stable identity for the rule's UUID.
    pub fn key(&self) -> String {
        format!(
            "{:?}/{}/{:?}/{:?}/{:?}/{:?}/{:?}",
            self.action,
            self.interface,
            self.family,
            self.protocol,
            self.source,
            self.destination,
            self.port
        )
    }
}

/// The part of a flow endpoint that arrives at one place.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    /// Addresses inside one zone.
    Zone { key: String, net: Net },
    /// Addresses of a prefix that reaches outside every zone (written as the whole prefix).
    Outside(Net),
    /// Everything outside the model's zones.
    Internet,
}

impl Piece {
    fn net(&self) -> Option<Net> {
        match self {
            Piece::Zone { net, .. } | Piece::Outside(net) => Some(*net),
            Piece::Internet => None,
        }
    }
}

/// Every zone of the model: key and subnet.
pub struct Zones(Vec<(String, Net)>);

impl Zones {
    /// The zones of `model`.
    pub fn of(model: &Model) -> Zones {
        Zones(
            model
                .sites
                .iter()
                .flat_map(|s| &s.zones)
                .map(|z| (z.key.clone(), net!(z.subnet)))
                .collect(),
        )
    }

    fn pieces(&self, endpoint: &Endpoint) -> Vec<Piece> {
        if endpoint.kind == EndpointKind::Internet {
            return vec![Piece::Internet];
        }
        let mut out = Vec::new();
        for p in &endpoint.prefixes {
            let p = net!(p);
            if let Some((key, _)) = self.0.iter().find(|(_, z)| z.contains(&p)) {
                out.push(Piece::Zone {
                    key: key.clone(),
                    net: p,
                });
                continue;
            }
            let mut covered: u128 = 0;
            for (key, z) in self.0.iter().filter(|(_, z)| p.contains(z)) {
                covered = covered.saturating_add(z.size().unwrap_or(u128::MAX));
                out.push(Piece::Zone {
                    key: key.clone(),
                    net: *z,
                });
            }
            if p.size().is_none_or(|size| covered < size) {
                out.push(Piece::Outside(p));
            }
        }
        out
    }
}

/// What a candidate rule's internet side is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// Both sides are addresses.
    Concrete,
    /// The source is the internet.
    InternetSource,
    /// The destination is the internet.
    InternetDestination,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    interface: usize,
    kind: Kind,
    family: Family,
    source: Addr,
    destination: Addr,
}

#[derive(Default)]
struct Entry {
    /// Every port (a flow without ports).
    all_ports: bool,
    /// Port ranges of the flows with ports.
    ports: Vec<PortRange>,
    provenance: BTreeSet<Provenance>,
}

impl Entry {
    /// `None` for every port, else the merged ranges.
    fn ranges(&self) -> Option<Vec<PortRange>> {
        (!self.all_ports).then(|| merge_ranges(self.ports.clone()))
    }
}

/// A rule to be: protocol name, ports (`None`: every port), provenance.
type Merged = (
    Option<&'static str>,
    Option<Vec<PortRange>>,
    BTreeSet<Provenance>,
);

/// Merges overlapping and adjacent ranges.
fn merge_ranges(mut ranges: Vec<PortRange>) -> Vec<PortRange> {
    ranges.sort();
    let mut out: Vec<PortRange> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if u32::from(r.start) <= u32::from(last.end) + 1 => {
                last.end = last.end.max(r.end);
            }
            _ => out.push(r),
        }
    }
    out
}

/// OPNsense's name for a protocol (FreeBSD `/etc/protocols`): VRRP is `carp` (112).
fn protocol_name(protocol: Protocol, family: Family) -> Option<&'static str> {
    Some(match (protocol, family) {
        (Protocol::Any, _) => return None,
        (Protocol::Tcp, _) => "tcp",
        (Protocol::Udp, _) => "udp",
        (Protocol::Sctp, _) => "sctp",
        (Protocol::Icmp, Family::V4) => "icmp",
        (Protocol::Icmp, Family::V6) => "ipv6-icmp",
        (Protocol::Vrrp, _) => "carp",
        (Protocol::Ospf, _) => "ospf",
        (Protocol::Esp, _) => "esp",
        (Protocol::Gre, _) => "gre",
    })
}

fn reason_name(reason: FlowReason) -> &'static str {
    match reason {
        FlowReason::Rule => "rule",
        FlowReason::LoadBalancer => "load_balancer",
        FlowReason::Ha => "ha",
        FlowReason::Replication => "replication",
        FlowReason::Monitoring => "monitoring",
        FlowReason::Dns => "dns",
        FlowReason::Forward => "forward",
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
}

impl Firewall<'_> {
    /// Indexes (into `plan.assigned`) where addresses of zone `key` arrive.
    fn zone_entries(&self, key: &str) -> Vec<usize> {
        if let Some(i) = self
            .plan
            .assigned
            .iter()
            .position(|a| matches!(&a.role, Role::Zone(z) if z == key))
        {
            return vec![i];
        }
        self.link_entries(|b| b.zones.contains(key))
    }

    fn link_entries(&self, wanted: impl Fn(&Behind) -> bool) -> Vec<usize> {
        self.plan
            .assigned
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a.role, Role::Link(_)))
            .filter(|(_, a)| self.behind.get(&a.model_name).is_some_and(&wanted))
            .map(|(i, _)| i)
            .collect()
    }

    /// Where addresses outside every zone arrive: the WAN, or the links without one.
    fn outside_entries(&self) -> Vec<usize> {
        let wans: Vec<usize> = self
            .plan
            .assigned
            .iter()
            .enumerate()
            .filter(|(_, a)| a.role == Role::Wan)
            .map(|(i, _)| i)
            .collect();
        if wans.is_empty() {
            self.link_entries(|_| true)
        } else {
            wans
        }
    }

    /// Where the internet side of `flow` arrives: a port forward's traffic only on the
    /// forward's interface (or, for another device's forward, on the link towards it).
    fn internet_entries(&self, flow: &Flow) -> Vec<usize> {
        if flow.provenance.reason != FlowReason::Forward {
            return self.outside_entries();
        }
        if flow.provenance.name == self.device.name {
            let mut out: Vec<usize> = self
                .device
                .forwards
                .iter()
                .filter(|f| f.origin == flow.provenance.origin)
                .filter_map(|f| {
                    self.plan
                        .assigned
                        .iter()
                        .position(|a| a.model_name == f.interface)
                })
                .collect();
            out.sort();
            out.dedup();
            out
        } else {
            self.link_entries(|b| b.devices.contains(&flow.provenance.name))
        }
    }

    fn entries(&self, piece: &Piece, flow: &Flow) -> Vec<usize> {
        match piece {
            Piece::Zone { key, .. } => self.zone_entries(key),
            Piece::Outside(_) => self.outside_entries(),
            Piece::Internet => self.internet_entries(flow),
        }
    }

    fn exits(&self, piece: &Piece) -> Vec<usize> {
        match piece {
            Piece::Zone { key, .. } => self.zone_entries(key),
            Piece::Outside(_) | Piece::Internet => self.outside_entries(),
        }
    }

    /// Whether traffic between the outside and `piece` crosses this firewall's uplink: not
    /// for a zone behind a link beyond which another device has its own uplink (the internet
    /// reaches that zone, and that zone the internet, through that device).
    fn uplink_serves(&self, piece: &Piece) -> bool {
        let Piece::Zone { key, .. } = piece else {
            return true;
        };
        if self.plan.zone(key).is_some() {
            return true;
        }
        self.plan
            .links()
            .filter_map(|a| self.behind.get(&a.model_name))
            .any(|b| b.zones.contains(key) && !b.has_uplink)
    }

    fn ident(&self, index: usize) -> String {
        self.plan
            .assigned
            .get(index)
            .map(|a| a.ident.clone())
            .unwrap_or_default()
    }

    /// Renders the filter rules, or the flows OPNsense cannot express.
    pub fn rules(&self) -> Result<Vec<FilterRule>, Vec<Diagnostic>> {
        let zones = Zones::of(self.model);
        let mut errors = Vec::new();
        let mut candidates: BTreeMap<Key, BTreeMap<Protocol, Entry>> = BTreeMap::new();
        for (fi, flow) in self.model.flows.iter().enumerate() {
            let placed = self.place(&zones, flow);
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
                entry.all_ports |= service.ports.is_empty();
                entry.ports.extend(service.ports.iter().copied());
                entry.provenance.insert(prov.clone());
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(self.assemble(&zones, candidates))
    }

    /// The candidate keys for one flow: each (entry interface, source piece, destination
    /// piece) whose destination lies beyond another interface.
    fn place(&self, zones: &Zones, flow: &Flow) -> Vec<Key> {
        let mut keys = Vec::new();
        let sources = zones.pieces(&flow.from);
        let destinations = zones.pieces(&flow.to);
        for s in &sources {
            for d in &destinations {
                let family = match (s.net(), d.net()) {
                    (None, None) => continue,
                    (Some(a), Some(b)) if Family::of(&a) != Family::of(&b) => continue,
                    (Some(a), _) | (None, Some(a)) => Family::of(&a),
                };
                let kind = match (s, d) {
                    (Piece::Internet, _) => Kind::InternetSource,
                    (_, Piece::Internet) => Kind::InternetDestination,
                    _ => Kind::Concrete,
                };
                // The outside and a zone reach each other through this firewall's uplink
                // only when no other uplink serves the zone; a port forward of this firewall
                // says so explicitly.
                let own_forward = flow.provenance.reason == FlowReason::Forward
                    && flow.provenance.name == self.device.name;
                let outside = |p: &Piece| matches!(p, Piece::Outside(_) | Piece::Internet);
                if !own_forward
                    && ((outside(s) && !self.uplink_serves(d))
                        || (outside(d) && !self.uplink_serves(s)))
                {
                    continue;
                }
                let addr = |p: &Piece| p.net().map(Addr::Net).unwrap_or(Addr::Any);
                let exits = self.exits(d);
                for entry in self.entries(s, flow) {
                    if exits.iter().any(|e| *e != entry) {
                        keys.push(Key {
                            interface: entry,
                            kind,
                            family,
                            source: addr(s),
                            destination: addr(d),
                        });
                    }
                }
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }

    /// Turns merged candidates into ordered rules: per interface, OSPF and concrete passes,
    /// then the internet's zone blocks, then internet passes, then the default deny.
    fn assemble(
        &self,
        zones: &Zones,
        candidates: BTreeMap<Key, BTreeMap<Protocol, Entry>>,
    ) -> Vec<FilterRule> {
        let count = self.plan.assigned.len();
        let mut passes: Vec<Vec<FilterRule>> = vec![Vec::new(); count];
        let mut internet: Vec<Vec<FilterRule>> = vec![Vec::new(); count];
        let mut blocks: Vec<BTreeMap<(Family, Addr, Addr), BTreeSet<Provenance>>> =
            vec![BTreeMap::new(); count];
        for (key, protocols) in candidates {
            let rules = self.rules_for(&key, protocols);
            let all: BTreeSet<Provenance> = rules
                .iter()
                .flat_map(|r| r.provenance.iter().cloned())
                .collect();
            let zone_nets = zones
                .0
                .iter()
                .map(|(_, n)| *n)
                .filter(|n| Family::of(n) == key.family);
            let (Some(pass_list), Some(internet_list), Some(block_map)) = (
                passes.get_mut(key.interface),
                internet.get_mut(key.interface),
                blocks.get_mut(key.interface),
            ) else {
                continue;
            };
            match key.kind {
                Kind::Concrete => pass_list.extend(rules),
                Kind::InternetSource => {
                    for z in zone_nets {
                        block_map
                            .entry((key.family, Addr::Net(z), key.destination.clone()))
                            .or_default()
                            .extend(all.iter().cloned());
                    }
                    internet_list.extend(rules);
                }
                Kind::InternetDestination => {
                    for z in zone_nets {
                        block_map
                            .entry((key.family, key.source.clone(), Addr::Net(z)))
                            .or_default()
                            .extend(all.iter().cloned());
                    }
                    internet_list.extend(rules);
                }
            }
        }
        let mut out = Vec::new();
        for (index, assigned) in self.plan.assigned.iter().enumerate() {
            let mut first = self.ospf_rules(index);
            first.extend(passes.get(index).cloned().unwrap_or_default());
            sort(&mut first);
            out.extend(first);
            for ((family, source, destination), provenance) in
                blocks.get(index).cloned().unwrap_or_default()
            {
                out.push(FilterRule {
                    action: Action::Block,
                    interface: assigned.ident.clone(),
                    family: Some(family),
                    protocol: None,
                    source,
                    destination,
                    port: None,
                    provenance: provenance.into_iter().collect(),
                });
            }
            let mut last = internet.get(index).cloned().unwrap_or_default();
            sort(&mut last);
            out.extend(last);
            out.push(FilterRule {
                action: Action::Block,
                interface: assigned.ident.clone(),
                family: None,
                protocol: None,
                source: Addr::Any,
                destination: Addr::Any,
                port: None,
                provenance: vec![Provenance::new(
                    "default-deny",
                    &self.device.name,
                    &self.device.origin,
                )],
            });
        }
        out
    }

    /// The rules of one candidate key: port ranges merged, tcp and udp with the same ports
    /// merged into `tcp/udp`.
    fn rules_for(&self, key: &Key, protocols: BTreeMap<Protocol, Entry>) -> Vec<FilterRule> {
        let mut merged: Vec<Merged> = Vec::new();
        let mut protocols = protocols;
        let same_ports = match (protocols.get(&Protocol::Tcp), protocols.get(&Protocol::Udp)) {
            (Some(t), Some(u)) => t.ranges() == u.ranges(),
            _ => false,
        };
        if same_ports
            && let (Some(t), Some(u)) = (
                protocols.remove(&Protocol::Tcp),
                protocols.remove(&Protocol::Udp),
            )
        {
            let ports = t.ranges();
            let mut provenance = t.provenance;
            provenance.extend(u.provenance);
            merged.push((Some("tcp/udp"), ports, provenance));
        }
        for (protocol, entry) in protocols {
            merged.push((
                protocol_name(protocol, key.family),
                entry.ranges(),
                entry.provenance,
            ));
        }
        let mut rules = Vec::new();
        for (protocol, ports, provenance) in merged {
            let ranges: Vec<Option<PortRange>> = match ports {
                Some(list) => list.into_iter().map(Some).collect(),
                None => vec![None],
            };
            for port in ranges {
                rules.push(FilterRule {
                    action: Action::Pass,
                    interface: self.ident(key.interface),
                    family: Some(key.family),
                    protocol: protocol.map(str::to_string),
                    source: key.source.clone(),
                    destination: key.destination.clone(),
                    port,
                    provenance: provenance.iter().cloned().collect(),
                });
            }
        }
        rules
    }

    /// OSPF adjacency on a non-passive OSPF interface: from the interface's subnet to the
    /// OSPF multicast groups (224.0.0.0/24, link-local, never forwarded) and to the firewall.
    fn ospf_rules(&self, index: usize) -> Vec<FilterRule> {
        let Some(assigned) = self.plan.assigned.get(index) else {
            return Vec::new();
        };
        let Some(iface) = self.device.interfaces.get(assigned.model_index) else {
            return Vec::new();
        };
        let (Some(ospf), Some(address)) = (&iface.ospf, assigned.address) else {
            return Vec::new();
        };
        if ospf.passive || !address.is_v4() {
            return Vec::new();
        }
        let provenance = match &assigned.role {
            Role::Link(name) => match self.model.links.iter().find(|l| &l.name == name) {
                Some(link) => Provenance::new("ospf", &link.name, &link.origin),
                None => Provenance::new("ospf", &self.device.name, &self.device.origin),
            },
            _ => Provenance::new("ospf", &self.device.name, &self.device.origin),
        };
        let multicast = Net::new(IpAddr::V4(Ipv4Addr::new(224, 0, 0, 0)), 24);
        [Addr::Net(multicast), Addr::This]
            .into_iter()
            .map(|destination| FilterRule {
                action: Action::Pass,
                interface: assigned.ident.clone(),
                family: Some(Family::V4),
                protocol: Some("ospf".to_string()),
                source: Addr::Net(address.trunc()),
                destination,
                port: None,
                provenance: vec![provenance.clone()],
            })
            .collect()
    }
}

fn sort(rules: &mut [FilterRule]) {
    rules.sort_by(|a, b| {
        (&a.family, &a.source, &a.destination, &a.protocol, &a.port).cmp(&(
            &b.family,
            &b.source,
            &b.destination,
            &b.protocol,
            &b.port,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: u16, end: u16) -> PortRange {
        PortRange { start, end }
    }

    #[test]
    fn ranges_merge_only_when_they_touch() {
        assert_eq!(
            merge_ranges(vec![
                r(443, 443),
                r(80, 80),
                r(81, 90),
                r(8000, 8080),
                r(8081, 8081)
            ]),
            vec![r(80, 90), r(443, 443), r(8000, 8081)]
        );
        assert_eq!(
            merge_ranges(vec![r(65535, 65535), r(1, 65534)]),
            vec![r(1, 65535)]
        );
    }
}
