//! The diagnostic codes of the prometheus backend. Each is an error: the model asks for
//! something Prometheus or Grafana cannot do exactly, so nothing is rendered for the unit.

/// The unit is not a host that runs the monitoring server or a dashboard service.
pub const NOT_A_UNIT: &str = "PROMETHEUS001";
/// An alert watches metrics that no scrape target of the model exports (e.g. `qps` with no
/// load balancer, `replication_lag` with no database replica, `cpu` with no monitored host):
/// the rule could never fire.
pub const NO_EXPORTER: &str = "PROMETHEUS002";
/// An alert's threshold is missing, or of the wrong kind for the alert (a number for `qps`, a
/// percentage for `error_rate`, `cpu`, `memory` and `disk`, a duration for `replication_lag`
/// and `latency`, none for `host_down`).
pub const THRESHOLD_KIND: &str = "PROMETHEUS003";
/// A `replication_lag` threshold that is not a whole number of seconds: the mysqld exporter
/// reports the lag in whole seconds, so a finer threshold cannot be checked exactly.
pub const LAG_RESOLUTION: &str = "PROMETHEUS004";
/// A load balancer whose name is not letters, digits, `_` and `-`, read by a load-balancer
/// alert or panel: HAProxy reports it under that name, and the measures match it in a PromQL
/// regular expression and split `LB.SERVICE` backend names at the `.`.
pub const LB_NAME: &str = "PROMETHEUS005";
/// Two scrape targets share a job name but not what they export or their metrics path (a
/// service named `node`, `haproxy` or `mysqld` that exposes metrics): Prometheus job names
/// must be unique.
pub const JOB_CLASH: &str = "PROMETHEUS006";
/// The monitoring server service does not exist or runs on no host: there is nowhere to
/// render the Prometheus configuration.
pub const NO_SERVER_HOST: &str = "PROMETHEUS007";
/// A dashboard service needs the Prometheus server's port for its data source, but the
/// server service declares no `port`.
pub const NO_SERVER_PORT: &str = "PROMETHEUS008";
/// A dashboard service runs on a host from which no flow of the flow matrix reaches the
/// Prometheus server's port: the data source would be unreachable.
pub const DASHBOARD_UNREACHABLE: &str = "PROMETHEUS009";
/// A scrape target names a host the model does not have, so it cannot carry `host` and `site`
/// labels.
pub const UNKNOWN_TARGET_HOST: &str = "PROMETHEUS010";
/// A HAProxy scrape target on a port that no load balancer of its host declares as `stats`:
/// the `haproxy` backend serves metrics only on a declared `stats` port, so the target would
/// always be down (and `host_down` fire for ever).
pub const NO_STATS_ENDPOINT: &str = "PROMETHEUS011";
/// A scrape target's address is of a family (IPv4, IPv6) in which no host of the monitoring
/// server has an address: Prometheus could never reach it (the target would always be down,
/// `host_down` firing for ever).
pub const TARGET_FAMILY: &str = "PROMETHEUS012";

/// Every code with a one-line description, in order (the crate documentation and
/// `docs/backends/prometheus.md` list the same).
pub const ALL: &[(&str, &str)] = &[
    (
        NOT_A_UNIT,
        "the unit runs neither the monitoring server nor a dashboard",
    ),
    (
        NO_EXPORTER,
        "an alert needs metrics no scrape target exports",
    ),
    (
        THRESHOLD_KIND,
        "an alert's threshold is missing or of the wrong kind",
    ),
    (
        LAG_RESOLUTION,
        "a replication lag threshold finer than whole seconds",
    ),
    (
        LB_NAME,
        "a load balancer name that the metrics cannot be matched by exactly",
    ),
    (
        JOB_CLASH,
        "two scrape targets share a job name but not an exporter or path",
    ),
    (NO_SERVER_HOST, "the monitoring server runs on no host"),
    (
        NO_SERVER_PORT,
        "a dashboard needs the monitoring server's port, which is not declared",
    ),
    (
        DASHBOARD_UNREACHABLE,
        "no flow lets a dashboard reach the monitoring server",
    ),
    (
        UNKNOWN_TARGET_HOST,
        "a scrape target names a host the model does not have",
    ),
    (
        NO_STATS_ENDPOINT,
        "a HAProxy scrape target where no load balancer declares that `stats` port",
    ),
    (
        TARGET_FAMILY,
        "a scrape target of an address family the monitoring server has no address in",
    ),
];
