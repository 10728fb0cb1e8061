//! What lies behind each of a firewall's links: the zones (and devices) reachable through the
//! link's far end without coming back through this firewall.
//!
//! Devices are joined by links and by the zones they route (a device with an interface or
//! management address in a zone). A device that does not route (a layer-2 switch) is reached
//! but not crossed.

use infrac_sdk::{Device, InterfaceKind, Model};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Zones and devices behind one link interface.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Behind {
    /// Zone keys reachable through the link (never the firewall's own zones).
    pub zones: BTreeSet<String>,
    /// Devices reachable through the link.
    pub devices: BTreeSet<String>,
    /// Whether one of those devices has its own uplink (a physical interface with a gateway):
    /// the internet then reaches the zones behind the link through that uplink, not this one.
    pub has_uplink: bool,
}

/// The zone keys a device has an interface (or management address) in.
pub fn device_zones(device: &Device) -> BTreeSet<String> {
    let mut zones: BTreeSet<String> = device
        .interfaces
        .iter()
        .filter_map(|i| i.zone.clone())
        .collect();
    if let Some(m) = &device.management {
        zones.insert(m.zone.clone());
    }
    zones
}

/// For each link interface of `device` (by model interface name), what lies behind it.
pub fn behind_links(model: &Model, device: &Device) -> BTreeMap<String, Behind> {
    let own = device_zones(device);
    let mut by_zone: BTreeMap<String, Vec<&Device>> = BTreeMap::new();
    for d in &model.devices {
        for z in device_zones(d) {
            by_zone.entry(z).or_default().push(d);
        }
    }
    let mut result = BTreeMap::new();
    for iface in &device.interfaces {
        let Some(link_name) = &iface.link else {
            continue;
        };
        let Some(link) = model.links.iter().find(|l| &l.name == link_name) else {
            continue;
        };
        let mut behind = Behind::default();
        let mut seen: BTreeSet<&str> = BTreeSet::from([device.name.as_str()]);
        let mut queue: VecDeque<&str> = link
            .sides
            .iter()
            .filter(|s| s.device != device.name)
            .map(|s| s.device.as_str())
            .collect();
        while let Some(name) = queue.pop_front() {
            if !seen.insert(name) {
                continue;
            }
            let Some(d) = model.device(name) else {
                continue;
            };
            behind.devices.insert(d.name.clone());
            behind.has_uplink |= d.interfaces.iter().any(|i| {
                i.kind == InterfaceKind::Physical && i.gateway.is_some() && i.zone.is_none()
            });
            let zones = device_zones(d);
            behind
                .zones
                .extend(zones.iter().filter(|z| !own.contains(*z)).cloned());
            if !d.routing {
                continue;
            }
            for l in model
                .links
                .iter()
                .filter(|l| l.sides.iter().any(|s| s.device == d.name))
            {
                queue.extend(l.sides.iter().map(|s| s.device.as_str()));
            }
            // The firewall's own zones are reached directly, never through the link.
            for z in zones.iter().filter(|z| !own.contains(*z)) {
                for other in by_zone.get(z).into_iter().flatten() {
                    queue.push_back(other.name.as_str());
                }
            }
        }
        result.insert(iface.name.clone(), behind);
    }
    result
}
