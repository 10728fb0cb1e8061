//! Resolution: the [`Hir`] becomes the IR [`Model`]. Names are looked up (with "did you mean"),
//! defaults filled in, and the model's own consistency checked: HA groups, databases, secrets,
//! devices. Addressing checks live in [`crate::address`]; flows in `infrac-flows`.

use crate::hir::*;
use crate::schema::Cx;
use infrac_diag::suggest;
use infrac_diag::{Diagnostic, Span, codes};
use infrac_model::*;
use ipnet::IpNet;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr};

/// Names of everything declared, for lookups and suggestions.
pub struct Names<'h> {
    pub sites: BTreeMap<&'h str, &'h SiteH>,
    pub hosts: BTreeMap<&'h str, &'h HostH>,
    pub devices: BTreeMap<&'h str, &'h DeviceH>,
    pub services: BTreeMap<&'h str, &'h ServiceH>,
    pub lbs: BTreeMap<&'h str, &'h LbH>,
    pub secrets: BTreeMap<&'h str, &'h SecretH>,
    /// Names of zones (in any site).
    pub zones: BTreeSet<&'h str>,
}

impl Names<'_> {
    /// What kind of element `name` is, when it is not a host.
    pub fn kind_of(&self, name: &str) -> Option<&'static str> {
        if self.zones.contains(name) {
            Some("zone")
        } else if self.services.contains_key(name) {
            Some("service")
        } else if self.lbs.contains_key(name) {
            Some("load balancer")
        } else if self.devices.contains_key(name) {
            Some("device")
        } else if self.sites.contains_key(name) {
            Some("site")
        } else if self.secrets.contains_key(name) {
            Some("secret")
        } else {
            None
        }
    }
}

/// Collects names of one kind, reporting duplicates.
fn collect<'h, T>(
    cx: &mut Cx,
    kind: &str,
    items: &'h [T],
    name: impl Fn(&T) -> &Name,
) -> BTreeMap<&'h str, &'h T> {
    let mut map: BTreeMap<&str, &T> = BTreeMap::new();
    for item in items {
        let n = name(item);
        if let Some(prev) = map.get(n.v.as_str()) {
            cx.report(
                Diagnostic::error(
                    codes::E0301,
                    n.span,
                    format!("{kind} `{}` is defined twice", n.v),
                )
                .with_label("second definition")
                .with_secondary(name(prev).span, "first defined here"),
            );
        } else {
            map.insert(&n.v, item);
        }
    }
    map
}

/// Reports an unresolved reference with a suggestion.
pub fn unresolved<'a>(
    cx: &mut Cx,
    kind: &str,
    name: &Name,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) {
    if cx.dropped.contains(&name.v) {
        return; // declared, but dropped for its own errors
    }
    let mut d = Diagnostic::error(
        codes::E0302,
        name.span,
        format!("no {kind} named `{}`", name.v),
    )
    .with_label(format!("unknown {kind}"));
    if let Some(h) = suggest::help(&name.v, candidates) {
        d = d.with_help(h);
    }
    cx.report(d);
}

/// Resolved zones by key (`site.zone`) with their declaration spans.
pub struct ZoneTable {
    pub zones: BTreeMap<String, (Zone, Span)>,
    /// Zone keys by the network address of their subnet, for address lookups.
    by_network: BTreeMap<IpAddr, Vec<String>>,
    /// Zones that were declared but are invalid (already reported): references to them are
    /// not reported again.
    invalid: BTreeSet<String>,
}

impl ZoneTable {
    /// Resolves a zone reference written in `site`'s context.
    pub fn resolve(&self, cx: &mut Cx, site: &str, r: &ZoneRef) -> Option<&Zone> {
        let key = match r.v.as_slice() {
            [z] => format!("{site}.{z}"),
            [s, z] => format!("{s}.{z}"),
            _ => return None,
        };
        if let Some((z, _)) = self.zones.get(&key) {
            return Some(z);
        }
        if self.invalid.contains(&key) {
            return None;
        }
        let written = r.v.join(".");
        let in_site: Vec<&str> = self
            .zones
            .values()
            .filter(|(z, _)| r.v.len() == 2 || z.site == site)
            .map(|(z, _)| {
                if r.v.len() == 2 {
                    z.key.as_str()
                } else {
                    z.name.as_str()
                }
            })
            .collect();
        let where_ = if r.v.len() == 1 {
            format!(" in site `{site}`")
        } else {
            String::new()
        };
        let mut d = Diagnostic::error(codes::E0302, r.span, format!("no zone `{written}`{where_}"))
            .with_label("unknown zone");
        if let Some(h) = suggest::help(&written, in_site.iter().copied()) {
            d = d.with_help(h);
        }
        cx.report(d);
        None
    }

    /// The zone whose subnet contains `addr`.
    pub fn containing(&self, addr: IpAddr) -> Option<&Zone> {
        // Zones of a valid model do not overlap, so the containing zone is the one with the
        // greatest network address not above `addr`; overlapping (invalid) zones are all tried.
        self.by_network
            .range(..=addr)
            .rev()
            .take(8)
            .flat_map(|(_, keys)| keys.iter())
            .filter_map(|k| self.zones.get(k).map(|(z, _)| z))
            .find(|z| z.subnet.contains(&addr))
    }

    fn index(&mut self) {
        self.by_network.clear();
        for (key, (z, _)) in &self.zones {
            self.by_network
                .entry(z.subnet.network())
                .or_default()
                .push(key.clone());
        }
    }
}

pub fn secret_ref(cx: &mut Cx, names: &Names, n: &Name) -> Option<SecretRef> {
    if names.secrets.contains_key(n.v.as_str()) {
        Some(SecretRef::new(&n.v))
    } else {
        unresolved(cx, "secret", n, names.secrets.keys().copied());
        None
    }
}

/// Builds the model (without flows) from the HIR.
pub fn resolve(cx: &mut Cx, hir: &Hir) -> Option<(Model, ZoneTable)> {
    let names = Names {
        sites: collect(cx, "site", &hir.sites, |s| &s.name),
        hosts: collect(cx, "host", &hir.hosts, |h| &h.name),
        devices: collect(cx, "device", &hir.devices, |d| &d.name),
        services: collect(cx, "service", &hir.services, |s| &s.name),
        lbs: collect(cx, "loadbalancer", &hir.lbs, |l| &l.name),
        secrets: collect(cx, "secret", &hir.secrets, |s| &s.name),
        zones: hir
            .sites
            .iter()
            .flat_map(|s| s.zones.iter().map(|z| z.name.v.as_str()))
            .collect(),
    };
    collect(cx, "link", &hir.links, |l| &l.name);
    collect(cx, "ha group", &hir.has, |h| &h.name);
    collect(cx, "database", &hir.dbs, |d| &d.name);
    collect(cx, "policy", &hir.policies, |p| &p.name);

    let project = project(cx, hir)?;
    let secrets = hir
        .secrets
        .iter()
        .filter_map(|s| {
            Some(Secret {
                name: s.name.v.clone(),
                source: s.source.clone()?,
                max_length: s.max_length,
                placeholder: secret_placeholder(&s.name.v),
            })
        })
        .collect::<Vec<_>>();
    let (sites, zones) = sites(cx, hir);
    let hosts = hosts(cx, hir, &names, &zones);
    let host_map: BTreeMap<&str, &Host> = hosts.iter().map(|h| (h.name.as_str(), h)).collect();
    let (mut devices, links) = crate::devices::devices(cx, hir, &names, &zones, &host_map);
    let services = services(cx, hir, &names, &zones, &host_map, &project);
    dependency_cycles(cx, hir);
    let svc_map: BTreeMap<&str, &Service> = services.iter().map(|s| (s.name.as_str(), s)).collect();
    let load_balancers = load_balancers(cx, hir, &names, &zones, &host_map, &svc_map);
    let ha_groups = ha_groups(cx, hir, &names, &zones, &host_map);
    let databases = databases(cx, hir, &names, &host_map);
    crate::devices::forwards(cx, hir, &mut devices, &host_map, &load_balancers, &zones);
    let monitoring = monitoring(
        cx,
        hir,
        &names,
        &hosts,
        &svc_map,
        &load_balancers,
        &databases,
    );
    let dns = dns(
        cx,
        hir,
        &names,
        &project,
        &hosts,
        &services,
        &load_balancers,
    );
    let rules = hir
        .rules
        .iter()
        .map(|r| Rule {
            name: r.input.name.clone(),
            from: r.input.from.text.clone(),
            to: r.input.to.text.clone(),
            services: r.input.services.clone(),
            why: r.why.clone(),
            owner: r.owner.clone().or_else(|| project.owner.clone()),
            expires: r
                .expires
                .as_ref()
                .map(|e| format!("{:04}-{:02}-{:02}", e.v.0, e.v.1, e.v.2)),
            origin: r.input.origin.clone(),
        })
        .collect();
    let policies = hir
        .policies
        .iter()
        .map(|p| Policy {
            name: p.name.v.clone(),
            description: p.description.clone(),
            assertions: p
                .assertions
                .iter()
                .map(|a| Assertion {
                    kind: a.kind,
                    from: a.from.text.clone(),
                    to: a.to.text.clone(),
                    services: a.services.clone(),
                    origin: cx.origin(a.span),
                })
                .collect(),
            checks: p
                .checks
                .iter()
                .map(|(check, span)| PolicyCheck {
                    check: *check,
                    origin: cx.origin(*span),
                })
                .collect(),
        })
        .collect();
    let mut model = Model {
        ir_version: IR_VERSION.to_string(),
        project,
        secrets,
        sites,
        devices,
        links,
        hosts,
        services,
        load_balancers,
        ha_groups,
        databases,
        rules,
        flows: Vec::new(),
        monitoring,
        dns,
        policies,
    };
    sort_model(&mut model);
    Some((model, zones))
}

fn sort_model(m: &mut Model) {
    m.secrets.sort_by(|a, b| a.name.cmp(&b.name));
    m.sites.sort_by(|a, b| a.name.cmp(&b.name));
    m.devices.sort_by(|a, b| a.name.cmp(&b.name));
    m.links.sort_by(|a, b| a.name.cmp(&b.name));
    m.hosts.sort_by(|a, b| a.name.cmp(&b.name));
    m.services.sort_by(|a, b| a.name.cmp(&b.name));
    m.load_balancers.sort_by(|a, b| a.name.cmp(&b.name));
    m.ha_groups.sort_by(|a, b| a.name.cmp(&b.name));
    m.databases.sort_by(|a, b| a.name.cmp(&b.name));
    m.rules
        .sort_by(|a, b| a.origin.cmp(&b.origin).then(a.name.cmp(&b.name)));
    m.policies.sort_by(|a, b| a.name.cmp(&b.name));
}

fn project(cx: &mut Cx, hir: &Hir) -> Option<Project> {
    let Some(first) = hir.projects.first() else {
        cx.report(
            Diagnostic::error(codes::E0306, Span::default(), "the model has no `project`")
                .with_help("add `project NAME { domain \"example.com\" }` to one file"),
        );
        return None;
    };
    for extra in &hir.projects[1..] {
        cx.report(
            Diagnostic::error(
                codes::E0306,
                extra.span,
                "a model has exactly one `project`",
            )
            .with_secondary(first.span, "first project here"),
        );
    }
    Some(Project {
        name: first.name.v.clone(),
        domain: first.domain.clone().unwrap_or_default(),
        registry: first.registry.clone(),
        owner: first.owner.clone(),
        ntp: first.ntp.clone(),
        syslog: first.syslog.clone(),
        banner: first.banner.clone(),
        plugins: first.plugins.clone(),
        waivers: first
            .waivers
            .iter()
            .map(|(policy, why, span)| Waiver {
                policy: policy.v.clone(),
                why: why.clone(),
                origin: cx.origin(*span),
            })
            .collect(),
    })
}

fn sites(cx: &mut Cx, hir: &Hir) -> (Vec<Site>, ZoneTable) {
    let mut table = ZoneTable {
        zones: BTreeMap::new(),
        by_network: BTreeMap::new(),
        invalid: BTreeSet::new(),
    };
    let mut sites = Vec::new();
    let mut ids: BTreeMap<u32, Span> = BTreeMap::new();
    for (i, s) in hir.sites.iter().enumerate() {
        let id = s.id.as_ref().map(|i| i.v).unwrap_or(i as u32 + 1);
        if let Some(idspan) = &s.id
            && let Some(prev) = ids.insert(id, idspan.span)
        {
            cx.report(
                Diagnostic::error(
                    codes::E0301,
                    idspan.span,
                    format!("site id {id} is used twice"),
                )
                .with_secondary(prev, "first used here"),
            );
        }
        let mut zones = Vec::new();
        let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
        for z in &s.zones {
            if let Some(prev) = seen.insert(&z.name.v, z.name.span) {
                cx.report(
                    Diagnostic::error(
                        codes::E0301,
                        z.name.span,
                        format!(
                            "zone `{}` is defined twice in site `{}`",
                            z.name.v, s.name.v
                        ),
                    )
                    .with_secondary(prev, "first defined here"),
                );
                continue;
            }
            if let Some(zone) = crate::address::zone(cx, &s.name.v, z) {
                table.zones.insert(zone.key.clone(), (zone.clone(), z.span));
                zones.push(zone);
            } else {
                table.invalid.insert(format!("{}.{}", s.name.v, z.name.v));
            }
        }
        zones.sort_by(|a, b| (a.vlan, &a.name).cmp(&(b.vlan, &b.name)));
        sites.push(Site {
            name: s.name.v.clone(),
            id,
            description: s.description.clone(),
            zones,
            origin: cx.origin(s.span),
        });
    }
    table.index();
    crate::address::check_zones(cx, hir, &table);
    (sites, table)
}

fn hosts(cx: &mut Cx, hir: &Hir, names: &Names, zones: &ZoneTable) -> Vec<Host> {
    let mut out = Vec::new();
    for h in &hir.hosts {
        let Some(site) = &h.site else { continue };
        if !names.sites.contains_key(site.v.as_str()) {
            unresolved(cx, "site", site, names.sites.keys().copied());
            cx.dropped.insert(h.name.v.clone());
            continue;
        }
        let mut addresses: Vec<HostAddress> = Vec::new();
        for (i, (zref, ip, iface)) in h.addresses.iter().enumerate() {
            let Some(zone) = zones.resolve(cx, &site.v, zref) else {
                continue;
            };
            if let Some(prev) = addresses.iter().find(|a| a.zone == zone.key) {
                cx.report(
                    Diagnostic::error(
                        codes::E0204,
                        zref.span,
                        format!(
                            "host `{}` has two addresses in zone `{}`",
                            h.name.v, zone.key
                        ),
                    )
                    .with_help(format!("the first is {}", prev.address)),
                );
                continue;
            }
            if !crate::address::host_in_zone(cx, zone, ip, &format!("host `{}`", h.name.v)) {
                continue;
            }
            addresses.push(HostAddress {
                zone: zone.key.clone(),
                address: ip.v,
                prefix_len: zone.subnet.prefix_len(),
                interface: iface.clone().unwrap_or_else(|| format!("eth{i}")),
                gateway: zone.gateway,
            });
        }
        out.push(Host {
            name: h.name.v.clone(),
            site: site.v.clone(),
            addresses,
            role: h.role.clone(),
            monitor: h.monitor,
            services: Vec::new(),
            origin: cx.origin(h.span),
        });
    }
    let index: BTreeMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, h)| (h.name.clone(), i))
        .collect();
    for s in &hir.services {
        for n in &s.on {
            if let Some(h) = index.get(&n.v).and_then(|&i| out.get_mut(i))
                && !h.services.contains(&s.name.v)
            {
                h.services.push(s.name.v.clone());
                h.services.sort();
            }
        }
    }
    out
}

/// Looks up a host, reporting an unresolved reference.
pub fn host<'m>(
    cx: &mut Cx,
    hosts: &BTreeMap<&str, &'m Host>,
    names: &Names,
    n: &Name,
) -> Option<&'m Host> {
    match hosts.get(n.v.as_str()) {
        Some(h) => Some(h),
        None => {
            // A host that exists but failed to resolve was already reported.
            if names.hosts.contains_key(n.v.as_str()) {
                return None;
            }
            match names.kind_of(&n.v) {
                Some(kind) => cx.report(
                    Diagnostic::error(
                        codes::E0303,
                        n.span,
                        format!("`{}` is a {kind}, not a host", n.v),
                    )
                    .with_label("expected a host")
                    .with_help(
                        match suggest::closest(&n.v, names.hosts.keys().copied()) {
                            Some(c) => format!("name a host here; did you mean `{c}`?"),
                            None => "name a host here".to_string(),
                        },
                    ),
                ),
                None => unresolved(cx, "host", n, names.hosts.keys().copied()),
            }
            None
        }
    }
}

/// Reports names listed twice in one group.
fn no_duplicates(cx: &mut Cx, what: &str, items: &[&Name]) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for n in items {
        if let Some(prev) = seen.insert(&n.v, n.span) {
            cx.report(
                Diagnostic::error(
                    codes::E0504,
                    n.span,
                    format!("`{}` is listed twice in {what}", n.v),
                )
                .with_secondary(prev, "first listed here"),
            );
        }
    }
}

fn services(
    cx: &mut Cx,
    hir: &Hir,
    names: &Names,
    zones: &ZoneTable,
    hosts: &BTreeMap<&str, &Host>,
    project: &Project,
) -> Vec<Service> {
    let mut out = Vec::new();
    for s in &hir.services {
        no_duplicates(
            cx,
            &format!("service `{}`", s.name.v),
            &s.on.iter().collect::<Vec<_>>(),
        );
        let mut placements = Vec::new();
        for n in &s.on {
            let Some(h) = host(cx, hosts, names, n) else {
                continue;
            };
            let Some(primary) = h.addresses.first() else {
                continue;
            };
            let zone_key = match &s.zone {
                Some(z) => match zones.resolve(cx, &h.site, z) {
                    Some(z) => z.key.clone(),
                    None => continue,
                },
                None => primary.zone.clone(),
            };
            match h.addresses.iter().find(|a| a.zone == zone_key) {
                Some(a) => placements.push(Placement {
                    host: h.name.clone(),
                    zone: zone_key,
                    address: a.address,
                }),
                None => cx.report(
                    Diagnostic::error(
                        codes::E0505,
                        n.span,
                        format!("host `{}` has no address in zone `{zone_key}`", h.name),
                    )
                    .with_help(format!(
                        "give `{}` an address in `{zone_key}`, or set the service's `zone`",
                        h.name
                    )),
                ),
            }
        }
        placements.sort_by(|a, b| a.host.cmp(&b.host));
        let mut depends = Vec::new();
        for d in &s.depends {
            if names.services.contains_key(d.v.as_str()) {
                depends.push(d.v.clone());
            } else {
                unresolved(cx, "service", d, names.services.keys().copied());
            }
        }
        depends.sort();
        let mut env = Vec::new();
        for (k, v) in &s.env {
            let value = match v {
                EnvH::Plain(p) => EnvValue::Plain(p.clone()),
                EnvH::Secret(n) => match secret_ref(cx, names, n) {
                    Some(r) => EnvValue::Secret(r),
                    None => continue,
                },
            };
            env.push(EnvVar {
                name: k.clone(),
                value,
            });
        }
        env.sort_by(|a, b| a.name.cmp(&b.name));
        let image = s.image.clone().unwrap_or_default();
        let image = match &project.registry {
            Some(reg) if !image_has_registry(&image) => {
                format!("{}/{image}", reg.trim_end_matches('/'))
            }
            _ => image,
        };
        let mut caps = s.caps.clone();
        caps.sort();
        caps.dedup();
        let mut hosts_of: Vec<String> = s.on.iter().map(|n| n.v.clone()).collect();
        hosts_of.sort();
        hosts_of.dedup();
        out.push(Service {
            name: s.name.v.clone(),
            kind: s.kind,
            image,
            port: s.port,
            hosts: hosts_of,
            placements,
            replicas: s.replicas,
            health: s.health.clone(),
            env,
            caps,
            read_only: s.read_only,
            limits: s.limits.clone(),
            depends,
            metrics: s.metrics.clone(),
            origin: cx.origin(s.span),
        });
    }
    out
}

/// Services whose `depends` form a cycle (or name themselves) could never start: E0509 at
/// the entry that closes each cycle.
fn dependency_cycles(cx: &mut Cx, hir: &Hir) {
    let deps: BTreeMap<&str, &ServiceH> = hir
        .services
        .iter()
        .map(|s| (s.name.v.as_str(), s))
        .collect();
    // Depth-first search with colours: 1 = on the stack, 2 = done.
    fn visit<'h>(
        name: &'h str,
        deps: &BTreeMap<&'h str, &'h ServiceH>,
        colour: &mut BTreeMap<&'h str, u8>,
        stack: &mut Vec<&'h str>,
        found: &mut Vec<(Vec<String>, Span)>,
    ) {
        colour.insert(name, 1);
        stack.push(name);
        if let Some(s) = deps.get(name) {
            for d in &s.depends {
                match colour.get(d.v.as_str()) {
                    Some(1) => {
                        let start = stack.iter().position(|n| *n == d.v).unwrap_or(0);
                        let mut cycle: Vec<String> =
                            stack[start..].iter().map(|n| n.to_string()).collect();
                        cycle.push(d.v.clone());
                        found.push((cycle, d.span));
                    }
                    Some(_) => {}
                    None if deps.contains_key(d.v.as_str()) => {
                        visit(&d.v, deps, colour, stack, found)
                    }
                    None => {}
                }
            }
        }
        stack.pop();
        colour.insert(name, 2);
    }
    let mut colour = BTreeMap::new();
    let mut found = Vec::new();
    for name in deps.keys() {
        if !colour.contains_key(name) {
            visit(name, &deps, &mut colour, &mut Vec::new(), &mut found);
        }
    }
    for (cycle, span) in found {
        cx.report(
            Diagnostic::error(
                codes::E0509,
                span,
                format!(
                    "services depend on each other in a cycle: {}",
                    cycle.join(" -> ")
                ),
            )
            .with_label("closes the cycle")
            .with_help("remove one `depends` entry so one of them can start first"),
        );
    }
}

/// Whether an image reference names its registry (`host.tld/…`, `host:5000/…`, `localhost/…`).
fn image_has_registry(image: &str) -> bool {
    match image.split_once('/') {
        Some((first, _)) => first.contains('.') || first.contains(':') || first == "localhost",
        None => false,
    }
}

fn load_balancers(
    cx: &mut Cx,
    hir: &Hir,
    names: &Names,
    zones: &ZoneTable,
    hosts: &BTreeMap<&str, &Host>,
    services: &BTreeMap<&str, &Service>,
) -> Vec<LoadBalancer> {
    let mut out = Vec::new();
    for l in &hir.lbs {
        // A wrong VIP drops the load balancer, but its hosts and backends are still checked.
        let zone = l
            .vip
            .as_ref()
            .and_then(|vip| match zones.containing(vip.v) {
                Some(zone) => {
                    crate::address::host_in_zone(cx, zone, vip, "the VIP");
                    Some(zone)
                }
                None => {
                    cx.report(
                        Diagnostic::error(
                            codes::E0405,
                            vip.span,
                            format!("VIP {} lies in no zone", vip.v),
                        )
                        .with_help("a VIP must be an address of one of the model's zones"),
                    );
                    None
                }
            });
        no_duplicates(
            cx,
            &format!("loadbalancer `{}`", l.name.v),
            &l.on.iter().collect::<Vec<_>>(),
        );
        let mut lb_hosts = Vec::new();
        for n in &l.on {
            let Some(h) = host(cx, hosts, names, n) else {
                continue;
            };
            if let Some(zone) = zone.filter(|z| !h.addresses.iter().any(|a| a.zone == z.key)) {
                cx.report(
                    Diagnostic::error(
                        codes::E0505,
                        n.span,
                        format!(
                            "host `{}` has no address in zone `{}`, where the VIP is",
                            h.name, zone.key
                        ),
                    )
                    .with_help(format!("give `{}` an address in `{}`", h.name, zone.key)),
                );
            }
            lb_hosts.push(h.name.clone());
        }
        lb_hosts.sort();
        lb_hosts.dedup();
        let mut backends = Vec::new();
        for b in &l.backends {
            let Some(svc) = services.get(b.service.v.as_str()) else {
                if !names.services.contains_key(b.service.v.as_str()) {
                    unresolved(cx, "service", &b.service, names.services.keys().copied());
                }
                continue;
            };
            let Some(port) = b.port.or(svc.port) else {
                cx.report(
                    Diagnostic::error(
                        codes::E0203,
                        b.service.span,
                        format!(
                            "backend `{}` has no port, and service `{}` declares none",
                            b.service.v, svc.name
                        ),
                    )
                    .with_help("add `port N` to the backend or the service"),
                );
                continue;
            };
            let servers_of: BTreeMap<&str, &Placement> = svc
                .placements
                .iter()
                .map(|p| (p.host.as_str(), p))
                .collect();
            for (n, _) in &b.weights {
                if !servers_of.contains_key(n.v.as_str()) {
                    unresolved(
                        cx,
                        &format!("server of `{}`", svc.name),
                        n,
                        servers_of.keys().copied(),
                    );
                }
            }
            no_duplicates(
                cx,
                &format!("the backup list of `{}`", svc.name),
                &b.backup.iter().collect::<Vec<_>>(),
            );
            for n in &b.backup {
                if !servers_of.contains_key(n.v.as_str()) {
                    unresolved(
                        cx,
                        &format!("server of `{}`", svc.name),
                        n,
                        servers_of.keys().copied(),
                    );
                }
            }
            let servers = svc
                .placements
                .iter()
                .map(|p| Server {
                    host: p.host.clone(),
                    site: hosts
                        .get(p.host.as_str())
                        .map(|h| h.site.clone())
                        .unwrap_or_default(),
                    address: p.address,
                    weight: b
                        .weights
                        .iter()
                        .find(|(n, _)| n.v == p.host)
                        .map(|(_, w)| *w)
                        .unwrap_or(1),
                    backup: b.backup.iter().any(|n| n.v == p.host),
                })
                .collect();
            backends.push(Backend {
                name: svc.name.clone(),
                service: svc.name.clone(),
                port,
                servers,
                check: b.check.clone(),
                reencrypt: b.reencrypt.clone().map(|ca| Reencrypt { ca }),
            });
        }
        backends.sort_by(|a, b| a.name.cmp(&b.name));
        if backends.is_empty() && l.backends.is_empty() {
            cx.report(
                Diagnostic::error(
                    codes::E0203,
                    l.span,
                    format!("loadbalancer `{}` has no `backend`", l.name.v),
                )
                .with_help("add `backend SERVICE { … }`"),
            );
        }
        let (Some(vip), Some(zone)) = (&l.vip, zone) else {
            cx.dropped.insert(l.name.v.clone());
            continue;
        };
        out.push(LoadBalancer {
            name: l.name.v.clone(),
            fqdn: l.fqdn.clone(),
            hosts: lb_hosts,
            vip: vip.v,
            vip_zone: zone.key.clone(),
            tls: l.tls.clone().map(|(cert, redirect)| Tls { cert, redirect }),
            algorithm: l.algorithm,
            backends,
            maxconn: l.maxconn,
            rate_limit: l.rate.map(|(requests, period_ms)| RateLimit {
                requests,
                period_ms,
            }),
            allow: l.allow.clone(),
            deny: l.deny.clone(),
            // Monitoring scrapes every load balancer's metrics endpoint: one is served on the
            // conventional port 8404 unless `stats` names another.
            stats_port: l.stats.or((!hir.monitoring.is_empty()).then_some(8404)),
            timeouts: l.timeouts.clone(),
            origin: cx.origin(l.span),
        });
    }
    out
}

fn ha_groups(
    cx: &mut Cx,
    hir: &Hir,
    names: &Names,
    zones: &ZoneTable,
    hosts: &BTreeMap<&str, &Host>,
) -> Vec<HaGroup> {
    let mut out: Vec<HaGroup> = Vec::new();
    let mut vrids: BTreeMap<(String, u8), (String, Span)> = BTreeMap::new();
    for (gi, g) in hir.has.iter().enumerate() {
        let Some(first) = g.vips.first() else {
            continue;
        };
        let Some(zone) = zones.containing(first.v) else {
            cx.report(
                Diagnostic::error(
                    codes::E0405,
                    first.span,
                    format!("VIP {} lies in no zone", first.v),
                )
                .with_help("a VIP must be an address of one of the model's zones"),
            );
            continue;
        };
        for v in &g.vips {
            if crate::address::host_in_zone(cx, zone, v, "the VIP") {}
        }
        no_duplicates(
            cx,
            &format!("ha `{}`", g.name.v),
            &g.members.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        );
        let mut members = Vec::new();
        for (i, (n, prio)) in g.members.iter().enumerate() {
            let Some(h) = host(cx, hosts, names, n) else {
                continue;
            };
            let priority = match prio {
                Some(p) if (1..=254).contains(&p.v) => p.v as u8,
                Some(p) => {
                    cx.report(
                        Diagnostic::error(
                            codes::E0502,
                            p.span,
                            format!("priority {} is out of range", p.v),
                        )
                        .with_label("must be 1–254")
                        .with_help(
                            "use a priority from 1 to 254; the highest live member holds the VIP",
                        ),
                    );
                    continue;
                }
                None => (150u8).saturating_sub(50 * (i.min(2) as u8)).max(1),
            };
            let Some(addr) = h.addresses.iter().find(|a| a.zone == zone.key) else {
                cx.report(Diagnostic::error(
                    codes::E0505,
                    n.span,
                    format!(
                        "member `{}` has no address in zone `{}`, where the VIP is",
                        h.name, zone.key
                    ),
                ));
                continue;
            };
            members.push(HaMember {
                host: h.name.clone(),
                priority,
                address: addr.address,
                interface: addr.interface.clone(),
            });
        }
        members.sort_by(|a, b| b.priority.cmp(&a.priority).then(a.host.cmp(&b.host)));
        let vrid = match &g.vrid {
            Some(v) if (1..=255).contains(&v.v) => v.v as u8,
            Some(v) => {
                cx.report(
                    Diagnostic::error(
                        codes::E0206,
                        v.span,
                        format!("vrid {} is out of range", v.v),
                    )
                    .with_label("must be 1–255"),
                );
                continue;
            }
            None => (50 + gi % 200) as u8,
        };
        let vspan = g.vrid.as_ref().map(|v| v.span).unwrap_or(g.name.span);
        if let Some((other, prev)) =
            vrids.insert((zone.key.clone(), vrid), (g.name.v.clone(), vspan))
        {
            cx.report(
                Diagnostic::error(
                    codes::E0501,
                    vspan,
                    format!(
                        "vrid {vrid} is already used by ha `{other}` in zone `{}`",
                        zone.key
                    ),
                )
                .with_secondary(prev, "first used here")
                .with_help("give each VRRP group on a segment its own `vrid`"),
            );
        }
        let auth = g.auth.as_ref().and_then(|a| {
            let r = secret_ref(cx, names, a)?;
            secret_fits(cx, names, a, 8, "VRRP passwords");
            Some(r)
        });
        out.push(HaGroup {
            name: g.name.v.clone(),
            vips: g.vips.iter().map(|v| v.v).collect(),
            prefix_len: zone.subnet.prefix_len(),
            zone: zone.key.clone(),
            vrid,
            members,
            track: g.track.clone(),
            auth,
            advert_ms: g.advert_ms,
            preempt: g.preempt,
            notify: g.notify.clone(),
            origin: cx.origin(g.span),
        });
    }
    out
}

fn databases(
    cx: &mut Cx,
    hir: &Hir,
    names: &Names,
    hosts: &BTreeMap<&str, &Host>,
) -> Vec<Database> {
    let mut out = Vec::new();
    for d in &hir.dbs {
        if d.primaries.len() != 1 {
            let mut diag = Diagnostic::error(
                codes::E0503,
                d.name.span,
                format!(
                    "database `{}` has {} primaries; it needs exactly one",
                    d.name.v,
                    d.primaries.len()
                ),
            );
            for p in d.primaries.iter().skip(1) {
                diag = diag.with_secondary(p.span, "another primary");
            }
            cx.report(diag.with_help("name one `primary HOST`; the other nodes are `replica`s"));
        }
        let all: Vec<&Name> = d.primaries.iter().chain(&d.replicas).collect();
        no_duplicates(cx, &format!("database `{}`", d.name.v), &all);
        let node = |cx: &mut Cx, n: &Name, id: u32| -> Option<DbNode> {
            let h = host(cx, hosts, names, n)?;
            let a = h.addresses.first()?;
            Some(DbNode {
                host: h.name.clone(),
                address: a.address,
                zone: a.zone.clone(),
                server_id: id,
            })
        };
        let primary = d.primaries.first().and_then(|p| node(cx, p, 1));
        let mut replicas = Vec::new();
        let mut seen = BTreeSet::new();
        for (i, r) in d.replicas.iter().enumerate() {
            if d.primaries.iter().any(|p| p.v == r.v) || !seen.insert(&r.v) {
                continue;
            }
            if let Some(n) = node(cx, r, i as u32 + 2) {
                replicas.push(n);
            }
        }
        let repl_password = d
            .repl_password
            .as_ref()
            .and_then(|p| secret_ref(cx, names, p));
        let mut users = Vec::new();
        for (u, p, grants) in &d.users {
            let Some(pw) = p.as_ref().and_then(|p| secret_ref(cx, names, p)) else {
                continue;
            };
            for g in grants.iter().filter(|g| !d.databases.contains(&g.v)) {
                unresolved(
                    cx,
                    &format!("database listed in `databases` of `{}`", d.name.v),
                    g,
                    d.databases.iter().map(String::as_str),
                );
            }
            let mut grants: Vec<String> = grants.iter().map(|g| g.v.clone()).collect();
            grants.sort();
            users.push(DbUser {
                name: u.clone(),
                password: pw,
                grants,
            });
        }
        users.sort_by(|a, b| a.name.cmp(&b.name));
        let (Some(primary), Some(flavour)) = (primary, d.flavour) else {
            continue;
        };
        // A cluster without replicas needs no replication password.
        let repl_password = match (
            repl_password,
            d.repl_password.is_none() && d.replicas.is_empty(),
        ) {
            (Some(p), _) => Some(p),
            (None, true) => None,
            (None, false) => continue,
        };
        let backup_host = replicas
            .first()
            .map(|r| r.host.clone())
            .unwrap_or_else(|| primary.host.clone());
        let mut databases = d.databases.clone();
        databases.sort();
        out.push(Database {
            name: d.name.v.clone(),
            flavour,
            primary,
            replicas,
            gtid: d.gtid,
            replication_user: d.repl_user.clone(),
            replication_password: repl_password,
            read_only: d.read_only,
            databases,
            users,
            port: d.port,
            backup: d.backup.clone().map(|(every_ms, kind, at, keep)| Backup {
                every_ms,
                kind,
                at,
                keep,
                host: backup_host,
            }),
            origin: cx.origin(d.span),
        });
    }
    out
}

fn monitoring(
    cx: &mut Cx,
    hir: &Hir,
    names: &Names,
    hosts: &[Host],
    services: &BTreeMap<&str, &Service>,
    lbs: &[LoadBalancer],
    dbs: &[Database],
) -> Option<Monitoring> {
    let m = hir.monitoring.first()?;
    for extra in &hir.monitoring[1..] {
        cx.report(
            Diagnostic::error(codes::E0301, extra.span, "`monitoring` is given twice")
                .with_secondary(m.span, "first given here"),
        );
    }
    let server = m.server.as_ref()?;
    if !services.contains_key(server.v.as_str()) {
        if !names.services.contains_key(server.v.as_str()) {
            unresolved(cx, "service", server, names.services.keys().copied());
        }
        return None;
    }
    let mut targets = Vec::new();
    for h in hosts.iter().filter(|h| h.monitor) {
        if let Some(a) = h.addresses.first() {
            targets.push(ScrapeTarget {
                job: "node".into(),
                exporter: Exporter::Node,
                host: h.name.clone(),
                address: a.address,
                port: 9100,
                path: "/metrics".into(),
            });
        }
    }
    // The first address of the first host of each name, looked up for every load balancer and
    // database member.
    let mut first_address: HashMap<&str, Option<IpAddr>> = HashMap::with_capacity(hosts.len());
    for h in hosts {
        first_address
            .entry(h.name.as_str())
            .or_insert_with(|| h.addresses.first().map(|a| a.address));
    }
    let host_addr = |name: &str| first_address.get(name).copied().flatten();
    for lb in lbs {
        for h in &lb.hosts {
            if let Some(address) = host_addr(h) {
                targets.push(ScrapeTarget {
                    job: "haproxy".into(),
                    exporter: Exporter::Haproxy,
                    host: h.clone(),
                    address,
                    port: lb.stats_port.unwrap_or(8404), // set whenever monitoring is
                    path: "/metrics".into(),
                });
            }
        }
    }
    for db in dbs {
        for n in std::iter::once(&db.primary).chain(&db.replicas) {
            targets.push(ScrapeTarget {
                job: "mysqld".into(),
                exporter: Exporter::Mysqld,
                host: n.host.clone(),
                address: n.address,
                port: 9104,
                path: "/metrics".into(),
            });
        }
    }
    for s in services.values() {
        if let (Some(path), Some(port)) = (&s.metrics, s.port) {
            for p in &s.placements {
                targets.push(ScrapeTarget {
                    job: s.name.clone(),
                    exporter: Exporter::App,
                    host: p.host.clone(),
                    address: p.address,
                    port,
                    path: path.clone(),
                });
            }
        }
    }
    targets.sort();
    targets.dedup();
    let mut alerts: Vec<Alert> = m
        .alerts
        .iter()
        .map(|a| Alert {
            kind: a.kind,
            above: a.above.clone(),
            for_ms: a.for_ms,
            origin: cx.origin(a.span),
        })
        .collect();
    alerts.sort_by(|a, b| a.kind.cmp(&b.kind).then(a.origin.cmp(&b.origin)));
    Some(Monitoring {
        server: server.v.clone(),
        interval_ms: m.interval_ms,
        targets,
        alerts,
        origin: cx.origin(m.span),
    })
}

fn dns(
    cx: &mut Cx,
    hir: &Hir,
    names: &Names,
    project: &Project,
    hosts: &[Host],
    services: &[Service],
    lbs: &[LoadBalancer],
) -> Dns {
    let Some(d) = hir.dns.first() else {
        return Dns {
            servers: Vec::new(),
            ttl_s: 3600,
            records: Vec::new(),
        };
    };
    for extra in &hir.dns[1..] {
        cx.report(
            Diagnostic::error(codes::E0301, extra.span, "`dns` is given twice")
                .with_secondary(d.span, "first given here"),
        );
    }
    let mut servers = Vec::new();
    for s in &d.servers {
        if names.hosts.contains_key(s.v.as_str()) {
            servers.push(s.v.clone());
        } else {
            unresolved(cx, "host", s, names.hosts.keys().copied());
        }
    }
    servers.sort();
    servers.dedup();
    let mut records = Vec::new();
    // By name (the first of each name), so each record is not a scan of every host.
    fn first_by_name<T>(items: &[T], name: impl Fn(&T) -> &str) -> HashMap<&str, &T> {
        let mut map = HashMap::with_capacity(items.len());
        for item in items {
            map.entry(name(item)).or_insert(item);
        }
        map
    }
    let (host_by_name, lb_by_name, service_by_name) = (
        first_by_name(hosts, |h| h.name.as_str()),
        first_by_name(lbs, |l| l.name.as_str()),
        first_by_name(services, |s| s.name.as_str()),
    );
    let addresses_of = |name: &str| -> Option<Vec<IpAddr>> {
        if let Some(h) = host_by_name.get(name) {
            return Some(h.addresses.first().map(|a| a.address).into_iter().collect());
        }
        if let Some(l) = lb_by_name.get(name) {
            return Some(vec![l.vip]);
        }
        service_by_name
            .get(name)
            .map(|s| s.placements.iter().map(|p| p.address).collect())
    };
    for h in hosts {
        // One A and one AAAA record: the first address of each family.
        let v4 = h.addresses.iter().find(|a| a.address.is_ipv4());
        let v6 = h.addresses.iter().find(|a| a.address.is_ipv6());
        for a in v4.into_iter().chain(v6) {
            records.push(DnsRecord {
                name: h.name.clone(),
                address: a.address,
                target: h.name.clone(),
            });
        }
    }
    for l in lbs {
        if let Some(fqdn) = &l.fqdn {
            let rel = relative_name(fqdn, &project.domain);
            records.push(DnsRecord {
                name: rel,
                address: l.vip,
                target: l.name.clone(),
            });
        }
    }
    // Every DNS name means one thing: explicit records may not reuse a host's automatic name,
    // a load balancer's public name, or each other.
    let mut taken: BTreeMap<String, (String, String, Option<Span>)> = BTreeMap::new();
    for h in hosts {
        taken.insert(
            h.name.clone(),
            (h.name.clone(), format!("host `{}`", h.name), None),
        );
    }
    for l in lbs {
        if let Some(fqdn) = &l.fqdn {
            taken.insert(
                relative_name(fqdn, &project.domain),
                (l.name.clone(), format!("loadbalancer `{}`", l.name), None),
            );
        }
    }
    for (n, t) in &d.records {
        match taken.get(&n.v) {
            // The same name for the same element again: redundant, not a conflict.
            Some((target, _, _)) if *target == t.v => {}
            Some((_, what, prev)) => {
                let mut diag = Diagnostic::error(
                    codes::E0301,
                    n.span,
                    format!("DNS name `{}` is already used by {what}", n.v),
                )
                .with_label("duplicate name")
                .with_help("give the record another name");
                if let Some(prev) = prev {
                    diag = diag.with_secondary(*prev, "first used here");
                }
                cx.report(diag);
                continue;
            }
            None => {
                taken.insert(
                    n.v.clone(),
                    (t.v.clone(), format!("record `{}`", n.v), Some(n.span)),
                );
            }
        }
        let kinds: Vec<&str> = [
            (names.hosts.contains_key(t.v.as_str()), "host"),
            (names.lbs.contains_key(t.v.as_str()), "load balancer"),
            (names.services.contains_key(t.v.as_str()), "service"),
        ]
        .into_iter()
        .filter_map(|(yes, kind)| yes.then_some(kind))
        .collect();
        if kinds.len() > 1 {
            cx.report(
                Diagnostic::error(
                    codes::E0307,
                    t.span,
                    format!("`{}` is both a {}", t.v, kinds.join(" and a ")),
                )
                .with_label("which addresses does the record mean?")
                .with_help("rename one of them: each kind has different addresses"),
            );
            continue;
        }
        match addresses_of(&t.v) {
            Some(addrs) => records.extend(addrs.into_iter().map(|a| DnsRecord {
                name: n.v.clone(),
                address: a,
                target: t.v.clone(),
            })),
            None => {
                let all = names
                    .hosts
                    .keys()
                    .chain(names.lbs.keys())
                    .chain(names.services.keys())
                    .copied()
                    .collect::<Vec<_>>();
                unresolved(cx, "host, load balancer or service", t, all.iter().copied());
            }
        }
    }
    records.sort();
    records.dedup();
    Dns {
        servers,
        ttl_s: d.ttl_s,
        records,
    }
}

/// `www.foobar.com` in domain `foobar.com` is `www`; the apex is `@`; other names stay absolute
/// with a trailing dot.
fn relative_name(fqdn: &str, domain: &str) -> String {
    let fqdn = fqdn.trim_end_matches('.');
    if fqdn == domain {
        "@".into()
    } else if let Some(rel) = fqdn.strip_suffix(&format!(".{domain}")) {
        rel.into()
    } else {
        format!("{fqdn}.")
    }
}

/// The lowest IPv4 address among `nets`, a stable router id.
pub fn lowest_v4(nets: impl Iterator<Item = IpNet>) -> Option<Ipv4Addr> {
    nets.filter_map(|n| match n.addr() {
        IpAddr::V4(a) => Some(a),
        IpAddr::V6(_) => None,
    })
    .min()
}

/// Reports E0507 unless secret `a` is declared with a `max_length` of at most `max`: its
/// consumer (`what`, e.g. "VRRP passwords") takes at most `max` characters and would truncate or
/// refuse a longer value. The deployment build then refuses a longer value.
pub(crate) fn secret_fits(cx: &mut Cx, names: &Names, a: &Name, max: u32, what: &str) {
    let Some(secret) = names.secrets.get(a.v.as_str()) else {
        return; // unresolved: reported where it is resolved
    };
    if secret.max_length.is_none_or(|m| m > max) {
        cx.report(
            Diagnostic::error(
                codes::E0507,
                a.span,
                format!("secret `{}` may be longer than {max} characters", a.v),
            )
            .with_label(format!("{what} are at most {max} characters"))
            .with_help(format!(
                "declare it with `max_length {max}`: `secret {} {{ env \"…\"; max_length {max} }}`",
                a.v
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_detection_follows_docker() {
        assert!(!image_has_registry("app1:1.4"));
        assert!(!image_has_registry("library/nginx"));
        assert!(image_has_registry("registry.foo.com/app"));
        assert!(image_has_registry("localhost:5000/app"));
    }

    #[test]
    fn relative_names() {
        assert_eq!(relative_name("www.foobar.com", "foobar.com"), "www");
        assert_eq!(relative_name("foobar.com", "foobar.com"), "@");
        assert_eq!(
            relative_name("www.other.org", "foobar.com"),
            "www.other.org."
        );
    }
}
