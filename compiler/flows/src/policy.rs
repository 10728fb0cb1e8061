//! Policy assertions over the flow matrix: `forbid` and `require`.
//!
//! Endpoints are compared as address sets: a zone, host, service, load balancer, database or
//! prefix is the union of its prefixes; `internet` is every address outside the model's zones.
//! A selector that matches nothing (a wildcard over zones no site has) makes its assertion
//! hold vacuously: policy packs are checked against every model.

use crate::fxhash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::cell::OnceCell;

use infrac_diag::{Diagnostic, codes};
use infrac_model::{Endpoint, EndpointKind, Flow, PortSpec, Protocol};

use crate::render::flow_with_provenance;
use crate::resolve::{Index, sets_overlap};
use crate::{AssertionInput, SpannedSelector};

/// How many offending or missing items a diagnostic lists.
const LISTED: usize = 5;

/// Whether two services share a protocol and a port.
pub(crate) fn service_overlaps(a: &PortSpec, b: &PortSpec) -> bool {
    if a.protocol != b.protocol && a.protocol != Protocol::Any && b.protocol != Protocol::Any {
        return false;
    }
    a.ports.is_empty()
        || b.ports.is_empty()
        || a.ports
            .iter()
            .any(|r| b.ports.iter().any(|q| r.start <= q.end && q.start <= r.end))
}

/// Whether service `f` allows everything `s` names.
pub(crate) fn service_covers(f: &PortSpec, s: &PortSpec) -> bool {
    if f.protocol == Protocol::Any {
        return true;
    }
    if f.protocol != s.protocol {
        return false;
    }
    if f.ports.is_empty() {
        return true;
    }
    if s.ports.is_empty() {
        return !s.protocol.has_ports();
    }
    // Ranges are sorted and merged, so a covered range lies within a single range.
    s.ports
        .iter()
        .all(|r| f.ports.iter().any(|q| q.start <= r.start && r.end <= q.end))
}

/// Whether endpoint `f` contains every address of `a`.
pub(crate) fn endpoint_covers(f: &Endpoint, a: &Endpoint) -> bool {
    match (f.kind, a.kind) {
        (EndpointKind::Internet, EndpointKind::Internet) => true,
        // A prefix outside every zone is part of the internet.
        (EndpointKind::Internet, EndpointKind::Prefix) => a.zones.is_empty(),
        (EndpointKind::Internet, _) => false,
        // A default route covers the internet of its family.
        (_, EndpointKind::Internet) => f.prefixes.iter().any(|p| p.prefix_len() == 0),
        _ => a
            .prefixes
            .iter()
            .all(|p| f.prefixes.iter().any(|q| q.contains(p))),
    }
}

/// A resolved selector, indexed for intersection tests.
struct Region {
    endpoints: Vec<Endpoint>,
    /// The selector includes `internet`.
    internet: bool,
    /// Endpoint positions by the zones they touch.
    by_zone: HashMap<String, Vec<usize>>,
    /// Prefix endpoints with addresses outside every zone.
    outside: Vec<usize>,
}

impl Region {
    fn new(index: &Index, endpoints: Vec<Endpoint>) -> Region {
        let mut r = Region {
            internet: false,
            by_zone: HashMap::default(),
            outside: Vec::new(),
            endpoints: Vec::new(),
        };
        for (i, e) in endpoints.iter().enumerate() {
            if e.kind == EndpointKind::Internet {
                r.internet = true;
            } else if index.reaches_outside(e) {
                r.outside.push(i);
            }
            for z in &e.zones {
                r.by_zone.entry(z.clone()).or_default().push(i);
            }
        }
        r.endpoints = endpoints;
        r
    }

    /// Whether endpoint `e` shares an address with the region.
    fn intersects(&self, index: &Index, e: &Endpoint) -> bool {
        if e.kind == EndpointKind::Internet {
            return self.internet || !self.outside.is_empty();
        }
        let e_outside = index.reaches_outside(e);
        if e_outside && self.internet {
            return true;
        }
        // Two sets overlap either inside a zone (which both then touch) or outside all zones.
        let overlaps = |&i: &usize| sets_overlap(&self.endpoints[i].prefixes, &e.prefixes);
        e.zones
            .iter()
            .filter_map(|z| self.by_zone.get(z))
            .any(|list| list.iter().any(overlaps))
            || (e_outside && self.outside.iter().any(overlaps))
    }
}

/// `policy `p` forbids a -> b tcp/22`.
fn describe(a: &AssertionInput) -> String {
    let verb = match a.kind {
        infrac_model::AssertionKind::Forbid => "forbids",
        infrac_model::AssertionKind::Require => "requires",
    };
    let mut s = format!(
        "policy `{}` {verb} {} -> {}",
        a.policy, a.from.text, a.to.text
    );
    for svc in &a.services {
        s.push(' ');
        s.push_str(&svc.to_string());
    }
    s
}

/// "x, y, z and 3 more".
fn listing(items: impl Iterator<Item = String>, total: usize) -> String {
    let mut s: Vec<String> = items.take(LISTED).collect();
    if total > LISTED {
        s.push(format!("and {} more", total - LISTED));
    }
    s.join("; ")
}

/// Flows indexed for assertions.
pub(crate) struct FlowIndex<'f> {
    flows: &'f [Flow],
    /// Flows by each zone their destination touches.
    by_to_zone: HashMap<&'f str, Vec<u32>>,
    /// Flows whose destination is the internet or a prefix.
    to_outside: Vec<u32>,
}

impl<'f> FlowIndex<'f> {
    fn new(flows: &'f [Flow]) -> FlowIndex<'f> {
        let mut by_to_zone: HashMap<&str, Vec<u32>> = HashMap::default();
        let mut to_outside = Vec::new();
        for (i, f) in flows.iter().enumerate() {
            for z in &f.to.zones {
                by_to_zone.entry(z.as_str()).or_default().push(i as u32);
            }
            if matches!(f.to.kind, EndpointKind::Internet | EndpointKind::Prefix) {
                to_outside.push(i as u32);
            }
        }
        FlowIndex {
            flows,
            by_to_zone,
            to_outside,
        }
    }

    /// Flows whose destination may contain `b`: one that contains `b` touches every zone `b`
    /// touches; for `b` outside every zone, only the internet or a prefix can.
    fn candidates(&self, b: &Endpoint) -> impl Iterator<Item = &'f Flow> + '_ {
        let list: &[u32] = if b.zones.is_empty() {
            &self.to_outside
        } else {
            let lists: Option<Vec<&Vec<u32>>> = b
                .zones
                .iter()
                .map(|z| self.by_to_zone.get(z.as_str()))
                .collect();
            lists
                .and_then(|ls| ls.into_iter().min_by_key(|l| l.len()))
                .map(Vec::as_slice)
                .unwrap_or(&[])
        };
        list.iter().map(|&i| &self.flows[i as usize])
    }
}

/// The sources of some flows, indexed to find one that covers a given endpoint: by name
/// first (an endpoint covers itself), and only when that fails by zone.
struct Sources<'f> {
    flows: Vec<&'f Flow>,
    exact: HashSet<(EndpointKind, &'f str)>,
    by_zone: OnceCell<ByZone<'f>>,
}

/// Sources by the zones they touch, and those that touch many zones or reach outside them.
struct ByZone<'f> {
    zoned: HashMap<&'f str, Vec<&'f Endpoint>>,
    wide: Vec<&'f Endpoint>,
}

/// Sources touching more zones than this are checked against every endpoint.
const WIDE: usize = 16;

impl<'f> Sources<'f> {
    fn new(flows: Vec<&'f Flow>) -> Sources<'f> {
        let exact = flows
            .iter()
            .map(|f| (f.from.kind, f.from.name.as_str()))
            .collect();
        Sources {
            flows,
            exact,
            by_zone: OnceCell::new(),
        }
    }

    fn by_zone(&self) -> &ByZone<'f> {
        self.by_zone.get_or_init(|| {
            let mut b = ByZone {
                zoned: HashMap::default(),
                wide: Vec::new(),
            };
            for f in &self.flows {
                let e = &f.from;
                if e.zones.len() > WIDE
                    || matches!(e.kind, EndpointKind::Internet | EndpointKind::Prefix)
                {
                    b.wide.push(e);
                } else {
                    for z in &e.zones {
                        b.zoned.entry(z.as_str()).or_default().push(e);
                    }
                }
            }
            b
        })
    }

    fn cover(&self, a: &Endpoint) -> bool {
        if self.exact.contains(&(a.kind, a.name.as_str())) {
            return true;
        }
        let b = self.by_zone();
        let zoned = a
            .zones
            .first()
            .and_then(|z| b.zoned.get(z.as_str()))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        zoned.iter().chain(&b.wide).any(|f| endpoint_covers(f, a))
    }
}

/// Resolves an assertion's side to endpoints; `None` after a diagnostic.
fn side(
    index: &Index,
    sel: &SpannedSelector,
    diags: &mut Vec<Diagnostic>,
) -> Option<Vec<Endpoint>> {
    match index.resolve(sel) {
        Ok(refs) => Some(refs.into_iter().map(|r| index.endpoint(r)).collect()),
        Err(d) => {
            diags.push(*d);
            None
        }
    }
}

/// Checks every assertion; one diagnostic per failed assertion.
pub(crate) fn check(
    index: &Index,
    flows: &[Flow],
    assertions: &[AssertionInput],
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let mut flow_index = None;
    for a in assertions {
        let from = side(index, &a.from, &mut diags);
        let to = side(index, &a.to, &mut diags);
        let (Some(from), Some(to)) = (from, to) else {
            continue;
        };
        match a.kind {
            infrac_model::AssertionKind::Forbid => forbid(index, flows, a, from, to, &mut diags),
            infrac_model::AssertionKind::Require => {
                let fi = flow_index.get_or_insert_with(|| FlowIndex::new(flows));
                require(fi, a, &from, &to, &mut diags);
            }
        }
    }
    diags
}

fn forbid(
    index: &Index,
    flows: &[Flow],
    a: &AssertionInput,
    from: Vec<Endpoint>,
    to: Vec<Endpoint>,
    diags: &mut Vec<Diagnostic>,
) {
    if from.is_empty() || to.is_empty() {
        return;
    }
    let from = Region::new(index, from);
    let to = Region::new(index, to);
    // Flows are sorted by source: remember the last source's verdict.
    let mut last: Option<(&Endpoint, bool)> = None;
    let mut matching: Vec<&Flow> = Vec::new();
    for f in flows {
        if !(a.services.is_empty() || a.services.iter().any(|s| service_overlaps(s, &f.service))) {
            continue;
        }
        let from_hit = match last {
            // Kind and name identify an endpoint within one model.
            Some((prev, hit)) if prev.kind == f.from.kind && prev.name == f.from.name => hit,
            _ => {
                let hit = from.intersects(index, &f.from);
                last = Some((&f.from, hit));
                hit
            }
        };
        if from_hit && to.intersects(index, &f.to) {
            matching.push(f);
        }
    }
    if matching.is_empty() {
        return;
    }
    let n = matching.len();
    let flows_word = if n == 1 {
        "flow matches"
    } else {
        "flows match"
    };
    diags.push(
        Diagnostic::error(
            codes::E0603,
            a.span,
            format!("{}, but {n} allowed {flows_word}", describe(a)),
        )
        .with_label("forbidden here")
        .with_help(format!(
            "allowed: {}",
            listing(matching.iter().map(|f| flow_with_provenance(f)), n)
        )),
    );
}

fn require(
    fi: &FlowIndex,
    a: &AssertionInput,
    from: &[Endpoint],
    to: &[Endpoint],
    diags: &mut Vec<Diagnostic>,
) {
    // Endpoints without addresses (a service not placed anywhere) require nothing.
    let useful = |e: &&Endpoint| e.kind == EndpointKind::Internet || !e.prefixes.is_empty();
    let from: Vec<&Endpoint> = from.iter().filter(useful).collect();
    let services: Vec<Option<&PortSpec>> = if a.services.is_empty() {
        vec![None]
    } else {
        a.services.iter().map(Some).collect()
    };
    let to: Vec<&Endpoint> = to.iter().filter(useful).collect();
    let mut missing: Vec<String> = Vec::new();
    let mut total = 0usize;
    for b in to.iter().copied() {
        let into_b: Vec<&Flow> = fi
            .candidates(b)
            .filter(|f| endpoint_covers(&f.to, b))
            .collect();
        for s in &services {
            let allowing: Vec<&Flow> = match s {
                Some(s) => into_b
                    .iter()
                    .copied()
                    .filter(|f| service_covers(&f.service, s))
                    .collect(),
                None => into_b.clone(),
            };
            let sources = Sources::new(allowing);
            for src in &from {
                if !sources.cover(src) {
                    total += 1;
                    if missing.len() < LISTED {
                        let svc = s.map(|s| format!(" {s}")).unwrap_or_default();
                        missing.push(format!("{} -> {}{svc}", src.name, b.name));
                    }
                }
            }
        }
    }
    if total == 0 {
        return;
    }
    let checked = from.len() * to.len() * services.len();
    diags.push(
        Diagnostic::error(
            codes::E0604,
            a.span,
            format!("{}, but {total} of {checked} are not allowed", describe(a)),
        )
        .with_label("required here")
        .with_help(format!(
            "not allowed: {}",
            listing(missing.into_iter(), total)
        )),
    );
}
