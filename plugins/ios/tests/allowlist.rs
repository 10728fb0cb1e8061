//! Every line of every generated configuration must have one of the command forms this backend
//! is known to write: a fixed allow-list of token patterns, each valid only under its parent
//! (`vlan`, `interface`, `router ospf`, `ip access-list extended`, `line`). A new command form
//! fails this test until it is reviewed and added here.

mod common;

/// (parent keyword, pattern). The parent is `""` for top-level lines; a child pattern matches
/// a line indented by one space under a parent line starting with that keyword.
const ALLOWED: &[(&str, &str)] = &[
    ("", "!"),
    ("", "! <text>"),
    ("", "service password-encryption"),
    ("", "hostname <hostname>"),
    ("", "username <word> privilege 15 secret 0 <secret>"),
    ("", "ip routing"),
    ("", "no ip domain-lookup"),
    ("", "ip domain-name <word>"),
    ("", "vtp mode transparent"),
    ("", "vlan <vlan>"),
    ("", "interface <interface>"),
    ("", "router ospf 1"),
    ("", "ip default-gateway <ip>"),
    ("", "no ip http server"),
    ("", "no ip http secure-server"),
    ("", "ip route 0.0.0.0 0.0.0.0 <ip>"),
    ("", "ip ssh version 2"),
    ("", "ip access-list extended <aclname>"),
    ("", "logging host <ip>"),
    ("", "logging host ipv6 <ipv6>"),
    ("", "banner motd <delimiter>"),
    ("", "line con 0"),
    ("", "line vty 0 4"),
    ("", "line vty 5 15"),
    ("", "ntp server <anyip>"),
    ("", "end"),
    ("vlan", "name <vlanname>"),
    ("interface", "description <text>"),
    ("interface", "switchport access vlan <vlan>"),
    ("interface", "switchport mode access"),
    ("interface", "switchport mode trunk"),
    ("interface", "spanning-tree portfast"),
    ("interface", "switchport trunk allowed vlan <vlans>"),
    ("interface", "switchport trunk allowed vlan add <vlans>"),
    ("interface", "switchport trunk allowed vlan none"),
    ("interface", "switchport trunk encapsulation dot1q"),
    ("interface", "switchport trunk native vlan <vlan>"),
    ("interface", "no switchport"),
    ("interface", "encapsulation dot1Q <vlan>"),
    ("interface", "encapsulation dot1Q <vlan> native"),
    ("interface", "ip address <ip> <mask>"),
    ("interface", "no ip address"),
    ("interface", "ip access-group <aclname> in"),
    ("interface", "ip ospf authentication message-digest"),
    ("interface", "ip ospf message-digest-key 1 md5 <secret>"),
    ("interface", "ip ospf network point-to-point"),
    ("interface", "ip ospf hello-interval <u16>"),
    ("interface", "ip ospf dead-interval <u16>"),
    ("interface", "ip ospf 1 area <u32>"),
    ("interface", "ip ospf cost <u16>"),
    ("interface", "no shutdown"),
    ("router", "router-id <ip>"),
    ("router", "redistribute connected subnets"),
    ("router", "redistribute static subnets"),
    ("router", "passive-interface <interface>"),
    ("ip", "remark <remark>"),
    (
        "ip",
        "permit <protocol> <addr> <ports?> <addr> <ports?> <trailer?>",
    ),
    ("ip", "deny ip <addr> <addr>"),
    ("line", "login local"),
    ("line", "transport input ssh"),
];

fn is_ipv4(t: &str) -> bool {
    t.parse::<std::net::Ipv4Addr>().is_ok() && t.split('.').all(|o| o == "0" || !o.starts_with('0'))
}

fn mask_bits(t: &str) -> Option<u32> {
    is_ipv4(t).then(|| u32::from(t.parse::<std::net::Ipv4Addr>().expect("checked")))
}

fn number(t: &str, max: u64) -> bool {
    !t.is_empty()
        && t.bytes().all(|b| b.is_ascii_digit())
        && (t == "0" || !t.starts_with('0'))
        && t.parse::<u64>().is_ok_and(|n| n <= max)
}

fn vlan(t: &str) -> bool {
    number(t, 4094) && t != "0"
}

fn interface(t: &str) -> bool {
    const TYPES: &[&str] = &[
        "GigabitEthernet",
        "TenGigabitEthernet",
        "FastEthernet",
        "Ethernet",
        "TwoGigabitEthernet",
        "FiveGigabitEthernet",
        "TwentyFiveGigE",
        "FortyGigabitEthernet",
        "HundredGigE",
        "Port-channel",
        "Loopback",
        "Tunnel",
        "Serial",
        "Vlan",
    ];
    TYPES.iter().any(|ty| {
        t.strip_prefix(ty).is_some_and(|rest| {
            let (path, sub) = rest.split_once('.').unwrap_or((rest, "1"));
            path.split('/').all(|n| number(n, u32::MAX.into())) && number(sub, u32::MAX.into())
        })
    })
}

/// Matches one simple token class.
fn token(class: &str, t: &str) -> bool {
    match class {
        "<word>" => !t.is_empty() && t.bytes().all(|b| b.is_ascii_graphic() && b != b'?'),
        "<hostname>" => {
            t.starts_with(|c: char| c.is_ascii_alphabetic())
                && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        }
        "<vlanname>" => {
            t.len() <= 32
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        }
        "<aclname>" => {
            t.starts_with("INFRAC-IN-")
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
        }
        "<secret>" => t
            .strip_prefix("@@secret:")
            .and_then(|s| s.strip_suffix("@@"))
            .is_some_and(|n| {
                !n.is_empty()
                    && n.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_.-/".contains(&b))
            }),
        "<vlan>" => vlan(t),
        "<u16>" => number(t, 65535) && t != "0",
        "<u32>" => number(t, u32::MAX.into()),
        "<ip>" => is_ipv4(t),
        "<ipv6>" => t.parse::<std::net::Ipv6Addr>().is_ok(),
        "<anyip>" => t.parse::<std::net::IpAddr>().is_ok(),
        "<mask>" => mask_bits(t).is_some_and(|m| m.leading_ones() + m.trailing_zeros() == 32),
        "<interface>" => interface(t),
        "<delimiter>" => t.chars().count() == 1 && !t.chars().all(|c| c.is_alphanumeric()),
        "<vlans>" => t.split(',').all(|item| match item.split_once('-') {
            Some((a, b)) => vlan(a) && vlan(b) && a.parse::<u16>().ok() < b.parse::<u16>().ok(),
            None => vlan(item),
        }),
        "<protocol>" => [
            "ip", "tcp", "udp", "icmp", "ospf", "gre", "esp", "112", "132",
        ]
        .contains(&t),
        literal => literal == t,
    }
}

/// Matches pattern tokens against line tokens, with classes that take several tokens.
fn matches(pattern: &[&str], line: &[&str]) -> bool {
    let Some((&p, rest)) = pattern.split_first() else {
        return line.is_empty();
    };
    match p {
        "<text>" => !line.is_empty(),
        "<remark>" => !line.is_empty() && line.join(" ").chars().count() <= 100,
        "<addr>" => {
            (line.first() == Some(&"any") && matches(rest, &line[1..]))
                || (line.first() == Some(&"host")
                    && line.get(1).is_some_and(|a| is_ipv4(a))
                    && matches(rest, &line[2..]))
                || (line.len() >= 2
                    && is_ipv4(line[0])
                    && mask_bits(line[1])
                        .is_some_and(|w| (!w).leading_ones() + (!w).trailing_zeros() == 32)
                    && matches(rest, &line[2..]))
        }
        "<ports?>" => {
            matches(rest, line)
                || (line.first() == Some(&"eq")
                    && line.get(1).is_some_and(|n| token("<u16>", n))
                    && matches(rest, &line[2..]))
                || (line.first() == Some(&"range")
                    && line.get(1).is_some_and(|n| token("<u16>", n))
                    && line.get(2).is_some_and(|n| token("<u16>", n))
                    && matches(rest, &line[3..]))
        }
        "<trailer?>" => {
            matches(rest, line)
                || (line
                    .first()
                    .is_some_and(|t| *t == "established" || *t == "echo-reply")
                    && matches(rest, &line[1..]))
        }
        class => line.first().is_some_and(|t| token(class, t)) && matches(rest, &line[1..]),
    }
}

/// The lines of `config` no allowed pattern accepts.
fn unknown_lines(config: &str) -> Vec<String> {
    let mut bad = Vec::new();
    let mut parent = "";
    let mut banner_end: Option<String> = None;
    for line in config.lines() {
        if let Some(end) = &banner_end {
            if line == end {
                banner_end = None;
            }
            continue; // banner text is free
        }
        let (context, body) = match line.strip_prefix(' ') {
            Some(child) => (parent, child),
            None => {
                parent = line.split_whitespace().next().unwrap_or("");
                ("", line)
            }
        };
        let tokens: Vec<&str> = body.split(' ').collect();
        if tokens.iter().any(|t| t.is_empty()) && body != "!" {
            bad.push(format!("{line:?} (empty token: double or trailing space)"));
            continue;
        }
        let ok = ALLOWED.iter().any(|(ctx, pattern)| {
            *ctx == context && matches(&pattern.split(' ').collect::<Vec<_>>(), &tokens)
        });
        if !ok {
            bad.push(format!("{line:?} (under `{context}`)"));
        }
        if context.is_empty() && body.starts_with("banner motd ") {
            banner_end = tokens.get(2).map(|d| d.to_string());
        }
    }
    if banner_end.is_some() {
        bad.push("the banner is never closed".to_string());
    }
    bad
}

#[test]
fn every_line_has_an_allowed_form() {
    let mut files = 0;
    let mut problems = Vec::new();
    for (name, model) in common::all_models() {
        for f in common::render(&model) {
            files += 1;
            let text = String::from_utf8(f.contents).expect("utf-8");
            for l in unknown_lines(&text) {
                problems.push(format!("{name}: {}: {l}", f.path));
            }
        }
    }
    assert!(files >= 5, "only {files} configurations");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_allow_list_refuses_unknown_forms() {
    for bad in [
        "transport input telnet",
        "ip http server",
        "line vty 0 4\n transport input ssh telnet",
        "interface GigabitEthernet0/1\n switchport access vlan 0",
        "interface GigabitEthernet0/1\n switchport trunk allowed vlan 10,,20",
        "interface eth0",
        "interface Vlan10\n ip address 10.0.0.1 255.0.255.0",
        "ip access-list extended INFRAC-IN-Vlan10\n permit tcp any any eq",
        "ip access-list extended INFRAC-IN-Vlan10\n permit tcp 10.0.0.0 0.0.0.255 any eq 443 log",
        "ip access-list extended INFRAC-IN-Vlan10\n permit sctp any any",
        "ip access-list extended INFRAC-IN-Vlan10\n deny tcp any any",
        "vlan 10\n name two words",
        "hostname sw1 ",
        "username admin privilege 15 password 0 @@secret:x@@",
        "banner motd ^\nnever closed",
        "snmp-server community public RO",
    ] {
        assert!(!unknown_lines(bad).is_empty(), "accepted: {bad:?}");
    }
    assert!(
        unknown_lines(
            "ip access-list extended INFRAC-IN-Vlan10\n \
             permit tcp 10.1.20.0 0.0.0.255 eq 22 host 10.1.10.1 established\n \
             permit udp host 10.1.10.5 eq 123 host 10.1.10.1 eq 123\n \
             permit 132 any host 10.1.1.1\n \
             deny ip 10.1.20.0 0.0.0.255 10.1.10.0 0.0.0.255\n\
             banner motd #\nanything ^ goes here\n#\nend"
        )
        .is_empty()
    );
}
