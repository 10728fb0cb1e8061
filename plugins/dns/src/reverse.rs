//! Reverse zones: IPv4 on /24 boundaries (`10.1.10.in-addr.arpa`), IPv6 on /64 boundaries
//! (16 nibbles under `ip6.arpa`).

use std::net::IpAddr;

/// The network a reverse zone covers: the first three octets of an IPv4 address, or the first
/// four hextets (64 bits) of an IPv6 address. Ordered IPv4 first, then numerically.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReverseKey {
    /// An IPv4 /24.
    V4([u8; 3]),
    /// An IPv6 /64.
    V6([u16; 4]),
}

impl ReverseKey {
    /// The reverse zone holding `address`.
    pub fn of(address: IpAddr) -> ReverseKey {
        match address {
            IpAddr::V4(a) => {
                let [x, y, z, _] = a.octets();
                ReverseKey::V4([x, y, z])
            }
            IpAddr::V6(a) => {
                let [p, q, r, s, ..] = a.segments();
                ReverseKey::V6([p, q, r, s])
            }
        }
    }

    /// The zone's name without trailing dot: `10.1.10.in-addr.arpa`,
    /// `0.0.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa`.
    pub fn zone_name(&self) -> String {
        match self {
            ReverseKey::V4([x, y, z]) => format!("{z}.{y}.{x}.in-addr.arpa"),
            ReverseKey::V6(hextets) => format!("{}.ip6.arpa", reversed_nibbles(hextets)),
        }
    }

    /// The zone file's name: `db.10.1.10`, `db.2001.0db8.0100.0000`.
    pub fn file_name(&self) -> String {
        match self {
            ReverseKey::V4([x, y, z]) => format!("db.{x}.{y}.{z}"),
            ReverseKey::V6([p, q, r, s]) => format!("db.{p:04x}.{q:04x}.{r:04x}.{s:04x}"),
        }
    }

    /// The network in the usual notation, for comments: `10.1.10.0/24`, `2001:db8:100::/64`.
    pub fn network(&self) -> String {
        match self {
            ReverseKey::V4([x, y, z]) => format!("{x}.{y}.{z}.0/24"),
            ReverseKey::V6([p, q, r, s]) => {
                let net = std::net::Ipv6Addr::new(*p, *q, *r, *s, 0, 0, 0, 0);
                format!("{net}/64")
            }
        }
    }
}

/// The owner name of `address`'s PTR record relative to its reverse zone: the last octet
/// (`53`), or the 16 nibbles of the interface identifier, least significant first.
pub fn ptr_owner(address: IpAddr) -> String {
    match address {
        IpAddr::V4(a) => {
            let [.., last] = a.octets();
            last.to_string()
        }
        IpAddr::V6(a) => {
            let [.., p, q, r, s] = a.segments();
            reversed_nibbles(&[p, q, r, s])
        }
    }
}

/// Hextets as nibbles, least significant first, dot-separated.
fn reversed_nibbles(hextets: &[u16]) -> String {
    let nibbles: Vec<String> = hextets
        .iter()
        .flat_map(|h| (0..4).map(move |i| (h >> (4 * (3 - i))) & 0xf))
        .rev()
        .map(|n| format!("{n:x}"))
        .collect();
    nibbles.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv4_zones() {
        let a: IpAddr = "10.1.20.53".parse().unwrap();
        let k = ReverseKey::of(a);
        assert_eq!(k.zone_name(), "20.1.10.in-addr.arpa");
        assert_eq!(k.file_name(), "db.10.1.20");
        assert_eq!(k.network(), "10.1.20.0/24");
        assert_eq!(ptr_owner(a), "53");
    }

    #[test]
    fn ipv6_zones() {
        let a: IpAddr = "2001:db8:100::53".parse().unwrap();
        let k = ReverseKey::of(a);
        assert_eq!(k.zone_name(), "0.0.0.0.0.0.1.0.8.b.d.0.1.0.0.2.ip6.arpa");
        assert_eq!(k.file_name(), "db.2001.0db8.0100.0000");
        assert_eq!(k.network(), "2001:db8:100::/64");
        assert_eq!(ptr_owner(a), "3.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0");
    }

    #[test]
    fn ipv4_before_ipv6() {
        let v4 = ReverseKey::of("10.0.0.1".parse().unwrap());
        let v6 = ReverseKey::of("::1".parse().unwrap());
        assert!(v4 < v6);
    }
}
