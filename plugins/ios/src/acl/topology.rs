//! Where a flow's packets enter the device and what they reach through it, and whether the
//! matrix allows a flow's reverse.

use super::Routed;
use crate::net::{AclAddr, V4};
use infrac_sdk::{Endpoint, EndpointKind, Flow, Protocol};
use std::collections::HashMap;
use std::sync::Arc;

/// A flow endpoint as IPv4 prefixes, or the internet.
pub(super) enum Side {
    Internet,
    Nets(Vec<V4>),
}

pub(super) fn side(e: &Endpoint) -> Side {
    match e.kind {
        EndpointKind::Internet => Side::Internet,
        _ => Side::Nets(
            e.prefixes
                .iter()
                .filter_map(|p| V4::from_ip(p.addr(), p.prefix_len()))
                .collect(),
        ),
    }
}

/// The device's routed interfaces and the prefixes they hold.
pub(super) struct Topology<'a> {
    pub(super) routed: &'a [Routed],
}

impl Topology<'_> {
    pub(super) fn local(&self, net: V4) -> bool {
        self.routed.iter().any(|r| r.net.contains(net))
    }

    fn other_upstream(&self, i: usize) -> bool {
        self.routed
            .iter()
            .enumerate()
            .any(|(j, r)| j != i && r.upstream)
    }

    /// The part of a flow's source that enters at routed interface `i`.
    pub(super) fn sources(&self, i: usize, side: &Side) -> Vec<AclAddr> {
        let Some(here) = self.routed.get(i) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        match side {
            Side::Internet => {
                if here.upstream {
                    out.push(AclAddr::Any);
                }
            }
            Side::Nets(nets) => {
                for &p in nets {
                    if here.upstream && !self.local(p) {
                        out.push(AclAddr::Net(p));
                    } else if let Some(x) = p.intersection(here.net) {
                        out.push(AclAddr::Net(x));
                    }
                }
            }
        }
        dedup(out)
    }

    /// The part of a flow's destination a packet entering at `i` reaches through this device:
    /// behind another routed interface, the device itself, or (with another upstream) remote.
    pub(super) fn destinations(&self, i: usize, side: &Side) -> Vec<AclAddr> {
        let Some(here) = self.routed.get(i) else {
            return Vec::new();
        };
        let remote_reachable = self.other_upstream(i);
        let mut out = Vec::new();
        match side {
            Side::Internet => {
                if remote_reachable {
                    out.push(AclAddr::Any);
                }
            }
            Side::Nets(nets) => {
                for &q in nets {
                    if remote_reachable && !self.local(q) {
                        out.push(AclAddr::Net(q));
                        continue;
                    }
                    for (j, r) in self.routed.iter().enumerate() {
                        if j != i
                            && let Some(x) = q.intersection(r.net)
                        {
                            out.push(AclAddr::Net(x));
                        }
                    }
                    if q.contains_addr(here.own) {
                        out.push(AclAddr::Net(V4::host(here.own)));
                    }
                }
            }
        }
        dedup(out)
    }
}

/// What every routed interface sees of one endpoint: [`Topology::sources`] and
/// [`Topology::destinations`] of it at each interface, by interface index.
pub(super) struct Reach {
    pub(super) sources: Vec<Vec<AclAddr>>,
    pub(super) destinations: Vec<Vec<AclAddr>>,
}

/// [`Reach`] of each endpoint, computed the first time a flow names it: flows share their
/// endpoints (a few hundred endpoints for thousands of flows), so this is done once per
/// endpoint and interface instead of once per flow and interface.
pub(super) struct Reaches<'t> {
    topo: &'t Topology<'t>,
    /// Index into `reach` by the endpoint's address; the flows, and so the endpoints, outlive
    /// the cache.
    by_endpoint: HashMap<*const Endpoint, usize>,
    reach: Vec<Reach>,
}

impl<'t> Reaches<'t> {
    pub(super) fn new(topo: &'t Topology<'t>) -> Reaches<'t> {
        Reaches {
            topo,
            by_endpoint: HashMap::new(),
            reach: Vec::new(),
        }
    }

    /// The reach of a flow's two ends (computed now for an endpoint seen the first time).
    pub(super) fn of(&mut self, from: &Arc<Endpoint>, to: &Arc<Endpoint>) -> (&Reach, &Reach) {
        let (a, b) = (self.index(from), self.index(to));
        (&self.reach[a], &self.reach[b])
    }

    fn index(&mut self, e: &Arc<Endpoint>) -> usize {
        let (topo, reach) = (self.topo, &mut self.reach);
        *self.by_endpoint.entry(Arc::as_ptr(e)).or_insert_with(|| {
            let side = side(e);
            let n = topo.routed.len();
            reach.push(Reach {
                sources: (0..n).map(|i| topo.sources(i, &side)).collect(),
                destinations: (0..n).map(|i| topo.destinations(i, &side)).collect(),
            });
            reach.len() - 1
        })
    }
}

/// Removes duplicates and operands covered by another one, keeping the order.
pub(super) fn dedup(addrs: Vec<AclAddr>) -> Vec<AclAddr> {
    let mut out: Vec<AclAddr> = Vec::new();
    for (k, a) in addrs.iter().enumerate() {
        let covered = addrs.iter().enumerate().any(|(m, b)| {
            m != k
                && match (a, b) {
                    (AclAddr::Net(x), AclAddr::Net(y)) => y.contains(*x) && (x != y || m < k),
                    _ => false,
                }
        });
        if !covered && !out.contains(a) {
            out.push(*a);
        }
    }
    out
}

/// Whether every IPv4 address of `inner` is in `outer` (the internet only in the internet).
fn endpoint_covers(outer: &Endpoint, inner: &Endpoint) -> bool {
    match (outer.kind, inner.kind) {
        (EndpointKind::Internet, EndpointKind::Internet) => true,
        (_, EndpointKind::Internet) | (EndpointKind::Internet, _) => false,
        _ => {
            let outer = match side(outer) {
                Side::Nets(n) => n,
                Side::Internet => return false,
            };
            match side(inner) {
                Side::Nets(n) => n.iter().all(|i| outer.iter().any(|o| o.contains(*i))),
                Side::Internet => false,
            }
        }
    }
}

/// Whether the matrix also allows `f` reversed (same protocol and ports, or any protocol).
pub(super) fn reverse_allowed(flows: &[Flow], f: &Flow) -> bool {
    flows.iter().any(|g| {
        let service = g.service.protocol == Protocol::Any
            || (g.service.protocol == f.service.protocol
                && (g.service.ports.is_empty()
                    || (!f.service.ports.is_empty()
                        && f.service.ports.iter().all(|p| {
                            g.service
                                .ports
                                .iter()
                                .any(|q| q.start <= p.start && p.end <= q.end)
                        }))));
        service && endpoint_covers(&g.from, &f.to) && endpoint_covers(&g.to, &f.from)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_keeps_the_widest() {
        let net = |s: &str, len| V4::new(s.parse().unwrap(), len);
        let a = AclAddr::Net(net("10.0.0.0", 8));
        let b = AclAddr::Net(net("10.1.0.0", 16));
        assert_eq!(dedup(vec![b, a, b]), vec![a]);
        assert_eq!(dedup(vec![a, a]), vec![a]);
    }
}
