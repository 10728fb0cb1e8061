//! Rules that add nothing: every flow a rule allows is also allowed, at least as widely, by one
//! other rule. (Flows the model implies — a port forward, a load balancer's backends — do not
//! make a rule redundant: the rule states the intent, and outlives a change of those elements.) Such a rule can be deleted without changing the flow matrix;
//! keeping it hides intent (which one is the real reason?) and outlives the other's removal
//! unnoticed.
//!
//! Candidates are found through an index of flows by destination zone, so the cost grows with
//! the flows that share a destination, not with the square of the rule count.

use std::collections::{BTreeMap, BTreeSet};

use infrac_model::{EndpointKind, Flow, FlowOrigin, FlowReason};
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
    let mut by_zone: HashMap<Bucket<'_>, Vec<usize>> = HashMap::default();
    let mut lengths: BTreeSet<u8> = BTreeSet::new();
    for (i, f) in flows.iter().enumerate() {
        for b in buckets(f) {
            if let Bucket::Outside(p) = b {
                lengths.insert(p.prefix_len());
            }
            let list = by_zone.entry(b).or_default();
            if list.last() != Some(&i) {
                list.push(i);
            }
        }
    }
    let lengths: Vec<u8> = lengths.into_iter().collect();
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
            let covering: BTreeSet<&FlowOrigin> = cover_buckets(f, &lengths)
                .iter()
                .filter_map(|b| by_zone.get(b))
                .flatten()
                .map(|&i| &flows[i])
                .filter(|g| {
                    g.provenance.reason == FlowReason::Rule
                        && g.provenance.name != *rule
                        && endpoint_covers(&g.from, &f.from)
                        && endpoint_covers(&g.to, &f.to)
                        && service_covers(&g.service, &f.service)
                })
                .map(|g| &g.provenance)
                .collect();
            let next: BTreeSet<&FlowOrigin> = match common {
                None => covering,
                Some(c) => c.intersection(&covering).copied().collect(),
            };
            if next.is_empty() {
                common = Some(next);
                break;
            }
            common = Some(next);
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
