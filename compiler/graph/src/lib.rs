//! Topology pictures of a resolved [`Model`]: sites (as groups) with their zones and devices,
//! device attachments to zones, inter-site links, and the flows the model allows between
//! zones, aggregated per zone pair with every service listed.
//!
//! Two renderings of one [`Graph`]: [`mermaid`] (GitHub renders it in READMEs and pull
//! requests) and [`dot`] (Graphviz, for SVG). Pure functions: no I/O, deterministic output.

mod build;
mod render;

pub use build::{Edge, EdgeKind, Graph, Group, Node, NodeKind, graph};
pub use render::{dot, mermaid};

use infrac_model::Model;

/// The Mermaid picture of a model.
pub fn to_mermaid(model: &Model) -> String {
    mermaid(&graph(model))
}

/// The Graphviz DOT picture of a model.
pub fn to_dot(model: &Model) -> String {
    dot(&graph(model))
}
