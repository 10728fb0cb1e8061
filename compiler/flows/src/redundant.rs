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

/// The bucket a flow's destination is indexed under: one of its zones, or the outside.
fn buckets(f: &Flow) -> Vec<&str> {
    if f.to.kind == EndpointKind::Internet || f.to.zones.is_empty() {
        vec!["\u{0}outside"]
    } else {
        f.to.zones.iter().map(String::as_str).collect()
    }
}

/// Every rule whose flows are all covered by a single other rule. When two rules cover
/// each other (duplicates), only the later one is reported.
pub fn redundant_rules(flows: &[Flow]) -> Vec<Redundant> {
    let mut by_zone: HashMap<&str, Vec<usize>> = HashMap::default();
    for (i, f) in flows.iter().enumerate() {
        for b in buckets(f) {
            by_zone.entry(b).or_default().push(i);
        }
    }
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
            let bucket = buckets(f)[0];
            let covering: BTreeSet<&FlowOrigin> = by_zone
                .get(bucket)
                .into_iter()
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
