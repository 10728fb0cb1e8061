//! How values are written in haproxy.cfg: durations, listening addresses, plain words.

use std::net::{IpAddr, SocketAddr};

/// The largest duration HAProxy's timers accept, in milliseconds (~24.8 days).
pub const MAX_DURATION_MS: u64 = 2_147_483_647;

/// A duration in HAProxy's syntax, in the largest unit that writes it exactly (`2s`, `1500ms`,
/// `5m`, `1h`, `2d`).
pub fn duration(ms: u64) -> String {
    const UNITS: [(u64, &str); 4] = [
        (86_400_000, "d"),
        (3_600_000, "h"),
        (60_000, "m"),
        (1_000, "s"),
    ];
    for (size, unit) in UNITS {
        if ms >= size && ms.is_multiple_of(size) {
            return format!("{}{unit}", ms / size);
        }
    }
    format!("{ms}ms")
}

/// `address:port`, with IPv6 addresses in brackets (`[2001:db8::1]:443`) so the port cannot be
/// read as part of the address.
pub fn endpoint(address: IpAddr, port: u16) -> String {
    SocketAddr::new(address, port).to_string()
}

/// Whether `text` can stand as one word of haproxy.cfg exactly as written: not empty, and
/// free of what HAProxy would split, quote, expand or treat as a comment (white space,
/// control characters, `#`, quotes, backslash, `$`).
pub fn is_plain_word(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"#\"'\\$".contains(c))
}

/// Whether `text` is a model name HAProxy takes as a section or server name and that cannot
/// clash with the names this backend makes up: letters, digits, `_` and `-` (no `.`, no `:`).
pub fn is_plain_name(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_use_the_largest_exact_unit() {
        assert_eq!(duration(2_000), "2s");
        assert_eq!(duration(1_500), "1500ms");
        assert_eq!(duration(30_000), "30s");
        assert_eq!(duration(300_000), "5m");
        assert_eq!(duration(90_000), "90s");
        assert_eq!(duration(3_600_000), "1h");
        assert_eq!(duration(172_800_000), "2d");
        assert_eq!(duration(250), "250ms");
    }

    #[test]
    fn endpoints_bracket_ipv6() {
        assert_eq!(endpoint("10.0.0.1".parse().unwrap(), 443), "10.0.0.1:443");
        assert_eq!(
            endpoint("2001:db8::5".parse().unwrap(), 8443),
            "[2001:db8::5]:8443"
        );
    }

    #[test]
    fn plain_words() {
        assert!(is_plain_word("/etc/haproxy/certs/www.pem"));
        assert!(is_plain_word("/healthz?full=1"));
        assert!(!is_plain_word(""));
        assert!(!is_plain_word("/etc/my certs/a.pem"));
        assert!(!is_plain_word("/a#b"));
        assert!(!is_plain_word("/a\"b"));
        assert!(!is_plain_word("/${HOME}/x"));
        assert!(!is_plain_word("/a\nb"));
        assert!(is_plain_name("app1-2_b"));
        assert!(!is_plain_name("www.web"));
        assert!(!is_plain_name("a b"));
        assert!(!is_plain_name(""));
    }
}
