//! The event-store workload (reactive-sourcing), shared by the criterion target
//! `benches/event_store.rs` and the report binary: a ledger aggregate, its events, the
//! backends in fresh files (and the Postgres store in a fresh schema when
//! `REACTIVE_POSTGRES_URL` names a server), and raw inserts of the same rows into the same
//! table, `rusqlite` for SQLite and [`RawPostgres`] on the same server for Postgres: the floors
//! the stores' appends are compared with.
//!
//! Events carry a ~60-byte JSON payload and a principal; reads and replays go over a log of
//! [`LOG`] events.
//!
//! # Example
//! ```
//! use benches::event_store::{backends, batch, replay_sum};
//! use reactive_sourcing::EventStore;
//!
//! let directory = tempfile::tempdir().unwrap();
//! for (name, store) in backends(directory.path(), "doc") {
//!     store.append(batch(100)).unwrap();
//!     assert_eq!(replay_sum(&*store), (0..100).sum::<i64>(), "{name}");
//! }
//! ```

use std::path::Path;

use reactive_sourcing::{
    Aggregate, AllowAll, Append, CommandContext, DomainEvent, EventStore, Events, ExpectedVersion,
    JsonlStore, MemoryStore, Metadata, NewEvent, Projection, RecordedEvent, ReplayTo, Repository,
    Schema, SqliteStore, replay,
};
use serde::{Deserialize, Serialize};

mod postgres;

pub use postgres::{RawPostgres, URL_VARIABLE, url as postgres_url};

/// Events in the log that reads, replays and loads go over.
pub const LOG: u64 = 10_000;

/// The one event type of the workload.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Ledger {
    /// An amount posted to an account.
    Posted {
        /// The account.
        account: u32,
        /// The amount.
        cents: i64,
        /// A short text, so the payload is realistic.
        memo: String,
    },
}

impl DomainEvent for Ledger {
    const TYPES: &'static [(&'static str, u32)] = &[("Posted", 1)];
}

/// The aggregate: a balance, the sum of its postings.
pub struct Book;

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

/// A pure projection: the sum of every posting.
#[derive(Default)]
pub struct Sum(pub i64);

impl Projection for Sum {
    type Event = Ledger;

    fn apply(&mut self, event: &Ledger, _: &RecordedEvent) {
        let Ledger::Posted { cents, .. } = event;
        self.0 += cents;
    }
}

/// The `n`th event: `n % 1000` cents to account `n % 100`, by principal `bench`.
pub fn event(n: u64) -> NewEvent {
    let posting = Ledger::Posted {
        account: (n % 100) as u32,
        cents: (n % 1_000) as i64,
        memo: "benchmark posting".into(),
    };
    NewEvent::from_domain(&posting)
        .expect("encode")
        .with_metadata(Metadata::now().principal("bench"))
}

/// An append of events `0..size` to the stream `ledger`, at any version.
pub fn batch(size: u64) -> Append {
    Append::new("ledger", ExpectedVersion::Any).events((0..size).map(event))
}

/// The backends, each in a fresh file under `directory` named after `tag`, and Postgres in a
/// fresh schema named after `tag` when [`postgres_url`] gives a server.
pub fn backends(directory: &Path, tag: &str) -> Vec<(&'static str, Box<dyn EventStore>)> {
    let mut stores: Vec<(&'static str, Box<dyn EventStore>)> = vec![
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
    ];
    if let Some(url) = postgres_url() {
        stores.push(("postgres", Box::new(postgres::store(&url, tag))));
    }
    stores
}

/// The backends of [`backends`], each holding [`LOG`] events appended in batches of 1,000.
pub fn filled(directory: &Path, tag: &str) -> Vec<(&'static str, Box<dyn EventStore>)> {
    let stores = backends(directory, tag);
    for (_, store) in &stores {
        fill(&**store);
    }
    stores
}

/// Appends [`LOG`] events to `store` in batches of 1,000.
pub fn fill(store: &dyn EventStore) {
    for _ in 0..LOG / 1_000 {
        store.append(batch(1_000)).expect("fill");
    }
}

/// Replays the whole log of `store` into [`Sum`] (side effects off, every policy allowing).
pub fn replay_sum(store: &dyn EventStore) -> i64 {
    let mut sum = Sum::default();
    replay(store, &Schema::new(), &mut sum, ReplayTo::End, &AllowAll).expect("replay");
    sum.0
}

/// The sum [`replay_sum`] gives over a log filled by [`fill`].
pub fn filled_sum() -> i64 {
    (LOG / 1_000) as i64 * (0..1_000).sum::<i64>()
}

/// Raw rusqlite: the SQLite store's `events` table and index, WAL, `synchronous=FULL`, and
/// pre-built rows (payload text, metadata, hashes) inserted in one transaction per batch.
pub struct RawSqlite {
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
    /// A fresh database at `path` whose [`insert_batch`](Self::insert_batch) inserts `batch`
    /// rows.
    pub fn open(path: &Path, batch: u64) -> Self {
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

    /// Inserts the batch in one immediate transaction.
    pub fn insert_batch(&mut self) {
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

    /// Rows inserted so far.
    pub fn rows(&self) -> i64 {
        self.connection
            .query_row("SELECT count(*) FROM events", [], |row| row.get(0))
            .expect("count")
    }
}

/// Checks the workload end to end in `directory`, panicking on the first wrong result: each
/// filled backend replays to [`filled_sum`], reads back [`LOG`] events, loads that balance,
/// and loads it again from a snapshot after one more command; raw inserts (rusqlite, and
/// Postgres when there is a server) add their rows.
/// The report's `--check` and this module's tests run it.
pub fn check_workload(directory: &Path) {
    for (name, store) in filled(directory, "check") {
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
        repository.snapshot(&book).expect("snapshot");
        repository
            .execute(&book, 5, &CommandContext::new())
            .expect("execute");
        book.dispose();
        let again = repository.load::<Book>("ledger").expect("load");
        assert_eq!(
            again.state().get_untracked(),
            filled_sum() + 5,
            "{name}: balance loaded from the snapshot"
        );
        again.dispose();
    }
    let mut raw = RawSqlite::open(&directory.join("raw.sqlite"), 100);
    raw.insert_batch();
    raw.insert_batch();
    assert_eq!(raw.rows(), 200, "raw rusqlite rows");
    if let Some(url) = postgres_url() {
        let mut raw = RawPostgres::open(&url, "check", 100);
        raw.insert_batch();
        raw.insert_batch();
        assert_eq!(raw.rows(), 200, "raw Postgres rows");
        assert_eq!(raw.read_all(), 200, "raw Postgres rows read back");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_workload_gives_the_expected_sums_counts_and_balances_on_every_backend() {
        let directory = tempfile::tempdir().unwrap();
        super::check_workload(directory.path());
    }
}
