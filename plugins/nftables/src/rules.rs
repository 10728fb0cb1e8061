//! The flows to one host, as accept rules: one rule per flow and address family.

use crate::codes;
use crate::net::{Family, Net, collapse};
use infrac_sdk::{Diagnostic, EndpointKind, Flow, FlowReason, Model, PortSpec, Protocol};
use std::net::IpAddr;

/// The longest comment nftables accepts (bytes).
pub const MAX_COMMENT: usize = 128;

/// Which sources a rule accepts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Every address of the family (`internet` in a model without zones of the family).
    Any,
    /// Addresses in these prefixes.
    In(Vec<Net>),
    /// Addresses outside these prefixes (`internet`: outside the model's zones).
    NotIn(Vec<Net>),
}

/// One accept rule of the input chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcceptRule {
    /// Index of the flow in `Model.flows`.
    pub flow: usize,
    /// The address family.
    pub family: Family,
    /// Sources.
    pub source: Source,
    /// The host's addresses the flow reaches (sorted).
    pub destinations: Vec<IpAddr>,
    /// Protocol and ports.
    pub service: PortSpec,
    /// What allowed it and where: `rule NAME (file:line)`.
    pub comment: String,
}

/// A flow that reaches the host but allows nothing there: its sources and the host's
/// addresses it reaches share no address family.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unmatchable {
    /// Index of the flow in `Model.flows`.
    pub flow: usize,
    /// What allowed it and where.
    pub comment: String,
}

/// The rules for a host holding `held` addresses, in flow order, and the flows that reach it
/// but can match nothing. Errors when a flow's service cannot be matched exactly.
pub fn accept_rules(
    model: &Model,
    held: &[IpAddr],
) -> Result<(Vec<AcceptRule>, Vec<Unmatchable>), Vec<Diagnostic>> {
    let mut rules = Vec::new();
    let mut unmatchable = Vec::new();
    let mut errors = Vec::new();
    for (index, flow) in model.flows.iter().enumerate() {
        let reached: Vec<IpAddr> = held
            .iter()
            .copied()
            .filter(|a| flow.to.prefixes.iter().any(|p| p.contains(a)))
            .collect();
        if reached.is_empty() {
            continue;
        }
        if let Some(why) = service_problem(&flow.service) {
            errors.push(Diagnostic::error(
                codes::BAD_SERVICE,
                format!("/flows/{index}/service"),
                format!(
                    "flow {} -> {} ({}) cannot be matched exactly by nftables: {why}",
                    flow.from.name,
                    flow.to.name,
                    describe(flow)
                ),
            ));
            continue;
        }
        let comment = comment(flow);
        let mut rendered = false;
        for family in [Family::V4, Family::V6] {
            let destinations: Vec<IpAddr> = reached
                .iter()
                .copied()
                .filter(|a| Family::of(*a) == family)
                .collect();
            if destinations.is_empty() {
                continue;
            }
            let Some(source) = source(model, flow, family) else {
                continue;
            };
            rendered = true;
            rules.push(AcceptRule {
                flow: index,
                family,
                source,
                destinations,
                service: flow.service.clone(),
                comment: comment.clone(),
            });
        }
        if !rendered {
            unmatchable.push(Unmatchable {
                flow: index,
                comment,
            });
        }
    }
    if errors.is_empty() {
        Ok((rules, unmatchable))
    } else {
        Err(errors)
    }
}

/// The sources of `flow` in `family`, or `None` when it has none there.
fn source(model: &Model, flow: &Flow, family: Family) -> Option<Source> {
    if flow.from.kind == EndpointKind::Internet {
        // Everything outside the model's zones.
        let zones = collapse(
            model
                .sites
                .iter()
                .flat_map(|s| &s.zones)
                .map(|z| Net::new(z.subnet.addr(), z.subnet.prefix_len()))
                .filter(|n| n.family() == family),
        );
        return Some(if zones.is_empty() {
            Source::Any
        } else {
            Source::NotIn(zones)
        });
    }
    let nets = collapse(
        flow.from
            .prefixes
            .iter()
            .map(|p| Net::new(p.addr(), p.prefix_len()))
            .filter(|n| n.family() == family),
    );
    (!nets.is_empty()).then_some(Source::In(nets))
}

/// Why nftables cannot match a service exactly, or `None`.
fn service_problem(service: &PortSpec) -> Option<String> {
    if !service.protocol.has_ports() && !service.ports.is_empty() {
        return Some(format!(
            "{} has no ports, yet the flow names ports",
            service.protocol.name()
        ));
    }
    service
        .ports
        .iter()
        .find(|r| r.start > r.end)
        .map(|r| format!("port range {}-{} is empty", r.start, r.end))
}

/// `tcp/443`, `vrrp`.
fn describe(flow: &Flow) -> String {
    flow.service.to_string()
}

/// The provenance of a flow as a rule comment: `rule www-public (site.infra:150)`, at most
/// [`MAX_COMMENT`] bytes, without characters a quoted nftables string cannot hold.
pub fn comment(flow: &Flow) -> String {
    let p = &flow.provenance;
    let reason = reason_word(p.reason);
    let what = if p.name == reason {
        reason.to_string()
    } else {
        format!("{reason} {}", p.name)
    };
    let location = format!("({}:{})", p.origin.file, p.origin.line);
    fit(&clean(&what), &clean(&location))
}

fn reason_word(reason: FlowReason) -> &'static str {
    match reason {
        FlowReason::Rule => "rule",
        FlowReason::LoadBalancer => "loadbalancer",
        FlowReason::Ha => "ha",
        FlowReason::Replication => "replication",
        FlowReason::Monitoring => "monitoring",
        FlowReason::Dns => "dns",
        FlowReason::Forward => "forward",
    }
}

/// Quotes and control characters replaced: an nftables string has no escapes.
fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// `what location`, shortening `what` (then the location's start) with `...` to fit.
fn fit(what: &str, location: &str) -> String {
    let full = format!("{what} {location}");
    if full.len() <= MAX_COMMENT {
        return full;
    }
    let room = MAX_COMMENT.saturating_sub(location.len() + 4);
    if room >= 8 {
        return format!("{}... {location}", prefix_bytes(what, room));
    }
    let tail = suffix_bytes(location, MAX_COMMENT - 3);
    format!("...{tail}")
}

/// The longest prefix of `text` of at most `n` bytes, on a character boundary.
fn prefix_bytes(text: &str, n: usize) -> &str {
    let mut end = n.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// The longest suffix of `text` of at most `n` bytes, on a character boundary.
fn suffix_bytes(text: &str, n: usize) -> &str {
    let mut start = text.len().saturating_sub(n);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    text.get(start..).unwrap_or_default()
}

/// The protocol match of a rule (`tcp dport { 80, 443 }`, `meta l4proto 112`), or `None` for
/// every protocol.
pub fn protocol_match(service: &PortSpec, family: Family) -> Option<String> {
    let ports = port_list(service);
    let proto = match service.protocol {
        Protocol::Any => return None,
        Protocol::Tcp | Protocol::Udp | Protocol::Sctp => {
            let name = service.protocol.name();
            return Some(match ports {
                Some(list) => format!("{name} dport {list}"),
                None => format!("meta l4proto {name}"),
            });
        }
        Protocol::Icmp => match family {
            Family::V4 => "icmp".to_string(),
            Family::V6 => "icmpv6".to_string(),
        },
        Protocol::Esp => "esp".to_string(),
        // Numbers: nft resolves other protocol names through /etc/protocols, which a minimal
        // system may lack.
        other => other.number().map(|n| n.to_string()).unwrap_or_default(),
    };
    Some(format!("meta l4proto {proto}"))
}

/// The ports as an nftables value: `443`, `8000-8080`, `{ 80, 443 }`; `None` for every port.
pub fn port_list(service: &PortSpec) -> Option<String> {
    let items: Vec<String> = service.ports.iter().map(|r| r.to_string()).collect();
    match items.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        many => Some(format!("{{ {} }}", many.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use infrac_sdk::PortRange;

    fn spec(protocol: Protocol, ports: &[(u16, u16)]) -> PortSpec {
        PortSpec {
            protocol,
            ports: ports
                .iter()
                .map(|&(start, end)| PortRange { start, end })
                .collect(),
        }
    }

    #[test]
    fn protocol_matches() {
        let m = |p, ports: &[(u16, u16)], f| protocol_match(&spec(p, ports), f);
        assert_eq!(
            m(Protocol::Tcp, &[(443, 443)], Family::V4).unwrap(),
            "tcp dport 443"
        );
        assert_eq!(
            m(Protocol::Udp, &[(53, 53), (1000, 2000)], Family::V6).unwrap(),
            "udp dport { 53, 1000-2000 }"
        );
        assert_eq!(
            m(Protocol::Sctp, &[], Family::V4).unwrap(),
            "meta l4proto sctp"
        );
        assert_eq!(
            m(Protocol::Icmp, &[], Family::V4).unwrap(),
            "meta l4proto icmp"
        );
        assert_eq!(
            m(Protocol::Icmp, &[], Family::V6).unwrap(),
            "meta l4proto icmpv6"
        );
        assert_eq!(
            m(Protocol::Vrrp, &[], Family::V4).unwrap(),
            "meta l4proto 112"
        );
        assert_eq!(
            m(Protocol::Ospf, &[], Family::V4).unwrap(),
            "meta l4proto 89"
        );
        assert_eq!(
            m(Protocol::Gre, &[], Family::V4).unwrap(),
            "meta l4proto 47"
        );
        assert_eq!(
            m(Protocol::Esp, &[], Family::V4).unwrap(),
            "meta l4proto esp"
        );
        assert_eq!(m(Protocol::Any, &[], Family::V4), None);
    }

    #[test]
    fn services_that_cannot_be_matched() {
        assert!(service_problem(&spec(Protocol::Icmp, &[(1, 1)])).is_some());
        assert!(service_problem(&spec(Protocol::Tcp, &[(90, 80)])).is_some());
        assert_eq!(service_problem(&spec(Protocol::Tcp, &[(80, 90)])), None);
    }

    #[test]
    fn comments_fit() {
        assert_eq!(fit("rule a", "(site.infra:3)"), "rule a (site.infra:3)");
        let long = fit(&"r".repeat(200), "(site.infra:3)");
        assert_eq!(long.len(), MAX_COMMENT);
        assert!(long.ends_with("... (site.infra:3)"));
        let path = format!("({}/site.infra:3)", "d".repeat(200));
        let long = fit("rule a", &path);
        assert!(long.len() <= MAX_COMMENT && long.ends_with("/site.infra:3)"));
        assert_eq!(clean("a\"b\nc"), "a'b c");
        assert_eq!(prefix_bytes("é", 1), "");
    }
}
