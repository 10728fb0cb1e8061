//! Lowering: expanded syntax trees to the [`Hir`], one function per kind of block.

use crate::hir::*;
use crate::schema::{Cx, Fields};
use infrac_diag::{Diagnostic, codes};
use infrac_flows::{AssertionInput, RuleInput, Selector, SpannedSelector};
use infrac_model::{
    AlertKind, Algorithm, AssertionKind, BackupKind, DeviceKind, Flavour, Health, Limits,
    ModelCheck, Platform, Purpose, SecretSource, ServiceKind, Threshold, Timeouts,
};
use infrac_syntax::ast::{Statement, Value, ValueKind};

/// Top-level keywords.
pub const TOP_LEVEL: &[&str] = &[
    "project",
    "secret",
    "site",
    "template",
    "import",
    "firewall",
    "switch",
    "router",
    "host",
    "link",
    "service",
    "loadbalancer",
    "ha",
    "database",
    "allow",
    "monitoring",
    "dns",
    "policy",
    "test",
];

/// Lowers every (expanded) top-level statement.
pub fn lower(cx: &mut Cx, statements: &[std::borrow::Cow<'_, Statement>]) -> Hir {
    let mut hir = Hir::default();
    for st in statements {
        let k = st.keyword.name.as_str();
        if !TOP_LEVEL.contains(&k) {
            let mut d = Diagnostic::error(
                codes::E0201,
                st.keyword.span,
                format!("unknown statement `{k}` at the top level"),
            )
            .with_label("not allowed here");
            if let Some(h) = infrac_diag::suggest::help(k, TOP_LEVEL.iter().copied()) {
                d = d.with_help(h);
            }
            cx.report(d);
        }
    }
    for st in statements.iter().map(|s| &**s) {
        match st.keyword.name.as_str() {
            "project" => project(cx, st, &mut hir),
            "secret" => secret(cx, st, &mut hir),
            "site" => site(cx, st, &mut hir),
            "firewall" | "switch" | "router" => device(cx, st, None, &mut hir),
            "host" => host(cx, st, None, &mut hir),
            "link" => link(cx, st, &mut hir),
            "service" => service(cx, st, &mut hir),
            "loadbalancer" => loadbalancer(cx, st, &mut hir),
            "ha" => ha(cx, st, &mut hir),
            "database" => database(cx, st, &mut hir),
            "allow" => rule(cx, st, &mut hir),
            "monitoring" => monitoring(cx, st, &mut hir),
            "dns" => dns(cx, st, &mut hir),
            "policy" => policy(cx, st, &mut hir),
            "test" => intent_test(cx, st, &mut hir),
            _ => {} // `import` is handled by the loader; unknown keywords reported above
        }
    }
    unique_rule_names(&mut hir.rules);
    hir
}

/// The block-name argument of `kind NAME { … }`.
fn block_name(cx: &mut Cx, st: &Statement, form: &str) -> Option<Name> {
    if st.block.is_none() {
        cx.report(
            Diagnostic::error(
                codes::E0207,
                st.span,
                format!("`{}` needs a `{{ … }}` block", st.keyword.name),
            )
            .with_help(format!("write it as `{form}`")),
        );
        return None;
    }
    name_arg(cx, st, form)
}

/// The name argument of `kind NAME`, block optional.
fn name_arg(cx: &mut Cx, st: &Statement, form: &str) -> Option<Name> {
    let args = cx.args(st, 1, 1, form)?;
    let name = cx.name(&args[0])?;
    Some(Sp {
        v: name,
        span: args[0].span,
    })
}

fn opt_string(cx: &mut Cx, f: &Fields, key: &str) -> Option<String> {
    let v = f.value(cx, key)?;
    cx.string(v)
}

fn opt_bool(cx: &mut Cx, f: &Fields, key: &str, default: bool) -> bool {
    f.value(cx, key).and_then(|v| cx.bool(v)).unwrap_or(default)
}

/// An interval, period or timeout: longer than zero.
fn opt_duration(cx: &mut Cx, f: &Fields, key: &str, default: u64) -> u64 {
    f.value(cx, key)
        .and_then(|v| cx.positive_duration(v))
        .unwrap_or(default)
}

fn names(cx: &mut Cx, v: &Value) -> Vec<Name> {
    cx.list(v)
        .into_iter()
        .filter_map(|i| cx.name(i).map(|n| Sp { v: n, span: i.span }))
        .collect()
}

fn list_names(cx: &mut Cx, f: &Fields, key: &str) -> Vec<Name> {
    match f.value(cx, key) {
        Some(v) => names(cx, v),
        None => Vec::new(),
    }
}

fn zone_ref(cx: &mut Cx, v: &Value) -> Option<ZoneRef> {
    let segs = cx.path(v)?;
    if segs.len() > 2 || segs.iter().any(|s| s == "*") {
        cx.report(
            Diagnostic::error(
                codes::E0202,
                v.span,
                "expected a zone: `zone` or `site.zone`",
            )
            .with_label("not a zone reference"),
        );
        return None;
    }
    Some(Sp {
        v: segs,
        span: v.span,
    })
}

fn project(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    let Some(name) = block_name(cx, st, "project NAME { domain \"example.com\" }") else {
        return;
    };
    let f = Fields::of(
        cx,
        st,
        &[
            "domain", "registry", "owner", "ntp", "syslog", "banner", "plugins", "waive",
        ],
        "project",
    );
    let domain = f
        .required(cx, "domain", "\"example.com\"")
        .and_then(|v| cx.string(v));
    let addrs = |cx: &mut Cx, key: &str| -> Vec<std::net::IpAddr> {
        match f.value(cx, key) {
            Some(v) => cx.list(v).into_iter().filter_map(|i| cx.addr(i)).collect(),
            None => Vec::new(),
        }
    };
    let ntp = addrs(cx, "ntp");
    let syslog = addrs(cx, "syslog");
    let mut waivers = Vec::new();
    for w in f.all("waive") {
        let Some(policy) = name_arg(cx, w, "waive POLICY { why \"…\" }") else {
            continue;
        };
        let g = Fields::of(cx, w, &["why"], &format!("waiver of `{}`", policy.v));
        if let Some(why) = g
            .required(cx, "why", "\"the reason the policy does not apply\"")
            .and_then(|v| cx.string(v))
        {
            waivers.push((policy, why, w.span));
        }
    }
    hir.projects.push(ProjectH {
        name,
        domain,
        registry: opt_string(cx, &f, "registry"),
        owner: opt_string(cx, &f, "owner"),
        ntp,
        syslog,
        banner: opt_string(cx, &f, "banner"),
        plugins: opt_string(cx, &f, "plugins"),
        waivers,
        span: st.span,
    });
}

fn secret(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    let Some(name) = block_name(cx, st, "secret NAME { env \"VAR\" }") else {
        return;
    };
    let f = Fields::of(
        cx,
        st,
        &["env", "file", "max_length"],
        &format!("secret `{}`", name.v),
    );
    let env = opt_string(cx, &f, "env");
    let file = opt_string(cx, &f, "file");
    let source = match (env, file) {
        (Some(e), None) => Some(SecretSource::Env(e)),
        (None, Some(p)) => Some(SecretSource::File(p)),
        (None, None) | (Some(_), Some(_)) => {
            if f.all("env").len() + f.all("file").len() != 1
                || (f.all("env").is_empty() && f.all("file").is_empty())
            {
                cx.report(
                    Diagnostic::error(
                        codes::E0702,
                        st.span,
                        format!("secret `{}` needs exactly one of `env` and `file`", name.v),
                    )
                    .with_help("write `env \"VARIABLE\"` or `file \"/path/to/file\"`"),
                );
            }
            None
        }
    };
    let max_length = f
        .value(cx, "max_length")
        .and_then(|v| cx.int(v, 1, 4096))
        .map(|n| n as u32);
    hir.secrets.push(SecretH {
        name,
        source,
        max_length,
    });
}

const SITE_KEYS: &[&str] = &[
    "id",
    "description",
    "zone",
    "firewall",
    "switch",
    "router",
    "host",
];

fn site(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    let Some(name) = block_name(cx, st, "site NAME { … }") else {
        return;
    };
    let f = Fields::of(cx, st, SITE_KEYS, &format!("site `{}`", name.v));
    let id = f.value(cx, "id").and_then(|v| {
        cx.int(v, 0, 65535).map(|n| Sp {
            v: n as u32,
            span: v.span,
        })
    });
    let description = opt_string(cx, &f, "description");
    let mut zones = Vec::new();
    for z in f.all("zone") {
        if let Some(zone) = zone(cx, z) {
            zones.push(zone);
        }
    }
    for kind in ["firewall", "switch", "router"] {
        for d in f.all(kind) {
            device(cx, d, Some(&name), hir);
        }
    }
    for h in f.all("host") {
        host(cx, h, Some(&name), hir);
    }
    hir.sites.push(SiteH {
        name,
        id,
        description,
        zones,
        span: st.span,
    });
}

fn zone(cx: &mut Cx, st: &Statement) -> Option<ZoneH> {
    let name = block_name(cx, st, "zone NAME { vlan N; subnet PREFIX }")?;
    let f = Fields::of(
        cx,
        st,
        &["vlan", "subnet", "gateway", "purpose", "description"],
        &format!("zone `{}`", name.v),
    );
    let vlan = f
        .required(cx, "vlan", "10")
        .and_then(|v| cx.int(v, 0, u64::MAX).map(|n| Sp { v: n, span: v.span }));
    let subnet = f
        .required(cx, "subnet", "192.168.10.0/24")
        .and_then(|v| cx.prefix(v).map(|p| Sp { v: p, span: v.span }));
    let gateway = f
        .value(cx, "gateway")
        .and_then(|v| cx.addr(v).map(|a| Sp { v: a, span: v.span }));
    let purpose = f.value(cx, "purpose").and_then(|v| {
        cx.choice(
            v,
            &[
                "management",
                "services",
                "applications",
                "dmz",
                "database",
                "transit",
                "users",
            ],
        )
        .map(|c| match c {
            "management" => Purpose::Management,
            "services" => Purpose::Services,
            "applications" => Purpose::Applications,
            "dmz" => Purpose::Dmz,
            "database" => Purpose::Database,
            "transit" => Purpose::Transit,
            _ => Purpose::Users,
        })
    });
    Some(ZoneH {
        name,
        vlan,
        subnet,
        gateway,
        purpose,
        description: opt_string(cx, &f, "description"),
        span: st.span,
    })
}

fn device(cx: &mut Cx, st: &Statement, site: Option<&Name>, hir: &mut Hir) {
    let kw = st.keyword.name.as_str();
    let kind = match kw {
        "firewall" => DeviceKind::Firewall,
        "switch" => DeviceKind::Switch,
        _ => DeviceKind::Router,
    };
    let Some(name) = block_name(cx, st, &format!("{kw} NAME {{ … }}")) else {
        return;
    };
    let mut allowed = vec![
        "platform",
        "interface",
        "address",
        "ospf",
        "description",
        "router_id",
    ];
    match kind {
        DeviceKind::Firewall => allowed.extend(["trunk", "carp", "forward"]),
        DeviceKind::Switch => allowed.extend(["trunk", "access", "management", "ssh", "routing"]),
        DeviceKind::Router => allowed.extend(["trunk", "ssh"]),
    }
    if site.is_none() {
        allowed.push("site");
    }
    let f = Fields::of(cx, st, &allowed, &format!("{kw} `{}`", name.v));
    let site = match site {
        Some(s) => Some(s.clone()),
        None => f
            .required(cx, "site", "NAME")
            .and_then(|v| cx.name(v).map(|n| Sp { v: n, span: v.span })),
    };
    let platform = f.value(cx, "platform").and_then(|v| {
        cx.choice(v, &["opnsense", "iosvl2", "ios", "frr"])
            .map(|c| Sp {
                v: match c {
                    "opnsense" => Platform::Opnsense,
                    "iosvl2" => Platform::Iosvl2,
                    "ios" => Platform::Ios,
                    _ => Platform::Frr,
                },
                span: v.span,
            })
    });
    let _ = opt_string(cx, &f, "description");
    let interfaces = f
        .all("interface")
        .iter()
        .filter_map(|s| interface(cx, s))
        .collect();
    let trunks = f.all("trunk").iter().filter_map(|s| trunk(cx, s)).collect();
    let access = f
        .all("access")
        .iter()
        .filter_map(|s| access(cx, s))
        .collect();
    let addresses = f
        .all("address")
        .iter()
        .filter_map(|s| zone_address(cx, s, "address ZONE ADDRESS"))
        .collect();
    let management = f
        .one(cx, "management")
        .and_then(|s| zone_address(cx, s, "management ZONE ADDRESS"));
    let ssh = f.one(cx, "ssh").and_then(|s| {
        let g = Fields::of(cx, s, &["user", "password"], "ssh");
        let user = g.required(cx, "user", "admin").and_then(|v| cx.name(v));
        let pw = g
            .required(cx, "password", "SECRET")
            .and_then(|v| cx.secret_name(v));
        Some((
            user?,
            Sp {
                v: pw.as_ref()?.0.clone(),
                span: pw?.1,
            },
        ))
    });
    let routing = f.value(cx, "routing").and_then(|v| cx.bool(v));
    let ospf = f.one(cx, "ospf").map(|s| ospf(cx, s, false));
    let carp = f.one(cx, "carp").and_then(|s| {
        let g = Fields::of(cx, s, &["peer", "password", "skew"], "carp");
        let peer = g
            .required(cx, "peer", "DEVICE")
            .and_then(|v| cx.name(v).map(|n| Sp { v: n, span: v.span }));
        let pw = g
            .required(cx, "password", "SECRET")
            .and_then(|v| cx.secret_name(v));
        let skew = g
            .value(cx, "skew")
            .and_then(|v| cx.int(v, 0, 254))
            .unwrap_or(0) as u32;
        Some(CarpH {
            peer: peer?,
            password: pw.map(|(n, sp)| Sp { v: n, span: sp })?,
            skew,
            span: s.span,
        })
    });
    let forwards = f
        .all("forward")
        .iter()
        .filter_map(|s| forward(cx, s))
        .collect();
    let router_id = f.value(cx, "router_id").and_then(|v| match cx.addr(v) {
        Some(std::net::IpAddr::V4(a)) => Some(a),
        Some(_) => {
            cx.error(codes::E0409, v.span, "a router id is an IPv4 address");
            None
        }
        None => None,
    });
    hir.devices.push(DeviceH {
        name,
        kind,
        site,
        platform,
        interfaces,
        trunks,
        access,
        addresses,
        management,
        ssh,
        routing,
        ospf,
        carp,
        forwards,
        router_id,
        span: st.span,
    });
}

fn zone_address(
    cx: &mut Cx,
    st: &Statement,
    form: &str,
) -> Option<(ZoneRef, Sp<std::net::IpAddr>)> {
    let args = cx.args(st, 2, 2, form)?;
    let z = zone_ref(cx, &args[0]);
    let a = cx.addr(&args[1]).map(|a| Sp {
        v: a,
        span: args[1].span,
    });
    Some((z?, a?))
}

fn port_name_arg(cx: &mut Cx, st: &Statement, form: &str) -> Option<Name> {
    let v = st.args.first();
    let Some(v) = v else {
        cx.args(st, 1, 1, form);
        return None;
    };
    cx.port_name(v).map(|n| Sp { v: n, span: v.span })
}

fn interface(cx: &mut Cx, st: &Statement) -> Option<IfaceH> {
    cx.args(st, 1, 1, "interface NAME { address PREFIX }")?;
    let name = port_name_arg(cx, st, "interface NAME { … }")?;
    let f = Fields::of(
        cx,
        st,
        &["port", "address", "gateway", "zone", "description"],
        &format!("interface `{}`", name.v),
    );
    let port = f.value(cx, "port").and_then(|v| cx.port_name(v));
    let address = f
        .value(cx, "address")
        .and_then(|v| cx.prefix(v).map(|p| Sp { v: p, span: v.span }));
    let gateway = f
        .value(cx, "gateway")
        .and_then(|v| cx.addr(v).map(|a| Sp { v: a, span: v.span }));
    let zone = f.value(cx, "zone").and_then(|v| zone_ref(cx, v));
    Some(IfaceH {
        name,
        port,
        address,
        gateway,
        zone,
        description: opt_string(cx, &f, "description"),
    })
}

/// `DEVICE.PORT` of a trunk's far end: a dotted name (`fw1.lan`), or a word whose port has a
/// `/` (`sw1.Gi0/1`), split at the first dot.
fn peer_port(cx: &mut Cx, v: &Value) -> Option<Vec<String>> {
    match &v.kind {
        ValueKind::Word(w) | ValueKind::String(w) => match w.split_once('.') {
            Some((device, port)) if !device.is_empty() && !port.is_empty() => {
                Some(vec![device.to_string(), port.to_string()])
            }
            _ => {
                cx.report(
                    Diagnostic::error(codes::E0202, v.span, format!("`{w}` is not `DEVICE.PORT`"))
                        .with_help("name the far end as `DEVICE.PORT`, e.g. `sw1.Gi0/1`"),
                );
                None
            }
        },
        _ => cx.path(v),
    }
}

fn trunk(cx: &mut Cx, st: &Statement) -> Option<TrunkH> {
    cx.args(st, 1, 1, "trunk NAME { vlans [ZONE, …] }")?;
    let name = port_name_arg(cx, st, "trunk NAME { … }")?;
    let f = Fields::of(
        cx,
        st,
        &["port", "to", "vlans", "native", "description"],
        &format!("trunk `{}`", name.v),
    );
    let port = f.value(cx, "port").and_then(|v| cx.port_name(v));
    let to = f
        .value(cx, "to")
        .and_then(|v| peer_port(cx, v).map(|p| Sp { v: p, span: v.span }));
    let vlans = match f.required(cx, "vlans", "[ZONE, …]") {
        Some(v) => cx
            .list(v)
            .into_iter()
            .filter_map(|i| zone_ref(cx, i))
            .collect(),
        None => Vec::new(),
    };
    let native = f
        .value(cx, "native")
        .and_then(|v| cx.int(v, 0, u64::MAX).map(|n| Sp { v: n, span: v.span }));
    Some(TrunkH {
        name,
        port,
        to,
        vlans,
        native,
        description: opt_string(cx, &f, "description"),
    })
}

fn access(cx: &mut Cx, st: &Statement) -> Option<AccessH> {
    let args = cx.args(st, 2, 2, "access PORT ZONE { host HOST }")?;
    let port = cx.port_name(&args[0]).map(|n| Sp {
        v: n,
        span: args[0].span,
    });
    let zone = zone_ref(cx, &args[1]);
    let f = Fields::of(cx, st, &["host", "description"], "access port");
    let host = f
        .value(cx, "host")
        .and_then(|v| cx.name(v).map(|n| Sp { v: n, span: v.span }));
    Some(AccessH {
        port: port?,
        zone: zone?,
        host,
        description: opt_string(cx, &f, "description"),
    })
}

fn area(cx: &mut Cx, v: &Value) -> Option<String> {
    match v.kind {
        ValueKind::Integer(n) if n <= u32::MAX as u64 => {
            Some(std::net::Ipv4Addr::from(n as u32).to_string())
        }
        ValueKind::Address(std::net::IpAddr::V4(a)) => Some(a.to_string()),
        _ => {
            cx.report(Diagnostic::error(
                codes::E0202,
                v.span,
                format!(
                    "expected an OSPF area such as 0 or 0.0.0.1, found {}",
                    v.kind.describe()
                ),
            ));
            None
        }
    }
}

fn ospf(cx: &mut Cx, st: &Statement, link: bool) -> OspfH {
    let allowed: &[&str] = if link {
        &["area", "cost", "hello", "dead", "auth"]
    } else {
        &["area", "passive", "redistribute", "cost", "auth"]
    };
    let f = Fields::of(cx, st, allowed, "ospf");
    let mut o = OspfH {
        area: f.value(cx, "area").and_then(|v| area(cx, v)),
        ..OspfH::default()
    };
    if let Some(v) = f.value(cx, "passive") {
        o.passive = cx
            .list(v)
            .into_iter()
            .filter_map(|i| cx.port_name(i).map(|n| Sp { v: n, span: i.span }))
            .collect();
    }
    if let Some(v) = f.value(cx, "redistribute") {
        o.redistribute = cx
            .list(v)
            .into_iter()
            .filter_map(|i| {
                cx.choice(i, &["connected", "static", "kernel"])
                    .map(str::to_string)
            })
            .collect();
    }
    o.cost = f
        .value(cx, "cost")
        .and_then(|v| cx.int(v, 1, 65535))
        .map(|n| n as u32);
    let secs = |cx: &mut Cx, key: &str| {
        let v = f.value(cx, key)?;
        let ms = cx.duration(v)?;
        if ms % 1000 != 0 || ms == 0 || ms > 65_535_000 {
            cx.error(
                codes::E0206,
                v.span,
                "OSPF timers are whole seconds, 1s–65535s",
            );
            return None;
        }
        Some((ms / 1000) as u32)
    };
    o.hello_s = secs(cx, "hello");
    o.dead_s = secs(cx, "dead");
    o.auth = f
        .value(cx, "auth")
        .and_then(|v| cx.secret_name(v))
        .map(|(n, s)| Sp { v: n, span: s });
    o
}

fn forward(cx: &mut Cx, st: &Statement) -> Option<ForwardH> {
    let form = "forward SERVICE… -> TARGET";
    let arrow = st.args.iter().position(|a| a.kind == ValueKind::Arrow);
    let (Some(i), true) = (arrow, st.args.len() >= 3) else {
        cx.args(st, usize::MAX, usize::MAX, form);
        return None;
    };
    if i == 0 || i + 2 != st.args.len() {
        cx.report(
            Diagnostic::error(
                codes::E0205,
                st.span,
                "a forward lists services, then `->` and one target",
            )
            .with_help(format!("write it as `{form}`")),
        );
        return None;
    }
    let mut services = Vec::new();
    for v in &st.args[..i] {
        services.extend(cx.services(v)?);
    }
    let t = &st.args[i + 1];
    let target = cx.name(t).map(|n| Sp { v: n, span: t.span })?;
    let f = Fields::of(cx, st, &["interface", "external"], "forward");
    let interface = f
        .value(cx, "interface")
        .and_then(|v| cx.port_name(v).map(|n| Sp { v: n, span: v.span }));
    let external = f
        .value(cx, "external")
        .and_then(|v| cx.addr(v).map(|a| Sp { v: a, span: v.span }));
    Some(ForwardH {
        services,
        target,
        interface,
        external,
        span: st.span,
    })
}

fn link(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    let Some(name) = block_name(
        cx,
        st,
        "link NAME { side DEVICE PORT; side DEVICE PORT; transit PREFIX }",
    ) else {
        return;
    };
    let f = Fields::of(
        cx,
        st,
        &["side", "transit", "ospf", "description"],
        &format!("link `{}`", name.v),
    );
    let mut sides = Vec::new();
    for s in f.all("side") {
        if let Some(args) = cx.args(s, 2, 2, "side DEVICE PORT") {
            let d = cx.name(&args[0]).map(|n| Sp {
                v: n,
                span: args[0].span,
            });
            let p = cx.port_name(&args[1]);
            if let (Some(device), Some(interface)) = (d, p) {
                sides.push(LinkSideH { device, interface });
            }
        }
    }
    if f.all("side").len() != 2 {
        cx.report(
            Diagnostic::error(
                codes::E0205,
                name.span,
                format!(
                    "link `{}` has {} sides; a link has exactly 2",
                    name.v,
                    f.all("side").len()
                ),
            )
            .with_help("write `side DEVICE PORT` twice"),
        );
    }
    let transit = f
        .required(cx, "transit", "10.255.0.0/30")
        .and_then(|v| cx.prefix(v).map(|p| Sp { v: p, span: v.span }));
    let ospf = f.one(cx, "ospf").map(|s| ospf(cx, s, true));
    let _ = opt_string(cx, &f, "description");
    hir.links.push(LinkH {
        name,
        sides,
        transit,
        ospf,
        span: st.span,
    });
}

fn host(cx: &mut Cx, st: &Statement, site: Option<&Name>, hir: &mut Hir) {
    let Some(name) = block_name(cx, st, "host NAME { address ZONE ADDRESS }") else {
        return;
    };
    let mut allowed = vec!["address", "role", "monitor", "description"];
    if site.is_none() {
        allowed.push("site");
    }
    let f = Fields::of(cx, st, &allowed, &format!("host `{}`", name.v));
    let site = match site {
        Some(s) => Some(s.clone()),
        None => f
            .required(cx, "site", "NAME")
            .and_then(|v| cx.name(v).map(|n| Sp { v: n, span: v.span })),
    };
    let mut addresses = Vec::new();
    for a in f.all("address") {
        if let Some((z, ip)) = zone_address(cx, a, "address ZONE ADDRESS") {
            let g = Fields::of(cx, a, &["interface"], "address");
            let iface = g.value(cx, "interface").and_then(|v| cx.port_name(v));
            addresses.push((z, ip, iface));
        }
    }
    if f.all("address").is_empty() && !f.is_misspelled("address") {
        cx.report(
            Diagnostic::error(
                codes::E0203,
                st.span,
                format!("host `{}` has no `address`", name.v),
            )
            .with_help("add `address ZONE ADDRESS`"),
        );
    }
    let role = f.value(cx, "role").and_then(|v| cx.port_name(v));
    let monitor = opt_bool(cx, &f, "monitor", true);
    let _ = opt_string(cx, &f, "description");
    hir.hosts.push(HostH {
        name,
        site,
        addresses,
        role,
        monitor,
        span: st.span,
    });
}

/// Whether an environment variable's name says it holds a credential.
fn looks_like_credential(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "PRIVATE_KEY",
        "API_KEY",
        "APIKEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| upper.contains(w))
}

fn health(cx: &mut Cx, st: &Statement, defaults: Health) -> Health {
    let f = Fields::of(
        cx,
        st,
        &[
            "http", "tcp", "expect", "interval", "timeout", "retries", "fall", "rise",
        ],
        "health check",
    );
    let mut h = defaults;
    if let Some(v) = f.value(cx, "http") {
        h.http = cx.string(v);
        if h.expect.is_none() {
            h.expect = Some(200);
        }
    }
    if opt_bool(cx, &f, "tcp", false) {
        h.http = None;
        h.expect = None;
    }
    if let Some(v) = f.value(cx, "expect") {
        h.expect = cx.int(v, 100, 599).map(|n| n as u16);
    }
    h.interval_ms = opt_duration(cx, &f, "interval", h.interval_ms);
    h.timeout_ms = opt_duration(cx, &f, "timeout", h.timeout_ms);
    for key in ["retries", "fall"] {
        if let Some(v) = f.value(cx, key) {
            h.retries = cx.int(v, 1, 100).unwrap_or(3) as u32;
        }
    }
    if let Some(v) = f.value(cx, "rise") {
        h.rise = cx.int(v, 1, 100).unwrap_or(2) as u32;
    }
    h
}

fn default_health() -> Health {
    Health {
        http: None,
        expect: None,
        interval_ms: 10_000,
        timeout_ms: 2_000,
        retries: 3,
        rise: 2,
    }
}

fn service(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    let Some(name) = block_name(cx, st, "service NAME { image \"…\"; on [HOST, …] }") else {
        return;
    };
    let f = Fields::of(
        cx,
        st,
        &[
            "image",
            "port",
            "on",
            "zone",
            "replicas",
            "health",
            "env",
            "caps",
            "read_only",
            "limits",
            "depends",
            "kind",
            "metrics",
            "description",
        ],
        &format!("service `{}`", name.v),
    );
    let kind = f.value(cx, "kind").and_then(|v| {
        cx.choice(
            v,
            &["app", "registry", "ci", "monitoring", "dashboard", "dns"],
        )
        .map(|c| match c {
            "registry" => ServiceKind::Registry,
            "ci" => ServiceKind::Ci,
            "monitoring" => ServiceKind::Monitoring,
            "dashboard" => ServiceKind::Dashboard,
            "dns" => ServiceKind::Dns,
            _ => ServiceKind::App,
        })
    });
    let image = f
        .required(cx, "image", "\"name:tag\"")
        .and_then(|v| cx.string(v));
    let port = f.value(cx, "port").and_then(|v| cx.port(v));
    let on = list_names(cx, &f, "on");
    if f.all("on").is_empty() {
        cx.report(
            Diagnostic::error(
                codes::E0203,
                st.span,
                format!("service `{}` has no `on`", name.v),
            )
            .with_help("add `on [HOST, …]`: the hosts it runs on"),
        );
    }
    let zone = f.value(cx, "zone").and_then(|v| zone_ref(cx, v));
    let replicas = f
        .value(cx, "replicas")
        .and_then(|v| cx.int(v, 0, 1000))
        .unwrap_or(1) as u32;
    let health = f.one(cx, "health").map(|s| health(cx, s, default_health()));
    let mut env = Vec::new();
    if let Some(s) = f.one(cx, "env") {
        for e in s.block.iter().flat_map(|b| &b.statements) {
            let Some(v) = cx.single(e, "NAME VALUE") else {
                continue;
            };
            let val = match &v.kind {
                ValueKind::String(_) if looks_like_credential(&e.keyword.name) => {
                    cx.report(
                        Diagnostic::error(codes::E0701, v.span, format!("`{}` looks like a credential, written inline", e.keyword.name))
                            .with_label("a secret value in the source")
                            .with_help("declare `secret NAME { env \"VAR\" }` and write its name here (or rename the variable if it holds no secret)"),
                    );
                    None
                }
                ValueKind::String(s) => Some(EnvH::Plain(s.clone())),
                ValueKind::Integer(n) => Some(EnvH::Plain(n.to_string())),
                ValueKind::Bool(b) => Some(EnvH::Plain(b.to_string())),
                _ => cx
                    .secret_name(v)
                    .map(|(n, sp)| EnvH::Secret(Sp { v: n, span: sp })),
            };
            if let Some(val) = val {
                env.push((e.keyword.name.clone(), val));
            }
        }
    }
    let caps = match f.value(cx, "caps") {
        Some(v) => cx
            .list(v)
            .into_iter()
            .filter_map(|i| cx.name(i))
            .map(|c| c.to_ascii_uppercase())
            .collect(),
        None => Vec::new(),
    };
    let read_only = opt_bool(cx, &f, "read_only", false);
    let limits = f.one(cx, "limits").map(|s| {
        let g = Fields::of(cx, s, &["cpus", "memory", "pids"], "limits");
        let millicpus = g.value(cx, "cpus").and_then(|v| match v.kind {
            ValueKind::Integer(n) if n <= 1024 => Some(n as u32 * 1000),
            ValueKind::Decimal(d) if d > 0.0 && d <= 1024.0 => Some((d * 1000.0).round() as u32),
            _ => {
                cx.report(Diagnostic::error(
                    codes::E0202,
                    v.span,
                    format!(
                        "expected a number of CPUs such as 0.5, found {}",
                        v.kind.describe()
                    ),
                ));
                None
            }
        });
        let memory_bytes = g.value(cx, "memory").and_then(|v| cx.size(v));
        let pids = g
            .value(cx, "pids")
            .and_then(|v| cx.int(v, 1, 1 << 22))
            .map(|n| n as u32);
        Limits {
            millicpus,
            memory_bytes,
            pids,
        }
    });
    let depends = list_names(cx, &f, "depends");
    let metrics = opt_string(cx, &f, "metrics");
    let _ = opt_string(cx, &f, "description");
    hir.services.push(ServiceH {
        name,
        kind: kind.unwrap_or(ServiceKind::App),
        image,
        port,
        on,
        zone,
        replicas,
        health,
        env,
        caps,
        read_only,
        limits,
        depends,
        metrics,
        span: st.span,
    });
}

fn prefixes(cx: &mut Cx, f: &Fields, key: &str) -> Vec<ipnet::IpNet> {
    let Some(v) = f.value(cx, key) else {
        return Vec::new();
    };
    cx.list(v)
        .into_iter()
        .filter_map(|i| match i.kind {
            ValueKind::Address(a) => Some(ipnet::IpNet::from(a)),
            ValueKind::Prefix(p) if p.trunc() != p => {
                cx.report(
                    Diagnostic::error(
                        codes::E0206,
                        i.span,
                        format!("prefix {p} has host bits set"),
                    )
                    .with_label("not a network address")
                    .with_help(format!(
                        "write `{}` for the network, or `{}` for the one address",
                        p.trunc(),
                        p.addr()
                    )),
                );
                None
            }
            ValueKind::Prefix(p) => Some(p),
            _ => {
                cx.report(Diagnostic::error(
                    codes::E0202,
                    i.span,
                    format!("expected an address or prefix, found {}", i.kind.describe()),
                ));
                None
            }
        })
        .collect()
}

fn loadbalancer(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    let Some(name) = block_name(
        cx,
        st,
        "loadbalancer NAME { on [HOST]; vip ADDRESS; backend SERVICE }",
    ) else {
        return;
    };
    let f = Fields::of(
        cx,
        st,
        &[
            "name",
            "on",
            "vip",
            "tls",
            "algorithm",
            "backend",
            "maxconn",
            "rate",
            "allow",
            "deny",
            "stats",
            "timeout",
            "description",
        ],
        &format!("loadbalancer `{}`", name.v),
    );
    let fqdn = opt_string(cx, &f, "name");
    let on = list_names(cx, &f, "on");
    if f.all("on").is_empty() {
        cx.report(
            Diagnostic::error(
                codes::E0203,
                st.span,
                format!("loadbalancer `{}` has no `on`", name.v),
            )
            .with_help("add `on [HOST, …]`: the hosts that run HAProxy"),
        );
    }
    let vip = f
        .required(cx, "vip", "ADDRESS")
        .and_then(|v| cx.addr(v).map(|a| Sp { v: a, span: v.span }));
    let tls = f.one(cx, "tls").and_then(|s| {
        let g = Fields::of(cx, s, &["cert", "redirect"], "tls");
        let cert = g
            .required(cx, "cert", "\"/etc/haproxy/certs/site.pem\"")
            .and_then(|v| cx.string(v))?;
        Some((cert, opt_bool(cx, &g, "redirect", true)))
    });
    let algorithm = f
        .value(cx, "algorithm")
        .and_then(|v| cx.choice(v, &["roundrobin", "leastconn", "source"]))
        .map(|c| match c {
            "leastconn" => Algorithm::Leastconn,
            "source" => Algorithm::Source,
            _ => Algorithm::Roundrobin,
        });
    let mut backends = Vec::new();
    for b in f.all("backend") {
        let Some(service) = name_arg(cx, b, "backend SERVICE { … }") else {
            continue;
        };
        let g = Fields::of(
            cx,
            b,
            &["port", "weight", "backup", "check", "reencrypt"],
            &format!("backend `{}`", service.v),
        );
        let port = g.value(cx, "port").and_then(|v| cx.port(v));
        let mut weights = Vec::new();
        for w in g.all("weight") {
            if let Some(args) = cx.args(w, 2, 2, "weight HOST N") {
                let h = cx.name(&args[0]).map(|n| Sp {
                    v: n,
                    span: args[0].span,
                });
                let n = cx.int(&args[1], 0, 256);
                if let (Some(h), Some(n)) = (h, n) {
                    weights.push((h, n as u32));
                }
            }
        }
        let backup = list_names(cx, &g, "backup");
        let check = g.one(cx, "check").map(|s| {
            health(
                cx,
                s,
                Health {
                    interval_ms: 2_000,
                    ..default_health()
                },
            )
        });
        let reencrypt = g.one(cx, "reencrypt").and_then(|s| {
            let h = Fields::of(cx, s, &["ca"], "reencrypt");
            h.required(cx, "ca", "\"/etc/haproxy/ca.pem\"")
                .and_then(|v| cx.string(v))
        });
        backends.push(BackendH {
            service,
            port,
            weights,
            backup,
            check,
            reencrypt,
        });
    }
    let maxconn = f
        .value(cx, "maxconn")
        .and_then(|v| cx.int(v, 1, 10_000_000))
        .map(|n| n as u32);
    let rate = f.one(cx, "rate").and_then(|s| {
        let g = Fields::of(cx, s, &["requests", "per"], "rate");
        let r = g
            .required(cx, "requests", "100")
            .and_then(|v| cx.int(v, 1, 10_000_000));
        let p = g
            .required(cx, "per", "10s")
            .and_then(|v| cx.positive_duration(v));
        Some((r? as u32, p?))
    });
    let allow = prefixes(cx, &f, "allow");
    let deny = prefixes(cx, &f, "deny");
    let stats = f.value(cx, "stats").and_then(|v| cx.port(v));
    let mut timeouts = Timeouts {
        connect_ms: 5_000,
        client_ms: 30_000,
        server_ms: 30_000,
    };
    if let Some(s) = f.one(cx, "timeout") {
        let g = Fields::of(cx, s, &["connect", "client", "server"], "timeout");
        timeouts.connect_ms = opt_duration(cx, &g, "connect", timeouts.connect_ms);
        timeouts.client_ms = opt_duration(cx, &g, "client", timeouts.client_ms);
        timeouts.server_ms = opt_duration(cx, &g, "server", timeouts.server_ms);
    }
    let _ = opt_string(cx, &f, "description");
    hir.lbs.push(LbH {
        name,
        fqdn,
        on,
        vip,
        tls,
        algorithm: algorithm.unwrap_or(Algorithm::Roundrobin),
        backends,
        maxconn,
        rate,
        allow,
        deny,
        stats,
        timeouts,
        span: st.span,
    });
}

fn ha(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    let Some(name) = block_name(
        cx,
        st,
        "ha NAME { vip ADDRESS; member HOST { priority N } }",
    ) else {
        return;
    };
    let f = Fields::of(
        cx,
        st,
        &[
            "vip",
            "member",
            "vrid",
            "track",
            "auth",
            "advert",
            "preempt",
            "notify",
            "description",
        ],
        &format!("ha `{}`", name.v),
    );
    let vips = match f.required(cx, "vip", "ADDRESS") {
        Some(v) => cx
            .list(v)
            .into_iter()
            .filter_map(|i| cx.addr(i).map(|a| Sp { v: a, span: i.span }))
            .collect(),
        None => Vec::new(),
    };
    let mut members = Vec::new();
    for m in f.all("member") {
        let Some(args) = cx.args(m, 1, 2, "member HOST { priority N }") else {
            continue;
        };
        let Some(h) = cx.name(&args[0]).map(|n| Sp {
            v: n,
            span: args[0].span,
        }) else {
            continue;
        };
        let g = Fields::of(cx, m, &["priority"], "member");
        let prio = match args.get(1) {
            Some(v) => cx.int(v, 0, u64::MAX).map(|n| Sp { v: n, span: v.span }),
            None => g
                .value(cx, "priority")
                .and_then(|v| cx.int(v, 0, u64::MAX).map(|n| Sp { v: n, span: v.span })),
        };
        members.push((h, prio));
    }
    if members.len() < 2 {
        cx.report(
            Diagnostic::error(
                codes::E0203,
                st.span,
                format!("ha `{}` needs at least two `member`s", name.v),
            )
            .with_help("add `member HOST { priority N }` for each host that can hold the VIP"),
        );
    }
    let vrid = f
        .value(cx, "vrid")
        .and_then(|v| cx.int(v, 0, u64::MAX).map(|n| Sp { v: n, span: v.span }));
    let track = f.value(cx, "track").and_then(|v| cx.port_name(v));
    let auth = f
        .value(cx, "auth")
        .and_then(|v| cx.secret_name(v))
        .map(|(n, s)| Sp { v: n, span: s });
    let advert_ms = opt_duration(cx, &f, "advert", 1_000);
    let preempt = opt_bool(cx, &f, "preempt", true);
    let notify = opt_string(cx, &f, "notify");
    let _ = opt_string(cx, &f, "description");
    hir.has.push(HaH {
        name,
        vips,
        members,
        vrid,
        track,
        auth,
        advert_ms,
        preempt,
        notify,
        span: st.span,
    });
}

fn database(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    let Some(name) = block_name(
        cx,
        st,
        "database NAME { flavour mariadb; primary HOST; replica HOST }",
    ) else {
        return;
    };
    let f = Fields::of(
        cx,
        st,
        &[
            "flavour",
            "primary",
            "replica",
            "gtid",
            "replication",
            "read_only",
            "databases",
            "user",
            "port",
            "backup",
            "description",
        ],
        &format!("database `{}`", name.v),
    );
    let flavour = f
        .required(cx, "flavour", "mariadb")
        .and_then(|v| cx.choice(v, &["mariadb", "mysql8"]))
        .map(|c| {
            if c == "mysql8" {
                Flavour::Mysql8
            } else {
                Flavour::Mariadb
            }
        });
    let mut node_names = |key: &str| -> Vec<Name> {
        let mut out = Vec::new();
        for s in f.all(key) {
            if let Some(v) = cx.single(s, &format!("{key} HOST")) {
                out.extend(names(cx, v));
            }
        }
        out
    };
    let primaries = node_names("primary");
    let replicas = node_names("replica");
    let gtid = opt_bool(cx, &f, "gtid", true);
    let (repl_user, repl_password) = match f.one(cx, "replication") {
        Some(s) => {
            let g = Fields::of(cx, s, &["user", "password"], "replication");
            let u = g
                .value(cx, "user")
                .and_then(|v| cx.name(v))
                .unwrap_or_else(|| "repl".into());
            let p = g
                .required(cx, "password", "SECRET")
                .and_then(|v| cx.secret_name(v))
                .map(|(n, sp)| Sp { v: n, span: sp });
            (u, p)
        }
        None => {
            if !replicas.is_empty() {
                cx.report(
                    Diagnostic::error(
                        codes::E0203,
                        st.span,
                        format!("database `{}` has replicas but no `replication`", name.v),
                    )
                    .with_help("add `replication { user repl; password SECRET }`"),
                );
            }
            ("repl".to_string(), None)
        }
    };
    let read_only = opt_bool(cx, &f, "read_only", true);
    let databases = match f.value(cx, "databases") {
        Some(v) => cx.list(v).into_iter().filter_map(|i| cx.name(i)).collect(),
        None => Vec::new(),
    };
    let mut users = Vec::new();
    for u in f.all("user") {
        let Some(n) = block_name(cx, u, "user NAME { password SECRET; grant [DB] }") else {
            continue;
        };
        let g = Fields::of(cx, u, &["password", "grant"], &format!("user `{}`", n.v));
        let p = g
            .required(cx, "password", "SECRET")
            .and_then(|v| cx.secret_name(v))
            .map(|(s, sp)| Sp { v: s, span: sp });
        let grants = match g.value(cx, "grant") {
            Some(v) => names(cx, v),
            None => Vec::new(),
        };
        users.push((n.v, p, grants));
    }
    let port = f.value(cx, "port").and_then(|v| cx.port(v)).unwrap_or(3306);
    let backup = f.one(cx, "backup").and_then(|s| {
        let g = Fields::of(cx, s, &["every", "kind", "at", "keep"], "backup");
        let every = g
            .required(cx, "every", "2w")
            .and_then(|v| cx.positive_duration(v))?;
        let kind = g
            .value(cx, "kind")
            .and_then(|v| cx.choice(v, &["full", "incremental"]))
            .map(|c| {
                if c == "full" {
                    BackupKind::Full
                } else {
                    BackupKind::Incremental
                }
            })
            .unwrap_or(BackupKind::Incremental);
        let at = match g.value(cx, "at") {
            Some(v) => {
                let s = cx.string(v)?;
                if !valid_time(&s) {
                    cx.error(
                        codes::E0206,
                        v.span,
                        format!("`{s}` is not a time of day HH:MM"),
                    );
                    return None;
                }
                s
            }
            None => "02:00".to_string(),
        };
        let keep = g
            .value(cx, "keep")
            .and_then(|v| cx.int(v, 1, 1000))
            .unwrap_or(4) as u32;
        Some((every, kind, at, keep))
    });
    let _ = opt_string(cx, &f, "description");
    hir.dbs.push(DbH {
        name,
        flavour,
        primaries,
        replicas,
        gtid,
        repl_user,
        repl_password,
        read_only,
        databases,
        users,
        port,
        backup,
        span: st.span,
    });
}

fn valid_time(s: &str) -> bool {
    let Some((h, m)) = s.split_once(':') else {
        return false;
    };
    h.len() == 2
        && m.len() == 2
        && h.parse::<u8>().is_ok_and(|h| h < 24)
        && m.parse::<u8>().is_ok_and(|m| m < 60)
}

/// A rule or assertion endpoint.
pub fn selector(cx: &mut Cx, v: &Value) -> Option<SpannedSelector> {
    let (selector, text) = match &v.kind {
        ValueKind::Name(segs) => {
            let text = segs.join(".");
            let sel = match segs.as_slice() {
                [one] if one == "internet" => Selector::Internet,
                [one] if one == "*" => Selector::AllZones,
                [one] => Selector::Name(one.clone()),
                [site, zone] if zone != "*" => Selector::Zone {
                    site: (site != "*").then(|| site.clone()),
                    zone: zone.clone(),
                },
                _ => {
                    cx.report(Diagnostic::error(codes::E0202, v.span, format!("`{text}` is not a rule endpoint")).with_help("use `internet`, `*`, `site.zone`, `*.zone`, a host, service, load balancer, database or prefix"));
                    return None;
                }
            };
            (sel, text)
        }
        ValueKind::Prefix(p) if p.trunc() != *p => {
            // Widening `10.0.12.5/24` to `10.0.12.0/24` silently would change what the rule says.
            cx.report(
                Diagnostic::error(
                    codes::E0206,
                    v.span,
                    format!("prefix {p} has host bits set"),
                )
                .with_label("not a network address")
                .with_help(format!(
                    "write `{}` for the network, or `{}` for the one address",
                    p.trunc(),
                    p.addr()
                )),
            );
            return None;
        }
        ValueKind::Prefix(p) => (Selector::Prefix(p.trunc()), p.trunc().to_string()),
        ValueKind::Address(a) => (Selector::Prefix(ipnet::IpNet::from(*a)), a.to_string()),
        _ => {
            cx.report(
                Diagnostic::error(
                    codes::E0202,
                    v.span,
                    format!("expected a rule endpoint, found {}", v.kind.describe()),
                )
                .with_help("use `internet`, `*`, `site.zone`, `*.zone`, a name or a prefix"),
            );
            return None;
        }
    };
    Some(SpannedSelector {
        selector,
        span: v.span,
        text,
    })
}

/// `SRC -> DST SERVICE…` of a rule or assertion.
fn flow_args(
    cx: &mut Cx,
    st: &Statement,
    form: &str,
    services_required: bool,
) -> Option<(
    SpannedSelector,
    SpannedSelector,
    Vec<infrac_model::PortSpec>,
)> {
    let args = &st.args;
    if args.len() < 3 || args[1].kind != ValueKind::Arrow || (services_required && args.len() < 4) {
        cx.report(
            Diagnostic::error(
                codes::E0205,
                st.span,
                format!(
                    "`{}` needs a source, `->`, a destination{}",
                    st.keyword.name,
                    if services_required {
                        " and what may cross"
                    } else {
                        ""
                    }
                ),
            )
            .with_help(format!("write it as `{form}`")),
        );
        return None;
    }
    let from = selector(cx, &args[0]);
    let to = selector(cx, &args[2]);
    let mut services = Vec::new();
    let mut ok = true;
    for v in &args[3..] {
        for item in cx.list(v) {
            match cx.services(item) {
                Some(s) => services.extend(s),
                None => ok = false,
            }
        }
    }
    services.sort();
    services.dedup();
    if ok {
        Some((from?, to?, services))
    } else {
        None
    }
}

fn rule(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    let Some((from, to, services)) = flow_args(
        cx,
        st,
        "allow SOURCE -> DESTINATION SERVICE… { why \"…\" }",
        true,
    ) else {
        return;
    };
    let f = Fields::of(cx, st, &["why", "owner", "expires", "name"], "rule");
    let given = f.value(cx, "name").and_then(|v| cx.name(v));
    let origin = cx.origin(st.span);
    let explicit_name = given.is_some();
    // Unnamed rules are named after what they connect (made unique in `lower`), never after
    // their line, so reformatting a file does not rename its rules.
    let name = given.unwrap_or_else(|| format!("{}-to-{}", slug(&from.text), slug(&to.text)));
    let expires = f.value(cx, "expires").and_then(|v| match v.kind {
        ValueKind::Date { year, month, day } => Some(Sp {
            v: (year, month, day),
            span: v.span,
        }),
        _ => {
            cx.report(Diagnostic::error(
                codes::E0202,
                v.span,
                format!(
                    "expected a date such as 2027-06-30, found {}",
                    v.kind.describe()
                ),
            ));
            None
        }
    });
    hir.rules.push(RuleH {
        input: RuleInput {
            name,
            from,
            to,
            services,
            origin,
            span: st.span,
        },
        explicit_name,
        why: opt_string(cx, &f, "why"),
        owner: opt_string(cx, &f, "owner"),
        expires,
    });
}

/// A name-safe form of a rule endpoint: `*.mgmt` → `all-mgmt`, `10.0.0.0/8` → `10-0-0-0-8`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.replace('*', "all").chars() {
        let c = if c.is_ascii_alphanumeric() || c == '_' {
            c.to_ascii_lowercase()
        } else {
            '-'
        };
        if !(c == '-' && (out.is_empty() || out.ends_with('-'))) {
            out.push(c);
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Makes generated rule names unique in source order (`a-to-b`, `a-to-b-2`, …).
fn unique_rule_names(rules: &mut [RuleH]) {
    let taken: std::collections::BTreeSet<String> = rules
        .iter()
        .filter(|r| r.explicit_name)
        .map(|r| r.input.name.clone())
        .collect();
    let mut used = taken.clone();
    for r in rules.iter_mut().filter(|r| !r.explicit_name) {
        let base = r.input.name.clone();
        let mut name = base.clone();
        let mut n = 2;
        while used.contains(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        used.insert(name.clone());
        r.input.name = name;
    }
}

fn monitoring(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    cx.args(st, 0, 0, "monitoring { server SERVICE }");
    let f = Fields::of(cx, st, &["server", "interval", "alert"], "monitoring");
    let server = f
        .required(cx, "server", "SERVICE")
        .and_then(|v| cx.name(v).map(|n| Sp { v: n, span: v.span }));
    let interval_ms = opt_duration(cx, &f, "interval", 15_000);
    let kinds = [
        "qps",
        "error_rate",
        "replication_lag",
        "host_down",
        "cpu",
        "memory",
        "disk",
        "latency",
    ];
    let mut alerts = Vec::new();
    for a in f.all("alert") {
        let Some(args) = cx.args(a, 1, 1, "alert KIND { above VALUE; for DURATION }") else {
            continue;
        };
        let Some(kind) = cx.choice(&args[0], &kinds) else {
            continue;
        };
        let kind = match kind {
            "qps" => AlertKind::Qps,
            "error_rate" => AlertKind::ErrorRate,
            "replication_lag" => AlertKind::ReplicationLag,
            "host_down" => AlertKind::HostDown,
            "cpu" => AlertKind::Cpu,
            "memory" => AlertKind::Memory,
            "disk" => AlertKind::Disk,
            _ => AlertKind::Latency,
        };
        let g = Fields::of(cx, a, &["above", "for"], "alert");
        let above = g.value(cx, "above").and_then(|v| threshold(cx, kind, v));
        if above.is_none() && kind != AlertKind::HostDown && g.all("above").is_empty() {
            cx.report(
                Diagnostic::error(codes::E0203, a.span, "this alert has no `above` threshold")
                    .with_help("add `above VALUE`"),
            );
        }
        // `for 0s` is meaningful: fire at once.
        let for_ms = g
            .value(cx, "for")
            .and_then(|v| cx.duration(v))
            .unwrap_or(300_000);
        alerts.push(AlertH {
            kind,
            above,
            for_ms,
            span: a.span,
        });
    }
    hir.monitoring.push(MonitoringH {
        server,
        interval_ms,
        alerts,
        span: st.span,
    });
}

fn threshold(cx: &mut Cx, kind: AlertKind, v: &Value) -> Option<Threshold> {
    let (t, expected) = match (&v.kind, kind) {
        (ValueKind::Integer(n), AlertKind::Qps) => (Some(Threshold::Number(*n as f64)), ""),
        (ValueKind::Decimal(d), AlertKind::Qps) => (Some(Threshold::Number(*d)), ""),
        (
            ValueKind::Percent(p),
            AlertKind::ErrorRate | AlertKind::Cpu | AlertKind::Memory | AlertKind::Disk,
        ) if (0.0..=100.0).contains(p) => (Some(Threshold::Percent(*p)), ""),
        (ValueKind::Duration(ms), AlertKind::ReplicationLag | AlertKind::Latency) => {
            (Some(Threshold::DurationMs(*ms)), "")
        }
        (_, AlertKind::Qps) => (None, "a number of requests per second"),
        (_, AlertKind::ReplicationLag | AlertKind::Latency) => (None, "a duration"),
        (_, AlertKind::HostDown) => (None, "no threshold (host_down takes only `for`)"),
        _ => (None, "a percentage such as 90%"),
    };
    if t.is_none() {
        cx.report(Diagnostic::error(
            codes::E0202,
            v.span,
            format!("expected {expected}, found {}", v.kind.describe()),
        ));
    }
    t
}

fn dns(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    cx.args(st, 0, 0, "dns { servers [HOST] }");
    let f = Fields::of(cx, st, &["servers", "ttl", "record"], "dns");
    let servers = list_names(cx, &f, "servers");
    let ttl_ms = opt_duration(cx, &f, "ttl", 3_600_000);
    let mut records = Vec::new();
    for r in f.all("record") {
        let Some(args) = cx.args(r, 3, 3, "record NAME -> TARGET") else {
            continue;
        };
        if args[1].kind != ValueKind::Arrow {
            cx.report(
                Diagnostic::error(codes::E0205, args[1].span, "expected `->`")
                    .with_help("write it as `record NAME -> TARGET`"),
            );
            continue;
        }
        let n = cx.name(&args[0]).map(|n| Sp {
            v: n,
            span: args[0].span,
        });
        let t = cx.name(&args[2]).map(|n| Sp {
            v: n,
            span: args[2].span,
        });
        if let (Some(n), Some(t)) = (n, t) {
            records.push((n, t));
        }
    }
    hir.dns.push(DnsH {
        servers,
        ttl_s: (ttl_ms / 1000).max(1) as u32,
        records,
        span: st.span,
    });
}

fn policy(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    let Some(name) = block_name(cx, st, "policy NAME { forbid SOURCE -> DESTINATION }") else {
        return;
    };
    let f = Fields::of(
        cx,
        st,
        &["description", "forbid", "require", "assert"],
        &format!("policy `{}`", name.v),
    );
    let names: Vec<&str> = ModelCheck::ALL.iter().map(|c| c.name()).collect();
    let mut checks = Vec::new();
    for a in f.all("assert") {
        if let Some(v) = cx.single(a, "assert CHECK")
            && let Some(word) = cx.choice(v, &names)
            && let Some(check) = ModelCheck::ALL.into_iter().find(|c| c.name() == word)
        {
            checks.push((check, a.span));
        }
    }
    let mut assertions = Vec::new();
    for kw in ["forbid", "require"] {
        for a in f.all(kw) {
            let kind = if kw == "forbid" {
                AssertionKind::Forbid
            } else {
                AssertionKind::Require
            };
            let form = format!("{kw} SOURCE -> DESTINATION [SERVICE…]");
            if let Some((from, to, services)) =
                flow_args(cx, a, &form, kind == AssertionKind::Require)
            {
                assertions.push(AssertionInput {
                    policy: name.v.clone(),
                    kind,
                    from,
                    to,
                    services,
                    span: a.span,
                });
            }
        }
    }
    assertions.sort_by_key(|a| a.span);
    hir.policies.push(PolicyH {
        name,
        description: opt_string(cx, &f, "description"),
        assertions,
        checks,
        span: st.span,
    });
}

fn intent_test(cx: &mut Cx, st: &Statement, hir: &mut Hir) {
    let Some(name) = block_name(
        cx,
        st,
        "test NAME { allowed SOURCE -> DESTINATION [SERVICE…] }",
    ) else {
        return;
    };
    let f = Fields::of(
        cx,
        st,
        &["description", "allowed", "denied"],
        &format!("test `{}`", name.v),
    );
    let mut cases = Vec::new();
    for (kw, expect) in [("allowed", Expect::Allowed), ("denied", Expect::Denied)] {
        for a in f.all(kw) {
            let form = format!("{kw} SOURCE -> DESTINATION [SERVICE…]");
            if let Some((from, to, services)) = flow_args(cx, a, &form, false) {
                cases.push(TestCase {
                    expect,
                    from,
                    to,
                    services,
                    span: a.span,
                });
            }
        }
    }
    cases.sort_by_key(|c| c.span);
    hir.tests.push(TestH {
        name,
        description: opt_string(cx, &f, "description"),
        cases,
        span: st.span,
    });
}
