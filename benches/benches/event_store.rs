//! Criterion benchmarks of the event stores (reactive-sourcing): append throughput
//! (single events and batches of 100), read and replay throughput, and loading an aggregate
//! with and without a snapshot — for each backend — plus raw `rusqlite` inserts of the same
//! rows into the same table, the floor the SQLite store's appends are compared with. With
//! `REACTIVE_POSTGRES_URL` naming a server, the Postgres store joins the backends, and raw
//! inserts of the same rows on that server (`raw_postgres`) are its floor; without it those
//! are skipped, saying so.
//!
//! Ids: `event_store/<case>/<backend>`; e.g. `cargo bench -p benches --bench event_store --
//! append_batch` or `-- sqlite`. Durable appends wait for the disk (`fsync`), so their figures
//! depend on the machine's storage more than on the code.
//!
//! The workload (events, backends, the raw inserts) is `benches::event_store`, which the report
//! binary measures too (its figures are in `RESULTS.md`). Reads and replays go over a log of
//! 10,000 events; the snapshot case loads a stream of 10,000 events whose snapshot covers all
//! but the last 10.

use std::hint::black_box;
use std::time::Duration;

use benches::event_store::{
    Book, LOG, RawPostgres, RawSqlite, Sum, backends, batch, fill, filled, postgres_url,
};
use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use reactive_sourcing::{
    AllowAll, CommandContext, EventStore, Events, ReplayTo, Repository, Schema, SqliteStore, replay,
};

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
        if let Some(url) = postgres_url() {
            let mut raw = RawPostgres::open(&url, name, size);
            group.bench_function(BenchmarkId::from_parameter("raw_postgres"), |bencher| {
                bencher.iter(|| raw.insert_batch());
            });
        }
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
    if let Some(url) = postgres_url() {
        let mut raw = RawPostgres::filled(&url, "read");
        group.bench_function(BenchmarkId::from_parameter("raw_postgres"), |bencher| {
            bencher.iter(|| assert_eq!(raw.read_all(), LOG));
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
        fill(&**repository.store());
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
