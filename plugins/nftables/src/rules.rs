//! The flows to one host, as accept rules: one rule per flow and address family.

use crate::codes;
use crate::net::{Family, Net, collapse};
use infrac_sdk::{Diagnostic, EndpointKind, Flow, FlowReason, Model, PortSpec, Protocol};
use std::collections::{BTreeSet, HashMap};
use std::fmt::{Display, Write as _};
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

/// What every host's rules need from the whole model, computed once per model: the flows by
/// destination prefix (so a host looks only at the flows that reach it, not at every flow of
/// the model) and the zones that `internet` excludes, per family.
pub struct FlowIndex {
    /// Flow indices (ascending) by destination prefix, host bits cleared.
    by_prefix: HashMap<Net, Vec<usize>>,
    /// The prefix lengths present, per family.
    lengths: [Vec<u8>; 2],
    /// Every zone subnet of the model, collapsed, per family (what `internet` is not).
    zones: [Vec<Net>; 2],
    /// Keys of the management zones.
    pub management: BTreeSet<String>,
    /// Host positions by name.
    hosts: HashMap<String, usize>,
    /// Per host name, the load balancers it runs and the HA groups it is a member of.
    holders: HashMap<String, (Vec<usize>, Vec<usize>)>,
    /// Per flow, its entry in `comments`: flows of one provenance share it (at 1,000 sites,
    /// 8,003 provenances for 62,002 flows and 125,008 rules).
    comment_of: Vec<usize>,
    /// Each provenance's rule comment ([`comment`]).
    comments: Vec<String>,
}

fn slot(family: Family) -> usize {
    match family {
        Family::V4 => 0,
        Family::V6 => 1,
    }
}

impl FlowIndex {
    /// The index of `model`.
    pub fn new(model: &Model) -> FlowIndex {
        let mut by_prefix: HashMap<Net, Vec<usize>> = HashMap::new();
        let mut lengths: [BTreeSet<u8>; 2] = [BTreeSet::new(), BTreeSet::new()];
        for (i, f) in model.flows.iter().enumerate() {
            for p in &f.to.prefixes {
                let net = Net::new(p.addr(), p.prefix_len());
                lengths[slot(net.family())].insert(net.len);
                let list = by_prefix.entry(net).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let zones = |family: Family| {
            collapse(
                model
                    .sites
                    .iter()
                    .flat_map(|s| &s.zones)
                    .map(|z| Net::new(z.subnet.addr(), z.subnet.prefix_len()))
                    .filter(|n| n.family() == family),
            )
        };
        let mut by_provenance: HashMap<&infrac_sdk::FlowOrigin, usize> = HashMap::new();
        let mut comments = Vec::new();
        let comment_of = model
            .flows
            .iter()
            .map(|f| {
                *by_provenance
                    .entry(f.provenance.as_ref())
                    .or_insert_with(|| {
                        comments.push(comment(f));
                        comments.len() - 1
                    })
            })
            .collect();
        let mut hosts = HashMap::new();
        for (i, h) in model.hosts.iter().enumerate() {
            hosts.entry(h.name.clone()).or_insert(i);
        }
        let mut holders: HashMap<String, (Vec<usize>, Vec<usize>)> = HashMap::new();
        for (i, l) in model.load_balancers.iter().enumerate() {
            for h in &l.hosts {
                let list = &mut holders.entry(h.clone()).or_default().0;
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        for (i, g) in model.ha_groups.iter().enumerate() {
            for m in &g.members {
                let list = &mut holders.entry(m.host.clone()).or_default().1;
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        FlowIndex {
            hosts,
            holders,
            comment_of,
            comments,
            by_prefix,
            lengths: lengths.map(|l| l.into_iter().collect()),
            zones: [zones(Family::V4), zones(Family::V6)],
            management: model
                .sites
                .iter()
                .flat_map(|s| &s.zones)
                .filter(|z| z.purpose == Some(infrac_sdk::Purpose::Management))
                .map(|z| z.key.clone())
                .collect(),
        }
    }

    /// The host named `name` (the first of that name, as `Model::host` finds it).
    pub fn host<'m>(&self, model: &'m Model, name: &str) -> Option<&'m infrac_sdk::Host> {
        self.hosts.get(name).and_then(|&i| model.hosts.get(i))
    }

    /// Every address `host` receives traffic at ([`crate::held::held_addresses`]).
    pub fn held(
        &self,
        model: &Model,
        host: &infrac_sdk::Host,
    ) -> Vec<(IpAddr, crate::held::Holder)> {
        let (lbs, has) = self
            .holders
            .get(&host.name)
            .map(|(l, h)| (l.as_slice(), h.as_slice()))
            .unwrap_or_default();
        crate::held::held_addresses_in(model, host, lbs, has)
    }

    /// The rule comment of flow `index` of the model ([`comment`]).
    pub fn comment(&self, index: usize) -> &str {
        self.comment_of
            .get(index)
            .and_then(|&c| self.comments.get(c))
            .map_or("", String::as_str)
    }

    /// The flows whose destination contains one of `addresses`, in flow order.
    pub fn reaching(&self, addresses: &[IpAddr]) -> Vec<usize> {
        let mut out = Vec::new();
        for &a in addresses {
            for &len in &self.lengths[slot(Family::of(a))] {
                if let Some(list) = self.by_prefix.get(&Net::new(a, len)) {
                    out.extend_from_slice(list);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The rules for a host holding `held` addresses, in flow order, and the flows that reach it
/// but can match nothing. Errors when a flow's service cannot be matched exactly.
pub fn accept_rules(
    model: &Model,
    held: &[IpAddr],
) -> Result<(Vec<AcceptRule>, Vec<Unmatchable>), Vec<Diagnostic>> {
    accept_rules_indexed(model, &FlowIndex::new(model), held)
}

/// [`accept_rules`] with the model's index computed once for many hosts.
pub fn accept_rules_indexed(
    model: &Model,
    idx: &FlowIndex,
    held: &[IpAddr],
) -> Result<(Vec<AcceptRule>, Vec<Unmatchable>), Vec<Diagnostic>> {
    let mut rules = Vec::new();
    let mut unmatchable = Vec::new();
    let mut errors = Vec::new();
    for (index, flow) in idx
        .reaching(held)
        .into_iter()
        .filter_map(|i| model.flows.get(i).map(|f| (i, f)))
    {
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
        let comment = idx.comment(index).to_string();
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
            let Some(source) = source(&idx.zones[slot(family)], flow, family) else {
                continue;
            };
            rendered = true;
            rules.push(AcceptRule {
                flow: index,
                family,
                source,
                destinations,
                service: (*flow.service).clone(),
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
fn source(zones: &[Net], flow: &Flow, family: Family) -> Option<Source> {
    if flow.from.kind == EndpointKind::Internet {
        // Everything outside the model's zones (`zones`: those of `family`, collapsed).
        return Some(if zones.is_empty() {
            Source::Any
        } else {
            Source::NotIn(zones.to_vec())
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
    (!service.ports.is_empty()).then(|| {
        let mut out = String::new();
        set(&mut out, &service.ports, |r| *r);
        out
    })
}

/// One value as is, several as an anonymous set `{ a, b }`, appended to `out`.
pub fn set<T, D: Display>(out: &mut String, items: &[T], show: impl Fn(&T) -> D) {
    match items {
        [one] => {
            let _ = write!(out, "{}", show(one));
        }
        many => {
            out.push_str("{ ");
            for (i, item) in many.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "{}", show(item));
            }
            out.push_str(" }");
        }
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
