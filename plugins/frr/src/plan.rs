//! From one device of the model to what its frr.conf says, checking on the way everything FRR
//! cannot express exactly. Rendering the [`Plan`] to text is then mechanical.

use crate::codes;
use crate::names::{invalid_ifname, natural_cmp, os_interface};
use crate::paths::InterfaceAt;
use infrac_sdk::{Device, Diagnostic, Interface, Model, OspfInterface, Platform, SecretRef};
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};

/// The longest MD5 key FRR's ospfd keeps (`OSPF_AUTH_MD5_SIZE`); longer keys are truncated.
pub const MD5_KEY_MAX: u32 = 16;

/// Everything one frr.conf says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// The device's name, as `hostname`.
    pub hostname: String,
    /// Whether frr.conf sets addresses (and forwarding, static routes): FRR routers on Linux,
    /// where zebra owns them; not OPNsense, where the OS does.
    pub owns_addresses: bool,
    /// `ip forwarding` (a Linux FRR router routes).
    pub ipv4_forwarding: bool,
    /// `ipv6 forwarding` (a Linux FRR router with an IPv6 address).
    pub ipv6_forwarding: bool,
    /// Static routes (`ip route 0.0.0.0/0 GATEWAY IFNAME`) for uplinks with a gateway, sorted.
    pub static_routes: Vec<String>,
    /// `interface` blocks, in natural order of their names.
    pub interfaces: Vec<InterfaceBlock>,
    /// `router ospf`, when the device runs OSPF.
    pub router: Option<RouterOspf>,
}

/// One `interface NAME` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceBlock {
    /// The OS interface name.
    pub name: String,
    /// Its lines, sorted as vtysh lists them (byte order).
    pub lines: Vec<String>,
}

/// The `router ospf` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterOspf {
    /// `ospf router-id`.
    pub router_id: Ipv4Addr,
    /// `redistribute` sources, in ospfd's order (kernel, connected, static).
    pub redistribute: Vec<&'static str>,
}

/// Route sources ospfd can redistribute that the model can name, in the order ospfd writes
/// them (zebra's route type order).
const REDISTRIBUTABLE: [&str; 3] = ["kernel", "connected", "static"];

/// Plans the frr.conf of device `index`, or every reason it cannot be rendered exactly.
pub fn plan(model: &Model, index: usize, device: &Device) -> Result<Plan, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    if !is_hostname(&device.name) {
        errors.push(Diagnostic::error(
            codes::BAD_HOSTNAME,
            format!("/devices/{index}/name"),
            format!(
                "`{}` cannot be FRR's hostname: one word of letters, digits, `.`, `_` and `-`",
                device.name.escape_debug()
            ),
        ));
    }
    let owns_addresses = device.platform == Platform::Frr;
    let mut blocks: Vec<InterfaceBlock> = Vec::new();
    let mut static_routes = Vec::new();
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut runs_ospf = false;
    for (i, iface) in device.interfaces.iter().enumerate() {
        let rendered = iface.ospf.is_some()
            || (owns_addresses && (iface.address.is_some() || iface.gateway.is_some()));
        if !rendered {
            continue;
        }
        let at = InterfaceAt::new(model, index, i, iface);
        let Some(name) = os_name(device, &at, &mut errors) else {
            continue;
        };
        if let Some(first) = seen.get(&name) {
            errors.push(Diagnostic::error(
                codes::DUPLICATE_IFNAME,
                at.path(),
                format!(
                    "interfaces `{first}` and `{}` of `{}` are both the OS interface `{name}`; \
                     one `interface {name}` block cannot hold both",
                    iface.name, device.name
                ),
            ));
            continue;
        }
        seen.insert(name.clone(), iface.name.clone());
        let mut lines = Vec::new();
        if let Some(text) = description(iface) {
            lines.push(format!("description {text}"));
        }
        if owns_addresses {
            match iface.address {
                Some(a) if a.addr().is_ipv4() => lines.push(format!("ip address {a}")),
                Some(a) => lines.push(format!("ipv6 address {a}")),
                None => {}
            }
            match iface.gateway {
                Some(IpAddr::V4(g)) => static_routes.push(format!("ip route 0.0.0.0/0 {g} {name}")),
                Some(IpAddr::V6(g)) => static_routes.push(format!("ipv6 route ::/0 {g} {name}")),
                None => {}
            }
        }
        if let Some(ospf) = &iface.ospf {
            runs_ospf = true;
            ospf_lines(model, device, &at, ospf, &mut lines, &mut errors);
        }
        lines.sort();
        blocks.push(InterfaceBlock { name, lines });
    }
    let router = match &device.ospf {
        Some(o) => {
            let mut redistribute = Vec::new();
            for (k, source) in o.redistribute.iter().enumerate() {
                if !REDISTRIBUTABLE.contains(&source.as_str()) {
                    errors.push(Diagnostic::error(
                        codes::REDISTRIBUTE,
                        format!("/devices/{index}/ospf/redistribute/{k}"),
                        format!(
                            "FRR's ospfd cannot redistribute `{source}` routes as the model \
                             means them (it takes kernel, connected and static)"
                        ),
                    ));
                }
            }
            for source in REDISTRIBUTABLE {
                if o.redistribute.iter().any(|r| r == source) {
                    redistribute.push(source);
                }
            }
            if let Some(other) = model
                .devices
                .iter()
                .enumerate()
                .find(|(k, d)| {
                    *k != index && d.ospf.as_ref().is_some_and(|p| p.router_id == o.router_id)
                })
                .map(|(_, d)| d)
            {
                errors.push(Diagnostic::error(
                    codes::DUPLICATE_ROUTER_ID,
                    format!("/devices/{index}/ospf/router_id"),
                    format!(
                        "OSPF router id {} of `{}` is also `{}`'s: ospfd drops hellos that \
                         carry its own router id, and the two would overwrite each other's \
                         router LSAs",
                        o.router_id, device.name, other.name
                    ),
                ));
            }
            Some(RouterOspf {
                router_id: o.router_id,
                redistribute,
            })
        }
        None if runs_ospf => {
            errors.push(Diagnostic::error(
                codes::NO_PROCESS,
                format!("/devices/{index}"),
                format!(
                    "interfaces of `{}` run OSPF but the device has no OSPF process, so there \
                     is no router id for `router ospf`",
                    device.name
                ),
            ));
            None
        }
        None => None,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    blocks.sort_by(|a, b| natural_cmp(&a.name, &b.name));
    static_routes.sort();
    static_routes.dedup();
    let ipv6_forwarding = owns_addresses
        && device
            .interfaces
            .iter()
            .any(|i| i.address.is_some_and(|a| a.addr().is_ipv6()));
    Ok(Plan {
        hostname: device.name.clone(),
        owns_addresses,
        ipv4_forwarding: owns_addresses,
        ipv6_forwarding,
        static_routes,
        interfaces: blocks,
        router,
    })
}

/// The OS interface name of an interface, or an error when it has none the kernel accepts.
fn os_name(device: &Device, at: &InterfaceAt, errors: &mut Vec<Diagnostic>) -> Option<String> {
    let iface = at.iface;
    let Some(name) = os_interface(device.platform, iface) else {
        errors.push(Diagnostic::error(
            codes::BAD_IFNAME,
            at.path(),
            format!(
                "interface `{}` of `{}` is {}, which has no routed OS interface for FRR to \
                 configure",
                iface.name,
                device.name,
                kind_name(iface.kind)
            ),
        ));
        return None;
    };
    if let Some(why) = invalid_ifname(&name) {
        let derived = iface.kind == infrac_sdk::InterfaceKind::Vlan;
        errors.push(Diagnostic::error(
            codes::BAD_IFNAME,
            at.name_path(derived && device.platform == Platform::Opnsense),
            format!(
                "`{name}` (interface `{}` of `{}`) is not a kernel interface name: {why}",
                iface.name, device.name
            ),
        ));
        return None;
    }
    Some(name)
}

/// What an interface kind is, in a message.
fn kind_name(kind: infrac_sdk::InterfaceKind) -> &'static str {
    use infrac_sdk::InterfaceKind::*;
    match kind {
        Physical => "a physical interface",
        Trunk => "a trunk",
        Vlan => "a VLAN sub-interface",
        Svi => "an SVI",
        Access => "an access port",
        Link => "a link end",
    }
}

/// The interface's OSPF lines (`ip ospf …`), checking each value FRR must accept.
fn ospf_lines(
    model: &Model,
    device: &Device,
    at: &InterfaceAt,
    ospf: &OspfInterface,
    lines: &mut Vec<String>,
    errors: &mut Vec<Diagnostic>,
) {
    let iface = at.iface;
    if !iface.address.is_some_and(|a| a.addr().is_ipv4()) {
        let what = match iface.address {
            Some(a) => format!("only the IPv6 address {a}"),
            None => "no address".to_string(),
        };
        errors.push(Diagnostic::error(
            codes::NO_IPV4,
            at.address_path(),
            format!(
                "interface `{}` of `{}` runs OSPF but has {what}: OSPFv2 (FRR's ospfd) runs \
                 over IPv4 only",
                iface.name, device.name
            ),
        ));
    }
    match ospf.area.parse::<Ipv4Addr>() {
        Ok(_) => lines.push(format!("ip ospf area {}", ospf.area)),
        Err(_) => errors.push(Diagnostic::error(
            codes::OSPF_VALUE,
            at.ospf_path("area"),
            format!("OSPF area `{}` is not a dotted-quad area id", ospf.area),
        )),
    }
    if ospf.passive {
        lines.push("ip ospf passive".into());
    }
    if ospf.point_to_point {
        lines.push("ip ospf network point-to-point".into());
    }
    let ranged = [
        ("cost", "cost", ospf.cost),
        ("hello_s", "hello-interval", ospf.hello_s),
        ("dead_s", "dead-interval", ospf.dead_s),
    ];
    for (field, command, value) in ranged {
        match value {
            // ospfd never lists `hello-interval 10`, its default, in its running config (it
            // does list a dead interval, even the default 40): the file keeps its canonical
            // form without changing meaning.
            Some(10) if command == "hello-interval" => {}
            Some(v @ 1..=65535) => lines.push(format!("ip ospf {command} {v}")),
            Some(v) => errors.push(Diagnostic::error(
                codes::OSPF_VALUE,
                at.ospf_path(field),
                format!("OSPF {command} {v} is outside what FRR accepts (1–65535)"),
            )),
            None => {}
        }
    }
    if let Some(key) = &ospf.auth {
        match md5_key_problem(model, key) {
            None => {
                lines.push("ip ospf authentication message-digest".into());
                lines.push(format!(
                    "ip ospf message-digest-key 1 md5 {}",
                    key.placeholder
                ));
            }
            Some(why) => errors.push(Diagnostic::error(
                codes::MD5_KEY,
                at.ospf_path("auth"),
                format!(
                    "secret `{}` cannot be the OSPF MD5 key of `{}` on `{}`: {why}",
                    key.name, iface.name, device.name
                ),
            )),
        }
    }
}

/// Why a secret cannot be an FRR MD5 key, or `None` when it can.
fn md5_key_problem(model: &Model, key: &SecretRef) -> Option<String> {
    if key.placeholder.is_empty() || key.placeholder.chars().any(|c| c.is_whitespace()) {
        return Some(format!(
            "its placeholder `{}` is not a single token",
            key.placeholder
        ));
    }
    let declared = model
        .secrets
        .iter()
        .find(|s| s.name == key.name)
        .and_then(|s| s.max_length);
    match declared {
        Some(max) if max > MD5_KEY_MAX => Some(format!(
            "it is declared up to {max} characters long, and FRR keeps only the first \
             {MD5_KEY_MAX} characters of an MD5 key (declare it with `max_length {MD5_KEY_MAX}`)"
        )),
        _ => None,
    }
}

/// The interface's description on one line: the model's, or for a link end the link and its
/// far end, or the zone it is in; whitespace and control characters collapsed to single spaces.
fn description(iface: &Interface) -> Option<String> {
    let text = match (&iface.description, &iface.link, &iface.peer, &iface.zone) {
        (Some(d), _, _, _) => d.clone(),
        (None, Some(link), Some(peer), _) => format!("link {link} to {peer}"),
        (None, Some(link), None, _) => format!("link {link}"),
        (None, None, _, Some(zone)) => format!("zone {zone}"),
        (None, None, _, None) => return None,
    };
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Whether `name` can stand as `hostname NAME`: one word of letters, digits, `.`, `_`, `-`.
fn is_hostname(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}
