//! The `opnsense` backend: an OPNsense (26.x, with the os-frr plugin) `config.xml` per
//! firewall with `platform opnsense`, at `opnsense/SITE/DEVICE/config.xml`. Units: the
//! firewalls' names.
//!
//! The file holds the sections infrac manages, in OPNsense's own element names:
//! `<system>` (hostname, domain, NTP servers), `<interfaces>` (`wan`, then `lan`/`optN` per
//! zone sorted by VLAN id, then link ends; see [`interfaces`]), `<vlans>` (devices `vlan0.N`),
//! `<filter>` (rules from the flow matrix; see [`filter`]), `<nat>` (port forwards; see
//! [`nat`]), `<virtualip>` (CARP; see [`carp`]), and under `<OPNsense>` the WAN gateway
//! (`Gateways`) and OSPF through os-frr (`quagga`; see [`ospf`]). See
//! `docs/backends/opnsense.md`.
//!
//! # Diagnostics
//!
//! | code | when |
//! |---|---|
//! | `OPNSENSE001` | a flow this firewall renders names ports on a protocol other than tcp or udp (OPNsense honours ports only with tcp, udp, tcp/udp) |
//! | `OPNSENSE002` | the unit is not a firewall with `platform opnsense` |
//! | `OPNSENSE003` | the device name is not a valid OPNsense hostname (letters, digits, `-`; at most 63) |
//! | `OPNSENSE004` | one VLAN tag on two ports of the firewall: the device `vlan0.N` would be defined twice |
//! | `OPNSENSE005` | a port forward OPNsense cannot express: not tcp/udp, no ports, or across address families |
//! | `OPNSENSE006` | OSPF on an IPv6 interface (os-frr OSPF is OSPFv2; OSPFv3 is not rendered) |
//! | `OPNSENSE007` | OSPF redistribution of something os-frr does not offer |
//! | `OPNSENSE008` | a CARP VIP that is not a host address of its interface's subnet, a duplicate or zero vhid on one interface, or a skew above 254 |
//! | `OPNSENSE009` | a zone or link interface without an address (or a VLAN interface without a VLAN id) |
//! | `OPNSENSE010` | a port forward on an interface the firewall does not have, or for an address outside that interface's subnet |

#[macro_use]
mod net;

pub mod carp;
pub mod filter;
pub mod interfaces;
pub mod nat;
pub mod ospf;
pub mod render;
pub mod topology;
pub mod uuid;

pub use net::Net;

use infrac_sdk::{
    Backend, DeviceKind, Diagnostic, File, Model, Platform, Section, Target, UnitResult,
};

/// The opnsense backend.
pub struct Opnsense;

impl Backend for Opnsense {
    const NAME: &'static str = "opnsense";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["opnsense"];
    const READS: &'static [Section] = &[
        Section::Devices,
        Section::Services,
        Section::Links,
        Section::Flows,
        Section::Sites,
    ];
    const UNITS_READS: &'static [Section] = &[Section::Devices];

    fn units(model: &Model, _target: &str) -> Vec<String> {
        model
            .devices
            .iter()
            .filter(|d| d.platform == Platform::Opnsense && d.kind == DeviceKind::Firewall)
            .map(|d| d.name.clone())
            .collect()
    }

    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        compile_with(model, &filter::Shared::new(model), target)
    }

    /// The zones and flows indexed once for every firewall of the batch.
    fn compile_units(model: &Model, target: &Target, units: &[String]) -> Vec<UnitResult> {
        let shared = filter::Shared::new(model);
        infrac_sdk::each_unit(target, units, |t| {
            compile_with(model, &shared, t).map(|files| (files, Vec::new()))
        })
    }
}

fn compile_with(
    model: &Model,
    shared: &filter::Shared<'_>,
    target: &Target,
) -> Result<Vec<File>, Vec<Diagnostic>> {
    {
        let Some((index, device)) = model.device_indexed(&target.unit) else {
            return Err(vec![Diagnostic::error(
                "OPNSENSE002",
                "",
                format!("no device named `{}`", target.unit),
            )]);
        };
        if device.platform != Platform::Opnsense || device.kind != DeviceKind::Firewall {
            return Err(vec![Diagnostic::error(
                "OPNSENSE002",
                format!("/devices/{index}/platform"),
                format!("`{}` is not a firewall with platform opnsense", device.name),
            )]);
        }
        let config = build_with(model, index, shared)?;
        Ok(vec![File::text(
            format!("opnsense/{}/{}/config.xml", device.site, device.name),
            config.to_xml(),
        )])
    }
}

infrac_sdk::export_backend!(Opnsense);

/// Whether `name` is a valid hostname label for OPNsense.
fn valid_hostname(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 63
        && !name.starts_with('-')
        && !name.ends_with('-')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Plans every section of the firewall at `/devices/{index}`.
pub fn build(model: &Model, index: usize) -> Result<render::Config, Vec<Diagnostic>> {
    build_with(model, index, &filter::Shared::new(model))
}

/// [`build`] with the model's index computed once for many firewalls.
pub fn build_with(
    model: &Model,
    index: usize,
    shared: &filter::Shared<'_>,
) -> Result<render::Config, Vec<Diagnostic>> {
    let Some(device) = model.devices.get(index) else {
        return Err(vec![Diagnostic::error(
            "OPNSENSE002",
            "",
            format!("no device at index {index}"),
        )]);
    };
    let mut errors = Vec::new();
    if !valid_hostname(&device.name) {
        errors.push(Diagnostic::error(
            "OPNSENSE003",
            format!("/devices/{index}/name"),
            format!(
                "`{}` is not a valid OPNsense hostname: letters, digits and `-` only, at most 63, not starting or ending with `-`",
                device.name
            ),
        ));
    }
    let plan = match interfaces::plan(device, index) {
        Ok(plan) => plan,
        Err(mut e) => {
            errors.append(&mut e);
            return Err(errors);
        }
    };
    let behind = topology::behind_links_in(&shared.graph, device);
    let firewall = filter::Firewall {
        model,
        device,
        plan: &plan,
        behind: &behind,
        shared,
    };
    let rules = firewall.rules().unwrap_or_else(|mut e| {
        errors.append(&mut e);
        Vec::new()
    });
    let nat = nat::rules(device, index, &plan).unwrap_or_else(|mut e| {
        errors.append(&mut e);
        Vec::new()
    });
    let vips = carp::vips(device, index, &plan).unwrap_or_else(|mut e| {
        errors.append(&mut e);
        Vec::new()
    });
    let ospf = ospf::config(device, index, &plan).unwrap_or_else(|mut e| {
        errors.append(&mut e);
        None
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    let ipv6 = rules
        .iter()
        .any(|r| r.action == filter::Action::Pass && r.family == Some(filter::Family::V6));
    Ok(render::Config {
        hostname: device.name.clone(),
        domain: model.project.domain.clone(),
        timeservers: model.project.ntp.iter().map(ToString::to_string).collect(),
        ipv6,
        plan,
        rules,
        nat,
        vips,
        ospf,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        assert!(valid_hostname("fw1"));
        assert!(valid_hostname("fw-paris-1"));
        assert!(!valid_hostname("fw_1"));
        assert!(!valid_hostname("-fw"));
        assert!(!valid_hostname(""));
    }
}
