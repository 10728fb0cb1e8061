//! IPv4 prefixes as IOS writes them: dotted masks for interfaces, wildcard masks and `host` /
//! `any` in access lists.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

/// An IPv4 prefix: network address (host bits cleared) and length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct V4 {
    /// Network address as an integer, host bits cleared.
    pub base: u32,
    /// Prefix length, 0–32.
    pub len: u8,
}

impl V4 {
    /// The prefix of length `len` containing `addr` (lengths above 32 count as 32).
    pub fn new(addr: Ipv4Addr, len: u8) -> V4 {
        let len = len.min(32);
        V4 {
            base: u32::from(addr) & mask_bits(len),
            len,
        }
    }

    /// A single address as a /32.
    pub fn host(addr: Ipv4Addr) -> V4 {
        V4::new(addr, 32)
    }

    /// The prefix for an address and length taken from the model, when it is IPv4.
    pub fn from_ip(addr: IpAddr, len: u8) -> Option<V4> {
        match addr {
            IpAddr::V4(a) => Some(V4::new(a, len)),
            IpAddr::V6(_) => None,
        }
    }

    /// The network mask as bits.
    pub fn mask(self) -> u32 {
        mask_bits(self.len)
    }

    /// Whether every address of `other` lies in this prefix.
    pub fn contains(self, other: V4) -> bool {
        other.len >= self.len && (other.base & self.mask()) == self.base
    }

    /// Whether `addr` lies in this prefix.
    pub fn contains_addr(self, addr: Ipv4Addr) -> bool {
        (u32::from(addr) & self.mask()) == self.base
    }

    /// Whether the two prefixes share an address (prefixes either nest or are disjoint).
    pub fn overlaps(self, other: V4) -> bool {
        self.contains(other) || other.contains(self)
    }

    /// The addresses both prefixes cover: the longer of the two when they nest.
    pub fn intersection(self, other: V4) -> Option<V4> {
        if self.contains(other) {
            Some(other)
        } else if other.contains(self) {
            Some(self)
        } else {
            None
        }
    }

    /// The network address.
    pub fn network(self) -> Ipv4Addr {
        Ipv4Addr::from(self.base)
    }
}

/// The mask of a prefix length as bits.
fn mask_bits(len: u8) -> u32 {
    match len {
        0 => 0,
        l if l >= 32 => u32::MAX,
        l => u32::MAX << (32 - u32::from(l)),
    }
}

/// The dotted network mask of a prefix length (`24` → `255.255.255.0`).
pub fn dotted_mask(len: u8) -> Ipv4Addr {
    Ipv4Addr::from(mask_bits(len.min(32)))
}

/// An address operand of an access-list entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AclAddr {
    /// Every address (`any`); used only for the internet, after internal prefixes are denied.
    Any,
    /// A prefix (`host A` for a /32, `A WILDCARD` otherwise).
    Net(V4),
}

impl AclAddr {
    /// Whether every address of `net` is matched by this operand.
    pub fn covers(self, net: V4) -> bool {
        match self {
            AclAddr::Any => true,
            AclAddr::Net(n) => n.contains(net),
        }
    }
}

impl fmt::Display for AclAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AclAddr::Any => f.write_str("any"),
            AclAddr::Net(n) if n.len == 32 => write!(f, "host {}", n.network()),
            AclAddr::Net(n) if n.len == 0 => f.write_str("any"),
            AclAddr::Net(n) => write!(f, "{} {}", n.network(), Ipv4Addr::from(!n.mask())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str, len: u8) -> V4 {
        V4::new(s.parse().unwrap(), len)
    }

    #[test]
    fn masks_and_wildcards() {
        assert_eq!(dotted_mask(24).to_string(), "255.255.255.0");
        assert_eq!(dotted_mask(29).to_string(), "255.255.255.248");
        assert_eq!(dotted_mask(0).to_string(), "0.0.0.0");
        assert_eq!(dotted_mask(32).to_string(), "255.255.255.255");
        assert_eq!(
            AclAddr::Net(v4("10.1.2.3", 24)).to_string(),
            "10.1.2.0 0.0.0.255"
        );
        assert_eq!(
            AclAddr::Net(v4("10.1.2.3", 32)).to_string(),
            "host 10.1.2.3"
        );
        assert_eq!(AclAddr::Net(v4("10.1.2.3", 0)).to_string(), "any");
        assert_eq!(
            AclAddr::Net(v4("10.0.0.0", 8)).to_string(),
            "10.0.0.0 0.255.255.255"
        );
    }

    #[test]
    fn containment() {
        let a = v4("10.1.0.0", 16);
        let b = v4("10.1.20.0", 24);
        assert!(a.contains(b) && !b.contains(a));
        assert_eq!(a.intersection(b), Some(b));
        assert_eq!(b.intersection(v4("10.2.0.0", 16)), None);
        assert!(b.contains_addr("10.1.20.7".parse().unwrap()));
        assert!(!b.contains_addr("10.1.21.7".parse().unwrap()));
    }
}
