//! SOA serials derived from the zone's content, never from the clock.
//!
//! The serial is the 64-bit FNV-1a hash of the zone file as rendered with serial 0, folded to
//! 32 bits (high half XOR low half); 0 becomes 1. The same records give the same serial on
//! every run and machine; any change to the zone's text (a record, the TTL, a name server)
//! changes it with probability 1 − 2⁻³².
//!
//! Caveat (RFC 1982 serial arithmetic): a content hash does not increase. Secondaries that
//! transfer the zone (AXFR/IXFR after a NOTIFY or at refresh) only accept a serial that is
//! "greater" in serial arithmetic, so about half of all changes would be ignored by them. The
//! generated configuration therefore makes every DNS server of the model a primary loading
//! the same files (`allow-transfer { none; }`): the serial only identifies the content. A
//! secondary outside the model needs serials that grow (e.g. a build number) instead.

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// The serial of a zone whose text, rendered with serial 0, is `text`.
pub fn serial_of(text: &str) -> u32 {
    let hash = text.bytes().fold(FNV_OFFSET, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    });
    let folded = ((hash >> 32) ^ (hash & 0xffff_ffff)) as u32;
    folded.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_sensitive() {
        // FNV-1a("") = offset basis; folded: 0xcbf29ce4 ^ 0x84222325.
        assert_eq!(serial_of(""), 0xcbf2_9ce4 ^ 0x8422_2325);
        assert_eq!(serial_of("a IN A 10.0.0.1"), serial_of("a IN A 10.0.0.1"));
        assert_ne!(serial_of("a IN A 10.0.0.1"), serial_of("a IN A 10.0.0.2"));
    }
}
