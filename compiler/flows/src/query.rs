//! Reachability queries over the flow matrix: is `from → to` (on a service) allowed, and by
//! which rules and model elements?
//!
//! Endpoints are address sets, as in policies: a query endpoint is *allowed* when flows cover
//! all its addresses (and the whole service), *partly* allowed when flows cover some, and
//! *denied* otherwise (nothing is reachable unless a rule or the model allows it).

use infrac_diag::Diagnostic;
use infrac_model::{Endpoint, EndpointKind, Flow, Model, PortSpec};

use crate::SpannedSelector;
use crate::policy::{endpoint_covers, service_covers, service_overlaps};
use crate::resolve::{Index, sets_overlap};

/// The answer for one pair of concrete endpoints (and one service, if asked).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Flows cover every address of both endpoints and the whole service.
    Allowed,
    /// Some flows overlap, none covers it all.
    Partly,
    /// No flow overlaps: the default deny.
    Denied,
}

/// One line of a query's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// A concrete source (a zone, host, … of the `from` selector).
    pub from: Endpoint,
    /// A concrete destination.
    pub to: Endpoint,
    /// The service asked about (`None`: any).
    pub service: Option<PortSpec>,
    /// The verdict.
    pub verdict: Verdict,
    /// The flows that decide it: covering flows when allowed, overlapping ones when partly.
    pub flows: Vec<Flow>,
}

/// Whether two endpoints share an address.
fn overlaps(index: &Index, a: &Endpoint, b: &Endpoint) -> bool {
    match (a.kind, b.kind) {
        (EndpointKind::Internet, EndpointKind::Internet) => true,
        (EndpointKind::Internet, _) => index.reaches_outside(b),
        (_, EndpointKind::Internet) => index.reaches_outside(a),
        _ => sets_overlap(&a.prefixes, &b.prefixes),
    }
}

/// Answers `from → to` on each of `services` (none: any service), per pair of concrete
/// endpoints the selectors resolve to.
pub fn query(
    model: &Model,
    flows: &[Flow],
    from: &SpannedSelector,
    to: &SpannedSelector,
    services: &[PortSpec],
) -> Result<Vec<Answer>, Box<Diagnostic>> {
    let index = Index::new(model);
    let froms: Vec<Endpoint> = index
        .resolve(from)?
        .into_iter()
        .map(|r| index.endpoint(r))
        .collect();
    let tos: Vec<Endpoint> = index
        .resolve(to)?
        .into_iter()
        .map(|r| index.endpoint(r))
        .collect();
    let asked: Vec<Option<&PortSpec>> = if services.is_empty() {
        vec![None]
    } else {
        services.iter().map(Some).collect()
    };
    let mut out = Vec::new();
    for a in &froms {
        for b in &tos {
            for s in &asked {
                out.push(answer(&index, flows, a, b, *s));
            }
        }
    }
    Ok(out)
}

fn answer(
    index: &Index,
    flows: &[Flow],
    a: &Endpoint,
    b: &Endpoint,
    s: Option<&PortSpec>,
) -> Answer {
    let service_ok = |f: &Flow| s.is_none_or(|s| service_covers(&f.service, s));
    let covering: Vec<Flow> = flows
        .iter()
        .filter(|f| endpoint_covers(&f.from, a) && endpoint_covers(&f.to, b) && service_ok(f))
        .cloned()
        .collect();
    let (verdict, deciding) = if !covering.is_empty() {
        (Verdict::Allowed, covering)
    } else {
        let partial: Vec<Flow> = flows
            .iter()
            .filter(|f| {
                overlaps(index, &f.from, a)
                    && overlaps(index, &f.to, b)
                    && s.is_none_or(|s| service_overlaps(&f.service, s))
            })
            .cloned()
            .collect();
        if partial.is_empty() {
            (Verdict::Denied, partial)
        } else {
            (Verdict::Partly, partial)
        }
    };
    Answer {
        from: a.clone(),
        to: b.clone(),
        service: s.cloned(),
        verdict,
        flows: deciding,
    }
}

/// The flows of one model, for asking whether a flow of another version of it is already
/// allowed here (wholly, by one flow) or partly.
pub struct FlowSet<'m> {
    index: Index<'m>,
    flows: &'m [Flow],
    /// Flows by the zones their destination touches: a flow that covers or overlaps a
    /// destination in zone Z touches Z too.
    by_to_zone: crate::fxhash::FxHashMap<&'m str, Vec<usize>>,
    /// Flows whose destination touches no zone (the internet, outside prefixes).
    to_outside: Vec<usize>,
}

impl<'m> FlowSet<'m> {
    /// Indexes `model` and its flow matrix.
    pub fn new(model: &'m Model) -> FlowSet<'m> {
        let mut by_to_zone: crate::fxhash::FxHashMap<&'m str, Vec<usize>> = Default::default();
        let mut to_outside = Vec::new();
        for (i, g) in model.flows.iter().enumerate() {
            if g.to.zones.is_empty() {
                to_outside.push(i);
            }
            for z in &g.to.zones {
                by_to_zone.entry(z.as_str()).or_default().push(i);
            }
        }
        FlowSet {
            index: Index::new(model),
            flows: &model.flows,
            by_to_zone,
            to_outside,
        }
    }

    /// The flows whose destination may meet `f`'s: those sharing a zone with it and those
    /// outside every zone, or all of them for a destination outside every zone.
    fn candidates(&self, f: &Flow) -> Vec<&'m Flow> {
        if f.to.zones.is_empty() {
            return self.flows.iter().collect();
        }
        let mut at: Vec<usize> =
            f.to.zones
                .iter()
                .filter_map(|z| self.by_to_zone.get(z.as_str()))
                .flatten()
                .chain(&self.to_outside)
                .copied()
                .collect();
        at.sort_unstable();
        at.dedup();
        at.into_iter().map(|i| &self.flows[i]).collect()
    }

    /// Whether the flows here allow every address and port of `f`: one flow alone, or several
    /// that together cover it along one dimension (two halves of a source range, two port
    /// ranges, with the rest of the flow covered by each).
    pub fn covers(&self, f: &Flow) -> bool {
        let candidates = self.candidates(f);
        let by_from_union = || {
            let g: Vec<&Flow> = candidates
                .iter()
                .copied()
                .filter(|g| endpoint_covers(&g.to, &f.to) && service_covers(&g.service, &f.service))
                .collect();
            endpoint_union_covers(g.iter().map(|g| &*g.from), &f.from)
        };
        let by_to_union = || {
            let g: Vec<&Flow> = candidates
                .iter()
                .copied()
                .filter(|g| {
                    endpoint_covers(&g.from, &f.from) && service_covers(&g.service, &f.service)
                })
                .collect();
            endpoint_union_covers(g.iter().map(|g| &*g.to), &f.to)
        };
        let by_service_union = || {
            let g: Vec<&Flow> = candidates
                .iter()
                .copied()
                .filter(|g| endpoint_covers(&g.from, &f.from) && endpoint_covers(&g.to, &f.to))
                .collect();
            service_union_covers(g.iter().map(|g| &*g.service), &f.service)
        };
        by_from_union() || by_to_union() || by_service_union()
    }

    /// Whether `e` (an endpoint of this model or another version of it) has addresses outside
    /// every zone of this model: the internet, `0.0.0.0/0`, `10.0.0.0/8` when the zones do not
    /// fill it.
    pub fn from_outside(&self, e: &Endpoint) -> bool {
        self.index.reaches_outside(e)
    }

    /// Whether some flow here allows part of `f`.
    pub fn overlaps(&self, f: &Flow) -> bool {
        self.candidates(f).into_iter().any(|g| {
            overlaps(&self.index, &g.from, &f.from)
                && overlaps(&self.index, &g.to, &f.to)
                && service_overlaps(&g.service, &f.service)
        })
    }
}

/// Whether the union of `set` contains `p`: some prefix contains it, or each half of it is
/// covered (split only where a prefix of the set lies inside it, so the work is bounded by the
/// set's size times the address length).
fn prefix_union_covers(p: &ipnet::IpNet, set: &[ipnet::IpNet]) -> bool {
    if set.iter().any(|q| q.contains(p)) {
        return true;
    }
    if !set.iter().any(|q| p.contains(q)) {
        return false;
    }
    match p.subnets(p.prefix_len() + 1) {
        Ok(mut halves) => halves.all(|h| prefix_union_covers(&h, set)),
        Err(_) => false,
    }
}

/// Whether the endpoints together contain every address of `e`.
fn endpoint_union_covers<'a>(
    mut endpoints: impl Iterator<Item = &'a Endpoint>,
    e: &Endpoint,
) -> bool {
    let all: Vec<&Endpoint> = endpoints.by_ref().collect();
    if all.iter().any(|g| endpoint_covers(g, e)) {
        return true;
    }
    if e.kind == EndpointKind::Internet {
        return false;
    }
    let internet = all.iter().any(|g| g.kind == EndpointKind::Internet);
    if internet && e.kind == EndpointKind::Prefix && e.zones.is_empty() {
        return true;
    }
    let set: Vec<ipnet::IpNet> = all
        .iter()
        .flat_map(|g| g.prefixes.iter().copied())
        .collect();
    !e.prefixes.is_empty() && e.prefixes.iter().all(|p| prefix_union_covers(p, &set))
}

/// Whether the services together allow every port of `s`.
fn service_union_covers<'a>(services: impl Iterator<Item = &'a PortSpec>, s: &PortSpec) -> bool {
    let all: Vec<&PortSpec> = services.collect();
    if all.iter().any(|g| service_covers(g, s)) {
        return true;
    }
    if s.ports.is_empty() {
        return false;
    }
    let mut ranges: Vec<(u16, u16)> = all
        .iter()
        .filter(|g| g.protocol == s.protocol && !g.ports.is_empty())
        .flat_map(|g| g.ports.iter().map(|r| (r.start, r.end)))
        .collect();
    ranges.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::new();
    for (a, b) in ranges {
        match merged.last_mut() {
            Some(last) if u32::from(a) <= u32::from(last.1) + 1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    s.ports
        .iter()
        .all(|r| merged.iter().any(|&(a, b)| a <= r.start && r.end <= b))
}
