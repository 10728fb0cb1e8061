//! Reading a model while leaving some of its top-level sections unbuilt.
//!
//! A backend that never looks at the flow matrix (a DNS zone, a MySQL script) still receives
//! it: the IR is one document for every plugin. [`Model::from_json_skipping`] scans the
//! sections it is told to skip without building them (no strings, no vectors, no address
//! parsing), leaving them empty; at 1,000 sites the flows are 60% of the IR.

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
}

impl Section {
    /// Every section a reader can leave unbuilt.
    pub const ALL: [Section; 12] = [
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
    ];

    /// The sections not in `reads`: what a reader of only those skips.
    pub fn all_but(reads: &[Section]) -> Vec<Section> {
        Section::ALL
            .into_iter()
            .filter(|s| !reads.contains(s))
            .collect()
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
    /// Reads a model from JSON, leaving the sections in `skip` empty (their JSON is checked for
    /// well-formedness and passed over). Every other section is read as [`Model::from_json`]
    /// reads it.
    pub fn from_json_skipping(text: &str, skip: &[Section]) -> Result<Model, serde_json::Error> {
        let _reading = Reading;
        SKIPPED.with(|s| s.set(skip.iter().fold(0, |bits, s| bits | s.bit())));
        serde_json::from_str(text)
    }
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
}
