//! The event stores (reactive-sourcing): appends, reads, replays and loads on each
//! backend, the SQLite store's appends against raw `rusqlite` inserts of the same rows, and
//! (when `REACTIVE_POSTGRES_URL` names a server) the Postgres store's against raw inserts of
//! the same rows on the same server.
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
    Book, LOG, RawPostgres, RawSqlite, backends, batch, check_workload, fill, filled, filled_sum,
    postgres_url, replay_sum,
};
use benches::harness::median;
use reactive_sourcing::{CommandContext, EventStore, Events, Repository, Schema, SqliteStore};

/// The columns of the table, in order: the names [`backends`] gives, each store's floor after
/// it.
pub const BACKENDS: [&str; 6] = ["memory", "jsonl", "sqlite", RAW, "postgres", RAW_POSTGRES];

/// The raw rusqlite column.
const RAW: &str = "raw rusqlite";

/// The raw Postgres column.
const RAW_POSTGRES: &str = "raw postgres";

/// The column of `backend` in [`BACKENDS`].
fn column(backend: &str) -> usize {
    BACKENDS
        .iter()
        .position(|name| *name == backend)
        .expect("every backend has a column")
}

/// One case: a median time per operation for each backend that runs it.
pub struct StoreRow {
    /// What one operation is.
    pub case: String,
    /// Median nanoseconds per operation, by [`BACKENDS`] column (`None`: not run).
    pub median_ns: [Option<f64>; BACKENDS.len()],
}

impl StoreRow {
    fn new(case: impl Into<String>) -> Self {
        StoreRow {
            case: case.into(),
            median_ns: [None; BACKENDS.len()],
        }
    }

    /// The SQLite store's time over raw rusqlite's, when both ran.
    pub fn sqlite_over_raw(&self) -> Option<f64> {
        Some(self.median_ns[column("sqlite")]? / self.median_ns[column(RAW)]?)
    }

    /// The Postgres store's time over raw Postgres inserts', when both ran.
    pub fn postgres_over_raw(&self) -> Option<f64> {
        Some(self.median_ns[column("postgres")]? / self.median_ns[column(RAW_POSTGRES)]?)
    }
}

/// What was measured.
pub struct StoreReport {
    /// One row per case.
    pub rows: Vec<StoreRow>,
    /// Why the RAM-backed comparison is missing, if it is.
    pub ram_note: Option<String>,
    /// Why the Postgres columns are empty, if they are.
    pub postgres_note: Option<String>,
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

/// Appends of `size` events to each backend in `directory`, and raw inserts beside SQLite's
/// and Postgres's (not on RAM-backed files: the Postgres server keeps its own files).
fn appends(directory: &Path, size: u64, budget: Budget, ram: bool) -> StoreRow {
    let what = if size == 1 {
        "append one event".to_owned()
    } else {
        format!("append a batch of {size}")
    };
    let mut row = StoreRow::new(if ram {
        format!("{what}, RAM-backed files")
    } else {
        what
    });
    let tag = format!("append-{size}");
    let stores: Vec<(&str, Box<dyn EventStore>)> = if ram {
        let sqlite = SqliteStore::open(directory.join(format!("{tag}.sqlite"))).expect("open");
        vec![("sqlite", Box::new(sqlite))]
    } else {
        backends(directory, &tag)
    };
    let mut raw = RawSqlite::open(&directory.join(format!("{tag}-raw.sqlite")), size);
    for (name, store) in &stores {
        row.median_ns[column(name)] = Some(time(budget, &mut appending(&**store, size)));
    }
    row.median_ns[column(RAW)] = Some(time(budget, &mut timed(|| raw.insert_batch())));
    if !ram && let Some(url) = postgres_url() {
        let mut raw = RawPostgres::open(&url, &tag, size);
        row.median_ns[column(RAW_POSTGRES)] = Some(time(budget, &mut timed(|| raw.insert_batch())));
    }
    row
}

/// Reads, replays and loads over a log of [`LOG`] events, on each backend.
fn reads(directory: &Path, budget: Budget) -> Vec<StoreRow> {
    let stores = filled(directory, "read");
    let mut read = StoreRow::new("read 10,000 events (verified)");
    let mut replay = StoreRow::new("replay 10,000 events into a projection");
    for (name, store) in &stores {
        read.median_ns[column(name)] = Some(time(
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
        replay.median_ns[column(name)] = Some(time(
            budget,
            &mut timed(|| assert_eq!(black_box(replay_sum(&**store)), filled_sum())),
        ));
    }
    drop(stores);
    if let Some(url) = postgres_url() {
        let mut raw = RawPostgres::filled(&url, "read");
        read.median_ns[column(RAW_POSTGRES)] =
            Some(time(budget, &mut timed(|| assert_eq!(raw.read_all(), LOG))));
    }

    let mut full = StoreRow::new("load 10,010 events, no snapshot");
    let mut snapshot = StoreRow::new("load from a snapshot (10 events after it)");
    for (name, store) in backends(directory, "load") {
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
        full.median_ns[column(name)] = Some(time(budget, &mut timed(load)));
        repository.snapshot(&book).expect("snapshot");
        // Ten more after the snapshot, so loading applies some events.
        for _ in 0..10 {
            repository
                .execute(&book, 0, &CommandContext::new())
                .expect("execute");
        }
        snapshot.median_ns[column(name)] = Some(time(budget, &mut timed(load)));
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
    let postgres_note = postgres_url().is_none().then(|| {
        format!(
            "no Postgres columns: {} is unset",
            benches::event_store::URL_VARIABLE
        )
    });
    StoreReport {
        rows,
        ram_note,
        postgres_note,
    }
}

/// `--check`: the workload's own checks ([`check_workload`]), reported like the cases'.
pub fn check() -> bool {
    let outcome = std::panic::catch_unwind(|| {
        let directory = tempfile::tempdir().expect("a temporary directory");
        check_workload(directory.path());
    });
    match outcome {
        Ok(()) => {
            let postgres = if postgres_url().is_some() {
                ", postgres, raw postgres"
            } else {
                ""
            };
            eprintln!("ok   event stores: memory, jsonl, sqlite, raw rusqlite{postgres}");
            true
        }
        Err(payload) => {
            let message = crate::timing::panic_message(&*payload);
            eprintln!("FAIL event stores: {message}");
            false
        }
    }
}
