//! Compact text forms of flows, for diagnostics, snapshots and review reports.

use infrac_model::{Flow, FlowOrigin, FlowReason};

/// The reason's name as in the IR (`rule`, `load_balancer`, `ha`…).
pub fn reason_name(reason: FlowReason) -> &'static str {
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

/// `rule web (site.infra:12)`.
pub fn provenance_text(p: &FlowOrigin) -> String {
    format!("{} {} ({})", reason_name(p.reason), p.name, p.origin)
}

/// One line per flow: `paris.mgmt -> app1 tcp/22 [rule ssh @ site.infra:12]`.
pub fn flow_line(f: &Flow) -> String {
    let p = &f.provenance;
    format!(
        "{} -> {} {} [{} {} @ {}]",
        f.from.name,
        f.to.name,
        f.service,
        reason_name(p.reason),
        p.name,
        p.origin
    )
}

/// `internet -> paris.db tcp/3306, allowed by rule db (site.infra:12)`.
pub(crate) fn flow_with_provenance(f: &Flow) -> String {
    format!(
        "{} -> {} {}, allowed by {}",
        f.from.name,
        f.to.name,
        f.service,
        provenance_text(&f.provenance)
    )
}
