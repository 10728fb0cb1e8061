//! Sites, zones, network devices and links.

use crate::{Origin, SecretRef};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr};

/// A site with its zones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Site {
    /// Site name.
    pub name: String,
    /// Small integer unique per model.
    pub id: u32,
    /// Free text.
    pub description: Option<String>,
    /// Zones, sorted by VLAN id.
    pub zones: Vec<Zone>,
    /// Where the site was declared.
    pub origin: Origin,
}

/// What a zone is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Device and host administration.
    Management,
    /// Shared services (load balancers, registry, CI).
    Services,
    /// Application servers.
    Applications,
    /// Demilitarised zone for public-facing hosts.
    Dmz,
    /// Database servers.
    Database,
    /// Transit between devices.
    Transit,
    /// End users.
    Users,
}

/// A VLAN with its subnet, in one site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Zone {
    /// Zone name, unique within its site.
    pub name: String,
    /// `site.zone`, unique in the model; how flows and interfaces refer to zones.
    pub key: String,
    /// The site.
    pub site: String,
    /// VLAN id, 1–4094.
    pub vlan: u16,
    /// The subnet (network address, no host bits).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub subnet: IpNet,
    /// The gateway address (inside the subnet).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub gateway: IpAddr,
    /// What the zone is for.
    pub purpose: Option<Purpose>,
    /// Free text.
    pub description: Option<String>,
}

/// The kind of a network device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A firewall (routes between zones and enforces the flow matrix).
    Firewall,
    /// A layer-2 (or layer-3 with `routing`) switch.
    Switch,
    /// A router.
    Router,
}

/// The software a device runs; decides which backend renders it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// OPNsense firewall (`config.xml`, OSPF through os-frr).
    Opnsense,
    /// Cisco IOSvL2 switch.
    Iosvl2,
    /// Cisco IOS router or layer-3 switch.
    Ios,
    /// FRR on Linux.
    Frr,
}

/// A firewall, switch or router.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Device {
    /// Device name (also its hostname).
    pub name: String,
    /// The site it stands in.
    pub site: String,
    /// Firewall, switch or router.
    pub kind: DeviceKind,
    /// The software it runs.
    pub platform: Platform,
    /// Interfaces: physical, trunks, VLAN sub-interfaces, SVIs, access ports and link ends,
    /// sorted by name.
    pub interfaces: Vec<Interface>,
    /// Whether the device routes between its zones (firewalls and routers always do).
    pub routing: bool,
    /// Management address (zone key and address), for switches.
    pub management: Option<Management>,
    /// SSH access, when modelled.
    pub ssh: Option<Ssh>,
    /// OSPF process, when the device routes with OSPF.
    pub ospf: Option<Ospf>,
    /// CARP for a firewall pair.
    pub carp: Option<Carp>,
    /// Port forwards from the outside to inside addresses.
    pub forwards: Vec<Forward>,
    /// Where the device was declared.
    pub origin: Origin,
}

/// A device's address in its management zone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Management {
    /// Zone key.
    pub zone: String,
    /// Address with the zone's prefix length.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub address: IpNet,
    /// Default gateway (the zone's gateway).
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub gateway: IpAddr,
    /// VLAN id of the zone.
    pub vlan: u16,
}

/// Local SSH login.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Ssh {
    /// User name.
    pub user: String,
    /// The user's password.
    pub password: SecretRef,
}

/// What an interface is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InterfaceKind {
    /// A routed physical interface with an address (e.g. a WAN uplink).
    Physical,
    /// An 802.1Q trunk carrying several VLANs.
    Trunk,
    /// A VLAN sub-interface of a trunk (firewalls, routers), one per zone.
    Vlan,
    /// A switch virtual interface (layer-3 address of a switch in a VLAN).
    Svi,
    /// A switch access port in one VLAN.
    Access,
    /// One end of an inter-site link.
    Link,
}

/// One interface of a device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Interface {
    /// Name as written (`wan`, `Gi0/1`, `lan.10` for VLAN sub-interfaces, `Vlan10` for SVIs).
    pub name: String,
    /// What it is.
    pub kind: InterfaceKind,
    /// Physical port it runs on (`vtnet0`); for VLAN sub-interfaces, the parent's port.
    pub port: String,
    /// Parent interface name, for VLAN sub-interfaces.
    pub parent: Option<String>,
    /// Address with prefix length (host bits set), when it has one.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub address: Option<IpNet>,
    /// Next hop for a physical uplink.
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub gateway: Option<IpAddr>,
    /// Zone key, for VLAN sub-interfaces, SVIs and access ports.
    pub zone: Option<String>,
    /// VLAN id, for VLAN sub-interfaces, SVIs and access ports.
    pub vlan: Option<u16>,
    /// VLANs carried, for trunks (sorted).
    pub vlans: Vec<u16>,
    /// Native (untagged) VLAN of a trunk.
    pub native_vlan: Option<u16>,
    /// The far end (`device.interface`) of a trunk or link.
    pub peer: Option<String>,
    /// The host attached to an access port.
    pub host: Option<String>,
    /// Free text.
    pub description: Option<String>,
    /// OSPF on this interface.
    pub ospf: Option<OspfInterface>,
    /// The inter-site link this interface is an end of.
    pub link: Option<String>,
}

/// A device's OSPF process.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Ospf {
    /// Router id (explicit, or the first link address, or derived from the site id).
    pub router_id: Ipv4Addr,
    /// Default area of the device's interfaces (dotted, e.g. `0.0.0.0`).
    pub area: String,
    /// What to redistribute (`connected`, `static`).
    pub redistribute: Vec<String>,
}

/// OSPF settings of one interface.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OspfInterface {
    /// Area, dotted (`0.0.0.0`).
    pub area: String,
    /// No hellos sent (user-facing zones).
    pub passive: bool,
    /// Interface cost.
    pub cost: Option<u32>,
    /// Hello interval in seconds.
    pub hello_s: Option<u32>,
    /// Dead interval in seconds.
    pub dead_s: Option<u32>,
    /// Point-to-point network type (inter-site links).
    pub point_to_point: bool,
    /// MD5 authentication key.
    pub auth: Option<SecretRef>,
}

/// CARP for a pair of firewalls: each zone gateway becomes a virtual address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Carp {
    /// The other firewall of the pair.
    pub peer: String,
    /// CARP password.
    pub password: SecretRef,
    /// Advertisement skew (0 on the primary, higher on the backup).
    pub skew: u32,
    /// Virtual addresses, one per zone, sorted by interface.
    pub vips: Vec<CarpVip>,
}

/// One CARP virtual address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CarpVip {
    /// Interface name on the device.
    pub interface: String,
    /// Zone key.
    pub zone: String,
    /// Virtual host id, 1–255, unique per interface.
    pub vhid: u8,
    /// The virtual address with the zone's prefix length.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub address: IpNet,
}

/// A port forward (destination NAT) from an outside interface to an inside target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Forward {
    /// The outside interface name.
    pub interface: String,
    /// The outside address traffic arrives at.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub external: IpAddr,
    /// What is forwarded.
    pub ports: crate::PortSpec,
    /// The target element's name (load balancer or host).
    pub target: String,
    /// The inside address.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub target_address: IpAddr,
    /// Zone key of the inside address.
    pub target_zone: String,
    /// Where the forward was written.
    pub origin: Origin,
}

/// An inter-site link between two devices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Link {
    /// Link name.
    pub name: String,
    /// The transit prefix.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub transit: IpNet,
    /// The two ends.
    pub sides: Vec<LinkSide>,
    /// OSPF over the link.
    pub ospf: Option<OspfInterface>,
    /// Where it was declared.
    pub origin: Origin,
}

/// One end of a link.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LinkSide {
    /// Device name.
    pub device: String,
    /// Interface (port) name on the device.
    pub interface: String,
    /// Address with the transit prefix length.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub address: IpNet,
}
