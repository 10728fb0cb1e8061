//! The addresses a host receives traffic at: its own, and the virtual addresses it may hold
//! (the VIP of a load balancer it runs, the VIPs of an HA group it is a member of).

use infrac_sdk::{Host, Model};
use std::net::IpAddr;

/// Why a host holds an address.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Holder {
    /// Its own address in a zone.
    Own {
        /// Zone key.
        zone: String,
    },
    /// The VIP of a load balancer it runs.
    LoadBalancer {
        /// Load balancer name.
        name: String,
    },
    /// A VIP of an HA group it is a member of.
    Ha {
        /// HA group name.
        name: String,
    },
}

impl Holder {
    /// How the header of the file describes it.
    pub fn describe(&self) -> String {
        match self {
            Holder::Own { zone } => format!("zone {zone}"),
            Holder::LoadBalancer { name } => format!("VIP of load balancer {name}"),
            Holder::Ha { name } => format!("VIP of ha {name}"),
        }
    }
}

/// Every address the host receives traffic at, with why, sorted by address then holder.
pub fn held_addresses(model: &Model, host: &Host) -> Vec<(IpAddr, Holder)> {
    let lbs: Vec<usize> = (0..model.load_balancers.len())
        .filter(|&i| model.load_balancers[i].hosts.contains(&host.name))
        .collect();
    let has: Vec<usize> = (0..model.ha_groups.len())
        .filter(|&i| {
            model.ha_groups[i]
                .members
                .iter()
                .any(|m| m.host == host.name)
        })
        .collect();
    held_addresses_in(model, host, &lbs, &has)
}

/// [`held_addresses`] given the load balancers the host runs and the HA groups it is a member
/// of (indices, in model order).
pub fn held_addresses_in(
    model: &Model,
    host: &Host,
    lbs: &[usize],
    has: &[usize],
) -> Vec<(IpAddr, Holder)> {
    let own = host.addresses.iter().map(|a| {
        (
            a.address,
            Holder::Own {
                zone: a.zone.clone(),
            },
        )
    });
    let lbs = lbs
        .iter()
        .filter_map(|&i| model.load_balancers.get(i))
        .map(|l| {
            (
                l.vip,
                Holder::LoadBalancer {
                    name: l.name.clone(),
                },
            )
        });
    let has = has
        .iter()
        .filter_map(|&i| model.ha_groups.get(i))
        .flat_map(|g| {
            g.vips.iter().map(|v| {
                (
                    *v,
                    Holder::Ha {
                        name: g.name.clone(),
                    },
                )
            })
        });
    let mut all: Vec<(IpAddr, Holder)> = own.chain(lbs).chain(has).collect();
    all.sort();
    all.dedup();
    all
}
