//! Flow endpoints cut into the parts that arrive at one place: inside one zone, outside every
//! zone (an outside prefix), or the internet.

use crate::net::Net;
use infrac_sdk::{Endpoint, EndpointKind, Model};
use std::collections::{BTreeSet, HashMap};

/// The part of a flow endpoint that arrives at one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Piece {
    /// Addresses inside one zone.
    Zone { key: String, net: Net },
    /// Addresses of a prefix that reaches outside every zone (written as the whole prefix).
    Outside(Net),
    /// Everything outside the model's zones.
    Internet,
}

impl Piece {
    pub(super) fn net(&self) -> Option<Net> {
        match self {
            Piece::Zone { net, .. } | Piece::Outside(net) => Some(*net),
            Piece::Internet => None,
        }
    }
}

/// Every zone of the model: key and subnet, in model order, indexed by subnet (zones never
/// overlap: the checker refuses it).
pub struct Zones(pub(super) Vec<(String, Net)>, ZoneIndex);

/// Zone subnets by prefix, and in address order.
#[derive(Default)]
pub(super) struct ZoneIndex {
    by_net: HashMap<Net, usize>,
    /// The prefix lengths of the zones, IPv4 then IPv6.
    lengths: [Vec<u8>; 2],
    /// Zone positions sorted by (family, address).
    sorted: Vec<(u8, u128, usize)>,
}

fn family_slot(n: &Net) -> usize {
    usize::from(n.max_len() != 32)
}

fn value(n: &Net) -> u128 {
    match n.addr {
        std::net::IpAddr::V4(a) => u128::from(u32::from(a)),
        std::net::IpAddr::V6(a) => u128::from(a),
    }
}

impl Zones {
    /// The zones of `model`.
    pub fn of(model: &Model) -> Zones {
        let list: Vec<(String, Net)> = model
            .sites
            .iter()
            .flat_map(|s| &s.zones)
            .map(|z| (z.key.clone(), net!(z.subnet)))
            .collect();
        let mut index = ZoneIndex::default();
        let mut lengths = [BTreeSet::new(), BTreeSet::new()];
        for (i, (_, n)) in list.iter().enumerate() {
            index.by_net.entry(*n).or_insert(i);
            lengths[family_slot(n)].insert(n.len);
            index.sorted.push((n.max_len(), value(n), i));
        }
        index.sorted.sort_unstable();
        index.lengths = lengths.map(|l| l.into_iter().collect());
        Zones(list, index)
    }

    /// The zone whose subnet contains `p` (the first in model order).
    pub(super) fn containing(&self, p: &Net) -> Option<&(String, Net)> {
        let mut best: Option<usize> = None;
        for &len in self.1.lengths[family_slot(p)]
            .iter()
            .filter(|&&l| l <= p.len)
        {
            if let Some(&i) = self.1.by_net.get(&Net::new(p.addr, len)) {
                best = Some(best.map_or(i, |b: usize| b.min(i)));
            }
        }
        best.and_then(|i| self.0.get(i))
    }

    /// The zones whose subnets lie inside `p`, in model order.
    fn inside(&self, p: &Net) -> Vec<&(String, Net)> {
        let max = p.max_len();
        let start = value(p);
        let end = start | (p.size().map_or(u128::MAX, |s| s.saturating_sub(1)));
        let from = self
            .1
            .sorted
            .partition_point(|&(m, v, _)| (m, v) < (max, start));
        let mut found: Vec<usize> = self.1.sorted[from..]
            .iter()
            .take_while(|&&(m, v, _)| m == max && v <= end)
            .map(|&(_, _, i)| i)
            .filter(|&i| self.0.get(i).is_some_and(|(_, z)| p.contains(z)))
            .collect();
        found.sort_unstable();
        found.iter().filter_map(|&i| self.0.get(i)).collect()
    }

    /// The keys of the zones every prefix of `endpoint` lies in, or `None` when it is the
    /// internet or has addresses outside every zone.
    pub(super) fn inside_zones(&self, endpoint: &Endpoint) -> Option<Vec<&str>> {
        if endpoint.kind == EndpointKind::Internet {
            return None;
        }
        endpoint
            .prefixes
            .iter()
            .map(|p| self.containing(&net!(p)).map(|(k, _)| k.as_str()))
            .collect()
    }

    pub(super) fn pieces(&self, endpoint: &Endpoint) -> Vec<Piece> {
        if endpoint.kind == EndpointKind::Internet {
            return vec![Piece::Internet];
        }
        let mut out = Vec::new();
        for p in &endpoint.prefixes {
            let p = net!(p);
            if let Some((key, _)) = self.containing(&p) {
                out.push(Piece::Zone {
                    key: key.clone(),
                    net: p,
                });
                continue;
            }
            let mut covered: u128 = 0;
            for (key, z) in self.inside(&p) {
                covered = covered.saturating_add(z.size().unwrap_or(u128::MAX));
                out.push(Piece::Zone {
                    key: key.clone(),
                    net: *z,
                });
            }
            if p.size().is_none_or(|size| covered < size) {
                out.push(Piece::Outside(p));
            }
        }
        out
    }
}
