//! The `nftables` backend: a host firewall per server, rendered from the flow matrix.
//!
//! Units are host names (`Model.hosts`); each gets `nftables/SITE/HOST/nftables.conf`:
//! `flush ruleset`, then `table inet infrac` (IPv4 and IPv6 in one table) with
//!
//! - chain `input`, policy drop: `ct state established,related accept` (replies, and ICMP errors
//!   about tracked connections, including IPv6 packet-too-big), `ct state invalid drop`,
//!   `iif lo accept`; on a host with IPv6, neighbour discovery (hop limit 255) and multicast
//!   listener queries from link-local sources; then **one accept rule per flow and address
//!   family whose destination includes an address the host holds** (its own addresses, the VIP
//!   of a load balancer it runs, the VIPs of its HA groups): source prefixes (`internet`: every
//!   address outside the model's zones, `ip saddr != { … }`), the host's addresses the flow
//!   reaches, protocol and ports, and a comment naming what allowed it and where
//!   (`rule dc1-mgmt-to-all (site.infra:152)`). Nothing else: no implicit SSH, no implicit
//!   ping. SSH arrives only through flows, and a flow allowing SSH from outside the management
//!   zones is rendered exactly as written (the model's policies are where "SSH only from
//!   management" is enforced, e.g. `forbid internet -> * ssh` in the baseline pack);
//! - chain `forward`, policy drop; on a host that runs containers, the engine's DNAT makes
//!   published ports forwarded traffic, so the same flows are accepted again by their original
//!   destination (`ct status dnat … ct original ip daddr … ct original proto-dst …`), and
//!   traffic from the container bridges (`docker0`, `br-*`) is accepted like the host's own;
//! - chain `output`, policy accept.
//!
//! Protocols other than tcp, udp, sctp, icmp and esp are written as numbers
//! (`meta l4proto 112` for VRRP): nft resolves other names through `/etc/protocols`.
//!
//! # Diagnostics
//!
//! | code | meaning | where |
//! |---|---|---|
//! | `NFT001` | `compile` was asked for a unit that is not a host of the model | the whole model |
//! | `NFT002` | a flow to the host names ports on a protocol without ports, or an empty port range | `/flows/N/service` |
//! | `NFT003` | warning: a flow lets SSH reach the host from outside the management zones (rendered as written) | `/flows/N` |

pub mod codes;
pub mod held;
pub mod net;
pub mod render;
pub mod rules;

use infrac_sdk::{Backend, Diagnostic, File, Model, Section, Target, UnitResult};
use std::net::IpAddr;

/// The nftables backend.
pub struct Nftables;

impl Backend for Nftables {
    const NAME: &'static str = "nftables";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["nftables"];
    const READS: &'static [Section] = &[
        Section::Services,
        Section::LoadBalancers,
        Section::HaGroups,
        Section::Flows,
        Section::Sites,
        Section::Hosts,
    ];
    const UNITS_READS: &'static [Section] = &[Section::Hosts];

    /// Every host of the model.
    fn units(model: &Model, _target: &str) -> Vec<String> {
        model.hosts.iter().map(|h| h.name.clone()).collect()
    }

    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        compile_host(model, &rules::FlowIndex::new(model), target)
    }

    fn compile_with_warnings(
        model: &Model,
        target: &Target,
    ) -> Result<(Vec<File>, Vec<Diagnostic>), Vec<Diagnostic>> {
        with_warnings(model, &rules::FlowIndex::new(model), target)
    }

    /// The flows indexed once for every host of the batch.
    fn compile_units(model: &Model, target: &Target, units: &[String]) -> Vec<UnitResult> {
        let index = rules::FlowIndex::new(model);
        infrac_sdk::each_unit(target, units, |t| with_warnings(model, &index, t))
    }
}

fn with_warnings(
    model: &Model,
    index: &rules::FlowIndex,
    target: &Target,
) -> Result<(Vec<File>, Vec<Diagnostic>), Vec<Diagnostic>> {
    let files = compile_host(model, index, target)?;
    let warnings = match index.host(model, &target.unit) {
        Some(host) => ssh_from_outside_management(model, index, host),
        None => Vec::new(),
    };
    Ok((files, warnings))
}

fn compile_host(
    model: &Model,
    index: &rules::FlowIndex,
    target: &Target,
) -> Result<Vec<File>, Vec<Diagnostic>> {
    {
        let Some(host) = index.host(model, &target.unit) else {
            return Err(vec![Diagnostic::error(
                codes::UNKNOWN_HOST,
                "",
                format!("no host named `{}`", target.unit),
            )]);
        };
        let held = index.held(model, host);
        let mut addresses: Vec<IpAddr> = held.iter().map(|(a, _)| *a).collect();
        addresses.dedup();
        let (rules, unmatchable) = rules::accept_rules_indexed(model, index, &addresses)?;
        let text = render::render(&render::HostFirewall {
            host,
            held: &held,
            rules: &rules,
            unmatchable: &unmatchable,
        });
        Ok(vec![File::text(
            format!("nftables/{}/{}/nftables.conf", host.site, host.name),
            text,
        )])
    }
}

/// Warnings for the flows that let SSH (tcp/22) reach `host` from a source that is not wholly
/// inside management zones.
fn ssh_from_outside_management(
    model: &Model,
    index: &rules::FlowIndex,
    host: &infrac_sdk::Host,
) -> Vec<Diagnostic> {
    let held: Vec<IpAddr> = index.held(model, host).iter().map(|(a, _)| *a).collect();
    let mut out = Vec::new();
    // Only the flows that reach the host (in flow order).
    for i in index.reaching(&held) {
        let Some(f) = model.flows.get(i) else {
            continue;
        };
        let ssh = f.service.protocol == infrac_sdk::Protocol::Tcp
            && f.service.ports.iter().any(|r| r.start <= 22 && 22 <= r.end);
        let from_management = f.from.kind != infrac_sdk::EndpointKind::Internet
            && !f.from.zones.is_empty()
            && f.from.zones.iter().all(|z| index.management.contains(z));
        if ssh && !from_management {
            out.push(Diagnostic::warning(
                codes::SSH_OUTSIDE_MANAGEMENT,
                format!("/flows/{i}"),
                format!(
                    "`{}` lets SSH in from `{}`, outside the management zones; host firewalls \
                     accept it as written",
                    f.provenance.name, f.from.name
                ),
            ));
        }
    }
    out
}

infrac_sdk::export_backend!(Nftables);
