//! The backend's diagnostic codes (documented in the crate doc and `docs/backends/frr.md`).

/// The unit names no device this backend renders.
pub const UNKNOWN_UNIT: &str = "FRR001";
/// An OSPF interface has no IPv4 address: OSPFv2 (`ospfd`) runs over IPv4 only.
pub const NO_IPV4: &str = "FRR002";
/// An interface has no OS interface name the kernel accepts (too long, a character such as
/// `/`), or is a kind (trunk, SVI, access port) with no routed OS interface of its own.
pub const BAD_IFNAME: &str = "FRR003";
/// Two interfaces of the device are the same OS interface.
pub const DUPLICATE_IFNAME: &str = "FRR004";
/// An OSPF MD5 key cannot be one FRR takes: its secret is declared longer than 16 characters
/// (FRR silently truncates MD5 keys to 16), or its placeholder is not one token.
pub const MD5_KEY: &str = "FRR005";
/// An OSPF value outside what FRR accepts: an area that is not dotted-quad, a cost, hello or
/// dead interval outside 1–65535.
pub const OSPF_VALUE: &str = "FRR006";
/// A redistributed route source FRR's ospfd has no `redistribute` for.
pub const REDISTRIBUTE: &str = "FRR007";
/// Interfaces run OSPF but the device has no OSPF process (no router id to render).
pub const NO_PROCESS: &str = "FRR008";
/// The device's name cannot be FRR's `hostname` (one word of letters, digits, `.`, `_`, `-`).
pub const BAD_HOSTNAME: &str = "FRR009";
/// The device's OSPF router id is another OSPF device's of the model: ospfd drops hellos that
/// carry its own router id, and the two would overwrite each other's router LSAs.
pub const DUPLICATE_ROUTER_ID: &str = "FRR010";
