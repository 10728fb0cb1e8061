//! What a change to a model means, for a reviewer: the elements added, changed and removed, and
//! the flows newly allowed or newly denied, with their provenance, flagged when they touch the
//! internet or a database, and the generated files that change, per unit. Pure: two models (and
//! optionally the files each builds) in, a [`Report`] out; [`markdown`] and [`text`] render it,
//! [`json_schema`] describes its JSON form.
//!
//! Where an element is written is not part of its meaning: moving or reformatting a
//! declaration changes no element (origins are ignored when comparing).

mod artifacts;
mod elements;
mod flows;
mod render;

pub use artifacts::{Artifact, FileChange, UnitChange, artifact_changes, without_source_lines};
pub use elements::{Change, ElementChange, element_changes};
pub use flows::{FlowChange, flow_changes};
pub use render::{markdown, mermaid, summary, text};

use infrac_model::Model;
use serde::Serialize;
use std::collections::BTreeSet;

/// The version of the report's JSON form (`docs/review.schema.json`).
pub const REPORT_VERSION: &str = "0.1";

/// Everything a change means.
#[derive(Clone, Debug, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The version of this JSON form.
    pub report_version: String,
    /// Model elements added, changed or removed, by collection then name.
    pub elements: Vec<ElementChange>,
    /// Flows the new model allows and the old did not.
    pub allowed: Vec<FlowChange>,
    /// Flows the old model allowed and the new does not.
    pub denied: Vec<FlowChange>,
    /// The generated files that change.
    pub artifacts: ArtifactReport,
}

/// The generated files that change, per unit, or why they were not compared.
#[derive(Clone, Debug, Default, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArtifactReport {
    /// Whether both sides were built and compared.
    pub compared: bool,
    /// Why they were not compared (`--no-artifacts`, or a side that does not build).
    pub note: Option<String>,
    /// Units whose files differ, by unit.
    pub units: Vec<UnitChange>,
    /// Files that differ only in the line numbers of their source references (`site.infra:42`
    /// moved by an edit elsewhere): not listed.
    pub moved_lines_only: usize,
}

impl Report {
    /// Whether nothing that matters changed.
    pub fn is_empty(&self) -> bool {
        self.elements.is_empty()
            && self.allowed.is_empty()
            && self.denied.is_empty()
            && self.artifacts.units.is_empty()
    }

    /// Adds the file changes between what each side builds.
    pub fn with_artifacts(mut self, old: &[Artifact], new: &[Artifact]) -> Report {
        let (units, moved_lines_only) = artifact_changes(old, new);
        self.artifacts = ArtifactReport {
            compared: true,
            note: None,
            units,
            moved_lines_only,
        };
        self
    }

    /// Adds the intent-test lines (`TEST: allowed A -> B …`) each side states that the other
    /// does not, as elements of kind `tests`: a pull request that drops the test guarding what
    /// it opens shows it.
    pub fn with_tests(mut self, old: &[String], new: &[String]) -> Report {
        let (a, b): (BTreeSet<&String>, BTreeSet<&String>) =
            (old.iter().collect(), new.iter().collect());
        for (set, other, change) in [(&b, &a, Change::Added), (&a, &b, Change::Removed)] {
            for line in set.difference(other) {
                self.elements.push(ElementChange {
                    kind: "tests".to_string(),
                    name: (*line).clone(),
                    change,
                    fields: Vec::new(),
                });
            }
        }
        self.elements
            .sort_by(|x, y| (&x.kind, x.change, &x.name).cmp(&(&y.kind, y.change, &y.name)));
        self
    }

    /// Records why the files were not compared.
    pub fn without_artifacts(mut self, note: impl Into<String>) -> Report {
        self.artifacts = ArtifactReport {
            compared: false,
            note: Some(note.into()),
            units: Vec::new(),
            moved_lines_only: 0,
        };
        self
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
        report_version: REPORT_VERSION.to_string(),
        elements: element_changes(old, new),
        allowed,
        denied,
        artifacts: ArtifactReport::default(),
    }
}

/// The JSON Schema of the report's JSON form (published as `docs/review.schema.json`).
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Report);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}
