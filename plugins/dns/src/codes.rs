//! The diagnostic codes of the dns backend (documented in the crate doc and
//! `docs/backends/dns.md`).

/// A DNS name (a host's, a load balancer's public name, an explicit record's) is not a valid
/// host name: labels of letters, digits and `-`, 1–63 characters, not starting or ending with
/// `-`, at most 253 characters in all.
pub const INVALID_NAME: &str = "DNS001";
/// The project domain is not a valid DNS name.
pub const INVALID_DOMAIN: &str = "DNS002";
/// A record name lies outside the project domain (a load balancer's public name in another
/// domain): the zone cannot hold it.
pub const OUTSIDE_DOMAIN: &str = "DNS003";
/// A DNS server has no address record in the zone, so its NS record would have no glue.
pub const SERVER_WITHOUT_ADDRESS: &str = "DNS004";
/// The TTL is outside 1–2147483647 seconds (RFC 2181).
pub const TTL_OUT_OF_RANGE: &str = "DNS005";
/// `compile` was called for a unit that `units` did not return.
pub const UNKNOWN_UNIT: &str = "DNS006";
/// The `zone_directory` option is not an absolute path that can be written in `named.conf`
/// (it must start with `/` and hold no quote, backslash, `;` or control character).
pub const BAD_ZONE_DIRECTORY: &str = "DNS007";
