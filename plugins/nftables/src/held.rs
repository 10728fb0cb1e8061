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
    let own = host.addresses.iter().map(|a| {
        (
            a.address,
            Holder::Own {
                zone: a.zone.clone(),
            },
        )
    });
    let lbs = model
        .load_balancers
        .iter()
        .filter(|l| l.hosts.contains(&host.name))
        .map(|l| {
            (
                l.vip,
                Holder::LoadBalancer {
                    name: l.name.clone(),
                },
            )
        });
    let has = model
        .ha_groups
        .iter()
        .filter(|g| g.members.iter().any(|m| m.host == host.name))
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
