//! Inbound access lists on a routing device's routed interfaces, rendered from the flow matrix.
//!
//! Where a packet enters: from a prefix inside an interface's subnet, at that interface; from
//! anywhere else (other sites, the internet), at an *upstream* interface (one that runs OSPF
//! actively, has no zone, or holds the default route's next hop). An ACL on interface `i` lists
//! what may enter at `i` and be routed out of another interface or delivered to the device:
//!
//! 1. what the device itself needs: OSPF on an active OSPF interface, NTP replies;
//! 2. one `permit` per flow (sources narrowed to what enters at `i`, destinations to what lies
//!    behind another interface or is the device), a `remark` naming the rule and `file:line`;
//! 3. the replies of those flows, which a stateless ACL must let back: TCP as `established`, UDP
//!    from the service port, ICMP echo replies; for protocols without such a narrowing the
//!    reverse flow must itself be in the matrix ([`REPLIES`](crate::codes::REPLIES) otherwise);
//! 4. flows to or from the internet: the model's zone prefixes denied first, then a permit with
//!    `any` (which can then match only addresses outside the zones);
//! 5. `deny ip any any`.

use crate::codes;
use crate::net::{AclAddr, V4};
use infrac_sdk::{
    Diagnostic, Endpoint, EndpointKind, Flow, FlowOrigin, Model, PortRange, Protocol,
};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::Ipv4Addr;

/// A routed interface of the device (SVI, VLAN sub-interface, routed port, link end).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Routed {
    /// Index in the device's `interfaces`.
    pub index: usize,
    /// Full IOS name.
    pub name: String,
    /// Its subnet.
    pub net: V4,
    /// The device's own address on it.
    pub own: Ipv4Addr,
    /// Whether prefixes outside the device's subnets arrive here.
    pub upstream: bool,
    /// Whether OSPF sends hellos here (active, not passive).
    pub ospf_active: bool,
    /// Zone key, when it is in a zone.
    pub zone: Option<String>,
}

/// One access list, bound inbound to one routed interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acl {
    /// Index into the routed interfaces it was built for.
    pub routed: usize,
    /// ACL name.
    pub name: String,
    /// Its lines (`remark …`, `permit …`, `deny …`), without indentation.
    pub lines: Vec<String>,
}

/// The ACL name for an interface: `INFRAC-IN-` and the IOS name with `/` as `_`, `.` as `-`.
pub fn acl_name(interface: &str) -> String {
    format!(
        "INFRAC-IN-{}",
        interface.replace('/', "_").replace('.', "-")
    )
}

/// A port match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Ports {
    Eq(u16),
    Range(u16, u16),
}

impl Ports {
    fn of(r: &PortRange) -> Ports {
        if r.start == r.end {
            Ports::Eq(r.start)
        } else {
            Ports::Range(r.start, r.end)
        }
    }
}

impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ports::Eq(p) => write!(f, "eq {p}"),
            Ports::Range(a, b) => write!(f, "range {a} {b}"),
        }
    }
}

/// One access-control entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Ace {
    permit: bool,
    protocol: &'static str,
    src: AclAddr,
    src_ports: Option<Ports>,
    dst: AclAddr,
    dst_ports: Option<Ports>,
    tail: Option<&'static str>,
}

impl Ace {
    fn permit(protocol: &'static str, src: AclAddr, dst: AclAddr) -> Ace {
        Ace {
            permit: true,
            protocol,
            src,
            src_ports: None,
            dst,
            dst_ports: None,
            tail: None,
        }
    }

    fn deny_ip(src: AclAddr, dst: AclAddr) -> Ace {
        Ace {
            permit: false,
            ..Ace::permit("ip", src, dst)
        }
    }
}

impl fmt::Display for Ace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let action = if self.permit { "permit" } else { "deny" };
        write!(f, "{action} {} {}", self.protocol, self.src)?;
        if let Some(p) = self.src_ports {
            write!(f, " {p}")?;
        }
        write!(f, " {}", self.dst)?;
        if let Some(p) = self.dst_ports {
            write!(f, " {p}")?;
        }
        if let Some(t) = self.tail {
            write!(f, " {t}")?;
        }
        Ok(())
    }
}

/// The IOS keyword (or number) of a protocol in an extended ACL.
fn protocol_word(p: Protocol) -> &'static str {
    match p {
        Protocol::Any => "ip",
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp => "icmp",
        Protocol::Ospf => "ospf",
        Protocol::Gre => "gre",
        Protocol::Esp => "esp",
        Protocol::Vrrp => "112",
        Protocol::Sctp => "132",
    }
}

/// A flow endpoint as IPv4 prefixes, or the internet.
enum Side {
    Internet,
    Nets(Vec<V4>),
}

fn side(e: &Endpoint) -> Side {
    match e.kind {
        EndpointKind::Internet => Side::Internet,
        _ => Side::Nets(
            e.prefixes
                .iter()
                .filter_map(|p| V4::from_ip(p.addr(), p.prefix_len()))
                .collect(),
        ),
    }
}

/// Where a part of an access list goes: what it matches decides its place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// Both sides are prefixes.
    Concrete,
    /// To the internet, from this source.
    ToInternet(AclAddr),
    /// From the internet, to this destination.
    FromInternet(AclAddr),
    /// From the internet to the internet.
    Both,
}

fn class(src: AclAddr, dst: AclAddr) -> Class {
    match (src, dst) {
        (AclAddr::Any, AclAddr::Any) => Class::Both,
        (AclAddr::Any, d) => Class::FromInternet(d),
        (s, AclAddr::Any) => Class::ToInternet(s),
        _ => Class::Concrete,
    }
}

/// Remarked entries of one class.
#[derive(Default)]
struct Section {
    entries: Vec<(String, Vec<Ace>)>,
}

impl Section {
    fn push(&mut self, remark: &str, ace: Ace) {
        match self.entries.last_mut() {
            Some((r, aces)) if r == remark => aces.push(ace),
            _ => self.entries.push((remark.to_string(), vec![ace])),
        }
    }
}

/// Everything one ACL will hold, by section.
#[derive(Default)]
struct Parts {
    implied: Section,
    concrete: Section,
    replies: Section,
    to_internet: BTreeMap<AclAddr, Section>,
    from_internet: BTreeMap<AclAddr, Section>,
    both: Section,
    /// Flows with entries in an internet section, for diagnostics.
    internet_flows: BTreeSet<usize>,
}

impl Parts {
    fn push(&mut self, reply: bool, flow: usize, remark: &str, ace: Ace) {
        let c = class(ace.src, ace.dst);
        if c != Class::Concrete {
            self.internet_flows.insert(flow);
        }
        match c {
            Class::Concrete if reply => self.replies.push(remark, ace),
            Class::Concrete => self.concrete.push(remark, ace),
            Class::ToInternet(s) => self.to_internet.entry(s).or_default().push(remark, ace),
            Class::FromInternet(d) => self.from_internet.entry(d).or_default().push(remark, ace),
            Class::Both => self.both.push(remark, ace),
        }
    }
}

/// The device's routed interfaces and the prefixes they hold.
struct Topology<'a> {
    routed: &'a [Routed],
}

impl Topology<'_> {
    fn local(&self, net: V4) -> bool {
        self.routed.iter().any(|r| r.net.contains(net))
    }

    fn other_upstream(&self, i: usize) -> bool {
        self.routed
            .iter()
            .enumerate()
            .any(|(j, r)| j != i && r.upstream)
    }

    /// The part of a flow's source that enters at routed interface `i`.
    fn sources(&self, i: usize, side: &Side) -> Vec<AclAddr> {
        let Some(here) = self.routed.get(i) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        match side {
            Side::Internet => {
                if here.upstream {
                    out.push(AclAddr::Any);
                }
            }
            Side::Nets(nets) => {
                for &p in nets {
                    if here.upstream && !self.local(p) {
                        out.push(AclAddr::Net(p));
                    } else if let Some(x) = p.intersection(here.net) {
                        out.push(AclAddr::Net(x));
                    }
                }
            }
        }
        dedup(out)
    }

    /// The part of a flow's destination a packet entering at `i` reaches through this device:
    /// behind another routed interface, the device itself, or (with another upstream) remote.
    fn destinations(&self, i: usize, side: &Side) -> Vec<AclAddr> {
        let Some(here) = self.routed.get(i) else {
            return Vec::new();
        };
        let remote_reachable = self.other_upstream(i);
        let mut out = Vec::new();
        match side {
            Side::Internet => {
                if remote_reachable {
                    out.push(AclAddr::Any);
                }
            }
            Side::Nets(nets) => {
                for &q in nets {
                    if remote_reachable && !self.local(q) {
                        out.push(AclAddr::Net(q));
                        continue;
                    }
                    for (j, r) in self.routed.iter().enumerate() {
                        if j != i
                            && let Some(x) = q.intersection(r.net)
                        {
                            out.push(AclAddr::Net(x));
                        }
                    }
                    if q.contains_addr(here.own) {
                        out.push(AclAddr::Net(V4::host(here.own)));
                    }
                }
            }
        }
        dedup(out)
    }
}

/// Removes duplicates and operands covered by another one, keeping the order.
fn dedup(addrs: Vec<AclAddr>) -> Vec<AclAddr> {
    let mut out: Vec<AclAddr> = Vec::new();
    for (k, a) in addrs.iter().enumerate() {
        let covered = addrs.iter().enumerate().any(|(m, b)| {
            m != k
                && match (a, b) {
                    (AclAddr::Net(x), AclAddr::Net(y)) => y.contains(*x) && (x != y || m < k),
                    _ => false,
                }
        });
        if !covered && !out.contains(a) {
            out.push(*a);
        }
    }
    out
}

/// `rule NAME file:line`, shortened by the caller to IOS's remark length.
fn provenance(p: &FlowOrigin) -> String {
    let reason = match p.reason {
        infrac_sdk::FlowReason::Rule => "rule",
        infrac_sdk::FlowReason::LoadBalancer => "load balancer",
        infrac_sdk::FlowReason::Ha => "ha group",
        infrac_sdk::FlowReason::Replication => "replication",
        infrac_sdk::FlowReason::Monitoring => "monitoring",
        infrac_sdk::FlowReason::Dns => "dns",
        infrac_sdk::FlowReason::Forward => "forward on",
    };
    format!("{reason} {} {}", p.name, p.origin)
}

/// The entries that let a flow's packets in: one per port range.
fn forward_aces(f: &Flow, src: AclAddr, dst: AclAddr) -> Vec<Ace> {
    let word = protocol_word(f.service.protocol);
    if f.service.protocol.has_ports() && !f.service.ports.is_empty() {
        f.service
            .ports
            .iter()
            .map(|r| Ace {
                dst_ports: Some(Ports::of(r)),
                ..Ace::permit(word, src, dst)
            })
            .collect()
    } else {
        vec![Ace::permit(word, src, dst)]
    }
}

/// What a stateless ACL needs for a flow's replies.
enum Replies {
    /// These entries (the reply comes from the service port, or is an echo reply).
    Narrow(Vec<Ace>),
    /// Nothing comes back (routing protocols, VRRP).
    None,
    /// Only the reverse flow itself would let replies back.
    Reverse,
}

fn reply_aces(f: &Flow, src: AclAddr, dst: AclAddr) -> Replies {
    let ports = &f.service.ports;
    match f.service.protocol {
        Protocol::Tcp if ports.is_empty() => Replies::Narrow(vec![Ace {
            tail: Some("established"),
            ..Ace::permit("tcp", src, dst)
        }]),
        Protocol::Tcp => Replies::Narrow(
            ports
                .iter()
                .map(|r| Ace {
                    src_ports: Some(Ports::of(r)),
                    tail: Some("established"),
                    ..Ace::permit("tcp", src, dst)
                })
                .collect(),
        ),
        Protocol::Udp if !ports.is_empty() => Replies::Narrow(
            ports
                .iter()
                .map(|r| Ace {
                    src_ports: Some(Ports::of(r)),
                    ..Ace::permit("udp", src, dst)
                })
                .collect(),
        ),
        Protocol::Icmp => Replies::Narrow(vec![Ace {
            tail: Some("echo-reply"),
            ..Ace::permit("icmp", src, dst)
        }]),
        Protocol::Ospf | Protocol::Vrrp => Replies::None,
        Protocol::Udp | Protocol::Any | Protocol::Gre | Protocol::Esp | Protocol::Sctp => {
            Replies::Reverse
        }
    }
}

/// Whether every IPv4 address of `inner` is in `outer` (the internet only in the internet).
fn endpoint_covers(outer: &Endpoint, inner: &Endpoint) -> bool {
    match (outer.kind, inner.kind) {
        (EndpointKind::Internet, EndpointKind::Internet) => true,
        (_, EndpointKind::Internet) | (EndpointKind::Internet, _) => false,
        _ => {
            let outer = match side(outer) {
                Side::Nets(n) => n,
                Side::Internet => return false,
            };
            match side(inner) {
                Side::Nets(n) => n.iter().all(|i| outer.iter().any(|o| o.contains(*i))),
                Side::Internet => false,
            }
        }
    }
}

/// Whether the matrix also allows `f` reversed (same protocol and ports, or any protocol).
fn reverse_allowed(flows: &[Flow], f: &Flow) -> bool {
    flows.iter().any(|g| {
        let service = g.service.protocol == Protocol::Any
            || (g.service.protocol == f.service.protocol
                && (g.service.ports.is_empty()
                    || (!f.service.ports.is_empty()
                        && f.service.ports.iter().all(|p| {
                            g.service
                                .ports
                                .iter()
                                .any(|q| q.start <= p.start && p.end <= q.end)
                        }))));
        service && endpoint_covers(&g.from, &f.to) && endpoint_covers(&g.to, &f.from)
    })
}

/// Builds the inbound ACL of every routed interface; errors name the flow they come from.
///
/// `routed_zones` are the zones the device routes, IPv6 ones included: a flow of IPv6
/// prefixes touching one of them is refused, since only IPv4 ACLs are rendered.
pub fn build(
    model: &Model,
    routed: &[Routed],
    routed_zones: &BTreeSet<String>,
    ntp: &[Ipv4Addr],
) -> Result<Vec<Acl>, Vec<Diagnostic>> {
    let topo = Topology { routed };
    let mut parts: Vec<Parts> = routed.iter().map(|_| Parts::default()).collect();
    let mut errors = Vec::new();

    for (i, r) in routed.iter().enumerate() {
        let Some(p) = parts.get_mut(i) else { continue };
        if r.ospf_active {
            let remark = "infrac: OSPF on this interface";
            for dst in [
                V4::host(Ipv4Addr::new(224, 0, 0, 5)),
                V4::host(Ipv4Addr::new(224, 0, 0, 6)),
                V4::host(r.own),
            ] {
                p.implied.push(
                    remark,
                    Ace::permit("ospf", AclAddr::Net(r.net), AclAddr::Net(dst)),
                );
            }
        }
        for &server in ntp {
            let arrives =
                r.net.contains_addr(server) || (r.upstream && !topo.local(V4::host(server)));
            if arrives {
                p.implied.push(
                    "infrac: NTP replies to this device",
                    Ace {
                        src_ports: Some(Ports::Eq(123)),
                        dst_ports: Some(Ports::Eq(123)),
                        ..Ace::permit(
                            "udp",
                            AclAddr::Net(V4::host(server)),
                            AclAddr::Net(V4::host(r.own)),
                        )
                    },
                );
            }
        }
    }
    for (n, f) in model.flows.iter().enumerate() {
        let v6 = f
            .from
            .prefixes
            .iter()
            .chain(&f.to.prefixes)
            .any(|p| p.addr().is_ipv6());
        let touches_routed = f
            .from
            .zones
            .iter()
            .chain(&f.to.zones)
            .any(|z| routed_zones.contains(z));
        if v6 && touches_routed {
            errors.push(Diagnostic::error(
                codes::IPV6,
                format!("/flows/{n}"),
                format!(
                    "flow {} -> {} {} is IPv6 and enters a routed interface; this backend \
                     renders IPv4 access lists only",
                    f.from.name, f.to.name, f.service
                ),
            ));
            continue;
        }
        let (from, to) = (side(&f.from), side(&f.to));
        let remark = provenance(&f.provenance);
        let reply_remark = format!("replies: {remark}");
        let mut reported = false;
        for (i, p) in parts.iter_mut().enumerate() {
            let srcs = topo.sources(i, &from);
            let dsts = topo.destinations(i, &to);
            if !srcs.is_empty() && !dsts.is_empty() {
                if f.service.protocol == Protocol::Sctp && !f.service.ports.is_empty() {
                    if !reported {
                        errors.push(Diagnostic::error(
                            codes::PROTOCOL,
                            format!("/flows/{n}"),
                            format!(
                                "flow {} -> {} {} enters a routed interface, but an IOS \
                                 extended ACL matches SCTP only by protocol number, not by port",
                                f.from.name, f.to.name, f.service
                            ),
                        ));
                        reported = true;
                    }
                    continue;
                }
                for &s in &srcs {
                    for &d in &dsts {
                        for ace in forward_aces(f, s, d) {
                            p.push(false, n, &remark, ace);
                        }
                    }
                }
            }
            let rsrcs = topo.sources(i, &to);
            let rdsts = topo.destinations(i, &from);
            if rsrcs.is_empty() || rdsts.is_empty() {
                continue;
            }
            for &s in &rsrcs {
                for &d in &rdsts {
                    match reply_aces(f, s, d) {
                        Replies::Narrow(aces) => {
                            for ace in aces {
                                p.push(true, n, &reply_remark, ace);
                            }
                        }
                        Replies::None => {}
                        Replies::Reverse => {
                            if !reported && !reverse_allowed(&model.flows, f) {
                                errors.push(Diagnostic::error(
                                    codes::REPLIES,
                                    format!("/flows/{n}"),
                                    format!(
                                        "flow {} -> {} {} crosses a routed interface; a \
                                         stateless IOS ACL cannot let its replies back \
                                         without allowing {} -> {} {} as well, which the \
                                         model does not; name ports (tcp/udp) or allow the \
                                         reverse flow",
                                        f.from.name,
                                        f.to.name,
                                        f.service,
                                        f.to.name,
                                        f.from.name,
                                        f.service
                                    ),
                                ));
                                reported = true;
                            }
                        }
                    }
                }
            }
        }
    }

    let internal: Vec<V4> = {
        let mut v: Vec<V4> = model
            .sites
            .iter()
            .flat_map(|s| &s.zones)
            .filter_map(|z| V4::from_ip(z.subnet.addr(), z.subnet.prefix_len()))
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let mut acls = Vec::new();
    for (i, (r, p)) in routed.iter().zip(parts).enumerate() {
        match assemble(r, p, &internal) {
            Ok(lines) => acls.push(Acl {
                routed: i,
                name: acl_name(&r.name),
                lines,
            }),
            Err(n) => errors.push(Diagnostic::error(
                codes::INTERNET_ORDER,
                format!("/flows/{n}"),
                format!(
                    "the access list of {} holds flows both to and from the internet that \
                     involve prefixes outside the model's zones; no order of IOS entries \
                     matches them exactly",
                    r.name
                ),
            )),
        }
    }
    if errors.is_empty() {
        Ok(acls)
    } else {
        Err(errors)
    }
}

/// Whether `addr` lies inside one of the model's zones.
fn inside(addr: AclAddr, internal: &[V4]) -> bool {
    match addr {
        AclAddr::Any => false,
        AclAddr::Net(n) => internal.iter().any(|z| z.contains(n)),
    }
}

/// Whether `addr` shares an address with one of the model's zones.
fn touches(addr: AclAddr, internal: &[V4]) -> bool {
    match addr {
        AclAddr::Any => !internal.is_empty(),
        AclAddr::Net(n) => internal.iter().any(|z| z.overlaps(n)),
    }
}

/// The ACL's lines in order; `Err(flow index)` when the internet sections cannot be ordered.
fn assemble(r: &Routed, p: Parts, internal: &[V4]) -> Result<Vec<String>, usize> {
    // Denies before a "to the internet" permit kill (source, zone) packets; before a "from the
    // internet" permit, (zone, destination) packets. Put first the kind whose denies cannot
    // hit what the other kind permits.
    let to_first_conflicts = p.to_internet.keys().any(|s| !inside(*s, internal))
        && p.from_internet.keys().any(|d| touches(*d, internal));
    let from_first_conflicts = p.from_internet.keys().any(|d| !inside(*d, internal))
        && p.to_internet.keys().any(|s| touches(*s, internal));
    let to_first = match (to_first_conflicts, from_first_conflicts) {
        (false, _) => true,
        (true, false) => false,
        (true, true) => return Err(p.internet_flows.first().copied().unwrap_or_default()),
    };
    let header = format!(
        "infrac: inbound on {}{}, from the flow matrix",
        r.name,
        r.zone
            .as_deref()
            .map(|z| format!(" (zone {z})"))
            .unwrap_or_default()
    );
    let mut out = vec![format!(
        "remark {}",
        crate::names::one_line(&header, crate::names::REMARK_MAX)
    )];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut emit = |out: &mut Vec<String>, section: &Section| {
        for (remark, aces) in &section.entries {
            out.push(format!(
                "remark {}",
                crate::names::one_line(remark, crate::names::REMARK_MAX)
            ));
            for ace in aces {
                let text = ace.to_string();
                if seen.insert(text.clone()) {
                    out.push(text);
                }
            }
        }
    };
    emit(&mut out, &p.implied);
    emit(&mut out, &p.concrete);
    emit(&mut out, &p.replies);
    let mut to_internet = Vec::new();
    for (src, section) in &p.to_internet {
        let mut denies = Section::default();
        for z in internal {
            denies.push(
                "infrac: the internet excludes the model's zones",
                Ace::deny_ip(*src, AclAddr::Net(*z)),
            );
        }
        to_internet.push(denies);
        to_internet.push(Section {
            entries: section.entries.clone(),
        });
    }
    let mut from_internet = Vec::new();
    for (dst, section) in &p.from_internet {
        let mut denies = Section::default();
        for z in internal {
            denies.push(
                "infrac: the internet excludes the model's zones",
                Ace::deny_ip(AclAddr::Net(*z), *dst),
            );
        }
        from_internet.push(denies);
        from_internet.push(Section {
            entries: section.entries.clone(),
        });
    }
    let (first, second) = if to_first {
        (to_internet, from_internet)
    } else {
        (from_internet, to_internet)
    };
    for s in first.iter().chain(&second) {
        emit(&mut out, s);
    }
    if !p.both.entries.is_empty() {
        let mut denies = Section::default();
        for z in internal {
            denies.push(
                "infrac: the internet excludes the model's zones",
                Ace::deny_ip(AclAddr::Net(*z), AclAddr::Any),
            );
            denies.push(
                "infrac: the internet excludes the model's zones",
                Ace::deny_ip(AclAddr::Any, AclAddr::Net(*z)),
            );
        }
        emit(&mut out, &denies);
        emit(&mut out, &p.both);
    }
    out.push("remark infrac: nothing else".to_string());
    out.push("deny ip any any".to_string());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str, len: u8) -> V4 {
        V4::new(s.parse().unwrap(), len)
    }

    #[test]
    fn dedup_keeps_the_widest() {
        let a = AclAddr::Net(net("10.0.0.0", 8));
        let b = AclAddr::Net(net("10.1.0.0", 16));
        assert_eq!(dedup(vec![b, a, b]), vec![a]);
        assert_eq!(dedup(vec![a, a]), vec![a]);
    }

    #[test]
    fn ace_text() {
        let ace = Ace {
            src_ports: Some(Ports::Eq(443)),
            tail: Some("established"),
            ..Ace::permit(
                "tcp",
                AclAddr::Net(net("10.1.20.5", 32)),
                AclAddr::Net(net("10.1.10.0", 24)),
            )
        };
        assert_eq!(
            ace.to_string(),
            "permit tcp host 10.1.20.5 eq 443 10.1.10.0 0.0.0.255 established"
        );
        assert_eq!(
            Ace::deny_ip(AclAddr::Any, AclAddr::Any).to_string(),
            "deny ip any any"
        );
        assert_eq!(
            acl_name("GigabitEthernet0/0.10"),
            "INFRAC-IN-GigabitEthernet0_0-10"
        );
    }
}
