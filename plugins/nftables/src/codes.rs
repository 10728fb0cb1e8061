//! The diagnostic codes of the nftables backend (documented in the crate doc and
//! `docs/backends/nftables.md`).

/// `compile` was called for a unit that is not a host of the model.
pub const UNKNOWN_HOST: &str = "NFT001";
/// A flow to the host has a service nftables cannot match exactly: ports on a protocol
/// without ports, or an empty port range (first port after the last).
pub const BAD_SERVICE: &str = "NFT002";
/// Warning: a flow lets SSH reach the host from outside the management zones. Rendered as
/// written (the rule says so explicitly), and reported so a reviewer sees it.
pub const SSH_OUTSIDE_MANAGEMENT: &str = "NFT003";
