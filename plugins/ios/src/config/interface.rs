//! One `interface` block: switchports, SVIs, routed ports, sub-interfaces, OSPF.

use super::OSPF_PROCESS;
use super::checks::area;
use super::ports::Port;
use crate::acl::Acl;
use crate::names;
use crate::net::dotted_mask;
use infrac_sdk::{Device, InterfaceKind, OspfInterface, Platform, TextWriter};

/// Longest line IOS prints a trunk's allowed VLAN list on before continuing with `add`.
const VLAN_LINE_MAX: usize = 80;

/// One `interface` block.
pub(super) fn block(w: &mut TextWriter, d: &Device, p: &Port, switch: bool, acl: Option<&Acl>) {
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
    }
}
