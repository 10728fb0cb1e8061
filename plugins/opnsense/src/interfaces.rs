//! Interface assignment: which OPNsense interface (`wan`, `lan`, `optN`) each model interface
//! becomes, on which device (`vtnet0`, or the VLAN device `vlan0.N`), and the VLAN devices.
//!
//! - The first physical interface with a gateway (by name) is `wan`; a further one (an IPv6
//!   uplink beside an IPv4 one) is also an uplink, numbered `optN` after the links.
//! - Zone interfaces (VLAN sub-interfaces, or physical interfaces in a zone), sorted by VLAN
//!   id, are `lan`, `opt1`, `opt2`…
//! - Link ends (sorted by name), then any further addressed physical interface, continue the
//!   `optN` numbering.
//! - A VLAN sub-interface runs on the VLAN device `vlan0.N` (N the tag), whose parent is the
//!   trunk's port: OPNsense's device naming (`vlan0` followed by digits and dots).

use crate::net::Net;
use infrac_sdk::{Device, Diagnostic, InterfaceKind};
use std::net::IpAddr;

/// What an assigned interface is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// An uplink to the internet (a physical interface with a gateway): `wan`, and any
    /// further one as `optN`.
    Wan,
    /// A zone's interface; the zone key.
    Zone(String),
    /// One end of an inter-site link; the link's name.
    Link(String),
    /// Another addressed physical interface.
    Other,
}

/// One OPNsense interface assignment.
#[derive(Clone, Debug)]
pub struct Assigned {
    /// OPNsense's identifier: `wan`, `lan`, `opt1`…
    pub ident: String,
    /// What it is for.
    pub role: Role,
    /// The device it runs on (`vtnet0`, `vlan0.10`).
    pub device_if: String,
    /// Index of the model interface in `Device.interfaces`.
    pub model_index: usize,
    /// Name of the model interface (`lan.10`, `wan`, `vtnet2`).
    pub model_name: String,
    /// Description: the zone name, the link name or the interface name.
    pub descr: String,
    /// The firewall's own address with the prefix length (host bits kept).
    pub address: Option<Net>,
    /// Upstream gateway (WAN).
    pub gateway: Option<IpAddr>,
}

/// One VLAN device.
#[derive(Clone, Debug)]
pub struct VlanDevice {
    /// Parent port (`vtnet1`).
    pub parent: String,
    /// The tag, 1–4094.
    pub tag: u16,
    /// Device name `vlan0.N`.
    pub device: String,
    /// Description (the zone name).
    pub descr: String,
}

/// The interface plan of one firewall.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Assigned interfaces, in assignment order (`wan`, `lan`, `opt1`…).
    pub assigned: Vec<Assigned>,
    /// VLAN devices, sorted by tag.
    pub vlans: Vec<VlanDevice>,
}

impl Plan {
    /// The assignment of the model interface named `name`.
    pub fn by_model_name(&self, name: &str) -> Option<&Assigned> {
        self.assigned.iter().find(|a| a.model_name == name)
    }

    /// The assignment with identifier `ident`.
    pub fn by_ident(&self, ident: &str) -> Option<&Assigned> {
        self.assigned.iter().find(|a| a.ident == ident)
    }

    /// The assignment of zone `key`.
    pub fn zone(&self, key: &str) -> Option<&Assigned> {
        self.assigned
            .iter()
            .find(|a| matches!(&a.role, Role::Zone(z) if z == key))
    }

    /// The WAN interfaces.
    pub fn wans(&self) -> impl Iterator<Item = &Assigned> {
        self.assigned.iter().filter(|a| a.role == Role::Wan)
    }

    /// The link interfaces.
    pub fn links(&self) -> impl Iterator<Item = &Assigned> {
        self.assigned
            .iter()
            .filter(|a| matches!(a.role, Role::Link(_)))
    }
}

/// The name of the `n`th internal interface: `lan`, then `opt1`, `opt2`…
fn internal_ident(n: usize, has_lan: bool) -> String {
    match (n, has_lan) {
        (0, true) => "lan".to_string(),
        (n, true) => format!("opt{n}"),
        (n, false) => format!("opt{}", n + 1),
    }
}

/// Plans the interfaces of `device` (at `/devices/{index}`).
pub fn plan(device: &Device, index: usize) -> Result<Plan, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut plan = Plan::default();
    let path = |i: usize| format!("/devices/{index}/interfaces/{i}");
    let ifaces: Vec<(usize, &infrac_sdk::Interface)> =
        device.interfaces.iter().enumerate().collect();

    // The uplink.
    let wan = ifaces.iter().find(|(_, i)| {
        i.kind == InterfaceKind::Physical && i.gateway.is_some() && i.zone.is_none()
    });
    if let Some((i, iface)) = wan {
        plan.assigned.push(Assigned {
            ident: "wan".to_string(),
            role: Role::Wan,
            device_if: iface.port.clone(),
            model_index: *i,
            model_name: iface.name.clone(),
            descr: iface.name.clone(),
            address: iface.address.map(|a| host_net!(a)),
            gateway: iface.gateway,
        });
    }

    // Zone interfaces, by VLAN id.
    let mut zones: Vec<&(usize, &infrac_sdk::Interface)> = ifaces
        .iter()
        .filter(|(_, i)| {
            i.zone.is_some() && matches!(i.kind, InterfaceKind::Vlan | InterfaceKind::Physical)
        })
        .collect();
    zones.sort_by_key(|(i, iface)| (iface.vlan.unwrap_or(0), *i));
    let mut internal = 0usize;
    for (i, iface) in zones {
        let zone = iface.zone.clone().unwrap_or_default();
        let descr = zone
            .split_once('.')
            .map(|(_, z)| z)
            .unwrap_or(&zone)
            .to_string();
        let device_if = if iface.kind == InterfaceKind::Vlan {
            let Some(tag) = iface.vlan.filter(|t| (1..=4094).contains(t)) else {
                errors.push(Diagnostic::error(
                    "OPNSENSE009",
                    path(*i),
                    format!("VLAN interface `{}` has no VLAN id in 1–4094", iface.name),
                ));
                continue;
            };
            let device_name = format!("vlan0.{tag}");
            if let Some(other) = plan.vlans.iter().find(|v| v.tag == tag) {
                errors.push(Diagnostic::error(
                    "OPNSENSE004",
                    path(*i),
                    format!(
                        "VLAN {tag} is on both `{}` and `{}`: OPNsense names the VLAN device `{device_name}` after its tag, so one firewall cannot carry the same tag on two ports",
                        other.parent, iface.port
                    ),
                ));
                continue;
            }
            plan.vlans.push(VlanDevice {
                parent: iface.port.clone(),
                tag,
                device: device_name.clone(),
                descr: descr.clone(),
            });
            device_name
        } else {
            iface.port.clone()
        };
        if iface.address.is_none() {
            errors.push(Diagnostic::error(
                "OPNSENSE009",
                path(*i),
                format!(
                    "interface `{}` in zone `{zone}` has no address: OPNsense needs the firewall's own address to route and filter the zone",
                    iface.name
                ),
            ));
        }
        plan.assigned.push(Assigned {
            ident: internal_ident(internal, true),
            role: Role::Zone(zone),
            device_if,
            model_index: *i,
            model_name: iface.name.clone(),
            descr,
            address: iface.address.map(|a| host_net!(a)),
            gateway: None,
        });
        internal += 1;
    }
    let has_lan = internal > 0;

    // Link ends, then other addressed physical interfaces (further uplinks among them).
    let links = ifaces.iter().filter(|(_, i)| i.kind == InterfaceKind::Link);
    let others = ifaces.iter().filter(|(i, iface)| {
        iface.kind == InterfaceKind::Physical
            && iface.zone.is_none()
            && iface.address.is_some()
            && wan.is_none_or(|(w, _)| w != i)
    });
    for (i, iface) in links.chain(others) {
        let role = match (&iface.kind, &iface.link) {
            (InterfaceKind::Link, Some(link)) => Role::Link(link.clone()),
            (InterfaceKind::Link, None) => Role::Link(iface.name.clone()),
            // A further uplink (e.g. an IPv6 one beside the IPv4 `wan`).
            _ if iface.gateway.is_some() => Role::Wan,
            _ => Role::Other,
        };
        if iface.address.is_none() {
            errors.push(Diagnostic::error(
                "OPNSENSE009",
                path(*i),
                format!("link interface `{}` has no transit address", iface.name),
            ));
        }
        let descr = match &role {
            Role::Link(l) => l.clone(),
            _ => iface.name.clone(),
        };
        plan.assigned.push(Assigned {
            ident: internal_ident(internal, has_lan),
            role,
            device_if: iface.port.clone(),
            model_index: *i,
            model_name: iface.name.clone(),
            descr,
            address: iface.address.map(|a| host_net!(a)),
            gateway: iface.gateway,
        });
        internal += 1;
    }
    plan.vlans
        .sort_by(|a, b| (a.tag, &a.parent).cmp(&(b.tag, &b.parent)));
    unique_descriptions(&mut plan.assigned);
    if errors.is_empty() {
        Ok(plan)
    } else {
        Err(errors)
    }
}

/// OPNsense keeps only `[A-Za-z0-9_]` of an interface description (its interface page strips
/// the rest) and names interfaces by it, so each is made of those characters (others become
/// `_`) and unique (a repeated one takes its identifier as a suffix).
fn unique_descriptions(assigned: &mut [Assigned]) {
    let mut seen = std::collections::BTreeSet::new();
    for a in assigned.iter_mut() {
        let mut descr: String = a
            .descr
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if descr.is_empty() || !seen.insert(descr.to_lowercase()) {
            descr = format!("{descr}_{}", a.ident);
            seen.insert(descr.to_lowercase());
        }
        a.descr = descr;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_are_opnsense_names_and_unique() {
        let a = |ident: &str, descr: &str| Assigned {
            ident: ident.to_string(),
            role: Role::Other,
            device_if: String::new(),
            model_index: 0,
            model_name: String::new(),
            descr: descr.to_string(),
            address: None,
            gateway: None,
        };
        let mut list = vec![
            a("lan", "paris-lyon"),
            a("opt1", "paris_lyon"),
            a("opt2", ""),
        ];
        unique_descriptions(&mut list);
        let d: Vec<&str> = list.iter().map(|x| x.descr.as_str()).collect();
        assert_eq!(d, ["paris_lyon", "paris_lyon_opt1", "_opt2"]);
    }

    #[test]
    fn internal_names() {
        assert_eq!(internal_ident(0, true), "lan");
        assert_eq!(internal_ident(2, true), "opt2");
        assert_eq!(internal_ident(0, false), "opt1");
    }
}
