//! The rules equal the flows: every generated ruleset is loaded into a network namespace of
//! this test (`nft -f`), read back as nft parsed it (`nft -j list ruleset`), and evaluated
//! against thousands of probe packets per host (sources from every zone, host, flow prefix and
//! the internet; every address the host holds; every protocol and port of the model, and the
//! ports next to them). A probe is accepted exactly when a flow of the model allows it, and the
//! rule that accepts it names one of those flows. An inline model checks the same by hand.

mod common;

use infrac_plugin_nftables::Nftables;
use infrac_plugin_nftables::rules::comment;
use infrac_sdk::{Backend, EndpointKind, Flow, Model, Protocol, Target};
use infrac_testkit::Netns;
use serde_json::Value;
use std::collections::BTreeSet;
use std::net::IpAddr;

/// A packet arriving at the host: new connection, on a non-loopback interface.
#[derive(Clone, Copy, Debug)]
struct Probe {
    src: IpAddr,
    dst: IpAddr,
    proto: u8,
    dport: Option<u16>,
}

/// Which hook the probe meets: `input` (for the host itself), or `forward` after the container
/// engine's DNAT (the original destination is `dst`).
#[derive(Clone, Copy, PartialEq)]
enum Hook {
    Input,
    ForwardDnat,
}

// ---- the model's answer -------------------------------------------------------------------

fn contains(net: (IpAddr, u8), a: IpAddr) -> bool {
    match (net.0, a) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(net.1)).unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(net.1)).unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

fn in_zones(model: &Model, a: IpAddr) -> bool {
    model
        .sites
        .iter()
        .flat_map(|s| &s.zones)
        .any(|z| contains((z.subnet.addr(), z.subnet.prefix_len()), a))
}

/// The flows of the model that allow the probe.
fn allowing<'m>(model: &'m Model, p: &Probe) -> Vec<&'m Flow> {
    model
        .flows
        .iter()
        .filter(|f| {
            let from = if f.from.kind == EndpointKind::Internet {
                !in_zones(model, p.src)
            } else {
                f.from
                    .prefixes
                    .iter()
                    .any(|n| contains((n.addr(), n.prefix_len()), p.src))
            };
            let to =
                f.to.prefixes
                    .iter()
                    .any(|n| contains((n.addr(), n.prefix_len()), p.dst));
            let proto = match f.service.protocol {
                Protocol::Any => true,
                Protocol::Icmp => p.proto == if p.dst.is_ipv4() { 1 } else { 58 },
                other => other.number() == Some(p.proto),
            };
            let port = f.service.ports.is_empty()
                || p.dport
                    .is_some_and(|d| f.service.ports.iter().any(|r| r.start <= d && d <= r.end));
            from && to && proto && port
        })
        .collect()
}

/// The addresses the host receives traffic at: its own, its load balancers' and HA VIPs.
fn held(model: &Model, host: &str) -> Vec<IpAddr> {
    let h = model.host(host).unwrap();
    let mut all: Vec<IpAddr> = h.addresses.iter().map(|a| a.address).collect();
    for l in model
        .load_balancers
        .iter()
        .filter(|l| l.hosts.iter().any(|x| x == host))
    {
        all.push(l.vip);
    }
    for g in &model.ha_groups {
        if g.members.iter().any(|m| m.host == host) {
            all.extend(&g.vips);
        }
    }
    all.sort();
    all.dedup();
    all
}

fn probes(model: &Model, host: &str) -> Vec<Probe> {
    let mut sources: BTreeSet<IpAddr> = BTreeSet::new();
    let first = |a: IpAddr| -> IpAddr {
        match a {
            IpAddr::V4(a) => IpAddr::V4((u32::from(a).wrapping_add(1)).into()),
            IpAddr::V6(a) => IpAddr::V6((u128::from(a).wrapping_add(1)).into()),
        }
    };
    for z in model.sites.iter().flat_map(|s| &s.zones) {
        sources.insert(first(z.subnet.addr()));
    }
    for h in &model.hosts {
        sources.extend(h.addresses.iter().map(|a| a.address));
    }
    for f in &model.flows {
        sources.extend(f.from.prefixes.iter().map(|n| first(n.addr())));
    }
    let internet: Vec<IpAddr> = [
        "192.0.2.200",
        "100.64.1.1",
        "2001:db8:ffff:ffff::77",
        "2a00::1",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .filter(|a| !in_zones(model, *a))
    .collect();
    assert!(internet.iter().any(IpAddr::is_ipv4) && internet.iter().any(IpAddr::is_ipv6));
    sources.extend(internet);

    let mut services: BTreeSet<(u8, Option<u16>)> = [
        (6, Some(1)),
        (17, Some(65535)),
        (1, None),
        (58, None),
        (112, None),
        (89, None),
        (253, None),
    ]
    .into_iter()
    .collect();
    for f in &model.flows {
        let numbers: Vec<u8> = match f.service.protocol {
            Protocol::Any => vec![6],
            Protocol::Icmp => vec![1, 58],
            other => other.number().into_iter().collect(),
        };
        for n in numbers {
            if f.service.ports.is_empty() {
                services.insert((
                    n,
                    if f.service.protocol.has_ports() {
                        Some(7)
                    } else {
                        None
                    },
                ));
            }
            for r in &f.service.ports {
                for port in [
                    r.start.checked_sub(1),
                    Some(r.start),
                    Some(r.end),
                    r.end.checked_add(1),
                ] {
                    services.insert((n, port.filter(|p| *p > 0)));
                }
            }
        }
    }
    let mut all = Vec::new();
    for dst in held(model, host) {
        for src in sources.iter().filter(|s| s.is_ipv4() == dst.is_ipv4()) {
            for &(proto, dport) in &services {
                let dport = if matches!(proto, 6 | 17 | 132) {
                    dport.or(Some(7))
                } else {
                    None
                };
                all.push(Probe {
                    src: *src,
                    dst,
                    proto,
                    dport,
                });
            }
        }
    }
    all
}

// ---- nft's answer ---------------------------------------------------------------------------

/// The (expressions, comment) of every rule of `chain`, and the chain's policy.
fn chain(ruleset: &Value, name: &str) -> (Vec<(Vec<Value>, String)>, String) {
    let items = ruleset["nftables"].as_array().unwrap();
    let policy = items
        .iter()
        .find_map(|i| i.get("chain").filter(|c| c["name"] == name))
        .and_then(|c| c["policy"].as_str())
        .unwrap_or_else(|| panic!("no chain {name}"))
        .to_string();
    let rules = items
        .iter()
        .filter_map(|i| i.get("rule"))
        .filter(|r| r["chain"] == name)
        .map(|r| {
            (
                r["expr"].as_array().unwrap().clone(),
                r["comment"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    (rules, policy)
}

fn proto_number(v: &Value) -> u64 {
    if let Some(n) = v.as_u64() {
        return n;
    }
    match v.as_str().unwrap() {
        "icmp" => 1,
        "tcp" => 6,
        "udp" => 17,
        "gre" => 47,
        "esp" => 50,
        "ipv6-icmp" | "icmpv6" => 58,
        "ospf" => 89,
        "vrrp" => 112,
        "sctp" => 132,
        other => panic!("unknown protocol {other}"),
    }
}

/// What a match compares: an address, a number (port, protocol), or a name (interface).
enum Needle<'a> {
    Addr(IpAddr),
    Num(u64),
    Name(&'a str),
}

/// Whether the needle is in the right-hand side of a match: a value, prefix, range or set.
fn member(right: &Value, needle: &Needle) -> bool {
    if let Some(set) = right.get("set") {
        return set.as_array().unwrap().iter().any(|e| member(e, needle));
    }
    if let Some(p) = right.get("prefix") {
        let net: IpAddr = p["addr"].as_str().unwrap().parse().unwrap();
        let len = p["len"].as_u64().unwrap() as u8;
        return matches!(needle, Needle::Addr(a) if contains((net, len), *a));
    }
    if let Some(r) = right.get("range") {
        return match needle {
            // nft lists adjacent prefixes merged into an address range.
            Needle::Addr(a) => {
                let lo: IpAddr = r[0].as_str().unwrap().parse().unwrap();
                let hi: IpAddr = r[1].as_str().unwrap().parse().unwrap();
                lo.is_ipv4() == a.is_ipv4() && lo <= *a && *a <= hi
            }
            Needle::Num(n) => {
                let (lo, hi) = (proto_or_num(&r[0]), proto_or_num(&r[1]));
                lo <= Some(*n) && Some(*n) <= hi
            }
            Needle::Name(_) => false,
        };
    }
    match needle {
        Needle::Addr(a) => right.as_str().and_then(|s| s.parse::<IpAddr>().ok()) == Some(*a),
        Needle::Num(n) => proto_or_num(right) == Some(*n),
        Needle::Name(name) => right.as_str() == Some(*name),
    }
}

/// Whether one `match` expression holds for the probe at `hook`.
fn holds(m: &Value, p: &Probe, hook: Hook) -> bool {
    let left = &m["left"];
    let right = &m["right"];
    let op = m["op"].as_str().unwrap();
    let family_ok = |proto: &str| match proto {
        "ip" => p.dst.is_ipv4(),
        "ip6" => p.dst.is_ipv6(),
        _ => true,
    };
    let addr_member = |a: IpAddr| member(right, &Needle::Addr(a));
    let num_member = |n: u64| member(right, &Needle::Num(n));
    let result = if let Some(pl) = left.get("payload") {
        let proto = pl["protocol"].as_str().unwrap();
        let field = pl["field"].as_str().unwrap();
        match (proto, field) {
            ("ip" | "ip6", "saddr") => {
                if !family_ok(proto) {
                    return false; // the implied family check fails, whatever the operator
                }
                addr_member(p.src)
            }
            ("ip" | "ip6", "daddr") => {
                if !family_ok(proto) {
                    return false;
                }
                addr_member(p.dst)
            }
            ("tcp" | "udp" | "sctp", "dport") => {
                if u64::from(p.proto) != proto_number(&Value::from(proto)) {
                    return false;
                }
                num_member(u64::from(p.dport.unwrap()))
            }
            ("icmpv6", "type") => {
                // Probes carry no ICMPv6 type of neighbour discovery or MLD.
                return false;
            }
            ("ip6", "hoplimit") => return false,
            other => panic!("unsupported payload {other:?}"),
        }
    } else if let Some(meta) = left.get("meta") {
        match meta["key"].as_str().unwrap() {
            "l4proto" => num_member(u64::from(p.proto)),
            "iif" | "iifname" => member(right, &Needle::Name("eth0")),
            other => panic!("unsupported meta {other}"),
        }
    } else if let Some(ct) = left.get("ct") {
        match (
            ct["key"].as_str().unwrap(),
            ct.get("dir").and_then(Value::as_str),
        ) {
            ("state", None) => {
                let states: Vec<&str> = match right {
                    Value::Array(a) => a.iter().map(|v| v.as_str().unwrap()).collect(),
                    v => vec![v.as_str().unwrap()],
                };
                return states.contains(&"new") == (op != "!=");
            }
            ("status", None) => {
                assert_eq!(right, "dnat");
                return (hook == Hook::ForwardDnat) == (op != "!=");
            }
            ("ip daddr" | "ip6 daddr", Some("original")) => {
                let fam = if ct["key"] == "ip daddr" { "ip" } else { "ip6" };
                if hook != Hook::ForwardDnat || !family_ok(fam) {
                    return false;
                }
                addr_member(p.dst)
            }
            ("proto-dst", Some("original")) => {
                if hook != Hook::ForwardDnat {
                    return false;
                }
                num_member(u64::from(p.dport.unwrap_or(0)))
            }
            other => panic!("unsupported ct {other:?}"),
        }
    } else {
        panic!("unsupported match {m}");
    };
    match op {
        "==" | "in" => result,
        "!=" => !result,
        other => panic!("unsupported operator {other}"),
    }
}

fn proto_or_num(v: &Value) -> Option<u64> {
    if v.is_null() {
        return None;
    }
    if v.is_u64() {
        v.as_u64()
    } else {
        v.as_str().map(|_| proto_number(v))
    }
}

/// The chain's verdict on a probe, and the accepting rule's comment.
fn verdict(rules: &[(Vec<Value>, String)], policy: &str, p: &Probe, hook: Hook) -> (bool, String) {
    for (exprs, comment) in rules {
        let mut all = true;
        let mut verdict = None;
        for e in exprs {
            if let Some(m) = e.get("match") {
                if !holds(m, p, hook) {
                    all = false;
                    break;
                }
            } else if e.get("accept").is_some() {
                verdict = Some(true);
            } else if e.get("drop").is_some() {
                verdict = Some(false);
            } else {
                panic!("unsupported statement {e}");
            }
        }
        if all && let Some(v) = verdict {
            return (v, comment.clone());
        }
    }
    (policy == "accept", String::new())
}

fn load(ns: &Netns, file: &std::path::Path) -> Value {
    let nft = infrac_testkit::tool("nft");
    let out = infrac_testkit::run(ns.command(&nft).arg("-f").arg(file));
    assert!(
        out.status.success(),
        "nft -f {}: {}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let out = infrac_testkit::run(ns.command(&nft).args(["-j", "list", "ruleset"]));
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Checks one host's loaded ruleset against the model; returns the number of probes.
fn check_host(model: &Model, host: &str, ruleset: &Value) -> usize {
    let (input, input_policy) = chain(ruleset, "input");
    let (forward, forward_policy) = chain(ruleset, "forward");
    assert_eq!(
        (input_policy.as_str(), forward_policy.as_str()),
        ("drop", "drop")
    );
    let (_, output_policy) = chain(ruleset, "output");
    assert_eq!(output_policy, "accept");
    let runs_containers = !model.host(host).unwrap().services.is_empty();
    let probes = probes(model, host);
    let mut covered: BTreeSet<String> = BTreeSet::new();
    for p in &probes {
        let flows = allowing(model, p);
        let comments: BTreeSet<String> = flows.iter().map(|f| comment(f)).collect();
        let (accepted, by) = verdict(&input, &input_policy, p, Hook::Input);
        assert_eq!(
            accepted,
            !flows.is_empty(),
            "{host}: input {p:?}: flows {comments:?}, rule {by:?}"
        );
        if accepted {
            assert!(
                comments.contains(&by),
                "{host}: {p:?} accepted by {by:?}, allowed by {comments:?}"
            );
            covered.extend(comments);
        }
        if matches!(p.proto, 6 | 17 | 132) {
            let (forwarded, by) = verdict(&forward, &forward_policy, p, Hook::ForwardDnat);
            let expected = runs_containers && !flows.is_empty();
            assert_eq!(
                forwarded, expected,
                "{host}: forward after DNAT {p:?}, rule {by:?}"
            );
        }
    }
    // Every flow reaching the host from a source of the reached address's family was seen
    // accepting a probe. (A flow whose sources are all of the other family, such as a
    // monitoring scrape from an IPv4-only server to an IPv6-only host, allows nothing: the
    // file says so in a comment.)
    let addresses = held(model, host);
    for f in &model.flows {
        let reaches = f.to.prefixes.iter().any(|n| {
            addresses.iter().any(|a| {
                contains((n.addr(), n.prefix_len()), *a)
                    && (f.from.kind == EndpointKind::Internet
                        || f.from
                            .prefixes
                            .iter()
                            .any(|p| p.addr().is_ipv4() == a.is_ipv4()))
            })
        });
        if reaches {
            assert!(
                covered.contains(&comment(f)),
                "{host}: no probe exercised {}",
                comment(f)
            );
        }
    }
    probes.len()
}

#[test]
fn every_ruleset_accepts_exactly_the_flows_of_the_model() {
    let ns = Netns::new("nft-sem");
    let dir = infrac_testkit::tempdir();
    let mut total = 0;
    for (name, model) in common::models() {
        let files = common::render(&model);
        let paths = common::write(&files, &dir.path().join(&name));
        for (h, path) in model.hosts.iter().zip(&paths) {
            assert!(path.ends_with(format!("{}/nftables.conf", h.name)));
            total += check_host(&model, &h.name, &load(&ns, path));
        }
    }
    eprintln!("{total} probes");
    assert!(total > 10_000, "probes: {total}");
}

#[test]
fn an_inline_model_gets_exactly_its_flows() {
    let model = infrac_testkit::model_from_str(
        r#"
project lab { domain "lab.example" }
site s1 {
  id 1
  zone mgmt { vlan 10; subnet 10.9.10.0/24; purpose management }
  zone apps { vlan 20; subnet 10.9.20.0/24 }
  zone apps6 { vlan 21; subnet fd00:9:20::/64 }
  host admin { address mgmt 10.9.10.10 }
  host app { address apps 10.9.20.11; address apps6 fd00:9:20::11 }
  host ci { address apps 10.9.20.30 }
}
allow s1.mgmt -> app ssh { why "administration" }
allow ci -> app ssh { why "deployments: SSH from outside the management zone, rendered as written" }
allow internet -> app tcp/8000-8080 { why "public API" }
allow fd00:9:20::/64 -> app udp/5353 { name mdns6; why "v6 discovery" }
"#,
    );
    let files = Nftables::compile(&model, &Target::unit("nftables", "app")).unwrap();
    let text = String::from_utf8(files[0].contents.clone()).unwrap();
    let rules: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.contains(" accept comment "))
        .collect();
    assert_eq!(
        rules,
        [
            "ip saddr != { 10.9.10.0/24, 10.9.20.0/24 } ip daddr 10.9.20.11 tcp dport 8000-8080 accept comment \"rule internet-to-app (site.infra:14)\"",
            "ip6 saddr != fd00:9:20::/64 ip6 daddr fd00:9:20::11 tcp dport 8000-8080 accept comment \"rule internet-to-app (site.infra:14)\"",
            "ip saddr 10.9.10.0/24 ip daddr 10.9.20.11 tcp dport 22 accept comment \"rule s1-mgmt-to-app (site.infra:12)\"",
            "ip saddr 10.9.20.30 ip daddr 10.9.20.11 tcp dport 22 accept comment \"rule ci-to-app (site.infra:13)\"",
            "ip6 saddr fd00:9:20::/64 ip6 daddr fd00:9:20::11 udp dport 5353 accept comment \"rule mdns6 (site.infra:15)\"",
        ],
        "{text}"
    );
    // The host has IPv6: neighbour discovery is open; no service runs: forward stays closed.
    assert!(text.contains(
        "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } ip6 hoplimit 255 accept"
    ));
    assert!(
        text.contains(
            "chain forward {\n\t\ttype filter hook forward priority 0; policy drop;\n\t}"
        )
    );
    // And nft agrees, probe by probe.
    let ns = Netns::new("nft-sem-inline");
    let dir = infrac_testkit::tempdir();
    let path = common::write(&files, dir.path()).remove(0);
    assert!(check_host(&model, "app", &load(&ns, &path)) > 100);
}
