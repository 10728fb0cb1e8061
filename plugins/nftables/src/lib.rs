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

pub mod codes;
pub mod held;
pub mod net;
pub mod render;
pub mod rules;

use infrac_sdk::{Backend, Diagnostic, File, Model, Target};
use std::net::IpAddr;

/// The nftables backend.
pub struct Nftables;

impl Backend for Nftables {
    const NAME: &'static str = "nftables";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["nftables"];

    /// Every host of the model.
    fn units(model: &Model, _target: &str) -> Vec<String> {
        model.hosts.iter().map(|h| h.name.clone()).collect()
    }

    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        let Some(host) = model.host(&target.unit) else {
            return Err(vec![Diagnostic::error(
                codes::UNKNOWN_HOST,
                "",
                format!("no host named `{}`", target.unit),
            )]);
        };
        let held = held::held_addresses(model, host);
        let mut addresses: Vec<IpAddr> = held.iter().map(|(a, _)| *a).collect();
        addresses.dedup();
        let (rules, unmatchable) = rules::accept_rules(model, &addresses)?;
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

infrac_sdk::export_backend!(Nftables);
