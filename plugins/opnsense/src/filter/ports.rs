//! Merging the flows of one candidate rule: port ranges joined where they touch, tcp and udp
//! with the same ports joined into `tcp/udp`, each resulting rule naming the flows it covers.

use super::place::Key;
use super::{Action, Family, FilterRule, Provenance};
use infrac_sdk::{FlowReason, PortRange, Protocol};
use std::collections::{BTreeMap, BTreeSet};

/// The flows of one protocol for one candidate rule.
#[derive(Default)]
pub(super) struct Entry {
    /// Flows without ports (every port).
    all_ports: BTreeSet<Provenance>,
    /// Port ranges, each with the flow that named it.
    ports: Vec<(PortRange, Provenance)>,
}

impl Entry {
    /// Adds a flow's ports (empty: every port).
    pub(super) fn add(&mut self, ports: &[PortRange], provenance: &Provenance) {
        if ports.is_empty() {
            self.all_ports.insert(provenance.clone());
        }
        for r in ports {
            self.ports.push((*r, provenance.clone()));
        }
    }

    /// The rules' ports (`None`: every port), each with the flows it covers.
    fn ranges(&self) -> Vec<(Option<PortRange>, BTreeSet<Provenance>)> {
        if !self.all_ports.is_empty() {
            let mut all = self.all_ports.clone();
            all.extend(self.ports.iter().map(|(_, p)| p.clone()));
            return vec![(None, all)];
        }
        merge_ranges(self.ports.iter().map(|(r, _)| *r).collect())
            .into_iter()
            .map(|m| {
                let covered = self
                    .ports
                    .iter()
                    .filter(|(r, _)| m.start <= r.start && r.end <= m.end)
                    .map(|(_, p)| p.clone())
                    .collect();
                (Some(m), covered)
            })
            .collect()
    }
}

/// Merges overlapping and adjacent ranges.
pub(super) fn merge_ranges(mut ranges: Vec<PortRange>) -> Vec<PortRange> {
    ranges.sort();
    let mut out: Vec<PortRange> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if u32::from(r.start) <= u32::from(last.end) + 1 => {
                last.end = last.end.max(r.end);
            }
            _ => out.push(r),
        }
    }
    out
}

/// OPNsense's name for a protocol (FreeBSD `/etc/protocols`): VRRP is `carp` (112).
fn protocol_name(protocol: Protocol, family: Family) -> Option<&'static str> {
    Some(match (protocol, family) {
        (Protocol::Any, _) => return None,
        (Protocol::Tcp, _) => "tcp",
        (Protocol::Udp, _) => "udp",
        (Protocol::Sctp, _) => "sctp",
        (Protocol::Icmp, Family::V4) => "icmp",
        (Protocol::Icmp, Family::V6) => "ipv6-icmp",
        (Protocol::Vrrp, _) => "carp",
        (Protocol::Ospf, _) => "ospf",
        (Protocol::Esp, _) => "esp",
        (Protocol::Gre, _) => "gre",
    })
}

/// The provenance kind of a flow reason.
pub(super) fn reason_name(reason: FlowReason) -> &'static str {
    match reason {
        FlowReason::Rule => "rule",
        FlowReason::LoadBalancer => "load_balancer",
        FlowReason::Ha => "ha",
        FlowReason::Replication => "replication",
        FlowReason::Monitoring => "monitoring",
        FlowReason::Dns => "dns",
        FlowReason::Forward => "forward",
    }
}

/// The pass rules of one candidate key on interface `interface`.
pub(super) fn pass_rules(
    interface: &str,
    key: &Key,
    mut protocols: BTreeMap<Protocol, Entry>,
) -> Vec<FilterRule> {
    let mut merged: Vec<(
        Option<&'static str>,
        Option<PortRange>,
        BTreeSet<Provenance>,
    )> = Vec::new();
    let ports_of = |e: &Entry| e.ranges().into_iter().map(|(r, _)| r).collect::<Vec<_>>();
    let same_ports = match (protocols.get(&Protocol::Tcp), protocols.get(&Protocol::Udp)) {
        (Some(t), Some(u)) => ports_of(t) == ports_of(u),
        _ => false,
    };
    if same_ports
        && let (Some(t), Some(u)) = (
            protocols.remove(&Protocol::Tcp),
            protocols.remove(&Protocol::Udp),
        )
    {
        for ((port, mut covered), (_, more)) in t.ranges().into_iter().zip(u.ranges()) {
            covered.extend(more);
            merged.push((Some("tcp/udp"), port, covered));
        }
    }
    for (protocol, entry) in protocols {
        for (port, covered) in entry.ranges() {
            merged.push((protocol_name(protocol, key.family), port, covered));
        }
    }
    merged
        .into_iter()
        .map(|(protocol, port, covered)| FilterRule {
            action: Action::Pass,
            interface: interface.to_string(),
            family: Some(key.family),
            protocol: protocol.map(str::to_string),
            source: key.source.clone(),
            destination: key.destination.clone(),
            port,
            provenance: covered.into_iter().collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(start: u16, end: u16) -> PortRange {
        PortRange { start, end }
    }

    #[test]
    fn ranges_merge_only_when_they_touch() {
        assert_eq!(
            merge_ranges(vec![
                r(443, 443),
                r(80, 80),
                r(81, 90),
                r(8000, 8080),
                r(8081, 8081)
            ]),
            vec![r(80, 90), r(443, 443), r(8000, 8081)]
        );
        assert_eq!(
            merge_ranges(vec![r(65535, 65535), r(1, 65534)]),
            vec![r(1, 65535)]
        );
    }
}
