//! Flows the model implies without a rule: load balancers to their backends, VRRP between HA
//! members, replication, monitoring scrapes, DNS lookups and port forwards.
//!
//! The model is resolved, so every name here exists; a name that does not (a hand-built model)
//! is skipped rather than trusted.

use std::collections::HashSet;

use infrac_model::{FlowOrigin, FlowReason, Origin, PortRange, PortSpec, Protocol};
use ipnet::IpNet;

use crate::matrix::Matrix;
use crate::resolve::EpRef;

/// `protocol/port`.
fn port(protocol: Protocol, port: u16) -> PortSpec {
    PortSpec {
        protocol,
        ports: vec![PortRange {
            start: port,
            end: port,
        }],
    }
}

/// The endpoint ids of the hosts named `names`, skipping unknown ones.
fn hosts<'a>(m: &mut Matrix, names: impl IntoIterator<Item = &'a String>) -> Vec<u32> {
    let mut ids = Vec::new();
    for name in names {
        if let Some(r) = m.index.host(name) {
            ids.push(m.endpoint(r));
        }
    }
    ids
}

fn provenance(m: &mut Matrix, reason: FlowReason, name: &str, origin: &Origin) -> u32 {
    m.provenance(FlowOrigin {
        reason,
        name: name.to_string(),
        origin: origin.clone(),
    })
}

/// Adds every implied flow.
pub(crate) fn add_all(m: &mut Matrix) {
    load_balancers(m);
    ha(m);
    replication(m);
    monitoring(m);
    dns(m);
    forwards(m);
}

/// Each load balancer host to each backend server's host, tcp/backend port.
fn load_balancers(m: &mut Matrix) {
    let model = m.index.model;
    for lb in &model.load_balancers {
        let prov = provenance(m, FlowReason::LoadBalancer, &lb.name, &lb.origin);
        let from = hosts(m, &lb.hosts);
        for backend in &lb.backends {
            let to = hosts(m, backend.servers.iter().map(|s| &s.host));
            let svc = m.service(&port(Protocol::Tcp, backend.port));
            m.cross(&from, &to, &[svc], prov);
        }
    }
}

/// VRRP between each ordered pair of distinct members.
fn ha(m: &mut Matrix) {
    let model = m.index.model;
    let vrrp = PortSpec {
        protocol: Protocol::Vrrp,
        ports: Vec::new(),
    };
    for group in &model.ha_groups {
        let prov = provenance(m, FlowReason::Ha, &group.name, &group.origin);
        let svc = m.service(&vrrp);
        let members = hosts(m, group.members.iter().map(|x| &x.host));
        for &a in &members {
            for &b in &members {
                if a != b {
                    m.cross(&[a], &[b], &[svc], prov);
                }
            }
        }
    }
}

/// Each replica to its primary, tcp/database port.
fn replication(m: &mut Matrix) {
    let model = m.index.model;
    for db in &model.databases {
        let prov = provenance(m, FlowReason::Replication, &db.name, &db.origin);
        let svc = m.service(&port(Protocol::Tcp, db.port));
        let primary = hosts(m, [&db.primary.host]);
        let replicas = hosts(m, db.replicas.iter().map(|r| &r.host));
        m.cross(&replicas, &primary, &[svc], prov);
    }
}

/// Each host of the monitoring server to each scrape target's host, tcp/target port.
fn monitoring(m: &mut Matrix) {
    let model = m.index.model;
    let Some(mon) = &model.monitoring else {
        return;
    };
    let Some(server) = model.service(&mon.server) else {
        return;
    };
    let prov = provenance(m, FlowReason::Monitoring, &mon.server, &mon.origin);
    let from = hosts(m, &server.hosts);
    let mut seen = HashSet::new();
    for target in &mon.targets {
        if !seen.insert((target.host.as_str(), target.port)) {
            continue;
        }
        let to = hosts(m, [&target.host]);
        let svc = m.service(&port(Protocol::Tcp, target.port));
        m.cross(&from, &to, &[svc], prov);
    }
}

/// Every host that is not a DNS server to each DNS server, udp/53 and tcp/53. The model keeps
/// no origin for the `dns` block, so each flow points at its server's declaration.
fn dns(m: &mut Matrix) {
    let model = m.index.model;
    if model.dns.servers.is_empty() {
        return;
    }
    let udp = m.service(&port(Protocol::Udp, 53));
    let tcp = m.service(&port(Protocol::Tcp, 53));
    let mut servers = Vec::new();
    for name in &model.dns.servers {
        if let Some(h) = model.host(name)
            && let Some(r) = m.index.host(name)
        {
            let prov = provenance(m, FlowReason::Dns, "dns", &h.origin);
            servers.push((m.endpoint(r), prov));
        }
    }
    let server_names: HashSet<&str> = model.dns.servers.iter().map(String::as_str).collect();
    let clients: Vec<&String> = model
        .hosts
        .iter()
        .filter(|h| !server_names.contains(h.name.as_str()))
        .map(|h| &h.name)
        .collect();
    let clients = hosts(m, clients);
    for &(server, prov) in &servers {
        m.cross(&clients, &[server], &[udp, tcp], prov);
    }
}

/// Each port forward: the internet to its target (a load balancer or a host).
fn forwards(m: &mut Matrix) {
    let model = m.index.model;
    for device in &model.devices {
        for fw in &device.forwards {
            let lb = model.load_balancers.iter().find(|l| l.name == fw.target);
            let target = match (lb, m.index.host(&fw.target)) {
                (Some(l), _) if l.vip == fw.target_address => m.index.lb(&fw.target),
                (_, Some(h)) => Some(h),
                (Some(_), None) => m.index.lb(&fw.target),
                (None, None) => None,
            }
            .unwrap_or(EpRef::Prefix(IpNet::from(fw.target_address)));
            let prov = provenance(m, FlowReason::Forward, &device.name, &fw.origin);
            let from = m.endpoint(EpRef::Internet);
            let to = m.endpoint(target);
            let svc = m.service(&fw.ports);
            m.cross(&[from], &[to], &[svc], prov);
        }
    }
}
