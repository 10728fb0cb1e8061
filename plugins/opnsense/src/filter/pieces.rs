//! Flow endpoints cut into the parts that arrive at one place: inside one zone, outside every
//! zone (an outside prefix), or the internet.

use crate::net::Net;
use infrac_sdk::{Endpoint, EndpointKind, Model};

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

/// Every zone of the model: key and subnet.
pub struct Zones(pub(super) Vec<(String, Net)>);

impl Zones {
    /// The zones of `model`.
    pub fn of(model: &Model) -> Zones {
        Zones(
            model
                .sites
                .iter()
                .flat_map(|s| &s.zones)
                .map(|z| (z.key.clone(), net!(z.subnet)))
                .collect(),
        )
    }

    pub(super) fn pieces(&self, endpoint: &Endpoint) -> Vec<Piece> {
        if endpoint.kind == EndpointKind::Internet {
            return vec![Piece::Internet];
        }
        let mut out = Vec::new();
        for p in &endpoint.prefixes {
            let p = net!(p);
            if let Some((key, _)) = self.0.iter().find(|(_, z)| z.contains(&p)) {
                out.push(Piece::Zone {
                    key: key.clone(),
                    net: p,
                });
                continue;
            }
            let mut covered: u128 = 0;
            for (key, z) in self.0.iter().filter(|(_, z)| p.contains(z)) {
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
