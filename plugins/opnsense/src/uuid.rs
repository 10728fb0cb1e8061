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

    fn new() -> Fnv {
        let mut fnv = Fnv(Self::OFFSET);
        fnv.bytes(b"infrac-opnsense:");
        fnv
    }

    fn bytes(&mut self, bytes: &[u8]) {
        // In two 64-bit halves: WebAssembly has no 128-bit multiply, and a call to the
        // compiler's helper for each byte was a sixth of rendering a large firewall.
        let (mut hi, mut lo) = ((self.0 >> 64) as u64, self.0 as u64);
        for &byte in bytes {
            lo ^= u64::from(byte);
            (hi, lo) = times_prime(hi, lo);
        }
        self.0 = (u128::from(hi) << 64) | u128::from(lo);
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

/// The 128-bit FNV prime, 2^88 + 0x13b.
const PRIME_LOW: u64 = 0x13b;

/// `(hi, lo)` times the FNV prime, modulo 2^128, in 64-bit arithmetic.
fn times_prime(hi: u64, lo: u64) -> (u64, u64) {
    // The high half of lo * 0x13b, from 32-bit halves (each product fits in 41 bits).
    let carry = ((lo >> 32) * PRIME_LOW + (((lo & 0xffff_ffff) * PRIME_LOW) >> 32)) >> 32;
    let hi = hi
        .wrapping_mul(PRIME_LOW)
        .wrapping_add(carry)
        // Times 2^88: lo moves 24 bits into the high half; the low half gets nothing.
        .wrapping_add(lo << 24);
    (hi, lo.wrapping_mul(PRIME_LOW))
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

    #[test]
    fn the_64_bit_multiply_is_the_128_bit_one() {
        const PRIME: u128 = (1 << 88) + PRIME_LOW as u128;
        let mut x: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
        let edges = [
            0,
            1,
            u128::MAX,
            u128::from(u64::MAX),
            u128::from(u64::MAX) << 64,
        ];
        for i in 0..10_000u32 {
            let v = edges.get(i as usize).copied().unwrap_or(x);
            let (hi, lo) = times_prime((v >> 64) as u64, v as u64);
            assert_eq!(
                (u128::from(hi) << 64) | u128::from(lo),
                v.wrapping_mul(PRIME),
                "{v:#x}"
            );
            x = x.wrapping_mul(PRIME) ^ u128::from(i);
        }
    }
}
