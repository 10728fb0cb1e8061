//! Monitoring and DNS.

use crate::Origin;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Monitoring: the scraping service, scrape targets and alerts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Monitoring {
    /// The service that scrapes (Prometheus).
    pub server: String,
    /// Scrape interval in milliseconds.
    pub interval_ms: u64,
    /// Every target to scrape, sorted by job then address.
    pub targets: Vec<ScrapeTarget>,
    /// Alerts, sorted by name.
    pub alerts: Vec<Alert>,
    /// Where it was declared.
    pub origin: Origin,
}

/// What a scrape target exports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Exporter {
    /// Node exporter on a host (CPU, memory, disk).
    Node,
    /// HAProxy's Prometheus endpoint.
    Haproxy,
    /// mysqld exporter next to a database node.
    Mysqld,
    /// A service's own metrics.
    App,
}

/// One scrape target.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScrapeTarget {
    /// Job name (`node`, `haproxy`, `mysqld`, or the service's name).
    pub job: String,
    /// What it exports.
    pub exporter: Exporter,
    /// Host name.
    pub host: String,
    /// Address to scrape.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub address: IpAddr,
    /// Port.
    pub port: u16,
    /// Metrics path.
    pub path: String,
}

/// What an alert watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// Requests per second of a load balancer.
    Qps,
    /// Share of HTTP 5xx responses.
    ErrorRate,
    /// Replica lag behind the primary.
    ReplicationLag,
    /// A target not answering scrapes.
    HostDown,
    /// CPU use.
    Cpu,
    /// Memory use.
    Memory,
    /// Disk use.
    Disk,
    /// Response time.
    Latency,
}

/// A threshold value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    /// A count or rate.
    Number(f64),
    /// A percentage (0–100).
    Percent(f64),
    /// A duration in milliseconds.
    DurationMs(u64),
}

/// An alert rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Alert {
    /// What it watches.
    pub kind: AlertKind,
    /// Fires above this value (none for `host_down`).
    pub above: Option<Threshold>,
    /// For how long the condition must hold, in milliseconds.
    pub for_ms: u64,
    /// Where it was written.
    pub origin: Origin,
}

/// DNS for the project's domain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Dns {
    /// Hosts serving the zone, sorted.
    pub servers: Vec<String>,
    /// Default TTL in seconds.
    pub ttl_s: u32,
    /// Every record, sorted by name then address.
    pub records: Vec<DnsRecord>,
}

/// An address record.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DnsRecord {
    /// Name relative to the domain (`www`, `app1-1`).
    pub name: String,
    /// The address (A or AAAA by family).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub address: IpAddr,
    /// The element it names (host, load balancer or service).
    pub target: String,
}
