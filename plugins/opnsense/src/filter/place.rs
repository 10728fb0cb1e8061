//! Where each flow enters this firewall: the interface its source arrives on, when its
//! destination lies beyond another interface.

use super::pieces::{Piece, Zones};
use super::{Addr, Family, Firewall};
use crate::interfaces::Role;
use crate::topology::Behind;
use infrac_sdk::{Flow, FlowReason};

/// What a candidate rule's internet side is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Kind {
    /// Both sides are addresses.
    Concrete,
    /// The source is the internet.
    InternetSource,
    /// The destination is the internet.
    InternetDestination,
}

/// Where and between what a candidate rule passes traffic.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Key {
    pub(super) interface: usize,
    pub(super) kind: Kind,
    pub(super) family: Family,
    pub(super) source: Addr,
    pub(super) destination: Addr,
}

impl Firewall<'_> {
    /// Indexes (into `plan.assigned`) where addresses of zone `key` arrive.
    fn zone_entries(&self, key: &str) -> Vec<usize> {
        if let Some(i) = self
            .plan
            .assigned
            .iter()
            .position(|a| matches!(&a.role, Role::Zone(z) if z == key))
        {
            return vec![i];
        }
        self.link_entries(|b| b.zones.contains(key))
    }

    fn link_entries(&self, wanted: impl Fn(&Behind) -> bool) -> Vec<usize> {
        self.plan
            .assigned
            .iter()
            .enumerate()
            .filter(|(_, a)| matches!(a.role, Role::Link(_)))
            .filter(|(_, a)| self.behind.get(&a.model_name).is_some_and(&wanted))
            .map(|(i, _)| i)
            .collect()
    }

    /// Where addresses of `family` outside every zone arrive: the uplinks with an address of
    /// that family (every uplink when none has one), or the links when there is no uplink.
    fn outside_entries(&self, family: Family) -> Vec<usize> {
        let uplinks = |same_family: bool| -> Vec<usize> {
            self.plan
                .assigned
                .iter()
                .enumerate()
                .filter(|(_, a)| a.role == Role::Wan)
                .filter(|(_, a)| {
                    !same_family || a.address.is_some_and(|n| Family::of(&n) == family)
                })
                .map(|(i, _)| i)
                .collect()
        };
        let of_family = uplinks(true);
        if !of_family.is_empty() {
            return of_family;
        }
        let any = uplinks(false);
        if any.is_empty() {
            self.link_entries(|_| true)
        } else {
            any
        }
    }

    /// Where the internet side of `flow` arrives: a port forward's traffic only on the
    /// forward's interface (or, for another device's forward, on the link towards it).
    fn internet_entries(&self, flow: &Flow, family: Family) -> Vec<usize> {
        if flow.provenance.reason != FlowReason::Forward {
            return self.outside_entries(family);
        }
        if flow.provenance.name == self.device.name {
            let mut out: Vec<usize> = self
                .device
                .forwards
                .iter()
                .filter(|f| f.origin == flow.provenance.origin)
                .filter_map(|f| {
                    self.plan
                        .assigned
                        .iter()
                        .position(|a| a.model_name == f.interface)
                })
                .collect();
            out.sort();
            out.dedup();
            out
        } else {
            self.link_entries(|b| b.devices.contains(&flow.provenance.name))
        }
    }

    fn entries(&self, piece: &Piece, flow: &Flow, family: Family) -> Vec<usize> {
        match piece {
            Piece::Zone { key, .. } => self.zone_entries(key),
            Piece::Outside(_) => self.outside_entries(family),
            Piece::Internet => self.internet_entries(flow, family),
        }
    }

    fn exits(&self, piece: &Piece, family: Family) -> Vec<usize> {
        match piece {
            Piece::Zone { key, .. } => self.zone_entries(key),
            Piece::Outside(_) | Piece::Internet => self.outside_entries(family),
        }
    }

    /// Whether traffic between the outside and `piece` crosses this firewall's uplink: not
    /// for a zone behind a link beyond which another device has its own uplink (the internet
    /// reaches that zone, and that zone the internet, through that device).
    fn uplink_serves(&self, piece: &Piece) -> bool {
        let Piece::Zone { key, .. } = piece else {
            return true;
        };
        if self.plan.zone(key).is_some() {
            return true;
        }
        self.plan
            .links()
            .filter_map(|a| self.behind.get(&a.model_name))
            .any(|b| b.zones.contains(key) && !b.has_uplink)
    }

    pub(super) fn ident(&self, index: usize) -> String {
        self.plan
            .assigned
            .get(index)
            .map(|a| a.ident.clone())
            .unwrap_or_default()
    }

    /// The candidate keys for one flow: each (entry interface, source piece, destination
    /// piece) whose destination lies beyond another interface.
    pub(super) fn place(&self, zones: &Zones, flow: &Flow) -> Vec<Key> {
        let mut keys = Vec::new();
        let sources = zones.pieces(&flow.from);
        let destinations = zones.pieces(&flow.to);
        for s in &sources {
            for d in &destinations {
                let family = match (s.net(), d.net()) {
                    (None, None) => continue,
                    (Some(a), Some(b)) if Family::of(&a) != Family::of(&b) => continue,
                    (Some(a), _) | (None, Some(a)) => Family::of(&a),
                };
                let kind = match (s, d) {
                    (Piece::Internet, _) => Kind::InternetSource,
                    (_, Piece::Internet) => Kind::InternetDestination,
                    _ => Kind::Concrete,
                };
                // The outside and a zone reach each other through this firewall's uplink
                // only when no other uplink serves the zone; a port forward of this firewall
                // says so explicitly.
                let own_forward = flow.provenance.reason == FlowReason::Forward
                    && flow.provenance.name == self.device.name;
                let outside = |p: &Piece| matches!(p, Piece::Outside(_) | Piece::Internet);
                if !own_forward
                    && ((outside(s) && !self.uplink_serves(d))
                        || (outside(d) && !self.uplink_serves(s)))
                {
                    continue;
                }
                let addr = |p: &Piece| p.net().map(Addr::Net).unwrap_or(Addr::Any);
                let exits = self.exits(d, family);
                for entry in self.entries(s, flow, family) {
                    if exits.iter().any(|e| *e != entry) {
                        keys.push(Key {
                            interface: entry,
                            kind,
                            family,
                            source: addr(s),
                            destination: addr(d),
                        });
                    }
                }
            }
        }
        keys.sort();
        keys.dedup();
        keys
    }
}
