//! R zero-trust rules over O network objects, enforced by three targets: an IOS router's ACLs,
//! an OPNsense firewall's filter rules and nftables host firewalls. [`capirca`] writes the same
//! policy for Capirca, so both tools can be timed on equivalent inputs.
//!
//! The model is one site, `dc`. The OPNsense firewall `fw1` faces the outside and trunks its own
//! zones (IPv4 and IPv6); behind it, over a link, the IOS router `r1` routes the IPv4
//! zones. Network objects are:
//!
//! - **zones**: their subnets (`dc.c4`), behind the router or the firewall, some IPv6;
//! - **hosts**: one address each, in server zones that are no object themselves;
//! - **host groups**: a container service on two hosts of its own (the service's hosts);
//! - **outside networks**: one to four prefixes of mixed lengths (`/16` to `/32`, `/48` to
//!   `/128`) outside every zone, written as literal prefixes.
//!
//! Objects are pairwise disjoint and each (source, destination) pair is used by one rule, so no
//! rule covers another (no W0603). A rule's source and destination share an address family (no
//! E0605); IPv6 never touches the router (IOS renders no IPv6 ACLs: IOS002). A policy term whose
//! object has several outside prefixes becomes one `allow` per prefix (`name tN-K`), the same
//! flows Capirca renders from its definitions.

use crate::{Rng, v4};
use std::fmt::Write;

/// Parameters of the policy.
#[derive(Clone, Debug)]
pub struct Params {
    /// Policy terms (rules before outside objects are expanded per prefix).
    pub rules: usize,
    /// Network objects.
    pub objects: usize,
    /// Named services (port sets).
    pub services: usize,
    /// Share of IPv6 objects, in percent.
    pub ipv6_percent: u32,
    /// Seed.
    pub seed: u64,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            rules: 2_000,
            objects: 500,
            services: 120,
            ipv6_percent: 8,
            seed: 1,
        }
    }
}

/// What an object is in the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A zone behind the router (IPv4).
    RouterZone,
    /// A zone of the firewall.
    FirewallZone,
    /// A host.
    Host,
    /// A service on hosts of its own.
    Group,
    /// Outside prefixes.
    Outside,
}

/// A network object.
#[derive(Clone, Debug)]
pub struct Object {
    /// Name in the Capirca definitions (`OBJ_12`).
    pub name: String,
    /// How the `.infra` side refers to it, one entry per prefix for outside objects and one in
    /// all for the others (`dc.c4`, `h12`, `g3`).
    pub infra: Vec<String>,
    /// Its prefixes (`10.20.4.0/24`, `2001:db8:8001::/48`).
    pub prefixes: Vec<String>,
    /// What it is.
    pub kind: Kind,
    /// IPv6 (else IPv4).
    pub v6: bool,
}

/// A named service: a protocol and port ranges, or ICMP.
#[derive(Clone, Debug)]
pub struct Service {
    /// Capirca name (`SVC_7`).
    pub name: String,
    /// `(protocol, first, last)`; protocol `tcp` or `udp`.
    pub ports: Vec<(&'static str, u16, u16)>,
}

/// A policy term.
#[derive(Clone, Debug)]
pub struct Term {
    /// Index of the source object.
    pub from: usize,
    /// Index of the destination object.
    pub to: usize,
    /// Indices of services; empty means ICMP.
    pub services: Vec<usize>,
}

/// The generated policy, independent of how it is written.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Network objects.
    pub objects: Vec<Object>,
    /// Services.
    pub services: Vec<Service>,
    /// Terms.
    pub terms: Vec<Term>,
    /// Zones behind the router: `(name, third octet)`.
    router_zones: Vec<(String, u32)>,
    /// IPv4 zones of the firewall: `(name, third octet)`.
    fw_zones4: Vec<(String, u32)>,
    /// IPv6 zones of the firewall: `(name, index)`.
    fw_zones6: Vec<(String, u32)>,
    /// Hosts: `(name, zone, address)`.
    hosts: Vec<(String, String, String)>,
    /// Services standing for host groups: `(name, hosts)`.
    groups: Vec<(String, Vec<String>)>,
}

impl Policy {
    /// Number of prefixes over all objects.
    pub fn prefix_count(&self) -> usize {
        self.objects.iter().map(|o| o.prefixes.len()).sum()
    }

    /// Number of `allow` statements in the `.infra` text.
    pub fn rule_count(&self) -> usize {
        self.terms.iter().map(|t| self.expansions(t).len()).sum()
    }

    /// The `(source, destination)` pairs a term becomes.
    fn expansions(&self, t: &Term) -> Vec<(&str, &str)> {
        let (a, b) = (&self.objects[t.from], &self.objects[t.to]);
        let mut out = Vec::new();
        for x in &a.infra {
            for y in &b.infra {
                out.push((x.as_str(), y.as_str()));
            }
        }
        out
    }

    /// A one-line summary for people.
    pub fn summary(&self) -> String {
        let v6 = self
            .objects
            .iter()
            .flat_map(|o| &o.prefixes)
            .filter(|p| p.contains(':'))
            .count();
        format!(
            "{} terms ({} allow statements) over {} objects ({} prefixes, {} IPv6), {} services, {} hosts",
            self.terms.len(),
            self.rule_count(),
            self.objects.len(),
            self.prefix_count(),
            v6,
            self.services.len(),
            self.hosts.len()
        )
    }
}

/// Generates the policy; `Err` when the parameters are out of range.
pub fn generate(p: &Params) -> Result<Policy, String> {
    if p.objects < 20 || p.objects > 20_000 {
        return Err("--objects must be 20–20000".into());
    }
    if p.services == 0 || p.services > 5_000 || p.ipv6_percent > 50 {
        return Err("--services must be 1–5000 and --ipv6 at most 50".into());
    }
    let mut rng = Rng::new(p.seed);
    let services = make_services(&mut rng, p.services);
    let n = p.objects;
    // The mix: 8% zones behind the router, 3% IPv4 and (IPv6 share)/2 IPv6 zones of the
    // firewall, 12% hosts, 6% host groups, the rest outside networks.
    let n_rzones = (n * 8 / 100).clamp(1, 250);
    let n_fzones6 = (n * p.ipv6_percent as usize / 200).clamp(1, 250);
    let n_fzones4 = (n * 3 / 100).clamp(1, 250);
    let n_hosts = (n * 12 / 100).max(2);
    let n_groups = (n * 6 / 100).max(1);
    let n_outside = n.saturating_sub(n_rzones + n_fzones4 + n_fzones6 + n_hosts + n_groups);
    let mut pol = Policy {
        objects: Vec::new(),
        services,
        terms: Vec::new(),
        router_zones: Vec::new(),
        fw_zones4: Vec::new(),
        fw_zones6: Vec::new(),
        hosts: Vec::new(),
        groups: Vec::new(),
    };
    let obj = |pol: &mut Policy, infra: Vec<String>, prefixes: Vec<String>, kind, v6| {
        let name = format!("OBJ_{}", pol.objects.len());
        pol.objects.push(Object {
            name,
            infra,
            prefixes,
            kind,
            v6,
        });
    };
    // Zones: the router's are 10.20.K.0/24 (K from 1), the firewall's 10.10.K.0/24 and
    // 2001:db8:10:K::/64; server zones (hosts, no objects) are 10.21.0.0/16 (router), 10.11.0.0/16 and
    // 2001:db8:10::/64 (firewall).
    for k in 1..=n_rzones as u32 {
        pol.router_zones.push((format!("c{k}"), k));
        obj(
            &mut pol,
            vec![format!("dc.c{k}")],
            vec![format!("10.20.{k}.0/24")],
            Kind::RouterZone,
            false,
        );
    }
    for k in 1..=n_fzones4 as u32 {
        pol.fw_zones4.push((format!("f{k}"), k));
        obj(
            &mut pol,
            vec![format!("dc.f{k}")],
            vec![format!("10.10.{k}.0/24")],
            Kind::FirewallZone,
            false,
        );
    }
    for k in 1..=n_fzones6 as u32 {
        pol.fw_zones6.push((format!("v{k}"), k));
        obj(
            &mut pol,
            vec![format!("dc.v{k}")],
            vec![format!("2001:db8:10:{k:x}::/64")],
            Kind::FirewallZone,
            true,
        );
    }
    // Hosts: in the server zones srv4a (behind the router), srv4b (firewall) and srv6
    // (firewall, IPv6); a host object is IPv6 with the IPv6 share.
    let host_addr = |rng: &mut Rng, pol: &mut Policy, name: String, v6_ok: bool| -> bool {
        let i = pol.hosts.len() as u32 + 10;
        let v6 = v6_ok && rng.chance(p.ipv6_percent);
        let (zone, addr) = if v6 {
            ("srv6", format!("2001:db8:10::{i:x}"))
        } else if rng.chance(50) {
            ("srv4a", v4(0x0A15_0000 | (i / 250) << 8 | (i % 250 + 2)))
        } else {
            ("srv4b", v4(0x0A0B_0000 | (i / 250) << 8 | (i % 250 + 2)))
        };
        pol.hosts.push((name, zone.to_string(), addr));
        v6
    };
    for k in 0..n_hosts {
        let name = format!("h{k}");
        let v6 = host_addr(&mut rng, &mut pol, name.clone(), true);
        let addr = pol.hosts.last().map(|h| h.2.clone()).unwrap_or_default();
        let len = if v6 { 128 } else { 32 };
        obj(
            &mut pol,
            vec![name],
            vec![format!("{addr}/{len}")],
            Kind::Host,
            v6,
        );
    }
    for k in 0..n_groups {
        let mut members = Vec::new();
        let mut prefixes = Vec::new();
        for j in 0..2 {
            let name = format!("g{k}m{j}");
            host_addr(&mut rng, &mut pol, name.clone(), false);
            let addr = pol.hosts.last().map(|h| h.2.clone()).unwrap_or_default();
            prefixes.push(format!("{addr}/32"));
            members.push(name);
        }
        // Group hosts are listed with the groups, not as host objects.
        let hosts: Vec<(String, String, String)> = pol.hosts.split_off(pol.hosts.len() - 2);
        pol.groups
            .push((format!("g{k}"), hosts.iter().map(|h| h.0.clone()).collect()));
        pol.hosts.extend(hosts);
        obj(
            &mut pol,
            vec![format!("g{k}")],
            prefixes,
            Kind::Group,
            false,
        );
    }
    // Outside networks: 1–4 prefixes each, aligned blocks carved from 100.64.0.0/10 in order
    // (so they never overlap), IPv6 ones a /48 each under 2001:db8:8000::/33.
    let mut cursor: u64 = 0x6440_0000;
    let mut v6_next: u32 = 0x8000;
    for _ in 0..n_outside {
        let v6 = rng.chance(p.ipv6_percent);
        let count = match rng.below(100) {
            0..50 => 1,
            50..75 => 2,
            75..90 => 3,
            _ => 4,
        };
        let mut prefixes = Vec::new();
        for _ in 0..count {
            if v6 {
                let len = [48, 56, 64, 128][rng.below(4)];
                let base = format!("2001:db8:{v6_next:x}");
                v6_next += 1;
                prefixes.push(match len {
                    128 => format!("{base}::1/128"),
                    l => format!("{base}::/{l}"),
                });
            } else {
                let len: u32 = match rng.below(100) {
                    0..3 => 16,
                    3..10 => 20,
                    10..50 => 24,
                    50..65 => 27,
                    65..75 => 29,
                    _ => 32,
                };
                let size = 1u64 << (32 - len);
                cursor = cursor.div_ceil(size) * size;
                if cursor + size > 0x6480_0000 {
                    return Err("too many outside networks for 100.64.0.0/10".into());
                }
                prefixes.push(format!("{}/{len}", v4(cursor as u32)));
                cursor += size;
            }
        }
        obj(&mut pol, prefixes.clone(), prefixes, Kind::Outside, v6);
    }
    if v6_next > 0xFFFF {
        return Err("too many IPv6 outside networks".into());
    }
    // Terms: a source, a destination of the same family, at least one of them inside, each
    // pair once; one to three services, or ICMP (IPv4 only) for 3% of the terms.
    let mut used = std::collections::BTreeSet::new();
    let v4_objs: Vec<usize> = (0..pol.objects.len())
        .filter(|&i| !pol.objects[i].v6)
        .collect();
    let v6_objs: Vec<usize> = (0..pol.objects.len())
        .filter(|&i| pol.objects[i].v6)
        .collect();
    let mut attempts = 0usize;
    while pol.terms.len() < p.rules {
        attempts += 1;
        if attempts > p.rules * 50 + 1_000 {
            return Err(format!(
                "cannot find {} distinct source/destination pairs among {} objects",
                p.rules, n
            ));
        }
        let pool = if !v6_objs.is_empty() && rng.chance(p.ipv6_percent) {
            &v6_objs
        } else {
            &v4_objs
        };
        let (from, to) = (pool[rng.below(pool.len())], pool[rng.below(pool.len())]);
        let (a, b) = (&pol.objects[from], &pol.objects[to]);
        if from == to || (a.kind == Kind::Outside && b.kind == Kind::Outside) {
            continue;
        }
        if !used.insert((from, to)) {
            continue;
        }
        let services = if !a.v6 && rng.chance(3) {
            Vec::new()
        } else {
            let k = 1 + rng.below(3);
            let mut s: Vec<usize> = (0..k).map(|_| rng.below(pol.services.len())).collect();
            s.sort();
            s.dedup();
            s
        };
        pol.terms.push(Term { from, to, services });
    }
    Ok(pol)
}

fn make_services(rng: &mut Rng, n: usize) -> Vec<Service> {
    let well_known: [&[(&str, u16, u16)]; 8] = [
        &[("tcp", 8443, 8443)],
        &[("tcp", 443, 443)],
        &[("tcp", 80, 80)],
        &[("tcp", 53, 53), ("udp", 53, 53)],
        &[("udp", 123, 123)],
        &[("tcp", 3306, 3306)],
        &[("tcp", 5432, 5432)],
        &[("udp", 514, 514)],
    ];
    (0..n)
        .map(|k| {
            let ports = if k < well_known.len() {
                well_known[k].to_vec()
            } else {
                let base = 1024 + (k as u16 % 600) * 97;
                let proto = if rng.chance(22) { "udp" } else { "tcp" };
                match rng.below(100) {
                    0..70 => vec![(proto, base, base)],
                    70..85 => vec![(proto, base, base + 10)],
                    _ => vec![(proto, base, base), (proto, base + 50, base + 50)],
                }
            };
            Service {
                name: format!("SVC_{k}"),
                ports,
            }
        })
        .collect()
}

fn port_spec(proto: &str, a: u16, b: u16) -> String {
    if a == b {
        format!("{proto}/{a}")
    } else {
        format!("{proto}/{a}-{b}")
    }
}

impl Policy {
    /// The model as `.infra` text.
    pub fn infra(&self) -> String {
        let mut s = String::with_capacity(self.terms.len() * 200 + 50_000);
        s.push_str(
            "# Generated by infrac-gen (policy): zero-trust rules over network objects, enforced by\n\
             # an IOS router (ACLs), an OPNsense firewall and nftables on every host.\n\
             project pol {\n  domain \"pol.example\"\n  owner \"secops\"\n}\n\n\
             secret admin-pass { env \"POL_ADMIN_PASSWORD\" }\n\n\
             site dc {\n  id 1\n",
        );
        let mut vlan = 100;
        let mut zone = |s: &mut String, name: &str, subnet: String| {
            let _ = writeln!(
                s,
                "  zone {name} {{ vlan {vlan}; subnet {subnet}; purpose users }}"
            );
            vlan += 1;
        };
        zone(&mut s, "srv4a", "10.21.0.0/16".into());
        for (name, k) in &self.router_zones {
            zone(&mut s, name, format!("10.20.{k}.0/24"));
        }
        zone(&mut s, "srv4b", "10.11.0.0/16".into());
        zone(&mut s, "srv6", "2001:db8:10::/64".into());
        for (name, k) in &self.fw_zones4 {
            zone(&mut s, name, format!("10.10.{k}.0/24"));
        }
        for (name, k) in &self.fw_zones6 {
            zone(&mut s, name, format!("2001:db8:10:{k:x}::/64"));
        }
        let fw_zones: Vec<&str> = ["srv4b", "srv6"]
            .into_iter()
            .chain(self.fw_zones4.iter().map(|z| z.0.as_str()))
            .chain(self.fw_zones6.iter().map(|z| z.0.as_str()))
            .collect();
        let _ = write!(
            s,
            "  firewall fw1 {{
    platform opnsense
    interface wan {{ port vtnet0; address 198.51.100.2/29; gateway 198.51.100.1 }}
    trunk lan {{ port vtnet1; vlans [{}] }}
  }}
  router r1 {{
    platform ios
    interface Gi1/0 {{ address 10.21.0.1/16; zone srv4a }}
",
            fw_zones.join(", ")
        );
        for (i, (name, k)) in self.router_zones.iter().enumerate() {
            let port = format!("Gi{}/{}", 2 + i / 48, i % 48);
            let _ = writeln!(
                s,
                "    interface {port} {{ address 10.20.{k}.1/24; zone {name} }}"
            );
        }
        s.push_str("    ssh { user netadmin; password admin-pass }\n  }\n");
        for (name, zone, addr) in &self.hosts {
            let _ = writeln!(s, "  host {name} {{ address {zone} {addr} }}");
        }
        // No OSPF: os-frr runs OSPFv2 only, and an OSPF firewall would run it on its IPv6
        // zones too (OPNSENSE006); the router's zones lie behind the link all the same.
        s.push_str("}\n\nlink fw1-r1 {\n  side fw1 vtnet2\n  side r1 Gi0/0\n  transit 10.255.0.0/30\n}\n\n");
        for (k, (name, hosts)) in self.groups.iter().enumerate() {
            let _ = writeln!(
                s,
                "service {name} {{ image \"app{k}:1\"; port 8080; on [{}] }}",
                hosts.join(", ")
            );
        }
        s.push('\n');
        for (i, t) in self.terms.iter().enumerate() {
            let mut what = String::new();
            if t.services.is_empty() {
                what.push_str(" icmp");
            }
            for &k in &t.services {
                for &(proto, a, b) in &self.services[k].ports {
                    what.push(' ');
                    what.push_str(&port_spec(proto, a, b));
                }
            }
            let pairs = self.expansions(t);
            let several = pairs.len() > 1;
            for (j, (from, to)) in pairs.into_iter().enumerate() {
                let name = if several {
                    format!("t{i}-{j}")
                } else {
                    format!("t{i}")
                };
                let _ = writeln!(s, "allow {from} -> {to}{what} {{ name {name} }}");
            }
        }
        s
    }

    /// The same policy for Capirca: `(policy file, NETWORK.net, SERVICES.svc)`. The policy
    /// renders to the given Capirca targets (header `target::` lines, e.g.
    /// `["cisco INFRAC mixed", "juniper INFRAC mixed", "iptables INPUT DROP"]`) and ends with a
    /// default deny, as the model does.
    pub fn capirca(&self, targets: &[&str]) -> (String, String, String) {
        let mut net = String::new();
        for o in &self.objects {
            for (i, p) in o.prefixes.iter().enumerate() {
                if i == 0 {
                    let _ = writeln!(net, "{} = {p}", o.name);
                } else {
                    let _ = writeln!(net, "{:w$}   {p}", "", w = o.name.len());
                }
            }
            net.push('\n');
        }
        let mut svc = String::new();
        for v in &self.services {
            for (i, &(proto, a, b)) in v.ports.iter().enumerate() {
                let port = if a == b {
                    format!("{a}/{proto}")
                } else {
                    format!("{a}-{b}/{proto}")
                };
                if i == 0 {
                    let _ = writeln!(svc, "{} = {port}", v.name);
                } else {
                    let _ = writeln!(svc, "{:w$}   {port}", "", w = v.name.len());
                }
            }
            svc.push('\n');
        }
        let mut pol = String::from("header {\n  comment:: \"Generated by infrac-gen (policy)\"\n");
        for t in targets {
            let _ = writeln!(pol, "  target:: {t}");
        }
        pol.push_str("}\n\n");
        for (i, t) in self.terms.iter().enumerate() {
            let (a, b) = (&self.objects[t.from], &self.objects[t.to]);
            let _ = writeln!(
                pol,
                "term t{i} {{\n  source-address:: {}\n  destination-address:: {}",
                a.name, b.name
            );
            if t.services.is_empty() {
                pol.push_str("  protocol:: icmp\n");
            } else {
                let names: Vec<&str> = t
                    .services
                    .iter()
                    .map(|&k| self.services[k].name.as_str())
                    .collect();
                let mut protos: Vec<&str> = t
                    .services
                    .iter()
                    .flat_map(|&k| self.services[k].ports.iter().map(|p| p.0))
                    .collect();
                protos.sort();
                protos.dedup();
                let _ = writeln!(
                    pol,
                    "  destination-port:: {}\n  protocol:: {}",
                    names.join(" "),
                    protos.join(" ")
                );
            }
            pol.push_str("  action:: accept\n}\n\n");
        }
        pol.push_str("term default-deny {\n  action:: deny\n}\n");
        (pol, net, svc)
    }
}
