//! The access lists mean exactly the flow matrix: an evaluator of IOS extended ACLs (first
//! match, implicit deny) runs sample packets through each routed interface's inbound ACL, and
//! an oracle written from the model's flows alone says whether each packet is allowed.
//!
//! A packet is probed on interface `i` when it can enter there (its source is in `i`'s subnet,
//! or `i` faces upstream and the source is not in any of the device's subnets) and the device
//! routes or receives it (the destination is behind another interface, is the device itself,
//! or is remote and another upstream interface exists). Forward packets are connection
//! openings; reply packets carry ACK and come from the service port.

mod common;

use infrac_sdk::{Endpoint, EndpointKind, Model, Protocol};
use std::net::Ipv4Addr;

/// One parsed access-control entry.
#[derive(Debug)]
struct Entry {
    permit: bool,
    protocol: Option<u8>, // None: ip (every protocol)
    src: (u32, u32),      // address, wildcard
    src_port: Option<(u16, u16)>,
    dst: (u32, u32),
    dst_port: Option<(u16, u16)>,
    established: bool,
    icmp_type: Option<u8>,
    text: String,
}

fn ip(s: &str) -> u32 {
    u32::from(
        s.parse::<Ipv4Addr>()
            .unwrap_or_else(|_| panic!("bad address {s}")),
    )
}

fn parse_addr(tokens: &[&str], at: &mut usize) -> (u32, u32) {
    let t = tokens[*at];
    *at += 1;
    match t {
        "any" => (0, u32::MAX),
        "host" => {
            let a = ip(tokens[*at]);
            *at += 1;
            (a, 0)
        }
        a => {
            let w = ip(tokens[*at]);
            *at += 1;
            (ip(a), w)
        }
    }
}

fn parse_ports(tokens: &[&str], at: &mut usize) -> Option<(u16, u16)> {
    match tokens.get(*at) {
        Some(&"eq") => {
            let p = tokens[*at + 1].parse().expect("port");
            *at += 2;
            Some((p, p))
        }
        Some(&"range") => {
            let a = tokens[*at + 1].parse().expect("port");
            let b = tokens[*at + 2].parse().expect("port");
            *at += 3;
            Some((a, b))
        }
        _ => None,
    }
}

fn parse(lines: &[String]) -> Vec<Entry> {
    let mut out = Vec::new();
    for line in lines {
        let tokens: Vec<&str> = line.split_whitespace().collect();
        match tokens.first() {
            Some(&"remark") => continue,
            Some(&"permit") | Some(&"deny") => {}
            _ => panic!("unknown ACL line `{line}`"),
        }
        let protocol = match tokens[1] {
            "ip" => None,
            "tcp" => Some(6),
            "udp" => Some(17),
            "icmp" => Some(1),
            "ospf" => Some(89),
            "gre" => Some(47),
            "esp" => Some(50),
            n => Some(n.parse().unwrap_or_else(|_| panic!("protocol in `{line}`"))),
        };
        let mut at = 2;
        let src = parse_addr(&tokens, &mut at);
        let src_port = parse_ports(&tokens, &mut at);
        let dst = parse_addr(&tokens, &mut at);
        let dst_port = parse_ports(&tokens, &mut at);
        let (mut established, mut icmp_type) = (false, None);
        match tokens.get(at) {
            None => {}
            Some(&"established") => established = true,
            Some(&"echo-reply") => icmp_type = Some(0),
            Some(t) => panic!("unknown trailer `{t}` in `{line}`"),
        }
        assert!(at + 1 >= tokens.len(), "trailing tokens in `{line}`");
        out.push(Entry {
            permit: tokens[0] == "permit",
            protocol,
            src,
            src_port,
            dst,
            dst_port,
            established,
            icmp_type,
            text: line.clone(),
        });
    }
    out
}

/// A probe packet.
#[derive(Clone, Copy, Debug)]
struct Packet {
    protocol: u8,
    src: u32,
    src_port: u16,
    dst: u32,
    dst_port: u16,
    ack: bool,
    icmp_type: u8,
}

fn matches_addr((a, w): (u32, u32), x: u32) -> bool {
    (x & !w) == (a & !w)
}

fn in_ports(p: Option<(u16, u16)>, x: u16) -> bool {
    p.is_none_or(|(a, b)| a <= x && x <= b)
}

/// First match; `None` is the implicit deny.
fn evaluate<'a>(acl: &'a [Entry], p: &Packet) -> Option<&'a Entry> {
    acl.iter().find(|e| {
        e.protocol.is_none_or(|n| n == p.protocol)
            && matches_addr(e.src, p.src)
            && matches_addr(e.dst, p.dst)
            && (!matches!(p.protocol, 6 | 17)
                || (in_ports(e.src_port, p.src_port) && in_ports(e.dst_port, p.dst_port)))
            && (!e.established || (p.protocol == 6 && p.ack))
            && e.icmp_type
                .is_none_or(|t| p.protocol == 1 && t == p.icmp_type)
    })
}

fn permitted(acl: &[Entry], p: &Packet) -> bool {
    evaluate(acl, p).is_some_and(|e| e.permit)
}

/// Whether `addr` is one of `e`'s addresses (the internet: outside every zone of the model).
fn in_endpoint(model: &Model, e: &Endpoint, addr: u32) -> bool {
    let inside = |p: &infrac_sdk::Endpoint| {
        p.prefixes.iter().any(|n| match n.addr() {
            std::net::IpAddr::V4(a) => {
                let len = u32::from(n.prefix_len());
                let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
                (addr & mask) == (u32::from(a) & mask)
            }
            std::net::IpAddr::V6(_) => false,
        })
    };
    match e.kind {
        EndpointKind::Internet => {
            !model
                .sites
                .iter()
                .flat_map(|s| &s.zones)
                .any(|z| match z.subnet.addr() {
                    std::net::IpAddr::V4(a) => {
                        let len = u32::from(z.subnet.prefix_len());
                        let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
                        (addr & mask) == (u32::from(a) & mask)
                    }
                    std::net::IpAddr::V6(_) => false,
                })
        }
        _ => inside(e),
    }
}

/// The oracle: whether the flow matrix allows `src` to open `protocol`/`port` to `dst`.
fn allows(model: &Model, src: u32, dst: u32, protocol: u8, port: u16) -> bool {
    model.flows.iter().any(|f| {
        let proto = match f.service.protocol {
            Protocol::Any => true,
            p => p.number() == Some(protocol),
        };
        let port_ok = !f.service.protocol.has_ports()
            || f.service.ports.is_empty()
            || f.service
                .ports
                .iter()
                .any(|r| r.start <= port && port <= r.end);
        proto && port_ok && in_endpoint(model, &f.from, src) && in_endpoint(model, &f.to, dst)
    })
}

/// A routed interface as the test sees it.
struct Iface {
    acl: String,
    net: (u32, u32), // base, mask
    own: u32,
    upstream: bool,
}

fn in_net((base, mask): (u32, u32), x: u32) -> bool {
    (x & mask) == base
}

const EPHEMERAL: u16 = 40000;
const TCP_PORTS: &[u16] = &[22, 25, 53, 80, 443, 5060, 7999, 8000, 8080, 8081, 9100];
const UDP_PORTS: &[u16] = &[53, 123, 161, 5060];

/// Runs every probe through every interface; returns the disagreements with the oracle.
fn probe(model: &Model, config: &str, ifaces: &[Iface], samples: &[&str]) -> (usize, Vec<String>) {
    let acls: Vec<Vec<Entry>> = ifaces
        .iter()
        .map(|i| parse(&common::acl_lines(config, &i.acl)))
        .collect();
    let local = |x: u32| ifaces.iter().any(|i| in_net(i.net, x));
    let own = |x: u32| ifaces.iter().any(|i| i.own == x);
    let samples: Vec<u32> = samples.iter().map(|s| ip(s)).collect();
    let (mut count, mut problems) = (0, Vec::new());
    for (k, i) in ifaces.iter().enumerate() {
        let other_upstream = ifaces.iter().enumerate().any(|(m, j)| m != k && j.upstream);
        for &src in &samples {
            let enters = (in_net(i.net, src) && !own(src)) || (i.upstream && !local(src));
            if !enters {
                continue;
            }
            for &dst in &samples {
                let routed = own(dst)
                    || ifaces
                        .iter()
                        .enumerate()
                        .any(|(m, j)| m != k && in_net(j.net, dst))
                    || (!local(dst) && other_upstream);
                if !routed || src == dst {
                    continue;
                }
                let mut packets = Vec::new();
                for &port in TCP_PORTS {
                    packets.push(Packet {
                        protocol: 6,
                        src,
                        src_port: EPHEMERAL,
                        dst,
                        dst_port: port,
                        ack: false,
                        icmp_type: 0,
                    });
                    for ack in [true, false] {
                        packets.push(Packet {
                            protocol: 6,
                            src,
                            src_port: port,
                            dst,
                            dst_port: EPHEMERAL,
                            ack,
                            icmp_type: 0,
                        });
                    }
                }
                for &port in UDP_PORTS {
                    packets.push(Packet {
                        protocol: 17,
                        src,
                        src_port: EPHEMERAL,
                        dst,
                        dst_port: port,
                        ack: false,
                        icmp_type: 0,
                    });
                    packets.push(Packet {
                        protocol: 17,
                        src,
                        src_port: port,
                        dst,
                        dst_port: EPHEMERAL,
                        ack: false,
                        icmp_type: 0,
                    });
                }
                for icmp_type in [8, 0] {
                    packets.push(Packet {
                        protocol: 1,
                        src,
                        src_port: 0,
                        dst,
                        dst_port: 0,
                        ack: false,
                        icmp_type,
                    });
                }
                for protocol in [47, 50, 112] {
                    packets.push(Packet {
                        protocol,
                        src,
                        src_port: 0,
                        dst,
                        dst_port: 0,
                        ack: false,
                        icmp_type: 0,
                    });
                }
                for p in packets {
                    count += 1;
                    let forward = allows(model, p.src, p.dst, p.protocol, p.dst_port);
                    // A reply: TCP with ACK or UDP from the service port back to the opener,
                    // or an ICMP echo reply.
                    let reply = match p.protocol {
                        6 => p.ack && allows(model, p.dst, p.src, 6, p.src_port),
                        17 => allows(model, p.dst, p.src, 17, p.src_port),
                        1 => p.icmp_type == 0 && allows(model, p.dst, p.src, 1, 0),
                        _ => false,
                    };
                    let want = forward || reply;
                    let got = permitted(&acls[k], &p);
                    if want != got {
                        problems.push(format!(
                            "{}: {:?} {}:{} -> {}:{} ack={} type={}: expected {}, the ACL {} ({})",
                            i.acl,
                            p.protocol,
                            Ipv4Addr::from(p.src),
                            p.src_port,
                            Ipv4Addr::from(p.dst),
                            p.dst_port,
                            p.ack,
                            p.icmp_type,
                            if want { "permit" } else { "deny" },
                            if got { "permits" } else { "denies" },
                            evaluate(&acls[k], &p).map_or("implicit deny", |e| e.text.as_str()),
                        ));
                    }
                }
            }
        }
    }
    (count, problems)
}

fn iface(acl: &str, net: &str, len: u32, own: &str, upstream: bool) -> Iface {
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    Iface {
        acl: acl.to_string(),
        net: (ip(net) & mask, mask),
        own: ip(own),
        upstream,
    }
}

fn routed_switch() -> (Model, String, Vec<Iface>) {
    let model = infrac_testkit::model_from_str(common::ROUTED_SWITCH);
    let config = common::config_of(&model, "l3");
    let ifaces = vec![
        iface("INFRAC-IN-Vlan10", "10.1.10.0", 24, "10.1.10.1", false),
        iface("INFRAC-IN-Vlan20", "10.1.20.0", 24, "10.1.20.1", false),
        iface("INFRAC-IN-Vlan30", "10.1.30.0", 24, "10.1.30.1", false),
        iface("INFRAC-IN-Vlan90", "10.1.90.0", 29, "10.1.90.2", true),
    ];
    (model, config, ifaces)
}

const SWITCH_SAMPLES: &[&str] = &[
    "10.1.10.1",
    "10.1.10.10",
    "10.1.10.77",
    "10.1.20.1",
    "10.1.20.10",
    "10.1.20.99",
    "10.1.30.1",
    "10.1.30.10",
    "10.1.30.53",
    "10.1.30.77",
    "10.1.90.1",
    "10.1.90.2",
    "10.2.10.10",
    "10.2.10.55",
    "203.0.113.9",
    "8.8.8.8",
    "198.51.100.7",
];

#[test]
fn routed_switch_acls_are_the_flow_matrix() {
    let (model, config, ifaces) = routed_switch();
    let (count, problems) = probe(&model, &config, &ifaces, SWITCH_SAMPLES);
    assert!(count > 5_000, "only {count} probes");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn router_acls_are_the_flow_matrix() {
    let model = infrac_testkit::model_from_str(common::ROUTER);
    let config = common::config_of(&model, "ra");
    let ifaces = vec![
        iface(
            "INFRAC-IN-GigabitEthernet0_0-10",
            "10.10.10.0",
            24,
            "10.10.10.1",
            false,
        ),
        iface(
            "INFRAC-IN-GigabitEthernet0_0-11",
            "10.10.11.0",
            24,
            "10.10.11.1",
            false,
        ),
        iface(
            "INFRAC-IN-GigabitEthernet0_1",
            "198.51.100.0",
            30,
            "198.51.100.2",
            true,
        ),
        iface(
            "INFRAC-IN-GigabitEthernet0_2",
            "10.255.0.0",
            30,
            "10.255.0.1",
            true,
        ),
    ];
    let samples = [
        "10.10.10.1",
        "10.10.10.10",
        "10.10.10.99",
        "10.10.11.1",
        "10.10.11.10",
        "10.20.10.1",
        "10.20.10.44",
        "198.51.100.1",
        "198.51.100.2",
        "10.255.0.1",
        "10.255.0.2",
        "8.8.8.8",
    ];
    let (count, problems) = probe(&model, &config, &ifaces, &samples);
    assert!(count > 3_000, "only {count} probes");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_flow_entering_an_svi_has_its_remark_and_permit() {
    let (model, config, ifaces) = routed_switch();
    // The users SVI: exactly the flows whose source is the users zone, by rule.
    let lines = common::acl_lines(&config, "INFRAC-IN-Vlan20");
    let remarks: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("remark rule "))
        .collect();
    let mut rules: Vec<String> = model
        .flows
        .iter()
        .filter(|f| f.from.name == "core.users")
        .map(|f| format!("{} {}", f.provenance.name, f.provenance.origin))
        .collect();
    rules.dedup();
    let mut remarks: Vec<String> = remarks.iter().map(|s| s.to_string()).collect();
    remarks.sort();
    rules.sort();
    rules.dedup();
    assert_eq!(remarks, rules);
    for i in &ifaces {
        let lines = common::acl_lines(&config, &i.acl);
        assert_eq!(
            lines.last().map(String::as_str),
            Some("deny ip any any"),
            "{}",
            i.acl
        );
        assert!(
            lines.iter().any(|l| l.starts_with("permit ")),
            "{} permits nothing",
            i.acl
        );
    }
    // One permit per port range of the users → web1 flows (http and https).
    let web: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("permit tcp 10.1.20.0 0.0.0.255 host 10.1.30.10 eq "))
        .collect();
    assert_eq!(web.len(), 2, "{web:?}");
}

#[test]
fn the_internet_is_everything_outside_the_zones() {
    let (model, config, _) = routed_switch();
    let users = parse(&common::acl_lines(&config, "INFRAC-IN-Vlan20"));
    let uplink = parse(&common::acl_lines(&config, "INFRAC-IN-Vlan90"));
    let syn = |src: &str, dst: &str, port: u16| Packet {
        protocol: 6,
        src: ip(src),
        src_port: EPHEMERAL,
        dst: ip(dst),
        dst_port: port,
        ack: false,
        icmp_type: 0,
    };
    // users -> internet https: out to the internet, never to a zone of either site.
    assert!(permitted(&users, &syn("10.1.20.10", "8.8.8.8", 443)));
    assert!(!permitted(&users, &syn("10.1.20.10", "8.8.8.8", 80)));
    assert!(!permitted(&users, &syn("10.1.20.10", "10.1.10.10", 443)));
    assert!(!permitted(&users, &syn("10.1.20.10", "10.2.10.10", 443)));
    assert!(!permitted(&users, &syn("10.1.20.10", "10.1.90.1", 443)));
    // internet -> web1 https: from outside only; the remote site's zone is not the internet.
    assert!(permitted(&uplink, &syn("8.8.8.8", "10.1.30.10", 443)));
    assert!(!permitted(&uplink, &syn("10.2.10.55", "10.1.30.10", 443)));
    assert!(!permitted(&uplink, &syn("8.8.8.8", "10.1.30.53", 443)));
    // A literal outside prefix is its own endpoint, not the internet.
    assert!(permitted(&uplink, &syn("203.0.113.9", "10.1.30.10", 22)));
    assert!(!permitted(&uplink, &syn("8.8.8.8", "10.1.30.10", 22)));
    // Every `any` is preceded by denies of every zone prefix.
    let text = common::acl_lines(&config, "INFRAC-IN-Vlan20").join("\n");
    for zone in model.sites.iter().flat_map(|s| &s.zones) {
        let deny = format!("deny ip 10.1.20.0 0.0.0.255 {}", zone.subnet.addr());
        let at = text.find(&deny).unwrap_or_else(|| panic!("no `{deny}`"));
        assert!(at < text.find(" any eq 443").expect("the internet permit"));
    }
}

#[test]
fn the_device_keeps_ospf_and_ntp() {
    let (_, config, _) = routed_switch();
    let uplink = parse(&common::acl_lines(&config, "INFRAC-IN-Vlan90"));
    let mgmt = parse(&common::acl_lines(&config, "INFRAC-IN-Vlan10"));
    let ospf = |dst: &str| Packet {
        protocol: 89,
        src: ip("10.1.90.1"),
        src_port: 0,
        dst: ip(dst),
        dst_port: 0,
        ack: false,
        icmp_type: 0,
    };
    assert!(permitted(&uplink, &ospf("224.0.0.5")));
    assert!(permitted(&uplink, &ospf("10.1.90.2")));
    // Passive interfaces hear no OSPF.
    let mut from_mgmt = ospf("224.0.0.5");
    from_mgmt.src = ip("10.1.10.10");
    assert!(!permitted(&mgmt, &from_mgmt));
    let ntp = Packet {
        protocol: 17,
        src: ip("10.1.10.5"),
        src_port: 123,
        dst: ip("10.1.10.1"),
        dst_port: 123,
        ack: false,
        icmp_type: 0,
    };
    assert!(permitted(&mgmt, &ntp));
    assert!(!permitted(
        &mgmt,
        &Packet {
            dst_port: 5000,
            ..ntp
        }
    ));
}

/// The routed interfaces of `device` as its configuration names them: every `interface` block
/// with an IPv4 address and an inbound ACL, matched to the model's interface by that address.
/// Upstream: no zone, OSPF active, a gateway, or the default route's next hop in its subnet.
fn derived_ifaces(model: &Model, device: &str, config: &str) -> Vec<Iface> {
    let d = model.device(device).expect("device");
    let default_hop = config
        .lines()
        .find_map(|l| l.strip_prefix("ip route 0.0.0.0 0.0.0.0 "))
        .map(|h| ip(h.split_whitespace().next().expect("next hop")));
    let mut out = Vec::new();
    let mut blocks = config.split("\ninterface ").skip(1);
    for block in blocks.by_ref() {
        let lines: Vec<&str> = block.lines().take_while(|l| *l != "!").collect();
        let address = lines
            .iter()
            .find_map(|l| l.strip_prefix(" ip address "))
            .map(|a| a.split_whitespace().collect::<Vec<_>>());
        let acl = lines
            .iter()
            .find_map(|l| l.strip_prefix(" ip access-group "))
            .and_then(|a| a.strip_suffix(" in"));
        let (Some(address), Some(acl)) = (address, acl) else {
            continue;
        };
        let (own, mask) = (ip(address[0]), ip(address[1]));
        let i = d
            .interfaces
            .iter()
            .find(|i| {
                i.address
                    .is_some_and(|a| a.addr().to_string() == address[0])
            })
            .unwrap_or_else(|| panic!("{device}: no interface with {}", address[0]));
        let net = (own & mask, mask);
        let upstream = i.zone.is_none()
            || i.ospf.as_ref().is_some_and(|o| !o.passive)
            || i.gateway.is_some()
            || default_hop.is_some_and(|h| in_net(net, h));
        out.push(Iface {
            acl: acl.to_string(),
            net,
            own,
            upstream,
        });
    }
    out
}

/// Sample addresses for a model: two per IPv4 zone (the second host and one near the end),
/// every host, every routed interface's own address and its peer, and two outside addresses.
fn derived_samples(model: &Model, ifaces: &[Iface]) -> Vec<String> {
    let mut out: Vec<u32> = vec![ip("8.8.8.8"), ip("203.0.113.9")];
    for z in model.sites.iter().flat_map(|s| &s.zones) {
        if let std::net::IpAddr::V4(a) = z.subnet.addr() {
            let base = u32::from(a) & (u32::MAX << (32 - u32::from(z.subnet.prefix_len())));
            let size = 1u32 << (32 - u32::from(z.subnet.prefix_len()));
            out.push(base + 2);
            out.push(base + size - 3);
        }
    }
    for h in &model.hosts {
        for a in &h.addresses {
            if let std::net::IpAddr::V4(v4) = a.address {
                out.push(u32::from(v4));
            }
        }
    }
    for i in ifaces {
        out.push(i.own);
        out.push(if i.own == i.net.0 + 1 {
            i.net.0 + 2
        } else {
            i.net.0 + 1
        });
    }
    out.sort_unstable();
    out.dedup();
    out.into_iter()
        .map(|a| Ipv4Addr::from(a).to_string())
        .collect()
}

#[test]
fn net_ring_router_and_routed_switch_acls_are_the_flow_matrix() {
    // A model no example resembles: an IOS router with two upstream links (areas 0) and a
    // routed switch that is an ABR, with an active-OSPF transit SVI, in a five-site ring.
    let model =
        infrac_testkit::model_of(&infrac_testkit::repo_root().join("tests/models/net-ring"));
    for (device, min_ifaces) in [("r2", 4), ("sw3", 6)] {
        let config = common::config_of(&model, device);
        let ifaces = derived_ifaces(&model, device, &config);
        assert_eq!(ifaces.len(), min_ifaces, "{device}: routed interfaces");
        let samples = derived_samples(&model, &ifaces);
        let samples: Vec<&str> = samples.iter().map(String::as_str).collect();
        let (count, problems) = probe(&model, &config, &ifaces, &samples);
        assert!(count > 10_000, "{device}: only {count} probes");
        assert!(problems.is_empty(), "{device}:\n{}", problems.join("\n"));
    }
}
