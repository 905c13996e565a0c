//! A stable hash of a name, used to link macro expansions that cannot see each other.
//!
//! The derive on `Player` needs the type of `Item::id` (for `#[model(keyed = "id")]`), but a
//! macro only sees its own input. The name is therefore turned into a `u64` const generic
//! (`FieldOf<H>`): the derive on `Item` implements the trait for each field's hash, the derive
//! on `Player` projects through it, and the compiler connects the two. (Computed properties
//! need no hash: their block adds named items to the field enum, see `computed.rs`.)

/// FNV-1a, 64 bits: deterministic across builds and platforms, which is all that is needed.
/// Names in one model are few; a collision between two of them would surface as a
/// conflicting-implementations error, never as a silent mix-up.
pub(crate) fn name_hash(name: &str) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0100_0000_01b3;
    name.bytes().fold(OFFSET, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use super::name_hash;

    #[test]
    fn hash_is_stable_and_distinguishes_similar_names() {
        // The value is part of the contract between two expansions: pin it.
        assert_eq!(name_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(name_hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(name_hash("hp"), name_hash("ph"));
        assert_ne!(name_hash("max_hp"), name_hash("maxhp"));
    }
}
