//! Rule expansion: each `allow` rule becomes source endpoints × destination endpoints ×
//! services.

use infrac_diag::{Diagnostic, codes};
use infrac_model::{EndpointKind, FlowOrigin, FlowReason};

use crate::matrix::Matrix;
use crate::{RuleInput, SpannedSelector};

/// Resolves one side of a rule to endpoint ids, dropping endpoints without any address.
/// `None` after a diagnostic.
fn side(m: &mut Matrix, sel: &SpannedSelector, diags: &mut Vec<Diagnostic>) -> Option<Vec<u32>> {
    let refs = match m.index.resolve(sel) {
        Ok(refs) => refs,
        Err(d) => {
            diags.push(*d);
            return None;
        }
    };
    let mut ids = Vec::with_capacity(refs.len());
    for r in refs {
        let id = m.endpoint(r);
        let e = m.endpoint_value(id);
        if e.kind == EndpointKind::Internet || !e.prefixes.is_empty() {
            ids.push(id);
        }
    }
    if ids.is_empty() {
        let mut d = Diagnostic::error(
            codes::E0605,
            sel.span,
            format!("rule allows nothing: `{}` matches no address", sel.text),
        )
        .with_label("matches nothing in this model");
        if let Some(h) = m.index.nothing_help(sel) {
            d = d.with_help(h);
        }
        diags.push(d);
        return None;
    }
    Some(ids)
}

/// Adds the flows `rule` allows.
pub(crate) fn rule(m: &mut Matrix, rule: &RuleInput, diags: &mut Vec<Diagnostic>) {
    let from = side(m, &rule.from, diags);
    let to = side(m, &rule.to, diags);
    let (Some(from), Some(to)) = (from, to) else {
        return;
    };
    if rule.services.is_empty() {
        diags.push(
            Diagnostic::error(
                codes::E0605,
                rule.span,
                format!("rule `{}` allows nothing", rule.name),
            )
            .with_label("no protocol or port given")
            .with_help("name what may cross, e.g. `tcp/443`, `ssh` or `any`"),
        );
        return;
    }
    // A flow needs a common address family: an IPv4 zone cannot reach an IPv6-only host.
    let family = |m: &Matrix, id: u32| {
        let e = m.endpoint_value(id);
        if e.kind == EndpointKind::Internet {
            return (true, true);
        }
        (
            e.prefixes.iter().any(|p| p.addr().is_ipv4()),
            e.prefixes.iter().any(|p| p.addr().is_ipv6()),
        )
    };
    let split = |m: &Matrix, ids: &[u32], v6: bool| -> Vec<u32> {
        ids.iter()
            .copied()
            .filter(|&id| if v6 { family(m, id).1 } else { family(m, id).0 })
            .collect()
    };
    let (from4, from6, to4, to6) = (
        split(m, &from, false),
        split(m, &from, true),
        split(m, &to, false),
        split(m, &to, true),
    );
    if (from4.is_empty() || to4.is_empty()) && (from6.is_empty() || to6.is_empty()) {
        diags.push(
            Diagnostic::error(
                codes::E0605,
                rule.span,
                format!(
                    "rule `{}` allows nothing: `{}` and `{}` share no address family",
                    rule.name, rule.from.text, rule.to.text
                ),
            )
            .with_label("IPv4 on one side, IPv6 on the other")
            .with_help("give the hosts addresses of the same family, or write one rule per family"),
        );
        return;
    }
    let services: Vec<u32> = rule.services.iter().map(|s| m.service(s)).collect();
    let prov = m.provenance(FlowOrigin {
        reason: FlowReason::Rule,
        name: rule.name.clone(),
        origin: rule.origin.clone(),
    });
    if from6.is_empty() && to6.is_empty() {
        m.cross(&from, &to, &services, prov);
        return;
    }
    m.cross(&from4, &to4, &services, prov);
    m.cross(&from6, &to6, &services, prov);
}
