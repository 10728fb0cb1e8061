//! IPv4/IPv6 prefixes with the few operations the backend needs (containment, overlap, network
//! and broadcast addresses), independent of the `ipnet` crate that plugins do not depend on.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A prefix: an address with a length. [`Net::new`] clears the host bits; [`Net::host`] keeps
/// an interface address as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Net {
    /// The address (the network address for prefixes made by [`Net::new`]).
    pub addr: IpAddr,
    /// The prefix length.
    pub len: u8,
}

/// Builds a [`Net`] (host bits cleared) from anything with `addr()` and `prefix_len()`, such as
/// the model's `IpNet` fields.
macro_rules! net {
    ($e:expr) => {
        $crate::net::Net::new($e.addr(), $e.prefix_len())
    };
}

/// Builds a [`Net`] keeping the host bits (an interface address such as `10.0.0.2/24`).
macro_rules! host_net {
    ($e:expr) => {
        $crate::net::Net::host($e.addr(), $e.prefix_len())
    };
}

fn bits(addr: IpAddr) -> (u128, u8) {
    match addr {
        IpAddr::V4(a) => (u128::from(u32::from(a)), 32),
        IpAddr::V6(a) => (u128::from(a), 128),
    }
}

fn from_bits(value: u128, v4: bool) -> IpAddr {
    if v4 {
        // The value came from an IPv4 address, so it fits in 32 bits.
        IpAddr::V4(Ipv4Addr::from(u32::try_from(value).unwrap_or(u32::MAX)))
    } else {
        IpAddr::V6(Ipv6Addr::from(value))
    }
}

/// The mask of a prefix of `len` bits in an address of `max` bits.
fn mask(len: u8, max: u8) -> u128 {
    let len = len.min(max);
    let full: u128 = if max == 128 {
        u128::MAX
    } else {
        (1u128 << max) - 1
    };
    // `u128 >> 128` would overflow: a full-length IPv6 prefix keeps every bit.
    full & !full.checked_shr(u32::from(len)).unwrap_or(0)
}

impl Net {
    /// The prefix `addr/len` with the host bits cleared (`len` capped at the family's maximum).
    pub fn new(addr: IpAddr, len: u8) -> Net {
        let (value, max) = bits(addr);
        let len = len.min(max);
        Net {
            addr: from_bits(value & mask(len, max), max == 32),
            len,
        }
    }

    /// `addr/len` with the host bits kept.
    pub fn host(addr: IpAddr, len: u8) -> Net {
        let (_, max) = bits(addr);
        Net {
            addr,
            len: len.min(max),
        }
    }

    /// A single address (`/32` or `/128`).
    pub fn single(addr: IpAddr) -> Net {
        Net::new(addr, bits(addr).1)
    }

    /// Whether this is an IPv4 prefix.
    pub fn is_v4(&self) -> bool {
        self.addr.is_ipv4()
    }

    /// The family's address length in bits (32 or 128).
    pub fn max_len(&self) -> u8 {
        bits(self.addr).1
    }

    /// The prefix with its host bits cleared.
    pub fn trunc(&self) -> Net {
        Net::new(self.addr, self.len)
    }

    /// The network address.
    pub fn network(&self) -> IpAddr {
        self.trunc().addr
    }

    /// The last address of the prefix (the broadcast address for IPv4).
    pub fn last(&self) -> IpAddr {
        let (value, max) = bits(self.addr);
        from_bits(value | !mask(self.len, max) & mask(max, max), max == 32)
    }

    /// Whether `addr` lies in the prefix.
    pub fn contains_addr(&self, addr: IpAddr) -> bool {
        let (a, amax) = bits(addr);
        let (n, max) = bits(self.addr);
        amax == max && (a & mask(self.len, max)) == (n & mask(self.len, max))
    }

    /// Whether `other` lies wholly inside this prefix.
    pub fn contains(&self, other: &Net) -> bool {
        other.len >= self.len && self.contains_addr(other.addr)
    }

    /// Whether the two prefixes share an address.
    pub fn overlaps(&self, other: &Net) -> bool {
        self.contains(other) || other.contains(self)
    }

    /// The number of addresses, when it fits in a `u128` (not for `::/0`).
    pub fn size(&self) -> Option<u128> {
        1u128.checked_shl(u32::from(self.max_len() - self.len))
    }

    /// Whether this is a single address.
    pub fn is_single(&self) -> bool {
        self.len == self.max_len()
    }
}

impl fmt::Display for Net {
    /// `10.0.0.0/24`; a single address without its length (`10.0.0.5`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_single() {
            write!(f, "{}", self.addr)
        } else {
            write!(f, "{}/{}", self.addr, self.len)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn prefixes_contain_and_overlap() {
        let zone = Net::new(v4("192.168.10.77"), 24);
        assert_eq!(zone.to_string(), "192.168.10.0/24");
        assert!(zone.contains_addr(v4("192.168.10.1")));
        assert!(!zone.contains_addr(v4("192.168.11.1")));
        assert!(!Net::new(v4("10.0.0.0"), 8).contains(&zone));
        assert!(Net::new(v4("192.168.0.0"), 16).contains(&zone));
        assert!(zone.overlaps(&Net::single(v4("192.168.10.5"))));
        assert_eq!(zone.last(), v4("192.168.10.255"));
        assert_eq!(
            Net::host(v4("192.168.10.2"), 24).network(),
            v4("192.168.10.0")
        );
        assert_eq!(Net::single(v4("10.1.20.100")).to_string(), "10.1.20.100");
        assert_eq!(Net::new(v4("0.0.0.0"), 0).size(), Some(1u128 << 32));
        let v6 = Net::new("2001:db8::1".parse().unwrap(), 64);
        assert_eq!(v6.to_string(), "2001:db8::/64");
        assert!(!v6.contains_addr(v4("10.0.0.1")));
        assert_eq!(Net::new("::".parse().unwrap(), 0).size(), None);
        let host6 = Net::single("2001:db8::7".parse().unwrap());
        assert_eq!(host6.to_string(), "2001:db8::7");
        assert!(host6.contains_addr("2001:db8::7".parse().unwrap()));
        assert!(!host6.contains_addr("2001:db8::8".parse().unwrap()));
        assert!(v6.contains(&host6));
        let host4 = Net::single(v4("10.0.0.7"));
        assert_eq!(
            (host4.network(), host4.last()),
            (v4("10.0.0.7"), v4("10.0.0.7"))
        );
    }
}
