//! The lowered model: every declaration typed, with spans, references still as written.
//! `resolve` turns it into the IR.

use infrac_diag::Span;
use infrac_model::{
    AlertKind, Algorithm, BackupKind, DeviceKind, Flavour, Health, Platform, PortSpec, Purpose,
    SecretSource, ServiceKind, Threshold,
};
use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr};

/// A value with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct Sp<T> {
    /// The value.
    pub v: T,
    /// Where.
    pub span: Span,
}

/// Shorthand for a spanned string.
pub type Name = Sp<String>;

/// Everything declared, across all files, templates expanded.
#[derive(Default, Debug)]
pub struct Hir {
    pub projects: Vec<ProjectH>,
    pub secrets: Vec<SecretH>,
    pub sites: Vec<SiteH>,
    pub devices: Vec<DeviceH>,
    pub hosts: Vec<HostH>,
    pub links: Vec<LinkH>,
    pub services: Vec<ServiceH>,
    pub lbs: Vec<LbH>,
    pub has: Vec<HaH>,
    pub dbs: Vec<DbH>,
    pub rules: Vec<RuleH>,
    pub monitoring: Vec<MonitoringH>,
    pub dns: Vec<DnsH>,
    pub policies: Vec<PolicyH>,
    pub tests: Vec<TestH>,
}

#[derive(Debug)]
pub struct ProjectH {
    pub name: Name,
    pub domain: Option<String>,
    pub registry: Option<String>,
    pub owner: Option<String>,
    pub ntp: Vec<IpAddr>,
    pub syslog: Vec<IpAddr>,
    pub banner: Option<String>,
    pub plugins: Option<String>,
    /// `waive POLICY { why "…" }`: (policy, reason, span).
    pub waivers: Vec<(Name, String, Span)>,
    pub span: Span,
}

#[derive(Debug)]
pub struct SecretH {
    pub name: Name,
    pub source: Option<SecretSource>,
    pub max_length: Option<u32>,
}

#[derive(Debug)]
pub struct SiteH {
    pub name: Name,
    pub id: Option<Sp<u32>>,
    pub description: Option<String>,
    pub zones: Vec<ZoneH>,
    pub span: Span,
}

#[derive(Debug)]
pub struct ZoneH {
    pub name: Name,
    pub vlan: Option<Sp<u64>>,
    pub subnet: Option<Sp<IpNet>>,
    pub gateway: Option<Sp<IpAddr>>,
    pub purpose: Option<Purpose>,
    pub description: Option<String>,
    pub span: Span,
}

/// A reference to a zone: `zone` (in the element's own site) or `site.zone`.
pub type ZoneRef = Sp<Vec<String>>;

#[derive(Debug)]
pub struct DeviceH {
    pub name: Name,
    pub kind: DeviceKind,
    pub site: Option<Name>,
    pub platform: Option<Sp<Platform>>,
    pub interfaces: Vec<IfaceH>,
    pub trunks: Vec<TrunkH>,
    pub access: Vec<AccessH>,
    pub addresses: Vec<(ZoneRef, Sp<IpAddr>)>,
    pub management: Option<(ZoneRef, Sp<IpAddr>)>,
    pub ssh: Option<(String, Name)>,
    pub routing: Option<bool>,
    pub ospf: Option<OspfH>,
    pub carp: Option<CarpH>,
    pub forwards: Vec<ForwardH>,
    pub router_id: Option<Ipv4Addr>,
    pub span: Span,
}

#[derive(Debug)]
pub struct IfaceH {
    pub name: Name,
    pub port: Option<String>,
    pub address: Option<Sp<IpNet>>,
    pub gateway: Option<Sp<IpAddr>>,
    pub zone: Option<ZoneRef>,
    pub description: Option<String>,
}

#[derive(Debug)]
pub struct TrunkH {
    pub name: Name,
    pub port: Option<String>,
    pub to: Option<Sp<Vec<String>>>,
    pub vlans: Vec<ZoneRef>,
    pub native: Option<Sp<u64>>,
    pub description: Option<String>,
}

#[derive(Debug)]
pub struct AccessH {
    pub port: Name,
    pub zone: ZoneRef,
    pub host: Option<Name>,
    pub description: Option<String>,
}

#[derive(Debug, Default)]
pub struct OspfH {
    pub area: Option<String>,
    pub passive: Vec<Name>,
    pub redistribute: Vec<String>,
    pub cost: Option<u32>,
    pub hello_s: Option<u32>,
    pub dead_s: Option<u32>,
    pub auth: Option<Name>,
}

#[derive(Debug)]
pub struct CarpH {
    pub peer: Name,
    pub password: Name,
    pub skew: u32,
    pub span: Span,
}

#[derive(Debug)]
pub struct ForwardH {
    pub services: Vec<PortSpec>,
    pub target: Name,
    pub interface: Option<Name>,
    pub external: Option<Sp<IpAddr>>,
    pub span: Span,
}

#[derive(Debug)]
pub struct LinkSideH {
    pub device: Name,
    pub interface: String,
}

#[derive(Debug)]
pub struct LinkH {
    pub name: Name,
    pub sides: Vec<LinkSideH>,
    pub transit: Option<Sp<IpNet>>,
    pub ospf: Option<OspfH>,
    pub span: Span,
}

#[derive(Debug)]
pub struct HostH {
    pub name: Name,
    pub site: Option<Name>,
    pub addresses: Vec<(ZoneRef, Sp<IpAddr>, Option<String>)>,
    pub role: Option<String>,
    pub monitor: bool,
    pub span: Span,
}

#[derive(Debug)]
pub enum EnvH {
    Plain(String),
    Secret(Name),
}

#[derive(Debug)]
pub struct ServiceH {
    pub name: Name,
    pub kind: ServiceKind,
    pub image: Option<String>,
    pub port: Option<u16>,
    pub on: Vec<Name>,
    pub zone: Option<ZoneRef>,
    pub replicas: u32,
    pub health: Option<Health>,
    pub env: Vec<(String, EnvH)>,
    pub caps: Vec<String>,
    pub read_only: bool,
    pub limits: Option<infrac_model::Limits>,
    pub depends: Vec<Name>,
    pub metrics: Option<String>,
    pub span: Span,
}

#[derive(Debug)]
pub struct BackendH {
    pub service: Name,
    pub port: Option<u16>,
    pub weights: Vec<(Name, u32)>,
    pub backup: Vec<Name>,
    pub check: Option<Health>,
    pub reencrypt: Option<String>,
}

#[derive(Debug)]
pub struct LbH {
    pub name: Name,
    pub fqdn: Option<String>,
    pub on: Vec<Name>,
    pub vip: Option<Sp<IpAddr>>,
    pub tls: Option<(String, bool)>,
    pub algorithm: Algorithm,
    pub backends: Vec<BackendH>,
    pub maxconn: Option<u32>,
    pub rate: Option<(u32, u64)>,
    pub allow: Vec<IpNet>,
    pub deny: Vec<IpNet>,
    pub stats: Option<u16>,
    pub timeouts: infrac_model::Timeouts,
    pub span: Span,
}

#[derive(Debug)]
pub struct HaH {
    pub name: Name,
    pub vips: Vec<Sp<IpAddr>>,
    pub members: Vec<(Name, Option<Sp<u64>>)>,
    pub vrid: Option<Sp<u64>>,
    pub track: Option<String>,
    pub auth: Option<Name>,
    pub advert_ms: u64,
    pub preempt: bool,
    pub notify: Option<String>,
    pub span: Span,
}

#[derive(Debug)]
pub struct DbH {
    pub name: Name,
    pub flavour: Option<Flavour>,
    pub primaries: Vec<Name>,
    pub replicas: Vec<Name>,
    pub gtid: bool,
    pub repl_user: String,
    pub repl_password: Option<Name>,
    pub read_only: bool,
    pub databases: Vec<String>,
    pub users: Vec<(String, Option<Name>, Vec<Name>)>,
    pub port: u16,
    pub backup: Option<(u64, BackupKind, String, u32)>,
    pub span: Span,
}

#[derive(Debug)]
pub struct RuleH {
    pub input: infrac_flows::RuleInput,
    pub explicit_name: bool,
    pub why: Option<String>,
    pub owner: Option<String>,
    pub expires: Option<Sp<(u16, u8, u8)>>,
}

#[derive(Debug)]
pub struct AlertH {
    pub kind: AlertKind,
    pub above: Option<Threshold>,
    pub for_ms: u64,
    pub span: Span,
}

#[derive(Debug)]
pub struct MonitoringH {
    pub server: Option<Name>,
    pub interval_ms: u64,
    pub alerts: Vec<AlertH>,
    pub span: Span,
}

#[derive(Debug)]
pub struct DnsH {
    pub servers: Vec<Name>,
    pub ttl_s: u32,
    pub records: Vec<(Name, Name)>,
    pub span: Span,
}

#[derive(Debug)]
pub struct PolicyH {
    pub name: Name,
    pub description: Option<String>,
    pub assertions: Vec<infrac_flows::AssertionInput>,
    /// `assert NAME` lines: built-in checks of the model, with where each was written.
    pub checks: Vec<(infrac_model::ModelCheck, Span)>,
    pub span: Span,
}

/// What an intent test expects of the flow matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Every address and service allowed.
    Allowed,
    /// Nothing of it allowed.
    Denied,
}

/// One `allowed`/`denied` line of a `test` block.
#[derive(Debug)]
pub struct TestCase {
    pub expect: Expect,
    pub from: infrac_flows::SpannedSelector,
    pub to: infrac_flows::SpannedSelector,
    pub services: Vec<infrac_model::PortSpec>,
    pub span: Span,
}

/// A `test NAME { allowed … denied … }` block: intents checked against the flow matrix.
#[derive(Debug)]
pub struct TestH {
    pub name: Name,
    pub description: Option<String>,
    pub cases: Vec<TestCase>,
    pub span: Span,
}
