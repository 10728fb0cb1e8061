//! The `haproxy` backend: one `haproxy.cfg` (HAProxy 2.6) per host that runs a load balancer,
//! at `haproxy/SITE/HOST/haproxy.cfg`.
//!
//! **Units** are host names: a host running several load balancers gets one file with all of
//! them (one process binds every VIP), and two hosts of one load balancer get one file each
//! (each binds its own address for metrics).
//!
//! **What a file holds.** `global` (logs to `127.0.0.1:514`, `maxconn` as the sum of the
//! load balancers' limits when each models one, chroot and an unprivileged user, TLS 1.2
//! minimum); per load
//! balancer a named `defaults` section with its timeouts, one `frontend` (HTTPS on the VIP's
//! port 443 with the model's certificate when `tls`, HTTP on port 80 without `tls` or to
//! redirect to HTTPS), and one `backend` (`balance` from the algorithm, servers by address
//! with their weights and `backup` flags, HTTP or TCP health checks, TLS re-encryption
//! verified against the model's CA); and, for `stats PORT`, a `frontend stats:PORT` on the
//! host's monitored address with the Prometheus exporter and the statistics page.
//!
//! **Who may connect** is decided at connection time (`tcp-request connection reject`), per
//! listening port, from three sources that must all agree: the load balancer's `deny` list,
//! its `allow` list (when given), and the flow matrix's flows towards that address and port.
//! "The internet" in a flow is every address outside the model's zones, rendered as "not in
//! any zone subnet". See `docs/backends/haproxy.md`.
//!
//! **Errors** (the model cannot be rendered exactly):
//!
//! | code | meaning | IR path |
//! |---|---|---|
//! | `HAPROXY001` | the unit is not a host that runs a load balancer | `""` or `/hosts/N` |
//! | `HAPROXY002` | a load balancer with several backends: nothing says which requests go where | `/load_balancers/N/backends/1` |
//! | `HAPROXY003` | a TCP health check that expects an HTTP status | `…/backends/N/check/expect` |
//! | `HAPROXY004` | a certificate, CA, health-check or metrics path that is not one plain haproxy.cfg word, or a load balancer, backend or server name that is not `[A-Za-z0-9_-]+` | the field |
//! | `HAPROXY005` | a timeout, check interval or rate period of 0 or beyond HAProxy's timers (~24.8 days) | the field |
//! | `HAPROXY006` | two listeners on one address and port of a host | `/load_balancers/N/vip` or `…/stats_port` |
//! | `HAPROXY007` | a number outside HAProxy's range (weight > 256, fall or rise 0, maxconn 0) | the field |
//! | `HAPROXY008` | a metrics endpoint on a host without an address | `/hosts/N` |
//! | `HAPROXY009` | warning: no `ha` group holds the VIP and it is not an address of the host; the VIP is bound `transparent`, and the host must be given the address | `/load_balancers/N/vip` |

mod access;
mod capability;
mod clients;
mod plan;
mod prefix;
mod render;
mod syntax;

use infrac_sdk::{Backend, Diagnostic, File, Model, Section, Target, UnitResult};

/// The unit names no host that runs a load balancer.
pub const NOT_A_LOAD_BALANCER_HOST: &str = "HAPROXY001";

/// The haproxy backend.
pub struct Haproxy;

impl Backend for Haproxy {
    const NAME: &'static str = "haproxy";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["haproxy"];
    const READS: &'static [Section] = &[
        Section::LoadBalancers,
        Section::HaGroups,
        Section::Flows,
        Section::Monitoring,
        Section::Sites,
        Section::Hosts,
    ];
    const UNITS_READS: &'static [Section] =
        &[Section::LoadBalancers, Section::HaGroups, Section::Hosts];

    /// Every host that runs at least one load balancer, sorted by name.
    fn units(model: &Model, _target: &str) -> Vec<String> {
        let placement = plan::Placement::new(model);
        model
            .hosts
            .iter()
            .filter(|h| !placement.on_host(&h.name).is_empty())
            .map(|h| h.name.clone())
            .collect()
    }

    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        let placement = plan::Placement::new(model);
        compile_with(model, &access::FlowIndex::new(model), &placement, target)
    }

    fn compile_with_warnings(
        model: &Model,
        target: &Target,
    ) -> Result<(Vec<File>, Vec<Diagnostic>), Vec<Diagnostic>> {
        let files = Self::compile(model, target)?;
        let placement = plan::Placement::new(model);
        Ok((files, unheld_vips(model, &placement, &target.unit)))
    }

    /// The flows and the load balancers' placement indexed once for every host of the batch.
    fn compile_units(model: &Model, target: &Target, units: &[String]) -> Vec<UnitResult> {
        let flows = access::FlowIndex::new(model);
        let placement = plan::Placement::new(model);
        infrac_sdk::each_unit(target, units, |t| {
            let files = compile_with(model, &flows, &placement, t)?;
            Ok((files, unheld_vips(model, &placement, &t.unit)))
        })
    }
}

fn compile_with(
    model: &Model,
    flows: &access::FlowIndex,
    placement: &plan::Placement,
    target: &Target,
) -> Result<Vec<File>, Vec<Diagnostic>> {
    {
        let Some((index, host)) = model.host_indexed(&target.unit) else {
            return Err(vec![Diagnostic::error(
                NOT_A_LOAD_BALANCER_HOST,
                "",
                format!("no host named `{}`", target.unit),
            )]);
        };
        if placement.on_host(&host.name).is_empty() {
            return Err(vec![Diagnostic::error(
                NOT_A_LOAD_BALANCER_HOST,
                format!("/hosts/{index}"),
                format!("host `{}` runs no load balancer", host.name),
            )]);
        }
        let plan = plan::host_plan_indexed(model, flows, placement, index, host)?;
        Ok(vec![File::text(
            format!("haproxy/{}/{}/haproxy.cfg", host.site, host.name),
            render::config(model, &plan),
        )])
    }
}

/// HAPROXY009 for each load balancer on `host` whose VIP no HA group holds and the host does
/// not have: HAProxy binds it, but no artifact puts the address on the host.
fn unheld_vips(model: &Model, placement: &plan::Placement, host: &str) -> Vec<Diagnostic> {
    let Some(h) = model.host(host) else {
        return Vec::new();
    };
    placement
        .on_host(host)
        .iter()
        .filter_map(|&i| Some((i, model.load_balancers.get(i)?)))
        .filter(|(_, lb)| placement.groups_holding(lb.vip).is_empty())
        .filter(|(_, lb)| !h.addresses.iter().any(|a| a.address == lb.vip))
        .map(|(i, lb)| {
            Diagnostic::warning(
                plan::UNHELD_VIP,
                format!("/load_balancers/{i}/vip"),
                format!(
                    "no `ha` group holds VIP {} of `{}`, and it is not an address of `{host}`: \
                     HAProxy binds it (transparent), but the host must be given the address \
                     (or declare an `ha` group for it)",
                    lb.vip, lb.name
                ),
            )
        })
        .collect()
}

infrac_sdk::export_backend!(Haproxy);
