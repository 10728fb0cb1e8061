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
    let services: Vec<u32> = rule.services.iter().map(|s| m.service(s)).collect();
    let prov = m.provenance(FlowOrigin {
        reason: FlowReason::Rule,
        name: rule.name.clone(),
        origin: rule.origin.clone(),
    });
    m.cross(&from, &to, &services, prov);
}
