//! Mermaid and DOT text from a [`Graph`].

use crate::{EdgeKind, Graph, NodeKind};
use std::fmt::Write;

/// A label inside Mermaid's double quotes: `"` becomes `#quot;`.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
}

/// The graph as a Mermaid flowchart (left to right).
pub fn mermaid(g: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "---\ntitle: {}\n---", mermaid_text(&g.title));
    out.push_str("flowchart LR\n");
    let node = |out: &mut String, indent: &str, id: &str| {
        if let Some(n) = g.nodes.iter().find(|n| n.id == id) {
            let label = mermaid_text(&n.label);
            let _ = match n.kind {
                NodeKind::Zone => writeln!(out, "{indent}{id}[\"{label}\"]"),
                NodeKind::Device => writeln!(out, "{indent}{id}{{{{\"{label}\"}}}}"),
                NodeKind::Internet => writeln!(out, "{indent}{id}((\"{label}\"))"),
                NodeKind::Prefix => writeln!(out, "{indent}{id}[/\"{label}\"/]"),
            };
        }
    };
    let mut grouped = std::collections::BTreeSet::new();
    for grp in &g.groups {
        let _ = writeln!(
            out,
            "  subgraph {}[\"{}\"]",
            grp.id,
            mermaid_text(&grp.label)
        );
        for id in &grp.nodes {
            node(&mut out, "    ", id);
            grouped.insert(id.as_str());
        }
        out.push_str("  end\n");
    }
    for n in g.nodes.iter().filter(|n| !grouped.contains(n.id.as_str())) {
        node(&mut out, "  ", &n.id);
    }
    for e in &g.edges {
        let label = mermaid_text(&e.label);
        let _ = match e.kind {
            EdgeKind::Attachment => writeln!(out, "  {} --- {}", e.from, e.to),
            EdgeKind::Link => writeln!(out, "  {} ===|\"{label}\"| {}", e.from, e.to),
            EdgeKind::Flow => writeln!(out, "  {} -.->|\"{label}\"| {}", e.from, e.to),
        };
    }
    out
}

/// A label inside DOT's double quotes.
fn dot_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The graph as Graphviz DOT (left to right; sites as clusters).
pub fn dot(g: &Graph) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "digraph \"{}\" {{", dot_text(&g.title));
    out.push_str("  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n");
    let node = |out: &mut String, indent: &str, id: &str| {
        if let Some(n) = g.nodes.iter().find(|n| n.id == id) {
            let shape = match n.kind {
                NodeKind::Zone => "box",
                NodeKind::Device => "hexagon",
                NodeKind::Internet => "ellipse",
                NodeKind::Prefix => "parallelogram",
            };
            let _ = writeln!(
                out,
                "{indent}{id} [label=\"{}\", shape={shape}];",
                dot_text(&n.label)
            );
        }
    };
    let mut grouped = std::collections::BTreeSet::new();
    for grp in &g.groups {
        let _ = writeln!(out, "  subgraph cluster_{} {{", grp.id);
        let _ = writeln!(out, "    label=\"{}\";", dot_text(&grp.label));
        for id in &grp.nodes {
            node(&mut out, "    ", id);
            grouped.insert(id.as_str());
        }
        out.push_str("  }\n");
    }
    for n in g.nodes.iter().filter(|n| !grouped.contains(n.id.as_str())) {
        node(&mut out, "  ", &n.id);
    }
    for e in &g.edges {
        let label = dot_text(&e.label);
        let _ = match e.kind {
            EdgeKind::Attachment => writeln!(out, "  {} -> {} [dir=none];", e.from, e.to),
            EdgeKind::Link => writeln!(
                out,
                "  {} -> {} [dir=none, penwidth=2, label=\"{label}\"];",
                e.from, e.to
            ),
            EdgeKind::Flow => writeln!(
                out,
                "  {} -> {} [style=dashed, color=\"#3366cc\", label=\"{label}\"];",
                e.from, e.to
            ),
        };
    }
    out.push_str("}\n");
    out
}
