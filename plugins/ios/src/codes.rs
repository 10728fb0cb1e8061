//! The diagnostic codes of the ios backend. Each is documented here, in the crate
//! documentation and in `docs/backends/ios.md`, and has a test that makes it fire.

/// The unit is not a device this backend renders (no such device, or not an IOS switch or
/// router).
pub const NOT_IOS: &str = "IOS001";
/// IPv6 where this backend renders IPv4 only: an interface or management address, a next hop,
/// or a flow that enters a routed interface (IPv6 ACLs are not rendered).
pub const IPV6: &str = "IOS002";
/// A flow whose protocol an IOS extended ACL cannot match exactly (SCTP with ports: IOS matches
/// SCTP by protocol number only).
pub const PROTOCOL: &str = "IOS003";
/// A VLAN IOS cannot hold as modelled: a reserved id (1002–1005), or a zone name that cannot
/// become a VLAN name (empty, or over 32 characters).
pub const VLAN: &str = "IOS004";
/// A banner IOS cannot show as written: no free delimiter, a control character, or a `$(…)`
/// token IOS expands.
pub const BANNER: &str = "IOS005";
/// An interface name IOS does not know (`eth0`, `vtnet1`), or two interfaces with one IOS name.
pub const INTERFACE: &str = "IOS006";
/// A flow whose replies a stateless ACL cannot let back without allowing more than the model
/// does (protocol `any`, `gre`, `esp`, `sctp`, or `udp` without ports, through a routed
/// interface, when the model does not also allow the reverse flow).
pub const REPLIES: &str = "IOS007";
/// An OSPF MD5 key from a secret that may be longer than IOS's 16 characters.
pub const MD5_KEY: &str = "IOS008";
/// No local user: without `ssh { user; password }`, `login local` would lock everyone out.
pub const NO_USER: &str = "IOS009";
/// A name IOS cannot take: the hostname, the user name or the domain name.
pub const NAME: &str = "IOS010";
/// Something this backend does not render on this device: an access port on a router, a routed
/// port on a switch that does not route, an OSPF value outside IOS's range, an unknown
/// redistribution.
pub const UNSUPPORTED: &str = "IOS011";
/// Flows to and from the internet that one ACL cannot order exactly (both involve prefixes
/// outside the model's zones).
pub const INTERNET_ORDER: &str = "IOS012";
/// The device's OSPF router id is another OSPF device's of the model.
pub const DUPLICATE_ROUTER_ID: &str = "IOS013";

/// Every code with a one-line summary, for documentation tests.
pub const ALL: &[(&str, &str)] = &[
    (
        NOT_IOS,
        "the unit is not an IOS switch or router of the model",
    ),
    (IPV6, "IPv6 address, next hop or routed flow (IPv4 only)"),
    (PROTOCOL, "SCTP with ports in a routed flow"),
    (VLAN, "reserved VLAN id or invalid VLAN name"),
    (
        BANNER,
        "banner that cannot be delimited or shown as written",
    ),
    (
        INTERFACE,
        "interface name IOS does not know, or a duplicate",
    ),
    (
        REPLIES,
        "replies of a flow a stateless ACL cannot let back exactly",
    ),
    (MD5_KEY, "OSPF MD5 key secret longer than 16 characters"),
    (NO_USER, "no local user to log in with"),
    (NAME, "invalid hostname, user name or domain name"),
    (
        UNSUPPORTED,
        "element this backend does not render on this device",
    ),
    (
        INTERNET_ORDER,
        "internet flows one ACL cannot order exactly",
    ),
    (
        DUPLICATE_ROUTER_ID,
        "OSPF router id of another OSPF device of the model",
    ),
];
