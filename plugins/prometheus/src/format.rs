//! Number, duration and address formats shared by the Prometheus and Grafana files.

use std::net::IpAddr;

/// A Prometheus duration (`15s`, `1m30s`, `1s500ms`, `2h`, `0s`) from milliseconds: the units
/// `h`, `m`, `s` and `ms`, largest first, zero parts left out.
pub fn duration(ms: u64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let parts = [
        (ms / 3_600_000, "h"),
        ((ms / 60_000) % 60, "m"),
        ((ms / 1000) % 60, "s"),
        (ms % 1000, "ms"),
    ];
    parts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, unit)| format!("{n}{unit}"))
        .collect()
}

/// Milliseconds as a decimal number of seconds, exactly (`500` → `0.5`, `30000` → `30`).
pub fn seconds(ms: u64) -> String {
    let whole = ms / 1000;
    let frac = ms % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        let digits = format!("{frac:03}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// A threshold number for PromQL: the shortest decimal that reads back as the same value
/// (`1000`, `5`, `2.5`).
pub fn number(value: f64) -> String {
    format!("{value}")
}

/// `ADDRESS:PORT`, with IPv6 addresses in brackets.
pub fn socket(address: IpAddr, port: u16) -> String {
    match address {
        IpAddr::V4(a) => format!("{a}:{port}"),
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(duration(0), "0s");
        assert_eq!(duration(15_000), "15s");
        assert_eq!(duration(60_000), "1m");
        assert_eq!(duration(90_000), "1m30s");
        assert_eq!(duration(1_500), "1s500ms");
        assert_eq!(duration(500), "500ms");
        assert_eq!(duration(7_200_000), "2h");
        assert_eq!(duration(172_800_000), "48h");
    }

    #[test]
    fn seconds_are_exact_decimals() {
        assert_eq!(seconds(500), "0.5");
        assert_eq!(seconds(30_000), "30");
        assert_eq!(seconds(1_250), "1.25");
        assert_eq!(seconds(1), "0.001");
    }

    #[test]
    fn numbers_and_sockets() {
        assert_eq!(number(1000.0), "1000");
        assert_eq!(number(2.5), "2.5");
        assert_eq!(socket("10.0.0.1".parse().unwrap(), 9100), "10.0.0.1:9100");
        assert_eq!(
            socket("2001:db8::1".parse().unwrap(), 9100),
            "[2001:db8::1]:9100"
        );
    }
}
