//! The share of the flow matrix that a listener enforces: who may connect to one address and
//! TCP port, and why.

use crate::prefix::{Prefix, aggregate};
use infrac_sdk::{EndpointKind, Flow, FlowReason, Model, PortSpec, Protocol};
use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;

/// Who the flow matrix lets connect to one listening address and TCP port.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Access {
    /// The internet (every address outside the model's zones) may connect.
    pub internet: bool,
    /// Other allowed sources, aggregated, of the listener's address family.
    pub prefixes: Vec<Prefix>,
    /// Why, one line per source endpoint, sorted: `the internet: rule internet-to-www
    /// (site.infra:150), forward fw1 (site.infra:31)`.
    pub reasons: Vec<String>,
}

/// Whether a flow's service lets TCP port `port` through.
fn allows_tcp_port(service: &PortSpec, port: u16) -> bool {
    match service.protocol {
        Protocol::Any => true,
        Protocol::Tcp => {
            service.ports.is_empty()
                || service
                    .ports
                    .iter()
                    .any(|r| r.start <= port && port <= r.end)
        }
        _ => false,
    }
}

fn reason_name(reason: FlowReason) -> &'static str {
    match reason {
        FlowReason::Rule => "rule",
        FlowReason::LoadBalancer => "load balancer",
        FlowReason::Ha => "ha",
        FlowReason::Replication => "replication",
        FlowReason::Monitoring => "monitoring",
        FlowReason::Dns => "dns",
        FlowReason::Forward => "forward",
    }
}

fn kind_name(kind: EndpointKind) -> &'static str {
    match kind {
        EndpointKind::Internet => "internet",
        EndpointKind::Zone => "zone",
        EndpointKind::Host => "host",
        EndpointKind::Service => "service",
        EndpointKind::LoadBalancer => "load balancer",
        EndpointKind::Database => "database",
        EndpointKind::Prefix => "prefix",
    }
}

/// The flows that reach `address` on TCP `port`.
fn flows_to(model: &Model, address: IpAddr, port: u16) -> impl Iterator<Item = &Flow> {
    model.flows.iter().filter(move |f| {
        allows_tcp_port(&f.service, port) && f.to.prefixes.iter().any(|p| p.contains(&address))
    })
}

/// Who may connect to `address` on TCP `port`, from the flow matrix.
pub fn access(model: &Model, address: IpAddr, port: u16) -> Access {
    let mut internet = false;
    let mut prefixes = Vec::new();
    // (endpoint kind, name) → (description, provenances)
    let mut why: BTreeMap<(EndpointKind, String), (String, BTreeSet<String>)> = BTreeMap::new();
    for f in flows_to(model, address, port) {
        let mine: Vec<Prefix> = f
            .from
            .prefixes
            .iter()
            .map(|p| Prefix::new(p.network(), p.prefix_len()))
            .filter(|p| p.same_family(address))
            .collect();
        let description = match f.from.kind {
            EndpointKind::Internet => {
                internet = true;
                "the internet".to_string()
            }
            _ if mine.is_empty() => continue,
            EndpointKind::Prefix => format!("prefix {}", f.from.name),
            kind => {
                let list: Vec<String> = mine.iter().map(|p| p.to_string()).collect();
                format!("{} {} ({})", kind_name(kind), f.from.name, list.join(" "))
            }
        };
        prefixes.extend(mine);
        let provenance = format!(
            "{} {} ({})",
            reason_name(f.provenance.reason),
            f.provenance.name,
            f.provenance.origin
        );
        why.entry((f.from.kind, f.from.name.clone()))
            .or_insert_with(|| (description, BTreeSet::new()))
            .1
            .insert(provenance);
    }
    let reasons = why
        .into_values()
        .map(|(description, provenances)| {
            let list: Vec<String> = provenances.into_iter().collect();
            format!("{description}: {}", list.join(", "))
        })
        .collect();
    Access {
        internet,
        prefixes: aggregate(prefixes),
        reasons,
    }
}

/// Every zone subnet of the model in the family of `address`, aggregated: what "the
/// internet" is not.
pub fn model_zones(model: &Model, address: IpAddr) -> Vec<Prefix> {
    aggregate(
        model
            .sites
            .iter()
            .flat_map(|s| &s.zones)
            .map(|z| Prefix::new(z.subnet.network(), z.subnet.prefix_len()))
            .filter(|p| p.same_family(address)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrac_sdk::PortRange;

    #[test]
    fn tcp_ports() {
        let spec = |protocol, ports: &[(u16, u16)]| PortSpec {
            protocol,
            ports: ports
                .iter()
                .map(|&(start, end)| PortRange { start, end })
                .collect(),
        };
        assert!(allows_tcp_port(&spec(Protocol::Tcp, &[(443, 443)]), 443));
        assert!(!allows_tcp_port(&spec(Protocol::Tcp, &[(443, 443)]), 80));
        assert!(allows_tcp_port(&spec(Protocol::Tcp, &[(1, 1024)]), 80));
        assert!(allows_tcp_port(&spec(Protocol::Tcp, &[]), 8404));
        assert!(allows_tcp_port(&spec(Protocol::Any, &[]), 80));
        assert!(!allows_tcp_port(&spec(Protocol::Udp, &[(80, 80)]), 80));
    }
}
