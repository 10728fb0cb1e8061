//! The order of an access list: the device's own needs, prefix-to-prefix permits, replies,
//! the internet (zones denied first) and the final deny.

use super::Routed;
use super::entry::Ace;
use crate::net::{AclAddr, V4};
use std::collections::{BTreeMap, BTreeSet};

/// Where a part of an access list goes: what it matches decides its place.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    /// Both sides are prefixes.
    Concrete,
    /// To the internet, from this source.
    ToInternet(AclAddr),
    /// From the internet, to this destination.
    FromInternet(AclAddr),
    /// From the internet to the internet.
    Both,
}

fn class(src: AclAddr, dst: AclAddr) -> Class {
    match (src, dst) {
        (AclAddr::Any, AclAddr::Any) => Class::Both,
        (AclAddr::Any, d) => Class::FromInternet(d),
        (s, AclAddr::Any) => Class::ToInternet(s),
        _ => Class::Concrete,
    }
}

/// Remarked entries of one class.
#[derive(Default)]
pub(super) struct Section {
    pub(super) entries: Vec<(String, Vec<Ace>)>,
}

impl Section {
    pub(super) fn push(&mut self, remark: &str, ace: Ace) {
        match self.entries.last_mut() {
            Some((r, aces)) if r == remark => aces.push(ace),
            _ => self.entries.push((remark.to_string(), vec![ace])),
        }
    }
}

/// Everything one ACL will hold, by section.
#[derive(Default)]
pub(super) struct Parts {
    pub(super) implied: Section,
    pub(super) concrete: Section,
    pub(super) replies: Section,
    pub(super) to_internet: BTreeMap<AclAddr, Section>,
    pub(super) from_internet: BTreeMap<AclAddr, Section>,
    pub(super) both: Section,
    /// Flows with entries in an internet section, for diagnostics.
    pub(super) internet_flows: BTreeSet<usize>,
}

impl Parts {
    pub(super) fn push(&mut self, reply: bool, flow: usize, remark: &str, ace: Ace) {
        let c = class(ace.src, ace.dst);
        if c != Class::Concrete {
            self.internet_flows.insert(flow);
        }
        match c {
            Class::Concrete if reply => self.replies.push(remark, ace),
            Class::Concrete => self.concrete.push(remark, ace),
            Class::ToInternet(s) => self.to_internet.entry(s).or_default().push(remark, ace),
            Class::FromInternet(d) => self.from_internet.entry(d).or_default().push(remark, ace),
            Class::Both => self.both.push(remark, ace),
        }
    }
}

/// Whether `addr` lies inside one of the model's zones.
fn inside(addr: AclAddr, internal: &[V4]) -> bool {
    match addr {
        AclAddr::Any => false,
        AclAddr::Net(n) => internal.iter().any(|z| z.contains(n)),
    }
}

/// Whether `addr` shares an address with one of the model's zones.
fn touches(addr: AclAddr, internal: &[V4]) -> bool {
    match addr {
        AclAddr::Any => !internal.is_empty(),
        AclAddr::Net(n) => internal.iter().any(|z| z.overlaps(n)),
    }
}

/// The ACL's lines in order; `Err(flow index)` when the internet sections cannot be ordered.
pub(super) fn assemble(r: &Routed, p: Parts, internal: &[V4]) -> Result<Vec<String>, usize> {
    // Denies before a "to the internet" permit kill (source, zone) packets; before a "from the
    // internet" permit, (zone, destination) packets. Put first the kind whose denies cannot
    // hit what the other kind permits.
    let to_first_conflicts = p.to_internet.keys().any(|s| !inside(*s, internal))
        && p.from_internet.keys().any(|d| touches(*d, internal));
    let from_first_conflicts = p.from_internet.keys().any(|d| !inside(*d, internal))
        && p.to_internet.keys().any(|s| touches(*s, internal));
    let to_first = match (to_first_conflicts, from_first_conflicts) {
        (false, _) => true,
        (true, false) => false,
        (true, true) => return Err(p.internet_flows.first().copied().unwrap_or_default()),
    };
    let header = format!(
        "infrac: inbound on {}{}, from the flow matrix",
        r.name,
        r.zone
            .as_deref()
            .map(|z| format!(" (zone {z})"))
            .unwrap_or_default()
    );
    let mut out = vec![format!(
        "remark {}",
        crate::names::one_line(&header, crate::names::REMARK_MAX)
    )];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut emit = |out: &mut Vec<String>, section: &Section| {
        for (remark, aces) in &section.entries {
            out.push(format!(
                "remark {}",
                crate::names::one_line(remark, crate::names::REMARK_MAX)
            ));
            for ace in aces {
                let text = ace.to_string();
                if seen.insert(text.clone()) {
                    out.push(text);
                }
            }
        }
    };
    emit(&mut out, &p.implied);
    emit(&mut out, &p.concrete);
    emit(&mut out, &p.replies);
    let mut to_internet = Vec::new();
    for (src, section) in &p.to_internet {
        let mut denies = Section::default();
        for z in internal {
            denies.push(
                "infrac: the internet excludes the model's zones",
                Ace::deny_ip(*src, AclAddr::Net(*z)),
            );
        }
        to_internet.push(denies);
        to_internet.push(Section {
            entries: section.entries.clone(),
        });
    }
    let mut from_internet = Vec::new();
    for (dst, section) in &p.from_internet {
        let mut denies = Section::default();
        for z in internal {
            denies.push(
                "infrac: the internet excludes the model's zones",
                Ace::deny_ip(AclAddr::Net(*z), *dst),
            );
        }
        from_internet.push(denies);
        from_internet.push(Section {
            entries: section.entries.clone(),
        });
    }
    let (first, second) = if to_first {
        (to_internet, from_internet)
    } else {
        (from_internet, to_internet)
    };
    for s in first.iter().chain(&second) {
        emit(&mut out, s);
    }
    if !p.both.entries.is_empty() {
        let mut denies = Section::default();
        for z in internal {
            denies.push(
                "infrac: the internet excludes the model's zones",
                Ace::deny_ip(AclAddr::Net(*z), AclAddr::Any),
            );
            denies.push(
                "infrac: the internet excludes the model's zones",
                Ace::deny_ip(AclAddr::Any, AclAddr::Net(*z)),
            );
        }
        emit(&mut out, &denies);
        emit(&mut out, &p.both);
    }
    out.push("remark infrac: nothing else".to_string());
    out.push("deny ip any any".to_string());
    Ok(out)
}
