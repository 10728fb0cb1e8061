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

/// The key of the section index, the last member of the compact IR the host hands plugins
/// (IR 0.2): `{"project":[START,END],"sites":[START,END],…}`, the byte range of each other
/// top-level member's value in the document. A reader that needs a few sections parses those
/// and never scans the rest (see [`Model::from_json_skipping`]); a reader that does not know
/// the index ignores it like any unknown member.
pub const SECTION_INDEX_KEY: &str = "section_index";

/// The model as one plugin reads it.
struct View<'a> {
    model: &'a Model,
    legacy: bool,
    traffic: bool,
}

/// Where the members of the IR's top-level object are written, in order.
trait Members {
    type Error;
    fn member<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Self::Error>;
}

impl View<'_> {
    fn write<M: Members>(&self, out: &mut M) -> Result<(), M::Error> {
        let m = self.model;
        let version = if self.legacy {
            LEGACY_IR_VERSION
        } else {
            m.ir_version.as_str()
        };
        out.member("ir_version", version)?;
        out.member("project", &m.project)?;
        out.member("secrets", &m.secrets)?;
        out.member("sites", &m.sites)?;
        out.member("devices", &m.devices)?;
        out.member("links", &m.links)?;
        out.member("hosts", &m.hosts)?;
        out.member("services", &m.services)?;
        out.member("load_balancers", &m.load_balancers)?;
        out.member("ha_groups", &m.ha_groups)?;
        out.member("databases", &m.databases)?;
        let no_rules: &[Rule] = &[];
        let rules = if self.traffic { &m.rules[..] } else { no_rules };
        out.member("rules", rules)?;
        let flows = if self.traffic { &m.flows[..] } else { &[] };
        if self.legacy {
            out.member("flows", flows)?;
        } else {
            out.member("flows", &FlowTable::of(flows))?;
        }
        out.member("monitoring", &m.monitoring)?;
        out.member("dns", &m.dns)?;
        out.member("policies", &m.policies)
    }
}

/// Members written as the fields of a serde struct.
struct Fields<S>(S);

impl<S: SerializeStruct> Members for Fields<S> {
    type Error = S::Error;
    fn member<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        self.0.serialize_field(key, value)
    }
}

impl Serialize for View<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut fields = Fields(s.serialize_struct("Model", 16)?);
        self.write(&mut fields)?;
        fields.0.end()
    }
}

/// Members written as compact JSON, each value's byte range noted for the section index.
#[derive(Default)]
struct Indexed {
    json: Vec<u8>,
    ranges: Vec<(&'static str, usize, usize)>,
}

impl Members for Indexed {
    type Error = serde_json::Error;
    fn member<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        self.json
            .push(if self.ranges.is_empty() { b'{' } else { b',' });
        serde_json::to_writer(&mut self.json, key)?;
        self.json.push(b':');
        let start = self.json.len();
        serde_json::to_writer(&mut self.json, value)?;
        self.ranges.push((key, start, self.json.len()));
        Ok(())
    }
}

impl Indexed {
    /// The document: the members, then the section index (in the members' order), then the
    /// closing brace.
    fn finish(mut self) -> Result<String, serde_json::Error> {
        use std::io::Write as _;
        self.json
            .push(if self.ranges.is_empty() { b'{' } else { b',' });
        serde_json::to_writer(&mut self.json, SECTION_INDEX_KEY)?;
        self.json.extend_from_slice(b":{");
        for (i, (key, start, end)) in self.ranges.iter().enumerate() {
            if i > 0 {
                self.json.push(b',');
            }
            serde_json::to_writer(&mut self.json, key)?;
            write!(self.json, ":[{start},{end}]").map_err(serde_json::Error::io)?;
        }
        self.json.extend_from_slice(b"}}");
        // serde_json writes UTF-8 only.
        String::from_utf8(self.json).map_err(serde::ser::Error::custom)
    }
}

impl Model {
    /// The IR as compact JSON for a plugin reading `version` ([`crate::IR_VERSION`] or
    /// [`LEGACY_IR_VERSION`]); without `traffic`, the rules and flows are empty (what listing
    /// units needs). The current version ends with the section index ([`SECTION_INDEX_KEY`]);
    /// the legacy one is written as it always was. Errs on a version this crate does not write.
    pub fn to_ir_json(&self, version: &str, traffic: bool) -> Result<String, String> {
        let view = self.view(version, traffic)?;
        let json = if view.legacy {
            serde_json::to_string(&view)
        } else {
            let mut indexed = Indexed::default();
            view.write(&mut indexed).and_then(|()| indexed.finish())
        };
        json.map_err(|e| format!("cannot serialise the model: {e}"))
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
