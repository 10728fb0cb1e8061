//! Deterministic synthetic models for benchmarks and scale tests.
//!
//! Three shapes, each a plain function of its parameters and a seed (the same arguments give
//! byte-identical text on every machine):
//!
//! - [`sites`]: N sites following one model (zones, an OPNsense firewall, an IOS switch, an FRR
//!   router, hosts, services, load balancers with HA groups, database clusters, site-local
//!   rules), plus monitoring and DNS for the whole model. Every backend renders it.
//! - [`policy`]: R zero-trust rules over O network objects (zones, hosts, host groups, remote
//!   sites and literal prefixes, some IPv6) enforced by an IOS router's ACLs, an OPNsense
//!   firewall and nftables host firewalls; [`policy::capirca`] writes the same policy as a
//!   Capirca policy with its NETWORK and SERVICES definitions.
//! - [`topology`]: a 20-device network (FRR routers and IOS switches, OSPF, VRRP, 9 VLANs) of the
//!   size netlab labs usually have.
//!
//! Every generated model checks clean (no error, no warning) and builds with every backend;
//! `tools/gen/tests/check.rs` holds the first, `compiler/cli/tests/generated.rs` the second.

pub mod policy;
pub mod sites;
pub mod topology;

/// A small deterministic pseudo-random generator (SplitMix64): the same seed gives the same
/// sequence everywhere, which is all a benchmark input needs.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`0` when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }
}

/// An IPv4 address from its 32 bits.
pub(crate) fn v4(n: u32) -> String {
    format!(
        "{}.{}.{}.{}",
        n >> 24,
        (n >> 16) & 255,
        (n >> 8) & 255,
        n & 255
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic() {
        let a: Vec<u64> = (0..5)
            .scan(Rng::new(7), |r, _| Some(r.next_u64()))
            .collect();
        let b: Vec<u64> = (0..5)
            .scan(Rng::new(7), |r, _| Some(r.next_u64()))
            .collect();
        let c: Vec<u64> = (0..5)
            .scan(Rng::new(8), |r, _| Some(r.next_u64()))
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(v4(0x0A01_0203), "10.1.2.3");
    }
}
