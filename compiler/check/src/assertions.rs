//! Built-in assertions about the model that a policy names with `assert NAME` (E0607): TLS on
//! public frontends, containers that drop every capability, read-only replicas, real
//! redundancy, SSH only from management zones and no any-to-any rule.
//!
//! Each violation is reported at the offending element (or the rule that allows the flow), with
//! the policy line as a secondary span, so that both the element and the reason are one click
//! away.

use crate::hir::{Hir, PolicyH};
use crate::schema::Cx;
use infrac_diag::{Diagnostic, Span, codes};
use infrac_flows::{FlowSet, Selector};
use infrac_model::{EndpointKind, Flow, Model, ModelCheck, Origin, Protocol, Purpose};
use ipnet::IpNet;
use std::collections::{BTreeMap, BTreeSet};

/// One element that breaks a check: where, what, and how to fix it.
struct Violation {
    at: Option<Span>,
    message: String,
    help: &'static str,
}

/// Checks every `assert` line of every policy the project does not waive against the model.
pub(crate) fn check(cx: &mut Cx, hir: &Hir, m: &Model, waived: &BTreeSet<&str>) {
    for policy in hir
        .policies
        .iter()
        .filter(|p| !waived.contains(p.name.v.as_str()))
    {
        for d in violations(cx, hir, m, policy) {
            cx.report(d);
        }
    }
}

/// The E0607 diagnostics of one policy's `assert` lines.
pub(crate) fn violations(cx: &Cx, hir: &Hir, m: &Model, policy: &PolicyH) -> Vec<Diagnostic> {
    let origins = cx.origins.borrow();
    let span_of = |o: &Origin| origins.get(o).copied();
    let mut out = Vec::new();
    for &(check, assert_span) in &policy.checks {
        let violations = match check {
            ModelCheck::SshOnlyFromManagement => ssh_only_from_management(m, &span_of),
            ModelCheck::NoAnyToAny => no_any_to_any(hir, m),
            ModelCheck::TlsOnPublicFrontends => tls_on_public_frontends(m, &span_of),
            ModelCheck::ContainersDropCapabilities => containers_drop_capabilities(m, &span_of),
            ModelCheck::ReplicasReadOnly => replicas_read_only(m, &span_of),
            ModelCheck::HaRedundant => ha_redundant(m, &span_of),
        };
        for v in violations {
            let secondary = format!("asserted by policy `{}`", policy.name.v);
            let d = match v.at {
                Some(at) => Diagnostic::error(codes::E0607, at, v.message)
                    .with_label(format!("breaks `{}`", check.name()))
                    .with_secondary(assert_span, secondary),
                // An element without a written place (none today): report at the policy.
                None => {
                    Diagnostic::error(codes::E0607, assert_span, v.message).with_label(secondary)
                }
            };
            out.push(d.with_help(v.help));
        }
    }
    out
}

/// Whether a service includes TCP port 22.
fn includes_ssh(f: &Flow) -> bool {
    matches!(f.service.protocol, Protocol::Tcp | Protocol::Any)
        && (f.service.ports.is_empty()
            || f.service.ports.iter().any(|r| r.start <= 22 && 22 <= r.end))
}

fn ssh_only_from_management(
    m: &Model,
    span_of: &dyn Fn(&Origin) -> Option<Span>,
) -> Vec<Violation> {
    let management: BTreeSet<&str> = m
        .sites
        .iter()
        .flat_map(|s| &s.zones)
        .filter(|z| z.purpose == Some(Purpose::Management))
        .map(|z| z.key.as_str())
        .collect();
    // One diagnostic per deciding rule, naming the first offending source.
    let mut by_origin: BTreeMap<&Origin, (&Flow, usize)> = BTreeMap::new();
    for f in m.flows.iter().filter(|f| includes_ssh(f)) {
        let managed = matches!(
            f.from.kind,
            EndpointKind::Zone | EndpointKind::Host | EndpointKind::Service | EndpointKind::Prefix
        ) && !f.from.zones.is_empty()
            && f.from.zones.iter().all(|z| management.contains(z.as_str()));
        if !managed {
            by_origin
                .entry(&f.provenance.origin)
                .and_modify(|(_, n)| *n += 1)
                .or_insert((f, 1));
        }
    }
    by_origin
        .into_iter()
        .map(|(origin, (f, n))| Violation {
            at: span_of(origin),
            message: format!(
                "SSH from `{}`, which is not in a management zone, to `{}` (allowed by {}){}",
                f.from.name,
                f.to.name,
                infrac_flows::render::provenance_text(&f.provenance),
                if n > 1 {
                    format!("; {} more such flow(s) by the same rule", n - 1)
                } else {
                    String::new()
                },
            ),
            help: "allow SSH only from a zone with `purpose management`, or leave tcp/22 out of the services",
        })
        .collect()
}

/// Whether a selector means every zone of the model: `*`, a `/0`, the only site, or a prefix
/// that holds every zone subnet of its family. `internet` counts as a source only.
fn covers_every_zone(s: &Selector, m: &Model) -> bool {
    let subnets = || {
        m.sites
            .iter()
            .flat_map(|site| &site.zones)
            .map(|z| z.subnet)
    };
    match s {
        Selector::AllZones => true,
        Selector::Prefix(p) => {
            p.prefix_len() == 0 || {
                let mut same_family = subnets()
                    .filter(|z| {
                        matches!(
                            (z, p),
                            (IpNet::V4(_), IpNet::V4(_)) | (IpNet::V6(_), IpNet::V6(_))
                        )
                    })
                    .peekable();
                same_family.peek().is_some() && same_family.all(|z| p.contains(&z))
            }
        }
        Selector::Name(n) => m.sites.len() == 1 && m.sites.iter().any(|site| &site.name == n),
        _ => false,
    }
}

fn no_any_to_any(hir: &Hir, m: &Model) -> Vec<Violation> {
    hir.rules
        .iter()
        .map(|r| &r.input)
        .filter(|r| {
            (matches!(r.from.selector, Selector::Internet)
                || covers_every_zone(&r.from.selector, m))
                && covers_every_zone(&r.to.selector, m)
        })
        .map(|r| Violation {
            at: Some(r.span),
            message: format!(
                "rule `{}` allows `{}` to reach `{}`: any to any",
                r.name, r.from.text, r.to.text
            ),
            help: "name the zones, hosts or services that need to talk, and the services they use",
        })
        .collect()
}

fn tls_on_public_frontends(m: &Model, span_of: &dyn Fn(&Origin) -> Option<Span>) -> Vec<Violation> {
    // Public: a flow from outside the model's zones (the internet, `0.0.0.0/0`, `10.0.0.0/8`…)
    // reaches the VIP, whether it names the load balancer, its zone or its address.
    let flows = FlowSet::new(m);
    let outside: Vec<&Flow> = m
        .flows
        .iter()
        .filter(|f| flows.from_outside(&f.from))
        .collect();
    m.load_balancers
        .iter()
        .filter(|lb| {
            lb.tls.is_none()
                && outside.iter().any(|f| {
                    (f.to.kind == EndpointKind::LoadBalancer && f.to.name == lb.name)
                        || f.to.prefixes.iter().any(|p| p.contains(&lb.vip))
                })
        })
        .map(|lb| Violation {
            at: span_of(&lb.origin),
            message: format!(
                "load balancer `{}` is reachable from the internet without TLS",
                lb.name
            ),
            help: "add `tls { cert \"/etc/haproxy/certs/NAME.pem\"; redirect true }`",
        })
        .collect()
}

fn containers_drop_capabilities(
    m: &Model,
    span_of: &dyn Fn(&Origin) -> Option<Span>,
) -> Vec<Violation> {
    m.services
        .iter()
        .filter(|s| !s.caps.is_empty())
        .map(|s| Violation {
            at: span_of(&s.origin),
            message: format!(
                "service `{}` adds capabilities back after dropping them all: {}",
                s.name,
                s.caps.join(", ")
            ),
            help: "remove `caps`; to listen below port 1024 a container needs no NET_BIND_SERVICE on Docker 20.10 or later",
        })
        .collect()
}

fn replicas_read_only(m: &Model, span_of: &dyn Fn(&Origin) -> Option<Span>) -> Vec<Violation> {
    m.databases
        .iter()
        .filter(|d| !d.replicas.is_empty() && !d.read_only)
        .map(|d| Violation {
            at: span_of(&d.origin),
            message: format!(
                "database `{}` lets its replicas accept writes (`read_only false`)",
                d.name
            ),
            help: "remove `read_only false`: a write to a replica never reaches the primary and breaks replication",
        })
        .collect()
}

/// Redundancy the checker cannot see by itself: replicas of a service on one host, and load
/// balancers serving one name from one site. (HA groups and database clusters with a member
/// listed twice are refused by the checker already, E0504.)
fn ha_redundant(m: &Model, span_of: &dyn Fn(&Origin) -> Option<Span>) -> Vec<Violation> {
    let mut out = Vec::new();
    for s in &m.services {
        let hosts: BTreeSet<&str> = s.hosts.iter().map(String::as_str).collect();
        if s.replicas > 1 && hosts.len() < 2 {
            out.push(Violation {
                at: span_of(&s.origin),
                message: format!(
                    "service `{}` runs {} replicas, all on `{}`: they share its failures",
                    s.name,
                    s.replicas,
                    s.hosts.first().map(String::as_str).unwrap_or("?")
                ),
                help: "run the service on two or more hosts (`on [h1, h2]`)",
            });
        }
    }
    // Load balancers that share a public name serve it together (active-active): each must be
    // on a site of its own, or one site's failure takes the name down.
    let site_of: BTreeMap<&str, &str> = m
        .hosts
        .iter()
        .map(|h| (h.name.as_str(), h.site.as_str()))
        .collect();
    let mut by_name: BTreeMap<String, Vec<&infrac_model::LoadBalancer>> = BTreeMap::new();
    for lb in &m.load_balancers {
        if let Some(fqdn) = &lb.fqdn {
            // DNS names are case-insensitive, and `www.example.` is `www.example`.
            let name = fqdn.trim_end_matches('.').to_ascii_lowercase();
            by_name.entry(name).or_default().push(lb);
        }
    }
    for (fqdn, lbs) in by_name.into_iter().filter(|(_, l)| l.len() > 1) {
        let mut first_on: BTreeMap<Vec<&str>, &str> = BTreeMap::new();
        for lb in lbs {
            let sites: Vec<&str> = lb
                .hosts
                .iter()
                .filter_map(|h| site_of.get(h.as_str()).copied())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            match first_on.get(&sites) {
                Some(other) => out.push(Violation {
                    at: span_of(&lb.origin),
                    message: format!(
                        "load balancers `{other}` and `{}` serve `{fqdn}` together (active-active) but run on the same site: {}",
                        lb.name,
                        sites.join(", ")
                    ),
                    help: "run each load balancer of an active-active name on a site of its own",
                }),
                None => {
                    first_on.insert(sites, lb.name.as_str());
                }
            }
        }
    }
    out
}
