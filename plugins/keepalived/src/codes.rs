//! The diagnostic codes of the keepalived backend. Each but the last is an error: the model asks
//! for something keepalived 2.2.7 cannot do exactly, so nothing is rendered for the unit.
//! `KEEPALIVED012` is a warning: the file is rendered as modelled.

/// The unit names no host that is a member of an HA group.
pub const NOT_A_MEMBER: &str = "KEEPALIVED001";
/// The advertisement interval is neither whole seconds from 1 to 255 (VRRPv2) nor a multiple
/// of 10 ms from 10 ms to 40.95 s (VRRPv3, which IPv6 and sub-second intervals need).
pub const ADVERT_INTERVAL: &str = "KEEPALIVED002";
/// Authentication on a group that runs VRRPv3 (IPv6 VIPs, or a sub-second interval): VRRPv3
/// has no authentication, and keepalived would ignore the password.
pub const AUTH_VRRPV3: &str = "KEEPALIVED003";
/// The VIPs and member addresses of a group are not all of one address family (or there is no
/// VIP, or the prefix length does not fit the family): one VRRP instance carries one family.
pub const ADDRESS_FAMILY: &str = "KEEPALIVED004";
/// The tracked process name cannot be matched exactly by `pgrep -x` (1–15 characters of
/// letters, digits, `_` and `-`, not starting with `-`).
pub const TRACK_NAME: &str = "KEEPALIVED005";
/// A tracked process on a preempting group with a member of priority 1: a failed member cannot
/// be lowered below every healthy one (keepalived's lowest effective priority is 1).
pub const TRACK_PRIORITY: &str = "KEEPALIVED006";
/// The notify script is not an absolute path of plain characters (letters, digits, `_ . / + -`).
pub const NOTIFY_PATH: &str = "KEEPALIVED007";
/// The member's interface is not a Linux interface name keepalived can run VRRP on (1–15
/// characters, no `/`, `:`, space or control character, not `.`, `..` or `lo`).
pub const INTERFACE_NAME: &str = "KEEPALIVED008";
/// A host, site or group name, or a secret placeholder, is not a single keepalived word (it
/// holds a space, a quote, a comment character `#`/`!`, a brace or a control character).
pub const NOT_A_WORD: &str = "KEEPALIVED009";
/// Two groups of one host use the same `virtual_router_id` on the same interface and address
/// family: keepalived cannot tell their adverts apart.
pub const VRID_CLASH: &str = "KEEPALIVED010";
/// A priority outside 1–254 or a vrid of 0 (the IR promises neither; 255 would make the member
/// the address owner).
pub const RANGE: &str = "KEEPALIVED011";
/// Warning: a member of a group whose VIP is a load balancer's VIP does not run that load
/// balancer, so while it holds the VIP nothing answers there.
pub const VIP_WITHOUT_LOAD_BALANCER: &str = "KEEPALIVED012";

/// Every code with a one-line description, in order (the crate documentation and
/// `docs/backends/keepalived.md` list the same).
pub const ALL: &[(&str, &str)] = &[
    (NOT_A_MEMBER, "the unit is not a member of any HA group"),
    (ADVERT_INTERVAL, "advertisement interval not expressible"),
    (AUTH_VRRPV3, "authentication with VRRPv3"),
    (
        ADDRESS_FAMILY,
        "VIPs and members of mixed families, or no VIP",
    ),
    (TRACK_NAME, "tracked process name not matchable exactly"),
    (
        TRACK_PRIORITY,
        "tracked process with a member of priority 1",
    ),
    (NOTIFY_PATH, "notify is not an absolute plain path"),
    (INTERFACE_NAME, "not a usable interface name"),
    (NOT_A_WORD, "name or placeholder is not one keepalived word"),
    (VRID_CLASH, "same vrid twice on one interface"),
    (RANGE, "priority or vrid out of range"),
    (
        VIP_WITHOUT_LOAD_BALANCER,
        "warning: a member does not run the load balancer whose VIP it may hold",
    ),
];
