//! Reading a model while leaving some of its top-level sections unbuilt.
//!
//! A backend that never looks at the flow matrix (a DNS zone, a MySQL script) still receives
//! it: the IR is one document for every plugin. [`Model::from_json_skipping`] leaves the
//! sections it is told to skip empty. With the section index the host writes at the end of
//! the IR it does not even scan them: it parses only the members it keeps (at 1,000 sites the
//! flows alone are a quarter of the IR, and most backends read two or three sections).

use crate::Model;
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use std::cell::Cell;

/// A top-level section of the IR that a reader can leave unbuilt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Section {
    /// `secrets`.
    Secrets,
    /// `devices`.
    Devices,
    /// `services`.
    Services,
    /// `links`.
    Links,
    /// `load_balancers`.
    LoadBalancers,
    /// `ha_groups`.
    HaGroups,
    /// `databases`.
    Databases,
    /// `rules` (the rules as written; the flow matrix is what backends render).
    Rules,
    /// `flows`.
    Flows,
    /// `monitoring`.
    Monitoring,
    /// `dns`.
    Dns,
    /// `policies`.
    Policies,
    /// `sites` (with their zones).
    Sites,
    /// `hosts`.
    Hosts,
}

impl Section {
    /// Every section a reader can leave unbuilt.
    pub const ALL: [Section; 14] = [
        Section::Secrets,
        Section::Devices,
        Section::Services,
        Section::Links,
        Section::LoadBalancers,
        Section::HaGroups,
        Section::Databases,
        Section::Rules,
        Section::Flows,
        Section::Monitoring,
        Section::Dns,
        Section::Policies,
        Section::Sites,
        Section::Hosts,
    ];

    /// The sections not in `reads`: what a reader of only those skips.
    pub fn all_but(reads: &[Section]) -> Vec<Section> {
        Section::ALL
            .into_iter()
            .filter(|s| !reads.contains(s))
            .collect()
    }

    /// The section's key in the IR's top-level object.
    pub fn key(self) -> &'static str {
        match self {
            Section::Secrets => "secrets",
            Section::Devices => "devices",
            Section::Services => "services",
            Section::Links => "links",
            Section::LoadBalancers => "load_balancers",
            Section::HaGroups => "ha_groups",
            Section::Databases => "databases",
            Section::Rules => "rules",
            Section::Flows => "flows",
            Section::Monitoring => "monitoring",
            Section::Dns => "dns",
            Section::Policies => "policies",
            Section::Sites => "sites",
            Section::Hosts => "hosts",
        }
    }

    fn bit(self) -> u32 {
        1 << self as u32
    }
}

thread_local! {
    /// The sections the reading in progress on this thread skips (bits of [`Section::bit`]).
    static SKIPPED: Cell<u32> = const { Cell::new(0) };
}

/// Resets [`SKIPPED`] when a reading ends, however it ends.
struct Reading;

impl Drop for Reading {
    fn drop(&mut self) {
        SKIPPED.with(|s| s.set(0));
    }
}

impl Model {
    /// Reads a model from JSON, leaving the sections in `skip` empty. Every other section is
    /// read as [`Model::from_json`] reads it.
    ///
    /// When the document ends with a section index (what [`Model::to_ir_json`] writes), the
    /// skipped sections are not looked at at all: only the others are parsed. Without one, or
    /// when it does not match the document, the skipped sections are scanned for
    /// well-formedness and passed over.
    pub fn from_json_skipping(text: &str, skip: &[Section]) -> Result<Model, serde_json::Error> {
        let _reading = Reading;
        let skipped = skip.iter().fold(0, |bits, s| bits | s.bit());
        SKIPPED.with(|s| s.set(skipped));
        if skipped != 0
            && let Some(kept) = without_skipped(text, skip)
            && let Ok(model) = serde_json::from_str(&kept)
        {
            return Ok(model);
        }
        serde_json::from_str(text)
    }
}

/// The last bytes of a document the section index can be in.
const INDEX_TAIL: usize = 4096;

/// The members of `text`'s top-level object by its section index: `(key, value)` in document
/// order, or `None` when the document has no index or it does not match the document.
fn indexed_members(text: &str) -> Option<Vec<(String, &str)>> {
    let mut tail = text.len().saturating_sub(INDEX_TAIL);
    while !text.is_char_boundary(tail) {
        tail += 1;
    }
    let marker = format!(",\"{}\":", crate::ir::SECTION_INDEX_KEY);
    let at = tail + text.get(tail..)?.rfind(&marker)?;
    let index = text
        .get(at + marker.len()..)?
        .trim_end()
        .strip_suffix('}')?;
    let mut members: Vec<(String, (usize, usize))> =
        serde_json::from_str::<std::collections::BTreeMap<String, (usize, usize)>>(index)
            .ok()?
            .into_iter()
            .collect();
    members.sort_by_key(|(_, (start, _))| *start);
    let mut last = 0;
    let mut out = Vec::with_capacity(members.len());
    for (key, (start, end)) in members {
        let value = text
            .get(start..end)
            .filter(|_| start >= last && end <= at)?;
        // Each value is right after its key.
        let before = text.get(..start)?.strip_suffix(':')?.strip_suffix('"')?;
        before.strip_suffix(key.as_str())?.strip_suffix('"')?;
        last = end;
        out.push((key, value));
    }
    Some(out)
}

/// The document `text` with the values of the `skip` sections replaced by `null` (read as
/// empty), built from its section index; `None` without a usable index.
fn without_skipped(text: &str, skip: &[Section]) -> Option<String> {
    let members = indexed_members(text)?;
    let skipped = |key: &str| skip.iter().any(|s| s.key() == key);
    let size: usize = members
        .iter()
        .map(|(k, v)| k.len() + if skipped(k) { 8 } else { v.len() + 4 })
        .sum();
    let mut kept = String::with_capacity(size + 2);
    kept.push('{');
    for (i, (key, value)) in members.iter().enumerate() {
        if i > 0 {
            kept.push(',');
        }
        kept.push('"');
        kept.push_str(key);
        kept.push_str("\":");
        kept.push_str(if skipped(key) { "null" } else { value });
    }
    kept.push('}');
    Some(kept)
}

/// Reads one section with `read`, or passes over it when the reading skips it.
fn read_with<'de, D, T>(
    section: Section,
    d: D,
    read: impl FnOnce(D) -> Result<T, D::Error>,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default,
{
    if SKIPPED.with(|s| s.get()) & section.bit() != 0 {
        IgnoredAny::deserialize(d)?;
        Ok(T::default())
    } else {
        read(d)
    }
}

/// Reads one section, or passes over it when the reading skips it.
fn read<'de, D, T>(section: Section, d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    read_with(section, d, T::deserialize)
}

/// The `deserialize_with` of the flows: their tables (see [`crate::FlowTable`]).
pub(crate) fn flows<'de, D>(d: D) -> Result<Vec<crate::Flow>, D::Error>
where
    D: Deserializer<'de>,
{
    read_with(Section::Flows, d, crate::flow_table::deserialize)
}

macro_rules! readers {
    ($($name:ident => $section:ident),* $(,)?) => {$(
        /// The `deserialize_with` of the section.
        pub(crate) fn $name<'de, D, T>(d: D) -> Result<T, D::Error>
        where
            D: Deserializer<'de>,
            T: Deserialize<'de> + Default,
        {
            read(Section::$section, d)
        }
    )*};
}

readers! {
    secrets => Secrets,
    devices => Devices,
    services => Services,
    links => Links,
    load_balancers => LoadBalancers,
    ha_groups => HaGroups,
    databases => Databases,
    rules => Rules,
    monitoring => Monitoring,
    dns => Dns,
    policies => Policies,
    sites => Sites,
    hosts => Hosts,
}
