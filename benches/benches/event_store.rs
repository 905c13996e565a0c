//! Criterion benchmarks of the event stores (reactive-store's `sourcing`): append throughput
//! (single events and batches of 100), read and replay throughput, and loading an aggregate
//! with and without a snapshot — for each backend — plus raw `rusqlite` inserts of the same
//! rows into the same table, the floor the SQLite store's appends are compared with.
//!
//! Ids: `event_store/<case>/<backend>`; e.g. `cargo bench -p benches --bench event_store --
//! append_batch` or `-- sqlite`. Durable appends wait for the disk (`fsync`), so their figures
//! depend on the machine's storage more than on the code.
//!
//! Sizes: events carry a ~60-byte JSON payload and a principal; reads and replays go over a log
//! of 10,000 events; the snapshot case loads a stream of 10,000 events whose snapshot covers
//! all but the last 10.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use reactive_store::sourcing::{
    Aggregate, AllowAll, Append, CommandContext, DomainEvent, EventStore, Events, ExpectedVersion,
    JsonlStore, MemoryStore, Metadata, NewEvent, Projection, RecordedEvent, ReplayTo, Repository,
    Schema, SqliteStore, replay,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
enum Ledger {
    Posted {
        account: u32,
        cents: i64,
        memo: String,
    },
}

impl DomainEvent for Ledger {
    const TYPES: &'static [(&'static str, u32)] = &[("Posted", 1)];
}

struct Book;

impl Aggregate for Book {
    type State = i64;
    type Event = Ledger;
    type Command = i64;
    type Error = String;

    fn apply(balance: &mut i64, event: &Ledger) {
        let Ledger::Posted { cents, .. } = event;
        *balance += cents;
    }

    fn handle(_: &i64, cents: i64) -> Result<Vec<Ledger>, String> {
        Ok(vec![Ledger::Posted {
            account: 7,
            cents,
            memo: "benchmark posting".into(),
        }])
    }
}

#[derive(Default)]
struct Sum(i64);

impl Projection for Sum {
    type Event = Ledger;

    fn apply(&mut self, event: &Ledger, _: &RecordedEvent) {
        let Ledger::Posted { cents, .. } = event;
        self.0 += cents;
    }
}

fn event(n: u64) -> NewEvent {
    let posting = Ledger::Posted {
        account: (n % 100) as u32,
        cents: (n % 1_000) as i64,
        memo: "benchmark posting".into(),
    };
    NewEvent::from_domain(&posting)
        .expect("encode")
        .with_metadata(Metadata::now().principal("bench"))
}

fn batch(size: u64) -> Append {
    Append::new("ledger", ExpectedVersion::Any).events((0..size).map(event))
}

/// The backends, each in a fresh file under `directory`.
fn backends(directory: &Path, tag: &str) -> Vec<(&'static str, Box<dyn EventStore>)> {
    vec![
        (
            "memory",
            Box::new(MemoryStore::new()) as Box<dyn EventStore>,
        ),
        (
            "jsonl",
            Box::new(JsonlStore::open(directory.join(format!("{tag}.jsonl"))).expect("open")),
        ),
        (
            "sqlite",
            Box::new(SqliteStore::open(directory.join(format!("{tag}.sqlite"))).expect("open")),
        ),
    ]
}

/// Raw rusqlite: the SQLite store's `events` table and index, WAL, `synchronous=FULL`, and
/// pre-built rows (payload text, metadata, hashes) inserted in one transaction per batch.
struct RawSqlite {
    connection: rusqlite::Connection,
    next: i64,
    rows: Vec<RawRow>,
}

struct RawRow {
    payload: String,
    timestamp_ms: i64,
    principal: String,
    hash: [u8; 32],
}

impl RawSqlite {
    fn open(path: &Path, batch: u64) -> Self {
        let connection = rusqlite::Connection::open(path).expect("open");
        connection
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get::<_, String>(0))
            .expect("WAL");
        connection
            .pragma_update(None, "synchronous", "FULL")
            .expect("synchronous");
        connection
            .execute_batch(
                "CREATE TABLE events (
                    sequence INTEGER PRIMARY KEY, stream TEXT NOT NULL, version INTEGER NOT NULL,
                    event_type TEXT NOT NULL, schema_version INTEGER NOT NULL, payload TEXT,
                    timestamp_ms INTEGER NOT NULL, principal TEXT, causation_id TEXT,
                    correlation_id TEXT, idempotency_key TEXT, prev_hash BLOB NOT NULL,
                    hash BLOB NOT NULL, compacted INTEGER NOT NULL DEFAULT 0);
                 CREATE UNIQUE INDEX events_by_stream ON events (stream, version);",
            )
            .expect("schema");
        let rows = (0..batch)
            .map(|n| {
                let event = event(n);
                RawRow {
                    payload: serde_json::to_string(&event.payload).expect("payload"),
                    timestamp_ms: event.metadata.timestamp_ms as i64,
                    principal: "bench".into(),
                    hash: [n as u8; 32],
                }
            })
            .collect();
        RawSqlite {
            connection,
            next: 1,
            rows,
        }
    }

    fn insert_batch(&mut self) {
        let transaction = self
            .connection
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .expect("begin");
        {
            let mut statement = transaction
                .prepare_cached(
                    "INSERT INTO events (sequence, stream, version, event_type, schema_version, \
                     payload, timestamp_ms, principal, causation_id, correlation_id, \
                     idempotency_key, prev_hash, hash) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                )
                .expect("prepare");
            for row in &self.rows {
                statement
                    .execute(rusqlite::params![
                        self.next,
                        "ledger",
                        self.next,
                        "Posted",
                        1,
                        row.payload,
                        row.timestamp_ms,
                        row.principal,
                        None::<String>,
                        None::<String>,
                        None::<String>,
                        &row.hash[..],
                        &row.hash[..],
                    ])
                    .expect("insert");
                self.next += 1;
            }
        }
        transaction.commit().expect("commit");
    }
}

fn appends(criterion: &mut Criterion) {
    let directory = tempfile::tempdir().expect("temporary directory");
    for size in [1u64, 100] {
        let name = if size == 1 {
            "append_single"
        } else {
            "append_batch100"
        };
        let mut group = criterion.benchmark_group(format!("event_store/{name}"));
        group.throughput(Throughput::Elements(size));
        group.sample_size(20);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(4));
        for (backend, store) in backends(directory.path(), name) {
            group.bench_function(BenchmarkId::from_parameter(backend), |bencher| {
                bencher.iter_batched(
                    || batch(size),
                    |batch| black_box(store.append(batch).expect("append")),
                    BatchSize::SmallInput,
                );
            });
        }
        let mut raw = RawSqlite::open(&directory.path().join(format!("{name}-raw.sqlite")), size);
        group.bench_function(BenchmarkId::from_parameter("raw_rusqlite"), |bencher| {
            bencher.iter(|| raw.insert_batch());
        });
        group.finish();
    }
    sqlite_against_raw_in_memory_files(criterion);
}

/// The same SQLite comparison on a RAM-backed file system (`/dev/shm`, where `fsync` costs
/// next to nothing): what is left is the CPU cost of each side, so the store's own overhead
/// (version check, hashing, serialising) shows instead of the disk's latency.
fn sqlite_against_raw_in_memory_files(criterion: &mut Criterion) {
    let Ok(directory) = tempfile::tempdir_in("/dev/shm") else {
        eprintln!("no /dev/shm: skipping the RAM-backed SQLite comparison");
        return;
    };
    for size in [1u64, 100] {
        let mut group = criterion.benchmark_group(format!("event_store/ram_append_{size}"));
        group.throughput(Throughput::Elements(size));
        group.sample_size(30);
        let store =
            SqliteStore::open(directory.path().join(format!("store-{size}.sqlite"))).expect("open");
        group.bench_function(BenchmarkId::from_parameter("sqlite"), |bencher| {
            bencher.iter_batched(
                || batch(size),
                |batch| black_box(store.append(batch).expect("append")),
                BatchSize::SmallInput,
            );
        });
        let mut raw = RawSqlite::open(&directory.path().join(format!("raw-{size}.sqlite")), size);
        group.bench_function(BenchmarkId::from_parameter("raw_rusqlite"), |bencher| {
            bencher.iter(|| raw.insert_batch());
        });
        group.finish();
    }
}

const LOG: u64 = 10_000;

fn filled(directory: &Path, tag: &str) -> Vec<(&'static str, Box<dyn EventStore>)> {
    let stores = backends(directory, tag);
    for (_, store) in &stores {
        for _ in 0..LOG / 1_000 {
            store.append(batch(1_000)).expect("fill");
        }
    }
    stores
}

fn reads_and_replays(criterion: &mut Criterion) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let stores = filled(directory.path(), "read");
    let schema = Schema::new();
    let mut group = criterion.benchmark_group("event_store/read_all");
    group.throughput(Throughput::Elements(LOG));
    group.sample_size(20);
    for (backend, store) in &stores {
        group.bench_function(BenchmarkId::from_parameter(backend), |bencher| {
            bencher.iter(|| {
                let mut count = 0u64;
                for event in Events::all(&**store, 1) {
                    black_box(event.expect("read"));
                    count += 1;
                }
                assert_eq!(count, LOG);
            });
        });
    }
    group.finish();
    let mut group = criterion.benchmark_group("event_store/replay");
    group.throughput(Throughput::Elements(LOG));
    group.sample_size(20);
    for (backend, store) in &stores {
        group.bench_function(BenchmarkId::from_parameter(backend), |bencher| {
            bencher.iter(|| {
                let mut sum = Sum::default();
                replay(&**store, &schema, &mut sum, ReplayTo::End, &AllowAll).expect("replay");
                black_box(sum.0)
            });
        });
    }
    group.finish();
}

fn load_and_dispose(repository: &Repository<Box<dyn EventStore>>) -> i64 {
    let book = repository.load::<Book>("ledger").expect("load");
    let balance = book.state().get_untracked();
    book.dispose();
    black_box(balance)
}

fn loading(criterion: &mut Criterion) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let mut group = criterion.benchmark_group("event_store/load");
    group.sample_size(20);
    for (backend, store) in backends(directory.path(), "load") {
        let repository = Repository::new(store, Schema::new());
        for _ in 0..LOG / 1_000 {
            repository.store().append(batch(1_000)).expect("fill");
        }
        let book = repository.load::<Book>("ledger").expect("load");
        // The stream's events are in the log; snapshot all but the last ten.
        group.bench_function(BenchmarkId::new("full_replay", backend), |bencher| {
            bencher.iter(|| load_and_dispose(&repository));
        });
        repository.snapshot(&book).expect("snapshot");
        for cents in 0..10 {
            repository
                .execute(&book, cents, &CommandContext::new())
                .expect("execute");
        }
        group.bench_function(BenchmarkId::new("from_snapshot", backend), |bencher| {
            bencher.iter(|| load_and_dispose(&repository));
        });
    }
    group.finish();
}

criterion_group!(benches, appends, reads_and_replays, loading);
criterion_main!(benches);
