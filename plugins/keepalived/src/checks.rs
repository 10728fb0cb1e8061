//! The checks of one HA group, as seen by one member: each reports, at the most specific IR
//! path, what keepalived cannot do exactly, and returns what rendering needs.

use crate::advert::{self, Advert, Version};
use crate::codes;
use crate::plan::Tracked;
use crate::words::{is_interface_name, is_process_name, is_script_path, is_word};
use infrac_sdk::{Diagnostic, HaGroup, HaMember};

/// The group name must be one keepalived word (it names the instance).
pub fn name(path: &str, g: &HaGroup, diags: &mut Vec<Diagnostic>) {
    if !is_word(&g.name) {
        diags.push(Diagnostic::error(
            codes::NOT_A_WORD,
            format!("{path}/name"),
            format!("ha name {:?} is not a single keepalived word", g.name),
        ));
    }
}

/// Whether the group is IPv6; reports VIPs and member addresses of the other family, a group
/// without VIPs and a prefix length the family does not have.
pub fn family(path: &str, g: &HaGroup, diags: &mut Vec<Diagnostic>) -> bool {
    let Some(first) = g.vips.first() else {
        diags.push(Diagnostic::error(
            codes::ADDRESS_FAMILY,
            format!("{path}/vips"),
            format!("ha `{}` has no VIP", g.name),
        ));
        return false;
    };
    let ipv6 = first.is_ipv6();
    let family = if ipv6 { "IPv6" } else { "IPv4" };
    for (j, vip) in g
        .vips
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_ipv6() != ipv6)
    {
        diags.push(Diagnostic::error(
            codes::ADDRESS_FAMILY,
            format!("{path}/vips/{j}"),
            format!(
                "VIP {vip} is not {family} like {first}: one VRRP instance carries one address \
                 family; declare a second ha group for it"
            ),
        ));
    }
    for (m, member) in g.members.iter().enumerate() {
        if member.address.is_ipv6() != ipv6 {
            diags.push(Diagnostic::error(
                codes::ADDRESS_FAMILY,
                format!("{path}/members/{m}/address"),
                format!(
                    "`{}` would advertise from {}, not an {family} address like the VIPs",
                    member.host, member.address
                ),
            ));
        }
    }
    if g.prefix_len > if ipv6 { 128 } else { 32 } {
        diags.push(Diagnostic::error(
            codes::ADDRESS_FAMILY,
            format!("{path}/prefix_len"),
            format!("/{} is not an {family} prefix length", g.prefix_len),
        ));
    }
    ipv6
}

/// The VRRP version and advert interval, when one carries the modelled interval exactly.
pub fn advert(path: &str, g: &HaGroup, ipv6: bool, diags: &mut Vec<Diagnostic>) -> Option<Advert> {
    let advert = advert::advert(g.advert_ms, ipv6);
    if advert.is_none() {
        diags.push(Diagnostic::error(
            codes::ADVERT_INTERVAL,
            format!("{path}/advert_ms"),
            format!(
                "ha `{}`: an advertisement interval of {} ms cannot be expressed: VRRPv2 takes \
                 whole seconds from 1 to 255 (IPv4 only), VRRPv3 multiples of 10 ms from 10 ms \
                 to 40.95 s",
                g.name, g.advert_ms
            ),
        ));
    }
    advert
}

/// Authentication needs VRRPv2, and a placeholder that is one word.
pub fn auth(
    path: &str,
    g: &HaGroup,
    advert: Option<&Advert>,
    ipv6: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(auth) = &g.auth else {
        return;
    };
    if advert.is_some_and(|a| a.version == Version::V3) {
        let why = if ipv6 {
            "its VIPs are IPv6"
        } else {
            "its advertisement interval is not whole seconds"
        };
        diags.push(Diagnostic::error(
            codes::AUTH_VRRPV3,
            format!("{path}/auth"),
            format!(
                "ha `{}` runs VRRPv3 ({why}), which has no authentication: keepalived would \
                 ignore the password; remove `auth` or use whole seconds on IPv4",
                g.name
            ),
        ));
    }
    if !is_word(&auth.placeholder) {
        diags.push(Diagnostic::error(
            codes::NOT_A_WORD,
            format!("{path}/auth"),
            format!(
                "secret placeholder {:?} is not a single keepalived word",
                auth.placeholder
            ),
        ));
    }
}

/// The tracked process with its weight, reporting what cannot be tracked exactly.
pub fn track(path: &str, g: &HaGroup, diags: &mut Vec<Diagnostic>) -> Option<Tracked> {
    let process = g.track.as_ref()?;
    if !is_process_name(process) {
        diags.push(Diagnostic::error(
            codes::TRACK_NAME,
            format!("{path}/track"),
            format!(
                "`pgrep -x` cannot match process {process:?} exactly: a process name is 1–15 \
                 letters, digits, `_` or `-` (the kernel keeps 15 characters)"
            ),
        ));
    }
    if !g.preempt {
        return Some(Tracked {
            process: process.clone(),
            weight: 0,
        });
    }
    if let Some((m, member)) = g.members.iter().enumerate().find(|(_, m)| m.priority <= 1) {
        diags.push(Diagnostic::error(
            codes::TRACK_PRIORITY,
            format!("{path}/members/{m}/priority"),
            format!(
                "`{}` has priority {}: with a tracked process, a member whose process died must \
                 fall below every healthy member, and keepalived cannot go below 1; use \
                 priorities from 2",
                member.host, member.priority
            ),
        ));
    }
    let highest = g.members.iter().map(|m| m.priority).max()?;
    let lowest = g.members.iter().map(|m| m.priority).min()?;
    Some(Tracked {
        process: process.clone(),
        weight: -(i16::from(highest) - i16::from(lowest) + 1),
    })
}

/// The notify script must be an absolute path of plain characters.
pub fn notify(path: &str, g: &HaGroup, diags: &mut Vec<Diagnostic>) {
    if let Some(n) = g.notify.as_ref().filter(|n| !is_script_path(n)) {
        diags.push(Diagnostic::error(
            codes::NOTIFY_PATH,
            format!("{path}/notify"),
            format!(
                "notify {n:?} is not an absolute path of letters, digits and `_ . / + -`: \
                 keepalived would split or misread it"
            ),
        ));
    }
}

/// Priorities 1–254 and a vrid of 1–255 (the IR promises both).
pub fn ranges(path: &str, g: &HaGroup, diags: &mut Vec<Diagnostic>) {
    for (m, member) in g.members.iter().enumerate() {
        if member.priority == 0 || member.priority == 255 {
            diags.push(Diagnostic::error(
                codes::RANGE,
                format!("{path}/members/{m}/priority"),
                format!(
                    "priority {} of `{}` is outside 1–254 (255 would make it the address owner)",
                    member.priority, member.host
                ),
            ));
        }
    }
    if g.vrid == 0 {
        diags.push(Diagnostic::error(
            codes::RANGE,
            format!("{path}/vrid"),
            "vrid 0 is outside 1–255".to_string(),
        ));
    }
}

/// Member `mi`, whose interface must be one keepalived can run VRRP on.
pub fn member<'g>(
    path: &str,
    g: &'g HaGroup,
    mi: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<&'g HaMember> {
    let me = g.members.get(mi)?;
    if !is_interface_name(&me.interface) {
        diags.push(Diagnostic::error(
            codes::INTERFACE_NAME,
            format!("{path}/members/{mi}/interface"),
            format!(
                "interface {:?} of `{}` is not a Linux interface name keepalived can run VRRP \
                 on (1–15 characters, no `/`, `:` or space, not `lo`)",
                me.interface, me.host
            ),
        ));
    }
    Some(me)
}
