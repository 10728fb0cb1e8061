//! Elements added, changed and removed, compared by name with their origins ignored.

use infrac_model::Model;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// What happened to an element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Only in the new model.
    Added,
    /// In both, different.
    Changed,
    /// Only in the old model.
    Removed,
}

/// One element's change.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ElementChange {
    /// The collection: `project`, `waivers` (by policy), `sites`, `zones`, `devices`, `links`,
    /// `hosts`, `services`, `load_balancers`, `ha_groups`, `databases`, `rules`, `secrets`,
    /// `policies`, `monitoring`, `dns`.
    pub kind: String,
    /// The element's name (`site.zone` for zones).
    pub name: String,
    /// Added, changed or removed.
    pub change: Change,
    /// For a change: the fields that differ (`weight`, `backends`…), sorted.
    pub fields: Vec<String>,
}

/// Drops every `origin` (and a rule's generated name is kept: it is its identity).
fn strip_origins(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.remove("origin");
            map.values_mut().for_each(strip_origins);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_origins),
        _ => {}
    }
}

/// The elements of one collection of a model as JSON, by name.
fn collection(model: &Value, kind: &str) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if kind == "zones" {
        for site in model["sites"].as_array().into_iter().flatten() {
            for z in site["zones"].as_array().into_iter().flatten() {
                if let Some(key) = z["key"].as_str() {
                    out.insert(key.to_string(), z.clone());
                }
            }
        }
        return out;
    }
    if kind == "waivers" {
        for w in model["project"]["waivers"].as_array().into_iter().flatten() {
            if let Some(policy) = w["policy"].as_str() {
                out.insert(policy.to_string(), w.clone());
            }
        }
        return out;
    }
    if matches!(kind, "project" | "monitoring" | "dns") {
        // Singletons: compared whole (the project without its waivers, listed apart).
        let mut item = model[kind].clone();
        if let Some(map) = item.as_object_mut() {
            map.remove("waivers");
        }
        if !item.is_null() {
            let name = item["name"].as_str().unwrap_or(kind).to_string();
            out.insert(name, item);
        }
        return out;
    }
    for item in model[kind].as_array().into_iter().flatten() {
        let mut item = item.clone();
        if kind == "sites" {
            // A site's zones are compared as zones of their own.
            if let Some(map) = item.as_object_mut() {
                map.remove("zones");
            }
        }
        if let Some(name) = item["name"].as_str() {
            out.insert(name.to_string(), item.clone());
        }
    }
    out
}

const KINDS: &[&str] = &[
    "project",
    "waivers",
    "sites",
    "zones",
    "devices",
    "links",
    "hosts",
    "services",
    "load_balancers",
    "ha_groups",
    "databases",
    "rules",
    "secrets",
    "policies",
    "monitoring",
    "dns",
];

/// Every element added, changed or removed between two models.
pub fn element_changes(old: &Model, new: &Model) -> Vec<ElementChange> {
    let mut a = serde_json::to_value(old).unwrap_or_default();
    let mut b = serde_json::to_value(new).unwrap_or_default();
    strip_origins(&mut a);
    strip_origins(&mut b);
    let mut out = Vec::new();
    for kind in KINDS {
        let (mut before, mut after) = (collection(&a, kind), collection(&b, kind));
        if *kind == "rules" {
            drop_reordered_rules(&mut before, &mut after);
        }
        for (name, v) in &after {
            match before.get(name) {
                None => out.push(ElementChange {
                    kind: kind.to_string(),
                    name: name.clone(),
                    change: Change::Added,
                    fields: Vec::new(),
                }),
                Some(old) if old != v => out.push(ElementChange {
                    kind: kind.to_string(),
                    name: name.clone(),
                    change: Change::Changed,
                    fields: changed_fields(old, v),
                }),
                Some(_) => {}
            }
        }
        for name in before.keys().filter(|n| !after.contains_key(*n)) {
            out.push(ElementChange {
                kind: kind.to_string(),
                name: name.clone(),
                change: Change::Removed,
                fields: Vec::new(),
            });
        }
    }
    out.sort_by(|x, y| (&x.kind, x.change, &x.name).cmp(&(&y.kind, y.change, &y.name)));
    out
}

/// A rule's generated name without its `-N` suffix: rules with the same ends are named
/// `a-to-b`, `a-to-b-2`… in the order they are written.
fn name_base(name: &str) -> &str {
    match name.rsplit_once('-') {
        Some((base, n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => base,
        _ => name,
    }
}

/// Removes from both sides the rules that only moved: the same rule (names aside) under another
/// name of the same base, so reordering rules with the same ends, or inserting one before
/// another, is no change of the rules that moved.
fn drop_reordered_rules(before: &mut BTreeMap<String, Value>, after: &mut BTreeMap<String, Value>) {
    let without_name = |v: &Value| {
        let mut v = v.clone();
        if let Some(map) = v.as_object_mut() {
            map.remove("name");
        }
        v
    };
    let mut taken: BTreeSet<String> = BTreeSet::new();
    let mut pairs = Vec::new();
    for (name, old) in before.iter() {
        if after.get(name) == Some(old) {
            continue;
        }
        let content = without_name(old);
        let twin = after.iter().find(|(n, v)| {
            n.as_str() != name.as_str()
                && name_base(n) == name_base(name)
                && !taken.contains(n.as_str())
                && before.get(n.as_str()) != Some(*v)
                && without_name(v) == content
        });
        if let Some((twin, _)) = twin {
            taken.insert(twin.clone());
            pairs.push((name.clone(), twin.clone()));
        }
    }
    for (old, new) in pairs {
        before.remove(&old);
        after.remove(&new);
    }
}

/// The top-level fields of two objects that differ.
fn changed_fields(a: &Value, b: &Value) -> Vec<String> {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return Vec::new();
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}
