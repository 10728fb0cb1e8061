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
}

impl<'m> FlowSet<'m> {
    /// Indexes `model` and its flow matrix.
    pub fn new(model: &'m Model) -> FlowSet<'m> {
        FlowSet {
            index: Index::new(model),
            flows: &model.flows,
        }
    }

    /// Whether one flow here allows every address and port of `f`.
    pub fn covers(&self, f: &Flow) -> bool {
        self.flows.iter().any(|g| {
            endpoint_covers(&g.from, &f.from)
                && endpoint_covers(&g.to, &f.to)
                && service_covers(&g.service, &f.service)
        })
    }

    /// Whether some flow here allows part of `f`.
    pub fn overlaps(&self, f: &Flow) -> bool {
        self.flows.iter().any(|g| {
            overlaps(&self.index, &g.from, &f.from)
                && overlaps(&self.index, &g.to, &f.to)
                && service_overlaps(&g.service, &f.service)
        })
    }
}
