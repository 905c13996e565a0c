//! The Postgres column: the Postgres store in a fresh schema of the server named by
//! `REACTIVE_POSTGRES_URL`, and raw inserts of the same rows into the same table, on the same
//! server, the floor its appends are compared with (as raw `rusqlite` is SQLite's).
//!
//! Each store and each raw table gets a schema of its own, `reactive_bench_<tag>`, dropped and
//! created afresh when it is opened, so runs start from empty tables and never touch another
//! schema of the database.

use std::sync::Once;

use postgres::types::ToSql;
use postgres::{Client, NoTls, Statement};
use reactive_sourcing::PostgresStore;

use super::{LOG, event};

/// The environment variable naming the server (a `postgresql://` URL or libpq `key=value`
/// pairs), as in reactive-sourcing's own tests.
pub const URL_VARIABLE: &str = "REACTIVE_POSTGRES_URL";

/// The server to measure against, from [`URL_VARIABLE`]; `None` (saying once, on stderr, that
/// the Postgres rows are skipped) when it is unset or empty.
pub fn url() -> Option<String> {
    static SKIP: Once = Once::new();
    match std::env::var(URL_VARIABLE) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            SKIP.call_once(|| {
                eprintln!(
                    "event stores: {URL_VARIABLE} is unset, skipping the Postgres rows (start a \
                     server with `.ci/postgres.sh start`)"
                );
            });
            None
        }
    }
}

/// The schema of `tag`: `reactive_bench_` and the tag's letters and digits, lower-cased.
fn schema(tag: &str) -> String {
    let tag: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("reactive_bench_{tag}")
}

/// Connects to `url` and drops the schema `schema` with everything in it.
fn connect_dropping(url: &str, schema: &str) -> Client {
    let mut client = Client::connect(url, NoTls).expect("connect to the Postgres server");
    // `schema` is made of `[a-z0-9_]` by `schema()`: no quoting problem.
    client
        .batch_execute(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .expect("drop the benchmark schema");
    client
}

/// The Postgres store in a fresh schema named after `tag`.
pub fn store(url: &str, tag: &str) -> PostgresStore {
    let schema = schema(tag);
    drop(connect_dropping(url, &schema));
    PostgresStore::connect_schema(url, &schema).expect("open the Postgres store")
}

/// Raw `postgres`: the store's `events` table (columns, primary key, unique `(stream,
/// version)`, the partial type index) in a schema of its own on the same server, and pre-built
/// rows (payload text, metadata, hashes) inserted by one plain `INSERT … VALUES (…), (…), …`
/// statement per batch through the same client (`postgres`), prepared once: one round trip and
/// one commit, as durable as the server is configured. That is the least any store can do to
/// write the rows, so it is the floor of the Postgres store's appends; [`RawPostgres::read_all`]
/// is the floor of its reads.
pub struct RawPostgres {
    client: Client,
    insert: Statement,
    next: i64,
    rows: Vec<Row>,
}

/// One pre-built row: what the insert binds besides its sequence.
struct Row {
    payload: String,
    timestamp_ms: i64,
    principal: String,
    hash: Vec<u8>,
}

/// The parameters of one row in the insert: sequence, payload, time, principal, hash.
const PARAMETERS: usize = 5;

/// The columns [`RawPostgres::read_all`] selects: the store's, in its order.
const COLUMNS: &str = "sequence, stream, version, event_type, schema_version, payload, \
                       timestamp_ms, principal, causation_id, correlation_id, idempotency_key, \
                       prev_hash, hash, compacted";

impl RawPostgres {
    /// A fresh table in the schema of `raw_<tag>` on `url` whose
    /// [`insert_batch`](Self::insert_batch) inserts `batch` rows.
    pub fn open(url: &str, tag: &str, batch: u64) -> Self {
        let schema = schema(&format!("raw_{tag}"));
        let mut client = connect_dropping(url, &schema);
        client
            .batch_execute(&format!(
                "CREATE SCHEMA \"{schema}\";
                 SET search_path TO \"{schema}\";
                 CREATE TABLE events (
                     sequence bigint PRIMARY KEY, stream text NOT NULL, version bigint NOT NULL,
                     event_type text NOT NULL, schema_version bigint NOT NULL, payload text,
                     timestamp_ms bigint NOT NULL, principal text, causation_id text,
                     correlation_id text, idempotency_key text, prev_hash bytea NOT NULL,
                     hash bytea NOT NULL, compacted boolean NOT NULL DEFAULT false,
                     CONSTRAINT events_stream_version UNIQUE (stream, version));
                 CREATE INDEX events_by_type ON events (event_type, schema_version)
                     WHERE NOT compacted;"
            ))
            .expect("create the raw table");
        let values: Vec<String> = (0..batch as usize)
            .map(|row| {
                let p = row * PARAMETERS;
                format!(
                    "(${s}, 'ledger', ${s}, 'Posted', 1, ${payload}, ${time}, ${principal}, \
                     ${hash}, ${hash})",
                    s = p + 1,
                    payload = p + 2,
                    time = p + 3,
                    principal = p + 4,
                    hash = p + 5,
                )
            })
            .collect();
        let insert = client
            .prepare(&format!(
                "INSERT INTO events (sequence, stream, version, event_type, schema_version, \
                 payload, timestamp_ms, principal, prev_hash, hash) VALUES {}",
                values.join(", ")
            ))
            .expect("prepare the raw insert");
        let rows = (0..batch)
            .map(|n| {
                let event = event(n);
                Row {
                    payload: serde_json::to_string(&event.payload).expect("payload"),
                    timestamp_ms: event.metadata.timestamp_ms as i64,
                    principal: "bench".into(),
                    hash: vec![n as u8; 32],
                }
            })
            .collect();
        RawPostgres {
            client,
            insert,
            next: 1,
            rows,
        }
    }

    /// Inserts the batch: one statement, committed on its own.
    pub fn insert_batch(&mut self) {
        let sequences: Vec<i64> = (self.next..).take(self.rows.len()).collect();
        let mut parameters: Vec<&(dyn ToSql + Sync)> =
            Vec::with_capacity(self.rows.len() * PARAMETERS);
        for (row, sequence) in self.rows.iter().zip(&sequences) {
            parameters.extend([
                sequence as &(dyn ToSql + Sync),
                &row.payload,
                &row.timestamp_ms,
                &row.principal,
                &row.hash,
            ]);
        }
        let inserted = self
            .client
            .execute(&self.insert, &parameters)
            .expect("insert");
        assert_eq!(inserted, self.rows.len() as u64, "every row inserted");
        self.next += self.rows.len() as i64;
    }

    /// Reads every row back, in sequence order, as the store reads (the same columns, each
    /// decoded to an owned value) but in one plain `SELECT` and without checking hashes;
    /// returns how many rows there were.
    pub fn read_all(&mut self) -> u64 {
        let rows = self
            .client
            .query(
                &format!("SELECT {COLUMNS} FROM events ORDER BY sequence"),
                &[],
            )
            .expect("select");
        let mut count = 0;
        for row in &rows {
            let decoded = (
                row.get::<_, i64>(0),
                row.get::<_, String>(1),
                row.get::<_, i64>(2),
                row.get::<_, String>(3),
                row.get::<_, i64>(4),
                row.get::<_, Option<String>>(5),
                row.get::<_, i64>(6),
                row.get::<_, Option<String>>(7),
                row.get::<_, Option<String>>(8),
                row.get::<_, Option<String>>(9),
                row.get::<_, Option<String>>(10),
                row.get::<_, Vec<u8>>(11),
                row.get::<_, Vec<u8>>(12),
                row.get::<_, bool>(13),
            );
            std::hint::black_box(decoded);
            count += 1;
        }
        count
    }

    /// A fresh raw table named after `tag` holding [`LOG`] rows, inserted in batches of 1,000
    /// as [`filled`](super::filled) appends them to the stores: the rows
    /// [`read_all`](Self::read_all) reads against the store's reads.
    pub fn filled(url: &str, tag: &str) -> Self {
        let mut raw = RawPostgres::open(url, tag, 1_000);
        for _ in 0..LOG / 1_000 {
            raw.insert_batch();
        }
        raw
    }

    /// Rows inserted so far.
    pub fn rows(&mut self) -> i64 {
        self.client
            .query_one("SELECT count(*) FROM events", &[])
            .expect("count")
            .get(0)
    }
}
