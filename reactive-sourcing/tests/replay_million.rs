//! Replaying 1,000,000 events in bounded memory.
//!
//! Bounded by construction — replays read the log in pages — and measured here: this binary
//! counts every heap allocation (`stats_alloc`) and checks that the bytes alive during the
//! replay never exceed a small multiple of one page, while the log itself is hundreds of
//! megabytes of events.

use std::alloc::System;

use reactive_sourcing::{
    AllowAll, Append, DomainEvent, EventStore, ExpectedVersion, NewEvent, Projection,
    RecordedEvent, ReplayTo, Schema, replay,
};
use serde::{Deserialize, Serialize};
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[cfg(not(feature = "sqlite"))]
use reactive_sourcing::MemoryStore;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const EVENTS: u64 = 1_000_000;
const STREAMS: u64 = 10;
const BATCH: u64 = 10_000;

#[derive(Debug, Serialize, Deserialize)]
enum Reading {
    Measured { sensor: u64, value: i64 },
}

impl DomainEvent for Reading {
    const TYPES: &'static [(&'static str, u32)] = &[("Measured", 1)];
}

/// Bytes currently allocated on the heap.
fn live_bytes() -> i64 {
    let stats = GLOBAL.stats();
    stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
}

/// Sums the readings and keeps track of the heap while doing so.
struct Sum {
    events: u64,
    total: i64,
    baseline: i64,
    peak_above_baseline: i64,
}

impl Projection for Sum {
    type Event = Reading;

    fn apply(&mut self, event: &Reading, record: &RecordedEvent) {
        let Reading::Measured { sensor, value } = event;
        assert_eq!(*sensor, record.version % STREAMS);
        self.events += 1;
        self.total += value;
        if self.events.is_multiple_of(1_000) {
            self.peak_above_baseline = self.peak_above_baseline.max(live_bytes() - self.baseline);
        }
    }
}

fn fill(store: &dyn EventStore) {
    let mut sequence = 0;
    while sequence < EVENTS {
        // One stream per batch, round robin, so the log interleaves many streams.
        let stream = format!("sensor-{}", (sequence / BATCH) % STREAMS);
        let events = (0..BATCH).map(|i| {
            let version = store_version_hint(sequence, i);
            NewEvent::from_domain(&Reading::Measured {
                sensor: version % STREAMS,
                value: ((sequence + i) % 7) as i64,
            })
            .expect("encode")
        });
        store
            .append(Append::new(stream, ExpectedVersion::Any).events(events))
            .expect("append");
        sequence += BATCH;
    }
}

/// The version the `i`-th event of the batch starting at `sequence` will get: each stream
/// receives one batch per round of `STREAMS` batches.
fn store_version_hint(sequence: u64, i: u64) -> u64 {
    let round = sequence / (BATCH * STREAMS);
    round * BATCH + i + 1
}

fn expected_total(events: u64) -> i64 {
    (0..events).map(|n| (n % 7) as i64).sum()
}

fn replay_a_million(store: &dyn EventStore) {
    fill(store);
    assert_eq!(store.head().expect("head"), EVENTS);

    let mut sum = Sum {
        events: 0,
        total: 0,
        baseline: live_bytes(),
        peak_above_baseline: 0,
    };
    let report = replay(store, &Schema::new(), &mut sum, ReplayTo::End, &AllowAll).expect("replay");
    assert_eq!(report.applied, EVENTS);
    assert_eq!(sum.events, EVENTS);
    assert_eq!(sum.total, expected_total(EVENTS));
    eprintln!(
        "replayed {EVENTS} events; heap above baseline peaked at {} KiB",
        sum.peak_above_baseline / 1024
    );
    // One page of 512 events is well under a megabyte; the whole log decoded would be several
    // hundred megabytes.
    assert!(
        sum.peak_above_baseline < 8 << 20,
        "the replay held {} bytes",
        sum.peak_above_baseline
    );

    // Time travel to the middle: the same bound, the same answer as a prefix.
    let mut half = Sum {
        events: 0,
        total: 0,
        baseline: live_bytes(),
        peak_above_baseline: 0,
    };
    replay(
        store,
        &Schema::new(),
        &mut half,
        ReplayTo::Sequence(EVENTS / 2),
        &AllowAll,
    )
    .expect("replay to the middle");
    assert_eq!(half.events, EVENTS / 2);
    assert_eq!(half.total, expected_total(EVENTS / 2));
}

/// One test only: the allocation counters are global, so a second test running in parallel
/// would blur the measurement.
#[test]
fn a_million_events_replay_in_bounded_memory() {
    #[cfg(feature = "sqlite")]
    {
        let directory = tempfile::tempdir().expect("temporary directory");
        let store =
            reactive_sourcing::SqliteStore::open(directory.path().join("m.sqlite")).expect("open");
        replay_a_million(&store);
    }
    // Without SQLite, the memory store: it holds the log itself (that is what it is for), but
    // the replay over it is paged all the same.
    #[cfg(not(feature = "sqlite"))]
    replay_a_million(&MemoryStore::new());
}
