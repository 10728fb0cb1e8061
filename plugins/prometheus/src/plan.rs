//! What a unit renders: the host, whether it runs the monitoring server, which dashboard
//! services it runs, and the monitoring server itself.

use crate::codes;
use infrac_sdk::{Diagnostic, Host, Model, Monitoring, Service, ServiceKind};

/// The monitoring server service and its index in `Model.services`.
#[derive(Clone, Copy, Debug)]
pub struct Server<'m> {
    /// Index in `Model.services`.
    pub index: usize,
    /// The service.
    pub service: &'m Service,
}

/// One unit of work: a host running the monitoring server, a dashboard, or both.
#[derive(Debug)]
pub struct Unit<'m> {
    /// The model's monitoring.
    pub monitoring: &'m Monitoring,
    /// The monitoring server.
    pub server: Server<'m>,
    /// The host the unit is for.
    pub host: &'m Host,
    /// Whether the host runs the monitoring server (Prometheus files are rendered).
    pub runs_server: bool,
    /// Dashboard services on the host, with their index in `Model.services` (Grafana files are
    /// rendered when there is one).
    pub dashboards: Vec<(usize, &'m Service)>,
}

/// The monitoring server service, or `None` when the model names a service it does not have.
pub fn server<'m>(model: &'m Model, monitoring: &Monitoring) -> Option<Server<'m>> {
    model
        .services
        .iter()
        .enumerate()
        .find(|(_, s)| s.name == monitoring.server)
        .map(|(index, service)| Server { index, service })
}

/// Dashboard services, with their index in `Model.services`.
pub fn dashboards(model: &Model) -> impl Iterator<Item = (usize, &Service)> {
    model
        .services
        .iter()
        .enumerate()
        .filter(|(_, s)| s.kind == ServiceKind::Dashboard)
}

/// The units: every host that runs the monitoring server or a dashboard service, sorted; none
/// without monitoring; `[""]` when the server runs nowhere, so that compiling it reports why.
pub fn units(model: &Model) -> Vec<String> {
    let Some(monitoring) = &model.monitoring else {
        return Vec::new();
    };
    let Some(server) = server(model, monitoring).filter(|s| !s.service.hosts.is_empty()) else {
        return vec![String::new()];
    };
    let mut hosts: Vec<String> = server.service.hosts.clone();
    for (_, d) in dashboards(model) {
        hosts.extend(d.hosts.iter().cloned());
    }
    hosts.sort();
    hosts.dedup();
    hosts
}

/// The unit named `name`, or the diagnostic saying why there is none.
pub fn unit<'m>(model: &'m Model, name: &str) -> Result<Unit<'m>, Diagnostic> {
    let not_a_unit = || {
        Diagnostic::error(
            codes::NOT_A_UNIT,
            "",
            format!("`{name}` is not a host that runs the monitoring server or a dashboard"),
        )
    };
    let monitoring = model.monitoring.as_ref().ok_or_else(not_a_unit)?;
    let server = match server(model, monitoring) {
        Some(s) if !s.service.hosts.is_empty() => s,
        Some(s) => {
            return Err(Diagnostic::error(
                codes::NO_SERVER_HOST,
                format!("/services/{}", s.index),
                format!(
                    "the monitoring server `{}` runs on no host: there is nowhere to render \
                     the Prometheus configuration",
                    s.service.name
                ),
            ));
        }
        None => {
            return Err(Diagnostic::error(
                codes::NO_SERVER_HOST,
                "/monitoring/server",
                format!(
                    "the monitoring server `{}` is not a service of the model",
                    monitoring.server
                ),
            ));
        }
    };
    let host = model
        .hosts
        .iter()
        .find(|h| h.name == name)
        .ok_or_else(not_a_unit)?;
    let runs_server = server.service.hosts.iter().any(|h| h == name);
    let dashboards: Vec<(usize, &Service)> = dashboards(model)
        .filter(|(_, d)| d.hosts.iter().any(|h| h == name))
        .collect();
    if !runs_server && dashboards.is_empty() {
        return Err(not_a_unit());
    }
    Ok(Unit {
        monitoring,
        server,
        host,
        runs_server,
        dashboards,
    })
}
