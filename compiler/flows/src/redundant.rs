//! Rules that add nothing: every flow a rule allows is also allowed, at least as widely, by one
//! other rule. (Flows the model implies — a port forward, a load balancer's backends — do not
//! make a rule redundant: the rule states the intent, and outlives a change of those elements.) Such a rule can be deleted without changing the flow matrix;
//! keeping it hides intent (which one is the real reason?) and outlives the other's removal
//! unnoticed.
//!
//! Candidates are found through an index of rule flows by destination zone and service class
//! (every protocol, one port, wider ports), so the cost grows with the flows that share a
//! destination and could share a service, not with the square of the rule count.

use std::collections::{BTreeMap, BTreeSet};

use infrac_model::{EndpointKind, Flow, FlowOrigin, FlowReason, PortSpec, Protocol};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::fxhash::FxHashMap as HashMap;
use crate::policy::{endpoint_covers, service_covers};

/// A redundant rule and what already allows everything it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redundant {
    /// The rule that adds nothing.
    pub rule: String,
    /// The rule that allows all of it (the first in source order).
    pub covered_by: FlowOrigin,
}

/// What a flow's destination is indexed under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Bucket<'a> {
    /// One of its zones.
    Zone(&'a str),
    /// The internet.
    Internet,
    /// One of its prefixes, outside every zone.
    Outside(IpNet),
}

/// What a flow's service is indexed under, so a flow is compared only with flows whose service
/// can cover its own: every protocol, a protocol's single port, or a protocol's wider ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Service {
    /// Every protocol.
    Any,
    /// One port of a protocol.
    Port(Protocol, u16),
    /// A protocol with every port, several ports or a range.
    Wide(Protocol),
}

/// The class a flow's service is indexed under.
fn service_class(s: &PortSpec) -> Service {
    match (s.protocol, s.ports.as_slice()) {
        (Protocol::Any, _) => Service::Any,
        (p, [r]) if r.start == r.end => Service::Port(p, r.start),
        (p, _) => Service::Wide(p),
    }
}

/// The classes where a service covering `s` can be: a single port is covered by that port, by
/// a wider service of its protocol or by every protocol; anything else only by the last two.
fn cover_classes(s: &PortSpec) -> Vec<Service> {
    match service_class(s) {
        Service::Any => vec![Service::Any],
        Service::Port(p, port) => vec![Service::Port(p, port), Service::Wide(p), Service::Any],
        Service::Wide(p) => vec![Service::Wide(p), Service::Any],
    }
}

/// The buckets a flow's destination is indexed under: its zones, the internet, or its
/// prefixes outside every zone.
fn buckets(f: &Flow) -> Vec<Bucket<'_>> {
    if f.to.kind == EndpointKind::Internet {
        vec![Bucket::Internet]
    } else if f.to.zones.is_empty() {
        f.to.prefixes
            .iter()
            .map(|p| Bucket::Outside(p.trunc()))
            .collect()
    } else {
        f.to.zones.iter().map(|z| Bucket::Zone(z)).collect()
    }
}

/// The buckets where a flow covering `f`'s destination can be: a destination covering a zone
/// address lies in that zone's bucket; one covering an outside prefix is the internet or a
/// prefix containing it (or the first of them, which every cover contains); the internet is
/// covered by the internet or a default route.
fn cover_buckets<'a>(f: &'a Flow, lengths: &[u8]) -> Vec<Bucket<'a>> {
    match buckets(f).first() {
        Some(Bucket::Zone(z)) => vec![Bucket::Zone(z)],
        Some(Bucket::Outside(p)) => std::iter::once(Bucket::Internet)
            .chain(
                lengths
                    .iter()
                    .filter(|&&l| l <= p.prefix_len())
                    .filter_map(|&l| IpNet::new(p.addr(), l).ok())
                    .map(|n| Bucket::Outside(n.trunc())),
            )
            .collect(),
        Some(Bucket::Internet) => vec![
            Bucket::Internet,
            Bucket::Outside(IpNet::V4(Ipv4Net::default())),
            Bucket::Outside(IpNet::V6(Ipv6Net::default())),
        ],
        None => Vec::new(),
    }
}

/// Every rule whose flows are all covered by a single other rule. When two rules cover
/// each other (duplicates), only the later one is reported.
pub fn redundant_rules(flows: &[Flow]) -> Vec<Redundant> {
    // Rule flows by destination bucket and service class.
    let mut index: HashMap<(Bucket<'_>, Service), Vec<usize>> = HashMap::default();
    let mut lengths: BTreeSet<u8> = BTreeSet::new();
    for (i, f) in flows.iter().enumerate() {
        if f.provenance.reason != FlowReason::Rule {
            continue;
        }
        let class = service_class(&f.service);
        for b in buckets(f) {
            if let Bucket::Outside(p) = b {
                lengths.insert(p.prefix_len());
            }
            let list = index.entry((b, class)).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let lengths: Vec<u8> = lengths.into_iter().collect();
    let index = &index;
    let mut by_rule: BTreeMap<&str, Vec<&Flow>> = BTreeMap::new();
    for f in flows
        .iter()
        .filter(|f| f.provenance.reason == FlowReason::Rule)
    {
        by_rule
            .entry(f.provenance.name.as_str())
            .or_default()
            .push(f);
    }
    let mut out = Vec::new();
    for (rule, own) in &by_rule {
        // Provenances that cover every flow of the rule so far.
        let mut common: Option<BTreeSet<&FlowOrigin>> = None;
        for f in own {
            // Cheap tests first: services differ far more often than endpoints nest. After the
            // first flow only the provenances still in `common` can matter.
            let classes = cover_classes(&f.service);
            let covering: BTreeSet<&FlowOrigin> = cover_buckets(f, &lengths)
                .iter()
                .flat_map(|&b| classes.iter().filter_map(move |&c| index.get(&(b, c))))
                .flatten()
                .map(|&i| &flows[i])
                .filter(|g| {
                    service_covers(&g.service, &f.service)
                        && g.provenance.name != *rule
                        && common.as_ref().is_none_or(|c| c.contains(&*g.provenance))
                        && endpoint_covers(&g.to, &f.to)
                        && endpoint_covers(&g.from, &f.from)
                })
                .map(|g| &*g.provenance)
                .collect();
            let empty = covering.is_empty();
            common = Some(covering);
            if empty {
                break;
            }
        }
        let Some(first) = common
            .unwrap_or_default()
            .into_iter()
            .min_by(|a, b| a.origin.cmp(&b.origin))
            .cloned()
        else {
            continue;
        };
        out.push(Redundant {
            rule: rule.to_string(),
            covered_by: first,
        });
    }
    // Mutual cover (duplicates): keep only the later rule of each pair.
    let own_origin: HashMap<&str, &infrac_model::Origin> = flows
        .iter()
        .filter(|f| f.provenance.reason == FlowReason::Rule)
        .map(|f| (f.provenance.name.as_str(), &f.provenance.origin))
        .collect();
    let reported: BTreeSet<(String, String)> = out
        .iter()
        .filter(|r| r.covered_by.reason == FlowReason::Rule)
        .map(|r| (r.rule.clone(), r.covered_by.name.clone()))
        .collect();
    out.retain(|r| {
        let mutual = r.covered_by.reason == FlowReason::Rule
            && reported.contains(&(r.covered_by.name.clone(), r.rule.clone()));
        !mutual || own_origin.get(r.rule.as_str()) > own_origin.get(r.covered_by.name.as_str())
    });
    out
}
