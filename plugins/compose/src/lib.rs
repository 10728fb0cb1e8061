//! The `compose` backend: for every host that runs services, a compose file
//! (`compose/SITE/HOST/compose.yaml`) with those services, hardened by default: every
//! capability dropped but the modelled ones, no privilege escalation, read-only root where
//! declared, resource limits, health checks, one network per zone.

use infrac_sdk::ipnet::IpNet;
use infrac_sdk::yaml::{quoted, scalar};
use infrac_sdk::{
    Backend, Diagnostic, EnvValue, File, Health, Host, Model, Section, Service, Target, TextWriter,
    UnitResult,
};
use std::collections::{BTreeSet, HashMap, HashSet};

/// The compose backend.
pub struct Compose;

impl Backend for Compose {
    const NAME: &'static str = "compose";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["compose"];
    const READS: &'static [Section] = &[Section::Services, Section::Flows, Section::Hosts];
    const UNITS_READS: &'static [Section] = &[Section::Hosts];

    fn units(model: &Model, _target: &str) -> Vec<String> {
        model
            .hosts
            .iter()
            .filter(|h| !h.services.is_empty())
            .map(|h| h.name.clone())
            .collect()
    }

    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        compile_with(model, &Touched::new(model), &Placed::new(model), target)
    }

    fn compile_with_warnings(
        model: &Model,
        target: &Target,
    ) -> Result<(Vec<File>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let files = Self::compile(model, target)?;
        Ok((files, extra_replica_warnings(model, &target.unit)))
    }

    /// The flows' addresses, the hosts and their services indexed once for every host of the
    /// batch.
    fn compile_units(model: &Model, target: &Target, units: &[String]) -> Vec<UnitResult> {
        let touched = Touched::new(model);
        let placed = Placed::new(model);
        infrac_sdk::each_unit(target, units, |t| {
            let files = compile_with(model, &touched, &placed, t)?;
            let services = placed.services_on(&t.unit);
            Ok((files, replica_warnings(services, &t.unit)))
        })
    }
}

/// The hosts by name, and the services placed on each (in model order), with their indexes.
struct Placed<'m> {
    hosts: HashMap<&'m str, (usize, &'m Host)>,
    services: HashMap<&'m str, Vec<(usize, &'m Service)>>,
}

impl<'m> Placed<'m> {
    fn new(model: &'m Model) -> Placed<'m> {
        let mut hosts = HashMap::new();
        for (i, h) in model.hosts.iter().enumerate() {
            hosts.entry(h.name.as_str()).or_insert((i, h));
        }
        let mut services: HashMap<&str, Vec<(usize, &Service)>> = HashMap::new();
        for (i, s) in model.services.iter().enumerate() {
            let mut seen = HashSet::new();
            for h in &s.hosts {
                if seen.insert(h.as_str()) {
                    services.entry(h.as_str()).or_default().push((i, s));
                }
            }
        }
        Placed { hosts, services }
    }

    /// The services on host `name`, with their indexes in the model.
    fn services_on(&self, name: &str) -> &[(usize, &'m Service)] {
        self.services
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

fn compile_with(
    model: &Model,
    touched: &Touched,
    placed: &Placed,
    target: &Target,
) -> Result<Vec<File>, Vec<Diagnostic>> {
    {
        let Some(&(index, host)) = placed.hosts.get(target.unit.as_str()) else {
            return Err(vec![Diagnostic::error(
                "COMPOSE001",
                "",
                format!("no host named `{}`", target.unit),
            )]);
        };
        let placed_here = placed.services_on(&host.name);
        let services: Vec<&Service> = placed_here.iter().map(|&(_, s)| s).collect();
        if services.is_empty() {
            return Err(vec![Diagnostic::error(
                "COMPOSE002",
                format!("/hosts/{index}"),
                format!("host `{}` runs no service", host.name),
            )]);
        }
        // COMPOSE004: replica K publishes host port `port + K - 1`, which must exist.
        let beyond: Vec<Diagnostic> = placed_here
            .iter()
            .filter_map(|&(i, s)| {
                let port = s.port?;
                let last = u32::from(port) + s.replicas.max(1) - 1;
                (last > u32::from(u16::MAX)).then(|| {
                    Diagnostic::error(
                        "COMPOSE004",
                        format!("/services/{i}/replicas"),
                        format!(
                            "service `{}`: {} replicas from port {port} would publish host \
                             port {last}, beyond 65535",
                            s.name, s.replicas
                        ),
                    )
                })
            })
            .collect();
        if !beyond.is_empty() {
            return Err(beyond);
        }
        let text = render(model, touched, &host.name, &services);
        Ok(vec![File::text(
            format!("compose/{}/{}/compose.yaml", host.site, host.name),
            text,
        )])
    }
}

/// COMPOSE003: a service with a port and several replicas on `host`. One host port can be
/// published by one container only, so replica K listens on host port `port + K - 1`; but the
/// model knows the service at `HOST:port` alone (its flows, load-balancer servers and scrape
/// targets), so the copies beyond the first are started and never reached. Rendered as the
/// model says (N copies), reported so the loss of capacity is not silent.
pub fn extra_replica_warnings(model: &Model, host: &str) -> Vec<Diagnostic> {
    replica_warnings(Placed::new(model).services_on(host), host)
}

/// [`extra_replica_warnings`] for the services on `host`, with their indexes.
fn replica_warnings(services: &[(usize, &Service)], host: &str) -> Vec<Diagnostic> {
    services
        .iter()
        .filter(|(_, s)| s.replicas > 1)
        .filter_map(|&(i, s)| {
            let port = s.port?;
            let last = u32::from(port) + s.replicas - 1;
            Some(Diagnostic::warning(
                "COMPOSE003",
                format!("/services/{i}/replicas"),
                format!(
                    "service `{}` runs {} copies on host `{host}`, published on host ports \
                     {port}-{last}; flows, load balancers and monitoring reach only port \
                     {port}, so the copies on {}-{last} serve nothing",
                    s.name,
                    s.replicas,
                    u32::from(port) + 1
                ),
            ))
        })
        .collect()
}

infrac_sdk::export_backend!(Compose);

/// A compose duration (`10s`, `1m30s`, `500ms`) from milliseconds.
fn duration(ms: u64) -> String {
    if !ms.is_multiple_of(1000) {
        return format!("{ms}ms");
    }
    let s = ms / 1000;
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, sec) => format!("{sec}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, sec) => format!("{m}m{sec}s"),
        (h, m, sec) => format!("{h}h{m}m{sec}s"),
    }
}

/// A CPU count from thousandths: 500 → `0.5`, 2000 → `2`.
fn cpus(millicpus: u32) -> String {
    let text = format!("{}.{:03}", millicpus / 1000, millicpus % 1000);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A network name for a zone key (`paris.apps` → `paris-apps`).
fn network(zone: &str) -> String {
    zone.replace('.', "-")
}

/// Every prefix of every flow endpoint, by prefix, so that whether a flow touches an address
/// is a few lookups rather than a scan of the flow matrix.
struct Touched {
    prefixes: HashSet<IpNet>,
    /// Prefix lengths present: IPv4, IPv6.
    lengths: [Vec<u8>; 2],
}

impl Touched {
    fn new(model: &Model) -> Touched {
        let mut prefixes = HashSet::new();
        let mut lengths = [BTreeSet::new(), BTreeSet::new()];
        for e in model.flows.iter().flat_map(|f| [&f.from, &f.to]) {
            for p in &e.prefixes {
                let p = p.trunc();
                lengths[usize::from(p.addr().is_ipv6())].insert(p.prefix_len());
                prefixes.insert(p);
            }
        }
        Touched {
            prefixes,
            lengths: lengths.map(|l| l.into_iter().collect()),
        }
    }

    /// Whether a flow endpoint's prefix contains `address`.
    fn any_contains(&self, address: std::net::IpAddr) -> bool {
        self.lengths[usize::from(address.is_ipv6())]
            .iter()
            .filter_map(|&l| IpNet::new(address, l).ok())
            .any(|n| self.prefixes.contains(&n.trunc()))
    }
}

/// Whether any allowed flow touches the service: a zone whose services talk to nobody can be
/// an `internal` network.
fn reachable(touched: &Touched, service: &Service) -> bool {
    service
        .placements
        .iter()
        .any(|p| touched.any_contains(p.address))
}

fn health(w: &mut TextWriter, h: &Health, port: Option<u16>) {
    w.line("healthcheck:").indented(|w| {
        let test = match (&h.http, port) {
            (Some(path), Some(port)) => format!(
                "[\"CMD\", \"wget\", \"-q\", \"-O\", \"/dev/null\", {}]",
                quoted(&format!("http://127.0.0.1:{port}{path}"))
            ),
            (_, Some(port)) => format!(
                "[\"CMD-SHELL\", {}]",
                quoted(&format!("nc -z 127.0.0.1 {port} || exit 1"))
            ),
            (_, None) => "[\"CMD-SHELL\", \"exit 0\"]".to_string(),
        };
        w.line(format!("test: {test}"));
        w.line(format!("interval: {}", duration(h.interval_ms)));
        w.line(format!("timeout: {}", duration(h.timeout_ms)));
        w.line(format!("retries: {}", h.retries));
    });
}

fn render(model: &Model, touched: &Touched, host: &str, services: &[&Service]) -> String {
    let mut w = TextWriter::new("  ");
    w.line("# Generated by infrac from the model; do not edit.");
    w.line(format!(
        "name: {}",
        scalar(&format!("{}-{host}", model.project.name))
    ));
    w.line("services:");
    let mut networks: Vec<(String, bool)> = Vec::new();
    w.indented(|w| {
        for s in services {
            let place = s.placements.iter().find(|p| p.host == host);
            let net = place.map(|p| network(&p.zone));
            if let Some(n) = &net {
                let internal = !reachable(touched, s);
                match networks.iter_mut().find(|(name, _)| name == n) {
                    Some(entry) => entry.1 &= internal,
                    None => networks.push((n.clone(), internal)),
                }
            }
            w.line(format!("{}:", s.name)).indented(|w| {
                w.line(format!("image: {}", scalar(&s.image)));
                w.line("restart: unless-stopped");
                if let (Some(port), Some(p)) = (s.port, place) {
                    w.line("ports:").indented(|w| {
                        // Each replica binds its own host port: a range as wide as the replicas.
                        let host_ports = match s.replicas {
                            0 | 1 => port.to_string(),
                            n => format!("{port}-{}", u32::from(port) + n - 1),
                        };
                        // An IPv6 host address is bracketed, as the Compose specification writes it.
                        let address = match p.address {
                            std::net::IpAddr::V4(a) => a.to_string(),
                            std::net::IpAddr::V6(a) => format!("[{a}]"),
                        };
                        w.line(format!(
                            "- {}",
                            quoted(&format!("{address}:{host_ports}:{port}"))
                        ));
                    });
                }
                if let Some(n) = &net {
                    w.line("networks:").indented(|w| {
                        w.line(format!("- {n}"));
                    });
                }
                if let Some(h) = &s.health {
                    health(w, h, s.port);
                }
                w.line("cap_drop:").indented(|w| {
                    w.line("- ALL");
                });
                if !s.caps.is_empty() {
                    w.line("cap_add:").indented(|w| {
                        for c in &s.caps {
                            w.line(format!("- {c}"));
                        }
                    });
                }
                w.line("security_opt:").indented(|w| {
                    w.line("- \"no-new-privileges:true\"");
                });
                if s.read_only {
                    w.line("read_only: true");
                }
                if !s.env.is_empty() {
                    w.line("environment:").indented(|w| {
                        for e in &s.env {
                            let value = match &e.value {
                                EnvValue::Plain(v) => v.clone(),
                                EnvValue::Secret(r) => r.placeholder.clone(),
                            };
                            w.line(format!("{}: {}", e.name, quoted(&value)));
                        }
                    });
                }
                w.line("deploy:").indented(|w| {
                    w.line(format!("replicas: {}", s.replicas));
                    if let Some(l) = &s.limits {
                        w.line("resources:").indented(|w| {
                            w.line("limits:").indented(|w| {
                                if let Some(m) = l.millicpus {
                                    w.line(format!("cpus: {}", quoted(&cpus(m))));
                                }
                                if let Some(b) = l.memory_bytes {
                                    w.line(format!("memory: {}", quoted(&format!("{b}b"))));
                                }
                                if let Some(p) = l.pids {
                                    w.line(format!("pids: {p}"));
                                }
                            });
                        });
                    }
                });
                let local: Vec<&String> = s
                    .depends
                    .iter()
                    .filter(|d| services.iter().any(|o| &o.name == *d))
                    .collect();
                if !local.is_empty() {
                    w.line("depends_on:").indented(|w| {
                        for d in local {
                            let healthy =
                                services.iter().any(|o| &o.name == d && o.health.is_some());
                            w.line(format!("{d}:")).indented(|w| {
                                w.line(format!(
                                    "condition: {}",
                                    if healthy {
                                        "service_healthy"
                                    } else {
                                        "service_started"
                                    }
                                ));
                            });
                        }
                    });
                }
            });
        }
    });
    w.line("networks:");
    w.indented(|w| {
        for (n, internal) in &networks {
            w.line(format!("{n}:")).indented(|w| {
                w.line(format!("name: {n}"));
                if *internal {
                    w.line("internal: true");
                }
            });
        }
    });
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(10_000), "10s");
        assert_eq!(duration(90_000), "1m30s");
        assert_eq!(duration(120_000), "2m");
        assert_eq!(duration(1_500), "1500ms");
        assert_eq!(duration(3_600_000), "1h0m0s");
        assert_eq!(cpus(500), "0.5");
        assert_eq!(cpus(2000), "2");
        assert_eq!(cpus(1250), "1.25");
    }
}
