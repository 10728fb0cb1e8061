//! The `prometheus` backend: the Prometheus configuration and alert rules for the model's
//! `monitoring`, and Grafana provisioning for its dashboard services.
//!
//! **Units** are hosts: every host that runs the monitoring server (`Monitoring.server`) or a
//! service of kind `dashboard`, sorted by name; no unit without `monitoring`. A unit renders
//!
//! - on a monitoring server host: `prometheus/SITE/HOST/prometheus.yml` (global scrape and
//!   evaluation interval from `interval`, `rule_files: [rules.yml]`, one scrape job per
//!   `Monitoring.targets` job with one static config per target labelled `host` and `site`,
//!   plus `database` and `role` for mysqld) and
//!   `prometheus/SITE/HOST/rules.yml` (one alerting rule per alert);
//! - on a dashboard host: `grafana/SITE/HOST/provisioning/datasources/prometheus.yaml` (the
//!   Prometheus data source: the server on the same host, else in the same site, else the
//!   first), `grafana/SITE/HOST/provisioning/dashboards/infrac.yaml` (a file provider) and
//!   `grafana/SITE/HOST/provisioning/dashboards/infrac/overview.json` (CPU, memory, disk,
//!   load balancer requests, 5xx share and response time, replication lag: the panels of the
//!   exporters the model scrapes). Mount `grafana/SITE/HOST/provisioning` at
//!   `/etc/grafana/provisioning`.
//!
//! The files are the same on every server host; per-host units keep each host's files in its
//! own directory (as the compose backend does) and let a dashboard use the nearest server.
//!
//! **Alerts.** Each alert becomes `MEASURE > THRESHOLD` (`up == 0` for `host_down`) held for
//! the alert's `for`, with a `severity` label (`critical` for `host_down` and `error_rate`,
//! `warning` otherwise), a summary naming the host and instance (or the load balancer) and a
//! description naming the threshold and the alert's `file:line`. Rates use a window of four
//! scrape intervals. The measures are listed in [`promql`].
//!
//! **Diagnostics** (all errors; nothing is rendered for the unit):
//!
//! | code | meaning |
//! |---|---|
//! | `PROMETHEUS001` | the unit runs neither the monitoring server nor a dashboard |
//! | `PROMETHEUS002` | an alert needs metrics no scrape target exports (it could never fire) |
//! | `PROMETHEUS003` | an alert's threshold is missing or of the wrong kind |
//! | `PROMETHEUS004` | a replication lag threshold finer than whole seconds |
//! | `PROMETHEUS005` | a load balancer name that the metrics cannot be matched by exactly |
//! | `PROMETHEUS006` | two scrape targets share a job name but not an exporter or path |
//! | `PROMETHEUS007` | the monitoring server runs on no host |
//! | `PROMETHEUS008` | a dashboard needs the monitoring server's port, which is not declared |
//! | `PROMETHEUS009` | no flow lets a dashboard reach the monitoring server |
//! | `PROMETHEUS010` | a scrape target names a host the model does not have |
//! | `PROMETHEUS011` | a HAProxy scrape target where no load balancer declares that `stats` port |
//! | `PROMETHEUS012` | a scrape target of an address family the monitoring server has no address in |
//!
//! See `docs/backends/prometheus.md` for the reasons behind each choice.

pub mod alerts;
pub mod codes;
pub mod format;
pub mod grafana;
pub mod json;
pub mod plan;
pub mod promql;
pub mod scrape;

use infrac_sdk::{Backend, Diagnostic, Exporter, File, Model, Section, Target};

/// The prometheus backend.
pub struct Prometheus;

impl Backend for Prometheus {
    const NAME: &'static str = "prometheus";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["prometheus"];
    const READS: &'static [Section] = &[
        Section::Services,
        Section::LoadBalancers,
        Section::Databases,
        Section::Flows,
        Section::Monitoring,
        Section::Hosts,
    ];
    const UNITS_READS: &'static [Section] =
        &[Section::Services, Section::Monitoring, Section::Hosts];

    fn units(model: &Model, _target: &str) -> Vec<String> {
        plan::units(model)
    }

    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        let unit = plan::unit(model, &target.unit).map_err(|d| vec![d])?;
        let jobs = scrape::jobs(model, unit.monitoring)?;
        let dir = format!("{}/{}", unit.host.site, unit.host.name);
        let mut files = Vec::new();
        let mut errors = Vec::new();
        if unit.runs_server {
            match alerts::rules(model, unit.monitoring, &jobs) {
                Ok(rules) => {
                    files.push(File::text(
                        format!("prometheus/{dir}/prometheus.yml"),
                        scrape::config(unit.monitoring, &jobs),
                    ));
                    files.push(File::text(
                        format!("prometheus/{dir}/rules.yml"),
                        alerts::file(&rules),
                    ));
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
        if !unit.dashboards.is_empty() {
            match grafana::prometheus_url(model, &unit) {
                Ok(url) => {
                    let base = format!("grafana/{dir}/provisioning");
                    files.push(File::text(
                        format!("{base}/datasources/prometheus.yaml"),
                        grafana::datasource(&url, unit.monitoring.interval_ms),
                    ));
                    let shows_haproxy = jobs.iter().any(|j| j.exporter == Exporter::Haproxy);
                    let lbs = if shows_haproxy {
                        scrape::load_balancer_names(model)?
                    } else {
                        Vec::new()
                    };
                    if let Some(json) = grafana::dashboard(&model.project.name, &jobs, &lbs) {
                        files.push(File::text(
                            format!("{base}/dashboards/infrac.yaml"),
                            grafana::provider(),
                        ));
                        files.push(File::text(
                            format!("{base}/dashboards/infrac/overview.json"),
                            json,
                        ));
                    }
                }
                Err(mut e) => errors.append(&mut e),
            }
        }
        if errors.is_empty() {
            Ok(files)
        } else {
            Err(errors)
        }
    }
}

infrac_sdk::export_backend!(Prometheus);
