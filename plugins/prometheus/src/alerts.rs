//! Alert rules from `Monitoring.alerts` and `rules.yml`.

use crate::codes;
use crate::format::{duration, number, seconds};
use crate::promql::{self, measure};
use crate::scrape::{Job, load_balancer_names};
use infrac_sdk::yaml::{quoted, scalar};
use infrac_sdk::{
    Alert, AlertKind, Diagnostic, Exporter, Model, Monitoring, TextWriter, Threshold,
};

/// One alerting rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Alert name (`HostDown`, `HighCpuUsage`…; `_2`, `_3` for further alerts of one kind).
    pub name: String,
    /// The PromQL condition.
    pub expr: String,
    /// How long the condition must hold.
    pub hold: String,
    /// `critical` or `warning`.
    pub severity: &'static str,
    /// One line naming what is wrong and where (host, instance or load balancer).
    pub summary: String,
    /// The condition in words and the infrac source of the alert.
    pub description: String,
}

/// The alert name of a kind.
pub fn base_name(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::HostDown => "HostDown",
        AlertKind::Cpu => "HighCpuUsage",
        AlertKind::Memory => "HighMemoryUsage",
        AlertKind::Disk => "HighDiskUsage",
        AlertKind::Qps => "HighRequestRate",
        AlertKind::ErrorRate => "HighErrorRate",
        AlertKind::Latency => "HighLatency",
        AlertKind::ReplicationLag => "ReplicationLag",
    }
}

/// The `severity` label of a kind: `critical` when users are affected now (a target down, a
/// share of 5xx responses), `warning` for the rest.
pub fn severity(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::HostDown | AlertKind::ErrorRate => "critical",
        _ => "warning",
    }
}

/// The kind's name as written in `.infra`.
fn written(kind: AlertKind) -> &'static str {
    match kind {
        AlertKind::HostDown => "host_down",
        AlertKind::Cpu => "cpu",
        AlertKind::Memory => "memory",
        AlertKind::Disk => "disk",
        AlertKind::Qps => "qps",
        AlertKind::ErrorRate => "error_rate",
        AlertKind::Latency => "latency",
        AlertKind::ReplicationLag => "replication_lag",
    }
}

/// Text outside template actions, with `{{` written so Go templates print it as is.
fn template_text(text: &str) -> String {
    text.replace("{{", "{{ \"{{\" }}")
}

/// The threshold as PromQL writes it, in the measure's unit, or why it cannot be.
fn threshold(alert: &Alert, index: usize) -> Result<Option<String>, Diagnostic> {
    let at = |suffix: &str| format!("/monitoring/alerts/{index}{suffix}");
    let wrong = |expected: &str| {
        Diagnostic::error(
            codes::THRESHOLD_KIND,
            at(if alert.above.is_some() { "/above" } else { "" }),
            format!(
                "alert `{}` needs {expected} as its threshold",
                written(alert.kind)
            ),
        )
    };
    match (alert.kind, &alert.above) {
        (AlertKind::HostDown, None) => Ok(None),
        (AlertKind::HostDown, Some(_)) => Err(wrong("no value (it takes only `for`)")),
        (AlertKind::Qps, Some(Threshold::Number(n))) => Ok(Some(number(*n))),
        (AlertKind::Qps, _) => Err(wrong("a number of requests per second")),
        (
            AlertKind::ErrorRate | AlertKind::Cpu | AlertKind::Memory | AlertKind::Disk,
            Some(Threshold::Percent(p)),
        ) => Ok(Some(number(*p))),
        (AlertKind::ErrorRate | AlertKind::Cpu | AlertKind::Memory | AlertKind::Disk, _) => {
            Err(wrong("a percentage"))
        }
        (AlertKind::ReplicationLag, Some(Threshold::DurationMs(ms))) => {
            if ms % 1000 != 0 {
                return Err(Diagnostic::error(
                    codes::LAG_RESOLUTION,
                    at("/above"),
                    format!(
                        "a replication lag of {} cannot be checked exactly: the mysqld \
                         exporter reports the lag in whole seconds (write {}s or {}s)",
                        duration(*ms),
                        ms / 1000,
                        ms / 1000 + 1
                    ),
                ));
            }
            Ok(Some(seconds(*ms)))
        }
        (AlertKind::Latency, Some(Threshold::DurationMs(ms))) => Ok(Some(seconds(*ms))),
        (AlertKind::ReplicationLag | AlertKind::Latency, _) => Err(wrong("a duration")),
    }
}

/// Whether the targets an alert needs are scraped, and the error when they are not.
fn check_exporter(
    model: &Model,
    alert: &Alert,
    index: usize,
    jobs: &[Job],
) -> Result<(), Diagnostic> {
    let scraped = |e: Exporter| {
        jobs.iter()
            .any(|j| j.exporter == e && !j.targets.is_empty())
    };
    let missing = match promql::exporter(alert.kind) {
        None if jobs.iter().all(|j| j.targets.is_empty()) => Some("the model has no scrape target"),
        None => None,
        Some(Exporter::Node) if !scraped(Exporter::Node) => {
            Some("it reads the node exporter, and no host is monitored (`monitor true`)")
        }
        Some(Exporter::Haproxy) if !scraped(Exporter::Haproxy) => {
            Some("it reads HAProxy's metrics endpoint, and the model has no load balancer")
        }
        Some(Exporter::Mysqld) => {
            let replica_scraped = jobs
                .iter()
                .filter(|j| j.exporter == Exporter::Mysqld)
                .flat_map(|j| &j.targets)
                .any(|t| {
                    model
                        .databases
                        .iter()
                        .any(|d| d.replicas.iter().any(|r| r.host == t.host))
                });
            (!replica_scraped).then_some(
                "it reads the mysqld exporter of database replicas, and the model has no replica",
            )
        }
        Some(_) => None,
    };
    match missing {
        Some(why) => Err(Diagnostic::error(
            codes::NO_EXPORTER,
            format!("/monitoring/alerts/{index}"),
            format!("alert `{}` could never fire: {why}", written(alert.kind)),
        )),
        None => Ok(()),
    }
}

/// The summary and description of an alert (Go templates over the alert's labels).
fn texts(alert: &Alert, threshold: Option<&str>) -> (String, String) {
    let hold = duration(alert.for_ms);
    let thr = threshold.unwrap_or_default();
    let at = format!("{}", alert.origin);
    let target = "{{ $labels.host }} ({{ $labels.instance }})";
    let (summary, condition) = match alert.kind {
        AlertKind::HostDown => (
            format!("{{{{ $labels.job }}}} target on {target} is down"),
            format!("No scrape of it has succeeded for {hold}."),
        ),
        AlertKind::Cpu => (
            format!("CPU use on {target} is {{{{ $value | printf \"%.1f\" }}}}%"),
            format!("CPU use has been above {thr}% for {hold}."),
        ),
        AlertKind::Memory => (
            format!("Memory use on {target} is {{{{ $value | printf \"%.1f\" }}}}%"),
            format!("Memory use has been above {thr}% for {hold}."),
        ),
        AlertKind::Disk => (
            format!(
                "Disk use of {{{{ $labels.mountpoint }}}} on {target} is {{{{ $value | printf \"%.1f\" }}}}%"
            ),
            format!("Disk use has been above {thr}% for {hold}."),
        ),
        AlertKind::Qps => (
            "Load balancer {{ $labels.load_balancer }} serves {{ $value | printf \"%.1f\" }} requests/s".to_string(),
            format!("Its hosts together have served more than {thr} requests per second for {hold}."),
        ),
        AlertKind::ErrorRate => (
            "{{ $value | printf \"%.1f\" }}% of the responses of load balancer {{ $labels.load_balancer }} are 5xx".to_string(),
            format!("More than {thr}% of its responses have been 5xx for {hold}."),
        ),
        AlertKind::Latency => (
            format!(
                "Backend {{{{ $labels.proxy }}}} of load balancer {{{{ $labels.load_balancer }}}} on {target} answers in {{{{ $value | printf \"%.3f\" }}}}s on average"
            ),
            format!("Its average response time has been above {thr}s for {hold}."),
        ),
        AlertKind::ReplicationLag => (
            format!(
                "Replica {target} of database {{{{ $labels.database }}}} is {{{{ $value }}}}s behind its primary"
            ),
            format!("Its replication lag has been above {thr}s for {hold}."),
        ),
    };
    let description = format!(
        "{condition} infrac alert `{}` at {}.",
        written(alert.kind),
        template_text(&at)
    );
    (summary, description)
}

/// The alerting rules, in the model's order, or an error for every alert that cannot be
/// rendered exactly.
pub fn rules(
    model: &Model,
    monitoring: &Monitoring,
    jobs: &[Job],
) -> Result<Vec<Rule>, Vec<Diagnostic>> {
    let window = duration(monitoring.interval_ms.saturating_mul(4));
    let mut rules = Vec::new();
    let mut errors = Vec::new();
    let reads_haproxy = monitoring
        .alerts
        .iter()
        .any(|a| promql::exporter(a.kind) == Some(Exporter::Haproxy));
    let lbs = if reads_haproxy {
        load_balancer_names(model).unwrap_or_else(|mut e| {
            errors.append(&mut e);
            Vec::new()
        })
    } else {
        Vec::new()
    };
    for (index, alert) in monitoring.alerts.iter().enumerate() {
        let checked = threshold(alert, index).and_then(|thr| {
            check_exporter(model, alert, index, jobs)?;
            Ok(thr)
        });
        let thr = match checked {
            Ok(thr) => thr,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let m = measure(alert.kind, &window, &lbs);
        let expr = match &thr {
            None => format!("{m} == 0"),
            Some(t) => format!("{m} > {t}"),
        };
        let same_kind_before = monitoring
            .alerts
            .iter()
            .take(index)
            .filter(|a| a.kind == alert.kind)
            .count();
        let name = match same_kind_before {
            0 => base_name(alert.kind).to_string(),
            n => format!("{}_{}", base_name(alert.kind), n + 1),
        };
        let (summary, description) = texts(alert, thr.as_deref());
        rules.push(Rule {
            name,
            expr,
            hold: duration(alert.for_ms),
            severity: severity(alert.kind),
            summary,
            description,
        });
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(errors)
    }
}

/// `rules.yml`: one group with every alerting rule.
pub fn file(rules: &[Rule]) -> String {
    let mut w = TextWriter::new("  ");
    w.line("# Generated by infrac from the model; do not edit.");
    w.line("groups:");
    w.indented(|w| {
        w.line("- name: infrac");
        w.indented(|w| {
            if rules.is_empty() {
                w.line("rules: []");
                return;
            }
            w.line("rules:");
            w.indented(|w| {
                for r in rules {
                    w.line(format!("- alert: {}", scalar(&r.name)));
                    w.indented(|w| {
                        w.line(format!("expr: {}", scalar(&r.expr)));
                        w.line(format!("for: {}", r.hold));
                        w.line("labels:").indented(|w| {
                            w.line(format!("severity: {}", r.severity));
                        });
                        w.line("annotations:").indented(|w| {
                            w.line(format!("summary: {}", quoted(&r.summary)));
                            w.line(format!("description: {}", quoted(&r.description)));
                        });
                    });
                }
            });
        });
    });
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_cannot_open_template_actions() {
        assert_eq!(template_text("a{{b}}.infra:3"), "a{{ \"{{\" }}b}}.infra:3");
    }
}
