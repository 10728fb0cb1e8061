//! The typed, versioned intermediate representation (IR) that infrac hands to backend plugins.
//!
//! The checker lowers `.infra` sources into a [`Model`]; plugins receive it as JSON (its schema
//! is published in `docs/ir.schema.json`). The model is *resolved*: every reference is a name
//! that exists, every default is filled in, every address is checked, and the zero-trust
//! [`Flow`] matrix is computed. Collections are sorted by name (flows by their key), so the same
//! sources always give byte-identical JSON.
//!
//! Secrets never appear in the IR: a [`SecretRef`] carries only the secret's name and the
//! placeholder that the host substitutes when it writes files.
//!
//! This crate builds for `wasm32-wasip2` (the Rust plugin SDK re-exports it); the JSON Schema
//! derive is behind the default `schema` feature.

mod devices;
mod flow_table;
mod flows;
mod ir;
mod ops;
mod sections;
mod version;
mod workloads;

pub use devices::*;
pub use flow_table::{FlowRef, FlowTable};
pub use flows::*;
pub use ir::LEGACY_IR_VERSION;
pub use ops::*;
pub use sections::Section;
pub use version::compatible as ir_compatible;
pub use workloads::*;

use serde::{Deserialize, Serialize};

/// The IR version this crate reads and writes: `MAJOR.MINOR`. A plugin declares the versions
/// it reads; the host refuses a plugin whose list lacks this version's major.
/// Minor versions only add optional fields; a removed or changed field bumps the major.
pub const IR_VERSION: &str = "0.2";

/// The marker around a secret's name in a placeholder: `@@secret:NAME@@`.
pub const SECRET_PLACEHOLDER_PREFIX: &str = "@@secret:";
/// See [`SECRET_PLACEHOLDER_PREFIX`].
pub const SECRET_PLACEHOLDER_SUFFIX: &str = "@@";

/// The placeholder for secret `name`, substituted by the host when files are written.
pub fn secret_placeholder(name: &str) -> String {
    format!("{SECRET_PLACEHOLDER_PREFIX}{name}{SECRET_PLACEHOLDER_SUFFIX}")
}

/// A whole resolved model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Model {
    /// The IR version, [`IR_VERSION`].
    pub ir_version: String,
    /// The project.
    pub project: Project,
    /// Secrets by name (sources only, never values).
    #[serde(deserialize_with = "sections::secrets")]
    pub secrets: Vec<Secret>,
    /// Sites with their zones, sorted by name.
    #[serde(deserialize_with = "sections::sites")]
    pub sites: Vec<Site>,
    /// Firewalls, switches and routers, sorted by name.
    #[serde(deserialize_with = "sections::devices")]
    pub devices: Vec<Device>,
    /// Inter-site links, sorted by name.
    #[serde(deserialize_with = "sections::links")]
    pub links: Vec<Link>,
    /// Hosts, sorted by name.
    #[serde(deserialize_with = "sections::hosts")]
    pub hosts: Vec<Host>,
    /// Containerised services, sorted by name.
    #[serde(deserialize_with = "sections::services")]
    pub services: Vec<Service>,
    /// Load balancers, sorted by name.
    #[serde(deserialize_with = "sections::load_balancers")]
    pub load_balancers: Vec<LoadBalancer>,
    /// VRRP groups, sorted by name.
    #[serde(deserialize_with = "sections::ha_groups")]
    pub ha_groups: Vec<HaGroup>,
    /// Database clusters, sorted by name.
    #[serde(deserialize_with = "sections::databases")]
    pub databases: Vec<Database>,
    /// Zero-trust rules as written, sorted by origin.
    #[serde(deserialize_with = "sections::rules")]
    pub rules: Vec<Rule>,
    /// The flow matrix: every allowed flow, expanded to concrete endpoints, sorted. Written as
    /// a [`FlowTable`] (each endpoint, service and provenance once).
    #[serde(
        serialize_with = "flow_table::serialize",
        deserialize_with = "sections::flows"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "FlowTable"))]
    pub flows: Vec<Flow>,
    /// Monitoring, when modelled.
    #[serde(default, deserialize_with = "sections::monitoring")]
    pub monitoring: Option<Monitoring>,
    /// DNS, with every record computed.
    #[serde(deserialize_with = "sections::dns")]
    pub dns: Dns,
    /// Policy assertions (all satisfied, or the model would not have been built).
    #[serde(deserialize_with = "sections::policies")]
    pub policies: Vec<Policy>,
}

/// Where an element was written: file (relative to the project root) and 1-based line/column.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Origin {
    /// Source file, relative to the project root, with `/` separators.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// The project: name, domain and defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Project {
    /// Project name.
    pub name: String,
    /// DNS domain, e.g. `foobar.com`.
    pub domain: String,
    /// Registry prefix for images, e.g. `registry.foobar.com:5000`.
    pub registry: Option<String>,
    /// Default owner of rules.
    pub owner: Option<String>,
    /// NTP servers for devices.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub ntp: Vec<std::net::IpAddr>,
    /// Syslog servers for devices.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub syslog: Vec<std::net::IpAddr>,
    /// Login banner for devices.
    pub banner: Option<String>,
    /// Directory of external backend plugins, relative to the project root.
    pub plugins: Option<String>,
    /// Policies this project does not apply, each with its reason.
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

/// A policy the project does not apply (`waive POLICY { why "…" }`), on record for review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Waiver {
    /// The policy's name.
    pub policy: String,
    /// Why it does not apply.
    pub why: String,
    /// Where it was written.
    pub origin: Origin,
}

/// Where a secret's value comes from at build time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum SecretSource {
    /// An environment variable.
    Env(String),
    /// A file path.
    File(String),
}

/// A secret: a name and where its value is read from. The value itself never enters the IR.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Secret {
    /// Secret name.
    pub name: String,
    /// Where its value comes from.
    pub source: SecretSource,
    /// Maximum length of the value, when the consumer has one (VRRP: 8).
    pub max_length: Option<u32>,
    /// The placeholder plugins write in its place.
    pub placeholder: String,
}

/// A reference to a secret, as plugins see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SecretRef {
    /// Secret name.
    pub name: String,
    /// Text to write where the value goes: `@@secret:NAME@@`.
    pub placeholder: String,
}

impl SecretRef {
    /// A reference to secret `name` with its placeholder.
    pub fn new(name: &str) -> SecretRef {
        SecretRef {
            name: name.to_string(),
            placeholder: secret_placeholder(name),
        }
    }
}

impl Model {
    /// The model as pretty JSON, the form plugins receive and snapshots store.
    pub fn to_json(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Reads a model from JSON.
    pub fn from_json(text: &str) -> Result<Model, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// The site named `name`.
    pub fn site(&self, name: &str) -> Option<&Site> {
        by_name(&self.sites, name, |s| &s.name).map(|(_, s)| s)
    }

    /// The zone with key `site.zone`.
    pub fn zone(&self, key: &str) -> Option<&Zone> {
        let (site, zone) = key.split_once('.')?;
        self.site(site)?.zones.iter().find(|z| z.name == zone)
    }

    /// The host named `name`.
    pub fn host(&self, name: &str) -> Option<&Host> {
        self.host_indexed(name).map(|(_, h)| h)
    }

    /// The host named `name` with its index in [`Model::hosts`] (for IR paths).
    pub fn host_indexed(&self, name: &str) -> Option<(usize, &Host)> {
        by_name(&self.hosts, name, |h| &h.name)
    }

    /// The device named `name`.
    pub fn device(&self, name: &str) -> Option<&Device> {
        self.device_indexed(name).map(|(_, d)| d)
    }

    /// The device named `name` with its index in [`Model::devices`] (for IR paths).
    pub fn device_indexed(&self, name: &str) -> Option<(usize, &Device)> {
        by_name(&self.devices, name, |d| &d.name)
    }

    /// The service named `name`.
    pub fn service(&self, name: &str) -> Option<&Service> {
        by_name(&self.services, name, |s| &s.name).map(|(_, s)| s)
    }
}

/// The element of `items` named `name`: a binary search, since the IR sorts its collections by
/// name, then a scan, so that a model built by hand in any order is still answered right.
fn by_name<'a, T>(
    items: &'a [T],
    name: &str,
    key: impl Fn(&T) -> &String,
) -> Option<(usize, &'a T)> {
    match items.binary_search_by(|item| key(item).as_str().cmp(name)) {
        Ok(i) => items.get(i).map(|item| (i, item)),
        Err(_) => items.iter().enumerate().find(|(_, item)| key(item) == name),
    }
}

/// The JSON Schema of the IR, pretty-printed (what `docs/ir.schema.json` holds).
#[cfg(feature = "schema")]
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Model);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::by_name;

    fn find(items: &[String], name: &str) -> Option<(usize, String)> {
        by_name(items, name, |s| s).map(|(i, s)| (i, s.clone()))
    }

    #[test]
    fn by_name_finds_in_sorted_and_unsorted_collections() {
        let sorted: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        for (i, name) in ["a", "b", "c", "d"].into_iter().enumerate() {
            assert_eq!(find(&sorted, name), Some((i, name.to_string())));
        }
        assert_eq!(find(&sorted, "e"), None);
        let unsorted: Vec<String> = ["d", "a", "c", "b"].map(String::from).to_vec();
        for (i, name) in ["d", "a", "c", "b"].into_iter().enumerate() {
            assert_eq!(find(&unsorted, name), Some((i, name.to_string())));
        }
        assert_eq!(find(&unsorted, "e"), None);
    }
}
