//! OSPF through the os-frr plugin (`<OPNsense><quagga>`).
//!
//! Follows the fields of os-frr's models `General.xml` and `OSPF.xml`, model version 1.1.5
//! (opnsense/plugins, `net/frr/src/opnsense/mvc/app/models/OPNsense/Quagga/`): areas are
//! records (`areas/area`, with a UUID), each OSPF interface is an `interfaces/interface`
//! record naming its OPNsense interface, its area's UUID, `passive`, cost, hello/dead
//! intervals, network type and MD5 authentication. Networks (`networks/network`) are never
//! used: mixing them with per-interface areas is an error in FRR.

use crate::interfaces::Plan;
use crate::uuid::uuid;
use infrac_sdk::{Device, Diagnostic};
use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr};

/// os-frr's model version the output follows (`version` attribute of `general` and `ospf`).
pub const MODEL_VERSION: &str = "1.1.5";

/// One OSPF area record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Area {
    /// Record UUID.
    pub uuid: String,
    /// Dotted area id.
    pub id: String,
}

/// One OSPF interface record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OspfInterface {
    /// Record UUID.
    pub uuid: String,
    /// OPNsense interface identifier.
    pub interface: String,
    /// No hellos.
    pub passive: bool,
    /// UUID of its area record.
    pub area: String,
    /// Cost.
    pub cost: Option<u32>,
    /// Hello interval (s).
    pub hello: Option<u32>,
    /// Dead interval (s).
    pub dead: Option<u32>,
    /// Point-to-point network type.
    pub point_to_point: bool,
    /// MD5 key placeholder.
    pub auth: Option<String>,
}

/// The OSPF process of one firewall.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OspfConfig {
    /// Router id.
    pub router_id: Ipv4Addr,
    /// Areas, sorted by id.
    pub areas: Vec<Area>,
    /// Interfaces, in interface assignment order.
    pub interfaces: Vec<OspfInterface>,
    /// What to redistribute (os-frr option values), sorted.
    pub redistribute: Vec<String>,
}

/// What os-frr can redistribute into OSPF.
const REDISTRIBUTABLE: &[&str] = &["bgp", "connected", "kernel", "rip", "static"];

/// The OSPF configuration of `device` (at `/devices/{index}`), if it runs OSPF.
pub fn config(
    device: &Device,
    index: usize,
    plan: &Plan,
) -> Result<Option<OspfConfig>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut interfaces = Vec::new();
    let mut area_ids: BTreeSet<String> = BTreeSet::new();
    for assigned in &plan.assigned {
        let Some(iface) = device.interfaces.get(assigned.model_index) else {
            continue;
        };
        let Some(ospf) = &iface.ospf else {
            continue;
        };
        if assigned.address.is_some_and(|a| !a.is_v4()) {
            errors.push(Diagnostic::error(
                "OPNSENSE006",
                format!("/devices/{index}/interfaces/{}/ospf", assigned.model_index),
                format!(
                    "OSPF on `{}`, an IPv6 interface: OSPF (v2) routes IPv4 only, and infrac does not render OSPFv3",
                    iface.name
                ),
            ));
            continue;
        }
        area_ids.insert(ospf.area.clone());
        interfaces.push(OspfInterface {
            uuid: uuid(&format!(
                "{}/ospf/interface/{}",
                device.name, assigned.ident
            )),
            interface: assigned.ident.clone(),
            passive: ospf.passive,
            area: uuid(&format!("{}/ospf/area/{}", device.name, ospf.area)),
            cost: ospf.cost,
            hello: ospf.hello_s,
            dead: ospf.dead_s,
            point_to_point: ospf.point_to_point,
            auth: ospf.auth.as_ref().map(|a| a.placeholder.clone()),
        });
    }
    let mut redistribute = Vec::new();
    if let Some(process) = &device.ospf {
        for (k, what) in process.redistribute.iter().enumerate() {
            if REDISTRIBUTABLE.contains(&what.as_str()) {
                redistribute.push(what.clone());
            } else {
                errors.push(Diagnostic::error(
                    "OPNSENSE007",
                    format!("/devices/{index}/ospf/redistribute/{k}"),
                    format!(
                        "os-frr cannot redistribute `{what}` into OSPF (it offers {})",
                        REDISTRIBUTABLE.join(", ")
                    ),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    if interfaces.is_empty() && device.ospf.is_none() {
        return Ok(None);
    }
    redistribute.sort();
    redistribute.dedup();
    let router_id = match &device.ospf {
        Some(p) => p.router_id,
        None => plan
            .assigned
            .iter()
            .filter(|a| interfaces.iter().any(|i| i.interface == a.ident))
            .filter_map(|a| match a.address.map(|n| n.addr) {
                Some(IpAddr::V4(v4)) => Some(v4),
                _ => None,
            })
            .min()
            .unwrap_or(Ipv4Addr::UNSPECIFIED),
    };
    let areas = area_ids
        .into_iter()
        .map(|id| Area {
            uuid: uuid(&format!("{}/ospf/area/{id}", device.name)),
            id,
        })
        .collect();
    Ok(Some(OspfConfig {
        router_id,
        areas,
        interfaces,
        redistribute,
    }))
}
