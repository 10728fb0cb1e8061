//! What IOS cannot take: names, OSPF values, VLANs.

use super::Checker;
use super::ports::Port;
use crate::codes;
use crate::names;
use infrac_sdk::{Device, InterfaceKind, Model};
use std::net::Ipv4Addr;

/// Longest key IOS takes for `ip ospf message-digest-key … md5`.
const MD5_KEY_MAX: u32 = 16;

/// Longest user name IOS takes.
const USER_MAX: usize = 64;

/// Longest `ip domain-name` IOS takes.
const DOMAIN_MAX: usize = 64;

/// Interfaces the device kind cannot have: switch ports on a router, routed ports with an
/// address on a switch that does not route.
pub(super) fn check_kinds(
    c: &mut Checker,
    d: &Device,
    ports: &[Port],
    switch: bool,
    routing: bool,
) {
    for p in ports {
        let kind = p.model.kind;
        if !switch && matches!(kind, InterfaceKind::Access | InterfaceKind::Svi) {
            c.at(
                codes::UNSUPPORTED,
                c.interface_path(p.index),
                format!(
                    "router `{}` has the switch port `{}`; IOS routers are rendered with routed \
                     and sub-interfaces only",
                    d.name, p.model.name
                ),
            );
        }
        if switch
            && !routing
            && matches!(kind, InterfaceKind::Physical | InterfaceKind::Link)
            && p.model.address.is_some()
        {
            c.at(
                codes::UNSUPPORTED,
                c.interface_path(p.index),
                format!(
                    "`{}` is a routed port with an address, but switch `{}` does not route; add \
                     `routing true`",
                    p.model.name, d.name
                ),
            );
        }
    }
}

/// Hostname, user and domain must be words IOS accepts; a local user must exist.
pub(super) fn check_names(c: &mut Checker, model: &Model, d: &Device) {
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

/// The VLANs a switch carries, with their names. VLAN 1 is left out: it always exists, IOS
/// does not let anyone rename it, and it never shows in a running configuration.
pub(super) fn vlan_database(
    c: &mut Checker,
    model: &Model,
    d: &Device,
) -> Vec<(u16, Option<String>)> {
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

/// OSPF values IOS can hold; MD5 keys at most 16 characters.
pub(super) fn check_ospf(c: &mut Checker, model: &Model, d: &Device) {
    let Some(o) = &d.ospf else { return };
    if let Some((_, other)) = model.devices.iter().enumerate().find(|(k, x)| {
        *k != c.device && x.ospf.as_ref().is_some_and(|p| p.router_id == o.router_id)
    }) {
        c.at(
            codes::DUPLICATE_ROUTER_ID,
            format!("{}/ospf/router_id", c.device_path()),
            format!(
                "OSPF router id {} of `{}` is also `{}`'s: IOS drops hellos that carry its own \
                 router id, and the two would overwrite each other's router LSAs",
                o.router_id, d.name, other.name
            ),
        );
    }
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
pub(super) fn area(dotted: &str) -> Option<u32> {
    if let Ok(n) = dotted.parse::<u32>() {
        return Some(n);
    }
    dotted.parse::<Ipv4Addr>().ok().map(u32::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_in_decimal() {
        assert_eq!(area("0.0.0.0"), Some(0));
        assert_eq!(area("0.0.1.0"), Some(256));
        assert_eq!(area("12"), Some(12));
        assert_eq!(area("backbone"), None);
    }
}
