//! The order of one interface's rules: OSPF adjacency and flows between addresses first,
//! then the zones the internet excludes, then the internet's rules, then the default deny.

use super::pieces::Zones;
use super::place::{Key, Kind};
use super::ports::{Entry, pass_rules};
use super::{Action, Addr, Family, FilterRule, Firewall, Provenance};
use crate::interfaces::Role;
use crate::net::Net;
use infrac_sdk::Protocol;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

impl Firewall<'_> {
    /// Turns merged candidates into ordered rules: per interface, OSPF and concrete passes,
    /// then the internet's zone blocks, then internet passes, then the default deny.
    pub(super) fn assemble(
        &self,
        zones: &Zones,
        candidates: BTreeMap<Key, BTreeMap<Protocol, Entry>>,
    ) -> Vec<FilterRule> {
        let count = self.plan.assigned.len();
        let mut passes: Vec<Vec<FilterRule>> = vec![Vec::new(); count];
        let mut internet: Vec<Vec<FilterRule>> = vec![Vec::new(); count];
        let mut blocks: Vec<BTreeMap<(Family, Addr, Addr), BTreeSet<Provenance>>> =
            vec![BTreeMap::new(); count];
        for (key, protocols) in candidates {
            let rules = pass_rules(&self.ident(key.interface), &key, protocols);
            let all: BTreeSet<Provenance> = rules
                .iter()
                .flat_map(|r| r.provenance.iter().cloned())
                .collect();
            let zone_nets = zones
                .0
                .iter()
                .map(|(_, n)| *n)
                .filter(|n| Family::of(n) == key.family);
            let (Some(pass_list), Some(internet_list), Some(block_map)) = (
                passes.get_mut(key.interface),
                internet.get_mut(key.interface),
                blocks.get_mut(key.interface),
            ) else {
                continue;
            };
            match key.kind {
                Kind::Concrete => pass_list.extend(rules),
                Kind::InternetSource => {
                    for z in zone_nets {
                        block_map
                            .entry((key.family, Addr::Net(z), key.destination.clone()))
                            .or_default()
                            .extend(all.iter().cloned());
                    }
                    internet_list.extend(rules);
                }
                Kind::InternetDestination => {
                    for z in zone_nets {
                        block_map
                            .entry((key.family, key.source.clone(), Addr::Net(z)))
                            .or_default()
                            .extend(all.iter().cloned());
                    }
                    internet_list.extend(rules);
                }
            }
        }
        let mut out = Vec::new();
        for (index, assigned) in self.plan.assigned.iter().enumerate() {
            let mut first = self.ospf_rules(index);
            first.extend(passes.get(index).cloned().unwrap_or_default());
            sort(&mut first);
            out.extend(first);
            for ((family, source, destination), provenance) in
                blocks.get(index).cloned().unwrap_or_default()
            {
                out.push(FilterRule {
                    action: Action::Block,
                    interface: assigned.ident.clone(),
                    family: Some(family),
                    protocol: None,
                    source,
                    destination,
                    port: None,
                    provenance: provenance.into_iter().collect(),
                });
            }
            let mut last = internet.get(index).cloned().unwrap_or_default();
            sort(&mut last);
            out.extend(last);
            out.push(FilterRule {
                action: Action::Block,
                interface: assigned.ident.clone(),
                family: None,
                protocol: None,
                source: Addr::Any,
                destination: Addr::Any,
                port: None,
                provenance: vec![Provenance::new(
                    "default-deny",
                    &self.device.name,
                    &self.device.origin,
                )],
            });
        }
        out
    }

    /// OSPF adjacency on a non-passive OSPF interface: from the interface's subnet to the
    /// OSPF multicast groups (224.0.0.0/24, link-local, never forwarded) and to the firewall.
    fn ospf_rules(&self, index: usize) -> Vec<FilterRule> {
        let Some(assigned) = self.plan.assigned.get(index) else {
            return Vec::new();
        };
        let Some(iface) = self.device.interfaces.get(assigned.model_index) else {
            return Vec::new();
        };
        let (Some(ospf), Some(address)) = (&iface.ospf, assigned.address) else {
            return Vec::new();
        };
        if ospf.passive || !address.is_v4() {
            return Vec::new();
        }
        let provenance = match &assigned.role {
            Role::Link(name) => match self.model.links.iter().find(|l| &l.name == name) {
                Some(link) => Provenance::new("ospf", &link.name, &link.origin),
                None => Provenance::new("ospf", &self.device.name, &self.device.origin),
            },
            _ => Provenance::new("ospf", &self.device.name, &self.device.origin),
        };
        let multicast = Net::new(IpAddr::V4(Ipv4Addr::new(224, 0, 0, 0)), 24);
        [Addr::Net(multicast), Addr::This]
            .into_iter()
            .map(|destination| FilterRule {
                action: Action::Pass,
                interface: assigned.ident.clone(),
                family: Some(Family::V4),
                protocol: Some("ospf".to_string()),
                source: Addr::Net(address.trunc()),
                destination,
                port: None,
                provenance: vec![provenance.clone()],
            })
            .collect()
    }
}

fn sort(rules: &mut [FilterRule]) {
    rules.sort_by(|a, b| {
        (&a.family, &a.source, &a.destination, &a.protocol, &a.port).cmp(&(
            &b.family,
            &b.source,
            &b.destination,
            &b.protocol,
            &b.port,
        ))
    });
}
