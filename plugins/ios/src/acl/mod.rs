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

mod entry;
mod layout;
mod topology;

use crate::codes;
use crate::net::{AclAddr, V4};
use entry::{Ace, Ports, Replies, forward_aces, provenance, reply_aces};
use infrac_sdk::{Diagnostic, Flow, Model, Protocol};
use layout::{Parts, assemble};
use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use topology::{Reaches, Topology, reverse_allowed};

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
    for (i, p) in parts.iter_mut().enumerate() {
        device_entries(&topo, i, ntp, p);
    }
    let mut reaches = Reaches::new(&topo);
    for (n, f) in model.flows.iter().enumerate() {
        if let Err(e) = flow_entries(model, &mut reaches, routed_zones, n, f, &mut parts) {
            errors.push(e);
        }
    }
    let internal = internal_prefixes(model);
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

/// What the device itself needs on routed interface `i`: OSPF where it sends hellos, and the
/// replies of the NTP servers whose packets enter there.
fn device_entries(topo: &Topology, i: usize, ntp: &[Ipv4Addr], p: &mut Parts) {
    let Some(r) = topo.routed.get(i) else { return };
    if r.ospf_active {
        for dst in [
            V4::host(Ipv4Addr::new(224, 0, 0, 5)),
            V4::host(Ipv4Addr::new(224, 0, 0, 6)),
            V4::host(r.own),
        ] {
            p.implied.push(
                "infrac: OSPF on this interface",
                Ace::permit("ospf", AclAddr::Net(r.net), AclAddr::Net(dst)),
            );
        }
    }
    for &server in ntp {
        if r.net.contains_addr(server) || (r.upstream && !topo.local(V4::host(server))) {
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

/// Flow `n`'s entries on every routed interface it enters (forward) or its replies enter; the
/// first reason it cannot be rendered exactly otherwise.
fn flow_entries(
    model: &Model,
    reaches: &mut Reaches,
    routed_zones: &BTreeSet<String>,
    n: usize,
    f: &Flow,
    parts: &mut [Parts],
) -> Result<(), Diagnostic> {
    // Only an error needs these.
    let path = || format!("/flows/{n}");
    let what = || format!("flow {} -> {} {}", f.from.name, f.to.name, f.service);
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
        return Err(Diagnostic::error(
            codes::IPV6,
            path(),
            format!(
                "{} is IPv6 and enters a routed interface; this backend renders IPv4 \
                 access lists only",
                what()
            ),
        ));
    }
    let (from, to) = reaches.of(&f.from, &f.to);
    let remark = provenance(&f.provenance);
    let mut reply_remark: Option<String> = None;
    let none: &[AclAddr] = &[];
    for (i, p) in parts.iter_mut().enumerate() {
        // What reaches an interface is asked only where the flow enters it.
        let srcs = from.sources.get(i).map_or(none, Vec::as_slice);
        let dsts = if srcs.is_empty() {
            none
        } else {
            to.destinations.get(i).map_or(none, Vec::as_slice)
        };
        if !srcs.is_empty() && !dsts.is_empty() {
            if f.service.protocol == Protocol::Sctp && !f.service.ports.is_empty() {
                return Err(Diagnostic::error(
                    codes::PROTOCOL,
                    path(),
                    format!(
                        "{} enters a routed interface, but an IOS extended ACL matches \
                         SCTP only by protocol number, not by port",
                        what()
                    ),
                ));
            }
            for &s in srcs {
                for &d in dsts {
                    for ace in forward_aces(f, s, d) {
                        p.push(false, n, &remark, ace);
                    }
                }
            }
        }
        // The replies enter where the destination's packets do, bound for the source.
        let reply_srcs = to.sources.get(i).map_or(none, Vec::as_slice);
        let reply_dsts = if reply_srcs.is_empty() {
            none
        } else {
            from.destinations.get(i).map_or(none, Vec::as_slice)
        };
        for &s in reply_srcs {
            for &d in reply_dsts {
                match reply_aces(f, s, d) {
                    Replies::Narrow(aces) => {
                        let remark =
                            reply_remark.get_or_insert_with(|| format!("replies: {remark}"));
                        for ace in aces {
                            p.push(true, n, remark, ace);
                        }
                    }
                    Replies::None => {}
                    Replies::Reverse if reverse_allowed(&model.flows, f) => {}
                    Replies::Reverse => {
                        return Err(Diagnostic::error(
                            codes::REPLIES,
                            path(),
                            format!(
                                "{} crosses a routed interface; a stateless IOS ACL cannot \
                                 let its replies back without allowing {} -> {} {} as well, \
                                 which the model does not; name ports (tcp/udp) or allow the \
                                 reverse flow",
                                what(),
                                f.to.name,
                                f.from.name,
                                f.service
                            ),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// The model's IPv4 zone prefixes, sorted: what the internet is not.
fn internal_prefixes(model: &Model) -> Vec<V4> {
    let mut v: Vec<V4> = model
        .sites
        .iter()
        .flat_map(|s| &s.zones)
        .filter_map(|z| V4::from_ip(z.subnet.addr(), z.subnet.prefix_len()))
        .collect();
    v.sort();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acl_names() {
        assert_eq!(acl_name("Vlan120"), "INFRAC-IN-Vlan120");
        assert_eq!(
            acl_name("GigabitEthernet0/0.10"),
            "INFRAC-IN-GigabitEthernet0_0-10"
        );
    }
}
