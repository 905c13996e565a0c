//! Fuzz-style: random bytes and mutated valid frames never panic the decoder; whatever it
//! accepts re-encodes to exactly the bytes it read (so nothing was silently reinterpreted).

use proptest::prelude::*;
use reactive_sync::protocol::{Frame, MAX_FRAME_BYTES};

#[path = "common/frames.rs"]
mod frames;

fn check(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(frame) = Frame::decode(bytes, MAX_FRAME_BYTES) {
        prop_assert_eq!(frame.encode(), bytes.to_vec());
    }
    Ok(())
}

/// A mutation of a valid frame: flip, overwrite, insert or delete bytes.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(proptest::sample::Index, u8),
    Set(proptest::sample::Index, u8),
    Insert(proptest::sample::Index, u8),
    Delete(proptest::sample::Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<proptest::sample::Index>(), 1u8..).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<proptest::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Set(i, b)),
        (any::<proptest::sample::Index>(), any::<u8>()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<proptest::sample::Index>().prop_map(Mutation::Delete),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic_and_any_accepted_frame_is_exact(
        bytes in proptest::collection::vec(any::<u8>(), 0..128)
    ) {
        check(&bytes)?;
    }

    #[test]
    fn random_bodies_behind_a_valid_header_never_panic(
        kind in 0u8..12,
        body in proptest::collection::vec(any::<u8>(), 0..96)
    ) {
        let mut bytes = vec![b'R', b'S', 1, kind];
        bytes.extend_from_slice(&(body.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&body);
        check(&bytes)?;
    }

    #[test]
    fn mutated_frames_never_panic_and_any_accepted_frame_is_exact(
        frame in frames::frame(),
        mutations in proptest::collection::vec(mutation(), 1..4)
    ) {
        let mut bytes = frame.encode();
        for m in mutations {
            match m {
                Mutation::Flip(i, b) => { let i = i.index(bytes.len()); bytes[i] ^= b; }
                Mutation::Set(i, b) => { let i = i.index(bytes.len()); bytes[i] = b; }
                Mutation::Insert(i, b) => { let i = i.index(bytes.len() + 1); bytes.insert(i, b); }
                Mutation::Delete(i) => {
                    if !bytes.is_empty() { let i = i.index(bytes.len()); bytes.remove(i); }
                }
            }
            if bytes.is_empty() { break; }
        }
        check(&bytes)?;
    }
}
