//! The zero-trust flow matrix.
//!
//! Given a resolved [`Model`] (everything but `flows`) and the rules and policies as written,
//! computes once which flows are allowed, each with its provenance, and checks policy
//! assertions against that matrix. Every backend renders its share of this one matrix.
//!
//! Modules: `resolve` (selectors to endpoints), `expand` (rules), `implied` (flows the model
//! implies), `matrix` (interning, dedup and order), `policy` (assertions), [`render`] (text).

mod expand;
mod fxhash;
mod implied;
mod matrix;
mod policy;
pub mod query;
pub mod redundant;
pub mod render;
mod resolve;

use infrac_diag::{Diagnostic, Span};
use infrac_model::{AssertionKind, Flow, Model, Origin, PortSpec};

pub use query::{Answer, FlowSet, Verdict, query};
pub use redundant::{Redundant, redundant_rules};
pub use render::flow_line;

/// A rule's source or destination as written, before resolution.
#[derive(Clone, Debug, PartialEq)]
pub enum Selector {
    /// `internet`: everything outside the model's zones.
    Internet,
    /// `*`: every zone of every site.
    AllZones,
    /// `site.zone`, or `*.zone` (site `None`): a zone, or the zone of that name in every site.
    Zone {
        /// The site, or `None` for `*`.
        site: Option<String>,
        /// The zone name.
        zone: String,
    },
    /// A single name: a host, service, load balancer or database cluster (or a site: all its
    /// zones).
    Name(String),
    /// A literal prefix.
    Prefix(ipnet::IpNet),
}

/// A selector with the span it was written at.
#[derive(Clone, Debug, PartialEq)]
pub struct SpannedSelector {
    /// The selector.
    pub selector: Selector,
    /// Where it was written.
    pub span: Span,
    /// Its text as written (`paris.apps`, `*.db`…).
    pub text: String,
}

/// An `allow` rule, lowered but not yet resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct RuleInput {
    /// The rule's name (given or generated).
    pub name: String,
    /// Source.
    pub from: SpannedSelector,
    /// Destination.
    pub to: SpannedSelector,
    /// What may cross (already validated: ports only on tcp/udp/sctp).
    pub services: Vec<PortSpec>,
    /// Where the rule is (file:line for provenance).
    pub origin: Origin,
    /// The whole rule's span.
    pub span: Span,
}

/// One `forbid`/`require` assertion of a policy.
#[derive(Clone, Debug, PartialEq)]
pub struct AssertionInput {
    /// The policy's name.
    pub policy: String,
    /// Forbid or require.
    pub kind: AssertionKind,
    /// Source.
    pub from: SpannedSelector,
    /// Destination.
    pub to: SpannedSelector,
    /// Services (empty: any).
    pub services: Vec<PortSpec>,
    /// The assertion's span.
    pub span: Span,
}

/// Computes the flow matrix: the flows `rules` allow plus the flows the model implies
/// (load balancers to backends, VRRP between HA members, replication, monitoring scrapes, DNS,
/// port forwards),
/// expanded to concrete endpoints, deduplicated and sorted. Reports unresolvable selectors and
/// rules that match nothing.
pub fn compute_flows(model: &Model, rules: &[RuleInput]) -> (Vec<Flow>, Vec<Diagnostic>) {
    let index = resolve::Index::new(model);
    let mut matrix = matrix::Matrix::new(&index);
    let mut diags = Vec::new();
    for rule in rules {
        expand::rule(&mut matrix, rule, &mut diags);
    }
    implied::add_all(&mut matrix);
    (matrix.finish(), diags)
}

/// Checks policy assertions against the flow matrix; one diagnostic per violated assertion,
/// naming the offending flows and their provenance.
///
/// `forbid A -> B [services]` fails when a flow's source shares an address with `A`, its
/// destination with `B`, and its service overlaps one of `services` (none: any). `require A ->
/// B [services]` fails unless, for every endpoint `a` of `A`, `b` of `B` and each service, a
/// single flow contains `a`, `b` and the service (no services: any flow from `a` to `b`).
/// Selectors resolve as in rules; a wildcard that matches nothing makes the assertion hold.
/// `internet` is every address outside the model's zones, so a prefix with addresses outside
/// them (`0.0.0.0/0`, `198.51.100.0/24`, also `10.0.0.0/8` when the zones do not fill it)
/// intersects it.
pub fn check_policies(
    model: &Model,
    flows: &[Flow],
    assertions: &[AssertionInput],
) -> Vec<Diagnostic> {
    let index = resolve::Index::new(model);
    policy::check(&index, flows, assertions)
}
