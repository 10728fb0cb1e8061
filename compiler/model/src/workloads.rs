//! Hosts, services, load balancers, HA groups and database clusters.

use crate::{Origin, SecretRef};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// A server or VM.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Host {
    /// Host name (its DNS name is `name.domain`).
    pub name: String,
    /// The site it stands in.
    pub site: String,
    /// Addresses, one per zone; the first is the primary.
    pub addresses: Vec<HostAddress>,
    /// Free-form role label (`admin`, `app`, `lb`…).
    pub role: Option<String>,
    /// Whether monitoring scrapes its node exporter.
    pub monitor: bool,
    /// Services that run on it, sorted.
    pub services: Vec<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// A host's address in one zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HostAddress {
    /// Zone key.
    pub zone: String,
    /// The address.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub address: IpAddr,
    /// Prefix length of the zone's subnet.
    pub prefix_len: u8,
    /// Interface name on the host (`eth0`, `eth1`… in order unless given).
    pub interface: String,
    /// The zone's gateway.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub gateway: IpAddr,
}

/// What a service is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    /// An application.
    App,
    /// A container image registry.
    Registry,
    /// A CI/CD server.
    Ci,
    /// A monitoring server (Prometheus).
    Monitoring,
    /// A dashboard (Grafana).
    Dashboard,
    /// A DNS server.
    Dns,
}

/// A containerised service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Service {
    /// Service name.
    pub name: String,
    /// What it is.
    pub kind: ServiceKind,
    /// Full image reference (registry prefix applied).
    pub image: String,
    /// TCP port it listens on.
    pub port: Option<u16>,
    /// Hosts it runs on, sorted.
    pub hosts: Vec<String>,
    /// Zone key of the network it attaches to on each host, by host (sorted by host).
    pub placements: Vec<Placement>,
    /// Copies per host.
    pub replicas: u32,
    /// Container health check.
    pub health: Option<Health>,
    /// Environment variables, sorted by name.
    pub env: Vec<EnvVar>,
    /// Capabilities kept (all others dropped).
    pub caps: Vec<String>,
    /// Read-only root filesystem.
    pub read_only: bool,
    /// Resource limits.
    pub limits: Option<Limits>,
    /// Services it starts after (once healthy), sorted.
    pub depends: Vec<String>,
    /// Application metrics path, when it exposes metrics.
    pub metrics: Option<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// Where one instance of a service runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Placement {
    /// Host name.
    pub host: String,
    /// Zone key the service is reached in.
    pub zone: String,
    /// The host's address in that zone.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub address: IpAddr,
}

/// A health check of a container or backend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Health {
    /// HTTP path to GET; `None` means a TCP connect check.
    pub http: Option<String>,
    /// Expected HTTP status.
    pub expect: Option<u16>,
    /// Milliseconds between checks.
    pub interval_ms: u64,
    /// Milliseconds before a check fails.
    pub timeout_ms: u64,
    /// Failures before unhealthy (`fall`).
    pub retries: u32,
    /// Successes before healthy again.
    pub rise: u32,
}

/// An environment variable of a service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EnvVar {
    /// Variable name.
    pub name: String,
    /// Its value.
    pub value: EnvValue,
}

/// A plain value or a secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EnvValue {
    /// Literal text.
    Plain(String),
    /// A secret reference.
    Secret(SecretRef),
}

/// Resource limits of a container.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Limits {
    /// CPU limit in thousandths of a CPU (`0.5` → 500).
    pub millicpus: Option<u32>,
    /// Memory limit in bytes.
    pub memory_bytes: Option<u64>,
    /// Maximum number of processes.
    pub pids: Option<u32>,
}

/// Balancing algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Algorithm {
    /// Round robin (weighted when servers have weights).
    Roundrobin,
    /// Fewest connections.
    Leastconn,
    /// Hash of the source address.
    Source,
}

/// A load balancer (HAProxy).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoadBalancer {
    /// Name.
    pub name: String,
    /// Public DNS name, e.g. `www.foobar.com`.
    pub fqdn: Option<String>,
    /// Hosts that run it, sorted.
    pub hosts: Vec<String>,
    /// Virtual address clients connect to.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub vip: IpAddr,
    /// Zone key of the VIP.
    pub vip_zone: String,
    /// TLS termination.
    pub tls: Option<Tls>,
    /// Algorithm.
    pub algorithm: Algorithm,
    /// Backends, sorted by name.
    pub backends: Vec<Backend>,
    /// Maximum concurrent connections.
    pub maxconn: Option<u32>,
    /// Per-client request rate limit.
    pub rate_limit: Option<RateLimit>,
    /// Client allow list (empty: decided by the flow matrix only).
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub allow: Vec<ipnet::IpNet>,
    /// Client deny list.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub deny: Vec<ipnet::IpNet>,
    /// Stats/metrics endpoint port (`stats`, or 8404 when the model has monitoring).
    pub stats_port: Option<u16>,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Where it was declared.
    pub origin: Origin,
}

/// Timeouts of a load balancer, in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Timeouts {
    /// Connect to a backend.
    pub connect_ms: u64,
    /// Client inactivity.
    pub client_ms: u64,
    /// Server inactivity.
    pub server_ms: u64,
}

/// TLS termination.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Tls {
    /// Certificate file (PEM with key) on the load balancer host.
    pub cert: String,
    /// Redirect HTTP to HTTPS.
    pub redirect: bool,
}

/// Per-client rate limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RateLimit {
    /// Requests allowed per period.
    pub requests: u32,
    /// The period in milliseconds.
    pub period_ms: u64,
}

/// A backend pool: the hosts of one service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Backend {
    /// Name (the service name).
    pub name: String,
    /// The service.
    pub service: String,
    /// Port on the servers.
    pub port: u16,
    /// Servers, sorted by host name.
    pub servers: Vec<Server>,
    /// Health check.
    pub check: Option<Health>,
    /// TLS to the servers, verified against a CA file.
    pub reencrypt: Option<Reencrypt>,
}

/// One server of a backend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Server {
    /// Host name.
    pub host: String,
    /// Site of the host.
    pub site: String,
    /// Address (an IP: load balancers resolve names at load time).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub address: IpAddr,
    /// Weight (1 unless given).
    pub weight: u32,
    /// Used only when every non-backup server is down.
    pub backup: bool,
}

/// Re-encryption to backends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reencrypt {
    /// CA file that signs the backends' certificates.
    pub ca: String,
}

/// A VRRP group (keepalived).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HaGroup {
    /// Name.
    pub name: String,
    /// Virtual addresses.
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub vips: Vec<IpAddr>,
    /// Prefix length of the VIP's zone.
    pub prefix_len: u8,
    /// Zone key of the VIPs.
    pub zone: String,
    /// Virtual router id, 1–255.
    pub vrid: u8,
    /// Members, highest priority first.
    pub members: Vec<HaMember>,
    /// Process whose failure lowers the priority.
    pub track: Option<String>,
    /// VRRP authentication password (at most 8 characters).
    pub auth: Option<SecretRef>,
    /// Advertisement interval in milliseconds.
    pub advert_ms: u64,
    /// Whether a higher-priority member takes the VIP back.
    pub preempt: bool,
    /// Script run on state changes.
    pub notify: Option<String>,
    /// Where it was declared.
    pub origin: Origin,
}

/// One member of an HA group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HaMember {
    /// Host name.
    pub host: String,
    /// Priority 1–254.
    pub priority: u8,
    /// Its address in the group's zone (unicast source).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub address: IpAddr,
    /// Its interface in the group's zone.
    pub interface: String,
}

/// Database flavour; replication statements differ between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Flavour {
    /// MariaDB 10.x/11.x.
    Mariadb,
    /// MySQL 8.0.23 or later.
    Mysql8,
}

/// A primary with replicas.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Database {
    /// Cluster name.
    pub name: String,
    /// MariaDB or MySQL 8.
    pub flavour: Flavour,
    /// The primary.
    pub primary: DbNode,
    /// Replicas, in declared order.
    pub replicas: Vec<DbNode>,
    /// GTID-based replication.
    pub gtid: bool,
    /// The replication user name.
    pub replication_user: String,
    /// The replication user's password (absent for a cluster without replicas).
    pub replication_password: Option<SecretRef>,
    /// Replicas are read-only.
    pub read_only: bool,
    /// Databases to create, sorted.
    pub databases: Vec<String>,
    /// Application users, sorted by name.
    pub users: Vec<DbUser>,
    /// TCP port.
    pub port: u16,
    /// Backup schedule.
    pub backup: Option<Backup>,
    /// Where it was declared.
    pub origin: Origin,
}

/// One database server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DbNode {
    /// Host name.
    pub host: String,
    /// Address it is reached at.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub address: IpAddr,
    /// Zone key of that address.
    pub zone: String,
    /// `server_id`, unique in the cluster (primary 1, replicas 2…).
    pub server_id: u32,
}

/// An application database user.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DbUser {
    /// User name.
    pub name: String,
    /// Password.
    pub password: SecretRef,
    /// Databases it has all privileges on, sorted.
    pub grants: Vec<String>,
}

/// Kind of backup.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    /// Everything.
    Full,
    /// Changes since the last backup.
    Incremental,
}

/// A backup schedule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Backup {
    /// Period in milliseconds (`2w` → 1209600000).
    pub every_ms: u64,
    /// Full or incremental.
    pub kind: BackupKind,
    /// Time of day `HH:MM`.
    pub at: String,
    /// Backups to keep.
    pub keep: u32,
    /// Host that runs the backup (a replica when there is one).
    pub host: String,
}
