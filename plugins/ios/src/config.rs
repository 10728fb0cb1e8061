//! One device's configuration, in the order IOS prints its running configuration.

use crate::acl::{self, Acl, Routed};
use crate::codes;
use crate::names::{self, IosInterface};
use crate::net::{V4, dotted_mask};
use infrac_sdk::{
    Device, DeviceKind, Diagnostic, Interface, InterfaceKind, Model, OspfInterface, Platform,
    TextWriter,
};
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

/// The OSPF process number every device uses.
const OSPF_PROCESS: u32 = 1;
/// Longest key IOS takes for `ip ospf message-digest-key … md5`.
const MD5_KEY_MAX: u32 = 16;
/// Longest user name IOS takes.
const USER_MAX: usize = 64;
/// Longest `ip domain-name` IOS takes.
const DOMAIN_MAX: usize = 64;
/// Longest line IOS prints a trunk's allowed VLAN list on before continuing with `add`.
const VLAN_LINE_MAX: usize = 80;

/// Collects diagnostics against one device.
struct Checker {
    device: usize,
    errors: Vec<Diagnostic>,
}

impl Checker {
    fn at(&mut self, code: &str, path: String, message: String) {
        self.errors.push(Diagnostic::error(code, path, message));
    }

    fn device_path(&self) -> String {
        format!("/devices/{}", self.device)
    }

    fn interface_path(&self, k: usize) -> String {
        format!("/devices/{}/interfaces/{k}", self.device)
    }
}

/// An interface with its IOS name.
struct Port<'a> {
    index: usize,
    ios: IosInterface,
    model: &'a Interface,
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

/// Renders device `index` of the model, or every reason it cannot be rendered exactly.
pub fn render(model: &Model, index: usize) -> Result<String, Vec<Diagnostic>> {
    let mut c = Checker {
        device: index,
        errors: Vec::new(),
    };
    let Some(d) = model.devices.get(index) else {
        return Err(vec![Diagnostic::error(
            codes::NOT_IOS,
            "",
            format!("no device at index {index}"),
        )]);
    };
    let switch = d.kind == DeviceKind::Switch;
    let routing = d.routing || d.kind == DeviceKind::Router;

    check_names(&mut c, model, d);
    let ports = ports(&mut c, d);
    if !switch {
        for p in &ports {
            if matches!(p.model.kind, InterfaceKind::Access | InterfaceKind::Svi) {
                c.at(
                    codes::UNSUPPORTED,
                    c.interface_path(p.index),
                    format!(
                        "router `{}` has the switch port `{}`; IOS routers are rendered with \
                         routed and sub-interfaces only",
                        d.name, p.model.name
                    ),
                );
            }
        }
    }
    if switch && !routing {
        for p in &ports {
            if matches!(p.model.kind, InterfaceKind::Physical | InterfaceKind::Link)
                && p.model.address.is_some()
            {
                c.at(
                    codes::UNSUPPORTED,
                    c.interface_path(p.index),
                    format!(
                        "`{}` is a routed port with an address, but switch `{}` does not \
                         route; add `routing true`",
                        p.model.name, d.name
                    ),
                );
            }
        }
    }
    let vlans = if switch {
        vlan_database(&mut c, model, d)
    } else {
        Vec::new()
    };
    let (next_hops, routed) = routed_interfaces(&mut c, d, &ports, routing);
    let ntp: Vec<Ipv4Addr> = model
        .project
        .ntp
        .iter()
        .filter_map(|a| match a {
            IpAddr::V4(v) => Some(*v),
            IpAddr::V6(_) => None,
        })
        .collect();
    let routed_zones: BTreeSet<String> = d
        .interfaces
        .iter()
        .filter(|i| i.address.is_some() && routed_kind(i.kind))
        .filter_map(|i| i.zone.clone())
        .collect();
    let acls = if routing {
        match acl::build(model, &routed, &routed_zones, &ntp) {
            Ok(a) => a,
            Err(mut e) => {
                c.errors.append(&mut e);
                Vec::new()
            }
        }
    } else {
        Vec::new()
    };
    check_ospf(&mut c, model, d);
    let banner = match model.project.banner.as_deref() {
        Some(text) if !text.is_empty() => match crate::banner::lines(text) {
            Ok(lines) => lines,
            Err(e) => {
                c.at(codes::BANNER, "/project/banner".into(), e.to_string());
                Vec::new()
            }
        },
        _ => Vec::new(),
    };
    if !c.errors.is_empty() {
        return Err(c.errors);
    }

    let mut w = TextWriter::new(" ");
    w.line("! Generated by infrac from the model; do not edit.");
    w.line("!");
    w.line("service password-encryption");
    w.line("!");
    w.line(format!("hostname {}", d.name));
    w.line("!");
    if let Some(ssh) = &d.ssh {
        w.line(format!(
            "username {} privilege 15 secret 0 {}",
            ssh.user, ssh.password.placeholder
        ));
        w.line("!");
    }
    if switch && routing {
        w.line("ip routing");
        w.line("!");
    }
    w.line("no ip domain-lookup");
    w.line(format!("ip domain-name {}", model.project.domain));
    w.line("!");
    if switch {
        w.line("vtp mode transparent");
        w.line("!");
        for (id, name) in &vlans {
            w.line(format!("vlan {id}"));
            if let Some(n) = name {
                w.indented(|w| {
                    w.line(format!("name {n}"));
                });
            }
            w.line("!");
        }
    }
    let acl_of: BTreeMap<usize, &Acl> = acls
        .iter()
        .filter_map(|a| routed.get(a.routed).map(|r| (r.index, a)))
        .collect();
    let mut sorted: Vec<&Port> = ports.iter().collect();
    sorted.sort_by(|a, b| a.ios.order.cmp(&b.ios.order));
    for p in sorted {
        interface(&mut w, d, p, switch, acl_of.get(&p.index).copied());
        w.line("!");
    }
    if let Some(o) = &d.ospf {
        w.line(format!("router ospf {OSPF_PROCESS}"));
        w.indented(|w| {
            w.line(format!("router-id {}", o.router_id));
            for r in &o.redistribute {
                w.line(format!("redistribute {r} subnets"));
            }
            let mut passive: Vec<&Port> = ports
                .iter()
                .filter(|p| p.model.ospf.as_ref().is_some_and(|o| o.passive))
                .collect();
            passive.sort_by(|a, b| a.ios.order.cmp(&b.ios.order));
            for p in passive {
                w.line(format!("passive-interface {}", p.ios.name));
            }
        });
        w.line("!");
    }
    if switch
        && !routing
        && let Some(m) = &d.management
    {
        w.line(format!("ip default-gateway {}", m.gateway));
        w.line("!");
    }
    w.line("no ip http server");
    w.line("no ip http secure-server");
    w.line("!");
    for hop in &next_hops {
        w.line(format!("ip route 0.0.0.0 0.0.0.0 {hop}"));
    }
    w.line("ip ssh version 2");
    w.line("!");
    for a in &acls {
        w.line(format!("ip access-list extended {}", a.name));
        w.indented(|w| {
            for l in &a.lines {
                w.line(l);
            }
        });
        w.line("!");
    }
    if !model.project.syslog.is_empty() {
        for s in &model.project.syslog {
            match s {
                IpAddr::V4(a) => w.line(format!("logging host {a}")),
                IpAddr::V6(a) => w.line(format!("logging host ipv6 {a}")),
            };
        }
        w.line("!");
    }
    if !banner.is_empty() {
        for l in &banner {
            // Banner text goes out exactly as written, without indentation.
            w.line(l);
        }
        w.line("!");
    }
    w.line("line con 0");
    w.indented(|w| {
        w.line("login local");
    });
    for range in ["0 4", "5 15"] {
        w.line(format!("line vty {range}"));
        w.indented(|w| {
            w.line("login local");
            w.line("transport input ssh");
        });
    }
    w.line("!");
    if !model.project.ntp.is_empty() {
        for s in &model.project.ntp {
            w.line(format!("ntp server {s}"));
        }
        w.line("!");
    }
    w.line("end");
    Ok(w.finish())
}

/// Hostname, user and domain must be words IOS accepts; a local user must exist.
fn check_names(c: &mut Checker, model: &Model, d: &Device) {
    if !names::valid_hostname(&d.name) {
        c.at(
            codes::NAME,
            c.device_path(),
            format!(
                "`{}` is not a valid IOS hostname (letters, digits and hyphens, starting with a \
                 letter, ending with a letter or digit, at most 63 characters)",
                d.name
            ),
        );
    }
    match &d.ssh {
        None => c.at(
            codes::NO_USER,
            c.device_path(),
            format!(
                "`{}` has no `ssh {{ user …; password … }}`: its lines log in with local users, \
                 so nobody could log in",
                d.name
            ),
        ),
        Some(ssh) if !names::valid_word(&ssh.user, USER_MAX) => c.at(
            codes::NAME,
            format!("{}/ssh/user", c.device_path()),
            format!(
                "`{}` is not a valid IOS user name (one word of printable characters, at most \
                 {USER_MAX})",
                ssh.user
            ),
        ),
        Some(_) => {}
    }
    if !names::valid_word(&model.project.domain, DOMAIN_MAX) {
        c.at(
            codes::NAME,
            "/project/domain".into(),
            format!(
                "`{}` cannot be an IOS `ip domain-name` (one word, at most {DOMAIN_MAX} \
                 characters)",
                model.project.domain
            ),
        );
    }
}

/// Every interface with its IOS name; unknown or duplicate names are IOS006.
fn ports<'a>(c: &mut Checker, d: &'a Device) -> Vec<Port<'a>> {
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

/// The VLANs a switch carries, with their names. VLAN 1 is left out: it always exists, IOS
/// does not let anyone rename it, and it never shows in a running configuration.
fn vlan_database(c: &mut Checker, model: &Model, d: &Device) -> Vec<(u16, Option<String>)> {
    let mut ids: Vec<u16> = Vec::new();
    for i in &d.interfaces {
        ids.extend(i.vlan);
        ids.extend(&i.vlans);
    }
    ids.sort_unstable();
    ids.dedup();
    ids.retain(|&id| id != 1);
    let site = model
        .sites
        .iter()
        .enumerate()
        .find(|(_, s)| s.name == d.site);
    let mut out = Vec::new();
    for id in ids {
        let zone = site.and_then(|(si, s)| {
            s.zones
                .iter()
                .enumerate()
                .find(|(_, z)| z.vlan == id)
                .map(|(zi, z)| (format!("/sites/{si}/zones/{zi}"), z))
        });
        if (1002..=1005).contains(&id) {
            c.at(
                codes::VLAN,
                zone.as_ref()
                    .map(|(p, _)| p.clone())
                    .unwrap_or_else(|| c.device_path()),
                format!(
                    "VLAN {id} is reserved on IOS (1002–1005 are the FDDI and Token Ring \
                     defaults) and cannot carry a zone"
                ),
            );
            continue;
        }
        let name = match &zone {
            Some((path, z)) => match names::vlan_name(&z.name) {
                Some(n) => Some(n),
                None => {
                    c.at(
                        codes::VLAN,
                        path.clone(),
                        format!(
                            "zone `{}` cannot be an IOS VLAN name (1 to {} characters)",
                            z.name,
                            names::VLAN_NAME_MAX
                        ),
                    );
                    None
                }
            },
            None => None,
        };
        out.push((id, name));
    }
    out
}

/// The default routes' next hops and the routed interfaces (with which of them face upstream).
fn routed_interfaces(
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
fn routed_kind(kind: InterfaceKind) -> bool {
    matches!(
        kind,
        InterfaceKind::Svi | InterfaceKind::Vlan | InterfaceKind::Physical | InterfaceKind::Link
    )
}

/// OSPF values IOS can hold; MD5 keys at most 16 characters.
fn check_ospf(c: &mut Checker, model: &Model, d: &Device) {
    let Some(o) = &d.ospf else { return };
    for (k, r) in o.redistribute.iter().enumerate() {
        if !matches!(r.as_str(), "connected" | "static") {
            c.at(
                codes::UNSUPPORTED,
                format!("{}/ospf/redistribute/{k}", c.device_path()),
                format!("this backend redistributes `connected` and `static`, not `{r}`"),
            );
        }
    }
    if area(&o.area).is_none() {
        c.at(
            codes::UNSUPPORTED,
            format!("{}/ospf/area", c.device_path()),
            format!("`{}` is not an OSPF area IOS can write", o.area),
        );
    }
    for (k, i) in d.interfaces.iter().enumerate() {
        let Some(oi) = &i.ospf else { continue };
        let path = format!("{}/ospf", c.interface_path(k));
        if area(&oi.area).is_none() {
            c.at(
                codes::UNSUPPORTED,
                format!("{path}/area"),
                format!("`{}` is not an OSPF area IOS can write", oi.area),
            );
        }
        for (what, value) in [
            ("cost", oi.cost),
            ("hello interval", oi.hello_s),
            ("dead interval", oi.dead_s),
        ] {
            if let Some(v) = value
                && !(1..=65535).contains(&v)
            {
                c.at(
                    codes::UNSUPPORTED,
                    path.clone(),
                    format!("OSPF {what} {v} on `{}` is outside IOS's 1–65535", i.name),
                );
            }
        }
        if let Some(auth) = &oi.auth {
            let limit = model
                .secrets
                .iter()
                .find(|s| s.name == auth.name)
                .and_then(|s| s.max_length);
            if let Some(n) = limit
                && n > MD5_KEY_MAX
            {
                c.at(
                    codes::MD5_KEY,
                    format!("{path}/auth"),
                    format!(
                        "secret `{}` may be {n} characters long, but an IOS OSPF MD5 key is at \
                         most {MD5_KEY_MAX}; give it `max_length {MD5_KEY_MAX}`",
                        auth.name
                    ),
                );
            }
        }
    }
}

/// An OSPF area as IOS writes it: a decimal number (`0.0.0.0` → `0`).
fn area(dotted: &str) -> Option<u32> {
    if let Ok(n) = dotted.parse::<u32>() {
        return Some(n);
    }
    dotted.parse::<Ipv4Addr>().ok().map(u32::from)
}

/// One `interface` block.
fn interface(w: &mut TextWriter, d: &Device, p: &Port, switch: bool, acl: Option<&Acl>) {
    let i = p.model;
    w.line(format!("interface {}", p.ios.name));
    w.indented(|w| {
        let description = match (&i.description, i.kind, &i.peer, &i.link) {
            (Some(text), _, _, _) => Some(text.clone()),
            (None, InterfaceKind::Trunk, Some(peer), _) => Some(format!("trunk to {peer}")),
            (None, InterfaceKind::Link, Some(peer), Some(link)) => {
                Some(format!("link {link} to {peer}"))
            }
            _ => None,
        };
        if let Some(text) = description {
            let text = names::one_line(&text, names::DESCRIPTION_MAX);
            if !text.is_empty() {
                w.line(format!("description {text}"));
            }
        }
        match i.kind {
            InterfaceKind::Access => {
                if let Some(v) = i.vlan {
                    w.line(format!("switchport access vlan {v}"));
                }
                w.line("switchport mode access");
                w.line("spanning-tree portfast");
            }
            InterfaceKind::Trunk if switch => {
                let items = names::vlan_ranges(&i.vlans);
                if items.is_empty() {
                    w.line("switchport trunk allowed vlan none");
                }
                for line in allowed_vlan_lines(&items) {
                    w.line(line);
                }
                if d.platform == Platform::Iosvl2 {
                    w.line("switchport trunk encapsulation dot1q");
                }
                if let Some(n) = i.native_vlan {
                    w.line(format!("switchport trunk native vlan {n}"));
                }
                w.line("switchport mode trunk");
            }
            InterfaceKind::Trunk => {
                w.line("no ip address");
                w.line("no shutdown");
            }
            // A switch port the model gives no address or VLAN: a plain (default) switchport.
            InterfaceKind::Physical | InterfaceKind::Link if switch && i.address.is_none() => {}
            InterfaceKind::Svi
            | InterfaceKind::Vlan
            | InterfaceKind::Physical
            | InterfaceKind::Link => {
                if switch && matches!(i.kind, InterfaceKind::Physical | InterfaceKind::Link) {
                    w.line("no switchport");
                }
                if let (InterfaceKind::Vlan, Some(v)) = (i.kind, i.vlan) {
                    let native = d
                        .interfaces
                        .iter()
                        .find(|t| Some(&t.name) == i.parent.as_ref())
                        .and_then(|t| t.native_vlan)
                        == Some(v);
                    w.line(format!(
                        "encapsulation dot1Q {v}{}",
                        if native { " native" } else { "" }
                    ));
                }
                match &i.address {
                    Some(a) => w.line(format!(
                        "ip address {} {}",
                        a.addr(),
                        dotted_mask(a.prefix_len())
                    )),
                    None => w.line("no ip address"),
                };
                if let Some(a) = acl {
                    w.line(format!("ip access-group {} in", a.name));
                }
                if let (Some(o), Some(_)) = (&i.ospf, &d.ospf) {
                    ospf_interface(w, o);
                }
                w.line("no shutdown");
            }
        }
    });
}

/// `switchport trunk allowed vlan` lines as IOS prints a long list: the first line, then
/// `… add …` lines, each at most about 80 characters.
fn allowed_vlan_lines(items: &[String]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for item in items {
        if !line.is_empty() && line.len() + 1 + item.len() > VLAN_LINE_MAX {
            lines.push(std::mem::take(&mut line));
        }
        if line.is_empty() {
            let add = if lines.is_empty() { "" } else { "add " };
            line = format!("switchport trunk allowed vlan {add}{item}");
        } else {
            line.push(',');
            line.push_str(item);
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Interface-level OSPF: authentication, network type, timers, area, cost.
fn ospf_interface(w: &mut TextWriter, o: &OspfInterface) {
    if let Some(auth) = &o.auth {
        w.line("ip ospf authentication message-digest");
        w.line(format!(
            "ip ospf message-digest-key 1 md5 {}",
            auth.placeholder
        ));
    }
    if o.point_to_point {
        w.line("ip ospf network point-to-point");
    }
    if let Some(h) = o.hello_s {
        w.line(format!("ip ospf hello-interval {h}"));
    }
    if let Some(dead) = o.dead_s {
        w.line(format!("ip ospf dead-interval {dead}"));
    }
    w.line(format!(
        "ip ospf {OSPF_PROCESS} area {}",
        area(&o.area).unwrap_or_default()
    ));
    if let Some(cost) = o.cost {
        w.line(format!("ip ospf cost {cost}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_vlan_lists_continue_with_add() {
        let items: Vec<String> = (0..40).map(|k| (100 + 3 * k).to_string()).collect();
        let lines = allowed_vlan_lines(&items);
        assert!(lines.len() > 1);
        assert!(lines[0].starts_with("switchport trunk allowed vlan 100,103,"));
        assert!(
            lines[1..]
                .iter()
                .all(|l| l.starts_with("switchport trunk allowed vlan add "))
        );
        assert!(lines.iter().all(|l| l.len() <= VLAN_LINE_MAX));
        let back: Vec<String> = lines
            .iter()
            .flat_map(|l| l.rsplit(' ').next().unwrap().split(','))
            .map(str::to_string)
            .collect();
        assert_eq!(back, items);
        assert_eq!(area("0.0.0.0"), Some(0));
        assert_eq!(area("0.0.1.0"), Some(256));
        assert_eq!(area("12"), Some(12));
        assert_eq!(area("backbone"), None);
    }
}
