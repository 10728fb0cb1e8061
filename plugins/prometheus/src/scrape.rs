//! Scrape jobs from `Monitoring.targets` and `prometheus.yml`.

use crate::format::{duration, socket};
use crate::{codes, promql};
use infrac_sdk::yaml::scalar;
use infrac_sdk::{Diagnostic, Exporter, Model, Monitoring, TextWriter};
use std::collections::BTreeMap;

/// The scrape timeout Prometheus uses by default; never longer than the interval.
const DEFAULT_TIMEOUT_MS: u64 = 10_000;

/// One scrape target with the labels that name it in alerts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `ADDRESS:PORT`.
    pub address: String,
    /// Host name (sorts targets).
    pub host: String,
    /// Labels in the order written: `host`, `site`, then the exporter's own (`database` and
    /// `role` for mysqld).
    pub labels: Vec<(&'static str, String)>,
}

/// A scrape job: targets of one exporter with one metrics path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// Job name.
    pub name: String,
    /// What its targets export.
    pub exporter: Exporter,
    /// Metrics path.
    pub path: String,
    /// Targets, sorted by host then address.
    pub targets: Vec<Target>,
}

/// The names of the model's load balancers, sorted, for measures that select them; an error
/// for every name that cannot be matched exactly (see [`promql::plain_name`]).
pub fn load_balancer_names(model: &Model) -> Result<Vec<&str>, Vec<Diagnostic>> {
    let mut names = Vec::new();
    let mut errors = Vec::new();
    for (i, lb) in model.load_balancers.iter().enumerate() {
        if promql::plain_name(&lb.name) {
            names.push(lb.name.as_str());
        } else {
            errors.push(Diagnostic::error(
                codes::LB_NAME,
                format!("/load_balancers/{i}/name"),
                format!(
                    "load balancer `{}`: HAProxy reports it under its name, which the alerts \
                     and dashboards can match exactly only when it is letters, digits, `_` and `-`",
                    lb.name
                ),
            ));
        }
    }
    names.sort();
    if errors.is_empty() {
        Ok(names)
    } else {
        Err(errors)
    }
}

/// An error unless a load balancer on `host` declares `stats PORT`: the `haproxy` backend
/// serves its metrics endpoint only there, while the model also implies targets (on 8404) for
/// load balancers without `stats`.
fn check_stats_endpoint(
    model: &Model,
    index: usize,
    host: &str,
    port: u16,
) -> Result<(), Diagnostic> {
    let on_host: Vec<(usize, &infrac_sdk::LoadBalancer)> = model
        .load_balancers
        .iter()
        .enumerate()
        .filter(|(_, lb)| lb.hosts.iter().any(|h| h == host))
        .collect();
    if on_host.iter().any(|(_, lb)| lb.stats_port == Some(port)) {
        return Ok(());
    }
    let path = match on_host.iter().find(|(_, lb)| lb.stats_port.is_none()) {
        Some((n, _)) => format!("/load_balancers/{n}"),
        None => match on_host.first() {
            Some((n, _)) => format!("/load_balancers/{n}/stats_port"),
            None => format!("/monitoring/targets/{index}"),
        },
    };
    let names: Vec<&str> = on_host.iter().map(|(_, lb)| lb.name.as_str()).collect();
    Err(Diagnostic::error(
        codes::NO_STATS_ENDPOINT,
        path,
        format!(
            "monitoring scrapes HAProxy on `{host}` at port {port}, but no load balancer there \
             ({}) declares `stats {port}`: HAProxy would serve no metrics endpoint, the target \
             would always be down; declare `stats {port}` on the load balancer",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        ),
    ))
}

/// `(cluster, role)` of each database node on a host.
fn database_roles<'m>(model: &'m Model, host: &str) -> Vec<(&'m str, &'static str)> {
    let mut roles = Vec::new();
    for db in &model.databases {
        if db.primary.host == host {
            roles.push((db.name.as_str(), "primary"));
        }
        if db.replicas.iter().any(|r| r.host == host) {
            roles.push((db.name.as_str(), "replica"));
        }
    }
    roles
}

/// The scrape jobs, sorted by name; an error for every target whose host is unknown and for
/// every job name used by two kinds of target.
pub fn jobs(model: &Model, monitoring: &Monitoring) -> Result<Vec<Job>, Vec<Diagnostic>> {
    let mut jobs: BTreeMap<&str, Job> = BTreeMap::new();
    let mut errors = Vec::new();
    // The address families the monitoring server can scrape from (any, when its service or
    // hosts are unknown: other codes report that).
    let server_addresses: Vec<std::net::IpAddr> = model
        .services
        .iter()
        .filter(|s| s.name == monitoring.server)
        .flat_map(|s| &s.hosts)
        .filter_map(|h| model.host(h))
        .flat_map(|h| h.addresses.iter().map(|a| a.address))
        .collect();
    for (i, t) in monitoring.targets.iter().enumerate() {
        if !server_addresses.is_empty()
            && !server_addresses
                .iter()
                .any(|a| a.is_ipv4() == t.address.is_ipv4())
        {
            errors.push(Diagnostic::error(
                codes::TARGET_FAMILY,
                format!("/monitoring/targets/{i}"),
                format!(
                    "monitoring server `{}` would scrape `{}` on `{}` at {}, but it has no {} \
                     address: the target would always be down; give the server's host an \
                     address of that family",
                    monitoring.server,
                    t.job,
                    t.host,
                    t.address,
                    if t.address.is_ipv4() { "IPv4" } else { "IPv6" }
                ),
            ));
            continue;
        }
        let Some(host) = model.host(&t.host) else {
            errors.push(Diagnostic::error(
                codes::UNKNOWN_TARGET_HOST,
                format!("/monitoring/targets/{i}"),
                format!(
                    "scrape target `{}` names host `{}`, which the model does not have",
                    t.job, t.host
                ),
            ));
            continue;
        };
        let mut labels = vec![("host", host.name.clone()), ("site", host.site.clone())];
        match t.exporter {
            Exporter::Mysqld => {
                let roles = database_roles(model, &host.name);
                let clusters: Vec<&str> = roles.iter().map(|(c, _)| *c).collect();
                let kinds: Vec<&str> = roles.iter().map(|(_, r)| *r).collect();
                labels.push(("database", clusters.join(",")));
                labels.push(("role", kinds.join(",")));
            }
            Exporter::Haproxy => {
                if let Err(e) = check_stats_endpoint(model, i, &t.host, t.port) {
                    errors.push(e);
                    continue;
                }
            }
            Exporter::Node | Exporter::App => {}
        }
        let target = Target {
            address: socket(t.address, t.port),
            host: host.name.clone(),
            labels,
        };
        let job = jobs.entry(t.job.as_str()).or_insert_with(|| Job {
            name: t.job.clone(),
            exporter: t.exporter,
            path: t.path.clone(),
            targets: Vec::new(),
        });
        if job.exporter != t.exporter || job.path != t.path {
            let (path, what) = match model.services.iter().position(|s| s.name == t.job) {
                Some(s) => (
                    format!("/services/{s}"),
                    format!("service `{}` exposes metrics", t.job),
                ),
                None => (
                    format!("/monitoring/targets/{i}"),
                    format!("scrape target on `{}`", t.host),
                ),
            };
            errors.push(Diagnostic::error(
                codes::JOB_CLASH,
                path,
                format!(
                    "{what} as job `{}`, a job name other targets already use with another \
                     exporter or metrics path; Prometheus job names must be unique (rename the \
                     service)",
                    t.job
                ),
            ));
            continue;
        }
        job.targets.push(target);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut jobs: Vec<Job> = jobs.into_values().collect();
    for job in &mut jobs {
        job.targets
            .sort_by(|a, b| (&a.host, &a.address).cmp(&(&b.host, &b.address)));
        job.targets.dedup();
    }
    Ok(jobs)
}

/// `prometheus.yml`: global intervals, the rule file, and one scrape config per job with one
/// static config per target.
pub fn config(monitoring: &Monitoring, jobs: &[Job]) -> String {
    let interval = duration(monitoring.interval_ms);
    let timeout = duration(monitoring.interval_ms.min(DEFAULT_TIMEOUT_MS));
    let mut w = TextWriter::new("  ");
    w.line("# Generated by infrac from the model; do not edit.");
    w.line(format!("# Monitoring declared at {}.", monitoring.origin));
    w.line("global:").indented(|w| {
        w.line(format!("scrape_interval: {interval}"));
        w.line(format!("scrape_timeout: {timeout}"));
        w.line(format!("evaluation_interval: {interval}"));
    });
    w.line("rule_files:").indented(|w| {
        w.line("- rules.yml");
    });
    if jobs.is_empty() {
        w.line("scrape_configs: []");
        return w.finish();
    }
    w.line("scrape_configs:");
    w.indented(|w| {
        for job in jobs {
            w.line(format!("- job_name: {}", scalar(&job.name)));
            w.indented(|w| {
                w.line(format!("metrics_path: {}", scalar(&job.path)));
                w.line("static_configs:");
                w.indented(|w| {
                    for t in &job.targets {
                        w.line("- targets:");
                        w.indented(|w| {
                            w.indented(|w| {
                                w.line(format!("- {}", scalar(&t.address)));
                            });
                            w.line("labels:");
                            w.indented(|w| {
                                for (k, v) in &t.labels {
                                    w.line(format!("{k}: {}", scalar(v)));
                                }
                            });
                        });
                    }
                });
            });
        }
    });
    w.finish()
}
