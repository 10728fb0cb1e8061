//! Deterministic UUIDs for the `uuid` attributes of OPNsense's model items.
//!
//! OPNsense identifies array items (VLANs, VIPs, rules, OSPF areas and interfaces) by a UUID
//! and links some of them by it (an OSPF interface names its area's UUID). A build must be
//! byte-identical for the same model, so the UUIDs are derived from a stable key (device,
//! section and the item's identity) with FNV-1a (128-bit) and a splitmix64 finish, formatted as
//! an RFC 9562 version 8 ("custom") UUID.

use std::fmt;

/// The UUID for `key` (e.g. `fw1/vlan/vtnet1/10`).
pub fn uuid(key: &str) -> String {
    let mut hash = Fnv::new();
    hash.bytes(key.as_bytes());
    hash.uuid()
}

/// The UUID for the key `key` formats (`format_args!("{host}/filter/{rule}")`): the same as
/// [`uuid`] of the formatted text, without building it.
pub fn uuid_of(key: fmt::Arguments<'_>) -> String {
    let mut hash = Fnv::new();
    // Writing into the hash cannot fail; a `Display` that fails would leave a shorter key.
    let _ = fmt::Write::write_fmt(&mut hash, key);
    hash.uuid()
}

/// FNV-1a (128-bit) over `infrac-opnsense:` and the key, fed as the key is formatted.
struct Fnv(u128);

impl Fnv {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;

    fn new() -> Fnv {
        let mut fnv = Fnv(Self::OFFSET);
        fnv.bytes(b"infrac-opnsense:");
        fnv
    }

    fn bytes(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u128::from(byte);
            self.0 = self.0.wrapping_mul(Self::PRIME);
        }
    }

    fn uuid(self) -> String {
        let hash = self.0;
        // FNV alone diffuses poorly (similar keys, similar UUIDs): finish with two rounds of
        // the splitmix64 finaliser across both halves.
        let (hi, lo) = ((hash >> 64) as u64, hash as u64);
        let lo = mix(lo ^ hi.rotate_left(32));
        let hi = mix(hi ^ lo);
        let mut hash = (u128::from(hi) << 64) | u128::from(lo);
        // Version 8 in bits 48..52 (from the left), variant 0b10 in bits 64..66.
        hash = (hash & !(0xF_u128 << 76)) | (0x8_u128 << 76);
        hash = (hash & !(0x3_u128 << 62)) | (0x2_u128 << 62);
        let mut out = String::with_capacity(36);
        for i in 0..32 {
            if matches!(i, 8 | 12 | 16 | 20) {
                out.push('-');
            }
            let nibble = (hash >> (124 - 4 * i)) & 0xF;
            out.push(char::from(b"0123456789abcdef"[nibble as usize]));
        }
        out
    }
}

impl fmt::Write for Fnv {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.bytes(s.as_bytes());
        Ok(())
    }
}

/// The splitmix64 finaliser.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_distinct_and_well_formed() {
        let a = uuid("fw1/vlan/vtnet1/10");
        assert_eq!(a, uuid("fw1/vlan/vtnet1/10"));
        assert_ne!(a, uuid("fw1/vlan/vtnet1/11"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8", "version 8: {a}");
        assert!("89ab".contains(&a[19..20]), "RFC variant: {a}");
    }

    #[test]
    fn formatting_the_key_into_the_hash_is_hashing_the_text() {
        let (device, tag) = ("fw1", 10);
        assert_eq!(
            uuid_of(format_args!("{device}/vlan/vtnet1/{tag}")),
            uuid("fw1/vlan/vtnet1/10")
        );
        // A pinned value: the UUIDs in deployed configs must not change with the code.
        assert_eq!(
            uuid("fw1/vlan/vtnet1/10"),
            PINNED,
            "the UUID of a key changed"
        );
    }

    const PINNED: &str = "01b5f505-592e-87bf-ad92-81b7785dd618";
}
