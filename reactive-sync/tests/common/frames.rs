//! A proptest strategy for every kind of frame, shared by the protocol tests.

use proptest::prelude::*;
use reactive_sync::protocol::{CommandOutcome, ErrorCode, Frame};

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..64)
}

fn error_code() -> impl Strategy<Value = ErrorCode> {
    (1u16..=12).prop_map(|n| ErrorCode::from_u16(n).expect("codes 1..=12 exist"))
}

pub fn frame() -> impl Strategy<Value = Frame> {
    prop_oneof![
        (".*", ".*", bytes()).prop_map(|(token, document, version_vector)| Frame::Hello {
            token,
            document,
            version_vector
        }),
        (any::<u64>(), ".*", any::<bool>(), bytes(), bytes()).prop_map(
            |(session, principal, can_write, version_vector, updates)| Frame::Welcome {
                session,
                principal,
                can_write,
                version_vector,
                updates
            }
        ),
        (any::<u64>(), bytes()).prop_map(|(id, bytes)| Frame::Update { id, bytes }),
        (any::<u64>(), bytes()).prop_map(|(id, version_vector)| Frame::Ack { id, version_vector }),
        (any::<u64>(), ".*", bytes()).prop_map(|(session, principal, state)| Frame::Presence {
            session,
            principal,
            state
        }),
        (any::<u64>(), any::<u64>(), ".*", bytes()).prop_map(|(client, id, name, args)| {
            Frame::Command {
                client,
                id,
                name,
                args,
            }
        }),
        (
            any::<u64>(),
            any::<u64>(),
            proptest::option::of(".*"),
            bytes()
        )
            .prop_map(|(client, id, why, updates)| Frame::CommandResult {
                client,
                id,
                outcome: why.map_or(CommandOutcome::Accepted, CommandOutcome::Rejected),
                updates,
            }),
        (error_code(), ".*").prop_map(|(code, message)| Frame::Error { code, message }),
    ]
}
