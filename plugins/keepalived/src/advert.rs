//! The VRRP version and `advert_int` for a modelled advertisement interval.
//!
//! VRRPv2 (keepalived's default, IPv4 only) advertises in whole seconds, 1–255. VRRPv3
//! advertises in centiseconds, 1–4095 (10 ms to 40.95 s), and is the only version for IPv6.
//! An IPv4 group in whole seconds stays on VRRPv2; any other interval that VRRPv3 can carry
//! exactly uses VRRPv3; anything else cannot be rendered.

/// The VRRP protocol version an instance runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// RFC 3768: IPv4, whole seconds, optional simple-password authentication.
    V2,
    /// RFC 5798: IPv4 or IPv6, centiseconds, no authentication.
    V3,
}

/// An advertisement interval as keepalived reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Advert {
    /// The protocol version that can carry the interval.
    pub version: Version,
    /// The `advert_int` value in seconds (`1`, `0.5`, `1.25`).
    pub seconds: String,
}

/// The advert for `ms` milliseconds on an IPv4 (`ipv6 == false`) or IPv6 instance, or `None`
/// when no VRRP version carries it exactly.
pub fn advert(ms: u64, ipv6: bool) -> Option<Advert> {
    if !ipv6 && ms.is_multiple_of(1000) && (1..=255).contains(&(ms / 1000)) {
        return Some(Advert {
            version: Version::V2,
            seconds: (ms / 1000).to_string(),
        });
    }
    if ms.is_multiple_of(10) && (10..=40_950).contains(&ms) {
        let centis = ms / 10;
        let (whole, frac) = (centis / 100, centis % 100);
        let seconds = if frac == 0 {
            whole.to_string()
        } else if frac.is_multiple_of(10) {
            format!("{whole}.{}", frac / 10)
        } else {
            format!("{whole}.{frac:02}")
        };
        return Some(Advert {
            version: Version::V3,
            seconds,
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(version: Version, seconds: &str) -> Option<Advert> {
        Some(Advert {
            version,
            seconds: seconds.to_string(),
        })
    }

    #[test]
    fn whole_seconds_on_ipv4_stay_vrrpv2() {
        assert_eq!(advert(1_000, false), v(Version::V2, "1"));
        assert_eq!(advert(255_000, false), v(Version::V2, "255"));
    }

    #[test]
    fn sub_second_and_ipv6_use_vrrpv3() {
        assert_eq!(advert(500, false), v(Version::V3, "0.5"));
        assert_eq!(advert(10, false), v(Version::V3, "0.01"));
        assert_eq!(advert(1_250, false), v(Version::V3, "1.25"));
        assert_eq!(advert(1_000, true), v(Version::V3, "1"));
        assert_eq!(advert(40_950, true), v(Version::V3, "40.95"));
        assert_eq!(advert(2_050, true), v(Version::V3, "2.05"));
    }

    #[test]
    fn what_no_version_carries() {
        assert_eq!(advert(0, false), None);
        assert_eq!(advert(5, false), None);
        assert_eq!(advert(1_005, false), None);
        assert_eq!(advert(256_000, false), None);
        assert_eq!(advert(41_000, true), None);
    }
}
