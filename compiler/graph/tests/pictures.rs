//! The pictures of every example: snapshots, and the Mermaid parsed back to show that every zone
//! and every allowed flow (with each of its services) appears.

use std::collections::{BTreeMap, BTreeSet};

/// What a Mermaid flowchart says, read back with a parser independent of the renderer.
#[derive(Default)]
struct Parsed {
    /// Node id → label.
    labels: BTreeMap<String, String>,
    /// (from label, to label) → the services on dotted (flow) edges.
    flows: BTreeMap<(String, String), BTreeSet<String>>,
}

/// Splits `ID<open>"label"<close>` into (id, label) for any of the node shapes used.
fn node_def(line: &str) -> Option<(String, String)> {
    let id_end = line.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let (id, rest) = line.split_at(id_end);
    let open = rest.find('"')?;
    let close = rest.rfind('"')?;
    if id.is_empty() || close <= open || !"[{(".contains(&rest[..1]) {
        return None;
    }
    Some((
        id.to_string(),
        rest[open + 1..close].replace("#quot;", "\""),
    ))
}

fn parse(text: &str) -> Parsed {
    let mut p = Parsed::default();
    let mut edges = Vec::new();
    for raw in text.lines() {
        let line = raw.trim();
        if let Some((a, rest)) = line.split_once(" -.->|\"") {
            let (label, b) = rest.split_once("\"| ").expect("a flow edge has a label");
            edges.push((a.to_string(), b.to_string(), label.to_string()));
        } else if line.starts_with("subgraph ")
            || line == "end"
            || line.contains(" --- ")
            || line.contains(" ===|")
        {
            continue;
        } else if let Some((id, label)) = node_def(line) {
            p.labels.insert(id, label);
        }
    }
    for (a, b, label) in edges {
        let la = p
            .labels
            .get(&a)
            .cloned()
            .unwrap_or_else(|| panic!("undefined node {a}"));
        let lb = p
            .labels
            .get(&b)
            .cloned()
            .unwrap_or_else(|| panic!("undefined node {b}"));
        p.flows
            .entry((la, lb))
            .or_default()
            .extend(label.split(' ').map(str::to_string));
    }
    p
}

/// The label a zone key, the internet or a prefix is drawn with (its first word).
fn drawn_as(p: &Parsed, key: &str) -> String {
    p.labels
        .values()
        .find(|l| l.as_str() == key || l.starts_with(&format!("{key} · ")))
        .cloned()
        .unwrap_or_else(|| panic!("`{key}` is not drawn"))
}

#[test]
fn every_zone_and_every_flow_appears_in_the_mermaid_picture() {
    for (name, dir) in infrac_testkit::examples() {
        let model = infrac_testkit::model_of(&dir);
        let text = infrac_graph::to_mermaid(&model);
        insta::assert_snapshot!(format!("mermaid-{name}"), text);
        let p = parse(&text);
        for site in &model.sites {
            for z in &site.zones {
                let label = drawn_as(&p, &z.key);
                assert!(
                    label.contains(&format!("VLAN {}", z.vlan)),
                    "{name}: {label}"
                );
                assert!(label.contains(&z.subnet.to_string()), "{name}: {label}");
            }
        }
        for d in &model.devices {
            assert!(
                p.labels
                    .values()
                    .any(|l| l.starts_with(&format!("{} (", d.name))),
                "{name}: device {} is not drawn",
                d.name
            );
        }
        assert!(!model.flows.is_empty());
        for f in &model.flows {
            let from = keys(&f.from);
            let to = keys(&f.to);
            for a in &from {
                for b in &to {
                    let pair = (drawn_as(&p, a), drawn_as(&p, b));
                    let services = p.flows.get(&pair).unwrap_or_else(|| {
                        panic!("{name}: no flow edge {a} -> {b} for {}", f.provenance.name)
                    });
                    assert!(
                        services.contains(&f.service.to_string()),
                        "{name}: {a} -> {b} lacks {} ({})",
                        f.service,
                        f.provenance.name
                    );
                }
            }
        }
    }
}

/// The keys an endpoint is drawn at: its zones, `internet`, or its prefixes.
fn keys(e: &infrac_model::Endpoint) -> Vec<String> {
    if e.kind == infrac_model::EndpointKind::Internet {
        return vec!["internet".into()];
    }
    if !e.zones.is_empty() {
        return e.zones.clone();
    }
    e.prefixes.iter().map(|p| p.to_string()).collect()
}

#[test]
fn the_parser_notices_a_missing_flow() {
    // The check above can fail: drop one flow edge from a picture and the flow is missed.
    let (_, dir) = infrac_testkit::examples()
        .into_iter()
        .find(|(n, _)| n == "protech")
        .expect("the protech example");
    let model = infrac_testkit::model_of(&dir);
    let text = infrac_graph::to_mermaid(&model);
    let cut: String = text
        .lines()
        .filter(|l| !l.contains("-.->|\"tcp/22\"|"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(cut, text, "protech has a flow edge carrying only ssh");
    let p = parse(&cut);
    let missing = model.flows.iter().any(|f| {
        keys(&f.from).iter().any(|a| {
            keys(&f.to).iter().any(|b| {
                !p.flows
                    .get(&(drawn_as(&p, a), drawn_as(&p, b)))
                    .is_some_and(|s| s.contains(&f.service.to_string()))
            })
        })
    });
    assert!(missing);
}

#[test]
fn dot_pictures_of_every_example() {
    for (name, dir) in infrac_testkit::examples() {
        let model = infrac_testkit::model_of(&dir);
        let text = infrac_graph::to_dot(&model);
        assert!(text.starts_with("digraph "), "{name}");
        insta::assert_snapshot!(format!("dot-{name}"), text);
    }
}

#[test]
fn output_is_deterministic() {
    for (_, dir) in infrac_testkit::examples() {
        let a = infrac_graph::to_mermaid(&infrac_testkit::model_of(&dir));
        let b = infrac_graph::to_mermaid(&infrac_testkit::model_of(&dir));
        assert_eq!(a, b);
    }
}

const BEGIN: &str =
    "<!-- infrac graph: begin (generated by `infrac graph`; a test keeps it current) -->";
const END: &str = "<!-- infrac graph: end -->";

/// Every example's README shows its current picture. `INFRAC_BLESS=1` rewrites the pictures.
#[test]
fn every_example_readme_shows_its_picture() {
    let bless = std::env::var_os("INFRAC_BLESS").is_some();
    for (name, dir) in infrac_testkit::examples() {
        let model = infrac_testkit::model_of(&dir);
        let block = format!(
            "{BEGIN}\n```mermaid\n{}```\n{END}",
            infrac_graph::to_mermaid(&model)
        );
        let path = dir.join("README.md");
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("examples/{name}/README.md: {e}"));
        let current = match (text.find(BEGIN), text.find(END)) {
            (Some(b), Some(e)) if b < e => Some((b, e + END.len())),
            _ => None,
        };
        let updated = match current {
            Some((b, e)) => format!("{}{block}{}", &text[..b], &text[e..]),
            None => format!("{}\n## Topology\n\n{block}\n", text.trim_end()),
        };
        if updated != text {
            if bless {
                std::fs::write(&path, updated).expect("write README");
            } else {
                panic!(
                    "examples/{name}/README.md does not show the current picture; \
                     run `INFRAC_BLESS=1 cargo test -p infrac-graph` and commit"
                );
            }
        }
    }
}
