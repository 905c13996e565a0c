//! A differential test: random sequences of appends and reads against PostgreSQL and against
//! the memory store (the naive reference: vectors and maps behind a mutex) give the same
//! answers, down to every event's hash.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reactive_sourcing::{
    Append, EventStore, ExpectedVersion, MemoryStore, Metadata, NewEvent, RecordedEvent,
};
use serde_json::json;

use super::support::{TestStore, server_url};

#[derive(Debug, Clone)]
enum Operation {
    Append {
        stream: u8,
        expected: ExpectedVersion,
        events: Vec<i64>,
        key: Option<u8>,
    },
    ReadAll {
        from: u64,
        limit: usize,
    },
    ReadStream {
        stream: u8,
        from: u64,
        limit: usize,
    },
    StreamVersion(u8),
    Head,
    EventTypes,
}

fn expected() -> impl Strategy<Value = ExpectedVersion> {
    prop_oneof![
        Just(ExpectedVersion::Any),
        Just(ExpectedVersion::NoStream),
        (0u64..5).prop_map(ExpectedVersion::Exact),
    ]
}

fn operation() -> impl Strategy<Value = Operation> {
    prop_oneof![
        4 => (0u8..3, expected(), vec(-3i64..3, 0..4), proptest::option::of(0u8..4)).prop_map(
            |(stream, expected, events, key)| Operation::Append { stream, expected, events, key }
        ),
        1 => (0u64..12, 0usize..6).prop_map(|(from, limit)| Operation::ReadAll { from, limit }),
        1 => (0u8..3, 0u64..6, 0usize..6)
            .prop_map(|(stream, from, limit)| Operation::ReadStream { stream, from, limit }),
        1 => (0u8..4).prop_map(Operation::StreamVersion),
        1 => Just(Operation::Head),
        1 => Just(Operation::EventTypes),
    ]
}

/// What an operation answered, comparable across stores (errors by their message, which
/// names the stream, the expectation and the actual version, or the key).
#[derive(Debug, PartialEq)]
enum Answer {
    Appended(Result<reactive_sourcing::Appended, String>),
    Events(Result<Vec<RecordedEvent>, String>),
    Number(Result<u64, String>),
    Types(Result<Vec<(String, u32)>, String>),
}

fn run(store: &dyn EventStore, operation: &Operation) -> Answer {
    let text = |error: reactive_sourcing::EventStoreError| error.to_string();
    match operation {
        Operation::Append {
            stream,
            expected,
            events,
            key,
        } => {
            let mut batch = Append::new(format!("s{stream}"), *expected);
            for (index, value) in events.iter().enumerate() {
                // A fixed time: the stores must agree on every hash, which covers metadata.
                let metadata = Metadata {
                    timestamp_ms: 1_700_000_000_000 + index as u64,
                    principal: Some("p".into()),
                    ..Metadata::default()
                };
                let kind = if *value < 0 { "Debited" } else { "Credited" };
                batch = batch.event(
                    NewEvent::new(kind, 1 + (*value as u32 & 1), json!({ "v": value }))
                        .with_metadata(metadata),
                );
            }
            if let Some(key) = key {
                batch = batch.idempotency_key(format!("k{key}"));
            }
            Answer::Appended(store.append(batch).map_err(text))
        }
        Operation::ReadAll { from, limit } => {
            Answer::Events(store.read_all(*from, *limit).map_err(text))
        }
        Operation::ReadStream {
            stream,
            from,
            limit,
        } => Answer::Events(
            store
                .read_stream(&format!("s{stream}"), *from, *limit)
                .map_err(text),
        ),
        Operation::StreamVersion(stream) => {
            Answer::Number(store.stream_version(&format!("s{stream}")).map_err(text))
        }
        Operation::Head => Answer::Number(store.head().map_err(text)),
        Operation::EventTypes => Answer::Types(store.event_types().map_err(text)),
    }
}

#[test]
fn random_operations_answer_as_the_memory_store_does() {
    if server_url("differential").is_none() {
        return;
    }
    let mut runner = TestRunner::new(Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&vec(operation(), 1..30), |operations| {
            let postgres = TestStore::fresh("differential").expect("a server");
            let reference = MemoryStore::new();
            for (step, operation) in operations.iter().enumerate() {
                let expected = run(&reference, operation);
                let actual = run(&postgres.store, operation);
                prop_assert_eq!(actual, expected, "step {}: {:?}", step, operation);
            }
            prop_assert_eq!(
                postgres.store.read_log(1, usize::MAX).unwrap(),
                reference.read_log(1, usize::MAX).unwrap()
            );
            Ok(())
        })
        .unwrap();
}
