//! The PromQL measure behind each alert kind, shared by the alert rules and the dashboard.
//!
//! The exporters and the metrics they are read from:
//!
//! | kind | exporter (job) | measure |
//! |---|---|---|
//! | `host_down` | any target | `up` (0 when a scrape fails) |
//! | `cpu` | node exporter (`node`) | 100 × (1 − idle share of `node_cpu_seconds_total`), per host |
//! | `memory` | node exporter | 100 × (1 − `node_memory_MemAvailable_bytes` / `node_memory_MemTotal_bytes`) |
//! | `disk` | node exporter | 100 × (1 − `node_filesystem_avail_bytes` / `node_filesystem_size_bytes`), per file system, tmpfs and ramfs left out |
//! | `qps` | HAProxy (`haproxy`) | requests/s of `haproxy_frontend_http_requests_total` of the load balancer's frontend, summed over its hosts |
//! | `error_rate` | HAProxy | 100 × 5xx share of `haproxy_frontend_http_responses_total` of the load balancer's frontend, over its hosts |
//! | `latency` | HAProxy | `haproxy_backend_response_time_average_seconds` of the load balancer's backends, per backend and host |
//! | `replication_lag` | mysqld exporter (`mysqld`) | `mysql_slave_status_seconds_behind_master` (MariaDB, MySQL through `SHOW SLAVE STATUS`) or `mysql_slave_status_seconds_behind_source` (exporters using `SHOW REPLICA STATUS`) |

//!
//! HAProxy reports every frontend and backend under a `proxy` label. The `haproxy` backend
//! names a load balancer's frontend after the load balancer (`www`), its backends
//! `LB.SERVICE` (`www.app`) and the metrics endpoint `stats:PORT`; the measures select the
//! model's load balancers by those names and copy the name into a `load_balancer` label, so
//! they count one load balancer exactly even when a host runs several, and never count the
//! scrapes themselves.

use infrac_sdk::{AlertKind, Exporter};

/// File system types whose use is memory, not disk.
pub const MEMORY_FILESYSTEMS: &str = "tmpfs|ramfs";

/// The exporter whose metrics an alert kind reads (`None`: any target's `up`).
pub fn exporter(kind: AlertKind) -> Option<Exporter> {
    match kind {
        AlertKind::HostDown => None,
        AlertKind::Cpu | AlertKind::Memory | AlertKind::Disk => Some(Exporter::Node),
        AlertKind::Qps | AlertKind::ErrorRate | AlertKind::Latency => Some(Exporter::Haproxy),
        AlertKind::ReplicationLag => Some(Exporter::Mysqld),
    }
}

/// The job name the model gives targets of a built-in exporter.
pub fn job(exporter: Exporter) -> &'static str {
    match exporter {
        Exporter::Node => "node",
        Exporter::Haproxy => "haproxy",
        Exporter::Mysqld => "mysqld",
        Exporter::App => "app",
    }
}

/// The metrics an alert kind reads.
pub fn metrics(kind: AlertKind) -> &'static [&'static str] {
    match kind {
        AlertKind::HostDown => &["up"],
        AlertKind::Cpu => &["node_cpu_seconds_total"],
        AlertKind::Memory => &[
            "node_memory_MemAvailable_bytes",
            "node_memory_MemTotal_bytes",
        ],
        AlertKind::Disk => &["node_filesystem_avail_bytes", "node_filesystem_size_bytes"],
        AlertKind::Qps => &["haproxy_frontend_http_requests_total"],
        AlertKind::ErrorRate => &["haproxy_frontend_http_responses_total"],
        AlertKind::Latency => &["haproxy_backend_response_time_average_seconds"],
        AlertKind::ReplicationLag => &[
            "mysql_slave_status_seconds_behind_master",
            "mysql_slave_status_seconds_behind_source",
        ],
    }
}

/// Whether a load balancer name can stand in a PromQL regular expression and in HAProxy's
/// section names as itself: letters, digits, `_` and `-`.
pub fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// `rate(METRIC{SELECTOR}[WINDOW])` of the load balancers' frontends, with a `load_balancer`
/// label, summed per load balancer.
fn per_load_balancer(metric: &str, selector: &str, window: &str) -> String {
    format!(
        "sum by (load_balancer) (label_replace(rate({metric}{{{selector}}}[{window}]), \"load_balancer\", \"$1\", \"proxy\", \"(.+)\"))"
    )
}

/// The measure an alert kind compares with its threshold, as a PromQL expression that binds
/// tighter than a comparison; `window` is the range of `rate()` (a duration or
/// `$__rate_interval`), `load_balancers` the names of the model's load balancers (plain names,
/// see [`plain_name`]).
pub fn measure(kind: AlertKind, window: &str, load_balancers: &[&str]) -> String {
    let names = load_balancers.join("|");
    let frontends = format!("job=\"haproxy\",proxy=~\"{names}\"");
    let filesystems = format!("job=\"node\",fstype!~\"{MEMORY_FILESYSTEMS}\"");
    match kind {
        AlertKind::HostDown => "up".to_string(),
        AlertKind::Cpu => format!(
            "100 * (1 - avg without (cpu, mode) (rate(node_cpu_seconds_total{{job=\"node\",mode=\"idle\"}}[{window}])))"
        ),
        AlertKind::Memory => "100 * (1 - node_memory_MemAvailable_bytes{job=\"node\"} / node_memory_MemTotal_bytes{job=\"node\"})".to_string(),
        AlertKind::Disk => format!(
            "100 * (1 - node_filesystem_avail_bytes{{{filesystems}}} / node_filesystem_size_bytes{{{filesystems}}})"
        ),
        AlertKind::Qps => {
            per_load_balancer("haproxy_frontend_http_requests_total", &frontends, window)
        }
        AlertKind::ErrorRate => format!(
            "100 * {} / {}",
            per_load_balancer(
                "haproxy_frontend_http_responses_total",
                &format!("{frontends},code=\"5xx\""),
                window
            ),
            per_load_balancer("haproxy_frontend_http_responses_total", &frontends, window)
        ),
        AlertKind::Latency => format!(
            "label_replace(haproxy_backend_response_time_average_seconds{{job=\"haproxy\",proxy=~\"({names})[.].+\"}}, \"load_balancer\", \"$1\", \"proxy\", \"([^.]+)[.].+\")"
        ),
        AlertKind::ReplicationLag => "(mysql_slave_status_seconds_behind_master{job=\"mysqld\"} or mysql_slave_status_seconds_behind_source{job=\"mysqld\"})".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [AlertKind; 8] = [
        AlertKind::Qps,
        AlertKind::ErrorRate,
        AlertKind::ReplicationLag,
        AlertKind::HostDown,
        AlertKind::Cpu,
        AlertKind::Memory,
        AlertKind::Disk,
        AlertKind::Latency,
    ];

    #[test]
    fn every_measure_reads_its_metrics_from_its_job() {
        for kind in KINDS {
            let m = measure(kind, "1m", &["www", "api"]);
            for metric in metrics(kind) {
                assert!(m.contains(metric), "{kind:?}: {m}");
            }
            if let Some(e) = exporter(kind) {
                assert!(m.contains(&format!("job=\"{}\"", job(e))), "{kind:?}: {m}");
            }
        }
    }

    #[test]
    fn plain_names() {
        assert!(plain_name("www-paris_2"));
        assert!(!plain_name("w.w"));
        assert!(!plain_name("a|b"));
        assert!(!plain_name(""));
    }
}
