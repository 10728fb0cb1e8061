//! Addressing checks: VLAN ranges, subnets, gateways, overlaps, host addresses, duplicates.

use crate::hir::*;
use crate::resolve::ZoneTable;
use crate::schema::Cx;
use infrac_diag::{Diagnostic, Span, codes};
use infrac_model::Zone;
use ipnet::IpNet;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Validates a zone and fills its defaults.
pub fn zone(cx: &mut Cx, site: &str, z: &ZoneH) -> Option<Zone> {
    // The VLAN is checked even when the subnet is missing: two independent mistakes.
    let vlan = z.vlan.as_ref()?;
    let mut ok = true;
    if !(1..=4094).contains(&vlan.v) {
        cx.report(
            Diagnostic::error(
                codes::E0403,
                vlan.span,
                format!("VLAN id {} is out of range", vlan.v),
            )
            .with_label("must be 1–4094"),
        );
        ok = false;
    }
    let subnet = z.subnet.as_ref()?;
    let net = subnet.v.trunc();
    if net != subnet.v {
        cx.report(
            Diagnostic::error(
                codes::E0206,
                subnet.span,
                format!("subnet {} has host bits set", subnet.v),
            )
            .with_label("not a network address")
            .with_help(format!("did you mean `{net}`?")),
        );
        ok = false;
    }
    if usable(&net).is_none() {
        cx.report(
            Diagnostic::error(
                codes::E0206,
                subnet.span,
                format!("subnet {net} has no room for hosts"),
            )
            .with_help("use a prefix of /30 or shorter (IPv6: /126)"),
        );
        ok = false;
    }
    let gateway = match &z.gateway {
        Some(g) => {
            if !in_subnet_as_host(cx, &net, g, "the gateway", codes::E0404) {
                ok = false;
            }
            g.v
        }
        None => usable(&net).map(|(first, _)| first).unwrap_or(net.addr()),
    };
    if !ok {
        return None;
    }
    Some(Zone {
        name: z.name.v.clone(),
        key: format!("{site}.{}", z.name.v),
        site: site.to_string(),
        vlan: vlan.v as u16,
        subnet: net,
        gateway,
        purpose: z.purpose,
        description: z.description.clone(),
    })
}

/// The first and last assignable host addresses of a subnet (IPv4 excludes network and
/// broadcast; IPv6 excludes the subnet-router anycast address).
pub fn usable(net: &IpNet) -> Option<(IpAddr, IpAddr)> {
    match net {
        IpNet::V4(n) if n.prefix_len() >= 31 => {
            Some((IpAddr::V4(n.network()), IpAddr::V4(n.broadcast())))
        }
        IpNet::V4(n) => {
            let first = u32::from(n.network()).checked_add(1)?;
            let last = u32::from(n.broadcast()).checked_sub(1)?;
            (first <= last).then(|| {
                (
                    IpAddr::from(first.to_be_bytes()),
                    IpAddr::from(last.to_be_bytes()),
                )
            })
        }
        IpNet::V6(n) if n.prefix_len() >= 127 => {
            Some((IpAddr::V6(n.network()), IpAddr::V6(n.broadcast())))
        }
        IpNet::V6(n) => {
            let first = u128::from(n.network()).checked_add(1)?;
            Some((IpAddr::from(first.to_be_bytes()), IpAddr::V6(n.broadcast())))
        }
    }
}

/// Checks that `ip` is a host address of `net`; reports with `outside` when it is not inside.
fn in_subnet_as_host(
    cx: &mut Cx,
    net: &IpNet,
    ip: &Sp<IpAddr>,
    what: &str,
    outside: infrac_diag::Code,
) -> bool {
    if net.addr().is_ipv4() != ip.v.is_ipv4() {
        cx.report(
            Diagnostic::error(
                codes::E0409,
                ip.span,
                format!("{what} {} is not of the subnet's family ({net})", ip.v),
            )
            .with_label(if ip.v.is_ipv4() {
                "an IPv4 address in an IPv6 subnet"
            } else {
                "an IPv6 address in an IPv4 subnet"
            }),
        );
        return false;
    }
    if !net.contains(&ip.v) {
        let (first, last) = usable(net).unwrap_or((net.network(), net.broadcast()));
        cx.report(
            Diagnostic::error(
                outside,
                ip.span,
                format!("{what} {} is outside {net}", ip.v),
            )
            .with_label(format!("not in {net}"))
            .with_help(format!("use an address from {first} to {last}")),
        );
        return false;
    }
    let Some((first, last)) = usable(net) else {
        return false;
    };
    if ip.v < first || ip.v > last {
        let which = if ip.v == net.network() {
            "network"
        } else {
            "broadcast"
        };
        cx.report(
            Diagnostic::error(
                codes::E0406,
                ip.span,
                format!("{what} {} is the {which} address of {net}", ip.v),
            )
            .with_label(format!("{which} address"))
            .with_help(format!("use an address from {first} to {last}")),
        );
        return false;
    }
    true
}

/// Checks that `ip` is a host address in `zone`'s subnet.
pub fn host_in_zone(cx: &mut Cx, zone: &Zone, ip: &Sp<IpAddr>, what: &str) -> bool {
    in_subnet_as_host(cx, &zone.subnet, ip, what, codes::E0405)
}

/// Overlapping subnets (zones and link transits) and duplicate VLAN ids per site.
pub fn check_zones(cx: &mut Cx, hir: &Hir, table: &ZoneTable) {
    // Point at the subnet and VLAN values themselves, not the whole zone.
    let value_spans: BTreeMap<String, (Span, Span)> = hir
        .sites
        .iter()
        .flat_map(|s| {
            s.zones.iter().filter_map(move |z| {
                Some((
                    format!("{}.{}", s.name.v, z.name.v),
                    (z.subnet.as_ref()?.span, z.vlan.as_ref()?.span),
                ))
            })
        })
        .collect();
    let subnet_span =
        |key: &str, fallback: Span| value_spans.get(key).map(|v| v.0).unwrap_or(fallback);
    let vlan_span =
        |key: &str, fallback: Span| value_spans.get(key).map(|v| v.1).unwrap_or(fallback);
    let mut nets: Vec<(IpNet, String, Span)> = table
        .zones
        .values()
        .map(|(z, span)| {
            (
                z.subnet,
                format!("zone `{}`", z.key),
                subnet_span(&z.key, *span),
            )
        })
        .collect();
    for l in &hir.links {
        if let Some(t) = &l.transit {
            nets.push((t.v.trunc(), format!("link `{}`", l.name.v), t.span));
        }
    }
    // Sorted by first address, an overlap is always with an earlier, still-open prefix.
    nets.sort_by_key(|a| (a.0.network(), a.0.prefix_len()));
    let mut open: Vec<&(IpNet, String, Span)> = Vec::new();
    for n in &nets {
        open.retain(|o| {
            o.0.addr().is_ipv4() != n.0.addr().is_ipv4() || o.0.contains(&n.0.network())
        });
        for o in &open {
            if o.0.addr().is_ipv4() == n.0.addr().is_ipv4() {
                let code = if n.1.starts_with("link") || o.1.starts_with("link") {
                    codes::E0408
                } else {
                    codes::E0401
                };
                cx.report(
                    Diagnostic::error(
                        code,
                        n.2,
                        format!("{} ({}) overlaps {} ({})", n.1, n.0, o.1, o.0),
                    )
                    .with_label("overlapping prefix")
                    .with_secondary(o.2, format!("{} is declared here", o.1)),
                );
            }
        }
        open.push(n);
    }
    // In source order, so the second use is the one reported.
    let mut zones: Vec<(&Zone, Span)> = table
        .zones
        .values()
        .map(|(z, span)| (z, vlan_span(&z.key, *span)))
        .collect();
    zones.sort_by_key(|(_, span)| *span);
    let mut vlans: BTreeMap<(&str, u16), (&str, Span)> = BTreeMap::new();
    for (z, span) in zones {
        if let Some((other, prev)) = vlans.insert((&z.site, z.vlan), (&z.name, span)) {
            cx.report(
                Diagnostic::error(
                    codes::E0402,
                    span,
                    format!("VLAN {} is used twice in site `{}`", z.vlan, z.site),
                )
                .with_label(format!("zone `{}` uses VLAN {} too", z.name, z.vlan))
                .with_secondary(prev, format!("zone `{other}` uses it")),
            );
        }
    }
}

/// Every address claimed in the model must be unique (a load balancer and its HA group may share
/// a VIP).
pub fn check_duplicates(cx: &mut Cx, hir: &Hir, zones: &ZoneTable) {
    #[derive(PartialEq)]
    enum Kind {
        Plain,
        LbVip,
        HaVip,
    }
    let mut claims: Vec<(IpAddr, Kind, String, Span)> = Vec::new();
    let gateway_spans: BTreeMap<(&str, &str), Span> = hir
        .sites
        .iter()
        .flat_map(|s| {
            s.zones.iter().filter_map(move |zh| {
                Some((
                    (s.name.v.as_str(), zh.name.v.as_str()),
                    zh.gateway.as_ref()?.span,
                ))
            })
        })
        .collect();
    for (z, span) in zones.zones.values() {
        let gspan = gateway_spans
            .get(&(z.site.as_str(), z.name.as_str()))
            .copied()
            .unwrap_or(*span);
        claims.push((
            z.gateway,
            Kind::Plain,
            format!("the gateway of zone `{}`", z.key),
            gspan,
        ));
    }
    for h in &hir.hosts {
        for (_, ip, _) in &h.addresses {
            claims.push((ip.v, Kind::Plain, format!("host `{}`", h.name.v), ip.span));
        }
    }
    let gateways: Vec<IpAddr> = zones.zones.values().map(|(z, _)| z.gateway).collect();
    for d in &hir.devices {
        // A layer-2 switch's address is a host address; a routing device (firewall, router,
        // layer-3 switch) holding a zone's gateway address *is* that zone's gateway.
        let layer2 = d.kind == infrac_model::DeviceKind::Switch && d.routing != Some(true);
        for (_, ip) in d.addresses.iter().chain(d.management.iter()) {
            if !gateways.contains(&ip.v) || layer2 {
                claims.push((ip.v, Kind::Plain, format!("device `{}`", d.name.v), ip.span));
            }
        }
        for i in &d.interfaces {
            // A routing device's interface that holds its zone's gateway address *is* the
            // gateway, not a second claim on it.
            let is_gateway = |a: &Sp<IpNet>| !layer2 && gateways.contains(&a.v.addr());
            if let Some(a) = i.address.as_ref().filter(|a| !is_gateway(a)) {
                claims.push((
                    a.v.addr(),
                    Kind::Plain,
                    format!("interface `{}` of `{}`", i.name.v, d.name.v),
                    a.span,
                ));
            }
        }
    }
    for l in &hir.lbs {
        if let Some(v) = &l.vip {
            claims.push((
                v.v,
                Kind::LbVip,
                format!("the VIP of loadbalancer `{}`", l.name.v),
                v.span,
            ));
        }
    }
    for g in &hir.has {
        for v in &g.vips {
            claims.push((
                v.v,
                Kind::HaVip,
                format!("a VIP of ha `{}`", g.name.v),
                v.span,
            ));
        }
    }
    claims.sort_by_key(|a| (a.0, a.3));
    for pair in claims.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.0 != b.0 {
            continue;
        }
        let shared_vip = (a.1 == Kind::LbVip && b.1 == Kind::HaVip)
            || (a.1 == Kind::HaVip && b.1 == Kind::LbVip);
        if shared_vip || a.2 == b.2 {
            continue;
        }
        cx.report(
            Diagnostic::error(
                codes::E0407,
                b.3,
                format!("address {} is claimed by {} and {}", b.0, a.2, b.2),
            )
            .with_label("duplicate address")
            .with_secondary(a.3, format!("{} has it here", a.2)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usable_ranges() {
        let n: IpNet = "192.168.10.0/24".parse().unwrap();
        assert_eq!(
            usable(&n),
            Some((
                "192.168.10.1".parse().unwrap(),
                "192.168.10.254".parse().unwrap()
            ))
        );
        let p2p: IpNet = "10.0.0.0/31".parse().unwrap();
        assert_eq!(
            usable(&p2p),
            Some(("10.0.0.0".parse().unwrap(), "10.0.0.1".parse().unwrap()))
        );
        let v6: IpNet = "2001:db8::/64".parse().unwrap();
        assert_eq!(
            usable(&v6).map(|u| u.0),
            Some("2001:db8::1".parse().unwrap())
        );
    }
}
