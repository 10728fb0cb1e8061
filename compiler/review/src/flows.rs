//! Flows newly allowed and newly denied, compared by source, destination and service
//! (provenance aside: a flow that another rule now allows is not a change of reachability), then
//! by address: a flow that one flow of the other side already allows wholly (a rule narrowed from
//! a /24 to a /25) is not newly allowed, and one that the other side still allows in part is
//! marked `partial`.

use infrac_flows::FlowSet;
use infrac_flows::render::provenance_text;
use infrac_model::{Endpoint, EndpointKind, Flow, Model, Purpose};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One flow that changed.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowChange {
    /// Source name (`internet`, `paris.apps`, `web1`…).
    pub from: String,
    /// Destination name.
    pub to: String,
    /// `tcp/443`.
    pub service: String,
    /// What allows it (new flows) or allowed it (removed flows): `rule web (site.infra:12)`.
    pub provenance: Vec<String>,
    /// The source reaches outside the model's zones: the internet, or a prefix such as
    /// `0.0.0.0/0` or `10.0.0.0/8` that the zones do not fill.
    pub from_internet: bool,
    /// An end is a database cluster or lies in a database zone.
    pub touches_database: bool,
    /// Only part of it changed: some of its addresses or ports were already allowed (newly
    /// allowed) or are still allowed (newly denied).
    pub partial: bool,
}

type Key = (String, String, String);

fn key(f: &Flow) -> Key {
    (
        f.from.name.clone(),
        f.to.name.clone(),
        f.service.to_string(),
    )
}

/// Same names, same addresses, same service: the flow did not change.
fn same(f: &Flow, g: &Flow) -> bool {
    f.from.name == g.from.name
        && f.to.name == g.to.name
        && f.service == g.service
        && f.from.prefixes == g.from.prefixes
        && f.to.prefixes == g.to.prefixes
}

fn database_zones(m: &Model) -> BTreeSet<&str> {
    m.sites
        .iter()
        .flat_map(|s| &s.zones)
        .filter(|z| z.purpose == Some(Purpose::Database))
        .map(|z| z.key.as_str())
        .collect()
}

fn is_database(e: &Endpoint, db_zones: &BTreeSet<&str>) -> bool {
    e.kind == EndpointKind::Database || e.zones.iter().any(|z| db_zones.contains(z.as_str()))
}

/// Flows in `a` that `b` does not allow, grouped by names with every provenance. A flow whose
/// names stay but whose addresses change (a host added to a service, a moved VIP) is compared by
/// address like any other.
fn missing(a: &Model, own: &FlowSet, b: &Model, other: &FlowSet) -> Vec<FlowChange> {
    let mut by_key: BTreeMap<Key, Vec<&Flow>> = BTreeMap::new();
    for g in &b.flows {
        by_key.entry(key(g)).or_default().push(g);
    }
    let unchanged = |f: &Flow| {
        by_key
            .get(&key(f))
            .is_some_and(|gs| gs.iter().any(|g| same(f, g)))
    };
    let db_zones = database_zones(a);
    let mut grouped: BTreeMap<Key, FlowChange> = BTreeMap::new();
    for f in a.flows.iter().filter(|f| !unchanged(f) && !other.covers(f)) {
        let entry = grouped.entry(key(f)).or_insert_with(|| FlowChange {
            from: f.from.name.clone(),
            to: f.to.name.clone(),
            service: f.service.to_string(),
            provenance: Vec::new(),
            from_internet: own.from_outside(&f.from),
            touches_database: is_database(&f.from, &db_zones) || is_database(&f.to, &db_zones),
            partial: other.overlaps(f),
        });
        entry.provenance.push(provenance_text(&f.provenance));
    }
    grouped.into_values().collect()
}

/// (newly allowed, newly denied).
pub fn flow_changes(old: &Model, new: &Model) -> (Vec<FlowChange>, Vec<FlowChange>) {
    let (old_set, new_set) = (FlowSet::new(old), FlowSet::new(new));
    (
        missing(new, &new_set, old, &old_set),
        missing(old, &old_set, new, &new_set),
    )
}
