//! Address families and prefixes, as nftables writes them.

use std::fmt;
use std::net::IpAddr;

/// An address family: which nftables payload selector (`ip`, `ip6`) a rule uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// IPv4 (`ip saddr`).
    V4,
    /// IPv6 (`ip6 saddr`).
    V6,
}

impl Family {
    /// The family of an address.
    pub fn of(address: IpAddr) -> Family {
        if address.is_ipv4() {
            Family::V4
        } else {
            Family::V6
        }
    }

    /// The nftables payload protocol: `ip` or `ip6`.
    pub fn selector(self) -> &'static str {
        match self {
            Family::V4 => "ip",
            Family::V6 => "ip6",
        }
    }

    /// The longest prefix length of the family.
    pub fn max_len(self) -> u8 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }
}

/// A prefix: a network address (host bits cleared) and a length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Net {
    /// The network address.
    pub addr: IpAddr,
    /// The prefix length (clamped to the family's maximum).
    pub len: u8,
}

impl Net {
    /// The prefix `addr/len`, host bits cleared.
    pub fn new(addr: IpAddr, len: u8) -> Net {
        let len = len.min(Family::of(addr).max_len());
        let addr = match addr {
            IpAddr::V4(a) => IpAddr::V4((u32::from(a) & mask32(len)).into()),
            IpAddr::V6(a) => IpAddr::V6((u128::from(a) & mask128(len)).into()),
        };
        Net { addr, len }
    }

    /// A single address as a prefix (`/32`, `/128`).
    pub fn host(addr: IpAddr) -> Net {
        Net::new(addr, Family::of(addr).max_len())
    }

    /// The family.
    pub fn family(&self) -> Family {
        Family::of(self.addr)
    }

    /// Whether `address` lies in the prefix.
    pub fn contains(&self, address: IpAddr) -> bool {
        Family::of(address) == self.family() && Net::new(address, self.len).addr == self.addr
    }

    /// Whether `other` lies wholly in this prefix.
    pub fn covers(&self, other: &Net) -> bool {
        other.len >= self.len && self.contains(other.addr)
    }
}

impl fmt::Display for Net {
    /// `10.0.0.0/8`; a single address without length (`10.0.0.1`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.len == self.family().max_len() {
            write!(f, "{}", self.addr)
        } else {
            write!(f, "{}/{}", self.addr, self.len)
        }
    }
}

fn mask32(len: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0)
}

fn mask128(len: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0)
}

/// The prefixes sorted, without duplicates and without any prefix another one covers (an
/// nftables set may not hold overlapping intervals). The union is unchanged.
pub fn collapse(nets: impl IntoIterator<Item = Net>) -> Vec<Net> {
    let mut sorted: Vec<Net> = nets.into_iter().collect();
    sorted.sort_by_key(|n| (n.family(), n.len, n.addr));
    sorted.dedup();
    let mut kept: Vec<Net> = Vec::new();
    for n in sorted {
        if !kept.iter().any(|k| k.covers(&n)) {
            kept.push(n);
        }
    }
    kept.sort();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(s: &str) -> Net {
        let (a, l) = s.split_once('/').unwrap();
        Net::new(a.parse().unwrap(), l.parse().unwrap())
    }

    #[test]
    fn prefixes() {
        assert_eq!(net("10.0.1.7/24").to_string(), "10.0.1.0/24");
        assert_eq!(net("10.0.1.7/32").to_string(), "10.0.1.7");
        assert_eq!(net("0.0.0.0/0").to_string(), "0.0.0.0/0");
        assert_eq!(net("2001:db8::1/64").to_string(), "2001:db8::/64");
        assert!(net("10.0.0.0/8").contains("10.9.9.9".parse().unwrap()));
        assert!(!net("10.0.0.0/8").contains("11.0.0.1".parse().unwrap()));
        assert!(!net("0.0.0.0/0").contains("::1".parse().unwrap()));
        assert!(net("::/0").contains("::1".parse().unwrap()));
    }

    #[test]
    fn collapse_removes_covered_prefixes() {
        let got = collapse([
            net("10.0.1.0/24"),
            net("10.0.0.0/8"),
            net("192.168.1.0/24"),
            net("10.0.0.0/8"),
            net("2001:db8::/64"),
        ]);
        let text: Vec<String> = got.iter().map(Net::to_string).collect();
        assert_eq!(text, ["10.0.0.0/8", "192.168.1.0/24", "2001:db8::/64"]);
    }
}
