//! What lies behind each of a firewall's links: the zones (and devices) reachable through the
//! link's far end without coming back through this firewall.
//!
//! Devices are joined by links and by the zones they route (a device with an interface or
//! management address in a zone). A device that does not route (a layer-2 switch) is reached
//! but not crossed.

use infrac_sdk::{Device, InterfaceKind, Link, Model};
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

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

/// How the model's devices connect, computed once for every firewall of a model: the devices
/// in each zone, the links by name and by device, the devices by name.
pub struct Graph<'m> {
    by_zone: BTreeMap<String, Vec<&'m Device>>,
    links: HashMap<&'m str, &'m Link>,
    links_of: HashMap<&'m str, Vec<&'m Link>>,
    devices: HashMap<&'m str, &'m Device>,
}

impl<'m> Graph<'m> {
    /// The graph of `model`.
    pub fn new(model: &'m Model) -> Graph<'m> {
        let mut by_zone: BTreeMap<String, Vec<&Device>> = BTreeMap::new();
        for d in &model.devices {
            for z in device_zones(d) {
                by_zone.entry(z).or_default().push(d);
            }
        }
        let mut links_of: HashMap<&str, Vec<&Link>> = HashMap::new();
        let mut links = HashMap::new();
        for l in &model.links {
            links.entry(l.name.as_str()).or_insert(l);
            for side in &l.sides {
                let list = links_of.entry(side.device.as_str()).or_default();
                if list.last().is_none_or(|x| !std::ptr::eq(*x, l)) {
                    list.push(l);
                }
            }
        }
        let mut devices = HashMap::new();
        for d in &model.devices {
            devices.entry(d.name.as_str()).or_insert(d);
        }
        Graph {
            by_zone,
            links,
            links_of,
            devices,
        }
    }
}

/// For each link interface of `device` (by model interface name), what lies behind it.
pub fn behind_links(model: &Model, device: &Device) -> BTreeMap<String, Behind> {
    behind_links_in(&Graph::new(model), device)
}

/// [`behind_links`] over the model's graph, computed once for many firewalls.
pub fn behind_links_in(graph: &Graph<'_>, device: &Device) -> BTreeMap<String, Behind> {
    let own = device_zones(device);
    let by_zone = &graph.by_zone;
    let mut result = BTreeMap::new();
    for iface in &device.interfaces {
        let Some(link_name) = &iface.link else {
            continue;
        };
        let Some(link) = graph.links.get(link_name.as_str()) else {
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
            let Some(d) = graph.devices.get(name) else {
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
            for l in graph.links_of.get(d.name.as_str()).into_iter().flatten() {
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
