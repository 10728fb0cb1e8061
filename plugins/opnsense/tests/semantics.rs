//! What the rules mean: from small inline models, packets evaluated against the rendered
//! rules (port forwards, then first match on the interface, then the default deny; see
//! `common::eval`) behave as the flow matrix says; and over every example and test model, every
//! pass rule is justified by a flow and every flow between a firewall's own zones, or from the
//! internet to them, passes.

mod common;

use common::eval::{Packet, filter, verdict};
use roxmltree::Document;

const SITE: &str = r#"
project acme { domain "acme.test" }

site paris {
  id 1
  zone mgmt { vlan 10; subnet 192.168.10.0/24 }
  zone apps { vlan 12; subnet 192.168.12.0/24 }
  zone dmz { vlan 13; subnet 192.168.13.0/24 }
  firewall fw1 {
    platform opnsense
    interface wan { port vtnet0; address 203.0.113.10/28; gateway 203.0.113.1 }
    trunk lan { port vtnet1; vlans [mgmt, apps, dmz] }
    FORWARD
  }
  host admin1 { address mgmt 192.168.10.10 }
  host app1 { address apps 192.168.12.11 }
  host web1 { address dmz 192.168.13.11 }
}
"#;

/// The config of fw1 for the one-site model with `rules` (and an optional forward line).
fn fw1(forward: &str, rules: &str) -> String {
    let text = format!("{}\n{rules}\n", SITE.replace("FORWARD", forward));
    let model = infrac_testkit::model_from_str(&text);
    let xml = common::config_of(&model, "fw1");
    let problems = common::verify::check(&xml);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    xml
}

/// A rule as (interface, type, protocol, source, destination, port, descr).
type RuleView = (String, String, String, String, String, String, String);

fn rules(xml: &str) -> Vec<RuleView> {
    let doc = Document::parse(xml).expect("well-formed");
    let text = |n: roxmltree::Node, name: &str| {
        n.children()
            .find(|c| c.has_tag_name(name))
            .and_then(|c| c.text())
            .unwrap_or_default()
            .to_string()
    };
    let side = |n: roxmltree::Node, name: &str| {
        let s = n.children().find(|c| c.has_tag_name(name)).expect("side");
        if s.children().any(|c| c.has_tag_name("any")) {
            "any".to_string()
        } else {
            format!("{}{}", text(s, "address"), text(s, "network"))
        }
    };
    doc.descendants()
        .filter(|n| n.has_tag_name("rule") && n.parent().is_some_and(|p| p.has_tag_name("filter")))
        .map(|r| {
            let dst = r
                .children()
                .find(|c| c.has_tag_name("destination"))
                .expect("destination");
            (
                text(r, "interface"),
                text(r, "type"),
                text(r, "protocol"),
                side(r, "source"),
                side(r, "destination"),
                text(dst, "port"),
                text(r, "descr"),
            )
        })
        .collect()
}

/// The pass rules (no default deny, no blocks).
fn passes(xml: &str) -> Vec<RuleView> {
    rules(xml).into_iter().filter(|r| r.1 == "pass").collect()
}

fn count_nat(xml: &str) -> usize {
    let doc = Document::parse(xml).expect("well-formed");
    doc.descendants()
        .filter(|n| n.has_tag_name("rule") && n.parent().is_some_and(|p| p.has_tag_name("nat")))
        .count()
}

#[test]
fn a_zone_rule_is_one_pass_rule_on_the_source_zone_interface() {
    let xml = fw1("", "allow paris.mgmt -> paris.apps ssh { name admin-ssh }");
    let p = passes(&xml);
    assert_eq!(p.len(), 1, "{p:#?}");
    let (iface, _, proto, src, dst, port, descr) = &p[0];
    // Zones sorted by VLAN: mgmt (10) is lan, apps (12) opt1, dmz (13) opt2.
    assert_eq!(
        (
            iface.as_str(),
            proto.as_str(),
            src.as_str(),
            dst.as_str(),
            port.as_str()
        ),
        ("lan", "tcp", "192.168.10.0/24", "192.168.12.0/24", "22")
    );
    assert_eq!(descr, "infrac rule admin-ssh (site.infra:20)");
    assert!(
        filter(
            &xml,
            &Packet::tcp("lan", "192.168.10.10", "192.168.12.11", 22)
        )
        .passes()
    );
    assert!(
        !filter(
            &xml,
            &Packet::tcp("lan", "192.168.10.10", "192.168.12.11", 23)
        )
        .passes()
    );
    assert!(
        !filter(
            &xml,
            &Packet::tcp("lan", "192.168.10.10", "192.168.13.11", 22)
        )
        .passes()
    );
    assert!(
        !filter(
            &xml,
            &Packet::tcp("opt1", "192.168.12.11", "192.168.10.10", 22)
        )
        .passes()
    );
    assert!(
        !filter(
            &xml,
            &Packet::new("lan", "udp", "192.168.10.10", "192.168.12.11", Some(22))
        )
        .passes()
    );
    // Every interface ends with the explicit default deny.
    let denies = rules(&xml)
        .into_iter()
        .filter(|r| r.6.starts_with("infrac default-deny fw1"))
        .count();
    assert_eq!(denies, 4, "one per interface: wan, lan, opt1, opt2");
}

#[test]
fn the_internet_is_outside_the_zones_not_any() {
    let xml = fw1(
        "",
        "allow internet -> web1 https\nallow paris.apps -> internet https",
    );
    let outside = "198.51.100.7";
    // From the internet, only to web1:443.
    assert!(filter(&xml, &Packet::tcp("wan", outside, "192.168.13.11", 443)).passes());
    assert!(!filter(&xml, &Packet::tcp("wan", outside, "192.168.13.11", 80)).passes());
    assert!(!filter(&xml, &Packet::tcp("wan", outside, "192.168.12.11", 443)).passes());
    assert!(!filter(&xml, &Packet::tcp("wan", outside, "192.168.10.10", 443)).passes());
    // A zone's address arriving on the WAN is not the internet.
    for internal in ["192.168.10.10", "192.168.12.11", "192.168.13.99"] {
        let v = filter(&xml, &Packet::tcp("wan", internal, "192.168.13.11", 443));
        assert!(!v.passes(), "{internal} on the WAN reached web1: {v:?}");
    }
    // To the internet, but not to the other zones.
    assert!(filter(&xml, &Packet::tcp("opt1", "192.168.12.11", "8.8.8.8", 443)).passes());
    assert!(!filter(&xml, &Packet::tcp("opt1", "192.168.12.11", "8.8.8.8", 80)).passes());
    assert!(
        !filter(
            &xml,
            &Packet::tcp("opt1", "192.168.12.11", "192.168.10.10", 443)
        )
        .passes()
    );
    assert!(
        !filter(
            &xml,
            &Packet::tcp("opt1", "192.168.12.11", "192.168.13.11", 443)
        )
        .passes()
    );
    // Never a plain pass from any to any.
    assert!(!passes(&xml).iter().any(|r| r.3 == "any" && r.4 == "any"));
}

#[test]
fn a_port_forward_is_one_nat_rule_and_one_pass_rule() {
    for rules_text in ["", "allow internet -> web1 https"] {
        let xml = fw1("forward https -> web1", rules_text);
        assert_eq!(count_nat(&xml), 1, "{xml}");
        let to_web: Vec<_> = passes(&xml)
            .into_iter()
            .filter(|r| r.4 == "192.168.13.11")
            .collect();
        assert_eq!(to_web.len(), 1, "{to_web:#?}");
        assert_eq!((to_web[0].0.as_str(), to_web[0].5.as_str()), ("wan", "443"));
        assert!(
            to_web[0].6.contains("infrac forward fw1 (site.infra:13)"),
            "{}",
            to_web[0].6
        );
        // From the internet to the WAN address: translated, then passed.
        let v = verdict(
            &xml,
            &Packet::tcp("wan", "198.51.100.7", "203.0.113.10", 443),
        );
        assert!(v.passes(), "{v:?}");
        assert!(
            !verdict(
                &xml,
                &Packet::tcp("wan", "198.51.100.7", "203.0.113.10", 80)
            )
            .passes()
        );
        assert!(
            !verdict(
                &xml,
                &Packet::tcp("wan", "192.168.12.11", "203.0.113.10", 443)
            )
            .passes()
        );
    }
}

#[test]
fn ports_merge_into_ranges_and_tcp_udp_only_when_exact() {
    let xml = fw1(
        "",
        "allow paris.mgmt -> paris.apps tcp/8000-8080\n\
         allow paris.mgmt -> paris.apps tcp/8081-8090\n\
         allow paris.mgmt -> paris.apps http https\n\
         allow paris.apps -> paris.dmz dns",
    );
    let p = passes(&xml);
    let ports: Vec<(&str, &str, &str)> = p
        .iter()
        .map(|r| (r.0.as_str(), r.2.as_str(), r.5.as_str()))
        .collect();
    assert!(ports.contains(&("lan", "tcp", "8000-8090")), "{ports:?}");
    assert!(ports.contains(&("lan", "tcp", "80")), "{ports:?}");
    assert!(ports.contains(&("lan", "tcp", "443")), "{ports:?}");
    assert!(ports.contains(&("opt1", "tcp/udp", "53")), "{ports:?}");
    assert_eq!(p.len(), 4, "{p:#?}");
    let merged = p.iter().find(|r| r.5 == "8000-8090").expect("merged rule");
    // The merged range names the two rules it covers, and only those.
    assert!(
        merged.6.contains("(site.infra:20)") && merged.6.contains("(site.infra:21)"),
        "{}",
        merged.6
    );
    assert!(!merged.6.contains("(site.infra:22)"), "{}", merged.6);
    let https = p.iter().find(|r| r.5 == "443").expect("https rule");
    assert_eq!(
        https.6,
        "infrac rule paris-mgmt-to-paris-apps-3 (site.infra:22)"
    );
    for (port, ok) in [
        (8000, true),
        (8085, true),
        (8090, true),
        (8091, false),
        (443, true),
        (444, false),
    ] {
        let v = filter(
            &xml,
            &Packet::tcp("lan", "192.168.10.10", "192.168.12.11", port),
        );
        assert_eq!(v.passes(), ok, "port {port}: {v:?}");
    }
    assert!(
        filter(
            &xml,
            &Packet::new("opt1", "udp", "192.168.12.11", "192.168.13.11", Some(53))
        )
        .passes()
    );
    assert!(
        !filter(
            &xml,
            &Packet::new("opt1", "udp", "192.168.12.11", "192.168.13.11", Some(54))
        )
        .passes()
    );
}

const TWO_SITES: &str = r#"
project acme { domain "acme.test" }

template site standard {
  zone mgmt { vlan ${id}0; subnet 192.168.${id}0.0/24 }
  zone apps { vlan ${id}2; subnet 192.168.${id}2.0/24 }
  firewall fw${id} {
    platform opnsense
    interface wan { port vtnet0; address 203.0.113.${id}0/28; gateway 203.0.113.${id}1 }
    trunk lan { port vtnet1; vlans [mgmt, apps] }
  }
  host admin${id} { address mgmt 192.168.${id}0.10 }
  host app${id} { address apps 192.168.${id}2.11 }
}

site paris from standard { id 1 }
site lyon from standard { id 2 }

link paris-lyon {
  side fw1 vtnet2
  side fw2 vtnet2
  transit 10.255.0.0/30
}

allow paris.mgmt -> lyon.apps ssh
allow lyon.apps -> lyon.mgmt tcp/9100
allow paris.apps -> paris.apps tcp/7000
allow internet -> app2 https
"#;

#[test]
fn flows_are_ruled_only_where_they_enter_a_firewall() {
    let model = infrac_testkit::model_from_str(TWO_SITES);
    let fw1 = common::config_of(&model, "fw1");
    let fw2 = common::config_of(&model, "fw2");
    for xml in [&fw1, &fw2] {
        let problems = common::verify::check(xml);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
    // paris.mgmt -> lyon.apps ssh: on fw1 where it leaves its zone (lan), on fw2 where it
    // arrives over the link (opt2: wan, lan = mgmt, opt1 = apps, opt2 = the link).
    let p1 = passes(&fw1);
    let p2 = passes(&fw2);
    assert_eq!(p1.len(), 1, "{p1:#?}");
    assert_eq!(
        (p1[0].0.as_str(), p1[0].3.as_str(), p1[0].4.as_str()),
        ("lan", "192.168.10.0/24", "192.168.22.0/24")
    );
    assert!(
        filter(
            &fw2,
            &Packet::tcp("opt2", "192.168.10.10", "192.168.22.11", 22)
        )
        .passes()
    );
    assert!(
        !filter(
            &fw2,
            &Packet::tcp("lan", "192.168.10.10", "192.168.22.11", 22)
        )
        .passes()
    );
    // lyon.apps -> lyon.mgmt is fw2's alone; paris.apps -> paris.apps stays in its zone.
    assert!(
        filter(
            &fw2,
            &Packet::tcp("opt1", "192.168.22.11", "192.168.20.10", 9100)
        )
        .passes()
    );
    assert!(
        !p1.iter().any(|r| r.5 == "9100" || r.5 == "7000"),
        "{p1:#?}"
    );
    assert!(!p2.iter().any(|r| r.5 == "7000"), "{p2:#?}");
    // The internet reaches app2 through lyon's uplink, not paris's.
    assert!(
        filter(
            &fw2,
            &Packet::tcp("wan", "198.51.100.7", "192.168.22.11", 443)
        )
        .passes()
    );
    assert!(
        !filter(
            &fw1,
            &Packet::tcp("wan", "198.51.100.7", "192.168.22.11", 443)
        )
        .passes()
    );
    // OSPF is not modelled on this link: no adjacency rules.
    assert!(!p1.iter().any(|r| r.2 == "ospf"));
}

/// An address outside every zone of the examples, standing for the internet.
const OUTSIDE_V4: &str = "198.51.100.77";
const OUTSIDE_V6: &str = "2001:db8:ffff::77";

fn sample(spec: &str, v6: bool) -> std::net::IpAddr {
    if spec == "any" {
        return if v6 { OUTSIDE_V6 } else { OUTSIDE_V4 }
            .parse()
            .expect("address");
    }
    let (addr, len) = spec.split_once('/').unwrap_or((spec, "128"));
    let addr: std::net::IpAddr = addr.parse().expect("address");
    let len: u8 = len.parse().expect("length");
    let (lo, _, max) = common::verify::range(addr, len);
    let v = if u32::from(len) >= max - 1 {
        lo
    } else {
        lo + 1
    };
    match addr {
        std::net::IpAddr::V4(_) => std::net::IpAddr::V4((v as u32).into()),
        std::net::IpAddr::V6(_) => std::net::IpAddr::V6(v.into()),
    }
}

fn endpoint_contains(
    model: &infrac_sdk::Model,
    e: &infrac_sdk::Endpoint,
    a: std::net::IpAddr,
) -> bool {
    let in_zone = |a| {
        model
            .sites
            .iter()
            .flat_map(|s| &s.zones)
            .any(|z| common::verify::contains(z.subnet.network(), z.subnet.prefix_len(), a))
    };
    if e.kind == infrac_sdk::EndpointKind::Internet {
        return !in_zone(a);
    }
    e.prefixes
        .iter()
        .any(|p| common::verify::contains(p.network(), p.prefix_len(), a))
}

fn service_allows(s: &infrac_sdk::PortSpec, proto: &str, port: Option<u16>) -> bool {
    use infrac_sdk::Protocol::*;
    let proto_ok = match s.protocol {
        Any => true,
        Vrrp => proto == "carp",
        Icmp => proto == "icmp" || proto == "ipv6-icmp",
        p => p.name() == proto,
    };
    proto_ok
        && (s.ports.is_empty()
            || port.is_some_and(|p| s.ports.iter().any(|r| r.start <= p && p <= r.end)))
}

#[test]
fn over_every_example_each_pass_rule_is_a_flow_and_each_flow_between_own_zones_passes() {
    let (mut justified_rules, mut passed_flows) = (0, 0);
    for (name, dir) in common::models() {
        let model = infrac_testkit::model_of(&dir);
        for (path, xml) in common::render_renderable(&model) {
            let what = format!("{name} {path}");
            // Soundness: a packet matching any pass rule is allowed by some flow, and passes.
            for (iface, kind, proto, src, dst, port, descr) in rules(&xml) {
                if kind != "pass" || proto == "ospf" {
                    continue;
                }
                let v6 = src.contains(':') || dst.contains(':');
                let (s, d) = (sample(&src, v6), sample(&dst, v6));
                let port = port.split('-').next().and_then(|p| p.parse::<u16>().ok());
                let protos: Vec<&str> = match proto.as_str() {
                    "tcp/udp" => vec!["tcp", "udp"],
                    "" => vec!["any"],
                    p => vec![p],
                };
                for proto in protos {
                    let justified = model.flows.iter().any(|f| {
                        endpoint_contains(&model, &f.from, s)
                            && endpoint_contains(&model, &f.to, d)
                            && (proto == "any" || service_allows(&f.service, proto, port))
                    });
                    assert!(
                        justified,
                        "{what}: `{descr}` on {iface} passes {proto} {s} -> {d}:{port:?}, which no flow allows"
                    );
                    let packet = Packet {
                        iface: iface.clone(),
                        proto: proto.to_string(),
                        src: s,
                        dst: d,
                        port,
                    };
                    assert!(
                        filter(&xml, &packet).passes(),
                        "{what}: `{descr}` is shadowed for {packet:?}"
                    );
                    justified_rules += 1;
                }
            }
            // Completeness: a flow from one of this firewall's zones to another passes on the
            // source zone's interface; from the internet to a zone, on the WAN.
            let doc = Document::parse(&xml).expect("well-formed");
            let ifaces = common::verify::interfaces(&doc);
            let uplinks: Vec<String> = doc
                .descendants()
                .filter(|n| n.has_tag_name("gateway") || n.has_tag_name("gatewayv6"))
                .filter_map(|n| n.parent())
                .filter(|p| p.parent().is_some_and(|pp| pp.has_tag_name("interfaces")))
                .map(|p| p.tag_name().name().to_string())
                .collect();
            let own = |a: std::net::IpAddr| {
                ifaces
                    .iter()
                    .find(|(ident, i)| {
                        !uplinks.contains(ident)
                            && i.address
                                .is_some_and(|(ia, l)| common::verify::contains(ia, l, a))
                    })
                    .map(|(ident, i)| (ident.clone(), i.address))
            };
            for f in &model.flows {
                let proto = match f.service.protocol {
                    infrac_sdk::Protocol::Vrrp => "carp".to_string(),
                    p => p.name().to_string(),
                };
                let port = f.service.ports.first().map(|r| r.start);
                let dsts: Vec<std::net::IpAddr> =
                    f.to.prefixes
                        .iter()
                        .map(|p| sample(&p.to_string(), p.addr().is_ipv6()))
                        .collect();
                let srcs: Vec<(String, std::net::IpAddr)> =
                    if f.from.kind == infrac_sdk::EndpointKind::Internet {
                        // The internet arrives on the uplinks (interfaces with a gateway) of
                        // its family.
                        let mut srcs = Vec::new();
                        for outside in [OUTSIDE_V4, OUTSIDE_V6] {
                            let a: std::net::IpAddr = outside.parse().expect("address");
                            for (ident, i) in &ifaces {
                                if uplinks.contains(ident)
                                    && i.address.is_some_and(|(ia, _)| ia.is_ipv4() == a.is_ipv4())
                                {
                                    srcs.push((ident.clone(), a));
                                }
                            }
                        }
                        srcs
                    } else {
                        f.from
                            .prefixes
                            .iter()
                            .map(|p| sample(&p.to_string(), p.addr().is_ipv6()))
                            .filter_map(|a| own(a).map(|(ident, _)| (ident, a)))
                            .collect()
                    };
                let forward_elsewhere = f.provenance.reason == infrac_sdk::FlowReason::Forward
                    && !path.contains(&format!("/{}/", f.provenance.name));
                for (iface, s) in &srcs {
                    for d in &dsts {
                        let Some((to_iface, _)) = own(*d) else {
                            continue;
                        };
                        if s.is_ipv4() != d.is_ipv4() {
                            continue;
                        }
                        if &to_iface == iface || forward_elsewhere {
                            continue;
                        }
                        let packet = Packet {
                            iface: iface.clone(),
                            proto: if proto == "icmp" && s.is_ipv6() {
                                "ipv6-icmp".to_string()
                            } else {
                                proto.clone()
                            },
                            src: *s,
                            dst: *d,
                            port,
                        };
                        let v = filter(&xml, &packet);
                        assert!(
                            v.passes(),
                            "{what}: flow {} -> {} {} ({}) is blocked for {packet:?}: {v:?}",
                            f.from.name,
                            f.to.name,
                            f.service,
                            f.provenance.name
                        );
                        passed_flows += 1;
                    }
                }
            }
        }
    }
    assert!(
        justified_rules > 100,
        "only {justified_rules} pass rules checked"
    );
    assert!(passed_flows > 100, "only {passed_flows} flows checked");
}

const BRANCH: &str = r#"
project acme { domain "acme.test" }

site hq {
  id 1
  zone mgmt { vlan 10; subnet 10.1.10.0/24 }
  zone apps { vlan 30; subnet 10.1.30.0/24 }
  firewall fw1 {
    platform opnsense
    interface wan { port vtnet0; address 198.51.100.2/29; gateway 198.51.100.1 }
    trunk lan { port vtnet1; vlans [mgmt, apps] }
  }
  host app1 { address apps 10.1.30.11 }
}

site branch {
  id 2
  zone users { vlan 120; subnet 10.2.20.0/24 }
  router r2 {
    platform frr
    interface eth1 { address 10.2.20.1/24; zone users }
  }
  host desk2 { address users 10.2.20.10 }
}

link hq-branch {
  side fw1 vtnet2
  side r2 eth0
  transit 10.255.0.0/30
}

allow branch.users -> internet https
allow branch.users -> app1 ssh
"#;

#[test]
fn a_branch_behind_a_router_reaches_the_internet_and_hq_through_the_link() {
    let model = infrac_testkit::model_from_str(BRANCH);
    let xml = common::config_of(&model, "fw1");
    let problems = common::verify::check(&xml);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // wan, lan = mgmt, opt1 = apps, opt2 = the link to r2, behind which lies branch.users.
    let desk = "10.2.20.10";
    assert!(filter(&xml, &Packet::tcp("opt2", desk, "8.8.8.8", 443)).passes());
    assert!(filter(&xml, &Packet::tcp("opt2", desk, "10.1.30.11", 22)).passes());
    assert!(!filter(&xml, &Packet::tcp("opt2", desk, "10.1.30.11", 443)).passes());
    assert!(!filter(&xml, &Packet::tcp("opt2", desk, "10.1.10.5", 443)).passes());
    assert!(!filter(&xml, &Packet::tcp("opt2", desk, "8.8.8.8", 80)).passes());
    // Nothing enters from the internet, and the branch's traffic is not ruled on the WAN.
    assert!(!filter(&xml, &Packet::tcp("wan", "8.8.8.8", desk, 443)).passes());
    assert!(
        !passes(&xml).iter().any(|r| r.0 == "wan"),
        "{:#?}",
        passes(&xml)
    );
}

const IPV6: &str = r#"
project acme { domain "acme.test" }

site paris {
  id 1
  zone mgmt { vlan 10; subnet 2001:db8:10::/64 }
  zone apps { vlan 12; subnet 2001:db8:12::/64 }
  zone legacy { vlan 14; subnet 192.168.14.0/24 }
  firewall fw1 {
    platform opnsense
    interface wan { port vtnet0; address 203.0.113.10/28; gateway 203.0.113.1 }
    trunk lan { port vtnet1; vlans [mgmt, apps, legacy] }
  }
  host admin1 { address mgmt 2001:db8:10::10 }
  host web1 { address apps 2001:db8:12::11 }
  host old1 { address legacy 192.168.14.11 }
}

allow paris.mgmt -> web1 ssh
allow internet -> web1 https
"#;

#[test]
fn ipv6_zones_get_inet6_rules_and_ipv6_is_allowed() {
    let model = infrac_testkit::model_from_str(IPV6);
    let xml = common::config_of(&model, "fw1");
    let problems = common::verify::check(&xml);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let dir = infrac_testkit::tempdir();
    let file = dir.path().join("config.xml");
    std::fs::write(&file, &xml).expect("write");
    let (ok, err) = common::relaxng(&file);
    assert!(ok, "{err}");
    assert!(xml.contains("<ipv6allow>1</ipv6allow>"), "{xml}");
    assert!(xml.contains("<ipaddrv6>2001:db8:10::1</ipaddrv6>"), "{xml}");
    // lan = mgmt (v6), opt1 = apps (v6), opt2 = legacy (v4).
    assert!(
        filter(
            &xml,
            &Packet::tcp("lan", "2001:db8:10::10", "2001:db8:12::11", 22)
        )
        .passes()
    );
    assert!(
        !filter(
            &xml,
            &Packet::tcp("lan", "2001:db8:10::10", "2001:db8:12::12", 22)
        )
        .passes()
    );
    assert!(
        filter(
            &xml,
            &Packet::tcp("wan", "2001:db8:ffff::1", "2001:db8:12::11", 443)
        )
        .passes()
    );
    assert!(
        !filter(
            &xml,
            &Packet::tcp("wan", "2001:db8:10::10", "2001:db8:12::11", 443)
        )
        .passes()
    );
    assert!(
        !filter(
            &xml,
            &Packet::tcp("wan", "198.51.100.7", "192.168.14.11", 443)
        )
        .passes()
    );
    let v6_rules = rules(&xml)
        .into_iter()
        .filter(|r| r.4.contains(':') || r.3.contains(':'))
        .count();
    assert!(
        v6_rules >= 4,
        "ssh, https and the internet's blocks of the two v6 zones"
    );
}
