//! The `frr` backend: one FRR `frr.conf` (`frr/SITE/DEVICE/frr.conf`) per device that runs
//! FRR: every router with `platform frr`, and every OPNsense firewall that routes with OSPF
//! (OPNsense runs OSPF through os-frr, i.e. FRR, so the same file describes what it runs).
//!
//! What a file holds, in the order FRR 8.4's `show running-config` lists it:
//!
//! - `frr defaults traditional`, `hostname`, `log syslog informational`,
//!   `service integrated-vtysh-config`; on a Linux FRR router also `ip forwarding` (and
//!   `ipv6 forwarding` when it has an IPv6 address);
//! - on a Linux FRR router, a default route `ip route 0.0.0.0/0 GATEWAY IFNAME` (or `ipv6 route
//!   ::/0 …`) per interface with a `gateway`;
//! - one `interface IFNAME` block per OSPF interface (and, on a Linux FRR router, per interface
//!   with an address): `description`, `ip address` (Linux FRR routers only: zebra sets
//!   addresses there, while OPNsense configures its own), `ip ospf area A` (areas are set per
//!   interface, never with `network … area`), `ip ospf passive`, `ip ospf network
//!   point-to-point`, `ip ospf cost`, `ip ospf hello-interval`, `ip ospf dead-interval`, and
//!   MD5 authentication (`ip ospf authentication message-digest`,
//!   `ip ospf message-digest-key 1 md5 @@secret:NAME@@`);
//! - `router ospf` with `ospf router-id` and `redistribute` (kernel, connected, static).
//!
//! Interface names are the OS's: `port` for physical interfaces and link ends; for a VLAN
//! sub-interface, the VLAN device OPNsense creates, `vlan0.<VLANID>`, or on Linux
//! `<port>.<VLANID>`. The project's syslog servers are not rendered: FRR 8.4 logs to the local
//! syslog daemon, which forwards (that is the OS's configuration).
//!
//! Codes (each an error: the model cannot be rendered exactly):
//!
//! | code | meaning |
//! |---|---|
//! | `FRR001` | the unit names no device this backend renders |
//! | `FRR002` | an OSPF interface has no IPv4 address: OSPFv2 runs over IPv4 only |
//! | `FRR003` | an interface has no kernel interface name (over 15 characters, a character such as `/`), or is a trunk, SVI or access port, which has no routed OS interface |
//! | `FRR004` | two interfaces of the device are the same OS interface |
//! | `FRR005` | an MD5 key's secret is declared longer than 16 characters (FRR truncates MD5 keys to 16), or its placeholder is not one token |
//! | `FRR006` | an OSPF area that is not dotted-quad, or a cost, hello or dead interval outside 1–65535 |
//! | `FRR007` | a `redistribute` source other than kernel, connected or static |
//! | `FRR008` | interfaces run OSPF but the device has no OSPF process (no router id) |
//! | `FRR009` | the device's name cannot be FRR's `hostname` (one word of letters, digits, `.`, `_`, `-`) |
//! | `FRR010` | the device's OSPF router id is another OSPF device's of the model |

pub mod codes;
pub mod names;
pub mod paths;
pub mod plan;
pub mod render;

use infrac_sdk::{Backend, Device, Diagnostic, File, Model, Platform, Section, Target};

/// The frr backend.
pub struct Frr;

/// Whether `device` runs FRR: a Linux FRR router, or an OPNsense firewall routing with OSPF.
pub fn runs_frr(device: &Device) -> bool {
    match device.platform {
        Platform::Frr => true,
        Platform::Opnsense => {
            device.ospf.is_some() || device.interfaces.iter().any(|i| i.ospf.is_some())
        }
        Platform::Ios | Platform::Iosvl2 => false,
    }
}

/// The path of a device's frr.conf in the output tree.
pub fn config_path(device: &Device) -> String {
    format!("frr/{}/{}/frr.conf", device.site, device.name)
}

impl Backend for Frr {
    const NAME: &'static str = "frr";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["frr"];
    const READS: &'static [Section] = &[
        Section::Secrets,
        Section::Devices,
        Section::Services,
        Section::Links,
    ];
    const UNITS_READS: &'static [Section] = &[Section::Devices];

    fn units(model: &Model, _target: &str) -> Vec<String> {
        model
            .devices
            .iter()
            .filter(|d| runs_frr(d))
            .map(|d| d.name.clone())
            .collect()
    }

    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        let Some((index, device)) = model
            .device_indexed(&target.unit)
            .filter(|(_, d)| runs_frr(d))
        else {
            return Err(vec![Diagnostic::error(
                codes::UNKNOWN_UNIT,
                "",
                format!(
                    "no device named `{}` runs FRR (a router with `platform frr`, or an \
                     OPNsense firewall with OSPF)",
                    target.unit
                ),
            )]);
        };
        let plan = plan::plan(model, index, device)?;
        Ok(vec![File::text(config_path(device), render::render(&plan))])
    }
}

infrac_sdk::export_backend!(Frr);
