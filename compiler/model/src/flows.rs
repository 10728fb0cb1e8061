//! Zero-trust rules, the flow matrix and policies.

use crate::Origin;
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// An IP protocol a flow is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    /// Every protocol.
    Any,
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
    /// ICMP.
    Icmp,
    /// VRRP (112).
    Vrrp,
    /// OSPF (89).
    Ospf,
    /// ESP (50).
    Esp,
    /// GRE (47).
    Gre,
}

impl Protocol {
    /// Whether the protocol has ports.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Tcp | Protocol::Udp | Protocol::Sctp)
    }

    /// The IANA protocol number, when there is one.
    pub fn number(self) -> Option<u8> {
        match self {
            Protocol::Any => None,
            Protocol::Tcp => Some(6),
            Protocol::Udp => Some(17),
            Protocol::Sctp => Some(132),
            Protocol::Icmp => Some(1),
            Protocol::Vrrp => Some(112),
            Protocol::Ospf => Some(89),
            Protocol::Esp => Some(50),
            Protocol::Gre => Some(47),
        }
    }

    /// Lower-case name (`tcp`).
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Any => "any",
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
            Protocol::Icmp => "icmp",
            Protocol::Vrrp => "vrrp",
            Protocol::Ospf => "ospf",
            Protocol::Esp => "esp",
            Protocol::Gre => "gre",
        }
    }
}

/// An inclusive port range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PortRange {
    /// First port.
    pub start: u16,
    /// Last port, inclusive.
    pub end: u16,
}

impl std::fmt::Display for PortRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.start == self.end {
            write!(f, "{}", self.start)
        } else {
            write!(f, "{}-{}", self.start, self.end)
        }
    }
}

/// A protocol and, for tcp/udp/sctp, its ports (empty: every port).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PortSpec {
    /// Protocol.
    pub protocol: Protocol,
    /// Port ranges, sorted and merged; empty means every port.
    pub ports: Vec<PortRange>,
}

impl std::fmt::Display for PortSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.protocol.name())?;
        for (i, p) in self.ports.iter().enumerate() {
            write!(f, "{}{p}", if i == 0 { "/" } else { "," })?;
        }
        Ok(())
    }
}

/// What a flow endpoint is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EndpointKind {
    /// Everything outside the model's zones.
    Internet,
    /// A zone (its whole subnet).
    Zone,
    /// A host (its addresses).
    Host,
    /// A service (the addresses of its hosts in the service zone).
    Service,
    /// A load balancer (its VIP).
    LoadBalancer,
    /// A database cluster (its nodes).
    Database,
    /// A literal prefix.
    Prefix,
}

/// A source or destination of a flow, resolved to prefixes and zones.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Endpoint {
    /// What it is.
    pub kind: EndpointKind,
    /// Its name: zone key, host, service, load balancer, database, the prefix, or `internet`.
    pub name: String,
    /// Addresses it covers (hosts as /32 or /128). Empty for `internet` (meaning any address
    /// outside the model's zones).
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub prefixes: Vec<IpNet>,
    /// Zone keys the addresses lie in (sorted). Empty for `internet` and outside prefixes.
    pub zones: Vec<String>,
}

/// A zero-trust rule as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Rule {
    /// Name (given, or `rule-FILE-LINE`).
    pub name: String,
    /// Source as written (`paris.mgmt`, `*.apps`, `internet`…).
    pub from: String,
    /// Destination as written.
    pub to: String,
    /// What may cross.
    pub services: Vec<PortSpec>,
    /// Why the rule exists.
    pub why: Option<String>,
    /// Who owns it.
    pub owner: Option<String>,
    /// Expiry date `YYYY-MM-DD`.
    pub expires: Option<String>,
    /// Where it was written.
    pub origin: Origin,
}

/// What allowed a flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlowReason {
    /// An `allow` rule.
    Rule,
    /// A load balancer reaching its backends.
    LoadBalancer,
    /// VRRP between HA members.
    Ha,
    /// Replication from a replica to its primary.
    Replication,
    /// Monitoring scraping a target.
    Monitoring,
    /// Name lookups to the DNS servers.
    Dns,
    /// A port forward from the outside.
    Forward,
}

/// The provenance of a flow: why it is allowed and where that was written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FlowOrigin {
    /// Kind of reason.
    pub reason: FlowReason,
    /// The rule or model element's name.
    pub name: String,
    /// Where it was written.
    pub origin: Origin,
}

/// One allowed flow between two concrete endpoints. Its parts are shared: a model's flows name
/// few distinct endpoints, services and provenances, each built once.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Flow {
    /// Source.
    pub from: Arc<Endpoint>,
    /// Destination.
    pub to: Arc<Endpoint>,
    /// Protocol and ports.
    pub service: Arc<PortSpec>,
    /// Why it is allowed.
    pub provenance: Arc<FlowOrigin>,
}

/// `forbid` or `require`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AssertionKind {
    /// No allowed flow may match.
    Forbid,
    /// The flows must allow it.
    Require,
}

/// One assertion of a policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Assertion {
    /// Forbid or require.
    pub kind: AssertionKind,
    /// Source as written.
    pub from: String,
    /// Destination as written.
    pub to: String,
    /// Services (empty: any).
    pub services: Vec<PortSpec>,
    /// Where it was written.
    pub origin: Origin,
}

/// A named set of assertions over the flow matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Policy {
    /// Name.
    pub name: String,
    /// What it protects.
    pub description: Option<String>,
    /// Assertions in written order.
    pub assertions: Vec<Assertion>,
    /// Built-in checks of the model (`assert NAME`), in written order.
    #[serde(default)]
    pub checks: Vec<PolicyCheck>,
}

/// A built-in assertion about the model that a policy names (`assert NAME`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ModelCheck {
    /// Every allowed SSH flow comes from a management zone.
    SshOnlyFromManagement,
    /// No rule allows any source to reach any destination.
    NoAnyToAny,
    /// Every load balancer reachable from the internet terminates TLS.
    TlsOnPublicFrontends,
    /// No container adds a capability back after dropping them all.
    ContainersDropCapabilities,
    /// Database replicas refuse writes.
    ReplicasReadOnly,
    /// Redundancy is real: HA members, database nodes and service replicas on different hosts;
    /// load balancers sharing a public name (active-active) on different sites.
    HaRedundant,
}

impl ModelCheck {
    /// Every check, in documentation order.
    pub const ALL: [ModelCheck; 6] = [
        ModelCheck::SshOnlyFromManagement,
        ModelCheck::NoAnyToAny,
        ModelCheck::TlsOnPublicFrontends,
        ModelCheck::ContainersDropCapabilities,
        ModelCheck::ReplicasReadOnly,
        ModelCheck::HaRedundant,
    ];

    /// The name written after `assert`.
    pub fn name(self) -> &'static str {
        match self {
            ModelCheck::SshOnlyFromManagement => "ssh-only-from-management",
            ModelCheck::NoAnyToAny => "no-any-to-any",
            ModelCheck::TlsOnPublicFrontends => "tls-on-public-frontends",
            ModelCheck::ContainersDropCapabilities => "containers-drop-capabilities",
            ModelCheck::ReplicasReadOnly => "replicas-read-only",
            ModelCheck::HaRedundant => "ha-redundant",
        }
    }
}

/// One `assert NAME` line of a policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyCheck {
    /// Which check.
    pub check: ModelCheck,
    /// Where it was written.
    pub origin: Origin,
}
