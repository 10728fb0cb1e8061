//! The device's interfaces with their IOS names, and which of them route.

use super::Checker;
use crate::acl::Routed;
use crate::codes;
use crate::names::{self, IosInterface};
use crate::net::V4;
use infrac_sdk::{Device, DeviceKind, Interface, InterfaceKind};
use std::net::{IpAddr, Ipv4Addr};

/// An interface with its IOS name.
pub(super) struct Port<'a> {
    pub(super) index: usize,
    pub(super) ios: IosInterface,
    pub(super) model: &'a Interface,
}

/// The IPv4 address and prefix of an interface, or `None` (with IOS002) for IPv6.
fn v4_address(c: &mut Checker, k: usize, i: &Interface) -> Option<(Ipv4Addr, u8)> {
    let a = i.address.as_ref()?;
    match a.addr() {
        IpAddr::V4(v4) => Some((v4, a.prefix_len())),
        IpAddr::V6(_) => {
            c.at(
                codes::IPV6,
                c.interface_path(k),
                format!(
                    "interface `{}` has the IPv6 address {a}; this backend renders IPv4 \
                     addresses only",
                    i.name
                ),
            );
            None
        }
    }
}

/// Every interface with its IOS name; unknown or duplicate names are IOS006.
pub(super) fn ports<'a>(c: &mut Checker, d: &'a Device) -> Vec<Port<'a>> {
    let mut out: Vec<Port> = Vec::new();
    for (k, i) in d.interfaces.iter().enumerate() {
        let written = match (i.kind, i.vlan) {
            (InterfaceKind::Vlan, Some(v)) => format!("{}.{v}", i.port),
            _ => i.port.clone(),
        };
        let Some(ios) = names::interface(&written) else {
            c.at(
                codes::INTERFACE,
                c.interface_path(k),
                format!(
                    "`{written}` is not an IOS interface name (e.g. `Gi0/1`, \
                     `GigabitEthernet1/0/3`, `Vlan10`)"
                ),
            );
            continue;
        };
        if let Some(other) = out.iter().find(|p| p.ios.name == ios.name) {
            c.at(
                codes::INTERFACE,
                c.interface_path(k),
                format!(
                    "`{}` and `{}` are both IOS interface {}",
                    other.model.name, i.name, ios.name
                ),
            );
            continue;
        }
        out.push(Port {
            index: k,
            ios,
            model: i,
        });
    }
    out
}

/// The default routes' next hops and the routed interfaces (with which of them face upstream).
pub(super) fn routed_interfaces(
    c: &mut Checker,
    d: &Device,
    ports: &[Port],
    routing: bool,
) -> (Vec<Ipv4Addr>, Vec<Routed>) {
    let mut addressed: Vec<(&Port, Ipv4Addr, u8)> = Vec::new();
    for p in ports {
        if let Some((a, len)) = v4_address(c, p.index, p.model) {
            addressed.push((p, a, len));
        }
    }
    let own: Vec<Ipv4Addr> = addressed.iter().map(|(_, a, _)| *a).collect();
    let mut hops: Vec<Ipv4Addr> = Vec::new();
    if let Some(m) = &d.management {
        match (m.address.addr(), m.gateway) {
            (IpAddr::V4(_), IpAddr::V4(gw)) => {
                // A layer-2 switch uses `ip default-gateway` instead; a routing switch that is
                // itself the gateway learns its routes by OSPF.
                if d.kind == DeviceKind::Switch && routing && !own.contains(&gw) {
                    hops.push(gw);
                }
            }
            _ => c.at(
                codes::IPV6,
                format!("{}/management", c.device_path()),
                format!(
                    "the management address {} of `{}` is IPv6; this backend renders IPv4 only",
                    m.address, d.name
                ),
            ),
        }
    }
    if d.kind == DeviceKind::Router {
        for p in ports {
            match p.model.gateway {
                Some(IpAddr::V4(gw)) => hops.push(gw),
                Some(IpAddr::V6(gw)) => c.at(
                    codes::IPV6,
                    c.interface_path(p.index),
                    format!("the next hop {gw} is IPv6; this backend renders IPv4 only"),
                ),
                None => {}
            }
        }
    }
    hops.sort();
    hops.dedup();
    if !routing {
        return (hops, Vec::new());
    }
    let mut routed: Vec<Routed> = addressed
        .iter()
        .filter(|(p, _, _)| routed_kind(p.model.kind))
        .map(|(p, a, len)| {
            let net = V4::new(*a, *len);
            let ospf_active = p.model.ospf.as_ref().is_some_and(|o| !o.passive);
            Routed {
                index: p.index,
                name: p.ios.name.clone(),
                net,
                own: *a,
                upstream: ospf_active
                    || p.model.zone.is_none()
                    || hops.iter().any(|h| net.contains_addr(*h)),
                ospf_active,
                zone: p.model.zone.clone(),
            }
        })
        .collect();
    routed.sort_by(|a, b| {
        let key = |r: &Routed| {
            ports
                .iter()
                .find(|p| p.index == r.index)
                .map(|p| &p.ios.order)
        };
        key(a).cmp(&key(b))
    });
    (hops, routed)
}

/// Whether an interface of this kind routes when it has an address.
pub(super) fn routed_kind(kind: InterfaceKind) -> bool {
    matches!(
        kind,
        InterfaceKind::Svi | InterfaceKind::Vlan | InterfaceKind::Physical | InterfaceKind::Link
    )
}
