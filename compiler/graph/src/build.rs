//! From the model to a graph of nodes, groups and edges.

use infrac_model::{EndpointKind, InterfaceKind, Model};
use std::collections::{BTreeMap, BTreeSet};

/// What a node stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeKind {
    /// A zone (VLAN and subnet).
    Zone,
    /// A firewall, switch or router.
    Device,
    /// Everything outside the model's zones.
    Internet,
    /// A literal prefix outside every zone.
    Prefix,
}

/// One node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Node {
    /// Identifier, unique in the graph (`[A-Za-z0-9_]`).
    pub id: String,
    /// Label shown.
    pub label: String,
    /// What it is.
    pub kind: NodeKind,
}

/// A site with its nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    /// Identifier.
    pub id: String,
    /// Label shown (the site's name).
    pub label: String,
    /// Node identifiers in the group, in order.
    pub nodes: Vec<String>,
}

/// What an edge stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EdgeKind {
    /// A device has an interface in a zone.
    Attachment,
    /// An inter-site link between two devices.
    Link,
    /// Traffic the model allows from one zone to another.
    Flow,
}

/// One edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edge {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// Label (empty for attachments).
    pub label: String,
    /// What it is.
    pub kind: EdgeKind,
}

/// A picture of a model.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Graph {
    /// Title (the project's name).
    pub title: String,
    /// Sites.
    pub groups: Vec<Group>,
    /// Every node (grouped or not), in order.
    pub nodes: Vec<Node>,
    /// Attachments, then links, then flows, each sorted.
    pub edges: Vec<Edge>,
}

/// An identifier from a name: letters and digits kept, everything else `_`, prefixed by kind.
fn ident(prefix: &str, name: &str) -> String {
    let body: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{prefix}_{body}")
}

/// Keeps identifiers unique: a second name that sanitises to the same identifier gets a suffix.
#[derive(Default)]
struct Ids {
    used: BTreeMap<String, String>,
    taken: BTreeSet<String>,
}

impl Ids {
    fn get(&mut self, prefix: &str, name: &str) -> String {
        let key = format!("{prefix}:{name}");
        if let Some(id) = self.used.get(&key) {
            return id.clone();
        }
        let base = ident(prefix, name);
        let mut id = base.clone();
        let mut n = 2;
        while self.taken.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        self.used.insert(key, id.clone());
        id
    }
}

/// The graph of a model.
pub fn graph(model: &Model) -> Graph {
    let mut ids = Ids::default();
    let mut g = Graph {
        title: model.project.name.clone(),
        ..Graph::default()
    };
    for site in &model.sites {
        let mut group = Group {
            id: ids.get("site", &site.name),
            label: site.name.clone(),
            nodes: Vec::new(),
        };
        for z in &site.zones {
            let id = ids.get("zone", &z.key);
            g.nodes.push(Node {
                id: id.clone(),
                label: format!("{} · VLAN {} · {}", z.key, z.vlan, z.subnet),
                kind: NodeKind::Zone,
            });
            group.nodes.push(id);
        }
        for d in model.devices.iter().filter(|d| d.site == site.name) {
            let id = ids.get("dev", &d.name);
            g.nodes.push(Node {
                id: id.clone(),
                label: format!("{} ({})", d.name, platform(d.platform)),
                kind: NodeKind::Device,
            });
            group.nodes.push(id);
        }
        g.groups.push(group);
    }

    let mut attachments = BTreeSet::new();
    for d in &model.devices {
        let dev = ids.get("dev", &d.name);
        for i in &d.interfaces {
            let zones: Vec<&str> = match i.kind {
                InterfaceKind::Trunk => Vec::new(), // its VLANs show as sub-interfaces or SVIs
                _ => i.zone.iter().map(String::as_str).collect(),
            };
            for z in zones {
                attachments.insert((dev.clone(), ids.get("zone", z)));
            }
        }
        // A layer-2 switch carries its trunks' VLANs without an address in them.
        for i in d
            .interfaces
            .iter()
            .filter(|i| i.kind == InterfaceKind::Trunk)
        {
            for vlan in &i.vlans {
                if let Some(z) = zone_of_vlan(model, &d.site, *vlan) {
                    attachments.insert((dev.clone(), ids.get("zone", z)));
                }
            }
        }
    }
    for (from, to) in attachments {
        g.edges.push(Edge {
            from,
            to,
            label: String::new(),
            kind: EdgeKind::Attachment,
        });
    }

    for l in &model.links {
        if let [a, b] = l.sides.as_slice() {
            let mut label = format!("{} {}", l.name, l.transit);
            if let Some(o) = &l.ospf {
                label.push_str(&format!(" · OSPF area {}", o.area));
                if let Some(c) = o.cost {
                    label.push_str(&format!(" cost {c}"));
                }
            }
            g.edges.push(Edge {
                from: ids.get("dev", &a.device),
                to: ids.get("dev", &b.device),
                label,
                kind: EdgeKind::Link,
            });
        }
    }

    // Flows, aggregated per (source node, destination node): every service listed.
    let mut flows: BTreeMap<(String, String), BTreeSet<&infrac_model::PortSpec>> = BTreeMap::new();
    let mut outside: BTreeMap<String, Node> = BTreeMap::new();
    for f in &model.flows {
        let from = endpoint_nodes(&mut ids, &mut outside, &f.from);
        let to = endpoint_nodes(&mut ids, &mut outside, &f.to);
        for a in &from {
            for b in &to {
                flows
                    .entry((a.clone(), b.clone()))
                    .or_default()
                    .insert(&f.service);
            }
        }
    }
    g.nodes.extend(outside.into_values());
    for ((from, to), services) in flows {
        g.edges.push(Edge {
            from,
            to,
            label: services
                .into_iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(" "),
            kind: EdgeKind::Flow,
        });
    }
    g
}

fn platform(p: infrac_model::Platform) -> &'static str {
    match p {
        infrac_model::Platform::Opnsense => "opnsense",
        infrac_model::Platform::Iosvl2 => "iosvl2",
        infrac_model::Platform::Ios => "ios",
        infrac_model::Platform::Frr => "frr",
    }
}

fn zone_of_vlan<'m>(model: &'m Model, site: &str, vlan: u16) -> Option<&'m str> {
    model
        .sites
        .iter()
        .find(|s| s.name == site)?
        .zones
        .iter()
        .find(|z| z.vlan == vlan)
        .map(|z| z.key.as_str())
}

/// The nodes an endpoint stands on: its zones, the internet, or outside prefixes.
fn endpoint_nodes(
    ids: &mut Ids,
    outside: &mut BTreeMap<String, Node>,
    e: &infrac_model::Endpoint,
) -> Vec<String> {
    if e.kind == EndpointKind::Internet {
        let id = ids.get("net", "internet");
        outside.entry(id.clone()).or_insert(Node {
            id: id.clone(),
            label: "internet".into(),
            kind: NodeKind::Internet,
        });
        return vec![id];
    }
    if !e.zones.is_empty() {
        return e.zones.iter().map(|z| ids.get("zone", z)).collect();
    }
    e.prefixes
        .iter()
        .map(|p| {
            let id = ids.get("prefix", &p.to_string());
            outside.entry(id.clone()).or_insert(Node {
                id: id.clone(),
                label: p.to_string(),
                kind: NodeKind::Prefix,
            });
            id
        })
        .collect()
}
