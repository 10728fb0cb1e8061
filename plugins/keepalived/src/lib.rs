//! The `keepalived` backend: for every member of an HA group (`Model.ha_groups`), one
//! `keepalived/SITE/HOST/keepalived.conf` for keepalived 2.2.7, with a `vrrp_instance` per group
//! the host is a member of. Units are host names.
//!
//! What it renders, per instance: `state` (MASTER for the highest priority of a preempting
//! group, BACKUP otherwise; every member starts BACKUP with `nopreempt` when the group does not
//! preempt, as keepalived requires), the member's `interface`, `virtual_router_id`, `priority`,
//! `advert_int` (VRRPv2 in whole seconds; `version 3` for sub-second intervals and IPv6),
//! `native_ipv6` for IPv6 VIPs, `unicast_src_ip` and `unicast_peer` with the other members
//! (and `check_unicast_src`, so only they are heard), `authentication` with the secret's
//! placeholder, `virtual_ipaddress` (`VIP/prefix dev IF`), `track_script` and `notify`.
//! `global_defs` sets `router_id` to the host name, `enable_script_security` and
//! `script_user root`. A tracked process is checked by `/usr/bin/pgrep -x NAME` every second
//! (`fall 2`, `rise 2`). In a preempting group its weight is minus one more than the group's
//! priority spread, so a member whose process died falls below every member whose process runs;
//! in a group that does not preempt the weight is 0: the member goes to FAULT and gives the VIPs
//! up (keepalived's `nopreempt` would keep a master whose priority merely dropped).
//!
//! A model keepalived cannot run exactly is refused with one of these errors:
//!
//! | code | meaning |
//! |---|---|
//! | `KEEPALIVED001` | the unit is not a host that is a member of an HA group |
//! | `KEEPALIVED002` | the advertisement interval is neither whole seconds 1–255 (VRRPv2, IPv4) nor a multiple of 10 ms in 10 ms–40.95 s (VRRPv3) |
//! | `KEEPALIVED003` | authentication on a VRRPv3 group (IPv6 VIPs or a sub-second interval): VRRPv3 has none |
//! | `KEEPALIVED004` | VIPs and member addresses of mixed address families, no VIP, or a prefix length the family lacks |
//! | `KEEPALIVED005` | the tracked process name cannot be matched exactly by `pgrep -x` (1–15 of `A-Za-z0-9_-`, not starting with `-`) |
//! | `KEEPALIVED006` | a tracked process on a preempting group with a member of priority 1: a failed member cannot fall below it |
//! | `KEEPALIVED007` | `notify` is not an absolute path of letters, digits and `_ . / + -` |
//! | `KEEPALIVED008` | the member's interface is not a Linux interface name VRRP can run on (1–15 characters, no `/ :` or space, not `lo`) |
//! | `KEEPALIVED009` | a host, site or group name, or a secret placeholder, is not a single keepalived word |
//! | `KEEPALIVED010` | two groups of one host share a vrid on the same interface and address family |
//! | `KEEPALIVED011` | a priority outside 1–254 or a vrid of 0 |
//!
//! and rendered with a warning:
//!
//! | code | meaning |
//! |---|---|
//! | `KEEPALIVED012` | a member of a group does not run the load balancer whose VIP the group carries: while it holds the VIP, nothing answers there |
//!
//! See `docs/backends/keepalived.md`.

pub mod advert;
pub mod checks;
pub mod codes;
pub mod plan;
pub mod render;
pub mod words;

use infrac_sdk::{Backend, Diagnostic, File, Model, Section, Target};
use std::collections::BTreeSet;

/// The keepalived backend.
pub struct Keepalived;

impl Backend for Keepalived {
    const NAME: &'static str = "keepalived";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["keepalived"];
    const READS: &'static [Section] = &[Section::LoadBalancers, Section::HaGroups, Section::Hosts];
    const UNITS_READS: &'static [Section] = &[Section::HaGroups];

    /// Every host that is a member of an HA group, sorted.
    fn units(model: &Model, _target: &str) -> Vec<String> {
        let hosts: BTreeSet<&str> = model
            .ha_groups
            .iter()
            .flat_map(|g| g.members.iter().map(|m| m.host.as_str()))
            .collect();
        hosts.into_iter().map(str::to_string).collect()
    }

    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        let name = target.unit.as_str();
        let member = model
            .ha_groups
            .iter()
            .any(|g| g.members.iter().any(|m| m.host == name));
        let found = model.host_indexed(name);
        let (Some((hi, host)), true) = (found, member) else {
            return Err(vec![Diagnostic::error(
                codes::NOT_A_MEMBER,
                found
                    .map(|(hi, _)| format!("/hosts/{hi}"))
                    .unwrap_or_default(),
                format!("`{name}` is not a host that is a member of an HA group"),
            )]);
        };
        let mut diags = Vec::new();
        for (value, field) in [(&host.name, "name"), (&host.site, "site")] {
            if !is_path_word(value) {
                diags.push(Diagnostic::error(
                    codes::NOT_A_WORD,
                    format!("/hosts/{hi}/{field}"),
                    format!("{field} {value:?} is not a single keepalived word"),
                ));
            }
        }
        let instances = plan::instances(model, &host.name);
        match instances {
            Ok(instances) if diags.is_empty() => Ok(vec![File::text(
                format!("keepalived/{}/{}/keepalived.conf", host.site, host.name),
                render::config(&host.name, &instances),
            )]),
            Ok(_) => Err(diags),
            Err(mut more) => {
                diags.append(&mut more);
                Err(diags)
            }
        }
    }

    fn compile_with_warnings(
        model: &Model,
        target: &Target,
    ) -> Result<(Vec<File>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let files = Self::compile(model, target)?;
        Ok((files, Self::vip_warnings(model, &target.unit)))
    }
}

impl Keepalived {
    /// KEEPALIVED012: `host` is a member of a group carrying a load balancer's VIP, and does
    /// not run that load balancer.
    pub fn vip_warnings(model: &Model, host: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for (gi, group) in model.ha_groups.iter().enumerate() {
            let Some(mi) = group.members.iter().position(|m| m.host == host) else {
                continue;
            };
            for lb in &model.load_balancers {
                if group.vips.contains(&lb.vip) && !lb.hosts.iter().any(|h| h == host) {
                    out.push(Diagnostic::warning(
                        codes::VIP_WITHOUT_LOAD_BALANCER,
                        format!("/ha_groups/{gi}/members/{mi}"),
                        format!(
                            "`{host}` is a member of ha `{}`, which carries {} (the VIP of load \
                             balancer `{}`), but does not run `{}`: while it holds the VIP, \
                             nothing answers there; add it to the load balancer's `on` or \
                             remove it from the group",
                            group.name, lb.vip, lb.name, lb.name
                        ),
                    ));
                }
            }
        }
        out
    }
}

/// A keepalived word that is also a plain path segment.
fn is_path_word(text: &str) -> bool {
    words::is_word(text) && !text.contains(['/', '\\']) && text != "." && text != ".."
}

infrac_sdk::export_backend!(Keepalived);
