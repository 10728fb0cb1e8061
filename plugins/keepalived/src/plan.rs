//! From the model to the checked VRRP instances of one host: every decision about what
//! keepalived is asked to do is taken here, so rendering is a plain transcription.

use crate::advert::Advert;
use crate::{checks, codes};
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
    checks::name(&path, g, &mut diags);
    let ipv6 = checks::family(&path, g, &mut diags);
    let advert = checks::advert(&path, g, ipv6, &mut diags);
    checks::auth(&path, g, advert.as_ref(), ipv6, &mut diags);
    let track = checks::track(&path, g, &mut diags);
    checks::notify(&path, g, &mut diags);
    checks::ranges(&path, g, &mut diags);
    let me = checks::member(&path, g, mi, &mut diags);
    let (Some(advert), Some(me), true) = (advert, me, diags.is_empty()) else {
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
