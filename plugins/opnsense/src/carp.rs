//! CARP virtual addresses (`<virtualip><vip>`) for a firewall pair (`Device.carp`).

use crate::interfaces::Plan;
use crate::net::Net;
use infrac_sdk::{Device, Diagnostic};
use std::collections::BTreeSet;

/// One CARP VIP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Vip {
    /// Interface identifier (`lan`, `opt1`).
    pub interface: String,
    /// The virtual address with its zone's prefix length.
    pub address: Net,
    /// Virtual host id, 1–255, unique per interface.
    pub vhid: u8,
    /// Advertisement skew, 0–254.
    pub advskew: u32,
    /// The password placeholder.
    pub password: String,
    /// Description: the zone and the pair.
    pub descr: String,
}

/// The CARP VIPs of `device` (at `/devices/{index}`).
pub fn vips(device: &Device, index: usize, plan: &Plan) -> Result<Vec<Vip>, Vec<Diagnostic>> {
    let Some(carp) = &device.carp else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut vhids: BTreeSet<(String, u8)> = BTreeSet::new();
    if carp.skew > 254 {
        errors.push(Diagnostic::error(
            "OPNSENSE008",
            format!("/devices/{index}/carp/skew"),
            format!("CARP skew {} is above OPNsense's maximum of 254", carp.skew),
        ));
    }
    for (k, vip) in carp.vips.iter().enumerate() {
        let path = format!("/devices/{index}/carp/vips/{k}");
        let Some(assigned) = plan.by_model_name(&vip.interface) else {
            errors.push(Diagnostic::error(
                "OPNSENSE008",
                path,
                format!(
                    "CARP VIP on `{}`: no such interface on `{}`",
                    vip.interface, device.name
                ),
            ));
            continue;
        };
        let address = host_net!(vip.address);
        let subnet = assigned.address.map(|a| a.trunc());
        let inside = subnet.is_some_and(|s| s.contains_addr(address.addr) && s.len == address.len);
        let edge = subnet.is_some_and(|s| {
            s.is_v4() && s.len < 31 && (address.addr == s.network() || address.addr == s.last())
        });
        if !inside || edge {
            errors.push(Diagnostic::error(
                "OPNSENSE008",
                path,
                format!(
                    "CARP VIP {} on `{}`: it must be a host address of the interface's subnet{}",
                    address,
                    vip.interface,
                    subnet.map(|s| format!(" {s}")).unwrap_or_default()
                ),
            ));
            continue;
        }
        if vip.vhid == 0 || !vhids.insert((assigned.ident.clone(), vip.vhid)) {
            errors.push(Diagnostic::error(
                "OPNSENSE008",
                path,
                format!(
                    "CARP vhid {} on `{}`: a vhid must be 1–255 and unique per interface",
                    vip.vhid, vip.interface
                ),
            ));
            continue;
        }
        out.push(Vip {
            interface: assigned.ident.clone(),
            address,
            vhid: vip.vhid,
            advskew: carp.skew,
            password: carp.password.placeholder.clone(),
            descr: format!("{} gateway, CARP with {}", vip.zone, carp.peer),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
