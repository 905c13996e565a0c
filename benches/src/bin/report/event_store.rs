//! The event stores (reactive-store's `sourcing`): appends, reads, replays and loads on each
//! backend, and the SQLite store's appends against raw `rusqlite` inserts of the same rows.
//!
//! The store and raw rusqlite are timed one after the other, not sample by sample in turn: the
//! bundled SQLite is built with `SQLITE_ENABLE_MEMORY_MANAGEMENT`, so all connections of a
//! process draw their page caches from one pool, and two databases written in turn evict each
//! other's pages (whichever has the larger working set then reads its B-tree back from the
//! file on every append), which measures the pool, not the store.
//!
//! The workload is `benches::event_store`, the same as the criterion target's.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use benches::event_store::{
    Book, LOG, RawSqlite, backends, batch, fill, filled, filled_sum, replay_sum,
};
use benches::harness::median;
use reactive_store::sourcing::{
    CommandContext, EventStore, Events, Repository, Schema, SqliteStore,
};

/// The columns of the table, in order.
pub const BACKENDS: [&str; 4] = ["memory", "jsonl", "sqlite", "raw rusqlite"];

/// One case: a median time per operation for each backend that runs it.
pub struct StoreRow {
    /// What one operation is.
    pub case: &'static str,
    /// Median nanoseconds per operation, by [`BACKENDS`] column (`None`: not run).
    pub median_ns: [Option<f64>; 4],
}

impl StoreRow {
    /// The SQLite store's time over raw rusqlite's, when both ran.
    pub fn sqlite_over_raw(&self) -> Option<f64> {
        Some(self.median_ns[2]? / self.median_ns[3]?)
    }
}

/// What was measured, and where the files were.
pub struct StoreReport {
    /// One row per case.
    pub rows: Vec<StoreRow>,
    /// Why the RAM-backed comparison is missing, if it is.
    pub ram_note: Option<String>,
}

/// How many samples to take, and for how long at most.
#[derive(Clone, Copy)]
struct Budget {
    samples: usize,
    per_cell: Duration,
}

/// Timed work: runs `n` operations and returns how long they took (untimed preparation, such
/// as building the events to append, is left out).
type Work<'a> = &'a mut dyn FnMut(u64) -> Duration;

/// `op` as [`Work`], all of it timed.
fn timed(mut op: impl FnMut()) -> impl FnMut(u64) -> Duration {
    move |n| {
        let start = Instant::now();
        for _ in 0..n {
            op();
        }
        start.elapsed()
    }
}

/// Appends to `store` as [`Work`]: the batches are built first, untimed.
fn appending(store: &dyn EventStore, size: u64) -> impl FnMut(u64) -> Duration + '_ {
    move |n| {
        let batches: Vec<_> = (0..n).map(|_| batch(size)).collect();
        let start = Instant::now();
        for batch in batches {
            black_box(store.append(batch).expect("append"));
        }
        start.elapsed()
    }
}

/// The shortest sample. Long enough that the WAL checkpoints a SQLite database runs every few
/// hundred commits (which both the store and raw rusqlite pay) fall into every sample, as they
/// do in sustained throughput, rather than into an outlier the median drops.
const SAMPLE: Duration = Duration::from_millis(20);

/// How many operations make a sample of at least [`SAMPLE`] (at least one).
fn calibrate(work: Work) -> u64 {
    let mut ops = 1u64;
    while work(ops) < SAMPLE && ops < 1 << 20 {
        ops *= 2;
    }
    ops
}

fn sample(work: Work, ops: u64) -> f64 {
    work(ops).as_nanos() as f64 / ops as f64
}

/// The median time of one operation of `work`.
fn time(budget: Budget, work: Work) -> f64 {
    let ops = calibrate(work);
    let started = Instant::now();
    let mut samples = Vec::with_capacity(budget.samples);
    while samples.len() < budget.samples
        && (samples.len() < 3 || started.elapsed() < budget.per_cell)
    {
        samples.push(sample(work, ops));
    }
    median(&samples)
}

/// Appends of `size` events to each backend in `directory`, and raw inserts beside SQLite's.
fn appends(directory: &Path, size: u64, budget: Budget, ram: bool) -> StoreRow {
    let case = match (size, ram) {
        (1, false) => "append one event",
        (_, false) => "append a batch of 100",
        (1, true) => "append one event, RAM-backed files",
        (_, true) => "append a batch of 100, RAM-backed files",
    };
    let tag = format!("append-{size}");
    let mut median_ns = [None; 4];
    let stores: Vec<(&str, Box<dyn EventStore>)> = if ram {
        let sqlite = SqliteStore::open(directory.join(format!("{tag}.sqlite"))).expect("open");
        vec![("sqlite", Box::new(sqlite))]
    } else {
        backends(directory, &tag)
    };
    let mut raw = RawSqlite::open(&directory.join(format!("{tag}-raw.sqlite")), size);
    for (name, store) in &stores {
        let mut append = appending(&**store, size);
        let column = BACKENDS.iter().position(|b| b == name).expect("a column");
        median_ns[column] = Some(time(budget, &mut append));
    }
    median_ns[3] = Some(time(budget, &mut timed(|| raw.insert_batch())));
    StoreRow { case, median_ns }
}

/// Reads, replays and loads over a log of [`LOG`] events, on each backend.
fn reads(directory: &Path, budget: Budget) -> Vec<StoreRow> {
    let stores = filled(directory, "read");
    let mut read = StoreRow {
        case: "read 10,000 events (verified)",
        median_ns: [None; 4],
    };
    let mut replay = StoreRow {
        case: "replay 10,000 events into a projection",
        median_ns: [None; 4],
    };
    for (column, (_, store)) in stores.iter().enumerate() {
        read.median_ns[column] = Some(time(
            budget,
            &mut timed(|| {
                let mut count = 0u64;
                for event in Events::all(&**store, 1) {
                    black_box(event.expect("read"));
                    count += 1;
                }
                assert_eq!(count, LOG, "every event is read");
            }),
        ));
        replay.median_ns[column] = Some(time(
            budget,
            &mut timed(|| assert_eq!(black_box(replay_sum(&**store)), filled_sum())),
        ));
    }
    drop(stores);

    let mut full = StoreRow {
        case: "load 10,010 events, no snapshot",
        median_ns: [None; 4],
    };
    let mut snapshot = StoreRow {
        case: "load from a snapshot (10 events after it)",
        median_ns: [None; 4],
    };
    for (column, (_, store)) in backends(directory, "load").into_iter().enumerate() {
        let repository = Repository::new(store, Schema::new());
        fill(&**repository.store());
        let book = repository.load::<Book>("ledger").expect("load");
        for cents in 0..10 {
            repository
                .execute(&book, cents, &CommandContext::new())
                .expect("execute");
        }
        let expected = filled_sum() + 45;
        let load = || {
            let loaded = repository.load::<Book>("ledger").expect("load");
            assert_eq!(black_box(loaded.state().get_untracked()), expected);
            loaded.dispose();
        };
        full.median_ns[column] = Some(time(budget, &mut timed(load)));
        repository.snapshot(&book).expect("snapshot");
        // Ten more after the snapshot, so loading applies some events.
        for _ in 0..10 {
            repository
                .execute(&book, 0, &CommandContext::new())
                .expect("execute");
        }
        snapshot.median_ns[column] = Some(time(budget, &mut timed(load)));
        book.dispose();
    }
    vec![read, replay, full, snapshot]
}

/// Every event-store case; `quick` takes fewer samples.
pub fn measure_all(quick: bool) -> StoreReport {
    let budget = if quick {
        Budget {
            samples: 5,
            per_cell: Duration::from_millis(500),
        }
    } else {
        Budget {
            samples: 21,
            per_cell: Duration::from_secs(3),
        }
    };
    let directory = tempfile::tempdir().expect("a temporary directory");
    let mut rows = vec![
        appends(directory.path(), 1, budget, false),
        appends(directory.path(), 100, budget, false),
    ];
    let ram_note = match tempfile::tempdir_in("/dev/shm") {
        Ok(ram) => {
            rows.push(appends(ram.path(), 1, budget, true));
            rows.push(appends(ram.path(), 100, budget, true));
            None
        }
        Err(error) => Some(format!("no RAM-backed comparison: /dev/shm: {error}")),
    };
    rows.extend(reads(directory.path(), budget));
    StoreReport { rows, ram_note }
}

/// `--check`: every backend holds, replays and loads what was appended, and raw inserts count.
pub fn check() -> bool {
    let outcome = std::panic::catch_unwind(|| {
        let directory = tempfile::tempdir().expect("a temporary directory");
        for (name, store) in filled(directory.path(), "check") {
            assert_eq!(replay_sum(&*store), filled_sum(), "{name}: replayed sum");
            let count = Events::all(&*store, 1).count() as u64;
            assert_eq!(count, LOG, "{name}: events read");
            let repository = Repository::new(store, Schema::new());
            let book = repository.load::<Book>("ledger").expect("load");
            assert_eq!(
                book.state().get_untracked(),
                filled_sum(),
                "{name}: balance"
            );
            book.dispose();
        }
        let mut raw = RawSqlite::open(&directory.path().join("raw.sqlite"), 100);
        raw.insert_batch();
        assert_eq!(raw.rows(), 100, "raw rusqlite rows");
    });
    match outcome {
        Ok(()) => {
            eprintln!("ok   event stores: memory, jsonl, sqlite, raw rusqlite");
            true
        }
        Err(payload) => {
            let message = crate::timing::panic_message(&*payload);
            eprintln!("FAIL event stores: {message}");
            false
        }
    }
}
