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
//! | `qps` | HAProxy (`haproxy`) | requests/s of `haproxy_frontend_http_requests_total`, summed per load balancer over its hosts, the `stats` frontend left out |
//! | `error_rate` | HAProxy | 100 × 5xx share of `haproxy_frontend_http_responses_total`, per load balancer |
//! | `latency` | HAProxy | `haproxy_backend_response_time_average_seconds`, per backend and host |
//! | `replication_lag` | mysqld exporter (`mysqld`) | `mysql_slave_status_seconds_behind_master` (MariaDB, MySQL through `SHOW SLAVE STATUS`) or `mysql_slave_status_seconds_behind_source` (exporters using `SHOW REPLICA STATUS`) |

use infrac_sdk::{AlertKind, Exporter};

/// The name of HAProxy's metrics frontend, left out of request counts (the `haproxy` backend
/// serves the Prometheus endpoint from a frontend of this name).
pub const STATS_FRONTEND: &str = "stats";

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

/// The measure an alert kind compares with its threshold, as a PromQL expression that binds
/// tighter than a comparison; `window` is the range of `rate()` (a duration or
/// `$__rate_interval`).
pub fn measure(kind: AlertKind, window: &str) -> String {
    let frontends = format!("job=\"haproxy\",proxy!=\"{STATS_FRONTEND}\"");
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
        AlertKind::Qps => format!(
            "sum by (load_balancer) (rate(haproxy_frontend_http_requests_total{{{frontends}}}[{window}]))"
        ),
        AlertKind::ErrorRate => format!(
            "100 * sum by (load_balancer) (rate(haproxy_frontend_http_responses_total{{{frontends},code=\"5xx\"}}[{window}])) / sum by (load_balancer) (rate(haproxy_frontend_http_responses_total{{{frontends}}}[{window}]))"
        ),
        AlertKind::Latency => {
            "haproxy_backend_response_time_average_seconds{job=\"haproxy\"}".to_string()
        }
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
            let m = measure(kind, "1m");
            for metric in metrics(kind) {
                assert!(m.contains(metric), "{kind:?}: {m}");
            }
            if let Some(e) = exporter(kind) {
                assert!(m.contains(&format!("job=\"{}\"", job(e))), "{kind:?}: {m}");
            }
        }
    }
}
