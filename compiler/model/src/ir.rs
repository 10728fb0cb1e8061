//! Writing the IR for a plugin: in the version it reads, with or without the traffic sections.
//!
//! The host serves the current IR ([`crate::IR_VERSION`]) and, to plugins that read only that,
//! IR [`LEGACY_IR_VERSION`] (the same document with every flow written whole). Listing units
//! never depends on traffic, so the IR for `units` leaves the rules and flows empty: at 1,000
//! sites they are most of the document.

use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::{FlowTable, Model, Rule};

/// The previous IR version the host still serves: flows written whole (no tables).
pub const LEGACY_IR_VERSION: &str = "0.1";

/// The model as one plugin reads it.
struct View<'a> {
    model: &'a Model,
    legacy: bool,
    traffic: bool,
}

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let m = self.model;
        let mut out = s.serialize_struct("Model", 16)?;
        let version = if self.legacy {
            LEGACY_IR_VERSION
        } else {
            m.ir_version.as_str()
        };
        out.serialize_field("ir_version", version)?;
        out.serialize_field("project", &m.project)?;
        out.serialize_field("secrets", &m.secrets)?;
        out.serialize_field("sites", &m.sites)?;
        out.serialize_field("devices", &m.devices)?;
        out.serialize_field("links", &m.links)?;
        out.serialize_field("hosts", &m.hosts)?;
        out.serialize_field("services", &m.services)?;
        out.serialize_field("load_balancers", &m.load_balancers)?;
        out.serialize_field("ha_groups", &m.ha_groups)?;
        out.serialize_field("databases", &m.databases)?;
        let no_rules: &[Rule] = &[];
        let rules = if self.traffic { &m.rules[..] } else { no_rules };
        out.serialize_field("rules", rules)?;
        let flows = if self.traffic { &m.flows[..] } else { &[] };
        if self.legacy {
            out.serialize_field("flows", flows)?;
        } else {
            out.serialize_field("flows", &FlowTable::of(flows))?;
        }
        out.serialize_field("monitoring", &m.monitoring)?;
        out.serialize_field("dns", &m.dns)?;
        out.serialize_field("policies", &m.policies)?;
        out.end()
    }
}

impl Model {
    /// The IR as compact JSON for a plugin reading `version` ([`crate::IR_VERSION`] or
    /// [`LEGACY_IR_VERSION`]); without `traffic`, the rules and flows are empty (what listing
    /// units needs). Errs on a version this crate does not write.
    pub fn to_ir_json(&self, version: &str, traffic: bool) -> Result<String, String> {
        self.view(version, traffic).and_then(|view| {
            serde_json::to_string(&view).map_err(|e| format!("cannot serialise the model: {e}"))
        })
    }

    /// The whole IR in `version`, indented for people (what `infrac model --ir-version` prints).
    pub fn to_ir_json_pretty(&self, version: &str) -> Result<String, String> {
        self.view(version, true).and_then(|view| {
            serde_json::to_string_pretty(&view)
                .map_err(|e| format!("cannot serialise the model: {e}"))
        })
    }

    fn view(&self, version: &str, traffic: bool) -> Result<View<'_>, String> {
        let legacy = match version {
            crate::IR_VERSION => false,
            LEGACY_IR_VERSION => true,
            other => {
                return Err(format!(
                    "cannot write IR version {other}: this infrac writes {} and {LEGACY_IR_VERSION}",
                    crate::IR_VERSION
                ));
            }
        };
        Ok(View {
            model: self,
            legacy,
            traffic,
        })
    }
}
