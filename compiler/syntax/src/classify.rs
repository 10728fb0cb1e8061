//! Classification of bare words into literal kinds (see the literal table in
//! `docs/language.md`).

use crate::ast::{PortRange, Protocol, ValueKind};
use crate::lexer::is_ident;
use nom::bytes::complete::take_while1;
use nom::character::complete::char;
use nom::combinator::{opt, recognize};
use nom::sequence::{pair, preceded};
use nom::{IResult, Parser};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Classifies a bare word (anything that is not a string, list, arrow or punctuation).
///
/// Returns the literal kind, or an error message when the word looks like a literal but is not
/// a valid one (`10.0.0.256`, `10.0.0.0/33`, `tcp/70000`, `9000-8000`, `5xyz`); the parser
/// reports that message as E0103. A word containing `${` is a [`ValueKind::Template`], to be
/// classified again once substituted.
pub fn classify_word(text: &str) -> Result<ValueKind, String> {
    let Some(&first) = text.as_bytes().first() else {
        return Err("empty value".to_string());
    };
    let bytes = text.as_bytes();
    // Fast path for the most common word: a one-segment name.
    if is_ident(bytes) {
        return Ok(match text {
            "true" => ValueKind::Bool(true),
            "false" => ValueKind::Bool(false),
            _ => ValueKind::Name(vec![text.to_string()]),
        });
    }
    if bytes.contains(&b'$') && text.contains("${") {
        return Ok(ValueKind::Template(text.to_string()));
    }
    match text {
        "true" => return Ok(ValueKind::Bool(true)),
        "false" => return Ok(ValueKind::Bool(false)),
        _ => {}
    }
    if bytes.contains(&b':') {
        return ipv6(text);
    }
    if first.is_ascii_digit() {
        return numeric(text);
    }
    if first.is_ascii_alphabetic() || first == b'_' || first == b'*' {
        if let Some(segments) = name(text) {
            return Ok(ValueKind::Name(segments));
        }
        if let Some((proto, ports)) = text.split_once('/')
            && let Some(protocol) = protocol(proto)
        {
            return port_spec(protocol, ports, text);
        }
        if first.is_ascii_alphabetic()
            && text.contains('/')
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-'))
        {
            return Ok(ValueKind::Word(text.to_string()));
        }
        return Err(format!(
            "`{text}` is not a valid name: names are letters, digits, `_` and `-`, with `.` between \
             segments"
        ));
    }
    Err(format!("`{text}` is not a valid value"))
}

/// The protocol named `s`, for `proto/ports` port specs.
fn protocol(s: &str) -> Option<Protocol> {
    Some(match s {
        "tcp" => Protocol::Tcp,
        "udp" => Protocol::Udp,
        "sctp" => Protocol::Sctp,
        "icmp" => Protocol::Icmp,
        "vrrp" => Protocol::Vrrp,
        "ospf" => Protocol::Ospf,
        "esp" => Protocol::Esp,
        "gre" => Protocol::Gre,
        _ => return None,
    })
}

/// `paris`, `paris.apps`, `*.db`: segments `[A-Za-z_][A-Za-z0-9_-]*` or `*`, joined by `.`.
fn name(text: &str) -> Option<Vec<String>> {
    let b = text.as_bytes();
    let mut segments = 1;
    let mut start = 0;
    for i in 0..=b.len() {
        if i == b.len() || b[i] == b'.' {
            let seg = &b[start..i];
            if seg != b"*" && !is_ident(seg) {
                return None;
            }
            if i < b.len() {
                segments += 1;
            }
            start = i + 1;
        }
    }
    let mut out = Vec::with_capacity(segments);
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'.' {
            out.push(text[start..i].to_string());
            start = i + 1;
        }
    }
    out.push(text[start..].to_string());
    Some(out)
}

fn digits(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii_digit()).parse(i)
}

/// `12` or `12.5`, then the rest (a unit).
fn number(i: &str) -> IResult<&str, &str> {
    recognize(pair(digits, opt(preceded(char('.'), digits)))).parse(i)
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Words starting with a digit: dates, IPv4 addresses and prefixes, port ranges, numbers with
/// or without a unit.
fn numeric(text: &str) -> Result<ValueKind, String> {
    let b = text.as_bytes();
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && all_digits(&text[..4])
        && all_digits(&text[5..7])
        && all_digits(&text[8..])
    {
        return date(text);
    }
    if let Some((addr, len)) = text.split_once('/') {
        let addr = ipv4(addr, text)?;
        let len = prefix_len(len, 32, text)?;
        return ipnet::Ipv4Net::new(addr, len)
            .map(|n| ValueKind::Prefix(n.into()))
            .map_err(|_| format!("`{text}` is not a valid prefix"));
    }
    if text.bytes().filter(|&b| b == b'.').count() >= 2 {
        return ipv4(text, text).map(|a| ValueKind::Address(IpAddr::V4(a)));
    }
    if let Some((a, z)) = text.split_once('-')
        && all_digits(a)
        && all_digits(z)
    {
        let start = port(a, text)?;
        let end = port(z, text)?;
        if start > end {
            return Err(format!(
                "port range `{text}` starts after it ends: write `{end}-{start}`"
            ));
        }
        return Ok(ValueKind::PortRange(PortRange { start, end }));
    }
    let (unit, num) = number(text).map_err(|_| format!("`{text}` is not a valid value"))?;
    let is_decimal = num.contains('.');
    let value = || -> Result<f64, String> {
        num.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("number `{num}` is too large"))
    };
    match unit {
        "" if is_decimal => return value().map(ValueKind::Decimal),
        "" => {
            return num
                .parse::<u64>()
                .map(ValueKind::Integer)
                .map_err(|_| format!("integer `{num}` is too large"));
        }
        "%" => return value().map(ValueKind::Percent),
        _ => {}
    }
    const DURATIONS: &[(&str, u64)] = &[
        ("ms", 1),
        ("s", 1_000),
        ("m", 60_000),
        ("h", 3_600_000),
        ("d", 86_400_000),
        ("w", 604_800_000),
    ];
    const SIZES: &[(&str, u64)] = &[
        ("B", 1),
        ("KB", 1_000),
        ("MB", 1_000_000),
        ("GB", 1_000_000_000),
        ("TB", 1_000_000_000_000),
        ("KiB", 1 << 10),
        ("MiB", 1 << 20),
        ("GiB", 1 << 30),
        ("TiB", 1 << 40),
    ];
    let found = DURATIONS
        .iter()
        .map(|&(u, m)| (u, m, true))
        .chain(SIZES.iter().map(|&(u, m)| (u, m, false)))
        .find(|&(u, _, _)| u == unit);
    if let Some((_, multiplier, is_duration)) = found {
        let what = if is_duration { "durations" } else { "sizes" };
        if is_decimal {
            return Err(format!(
                "`{text}` has a fraction: {what} are whole numbers (use a smaller unit)"
            ));
        }
        let n = num
            .parse::<u64>()
            .ok()
            .and_then(|n| n.checked_mul(multiplier))
            .ok_or_else(|| format!("`{text}` is too large"))?;
        return Ok(if is_duration {
            ValueKind::Duration(n)
        } else {
            ValueKind::Size(n)
        });
    }
    if unit.bytes().all(|b| b.is_ascii_alphabetic()) {
        let hint = DURATIONS
            .iter()
            .chain(SIZES)
            .find(|(u, _)| u.eq_ignore_ascii_case(unit))
            .map(|(u, _)| format!(" (units are case-sensitive: did you mean `{num}{u}`?)"))
            .unwrap_or_default();
        return Err(format!(
            "unknown unit `{unit}` in `{text}`{hint}: durations take ms, s, m, h, d or w; sizes \
             take B, KB, MB, GB, TB, KiB, MiB, GiB or TiB"
        ));
    }
    Err(format!(
        "`{text}` is not a valid value (names start with a letter or `_`)"
    ))
}

/// `YYYY-MM-DD`, validated (leap years included).
fn date(text: &str) -> Result<ValueKind, String> {
    let invalid = || format!("`{text}` is not a valid date");
    let year: u16 = text[..4].parse().map_err(|_| invalid())?;
    let month: u8 = text[5..7].parse().map_err(|_| invalid())?;
    let day: u8 = text[8..].parse().map_err(|_| invalid())?;
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => {
            return Err(format!(
                "`{text}` is not a valid date: month {month} does not exist"
            ));
        }
    };
    if year == 0 || day == 0 || day > days {
        return Err(format!(
            "`{text}` is not a valid date: that day does not exist"
        ));
    }
    Ok(ValueKind::Date { year, month, day })
}

/// A dotted-quad IPv4 address; leading zeros are refused (some tools read them as octal).
fn ipv4(s: &str, text: &str) -> Result<Ipv4Addr, String> {
    let mut octets = [0u8; 4];
    let mut n = 0;
    for part in s.split('.') {
        if n == 4 {
            return Err(format!(
                "`{text}` is not a valid IPv4 address: it has more than four numbers"
            ));
        }
        if !all_digits(part) {
            return Err(format!("`{text}` is not a valid IPv4 address"));
        }
        if part.len() > 1 && part.starts_with('0') {
            return Err(format!(
                "`{text}` is not a valid IPv4 address: `{part}` has a leading zero"
            ));
        }
        octets[n] = part
            .parse::<u8>()
            .map_err(|_| format!("`{text}` is not a valid IPv4 address: {part} is over 255"))?;
        n += 1;
    }
    if n != 4 {
        return Err(format!(
            "`{text}` is not a valid IPv4 address: it needs four numbers"
        ));
    }
    Ok(Ipv4Addr::from(octets))
}

fn prefix_len(s: &str, max: u8, text: &str) -> Result<u8, String> {
    if !all_digits(s) {
        return Err(format!(
            "`{text}` is not a valid prefix: the length must be a number"
        ));
    }
    match s.parse::<u8>() {
        Ok(n) if n <= max => Ok(n),
        _ => Err(format!(
            "`{text}` is not a valid prefix: length {s} is over {max}"
        )),
    }
}

/// IPv6 addresses and prefixes (any word with a `:`).
fn ipv6(text: &str) -> Result<ValueKind, String> {
    let (addr, len) = match text.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (text, None),
    };
    let Ok(addr) = addr.parse::<Ipv6Addr>() else {
        return Err(format!(
            "`{text}` is not a valid IPv6 address (write other text containing `:` as a string)"
        ));
    };
    match len {
        None => Ok(ValueKind::Address(IpAddr::V6(addr))),
        Some(len) => {
            let len = prefix_len(len, 128, text)?;
            ipnet::Ipv6Net::new(addr, len)
                .map(|n| ValueKind::Prefix(n.into()))
                .map_err(|_| format!("`{text}` is not a valid prefix"))
        }
    }
}

fn port(s: &str, text: &str) -> Result<u16, String> {
    if !all_digits(s) {
        return Err(format!("`{text}`: `{s}` is not a port number"));
    }
    s.parse::<u16>()
        .map_err(|_| format!("`{text}`: port {s} is over 65535"))
}

/// `tcp/443`, `udp/53`, `tcp/8000-8080`.
fn port_spec(protocol: Protocol, ports: &str, text: &str) -> Result<ValueKind, String> {
    let (start, end) = match ports.split_once('-') {
        Some((a, z)) => (port(a, text)?, port(z, text)?),
        None => {
            let p = port(ports, text)?;
            (p, p)
        }
    };
    if start > end {
        return Err(format!(
            "port range in `{text}` starts after it ends: write `{end}-{start}`"
        ));
    }
    Ok(ValueKind::PortSpec {
        protocol,
        ports: PortRange { start, end },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ValueKind::*;

    fn ok(s: &str) -> ValueKind {
        match classify_word(s) {
            Ok(k) => k,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    fn err(s: &str) -> std::string::String {
        match classify_word(s) {
            Ok(k) => panic!("{s} classified as {k:?}"),
            Err(e) => e,
        }
    }

    fn names(s: &[&str]) -> ValueKind {
        Name(s.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn numbers() {
        assert_eq!(ok("42"), Integer(42));
        assert_eq!(ok("0"), Integer(0));
        assert_eq!(ok("18446744073709551615"), Integer(u64::MAX));
        assert!(err("18446744073709551616").contains("too large"));
        assert_eq!(ok("0.5"), Decimal(0.5));
        assert_eq!(ok("1.25"), Decimal(1.25));
        assert_eq!(ok("5%"), Percent(5.0));
        assert_eq!(ok("99.9%"), Percent(99.9));
        assert!(err("5xyz").contains("unknown unit `xyz`"));
        assert!(err("10mb").contains("did you mean `10MB`"));
        assert!(err("1e5").contains("not a valid value"));
        assert!(err("5M").contains("did you mean `5m`"));
        assert!(err("1st-floor").contains("names start with a letter"));
        assert!(err("1.").contains("not a valid value"));
    }

    #[test]
    fn booleans() {
        assert_eq!(ok("true"), Bool(true));
        assert_eq!(ok("false"), Bool(false));
        assert_eq!(ok("True"), names(&["True"]));
    }

    #[test]
    fn addresses_and_prefixes() {
        assert_eq!(ok("192.168.10.1"), Address("192.168.10.1".parse().unwrap()));
        assert_eq!(ok("2001:db8::1"), Address("2001:db8::1".parse().unwrap()));
        assert_eq!(ok("::1"), Address("::1".parse().unwrap()));
        assert_eq!(ok("::"), Address("::".parse().unwrap()));
        assert_eq!(
            ok("::ffff:1.2.3.4"),
            Address("::ffff:1.2.3.4".parse().unwrap())
        );
        assert_eq!(
            ok("192.168.10.0/24"),
            Prefix("192.168.10.0/24".parse().unwrap())
        );
        assert_eq!(
            ok("203.0.113.10/28"),
            Prefix("203.0.113.10/28".parse().unwrap())
        );
        assert_eq!(ok("0.0.0.0/0"), Prefix("0.0.0.0/0".parse().unwrap()));
        assert_eq!(
            ok("2001:db8:10::/64"),
            Prefix("2001:db8:10::/64".parse().unwrap())
        );
        assert_eq!(ok("fe80::/10"), Prefix("fe80::/10".parse().unwrap()));
        assert!(err("10.0.0.256").contains("256 is over 255"));
        assert!(err("10.0.0.0/33").contains("length 33 is over 32"));
        assert!(err("::/129").contains("over 128"));
        assert!(err("10.0.0").contains("four numbers"));
        assert!(err("1.2.3.4.5").contains("more than four"));
        assert!(err("10.0.010.1").contains("leading zero"));
        assert!(err("10.0.0.1x").contains("not a valid IPv4"));
        assert!(err("10.0.0.0/").contains("must be a number"));
        assert!(err("0/1").contains("IPv4"));
        assert!(err("2001:db8::g").contains("IPv6"));
        assert!(err("03:00").contains("as a string"));
        assert!(err("fe80::/x").contains("must be a number"));
    }

    #[test]
    fn ports() {
        assert_eq!(
            ok("8000-8080"),
            PortRange(crate::ast::PortRange {
                start: 8000,
                end: 8080
            })
        );
        assert_eq!(
            ok("0-65535"),
            PortRange(crate::ast::PortRange {
                start: 0,
                end: 65535
            })
        );
        assert!(err("9000-8000").contains("starts after it ends"));
        assert!(err("1-70000").contains("over 65535"));
        let spec = |protocol, start, end| PortSpec {
            protocol,
            ports: crate::ast::PortRange { start, end },
        };
        assert_eq!(ok("tcp/443"), spec(Protocol::Tcp, 443, 443));
        assert_eq!(ok("udp/53"), spec(Protocol::Udp, 53, 53));
        assert_eq!(ok("sctp/9"), spec(Protocol::Sctp, 9, 9));
        assert_eq!(ok("tcp/8000-8080"), spec(Protocol::Tcp, 8000, 8080));
        assert_eq!(ok("icmp/22"), spec(Protocol::Icmp, 22, 22));
        assert_eq!(ok("gre/1"), spec(Protocol::Gre, 1, 1));
        assert_eq!(ok("icmp"), names(&["icmp"]));
        assert_eq!(ok("ospf"), names(&["ospf"]));
        assert!(err("tcp/70000").contains("over 65535"));
        assert!(err("tcp/9000-8000").contains("starts after it ends"));
        assert!(err("tcp/").contains("not a port"));
        assert!(err("tcp/http").contains("not a port"));
    }

    #[test]
    fn durations_and_sizes() {
        assert_eq!(ok("500ms"), Duration(500));
        assert_eq!(ok("30s"), Duration(30_000));
        assert_eq!(ok("5m"), Duration(300_000));
        assert_eq!(ok("1h"), Duration(3_600_000));
        assert_eq!(ok("2d"), Duration(172_800_000));
        assert_eq!(ok("2w"), Duration(1_209_600_000));
        assert_eq!(ok("512B"), Size(512));
        assert_eq!(ok("64KiB"), Size(65_536));
        assert_eq!(ok("512MiB"), Size(512 << 20));
        assert_eq!(ok("2GiB"), Size(2 << 30));
        assert_eq!(ok("1TiB"), Size(1 << 40));
        assert_eq!(ok("10MB"), Size(10_000_000));
        assert_eq!(ok("1GB"), Size(1_000_000_000));
        assert_eq!(ok("1KB"), Size(1_000));
        assert_eq!(ok("1TB"), Size(1_000_000_000_000));
        assert!(err("1.5h").contains("fraction"));
        assert!(err("99999999999999999w").contains("too large"));
    }

    #[test]
    fn dates() {
        assert_eq!(
            ok("2027-06-30"),
            Date {
                year: 2027,
                month: 6,
                day: 30
            }
        );
        assert!(matches!(ok("2024-02-29"), Date { .. }));
        assert!(matches!(ok("2000-02-29"), Date { .. }));
        assert!(err("2023-02-29").contains("not a valid date"));
        assert!(err("1900-02-29").contains("not a valid date"));
        assert!(err("2027-13-01").contains("month 13"));
        assert!(err("2027-04-31").contains("not a valid date"));
        assert!(err("2027-04-00").contains("not a valid date"));
    }

    #[test]
    fn names_and_words() {
        assert_eq!(ok("paris"), names(&["paris"]));
        assert_eq!(ok("app1-1"), names(&["app1-1"]));
        assert_eq!(ok("paris.apps"), names(&["paris", "apps"]));
        assert_eq!(ok("*.db"), names(&["*", "db"]));
        assert_eq!(ok("*"), names(&["*"]));
        assert_eq!(ok("_x"), names(&["_x"]));
        assert_eq!(ok("Gi0/1"), Word("Gi0/1".into()));
        assert_eq!(ok("GigabitEthernet0/0"), Word("GigabitEthernet0/0".into()));
        assert_eq!(ok("TCP/443"), Word("TCP/443".into()));
        assert!(err("a..b").contains("not a valid name"));
        assert!(err("a.").contains("not a valid name"));
        assert!(err("foo*").contains("not a valid name"));
        assert!(err("a%").contains("not a valid name"));
        assert!(err(".5").contains("not a valid value"));
        assert!(err("").contains("empty"));
    }

    #[test]
    fn templates() {
        assert_eq!(ok("${id}0"), Template("${id}0".into()));
        assert_eq!(
            ok("192.168.${id}0.0/24"),
            Template("192.168.${id}0.0/24".into())
        );
        // After substitution the checker classifies again.
        assert!(matches!(ok("192.168.10.0/24"), Prefix(_)));
    }
}
