//! What a change to a model means, for a reviewer: the elements added, changed and removed, and
//! the flows newly allowed or newly denied, with their provenance, flagged when they touch the
//! internet or a database. Pure: two models in, a [`Report`] out; [`markdown`] and [`text`]
//! render it.
//!
//! Where an element is written is not part of its meaning: moving or reformatting a
//! declaration changes no element (origins are ignored when comparing).

mod elements;
mod flows;
mod render;

pub use elements::{Change, ElementChange, element_changes};
pub use flows::{FlowChange, flow_changes};
pub use render::{markdown, summary, text};

use infrac_model::Model;
use serde::Serialize;

/// Everything a change means.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Report {
    /// Model elements added, changed or removed, by collection then name.
    pub elements: Vec<ElementChange>,
    /// Flows the new model allows and the old did not.
    pub allowed: Vec<FlowChange>,
    /// Flows the old model allowed and the new does not.
    pub denied: Vec<FlowChange>,
}

impl Report {
    /// Whether nothing that matters changed.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty() && self.allowed.is_empty() && self.denied.is_empty()
    }

    /// Newly allowed flows from the internet.
    pub fn internet_exposure(&self) -> impl Iterator<Item = &FlowChange> {
        self.allowed.iter().filter(|f| f.from_internet)
    }
}

/// Compares two checked models.
pub fn diff(old: &Model, new: &Model) -> Report {
    let (allowed, denied) = flow_changes(old, new);
    Report {
        elements: element_changes(old, new),
        allowed,
        denied,
    }
}
