//! A compact builder of resolved models, rules and assertions for tests and benchmarks.
#![allow(dead_code)]

use std::net::IpAddr;

use infrac_diag::{FileId, Span};
use infrac_flows::{AssertionInput, RuleInput, Selector, SpannedSelector};
use infrac_model::*;
use ipnet::IpNet;

/// An origin in `site.infra` at `line`.
pub fn at(line: u32) -> Origin {
    Origin {
        file: "site.infra".to_string(),
        line,
        column: 1,
    }
}

fn ip(text: &str) -> IpAddr {
    text.parse()
        .unwrap_or_else(|_| panic!("bad address {text}"))
}

/// A model under construction.
pub struct Builder {
    pub model: Model,
    line: u32,
}

impl Default for Builder {
    fn default() -> Self {
        Builder::new()
    }
}

impl Builder {
    /// An empty model.
    pub fn new() -> Builder {
        Builder {
            model: Model {
                ir_version: IR_VERSION.to_string(),
                project: Project {
                    name: "test".into(),
                    domain: "test.example".into(),
                    registry: None,
                    owner: None,
                    ntp: vec![],
                    syslog: vec![],
                    banner: None,
                    plugins: None,
                    waivers: Vec::new(),
                },
                secrets: vec![],
                sites: vec![],
                devices: vec![],
                links: vec![],
                hosts: vec![],
                services: vec![],
                load_balancers: vec![],
                ha_groups: vec![],
                databases: vec![],
                rules: vec![],
                flows: vec![],
                monitoring: None,
                dns: Dns::default(),
                policies: vec![],
            },
            line: 0,
        }
    }

    fn next_line(&mut self) -> u32 {
        self.line += 1;
        self.line
    }

    /// A site with zones `(name, vlan, subnet)`.
    pub fn site(mut self, name: &str, id: u32, zones: &[(&str, u16, &str)]) -> Self {
        let origin = at(self.next_line());
        let zones = zones
            .iter()
            .map(|&(z, vlan, subnet)| {
                let subnet: IpNet = subnet
                    .parse()
                    .unwrap_or_else(|_| panic!("bad subnet {subnet}"));
                Zone {
                    name: z.into(),
                    key: format!("{name}.{z}"),
                    site: name.into(),
                    vlan,
                    gateway: subnet.hosts().next().unwrap_or(subnet.network()),
                    subnet,
                    purpose: None,
                    description: None,
                }
            })
            .collect();
        self.model.sites.push(Site {
            name: name.into(),
            id,
            description: None,
            zones,
            origin,
        });
        self
    }

    fn zone(&self, key: &str) -> &Zone {
        self.model
            .zone(key)
            .unwrap_or_else(|| panic!("no zone {key}"))
    }

    /// A host in `site` with addresses `(zone, address)`.
    pub fn host(mut self, name: &str, site: &str, addresses: &[(&str, &str)]) -> Self {
        let origin = at(self.next_line());
        let addresses = addresses
            .iter()
            .enumerate()
            .map(|(i, &(z, a))| {
                let key = format!("{site}.{z}");
                let zone = self.zone(&key);
                HostAddress {
                    zone: key,
                    address: ip(a),
                    prefix_len: zone.subnet.prefix_len(),
                    interface: format!("eth{i}"),
                    gateway: zone.gateway,
                }
            })
            .collect();
        self.model.hosts.push(Host {
            name: name.into(),
            site: site.into(),
            addresses,
            role: None,
            monitor: true,
            services: vec![],
            origin,
        });
        self
    }

    fn host_ref(&self, name: &str) -> &Host {
        self.model
            .host(name)
            .unwrap_or_else(|| panic!("no host {name}"))
    }

    fn primary(&self, host: &str) -> (String, IpAddr) {
        let a = &self.host_ref(host).addresses[0];
        (a.zone.clone(), a.address)
    }

    /// A service of `kind` listening on `port` on `hosts` (placed at their primary address).
    pub fn service_of(mut self, name: &str, kind: ServiceKind, port: u16, hosts: &[&str]) -> Self {
        let origin = at(self.next_line());
        let placements = hosts
            .iter()
            .map(|h| {
                let (zone, address) = self.primary(h);
                Placement {
                    host: h.to_string(),
                    zone,
                    address,
                }
            })
            .collect();
        self.model.services.push(Service {
            name: name.into(),
            kind,
            image: format!("{name}:1"),
            port: Some(port),
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            placements,
            replicas: 1,
            health: None,
            env: vec![],
            caps: vec![],
            read_only: true,
            limits: None,
            depends: vec![],
            metrics: None,
            origin,
        });
        self
    }

    /// An application service.
    pub fn service(self, name: &str, port: u16, hosts: &[&str]) -> Self {
        self.service_of(name, ServiceKind::App, port, hosts)
    }

    /// A load balancer on `hosts` with `vip` (in zone key `vip_zone`) and backends
    /// `(service, port)` whose servers are the service's hosts.
    pub fn lb(
        mut self,
        name: &str,
        hosts: &[&str],
        vip: &str,
        vip_zone: &str,
        backends: &[(&str, u16)],
    ) -> Self {
        let origin = at(self.next_line());
        let backends = backends
            .iter()
            .map(|&(svc, port)| {
                let service = self
                    .model
                    .service(svc)
                    .unwrap_or_else(|| panic!("no service {svc}"));
                let servers = service
                    .placements
                    .iter()
                    .map(|p| Server {
                        host: p.host.clone(),
                        site: self.host_ref(&p.host).site.clone(),
                        address: p.address,
                        weight: 1,
                        backup: false,
                    })
                    .collect();
                Backend {
                    name: svc.into(),
                    service: svc.into(),
                    port,
                    servers,
                    check: None,
                    reencrypt: None,
                }
            })
            .collect();
        self.model.load_balancers.push(LoadBalancer {
            name: name.into(),
            fqdn: None,
            hosts: hosts.iter().map(|h| h.to_string()).collect(),
            vip: ip(vip),
            vip_zone: vip_zone.into(),
            tls: None,
            algorithm: Algorithm::Roundrobin,
            backends,
            maxconn: None,
            rate_limit: None,
            allow: vec![],
            deny: vec![],
            stats_port: None,
            timeouts: Timeouts {
                connect_ms: 5000,
                client_ms: 30000,
                server_ms: 30000,
            },
            origin,
        });
        self
    }

    /// An HA group of `members` (highest priority first) around `vip`.
    pub fn ha(mut self, name: &str, vip: &str, members: &[&str]) -> Self {
        let origin = at(self.next_line());
        let zone = self.primary(members[0]).0;
        let members = members
            .iter()
            .enumerate()
            .map(|(i, h)| HaMember {
                host: h.to_string(),
                priority: 150 - i as u8 * 10,
                address: self.primary(h).1,
                interface: "eth0".into(),
            })
            .collect();
        self.model.ha_groups.push(HaGroup {
            name: name.into(),
            vips: vec![ip(vip)],
            prefix_len: 24,
            zone,
            vrid: 51,
            members,
            track: None,
            auth: None,
            advert_ms: 1000,
            preempt: true,
            notify: None,
            origin,
        });
        self
    }

    /// A database cluster.
    pub fn db(mut self, name: &str, primary: &str, replicas: &[&str], port: u16) -> Self {
        let origin = at(self.next_line());
        let node = |b: &Builder, h: &str, id: u32| {
            let (zone, address) = b.primary(h);
            DbNode {
                host: h.into(),
                address,
                zone,
                server_id: id,
            }
        };
        let primary = node(&self, primary, 1);
        let replicas = replicas
            .iter()
            .enumerate()
            .map(|(i, h)| node(&self, h, i as u32 + 2))
            .collect();
        self.model.databases.push(Database {
            name: name.into(),
            flavour: Flavour::Mariadb,
            primary,
            replicas,
            gtid: true,
            replication_user: "repl".into(),
            replication_password: Some(SecretRef::new("db-repl")),
            read_only: true,
            databases: vec![],
            users: vec![],
            port,
            backup: None,
            origin,
        });
        self
    }

    /// Monitoring by service `server`, scraping `(host, port)` targets.
    pub fn monitoring(mut self, server: &str, targets: &[(&str, u16)]) -> Self {
        let origin = at(self.next_line());
        let targets = targets
            .iter()
            .map(|&(h, port)| ScrapeTarget {
                job: "node".into(),
                exporter: Exporter::Node,
                host: h.into(),
                address: self.primary(h).1,
                port,
                path: "/metrics".into(),
            })
            .collect();
        self.model.monitoring = Some(Monitoring {
            server: server.into(),
            interval_ms: 15000,
            targets,
            alerts: vec![],
            origin,
        });
        self
    }

    /// DNS served by `servers`.
    pub fn dns(mut self, servers: &[&str]) -> Self {
        self.model.dns.servers = servers.iter().map(|s| s.to_string()).collect();
        self.model.dns.ttl_s = 3600;
        self
    }

    /// A firewall `name` in `site` forwarding `spec` to `target` (a load balancer or host).
    pub fn forward(mut self, name: &str, site: &str, spec: &str, target: &str) -> Self {
        let origin = at(self.next_line());
        let (target_zone, target_address) =
            match self.model.load_balancers.iter().find(|l| l.name == target) {
                Some(l) => (l.vip_zone.clone(), l.vip),
                None => self.primary(target),
            };
        let forward = Forward {
            interface: "wan".into(),
            external: ip("203.0.113.10"),
            ports: specs(&[spec])[0].clone(),
            target: target.into(),
            target_address,
            target_zone,
            origin: origin.clone(),
        };
        if let Some(d) = self.model.devices.iter_mut().find(|d| d.name == name) {
            d.forwards.push(forward);
            return self;
        }
        self.model.devices.push(Device {
            name: name.into(),
            site: site.into(),
            kind: DeviceKind::Firewall,
            platform: Platform::Opnsense,
            interfaces: vec![],
            routing: true,
            management: None,
            ssh: None,
            ospf: None,
            carp: None,
            forwards: vec![forward],
            origin,
        });
        self
    }

    /// The model, collections sorted by name as the checker leaves them.
    pub fn build(mut self) -> Model {
        let m = &mut self.model;
        m.sites.sort_by(|a, b| a.name.cmp(&b.name));
        m.hosts.sort_by(|a, b| a.name.cmp(&b.name));
        m.services.sort_by(|a, b| a.name.cmp(&b.name));
        m.load_balancers.sort_by(|a, b| a.name.cmp(&b.name));
        m.ha_groups.sort_by(|a, b| a.name.cmp(&b.name));
        m.databases.sort_by(|a, b| a.name.cmp(&b.name));
        m.devices.sort_by(|a, b| a.name.cmp(&b.name));
        self.model
    }
}

/// A selector from its text: `internet`, `*`, `site.zone`, `*.zone`, a prefix or a name.
/// Its span is `line*100 ..` in file 0.
pub fn sel_at(text: &str, line: u32) -> SpannedSelector {
    let selector = if text == "internet" {
        Selector::Internet
    } else if text == "*" {
        Selector::AllZones
    } else if let Ok(p) = text.parse::<IpNet>() {
        Selector::Prefix(p)
    } else if let Some((site, zone)) = text.split_once('.') {
        Selector::Zone {
            site: (site != "*").then(|| site.to_string()),
            zone: zone.into(),
        }
    } else {
        Selector::Name(text.into())
    };
    let start = line as usize * 100;
    SpannedSelector {
        selector,
        span: Span::new(FileId(0), start, start + text.len()),
        text: text.into(),
    }
}

/// A selector at line 1.
pub fn sel(text: &str) -> SpannedSelector {
    sel_at(text, 1)
}

fn range(p: u16) -> PortRange {
    PortRange { start: p, end: p }
}

/// Port specs from text: `tcp/443`, `udp/53`, `tcp/8000-8080`, `icmp`, `vrrp`, `any`, or a
/// named service (`ssh`, `https`, `dns`…).
pub fn specs(texts: &[&str]) -> Vec<PortSpec> {
    let mut out = Vec::new();
    for t in texts {
        let tcp = |p| PortSpec {
            protocol: Protocol::Tcp,
            ports: vec![range(p)],
        };
        let udp = |p| PortSpec {
            protocol: Protocol::Udp,
            ports: vec![range(p)],
        };
        match *t {
            "ssh" => out.push(tcp(22)),
            "http" => out.push(tcp(80)),
            "https" => out.push(tcp(443)),
            "mysql" => out.push(tcp(3306)),
            "dns" => out.extend([udp(53), tcp(53)]),
            _ => {
                let (proto, ports) = t.split_once('/').unwrap_or((t, ""));
                let protocol = match proto {
                    "tcp" => Protocol::Tcp,
                    "udp" => Protocol::Udp,
                    "sctp" => Protocol::Sctp,
                    "icmp" => Protocol::Icmp,
                    "vrrp" => Protocol::Vrrp,
                    "ospf" => Protocol::Ospf,
                    "any" => Protocol::Any,
                    _ => panic!("bad spec {t}"),
                };
                let ports = if ports.is_empty() {
                    vec![]
                } else {
                    let (a, b) = ports.split_once('-').unwrap_or((ports, ports));
                    vec![PortRange {
                        start: a.parse().expect("port"),
                        end: b.parse().expect("port"),
                    }]
                };
                out.push(PortSpec { protocol, ports });
            }
        }
    }
    out
}

/// `allow from -> to services` named `name`, written at `line`.
pub fn rule(name: &str, from: &str, to: &str, services: &[&str], line: u32) -> RuleInput {
    let start = line as usize * 100;
    RuleInput {
        name: name.into(),
        from: sel_at(from, line),
        to: sel_at(to, line),
        services: specs(services),
        origin: at(line),
        span: Span::new(FileId(0), start, start + 50),
    }
}

fn assertion(
    kind: AssertionKind,
    policy: &str,
    from: &str,
    to: &str,
    services: &[&str],
    line: u32,
) -> AssertionInput {
    let start = line as usize * 100;
    AssertionInput {
        policy: policy.into(),
        kind,
        from: sel_at(from, line),
        to: sel_at(to, line),
        services: specs(services),
        span: Span::new(FileId(0), start, start + 50),
    }
}

/// `forbid from -> to services` in `policy`.
pub fn forbid(policy: &str, from: &str, to: &str, services: &[&str], line: u32) -> AssertionInput {
    assertion(AssertionKind::Forbid, policy, from, to, services, line)
}

/// `require from -> to services` in `policy`.
pub fn require(policy: &str, from: &str, to: &str, services: &[&str], line: u32) -> AssertionInput {
    assertion(AssertionKind::Require, policy, from, to, services, line)
}

/// Every flow as one line.
pub fn render(flows: &[Flow]) -> String {
    flows
        .iter()
        .map(|f| infrac_flows::flow_line(f) + "\n")
        .collect()
}

/// Two sites (`paris`, `lyon`) with mgmt/apps/db zones, hosts, a service, a load balancer with
/// an HA pair, a database with a replica, monitoring, DNS and a port forward.
pub fn two_sites() -> Model {
    Builder::new()
        .site(
            "paris",
            1,
            &[
                ("mgmt", 10, "10.1.10.0/24"),
                ("apps", 12, "10.1.12.0/24"),
                ("db", 13, "10.1.13.0/24"),
            ],
        )
        .site(
            "lyon",
            2,
            &[
                ("mgmt", 20, "10.2.10.0/24"),
                ("apps", 22, "10.2.12.0/24"),
                ("db", 23, "10.2.13.0/24"),
            ],
        )
        .host("admin1", "paris", &[("mgmt", "10.1.10.10")])
        .host(
            "lb1",
            "paris",
            &[("apps", "10.1.12.5"), ("mgmt", "10.1.10.5")],
        )
        .host("lb2", "lyon", &[("apps", "10.2.12.5")])
        .host("app1", "paris", &[("apps", "10.1.12.11")])
        .host("app2", "lyon", &[("apps", "10.2.12.11")])
        .host("db1", "paris", &[("db", "10.1.13.11")])
        .host("db2", "lyon", &[("db", "10.2.13.11")])
        .host("mon1", "paris", &[("mgmt", "10.1.10.20")])
        .host("ns1", "paris", &[("mgmt", "10.1.10.53")])
        .service("shop", 8080, &["app1", "app2"])
        .service_of("prometheus", ServiceKind::Monitoring, 9090, &["mon1"])
        .lb(
            "www",
            &["lb1", "lb2"],
            "10.1.12.100",
            "paris.apps",
            &[("shop", 8080)],
        )
        .ha("web", "10.1.12.100", &["lb1", "lb2"])
        .db("main", "db1", &["db2"], 3306)
        .monitoring(
            "prometheus",
            &[("app1", 9100), ("db1", 9100), ("db1", 9104), ("app1", 9100)],
        )
        .dns(&["ns1"])
        .forward("fw1", "paris", "tcp/443", "www")
        .build()
}
