//! Network devices and inter-site links: interfaces, trunks, VLAN sub-interfaces, SVIs, access
//! ports, CARP, OSPF and port forwards, with their platform capability checks.

use crate::address;
use crate::hir::*;
use crate::resolve::{Names, ZoneTable, lowest_v4, secret_ref, unresolved};
use crate::schema::Cx;
use infrac_diag::{Diagnostic, Span, codes};
use infrac_model::*;
use ipnet::IpNet;
use std::collections::{BTreeMap, HashMap};
use std::net::{IpAddr, Ipv4Addr};

fn default_platform(kind: DeviceKind) -> Platform {
    match kind {
        DeviceKind::Firewall => Platform::Opnsense,
        DeviceKind::Switch => Platform::Iosvl2,
        DeviceKind::Router => Platform::Frr,
    }
}

fn platform_fits(kind: DeviceKind, p: Platform) -> bool {
    matches!(
        (kind, p),
        (DeviceKind::Firewall, Platform::Opnsense)
            | (DeviceKind::Switch, Platform::Iosvl2 | Platform::Ios)
            | (DeviceKind::Router, Platform::Frr | Platform::Ios)
    )
}

fn net_of(addr: IpAddr, zone: &Zone) -> IpNet {
    IpNet::new(addr, zone.subnet.prefix_len()).unwrap_or(zone.subnet)
}

fn iface(name: &str, kind: InterfaceKind, port: &str) -> Interface {
    Interface {
        name: name.to_string(),
        kind,
        port: port.to_string(),
        parent: None,
        address: None,
        gateway: None,
        zone: None,
        vlan: None,
        vlans: Vec::new(),
        native_vlan: None,
        peer: None,
        host: None,
        description: None,
        ospf: None,
        link: None,
    }
}

/// Builds every device and link.
pub fn devices(
    cx: &mut Cx,
    hir: &Hir,
    names: &Names,
    zones: &ZoneTable,
    hosts: &BTreeMap<&str, &Host>,
) -> (Vec<Device>, Vec<Link>) {
    let mut out: Vec<Device> = Vec::new();
    let mut spans: BTreeMap<String, Span> = BTreeMap::new();
    for d in &hir.devices {
        let Some(site) = &d.site else { continue };
        if !names.sites.contains_key(site.v.as_str()) {
            unresolved(cx, "site", site, names.sites.keys().copied());
            continue;
        }
        if let Some(dev) = device(cx, d, &site.v, names, zones, hosts) {
            spans.insert(dev.name.clone(), d.span);
            out.push(dev);
        }
    }
    let links = links(cx, hir, &mut out);
    // OSPF MD5 keys are at most 16 characters (FRR and IOS silently truncate longer ones).
    let keys = hir
        .links
        .iter()
        .filter_map(|l| l.ospf.as_ref()?.auth.as_ref())
        .chain(
            hir.devices
                .iter()
                .filter_map(|d| d.ospf.as_ref()?.auth.as_ref()),
        );
    for a in keys {
        crate::resolve::secret_fits(cx, names, a, 16, "OSPF MD5 keys");
    }
    for (d, h) in out
        .iter_mut()
        .zip(hir.devices.iter().filter(|h| spans.contains_key(&h.name.v)))
    {
        finish_ospf(cx, d, h, zones);
    }
    check_peers(cx, hir, &out);
    check_router_ids(cx, &out, &spans);
    (out, links)
}

fn device(
    cx: &mut Cx,
    d: &DeviceH,
    site: &str,
    names: &Names,
    zones: &ZoneTable,
    hosts: &BTreeMap<&str, &Host>,
) -> Option<Device> {
    let platform = match &d.platform {
        Some(p) if !platform_fits(d.kind, p.v) => {
            cx.report(
                Diagnostic::error(
                    codes::E0506,
                    p.span,
                    format!("platform `{:?}` cannot be a {:?}", p.v, d.kind).to_lowercase(),
                )
                .with_help(match d.kind {
                    DeviceKind::Firewall => "firewalls run `opnsense`",
                    DeviceKind::Switch => "switches run `iosvl2` or `ios`",
                    DeviceKind::Router => "routers run `frr` or `ios`",
                }),
            );
            return None;
        }
        Some(p) => p.v,
        None => default_platform(d.kind),
    };
    let zone_in_site = |cx: &mut Cx, r: &ZoneRef| -> Option<Zone> {
        let z = zones.resolve(cx, site, r)?.clone();
        if z.site != site {
            cx.report(Diagnostic::error(
                codes::E0508,
                r.span,
                format!(
                    "zone `{}` is not in site `{site}`, where `{}` stands",
                    z.key, d.name.v
                ),
            ));
            return None;
        }
        Some(z)
    };
    let mut own: BTreeMap<String, IpAddr> = BTreeMap::new();
    for (zr, ip) in &d.addresses {
        if let Some(z) = zone_in_site(cx, zr)
            && address::host_in_zone(cx, &z, ip, &format!("the address of `{}`", d.name.v))
        {
            own.insert(z.key.clone(), ip.v);
        }
    }
    let mut interfaces: Vec<Interface> = Vec::new();
    for i in &d.interfaces {
        let port = i.port.clone().unwrap_or_else(|| i.name.v.clone());
        let mut x = iface(&i.name.v, InterfaceKind::Physical, &port);
        x.address = i.address.as_ref().map(|a| a.v);
        x.gateway = i.gateway.as_ref().map(|g| g.v);
        x.description = i.description.clone();
        x.zone = match &i.zone {
            Some(zr) => zone_in_site(cx, zr).map(|z| z.key),
            None => x
                .address
                .and_then(|a| zones.containing(a.addr()))
                .map(|z| z.key.clone()),
        };
        if let (Some(a), Some(g)) = (&i.address, &i.gateway) {
            let net = a.v.trunc();
            if !net.contains(&g.v) {
                cx.report(
                    Diagnostic::error(
                        codes::E0404,
                        g.span,
                        format!("gateway {} is outside {net}", g.v),
                    )
                    .with_label(format!("not in {net}")),
                );
            }
        }
        interfaces.push(x);
    }
    let l3 = d.kind != DeviceKind::Switch;
    for t in &d.trunks {
        let port = t.port.clone().unwrap_or_else(|| t.name.v.clone());
        let mut x = iface(&t.name.v, InterfaceKind::Trunk, &port);
        x.description = t.description.clone();
        x.peer = t.to.as_ref().map(|p| p.v.join("."));
        let mut tz = Vec::new();
        for zr in &t.vlans {
            if let Some(z) = zone_in_site(cx, zr) {
                x.vlans.push(z.vlan);
                tz.push(z);
            }
        }
        x.vlans.sort_unstable();
        x.vlans.dedup();
        if let Some(n) = &t.native {
            if !(1..=4094).contains(&n.v) {
                cx.report(
                    Diagnostic::error(
                        codes::E0403,
                        n.span,
                        format!("VLAN id {} is out of range", n.v),
                    )
                    .with_label("must be 1–4094"),
                );
            } else {
                x.native_vlan = Some(n.v as u16);
            }
        }
        interfaces.push(x);
        if l3 {
            for z in tz {
                let mut sub = iface(
                    &format!("{}.{}", t.name.v, z.vlan),
                    InterfaceKind::Vlan,
                    &port,
                );
                sub.parent = Some(t.name.v.clone());
                let addr = own.get(&z.key).copied().unwrap_or(z.gateway);
                sub.address = Some(net_of(addr, &z));
                sub.vlan = Some(z.vlan);
                sub.zone = Some(z.key.clone());
                sub.description = z.description.clone().or_else(|| Some(z.name.clone()));
                interfaces.push(sub);
            }
        }
    }
    for a in &d.access {
        let Some(z) = zone_in_site(cx, &a.zone) else {
            continue;
        };
        let mut x = iface(&a.port.v, InterfaceKind::Access, &a.port.v);
        x.vlan = Some(z.vlan);
        x.zone = Some(z.key.clone());
        x.description = a.description.clone();
        if let Some(h) = &a.host {
            match hosts.get(h.v.as_str()) {
                Some(host) => {
                    // Only when the host was not written with an address there (a bad one is
                    // already reported).
                    let declared_there = names.hosts.get(h.v.as_str()).is_some_and(|hh| {
                        hh.addresses
                            .iter()
                            .any(|(zr, _, _)| zr.v.last() == Some(&z.name))
                    });
                    if !host.addresses.iter().any(|ad| ad.zone == z.key) && !declared_there {
                        cx.report(Diagnostic::error(
                            codes::E0505,
                            h.span,
                            format!(
                                "host `{}` has no address in zone `{}`, the port's VLAN",
                                h.v, z.key
                            ),
                        ));
                    }
                    if x.description.is_none() {
                        x.description = Some(h.v.clone());
                    }
                    x.host = Some(h.v.clone());
                }
                None if !names.hosts.contains_key(h.v.as_str()) => {
                    unresolved(cx, "host", h, names.hosts.keys().copied())
                }
                None => {}
            }
        }
        interfaces.push(x);
    }
    let management = d.management.as_ref().and_then(|(zr, ip)| {
        let z = zone_in_site(cx, zr)?;
        if !address::host_in_zone(cx, &z, ip, "the management address") {
            return None;
        }
        Some(Management {
            zone: z.key.clone(),
            address: net_of(ip.v, &z),
            gateway: z.gateway,
            vlan: z.vlan,
        })
    });
    let routing = match d.kind {
        DeviceKind::Switch => d.routing.unwrap_or(false),
        _ => true,
    };
    if d.kind == DeviceKind::Switch {
        let mut svis: BTreeMap<u16, Interface> = BTreeMap::new();
        if let Some(m) = &management {
            let mut x = iface(
                &format!("Vlan{}", m.vlan),
                InterfaceKind::Svi,
                &format!("Vlan{}", m.vlan),
            );
            x.address = Some(m.address);
            x.vlan = Some(m.vlan);
            x.zone = Some(m.zone.clone());
            x.description = Some("management".into());
            svis.insert(m.vlan, x);
        }
        for (key, addr) in &own {
            let Some((z, _)) = zones.zones.get(key) else {
                continue;
            };
            let mut x = iface(
                &format!("Vlan{}", z.vlan),
                InterfaceKind::Svi,
                &format!("Vlan{}", z.vlan),
            );
            x.address = Some(net_of(*addr, z));
            x.vlan = Some(z.vlan);
            x.zone = Some(key.clone());
            x.description = Some(z.name.clone());
            svis.entry(z.vlan).or_insert(x);
        }
        interfaces.extend(svis.into_values());
    }
    let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
    for i in &interfaces {
        // VLAN sub-interfaces and SVIs are named after their VLAN: a clash there is a
        // duplicate VLAN, already reported (E0402).
        let derived = matches!(i.kind, InterfaceKind::Vlan | InterfaceKind::Svi);
        if seen.insert(&i.name, ()).is_some() && !derived {
            cx.report(Diagnostic::error(
                codes::E0301,
                d.span,
                format!(
                    "device `{}` has two interfaces named `{}`",
                    d.name.v, i.name
                ),
            ));
        }
    }
    let ssh = d.ssh.as_ref().and_then(|(user, pw)| {
        Some(Ssh {
            user: user.clone(),
            password: secret_ref(cx, names, pw)?,
        })
    });
    let carp = d.carp.as_ref().and_then(|c| {
        let password = secret_ref(cx, names, &c.password)?;
        let mut vips = Vec::new();
        for i in interfaces.iter().filter(|i| i.kind == InterfaceKind::Vlan) {
            let Some(key) = &i.zone else { continue };
            let Some((z, _)) = zones.zones.get(key) else {
                continue;
            };
            if !own.contains_key(key) {
                cx.report(
                    Diagnostic::error(
                        codes::E0203,
                        c.span,
                        format!(
                            "`{}` is in a CARP pair but has no address of its own in zone `{key}`",
                            d.name.v
                        ),
                    )
                    .with_help(format!(
                        "add `address {} ADDRESS` (the gateway {} becomes the shared CARP address)",
                        z.name, z.gateway
                    )),
                );
                continue;
            }
            let vhid = (vips.len() + 1).min(255) as u8;
            vips.push(CarpVip {
                interface: i.name.clone(),
                zone: key.clone(),
                vhid,
                address: net_of(z.gateway, z),
            });
        }
        Some(Carp {
            peer: c.peer.v.clone(),
            password,
            skew: c.skew,
            vips,
        })
    });
    interfaces.sort_by(|a, b| a.name.cmp(&b.name));
    Some(Device {
        name: d.name.v.clone(),
        site: site.to_string(),
        kind: d.kind,
        platform,
        interfaces,
        routing,
        management,
        ssh,
        ospf: None,
        carp,
        forwards: Vec::new(),
        origin: cx.origin(d.span),
    })
}

fn links(cx: &mut Cx, hir: &Hir, devices: &mut [Device]) -> Vec<Link> {
    let mut out = Vec::new();
    // Each link names two devices: look them up by name, not by scanning every device.
    let mut by_name: HashMap<String, usize> = HashMap::with_capacity(devices.len());
    for (i, d) in devices.iter().enumerate() {
        by_name.entry(d.name.clone()).or_insert(i);
    }
    for l in &hir.links {
        let Some(t) = &l.transit else { continue };
        let net = t.v.trunc();
        let pair = address::usable(&net).and_then(|(first, last)| {
            let second = next(first)?;
            (second <= last).then_some((first, second))
        });
        let Some((a0, a1)) = pair else {
            cx.report(
                Diagnostic::error(
                    codes::E0408,
                    t.span,
                    format!("transit {net} has no room for two ends"),
                )
                .with_help("use a /30 or /31 (IPv6: /126 or /127)"),
            );
            continue;
        };
        if l.sides.len() != 2 {
            continue;
        }
        let ospf = l.ospf.as_ref().map(|o| OspfInterface {
            area: o.area.clone().unwrap_or_else(|| "0.0.0.0".into()),
            passive: false,
            cost: o.cost,
            hello_s: o.hello_s,
            dead_s: o.dead_s,
            point_to_point: true,
            auth: o.auth.as_ref().map(|a| SecretRef::new(&a.v)),
        });
        let mut sides = Vec::new();
        for (side, addr) in l.sides.iter().zip([a0, a1]) {
            let found = by_name.get(&side.device.v).copied();
            let Some(dev) = found.and_then(|i| devices.get_mut(i)) else {
                let all: Vec<String> = hir.devices.iter().map(|d| d.name.v.clone()).collect();
                if !all.contains(&side.device.v) {
                    unresolved(cx, "device", &side.device, all.iter().map(String::as_str));
                }
                continue;
            };
            let address = IpNet::new(addr, net.prefix_len()).unwrap_or(net);
            let existing = dev.interfaces.iter_mut().find(|i| i.name == side.interface);
            let x = match existing {
                Some(i) if i.address.is_none() && i.kind == InterfaceKind::Physical => i,
                Some(_) => {
                    cx.report(Diagnostic::error(
                        codes::E0301,
                        side.device.span,
                        format!(
                            "`{}` already has an interface `{}` with another use",
                            dev.name, side.interface
                        ),
                    ));
                    continue;
                }
                None => {
                    dev.interfaces.push(iface(
                        &side.interface,
                        InterfaceKind::Physical,
                        &side.interface,
                    ));
                    dev.interfaces.sort_by(|a, b| a.name.cmp(&b.name));
                    let Some(i) = dev.interfaces.iter_mut().find(|i| i.name == side.interface)
                    else {
                        continue;
                    };
                    i
                }
            };
            x.kind = InterfaceKind::Link;
            x.address = Some(address);
            x.link = Some(l.name.v.clone());
            x.ospf = ospf.clone();
            sides.push(LinkSide {
                device: dev.name.clone(),
                interface: side.interface.clone(),
                address,
            });
        }
        if sides.len() == 2 {
            let peer = |s: &LinkSide| format!("{}.{}", s.device, s.interface);
            let (p0, p1) = (peer(&sides[1]), peer(&sides[0]));
            for (s, p) in sides.iter().zip([p0, p1]) {
                if let Some(i) = by_name
                    .get(&s.device)
                    .and_then(|&d| devices.get_mut(d))
                    .and_then(|d| d.interfaces.iter_mut().find(|i| i.name == s.interface))
                {
                    i.peer = Some(p);
                }
            }
        }
        out.push(Link {
            name: l.name.v.clone(),
            transit: net,
            sides,
            ospf,
            origin: cx.origin(l.span),
        });
    }
    out
}

fn next(a: IpAddr) -> Option<IpAddr> {
    match a {
        IpAddr::V4(v) => u32::from(v)
            .checked_add(1)
            .map(|n| IpAddr::from(n.to_be_bytes())),
        IpAddr::V6(v) => u128::from(v)
            .checked_add(1)
            .map(|n| IpAddr::from(n.to_be_bytes())),
    }
}

/// Sets the device's OSPF process and per-interface OSPF once links are known.
fn finish_ospf(cx: &mut Cx, d: &mut Device, h: &DeviceH, zones: &ZoneTable) {
    let on_link = d
        .interfaces
        .iter()
        .any(|i| i.kind == InterfaceKind::Link && i.ospf.is_some());
    let default = OspfH::default();
    let Some(o) = h.ospf.as_ref().or(on_link.then_some(&default)) else {
        for i in d
            .interfaces
            .iter_mut()
            .filter(|i| i.kind == InterfaceKind::Link)
        {
            i.ospf = None;
        }
        return;
    };
    if !d.routing {
        cx.report(
            Diagnostic::error(
                codes::E0506,
                h.span,
                format!("switch `{}` runs OSPF but does not route", d.name),
            )
            .with_help("add `routing true` for a layer-3 switch, or remove `ospf`"),
        );
        return;
    }
    let area = o.area.clone().unwrap_or_else(|| "0.0.0.0".into());
    for p in &o.passive {
        let known = d.interfaces.iter().any(|i| {
            i.name == p.v
                || i.zone
                    .as_deref()
                    .and_then(|k| zones.zones.get(k))
                    .is_some_and(|(z, _)| z.name == p.v)
        });
        if !known {
            let cands: Vec<String> = d
                .interfaces
                .iter()
                .map(|i| i.name.clone())
                .chain(d.interfaces.iter().filter_map(|i| {
                    i.zone
                        .as_ref()
                        .and_then(|k| zones.zones.get(k))
                        .map(|(z, _)| z.name.clone())
                }))
                .collect();
            unresolved(
                cx,
                &format!("interface or zone of `{}`", d.name),
                p,
                cands.iter().map(String::as_str),
            );
        }
    }
    for i in d.interfaces.iter_mut() {
        let zone_name = i
            .zone
            .as_deref()
            .and_then(|k| zones.zones.get(k))
            .map(|(z, _)| z.name.clone());
        let eligible = matches!(i.kind, InterfaceKind::Vlan | InterfaceKind::Svi)
            || (i.kind == InterfaceKind::Physical && i.zone.is_some());
        if eligible && i.address.is_some() {
            let passive = o
                .passive
                .iter()
                .any(|p| p.v == i.name || Some(&p.v) == zone_name.as_ref());
            i.ospf = Some(OspfInterface {
                area: area.clone(),
                passive,
                cost: o.cost,
                hello_s: None,
                dead_s: None,
                point_to_point: false,
                auth: o.auth.as_ref().map(|a| SecretRef::new(&a.v)),
            });
        }
    }
    let router_id = h
        .router_id
        .or_else(|| {
            lowest_v4(
                d.interfaces
                    .iter()
                    .filter(|i| i.ospf.is_some())
                    .filter_map(|i| i.address),
            )
        })
        .unwrap_or(Ipv4Addr::new(10, 255, 255, 1));
    let mut redistribute = o.redistribute.clone();
    redistribute.sort();
    redistribute.dedup();
    d.ospf = Some(Ospf {
        router_id,
        area,
        redistribute,
    });
}

/// OSPF router ids are unique among the devices that run OSPF (E0510).
fn check_router_ids(cx: &mut Cx, devices: &[Device], spans: &BTreeMap<String, Span>) {
    let mut seen: BTreeMap<Ipv4Addr, &str> = BTreeMap::new();
    for d in devices {
        let Some(o) = &d.ospf else { continue };
        let Some(first) = seen.insert(o.router_id, &d.name) else {
            continue;
        };
        let (Some(&span), Some(&prev)) = (spans.get(&d.name), spans.get(first)) else {
            continue;
        };
        cx.report(
            Diagnostic::error(
                codes::E0510,
                span,
                format!(
                    "`{}` has OSPF router id {}, like `{first}`",
                    d.name, o.router_id
                ),
            )
            .with_label("same router id")
            .with_secondary(prev, "first used here")
            .with_help("give one of them its own `router_id`"),
        );
    }
}

/// Trunk peers (`to DEVICE.PORT`) and CARP peers must exist.
fn check_peers(cx: &mut Cx, hir: &Hir, devices: &[Device]) {
    let by_name: BTreeMap<&str, &Device> = devices.iter().map(|d| (d.name.as_str(), d)).collect();
    for h in &hir.devices {
        for t in &h.trunks {
            let Some(to) = &t.to else { continue };
            let ok = match to.v.as_slice() {
                [dev] => by_name.contains_key(dev.as_str()),
                [dev, port] => by_name.get(dev.as_str()).is_some_and(|d| {
                    d.interfaces
                        .iter()
                        .any(|i| &i.name == port || &i.port == port)
                }),
                _ => false,
            };
            if !ok {
                let cands: Vec<String> = devices
                    .iter()
                    .flat_map(|d| {
                        d.interfaces
                            .iter()
                            .filter(|i| {
                                matches!(i.kind, InterfaceKind::Trunk | InterfaceKind::Physical)
                            })
                            .map(move |i| format!("{}.{}", d.name, i.name))
                    })
                    .collect();
                unresolved(
                    cx,
                    "device port",
                    &Sp {
                        v: to.v.join("."),
                        span: to.span,
                    },
                    cands.iter().map(String::as_str),
                );
            }
        }
        if let Some(c) = &h.carp {
            match by_name.get(c.peer.v.as_str()) {
                Some(p)
                    if p.kind != DeviceKind::Firewall
                        || Some(&p.site) != h.site.as_ref().map(|s| &s.v) =>
                {
                    cx.report(Diagnostic::error(
                        codes::E0303,
                        c.peer.span,
                        format!(
                            "CARP peer `{}` is not a firewall of the same site",
                            c.peer.v
                        ),
                    ));
                }
                Some(_) => {
                    // CARP is a pair: the peer must name this firewall back.
                    let back = hir
                        .devices
                        .iter()
                        .find(|d| d.name.v == c.peer.v)
                        .and_then(|d| d.carp.as_ref())
                        .is_some_and(|pc| pc.peer.v == h.name.v);
                    if !back {
                        cx.report(
                            Diagnostic::error(
                                codes::E0203,
                                c.peer.span,
                                format!(
                                    "`{}` does not name `{}` as its CARP peer",
                                    c.peer.v, h.name.v
                                ),
                            )
                            .with_label("one-sided CARP pair")
                            .with_help(format!(
                                "add `carp {{ peer {}; password …; skew 100 }}` to `{}`",
                                h.name.v, c.peer.v
                            )),
                        );
                    }
                }
                None => {
                    let all: Vec<&str> = devices
                        .iter()
                        .filter(|d| d.kind == DeviceKind::Firewall)
                        .map(|d| d.name.as_str())
                        .collect();
                    unresolved(cx, "firewall", &c.peer, all.iter().copied());
                }
            }
        }
    }
}

/// Port forwards, resolved once load balancers and hosts are known.
pub fn forwards(
    cx: &mut Cx,
    hir: &Hir,
    devices: &mut [Device],
    hosts: &BTreeMap<&str, &Host>,
    lbs: &[LoadBalancer],
    zones: &ZoneTable,
) {
    let index: BTreeMap<String, usize> = devices
        .iter()
        .enumerate()
        .map(|(i, d)| (d.name.clone(), i))
        .collect();
    for h in hir.devices.iter().filter(|h| !h.forwards.is_empty()) {
        let Some(dev) = index.get(&h.name.v).and_then(|&i| devices.get_mut(i)) else {
            continue;
        };
        for f in &h.forwards {
            let target = lbs
                .iter()
                .find(|l| l.name == f.target.v)
                .map(|l| (l.vip, l.vip_zone.clone()))
                .or_else(|| {
                    hosts
                        .get(f.target.v.as_str())
                        .and_then(|hh| hh.addresses.first())
                        .map(|a| (a.address, a.zone.clone()))
                });
            let Some((target_address, target_zone)) = target else {
                if hosts.contains_key(f.target.v.as_str()) {
                    continue; // a host whose addresses were all wrong, already reported
                }
                let all: Vec<&str> = lbs
                    .iter()
                    .map(|l| l.name.as_str())
                    .chain(hosts.keys().copied())
                    .collect();
                unresolved(cx, "load balancer or host", &f.target, all.iter().copied());
                continue;
            };
            let outside = match &f.interface {
                Some(n) => dev.interfaces.iter().find(|i| i.name == n.v),
                None => dev.interfaces.iter().find(|i| {
                    i.kind == InterfaceKind::Physical && i.zone.is_none() && i.address.is_some()
                }),
            };
            let Some(outside) = outside else {
                cx.report(Diagnostic::error(codes::E0302, f.span, format!("`{}` has no outside interface to forward from", dev.name)).with_help("give the firewall `interface wan { address PREFIX }`, or name it with `interface NAME` in the forward"));
                continue;
            };
            let external = match (&f.external, outside.address) {
                (Some(e), _) => e.v,
                (None, Some(a)) => a.addr(),
                (None, None) => {
                    cx.report(
                        Diagnostic::error(
                            codes::E0203,
                            f.span,
                            format!(
                                "interface `{}` has no address to forward from",
                                outside.name
                            ),
                        )
                        .with_help("add `external ADDRESS`"),
                    );
                    continue;
                }
            };
            let _ = zones;
            for ports in &f.services {
                dev.forwards.push(Forward {
                    interface: outside.name.clone(),
                    external,
                    ports: ports.clone(),
                    target: f.target.v.clone(),
                    target_address,
                    target_zone: target_zone.clone(),
                    origin: cx.origin(f.span),
                });
            }
        }
        dev.forwards.sort_by(|a, b| {
            (&a.interface, &a.ports, &a.target).cmp(&(&b.interface, &b.ports, &b.target))
        });
    }
}
