//! The conformance suite every [`EventStore`] backend passes: the store contract, stated as
//! executable checks (feature `testing`).
//!
//! Writing your own backend (a database this crate does not ship, a remote service, a wrapper
//! that adds caching or metrics)? Run this suite against it from your tests. Each case takes a
//! fresh, empty store and panics, naming the rule that failed, if the backend breaks the
//! contract: ordering, global sequences and per-stream versions, optimistic concurrency,
//! idempotency keys, empty and invalid batches, paging, metadata round trips, snapshots,
//! checkpoints, the hash chain, compaction.
//!
//! Enable the feature for your tests only:
//!
//! ```toml
//! [dev-dependencies]
//! reactive-sourcing = { version = "0.1", features = ["testing"] }
//! ```
//!
//! Then run every case with [`run_all`], giving it a way to make a fresh store:
//!
//! ```
//! use reactive_sourcing::{conformance, EventStore, MemoryStore};
//! # use reactive_sourcing::{Append, Appended, EventStoreError, LogEntry, RecordedEvent, StreamSnapshot};
//! # use std::sync::atomic::{AtomicU64, Ordering};
//!
//! /// A backend of your own: here, a store that counts the appends it forwards to another one.
//! struct Counted { appends: AtomicU64, inner: MemoryStore }
//!
//! impl EventStore for Counted {
//!     fn append(&self, batch: Append) -> Result<Appended, EventStoreError> {
//!         self.appends.fetch_add(1, Ordering::Relaxed);
//!         self.inner.append(batch)
//!     }
//!     // …every other method, forwarded the same way.
//! #   fn head(&self) -> Result<u64, EventStoreError> { self.inner.head() }
//! #   fn stream_version(&self, s: &str) -> Result<u64, EventStoreError> { self.inner.stream_version(s) }
//! #   fn read_all(&self, f: u64, l: usize) -> Result<Vec<RecordedEvent>, EventStoreError> { self.inner.read_all(f, l) }
//! #   fn read_stream(&self, s: &str, f: u64, l: usize) -> Result<Vec<RecordedEvent>, EventStoreError> { self.inner.read_stream(s, f, l) }
//! #   fn read_log(&self, f: u64, l: usize) -> Result<Vec<LogEntry>, EventStoreError> { self.inner.read_log(f, l) }
//! #   fn compacted_through(&self, s: &str) -> Result<u64, EventStoreError> { self.inner.compacted_through(s) }
//! #   fn event_types(&self) -> Result<Vec<(String, u32)>, EventStoreError> { self.inner.event_types() }
//! #   fn save_snapshot(&self, s: &StreamSnapshot) -> Result<(), EventStoreError> { self.inner.save_snapshot(s) }
//! #   fn load_snapshot(&self, s: &str) -> Result<Option<StreamSnapshot>, EventStoreError> { self.inner.load_snapshot(s) }
//! #   fn save_checkpoint(&self, n: &str, p: u64) -> Result<(), EventStoreError> { self.inner.save_checkpoint(n, p) }
//! #   fn load_checkpoint(&self, n: &str) -> Result<Option<u64>, EventStoreError> { self.inner.load_checkpoint(n) }
//! #   fn stub_events(&self, s: &str, t: u64) -> Result<u64, EventStoreError> { self.inner.stub_events(s, t) }
//! }
//!
//! // In a `#[test]`: panics with the failing case's name if the backend breaks a rule.
//! conformance::run_all(|| Box::new(Counted { appends: AtomicU64::new(0), inner: MemoryStore::new() }));
//! ```
//!
//! [`run_all`] stops at the first failure. For one `#[test]` per case (so a report lists
//! every broken rule), call the cases one by one: each is a public function, and [`CASES`]
//! lists them by name. This crate's own tests run the suite that way against its three
//! backends:
//!
//! ```
//! use reactive_sourcing::{conformance, MemoryStore};
//! // In your tests, one `#[test]` function per case, each on a fresh store:
//! conformance::a_retried_append_with_its_key_is_a_noop(&MemoryStore::new());
//! conformance::a_conflict_writes_nothing_of_the_batch(&MemoryStore::new());
//! // …or every case by name:
//! for (name, case) in conformance::CASES {
//!     println!("{name}");
//!     case(&MemoryStore::new());
//! }
//! ```

use serde_json::json;

use crate::archive::{ArchiveWriter, read_archive, verify_archive};
use crate::chain::verify_chain;
use crate::error::EventStoreError;
use crate::event::{Append, EventHash, ExpectedVersion, LogEntry, Metadata, NewEvent};
use crate::store::{EventStore, Events, StreamSnapshot};

/// A named case of the suite.
pub type Case = (&'static str, fn(&dyn EventStore));

/// Every case, by name.
///
/// ```
/// assert!(reactive_sourcing::conformance::CASES.len() > 10);
/// ```
pub const CASES: &[Case] = &[
    (
        "appended_events_read_back_in_order",
        appended_events_read_back_in_order,
    ),
    (
        "sequences_are_global_and_versions_per_stream",
        sequences_are_global_and_versions_per_stream,
    ),
    (
        "a_conflict_writes_nothing_of_the_batch",
        a_conflict_writes_nothing_of_the_batch,
    ),
    (
        "expected_version_variants_are_enforced",
        expected_version_variants_are_enforced,
    ),
    (
        "a_retried_append_with_its_key_is_a_noop",
        a_retried_append_with_its_key_is_a_noop,
    ),
    (
        "a_key_reused_for_another_batch_is_refused",
        a_key_reused_for_another_batch_is_refused,
    ),
    (
        "an_empty_append_changes_nothing",
        an_empty_append_changes_nothing,
    ),
    ("invalid_input_is_refused", invalid_input_is_refused),
    ("reads_are_paged", reads_are_paged),
    (
        "metadata_and_payload_round_trip",
        metadata_and_payload_round_trip,
    ),
    (
        "event_types_lists_each_stored_pair_once",
        event_types_lists_each_stored_pair_once,
    ),
    (
        "the_latest_snapshot_replaces_older_ones",
        the_latest_snapshot_replaces_older_ones,
    ),
    ("checkpoints_round_trip", checkpoints_round_trip),
    (
        "the_chain_links_every_event_to_the_previous_one",
        the_chain_links_every_event_to_the_previous_one,
    ),
    (
        "compaction_archives_and_keeps_the_chain_whole",
        compaction_archives_and_keeps_the_chain_whole,
    ),
];

/// Runs every case, each on a fresh store from `make`.
///
/// # Panics
///
/// On the first broken rule, naming the case.
///
/// See the [module docs](self) for an example.
pub fn run_all(mut make: impl FnMut() -> Box<dyn EventStore>) {
    for (name, case) in CASES {
        let store = make();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| case(&*store)));
        if let Err(panic) = outcome {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            panic!("conformance case `{name}` failed: {message}");
        }
    }
}

/// A file in the system's temporary directory, removed when dropped (the suite is library
/// code, so it does not depend on a temporary-file crate).
struct ScratchFile(std::path::PathBuf);

impl ScratchFile {
    fn new(what: &str) -> Self {
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let unique = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_nanos());
        ScratchFile(std::env::temp_dir().join(format!(
            "reactive-store-conformance-{what}-{}-{nanos}-{unique}.jsonl",
            std::process::id()
        )))
    }
}

impl Drop for ScratchFile {
    fn drop(&mut self) {
        // Best effort: a leftover file in the temporary directory is harmless.
        let _ = std::fs::remove_file(&self.0);
    }
}

fn event(n: i64) -> NewEvent {
    NewEvent::new("Numbered", 1, json!({ "n": n }))
}

fn append(store: &dyn EventStore, stream: &str, values: &[i64]) -> crate::event::Appended {
    let batch = Append::new(stream, ExpectedVersion::Any).events(values.iter().map(|&n| event(n)));
    match store.append(batch) {
        Ok(appended) => appended,
        Err(error) => panic!("append to `{stream}` failed: {error}"),
    }
}

fn ok<T>(result: Result<T, EventStoreError>, what: &str) -> T {
    result.unwrap_or_else(|error| panic!("{what} failed: {error}"))
}

fn numbers(events: &[crate::event::RecordedEvent]) -> Vec<i64> {
    events
        .iter()
        .map(|event| event.payload["n"].as_i64().unwrap_or(i64::MIN))
        .collect()
}

/// Events come back from `read_all`, `read_stream` and `read_log` as appended, in order.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::appended_events_read_back_in_order(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn appended_events_read_back_in_order(store: &dyn EventStore) {
    append(store, "a", &[1, 2]);
    append(store, "b", &[3]);
    append(store, "a", &[4]);
    let all = ok(store.read_all(1, 100), "read_all");
    assert_eq!(numbers(&all), [1, 2, 3, 4], "read_all order");
    let a = ok(store.read_stream("a", 1, 100), "read_stream");
    assert_eq!(numbers(&a), [1, 2, 4], "read_stream order");
    let log = ok(store.read_log(1, 100), "read_log");
    assert_eq!(log.len(), 4, "read_log length");
    assert!(
        log.iter()
            .zip(&all)
            .all(|(entry, event)| matches!(entry, LogEntry::Event(e) if e == event)),
        "read_log and read_all disagree"
    );
    assert_eq!(ok(store.head(), "head"), 4, "head");
}

/// Sequence numbers are 1, 2, 3 … across streams; versions are 1, 2, 3 … within each stream;
/// `append` reports both.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::sequences_are_global_and_versions_per_stream(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn sequences_are_global_and_versions_per_stream(store: &dyn EventStore) {
    let first = append(store, "a", &[1, 2]);
    assert_eq!(first.sequences, 1..3, "first batch sequences");
    assert_eq!(first.stream_version, 2, "first batch version");
    let second = append(store, "b", &[3, 4, 5]);
    assert_eq!(second.sequences, 3..6, "second batch sequences");
    assert_eq!(second.stream_version, 3, "second batch version");
    let all = ok(store.read_all(1, 100), "read_all");
    let places: Vec<(u64, &str, u64)> = all
        .iter()
        .map(|e| (e.sequence, e.stream.as_str(), e.version))
        .collect();
    assert_eq!(
        places,
        [
            (1, "a", 1),
            (2, "a", 2),
            (3, "b", 1),
            (4, "b", 2),
            (5, "b", 3)
        ]
    );
    assert_eq!(ok(store.stream_version("a"), "version"), 2);
    assert_eq!(ok(store.stream_version("b"), "version"), 3);
    assert_eq!(ok(store.stream_version("none"), "version"), 0);
}

/// A wrong expected version is `Conflict { expected, actual }` and nothing of the batch is
/// written.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::a_conflict_writes_nothing_of_the_batch(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn a_conflict_writes_nothing_of_the_batch(store: &dyn EventStore) {
    append(store, "a", &[1, 2]);
    let stale = Append::new("a", ExpectedVersion::Exact(1))
        .events([event(3), event(4)])
        .idempotency_key("stale");
    match store.append(stale) {
        Err(EventStoreError::Conflict {
            stream,
            expected,
            actual,
        }) => {
            assert_eq!(
                (stream.as_str(), expected, actual),
                ("a", ExpectedVersion::Exact(1), 2)
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(ok(store.head(), "head"), 2, "the batch was partly written");
    assert_eq!(ok(store.stream_version("a"), "version"), 2);
    // The key was not stored either: the corrected batch with the same key is written.
    let fixed = Append::new("a", ExpectedVersion::Exact(2))
        .events([event(3), event(4)])
        .idempotency_key("stale");
    let appended = ok(store.append(fixed), "corrected append");
    assert!(!appended.duplicate, "the key of a failed append was stored");
    assert_eq!(appended.stream_version, 4);
}

/// `NoStream`, `Exact` and `Any` mean what they say.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::expected_version_variants_are_enforced(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn expected_version_variants_are_enforced(store: &dyn EventStore) {
    let create = || Append::new("a", ExpectedVersion::NoStream).event(event(1));
    ok(store.append(create()), "create");
    assert!(
        matches!(
            store.append(create()),
            Err(EventStoreError::Conflict { actual: 1, .. })
        ),
        "NoStream on an existing stream must conflict"
    );
    let next = Append::new("a", ExpectedVersion::Exact(1)).event(event(2));
    assert_eq!(ok(store.append(next), "exact").stream_version, 2);
    let any = Append::new("a", ExpectedVersion::Any).event(event(3));
    assert_eq!(ok(store.append(any), "any").stream_version, 3);
    let ahead = Append::new("a", ExpectedVersion::Exact(9)).event(event(4));
    assert!(
        matches!(
            store.append(ahead),
            Err(EventStoreError::Conflict { actual: 3, .. })
        ),
        "an expected version ahead of the stream must conflict"
    );
}

/// A batch whose idempotency key is stored is not written again — even much later, even with
/// a stale expected version — and the first result is returned, marked duplicate.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::a_retried_append_with_its_key_is_a_noop(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn a_retried_append_with_its_key_is_a_noop(store: &dyn EventStore) {
    let batch = || {
        Append::new("a", ExpectedVersion::NoStream)
            .events([event(1), event(2)])
            .idempotency_key("pay-invoice-7")
    };
    let first = ok(store.append(batch()), "first append");
    append(store, "a", &[3]);
    append(store, "b", &(0..50).collect::<Vec<_>>());
    let retry = ok(store.append(batch()), "retried append");
    assert!(retry.duplicate, "the retry must be reported as a duplicate");
    assert_eq!(
        (retry.sequences, retry.stream_version),
        (first.sequences, first.stream_version),
        "the retry must answer the first result"
    );
    assert_eq!(ok(store.head(), "head"), 53, "the retry wrote events");
    let events = ok(store.read_stream("a", 1, 10), "read_stream");
    assert_eq!(
        events[0].idempotency_key.as_deref(),
        Some("pay-invoice-7"),
        "the key is recorded on the events"
    );
    assert_eq!(events[2].idempotency_key, None);
}

/// A key reused for a different batch (another stream, other events) is
/// `IdempotencyKeyReused`, and nothing is written.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::a_key_reused_for_another_batch_is_refused(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn a_key_reused_for_another_batch_is_refused(store: &dyn EventStore) {
    let keyed = |stream: &str, n| {
        Append::new(stream, ExpectedVersion::Any)
            .event(event(n))
            .idempotency_key("k")
    };
    ok(store.append(keyed("a", 1)), "first append");
    for other in [keyed("b", 1), keyed("a", 2)] {
        assert!(
            matches!(store.append(other), Err(EventStoreError::IdempotencyKeyReused { ref key }) if key == "k"),
            "reusing a key for another batch must be refused"
        );
    }
    assert_eq!(ok(store.head(), "head"), 1);
    // Metadata is not part of a batch's identity: a retry stamped later is the same request.
    let later = Append::new("a", ExpectedVersion::Any)
        .event(event(1).with_metadata(Metadata::now().at(1)))
        .idempotency_key("k");
    assert!(ok(store.append(later), "retry with new metadata").duplicate);
}

/// An append of zero events writes nothing: no version drift, no sequence used, no key stored.
/// Its expected version is still checked.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::an_empty_append_changes_nothing(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn an_empty_append_changes_nothing(store: &dyn EventStore) {
    append(store, "a", &[1]);
    let empty = Append::new("a", ExpectedVersion::Exact(1)).idempotency_key("nothing");
    let appended = ok(store.append(empty), "empty append");
    assert_eq!(appended.stream_version, 1);
    assert!(appended.sequences.is_empty());
    assert_eq!(ok(store.head(), "head"), 1);
    assert_eq!(ok(store.stream_version("a"), "version"), 1);
    assert_eq!(ok(store.stream_version("new"), "version"), 0);
    let new_stream = Append::new("new", ExpectedVersion::NoStream);
    ok(store.append(new_stream), "empty append to a new stream");
    assert_eq!(ok(store.stream_version("new"), "version"), 0);
    assert!(
        matches!(
            store.append(Append::new("a", ExpectedVersion::Exact(5))),
            Err(EventStoreError::Conflict { .. })
        ),
        "an empty append still checks the expected version"
    );
    let keyed = Append::new("a", ExpectedVersion::Any)
        .event(event(2))
        .idempotency_key("nothing");
    assert!(
        !ok(store.append(keyed), "append with the key").duplicate,
        "an empty append stored its key"
    );
    assert_eq!(ok(store.head(), "head"), 2);
}

/// Empty stream ids, type names and keys are refused before anything is written.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::invalid_input_is_refused(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn invalid_input_is_refused(store: &dyn EventStore) {
    let bad = [
        Append::new("", ExpectedVersion::Any).event(event(1)),
        Append::new("a", ExpectedVersion::Any).event(NewEvent::new("", 1, json!(1))),
        Append::new("a", ExpectedVersion::Any)
            .event(event(1))
            .idempotency_key(""),
    ];
    for batch in bad {
        assert!(
            matches!(
                store.append(batch),
                Err(EventStoreError::InvalidInput { .. })
            ),
            "invalid input must be refused"
        );
    }
    assert_eq!(ok(store.head(), "head"), 0);
}

/// Reads honour `from` and `limit`; [`Events`] reads everything through small pages.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::reads_are_paged(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn reads_are_paged(store: &dyn EventStore) {
    let values: Vec<i64> = (1..=250).collect();
    for chunk in values.chunks(25) {
        append(store, if chunk[0] % 2 == 1 { "odd" } else { "even" }, chunk);
    }
    let page = ok(store.read_all(101, 10), "read_all page");
    assert_eq!(numbers(&page), (101..=110).collect::<Vec<_>>());
    assert!(ok(store.read_all(251, 10), "read past the end").is_empty());
    assert!(ok(store.read_all(1, 0), "zero limit").is_empty());
    let stream_page = ok(store.read_stream("even", 20, 10), "read_stream page");
    assert_eq!(stream_page.len(), 10);
    assert_eq!(stream_page[0].version, 20);
    let log_page = ok(store.read_log(240, 100), "read_log page");
    assert_eq!(log_page.len(), 11);
    let everything: Vec<i64> = Events::all(store, 1)
        .page_size(7)
        .map(|event| ok(event, "paged read").payload["n"].as_i64().unwrap_or(0))
        .collect();
    assert_eq!(everything, values);
    assert_eq!(Events::stream(store, "odd", 1).page_size(3).count(), 125);
}

/// Payloads and metadata come back exactly as appended.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::metadata_and_payload_round_trip(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn metadata_and_payload_round_trip(store: &dyn EventStore) {
    let metadata = Metadata::now()
        .principal("alice")
        .causation_id("cmd-1")
        .correlation_id("req-1")
        .at(1_700_000_000_123);
    let payload = json!({
        "text": "snow ☃ \"quoted\" \n newline",
        "float": 0.1, "big": u64::MAX, "negative": -7,
        "nested": { "list": [1, null, true], "empty": {} },
    });
    let batch = Append::new("a", ExpectedVersion::Any)
        .event(NewEvent::new("Rich", 3, payload.clone()).with_metadata(metadata.clone()))
        .event(NewEvent::new("Unit", 1, serde_json::Value::Null).with_metadata(Metadata::default()))
        .idempotency_key("rich-1");
    ok(store.append(batch), "append");
    let events = ok(store.read_all(1, 10), "read_all");
    assert_eq!(events[0].payload, payload);
    assert_eq!(events[0].metadata, metadata);
    assert_eq!(
        (events[0].event_type.as_str(), events[0].schema_version),
        ("Rich", 3)
    );
    assert_eq!(events[0].idempotency_key.as_deref(), Some("rich-1"));
    assert_eq!(events[1].payload, serde_json::Value::Null);
    assert_eq!(events[1].metadata, Metadata::default());
}

/// `event_types` lists every stored `(type, version)` pair once, sorted.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::event_types_lists_each_stored_pair_once(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn event_types_lists_each_stored_pair_once(store: &dyn EventStore) {
    let batch = Append::new("a", ExpectedVersion::Any).events([
        NewEvent::new("B", 1, json!(1)),
        NewEvent::new("A", 2, json!(1)),
        NewEvent::new("B", 1, json!(2)),
        NewEvent::new("A", 1, json!(3)),
    ]);
    ok(store.append(batch), "append");
    assert_eq!(
        ok(store.event_types(), "event_types"),
        [
            ("A".to_owned(), 1),
            ("A".to_owned(), 2),
            ("B".to_owned(), 1)
        ]
    );
}

/// Saving a snapshot replaces the stream's previous one; streams do not share snapshots.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::the_latest_snapshot_replaces_older_ones(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn the_latest_snapshot_replaces_older_ones(store: &dyn EventStore) {
    let snapshot = |stream: &str, version| StreamSnapshot {
        stream: stream.to_owned(),
        version,
        state_version: 1,
        event_hash: EventHash([version as u8; 32]),
        state: json!({ "at": version }),
        taken_at_ms: 5,
    };
    assert_eq!(ok(store.load_snapshot("a"), "load"), None);
    ok(store.save_snapshot(&snapshot("a", 10)), "save");
    ok(store.save_snapshot(&snapshot("a", 20)), "save");
    ok(store.save_snapshot(&snapshot("b", 5)), "save");
    assert_eq!(
        ok(store.load_snapshot("a"), "load"),
        Some(snapshot("a", 20))
    );
    assert_eq!(ok(store.load_snapshot("b"), "load"), Some(snapshot("b", 5)));
}

/// Checkpoints are stored per name; the last save wins.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::checkpoints_round_trip(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn checkpoints_round_trip(store: &dyn EventStore) {
    assert_eq!(ok(store.load_checkpoint("p"), "load"), None);
    ok(store.save_checkpoint("p", 3), "save");
    ok(store.save_checkpoint("p", 7), "save");
    ok(store.save_checkpoint("q", 1), "save");
    assert_eq!(ok(store.load_checkpoint("p"), "load"), Some(7));
    assert_eq!(ok(store.load_checkpoint("q"), "load"), Some(1));
}

/// Every event carries its predecessor's hash and a hash of its own content; the chain
/// verifies.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::the_chain_links_every_event_to_the_previous_one(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn the_chain_links_every_event_to_the_previous_one(store: &dyn EventStore) {
    append(store, "a", &[1, 2]);
    append(store, "b", &[3]);
    let events = ok(store.read_all(1, 10), "read_all");
    assert!(events[0].prev_hash.is_genesis());
    for pair in events.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash, "broken link");
    }
    assert!(events.iter().all(|e| e.computed_hash() == e.hash));
    let report = ok(verify_chain(store), "verify_chain");
    assert_eq!(report.events, 3);
    assert_eq!(report.head, events[2].hash);
}

/// Compaction archives the stream's old events, replaces them by stubs (skipped by reads,
/// listed by `read_log`), keeps the chain verifiable and the idempotency keys effective.
///
/// # Panics
///
/// If the backend breaks the rule.
///
/// ```
/// reactive_sourcing::conformance::compaction_archives_and_keeps_the_chain_whole(
///     &reactive_sourcing::MemoryStore::new(),
/// );
/// ```
pub fn compaction_archives_and_keeps_the_chain_whole(store: &dyn EventStore) {
    let scratch = ScratchFile::new("archive");
    let archive_path = scratch.0.clone();
    let keyed = || {
        Append::new("a", ExpectedVersion::Any)
            .events([event(1), event(2)])
            .idempotency_key("first")
    };
    ok(store.append(keyed()), "append");
    append(store, "b", &[100]);
    append(store, "a", &[3, 4]);
    let mut archive = ok(ArchiveWriter::open(&archive_path), "archive");
    assert!(
        matches!(
            store.compact("a", 9, &mut archive),
            Err(EventStoreError::InvalidInput { .. })
        ),
        "compacting past the stream's end must be refused"
    );
    let done = ok(store.compact("a", 3, &mut archive), "compact");
    assert_eq!((done.archived, done.stubbed), (3, 3));
    assert_eq!(ok(store.compacted_through("a"), "compacted_through"), 3);
    assert_eq!(ok(store.compacted_through("b"), "compacted_through"), 0);
    assert_eq!(numbers(&ok(store.read_stream("a", 1, 10), "read")), [4]);
    assert_eq!(numbers(&ok(store.read_all(1, 10), "read")), [100, 4]);
    let log = ok(store.read_log(1, 10), "read_log");
    let kinds: Vec<bool> = log
        .iter()
        .map(|entry| matches!(entry, LogEntry::Compacted(_)))
        .collect();
    assert_eq!(kinds, [true, true, false, true, false]);
    assert_eq!(ok(store.stream_version("a"), "version"), 4);
    let report = ok(verify_chain(store), "verify_chain");
    assert_eq!((report.events, report.compacted), (2, 3));
    assert_eq!(
        ok(verify_archive(store, &archive_path), "verify_archive"),
        3
    );
    assert_eq!(
        numbers(&ok(read_archive(&archive_path), "read_archive")),
        [1, 2, 3]
    );
    assert!(
        ok(store.append(keyed()), "retry after compaction").duplicate,
        "compaction forgot an idempotency key"
    );
    // Compacting again is harmless.
    let again = ok(store.compact("a", 3, &mut archive), "compact again");
    assert_eq!((again.archived, again.stubbed), (0, 0));
    let next = Append::new("a", ExpectedVersion::Exact(4)).event(event(5));
    assert_eq!(
        ok(store.append(next), "append after compaction").stream_version,
        5
    );
}
