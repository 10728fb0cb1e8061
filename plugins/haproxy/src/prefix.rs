//! Address prefixes as HAProxy's `src` matches them, independent of the IR's prefix type.

use std::fmt;
use std::net::IpAddr;

/// A network address with a prefix length (host bits cleared).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Prefix {
    /// The network address (first address of the prefix).
    pub network: IpAddr,
    /// The prefix length, at most 32 (IPv4) or 128 (IPv6).
    pub len: u8,
}

impl Prefix {
    /// The prefix `network/len`, with host bits cleared and the length clamped to the family.
    pub fn new(network: IpAddr, len: u8) -> Prefix {
        match network {
            IpAddr::V4(a) => {
                let len = len.min(32);
                let bits = u32::from(a) & mask32(len);
                Prefix {
                    network: IpAddr::V4(bits.into()),
                    len,
                }
            }
            IpAddr::V6(a) => {
                let len = len.min(128);
                let bits = u128::from(a) & mask128(len);
                Prefix {
                    network: IpAddr::V6(bits.into()),
                    len,
                }
            }
        }
    }

    /// Whether `address` lies in the prefix (never across families).
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address) {
            (IpAddr::V4(n), IpAddr::V4(a)) => u32::from(a) & mask32(self.len) == u32::from(n),
            (IpAddr::V6(n), IpAddr::V6(a)) => u128::from(a) & mask128(self.len) == u128::from(n),
            _ => false,
        }
    }

    /// Whether `other` lies entirely inside this prefix.
    pub fn covers(&self, other: &Prefix) -> bool {
        self.len <= other.len && self.contains(other.network)
    }

    /// Whether the prefix is of the same address family as `address`.
    pub fn same_family(&self, address: IpAddr) -> bool {
        self.network.is_ipv4() == address.is_ipv4()
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.network, self.len)
    }
}

fn mask32(len: u8) -> u32 {
    match len {
        0 => 0,
        l => u32::MAX << (32 - u32::from(l.min(32))),
    }
}

fn mask128(len: u8) -> u128 {
    match len {
        0 => 0,
        l => u128::MAX << (128 - u32::from(l.min(128))),
    }
}

/// The prefixes sorted, without duplicates and without any prefix that another one covers:
/// the same set of addresses, written once.
pub fn aggregate(prefixes: impl IntoIterator<Item = Prefix>) -> Vec<Prefix> {
    let mut all: Vec<Prefix> = prefixes.into_iter().collect();
    all.sort();
    all.dedup();
    // Sorted by address, then the shorter first, a prefix covering another comes before it,
    // and every prefix between them lies inside it too (prefixes nest or are disjoint): so a
    // prefix is covered by a kept one exactly when the last kept one covers it.
    let mut kept: Vec<Prefix> = Vec::with_capacity(all.len());
    for p in all {
        if !kept.last().is_some_and(|q| q.covers(&p)) {
            kept.push(p);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> Prefix {
        let (a, l) = text.split_once('/').unwrap();
        Prefix::new(a.parse().unwrap(), l.parse().unwrap())
    }

    #[test]
    fn contains_and_covers() {
        assert!(p("10.0.0.0/8").contains("10.200.1.1".parse().unwrap()));
        assert!(!p("10.0.0.0/8").contains("11.0.0.1".parse().unwrap()));
        assert!(p("0.0.0.0/0").contains("203.0.113.9".parse().unwrap()));
        assert!(!p("0.0.0.0/0").contains("::1".parse().unwrap()));
        assert!(p("2001:db8::/32").contains("2001:db8:1::5".parse().unwrap()));
        assert!(p("10.0.0.0/8").covers(&p("10.1.0.0/16")));
        assert!(!p("10.1.0.0/16").covers(&p("10.0.0.0/8")));
        assert_eq!(p("10.1.2.3/16").to_string(), "10.1.0.0/16");
    }

    #[test]
    fn aggregate_drops_covered_and_duplicates() {
        let got = aggregate([
            p("10.0.10.20/32"),
            p("10.0.10.0/24"),
            p("192.0.2.0/24"),
            p("10.0.10.0/24"),
            p("2001:db8::/64"),
        ]);
        let text: Vec<String> = got.iter().map(|p| p.to_string()).collect();
        assert_eq!(text, ["10.0.10.0/24", "192.0.2.0/24", "2001:db8::/64"]);
    }
}
