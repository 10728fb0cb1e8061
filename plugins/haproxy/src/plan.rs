//! What one host's haproxy.cfg holds, decided before any text is written: the load balancers it
//! runs, their listeners with who may connect, and the metrics endpoints.

use crate::access::{Access, FlowIndex, access_indexed};
use crate::capability::{self, check_load_balancer};
use crate::syntax::endpoint;
use infrac_sdk::{Diagnostic, Exporter, Host, LoadBalancer, Model};
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

/// Which load balancers each host runs and which HA groups hold each VIP, in model order:
/// built once per batch, so that planning a host does not scan every load balancer.
pub struct Placement<'m> {
    on_host: HashMap<&'m str, Vec<usize>>,
    groups: HashMap<IpAddr, Vec<&'m str>>,
}

impl<'m> Placement<'m> {
    /// Indexes `model`.
    pub fn new(model: &'m Model) -> Placement<'m> {
        let mut on_host: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, lb) in model.load_balancers.iter().enumerate() {
            for h in &lb.hosts {
                let list = on_host.entry(h.as_str()).or_default();
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
        let mut groups: HashMap<IpAddr, Vec<&str>> = HashMap::new();
        for g in &model.ha_groups {
            for vip in &g.vips {
                let list = groups.entry(*vip).or_default();
                if list.last() != Some(&g.name.as_str()) {
                    list.push(g.name.as_str());
                }
            }
        }
        Placement { on_host, groups }
    }

    /// The indexes of the load balancers `host` runs.
    pub fn on_host(&self, host: &str) -> &[usize] {
        self.on_host
            .get(host)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The HA groups holding `vip`.
    pub fn groups_holding(&self, vip: IpAddr) -> &[&'m str] {
        self.groups.get(&vip).map(Vec::as_slice).unwrap_or_default()
    }
}

/// Two listeners on one address and port.
pub const BIND_CONFLICT: &str = "HAPROXY006";
/// A metrics endpoint on a host without an address.
pub const NO_STATS_ADDRESS: &str = "HAPROXY008";
/// Warning: no HA group holds a load balancer's VIP and it is not an address of its host, so
/// nothing in the build puts the address on the host.
pub const UNHELD_VIP: &str = "HAPROXY009";

/// The path HAProxy's Prometheus exporter answers on when monitoring names none.
pub const DEFAULT_METRICS_PATH: &str = "/metrics";

/// One host's configuration.
#[derive(Debug)]
pub struct HostPlan<'m> {
    /// The host.
    pub host: &'m Host,
    /// The load balancers it runs, in model order.
    pub balancers: Vec<BalancerPlan<'m>>,
    /// Metrics and statistics endpoints, sorted by address and port.
    pub stats: Vec<StatsPlan>,
}

/// One load balancer on the host.
#[derive(Debug)]
pub struct BalancerPlan<'m> {
    /// Its index in `Model.load_balancers`.
    pub index: usize,
    /// The load balancer.
    pub lb: &'m LoadBalancer,
    /// Where it listens: HTTPS on 443 when TLS, HTTP on 80 without TLS or to redirect.
    pub listeners: Vec<Listener>,
    /// Whether the VIP moves between hosts (an HA group or several hosts), so HAProxy must
    /// bind it while another host holds it.
    pub floating_vip: bool,
    /// The HA groups that move the VIP, sorted.
    pub ha_groups: Vec<String>,
}

/// A listening port of a load balancer's VIP.
#[derive(Debug)]
pub struct Listener {
    /// TCP port.
    pub port: u16,
    /// Whether TLS terminates here.
    pub tls: bool,
    /// Who may connect, from the flow matrix.
    pub access: Access,
}

/// A metrics/statistics endpoint on the host's own address.
#[derive(Debug)]
pub struct StatsPlan {
    /// The host address it listens on.
    pub address: IpAddr,
    /// TCP port.
    pub port: u16,
    /// The path of the Prometheus exporter.
    pub metrics_path: String,
    /// Who may connect, from the flow matrix.
    pub access: Access,
    /// The load balancers that asked for it, in model order.
    pub balancers: Vec<String>,
    /// The IR path of the first `stats_port` that asked for it.
    pub ir_path: String,
}

/// The plan for host `host`, or every reason it cannot be rendered exactly (`flows`: the
/// model's flows indexed, once for many hosts).
pub fn host_plan_indexed<'m>(
    model: &'m Model,
    flows: &FlowIndex,
    placement: &Placement,
    host_index: usize,
    host: &'m Host,
) -> Result<HostPlan<'m>, Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let mut balancers = Vec::new();
    // (address, port) → (IR path, load balancer names)
    let mut stats: BTreeMap<(IpAddr, u16), (String, Vec<String>)> = BTreeMap::new();
    for &index in placement.on_host(&host.name) {
        let Some(lb) = model.load_balancers.get(index) else {
            continue;
        };
        errors.extend(check_load_balancer(index, lb));
        let mut ports = Vec::new();
        if lb.tls.is_some() {
            ports.push((443, true));
        }
        if lb.tls.as_ref().is_none_or(|t| t.redirect) {
            ports.push((80, false));
        }
        let listeners = ports
            .into_iter()
            .map(|(port, tls)| Listener {
                port,
                tls,
                access: access_indexed(model, flows, lb.vip, port),
            })
            .collect();
        let ha_groups: Vec<String> = placement
            .groups_holding(lb.vip)
            .iter()
            .map(|g| g.to_string())
            .collect();
        if let Some(port) = lb.stats_port {
            match stats_address(model, host, port) {
                Some(address) => {
                    stats
                        .entry((address, port))
                        .or_insert_with(|| {
                            (format!("/load_balancers/{index}/stats_port"), Vec::new())
                        })
                        .1
                        .push(lb.name.clone());
                }
                None => errors.push(Diagnostic::error(
                    NO_STATS_ADDRESS,
                    format!("/hosts/{host_index}"),
                    format!(
                        "host `{}` has no address to serve the metrics of load balancer `{}` on",
                        host.name, lb.name
                    ),
                )),
            }
        }
        balancers.push(BalancerPlan {
            index,
            lb,
            listeners,
            // Also when the host does not hold the VIP itself: HAProxy must be able to start
            // before the address is configured (HAPROXY009 says so).
            floating_vip: lb.hosts.len() > 1
                || !ha_groups.is_empty()
                || !host.addresses.iter().any(|a| a.address == lb.vip),
            ha_groups,
        });
    }
    let stats: Vec<StatsPlan> = stats
        .into_iter()
        .map(|((address, port), (at, names))| {
            let path = metrics_path(model, host, address, port);
            capability::word(&mut errors, &at, "metrics path", &path);
            StatsPlan {
                address,
                port,
                metrics_path: path,
                access: access_indexed(model, flows, address, port),
                balancers: names,
                ir_path: at,
            }
        })
        .collect();
    errors.extend(bind_conflicts(&balancers, &stats));
    if errors.is_empty() {
        Ok(HostPlan {
            host,
            balancers,
            stats,
        })
    } else {
        Err(errors)
    }
}

/// The address the metrics endpoint listens on: the one monitoring scrapes, else the host's
/// primary address.
fn stats_address(model: &Model, host: &Host, port: u16) -> Option<IpAddr> {
    model
        .monitoring
        .iter()
        .flat_map(|m| &m.targets)
        .find(|t| t.exporter == Exporter::Haproxy && t.host == host.name && t.port == port)
        .map(|t| t.address)
        .or_else(|| host.addresses.first().map(|a| a.address))
}

/// The path monitoring scrapes on `address:port`, else [`DEFAULT_METRICS_PATH`].
fn metrics_path(model: &Model, host: &Host, address: IpAddr, port: u16) -> String {
    model
        .monitoring
        .iter()
        .flat_map(|m| &m.targets)
        .find(|t| {
            t.exporter == Exporter::Haproxy
                && t.host == host.name
                && t.address == address
                && t.port == port
        })
        .map_or_else(|| DEFAULT_METRICS_PATH.to_string(), |t| t.path.clone())
}

/// Errors for listeners that share an address and port on this host.
fn bind_conflicts(balancers: &[BalancerPlan], stats: &[StatsPlan]) -> Vec<Diagnostic> {
    // Every listener as (what, IR path, address, port), in file order.
    let mut listeners: Vec<(String, String, IpAddr, u16)> = Vec::new();
    for b in balancers {
        for l in &b.listeners {
            listeners.push((
                format!("load balancer `{}`", b.lb.name),
                format!("/load_balancers/{}/vip", b.index),
                b.lb.vip,
                l.port,
            ));
        }
    }
    for s in stats {
        listeners.push((
            format!("the metrics endpoint of `{}`", s.balancers.join("`, `")),
            s.ir_path.clone(),
            s.address,
            s.port,
        ));
    }
    // (address, port) → who listens there first; then one error per later element.
    let mut taken: BTreeMap<(IpAddr, u16), &str> = BTreeMap::new();
    let mut clashes: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for (what, at, address, port) in &listeners {
        match taken.get(&(*address, *port)) {
            Some(first) if first != what => clashes
                .entry((at.as_str(), what.as_str()))
                .or_default()
                .push(format!("{} (taken by {first})", endpoint(*address, *port))),
            Some(_) => {}
            None => {
                taken.insert((*address, *port), what.as_str());
            }
        }
    }
    clashes
        .into_iter()
        .map(|((at, what), places)| {
            Diagnostic::error(
                BIND_CONFLICT,
                at,
                format!(
                    "{what} would listen on {}: one HAProxy cannot tell the connections of \
                     two listeners on one address and port apart",
                    places.join(", ")
                ),
            )
        })
        .collect()
}
