//! The share of the flow matrix that a listener enforces: who may connect to one address and
//! TCP port, and why.

use crate::prefix::{Prefix, aggregate};
use infrac_sdk::ipnet::IpNet;
use infrac_sdk::{EndpointKind, Flow, FlowReason, Model, PortSpec, Protocol};
use std::collections::{BTreeMap, BTreeSet, HashMap};
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

/// The flows of a model by destination prefix, computed once for every listener of a batch of
/// hosts (a listener then looks at the flows that reach its address, not at every flow).
pub struct FlowIndex {
    by_prefix: HashMap<IpNet, Vec<usize>>,
    /// Prefix lengths present: IPv4, IPv6.
    lengths: [Vec<u8>; 2],
}

impl FlowIndex {
    /// The index of `model`.
    pub fn new(model: &Model) -> FlowIndex {
        let mut by_prefix: HashMap<IpNet, Vec<usize>> = HashMap::new();
        let mut lengths = [BTreeSet::new(), BTreeSet::new()];
        for (i, f) in model.flows.iter().enumerate() {
            for p in &f.to.prefixes {
                let net = p.trunc();
                lengths[usize::from(net.addr().is_ipv6())].insert(net.prefix_len());
                let list = by_prefix.entry(net).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        FlowIndex {
            by_prefix,
            lengths: lengths.map(|l| l.into_iter().collect()),
        }
    }

    /// Indices of the flows whose destination contains `address`, in flow order.
    fn reaching(&self, address: IpAddr) -> Vec<usize> {
        let mut out = Vec::new();
        for &len in &self.lengths[usize::from(address.is_ipv6())] {
            if let Ok(net) = IpNet::new(address, len)
                && let Some(list) = self.by_prefix.get(&net.trunc())
            {
                out.extend_from_slice(list);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The flows that reach `address` on TCP `port`.
fn flows_to<'m>(
    model: &'m Model,
    index: &FlowIndex,
    address: IpAddr,
    port: u16,
) -> impl Iterator<Item = &'m Flow> {
    index
        .reaching(address)
        .into_iter()
        .filter_map(|i| model.flows.get(i))
        .filter(move |f| allows_tcp_port(&f.service, port))
}

/// Who may connect to `address` on TCP `port`, from the flow matrix (`index`: its flows).
pub fn access_indexed(model: &Model, index: &FlowIndex, address: IpAddr, port: u16) -> Access {
    let mut internet = false;
    let mut prefixes = Vec::new();
    // (endpoint kind, name) → (description, provenances)
    let mut why: BTreeMap<(EndpointKind, String), (String, BTreeSet<String>)> = BTreeMap::new();
    for f in flows_to(model, index, address, port) {
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

/// Whether the model has a zone in the family of `address`.
pub fn model_has_zones(model: &Model, address: IpAddr) -> bool {
    model
        .sites
        .iter()
        .flat_map(|s| &s.zones)
        .any(|z| z.subnet.addr().is_ipv4() == address.is_ipv4())
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
