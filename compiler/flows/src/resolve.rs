//! Selector resolution: from `paris.apps`, `*.db`, `app1`, `internet`… to concrete endpoints.
//!
//! An [`Index`] is built once per model; resolving a selector yields cheap [`EpRef`]s that
//! name model elements, and [`Index::endpoint`] builds the [`Endpoint`] of one of them.

use crate::fxhash::FxHashMap as HashMap;

use infrac_diag::{Diagnostic, codes};
use infrac_model::{Endpoint, EndpointKind, Model};
use ipnet::IpNet;

use crate::{Selector, SpannedSelector};
use infrac_diag::suggest::did_you_mean;

/// A resolved endpoint, by reference to the model element it stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum EpRef {
    /// Everything outside the model's zones.
    Internet,
    /// A zone: site index, zone index within the site.
    Zone(u32, u32),
    /// A host by index.
    Host(u32),
    /// A service by index.
    Service(u32),
    /// A load balancer by index.
    Lb(u32),
    /// A database cluster by index.
    Db(u32),
    /// A literal prefix.
    Prefix(IpNet),
}

/// Lookup tables over one model, built once.
pub(crate) struct Index<'m> {
    /// The model.
    pub model: &'m Model,
    sites: HashMap<&'m str, u32>,
    zone_keys: HashMap<&'m str, (u32, u32)>,
    zones_by_name: HashMap<&'m str, Vec<(u32, u32)>>,
    hosts: HashMap<&'m str, u32>,
    services: HashMap<&'m str, u32>,
    lbs: HashMap<&'m str, u32>,
    dbs: HashMap<&'m str, u32>,
}

/// Builds a name → position map; the first of duplicate names wins.
fn positions<'m, T>(items: &'m [T], name: impl Fn(&'m T) -> &'m str) -> HashMap<&'m str, u32> {
    let mut map = HashMap::with_capacity_and_hasher(items.len(), Default::default());
    for (i, item) in items.iter().enumerate() {
        map.entry(name(item)).or_insert(i as u32);
    }
    map
}

/// Whether two prefixes share an address.
pub(crate) fn nets_overlap(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Whether any prefix of `a` shares an address with any prefix of `b`.
pub(crate) fn sets_overlap(a: &[IpNet], b: &[IpNet]) -> bool {
    a.iter().any(|p| b.iter().any(|q| nets_overlap(p, q)))
}

/// Sorts and deduplicates.
fn canonical<T: Ord>(mut v: Vec<T>) -> Vec<T> {
    v.sort_unstable();
    v.dedup();
    v
}

impl<'m> Index<'m> {
    /// Indexes `model`.
    pub fn new(model: &'m Model) -> Index<'m> {
        let mut zone_keys = HashMap::default();
        let mut zones_by_name: HashMap<&str, Vec<(u32, u32)>> = HashMap::default();
        for (si, site) in model.sites.iter().enumerate() {
            for (zi, zone) in site.zones.iter().enumerate() {
                let at = (si as u32, zi as u32);
                zone_keys.entry(zone.key.as_str()).or_insert(at);
                zones_by_name
                    .entry(zone.name.as_str())
                    .or_default()
                    .push(at);
            }
        }
        Index {
            model,
            sites: positions(&model.sites, |s| &s.name),
            zone_keys,
            zones_by_name,
            hosts: positions(&model.hosts, |h| &h.name),
            services: positions(&model.services, |s| &s.name),
            lbs: positions(&model.load_balancers, |l| &l.name),
            dbs: positions(&model.databases, |d| &d.name),
        }
    }

    /// The host named `name`.
    pub fn host(&self, name: &str) -> Option<EpRef> {
        self.hosts.get(name).map(|&i| EpRef::Host(i))
    }

    /// The load balancer named `name`.
    pub fn lb(&self, name: &str) -> Option<EpRef> {
        self.lbs.get(name).map(|&i| EpRef::Lb(i))
    }

    /// The subnet of the zone with key `key`.
    pub fn zone_subnet(&self, key: &str) -> Option<IpNet> {
        let &(s, z) = self.zone_keys.get(key)?;
        Some(self.model.sites[s as usize].zones[z as usize].subnet)
    }

    /// Every zone of every site, in site then zone order.
    fn all_zones(&self) -> impl Iterator<Item = EpRef> + '_ {
        self.model.sites.iter().enumerate().flat_map(|(si, site)| {
            (0..site.zones.len()).map(move |zi| EpRef::Zone(si as u32, zi as u32))
        })
    }

    /// Resolves a selector. `Ok` may be empty (a wildcard that matches nothing); `Err` is an
    /// unresolved reference (E0302) or a reference to the wrong kind (E0303).
    pub fn resolve(&self, sel: &SpannedSelector) -> Result<Vec<EpRef>, Box<Diagnostic>> {
        match &sel.selector {
            Selector::Internet => Ok(vec![EpRef::Internet]),
            Selector::AllZones => Ok(self.all_zones().collect()),
            Selector::Prefix(p) => Ok(vec![EpRef::Prefix(*p)]),
            Selector::Zone { site: None, zone } => Ok(self
                .zones_by_name
                .get(zone.as_str())
                .map(|zs| zs.iter().map(|&(s, z)| EpRef::Zone(s, z)).collect())
                .unwrap_or_default()),
            Selector::Zone {
                site: Some(site),
                zone,
            } => self.resolve_zone(sel, site, zone),
            Selector::Name(name) => self.resolve_name(sel, name),
        }
    }

    fn resolve_zone(
        &self,
        sel: &SpannedSelector,
        site: &str,
        zone: &str,
    ) -> Result<Vec<EpRef>, Box<Diagnostic>> {
        let Some(&si) = self.sites.get(site) else {
            if let Some(kind) = self.kind_of(site) {
                return Err(Box::new(
                    Diagnostic::error(
                        codes::E0303,
                        sel.span,
                        format!("`{site}` is a {kind}, not a site"),
                    )
                    .with_label("expected `site.zone`")
                    .with_help(format!("to name the {kind} itself, write `{site}`")),
                ));
            }
            let mut d = Diagnostic::error(
                codes::E0302,
                sel.span,
                format!("unresolved reference `{}`", sel.text),
            )
            .with_label(format!("no site `{site}`"));
            if let Some(h) = did_you_mean(site, self.model.sites.iter().map(|s| s.name.as_str())) {
                d = d.with_help(h);
            }
            return Err(Box::new(d));
        };
        let s = &self.model.sites[si as usize];
        if let Some(zi) = s.zones.iter().position(|z| z.name == zone) {
            return Ok(vec![EpRef::Zone(si, zi as u32)]);
        }
        let mut d = Diagnostic::error(
            codes::E0302,
            sel.span,
            format!("unresolved reference `{}`", sel.text),
        )
        .with_label(format!("site `{site}` has no zone `{zone}`"));
        if let Some(h) = did_you_mean(zone, s.zones.iter().map(|z| z.name.as_str())) {
            d = d.with_help(h);
        } else if let Some(kind) = self.kind_of(zone) {
            d = d.with_help(format!("`{zone}` is a {kind}: write just `{zone}`"));
        }
        Err(Box::new(d))
    }

    fn resolve_name(
        &self,
        sel: &SpannedSelector,
        name: &str,
    ) -> Result<Vec<EpRef>, Box<Diagnostic>> {
        let kinds: Vec<&str> = [
            (self.host(name).is_some(), "host"),
            (self.services.contains_key(name), "service"),
            (self.lb(name).is_some(), "load balancer"),
            (self.dbs.contains_key(name), "database"),
            (self.sites.contains_key(name), "site"),
        ]
        .into_iter()
        .filter_map(|(yes, kind)| yes.then_some(kind))
        .collect();
        if kinds.len() > 1 {
            return Err(Box::new(
                Diagnostic::error(
                    codes::E0307,
                    sel.span,
                    format!("`{name}` is both a {}", kinds.join(" and a ")),
                )
                .with_label("which one does the rule mean?")
                .with_help("rename one of them: each kind selects different addresses"),
            ));
        }
        if let Some(r) = self.host(name) {
            return Ok(vec![r]);
        }
        if let Some(&i) = self.services.get(name) {
            return Ok(vec![EpRef::Service(i)]);
        }
        if let Some(r) = self.lb(name) {
            return Ok(vec![r]);
        }
        if let Some(&i) = self.dbs.get(name) {
            return Ok(vec![EpRef::Db(i)]);
        }
        if let Some(&si) = self.sites.get(name) {
            let n = self.model.sites[si as usize].zones.len();
            return Ok((0..n).map(|zi| EpRef::Zone(si, zi as u32)).collect());
        }
        if let Some(zs) = self.zones_by_name.get(name) {
            let example = zs
                .first()
                .map(|&(s, _)| format!("`{}.{name}` or ", self.model.sites[s as usize].name))
                .unwrap_or_default();
            return Err(Box::new(
                Diagnostic::error(
                    codes::E0303,
                    sel.span,
                    format!("`{name}` is a zone name, which needs its site"),
                )
                .with_label("a zone is named `site.zone`")
                .with_help(format!(
                    "write {example}`*.{name}` for the zone of every site"
                )),
            ));
        }
        if let Some(kind) = self.other_kind_of(name) {
            return Err(Box::new(
                Diagnostic::error(
                    codes::E0303,
                    sel.span,
                    format!("`{name}` is a {kind}, which a rule cannot name"),
                )
                .with_label("not a host, service, load balancer, database or site"),
            ));
        }
        let m = self.model;
        let candidates = m
            .hosts
            .iter()
            .map(|h| h.name.as_str())
            .chain(m.services.iter().map(|s| s.name.as_str()))
            .chain(m.load_balancers.iter().map(|l| l.name.as_str()))
            .chain(m.databases.iter().map(|d| d.name.as_str()))
            .chain(m.sites.iter().map(|s| s.name.as_str()))
            .chain(["internet"]);
        let mut d = Diagnostic::error(
            codes::E0302,
            sel.span,
            format!("unresolved reference `{name}`"),
        )
        .with_label("not a host, service, load balancer, database or site");
        if let Some(h) = did_you_mean(name, candidates) {
            d = d.with_help(h);
        }
        Err(Box::new(d))
    }

    /// What `name` is, among the kinds a selector can name directly.
    fn kind_of(&self, name: &str) -> Option<&'static str> {
        if self.hosts.contains_key(name) {
            Some("host")
        } else if self.services.contains_key(name) {
            Some("service")
        } else if self.lbs.contains_key(name) {
            Some("load balancer")
        } else if self.dbs.contains_key(name) {
            Some("database")
        } else {
            None
        }
    }

    /// What `name` is, among the kinds a selector cannot name.
    fn other_kind_of(&self, name: &str) -> Option<&'static str> {
        let m = self.model;
        if m.devices.iter().any(|d| d.name == name) {
            Some("device")
        } else if m.ha_groups.iter().any(|h| h.name == name) {
            Some("HA group")
        } else if m.links.iter().any(|l| l.name == name) {
            Some("link")
        } else {
            None
        }
    }

    /// A help line for a wildcard zone selector that matched nothing.
    pub fn nothing_help(&self, sel: &SpannedSelector) -> Option<String> {
        match &sel.selector {
            Selector::Zone { site: None, zone } => {
                did_you_mean(zone, self.zones_by_name.keys().copied())
                    .map(|h| format!("{h} (as `*.…`)"))
            }
            _ => None,
        }
    }

    /// The zones (sorted keys) that overlap `p`.
    fn zones_overlapping(&self, p: &IpNet) -> Vec<String> {
        let zones = self.model.sites.iter().flat_map(|s| &s.zones);
        canonical(
            zones
                .filter(|z| nets_overlap(&z.subnet, p))
                .map(|z| z.key.clone())
                .collect(),
        )
    }

    /// The concrete endpoint `r` stands for.
    pub fn endpoint(&self, r: EpRef) -> Endpoint {
        let m = self.model;
        match r {
            EpRef::Internet => Endpoint {
                kind: EndpointKind::Internet,
                name: "internet".to_string(),
                prefixes: Vec::new(),
                zones: Vec::new(),
            },
            EpRef::Zone(s, z) => {
                let zone = &m.sites[s as usize].zones[z as usize];
                Endpoint {
                    kind: EndpointKind::Zone,
                    name: zone.key.clone(),
                    prefixes: vec![zone.subnet],
                    zones: vec![zone.key.clone()],
                }
            }
            EpRef::Host(i) => {
                let h = &m.hosts[i as usize];
                Endpoint {
                    kind: EndpointKind::Host,
                    name: h.name.clone(),
                    prefixes: canonical(
                        h.addresses.iter().map(|a| IpNet::from(a.address)).collect(),
                    ),
                    zones: canonical(h.addresses.iter().map(|a| a.zone.clone()).collect()),
                }
            }
            EpRef::Service(i) => {
                let s = &m.services[i as usize];
                Endpoint {
                    kind: EndpointKind::Service,
                    name: s.name.clone(),
                    prefixes: canonical(
                        s.placements
                            .iter()
                            .map(|p| IpNet::from(p.address))
                            .collect(),
                    ),
                    zones: canonical(s.placements.iter().map(|p| p.zone.clone()).collect()),
                }
            }
            EpRef::Lb(i) => {
                let l = &m.load_balancers[i as usize];
                Endpoint {
                    kind: EndpointKind::LoadBalancer,
                    name: l.name.clone(),
                    prefixes: vec![IpNet::from(l.vip)],
                    zones: vec![l.vip_zone.clone()],
                }
            }
            EpRef::Db(i) => {
                let d = &m.databases[i as usize];
                let nodes = std::iter::once(&d.primary).chain(&d.replicas);
                Endpoint {
                    kind: EndpointKind::Database,
                    name: d.name.clone(),
                    prefixes: canonical(nodes.clone().map(|n| IpNet::from(n.address)).collect()),
                    zones: canonical(nodes.map(|n| n.zone.clone()).collect()),
                }
            }
            EpRef::Prefix(p) => Endpoint {
                kind: EndpointKind::Prefix,
                name: p.to_string(),
                prefixes: vec![p],
                zones: self.zones_overlapping(&p),
            },
        }
    }

    /// Whether `p` has addresses outside every zone. `zones` are the keys of the zones that
    /// overlap it (zones are disjoint: the address checks guarantee it).
    pub fn prefix_reaches_outside(&self, p: &IpNet, zones: &[String]) -> bool {
        let size = |n: &IpNet| 1u128.checked_shl(u32::from(n.max_prefix_len() - n.prefix_len()));
        let Some(total) = size(p) else {
            // `::/0`: no set of zones covers it.
            return true;
        };
        let mut covered: u128 = 0;
        for key in zones {
            let Some(subnet) = self.zone_subnet(key) else {
                continue;
            };
            if subnet.contains(p) {
                return false;
            }
            if p.contains(&subnet) {
                covered = covered.saturating_add(size(&subnet).unwrap_or(u128::MAX));
            }
        }
        covered < total
    }

    /// Whether endpoint `e` has addresses outside every zone (the internet's side).
    pub fn reaches_outside(&self, e: &Endpoint) -> bool {
        match e.kind {
            EndpointKind::Internet => true,
            EndpointKind::Prefix => e
                .prefixes
                .iter()
                .any(|p| self.prefix_reaches_outside(p, &e.zones)),
            _ => false,
        }
    }
}
