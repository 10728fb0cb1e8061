//! The `ios` backend: a Cisco IOS configuration per IOS switch (`platform iosvl2` or `ios`) and
//! IOS router (`platform ios`), written to `ios/SITE/DEVICE.cfg`, in the order IOS prints its
//! running configuration.
//!
//! What a configuration holds: `service password-encryption`, the hostname, a local user with
//! `secret` (a one-way hash on the device, unlike `password`, which is stored reversibly), `ip
//! routing` on a layer-3 switch, `ip domain-name` without DNS lookups, `vtp mode transparent`
//! and the VLAN database (one VLAN per zone the switch carries, named after the zone), the
//! interfaces (access ports with PortFast, 802.1Q trunks with their allowed and native VLANs,
//! SVIs, routed ports, router sub-interfaces, OSPF per interface), `router ospf 1`, the default
//! gateway or default route, no HTTP server, SSH version 2, inbound access lists on every
//! routed interface of a routing device (rendered from the flow matrix: see [`acl`]), syslog
//! hosts, the login banner, console and VTY lines that log in with local users over SSH only,
//! NTP servers, and `end`.
//!
//! Nothing installable checks IOS syntax: the tests read every generated file back with
//! ciscoconfparse2, compare what it means with the model, and hold every line to an allow-list
//! of the command forms this backend writes (see `docs/backends/ios.md`).
//!
//! # Diagnostics
//!
//! A model IOS cannot express exactly is refused with one of these codes, at the most specific
//! IR element:
//!
//! | code | meaning |
//! |---|---|
//! | `IOS001` | the unit is not an IOS switch or router of the model |
//! | `IOS002` | IPv6 in an interface or management address, a next hop, or a flow entering a routed interface (IPv4 ACLs only) |
//! | `IOS003` | a routed flow of SCTP with ports: IOS ACLs match SCTP by protocol number only |
//! | `IOS004` | a reserved VLAN id (1002–1005) or a zone name that cannot be a VLAN name (over 32 characters) |
//! | `IOS005` | a banner with no free delimiter, a control character, or a `$(…)` token IOS expands |
//! | `IOS006` | an interface name IOS does not know, or two interfaces with one IOS name |
//! | `IOS007` | a routed flow whose replies a stateless ACL cannot let back exactly (`any`, `gre`, `esp`, `sctp`, port-less `udp`) unless the reverse flow is allowed too |
//! | `IOS008` | an OSPF MD5 key secret whose `max_length` exceeds IOS's 16 characters |
//! | `IOS009` | no `ssh { user; password }`: local login would lock everyone out |
//! | `IOS010` | a hostname, user name or domain name IOS cannot take |
//! | `IOS011` | something not rendered on this device: a switch port on a router, a routed port on a non-routing switch, an OSPF value out of range, an unknown redistribution |
//! | `IOS012` | flows to and from the internet involving prefixes outside the zones that no ACL order matches exactly |
//! | `IOS013` | the device's OSPF router id is another OSPF device's of the model |

pub mod acl;
pub mod banner;
pub mod codes;
pub mod config;
pub mod names;
pub mod net;

use infrac_sdk::{Backend, Device, DeviceKind, Diagnostic, File, Model, Platform, Section, Target};

/// The ios backend.
pub struct Ios;

/// Whether this backend renders `d`: a switch on `iosvl2` or `ios`, or a router on `ios`.
pub fn renders(d: &Device) -> bool {
    matches!(
        (d.kind, d.platform),
        (DeviceKind::Switch, Platform::Iosvl2 | Platform::Ios)
            | (DeviceKind::Router, Platform::Ios)
    )
}

/// The path of a device's configuration: `ios/SITE/DEVICE.cfg`.
pub fn path(d: &Device) -> String {
    format!("ios/{}/{}.cfg", d.site, d.name)
}

impl Backend for Ios {
    const NAME: &'static str = "ios";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["ios"];
    const READS: &'static [Section] = &[
        Section::Secrets,
        Section::Devices,
        Section::Services,
        Section::Flows,
        Section::Sites,
    ];
    const UNITS_READS: &'static [Section] = &[Section::Devices];

    fn units(model: &Model, _target: &str) -> Vec<String> {
        model
            .devices
            .iter()
            .filter(|d| renders(d))
            .map(|d| d.name.clone())
            .collect()
    }

    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        let Some((index, device)) = model.device_indexed(&target.unit) else {
            return Err(vec![Diagnostic::error(
                codes::NOT_IOS,
                "",
                format!("the model has no device named `{}`", target.unit),
            )]);
        };
        if !renders(device) {
            return Err(vec![Diagnostic::error(
                codes::NOT_IOS,
                format!("/devices/{index}"),
                format!(
                    "`{}` is a {:?} on {:?}; this backend renders IOS switches and routers",
                    device.name, device.kind, device.platform
                )
                .to_lowercase(),
            )]);
        }
        let text = config::render(model, index)?;
        Ok(vec![File::text(path(device), text)])
    }
}

infrac_sdk::export_backend!(Ios);
