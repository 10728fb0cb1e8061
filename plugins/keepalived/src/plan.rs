//! From the model to the checked VRRP instances of one host: every decision about what
//! keepalived is asked to do is taken here, so rendering is a plain transcription.

use crate::advert::{Advert, Version, advert};
use crate::codes;
use crate::words::{is_interface_name, is_process_name, is_script_path, is_word};
use infrac_sdk::{Diagnostic, HaGroup, HaMember, Model};
use std::net::IpAddr;

/// The state an instance starts in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// The highest-priority member of a preempting group.
    Master,
    /// Every other member, and every member of a group that does not preempt.
    Backup,
}

/// A tracked process: `pgrep -x PROCESS` every second; after two failures it counts as dead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tracked {
    /// The process name.
    pub process: String,
    /// keepalived's weight: in a preempting group, minus one more than the group's priority
    /// spread, so a member whose process died falls below every member whose process runs;
    /// in a group that does not preempt, 0: the member goes to FAULT and gives up the VIPs
    /// (a lowered priority would move nothing, since `nopreempt` keeps the current master).
    pub weight: i16,
}

/// One `vrrp_instance`: one HA group as seen by one of its members.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    /// The group name (the instance name).
    pub name: String,
    /// Where the group was declared, for a comment.
    pub origin: String,
    /// Initial state.
    pub state: State,
    /// The member's interface in the group's zone.
    pub interface: String,
    /// `virtual_router_id`.
    pub vrid: u8,
    /// The member's priority.
    pub priority: u8,
    /// Protocol version and advertisement interval.
    pub advert: Advert,
    /// Whether the VIPs are IPv6 (`native_ipv6`).
    pub ipv6: bool,
    /// Whether a higher-priority member takes the VIPs back.
    pub preempt: bool,
    /// The member's own address (`unicast_src_ip`).
    pub source: IpAddr,
    /// The other members' addresses, highest priority first.
    pub peers: Vec<IpAddr>,
    /// The password placeholder, when the group authenticates.
    pub auth: Option<String>,
    /// The VIPs, with the zone's prefix length.
    pub vips: Vec<IpAddr>,
    /// Prefix length of the VIPs.
    pub prefix_len: u8,
    /// The tracked process, when there is one.
    pub track: Option<Tracked>,
    /// The notify script, when there is one.
    pub notify: Option<String>,
}

/// The checked instances of `host` (in model order), or every reason they cannot be rendered.
pub fn instances(model: &Model, host: &str) -> Result<Vec<Instance>, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut out = Vec::new();
    for (gi, group) in model.ha_groups.iter().enumerate() {
        let Some(mi) = group.members.iter().position(|m| m.host == host) else {
            continue;
        };
        match instance(gi, group, mi) {
            Ok(i) => out.push((gi, i)),
            Err(mut d) => diags.append(&mut d),
        }
    }
    diags.extend(vrid_clashes(&out));
    if diags.is_empty() {
        Ok(out.into_iter().map(|(_, i)| i).collect())
    } else {
        Err(diags)
    }
}

/// Two instances of one host with the same VRID on the same interface and family.
fn vrid_clashes(instances: &[(usize, Instance)]) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    for (k, (gi, i)) in instances.iter().enumerate() {
        let earlier = instances
            .iter()
            .take(k)
            .find(|(_, o)| o.interface == i.interface && o.ipv6 == i.ipv6 && o.vrid == i.vrid);
        if let Some((_, o)) = earlier {
            diags.push(Diagnostic::error(
                codes::VRID_CLASH,
                format!("/ha_groups/{gi}/vrid"),
                format!(
                    "ha `{}` and ha `{}` both use vrid {} on interface `{}`: keepalived cannot \
                     tell their adverts apart; give each its own vrid",
                    o.name, i.name, i.vrid, i.interface
                ),
            ));
        }
    }
    diags
}

/// Group `gi` as seen by its member `mi`.
fn instance(gi: usize, g: &HaGroup, mi: usize) -> Result<Instance, Vec<Diagnostic>> {
    let path = format!("/ha_groups/{gi}");
    let mut diags = Vec::new();
    if !is_word(&g.name) {
        diags.push(Diagnostic::error(
            codes::NOT_A_WORD,
            format!("{path}/name"),
            format!("ha name {:?} is not a single keepalived word", g.name),
        ));
    }
    let ipv6 = family(&path, g, &mut diags);
    let advert = match advert(g.advert_ms, ipv6) {
        Some(a) => Some(a),
        None => {
            diags.push(Diagnostic::error(
                codes::ADVERT_INTERVAL,
                format!("{path}/advert_ms"),
                format!(
                    "ha `{}`: an advertisement interval of {} ms cannot be expressed: VRRPv2 \
                     takes whole seconds from 1 to 255 (IPv4 only), VRRPv3 multiples of 10 ms \
                     from 10 ms to 40.95 s",
                    g.name, g.advert_ms
                ),
            ));
            None
        }
    };
    if let Some(auth) = &g.auth {
        if advert.as_ref().is_some_and(|a| a.version == Version::V3) {
            let why = if ipv6 {
                "its VIPs are IPv6"
            } else {
                "its advertisement interval is not whole seconds"
            };
            diags.push(Diagnostic::error(
                codes::AUTH_VRRPV3,
                format!("{path}/auth"),
                format!(
                    "ha `{}` runs VRRPv3 ({why}), which has no authentication: keepalived \
                     would ignore the password; remove `auth` or use whole seconds on IPv4",
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
    let track = track(&path, g, &mut diags);
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
    let Some(me) = g.members.get(mi) else {
        return Err(diags);
    };
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
    let (Some(advert), true) = (advert, diags.is_empty()) else {
        return Err(diags);
    };
    Ok(Instance {
        name: g.name.clone(),
        origin: g.origin.to_string(),
        state: state(g, me),
        interface: me.interface.clone(),
        vrid: g.vrid,
        priority: me.priority,
        advert,
        ipv6,
        preempt: g.preempt,
        source: me.address,
        peers: g
            .members
            .iter()
            .enumerate()
            .filter(|(m, _)| *m != mi)
            .map(|(_, o)| o.address)
            .collect(),
        auth: g.auth.as_ref().map(|a| a.placeholder.clone()),
        vips: g.vips.clone(),
        prefix_len: g.prefix_len,
        track,
        notify: g.notify.clone(),
    })
}

/// Whether the group is IPv6; reports VIPs and member addresses of the other family, a group
/// without VIPs and a prefix length the family does not have.
fn family(path: &str, g: &HaGroup, diags: &mut Vec<Diagnostic>) -> bool {
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

/// The tracked process with its weight, reporting what cannot be tracked exactly.
fn track(path: &str, g: &HaGroup, diags: &mut Vec<Diagnostic>) -> Option<Tracked> {
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

/// MASTER for the highest-priority members of a preempting group; BACKUP otherwise
/// (`nopreempt` works only when every member starts as BACKUP).
fn state(g: &HaGroup, me: &HaMember) -> State {
    let highest = g.members.iter().map(|m| m.priority).max().unwrap_or(0);
    if g.preempt && me.priority == highest {
        State::Master
    } else {
        State::Backup
    }
}
