//! `PostgresStore`: the event store for more than one machine, on PostgreSQL (feature
//! `postgres`), with catch-up subscriptions woken by `LISTEN/NOTIFY`.

mod connection;
mod migrations;
mod rows;
mod subscription;

use std::sync::{Mutex, MutexGuard};

use postgres::error::SqlState;
use postgres::{Config, NoTls};

use crate::append::{
    AppendBackend, AppendSession, IdempotencyRecord, LogPosition, SealedBatch, append,
};
use crate::error::{EventStoreError, Position};
use crate::event::{Append, Appended, EventHash, LogEntry, RecordedEvent};
use crate::store::{EventStore, StreamSnapshot};
use crate::stored::{entry_columns, only_events, to_i64};
use connection::{Connection, LockedTransaction, connection_lost};
use rows::read_entry;
pub use subscription::PostgresSubscription;

/// The schema [`PostgresStore::connect`] uses.
pub const DEFAULT_SCHEMA: &str = "reactive_sourcing";

/// An event store in a PostgreSQL schema, shared by any number of processes and machines.
///
/// - **Atomic, checked appends.** An append is one transaction. It first takes a
///   transaction-level advisory lock of the schema (`pg_advisory_xact_lock`), so appends run
///   one at a time: each reads the log's head and last hash (the hash chain links every event
///   to the one before it, so sealing a batch needs both), checks the expected version and
///   idempotency key, inserts its events, idempotency record and notification (one
///   statement), and commits, which releases the lock: four round trips in all (five with an
///   idempotency key), each statement prepared once per connection. The unique constraint on `(stream, version)` is the database's own guard on top: a
///   writer that got around the lock (another client, a hand-written `INSERT`) and took a
///   version first makes the append fail with [`EventStoreError::Conflict`], never a fork.
/// - **No gap a reader can see.** Sequence numbers are handed out under that lock and the
///   lock is released only after the commit is visible, so sequence N+1 is written by a
///   transaction that began after N's committed: a reader never sees N+1 without N, and a
///   catch-up reader that has read up to N never has N+1 turn up behind it later.
///   (A `bigserial` would number in start order but commit in any order; readers would then
///   have to stop below the oldest transaction still in flight.)
/// - **Durable** as the server is configured: with `synchronous_commit = on` (PostgreSQL's
///   default) `append` returns once the commit is flushed to the server's WAL.
/// - **Versioned schema.** Opening creates the schema's tables, or upgrades them, by numbered
///   migrations recorded in its `schema_version` table, under an advisory lock so that
///   processes opening together do not race. A schema newer than this code, or one holding
///   another application's tables, is refused before anything changes.
/// - **Verified reads.** Every event read is re-hashed and compared with its stored hash; a
///   damaged row is [`EventStoreError::Corrupt`] naming its sequence.
/// - **Reconnects.** A connection the server dropped (a restart, a failover) is replaced at the
///   next call. A read in flight when it dropped is retried once on the new connection; an
///   append is not (whether it committed is unknown), so it fails with
///   [`EventStoreError::Postgres`]: retry it with the same idempotency key, and a batch that did
///   commit answers as a duplicate instead of being written twice.
///
/// One connection per store, used by one call at a time; open one store per thread for
/// parallel reads. Subscriptions ([`PostgresStore::subscribe`]) use a connection of their own.
///
/// ```no_run
/// use reactive_sourcing::{Append, EventStore, ExpectedVersion, NewEvent, PostgresStore};
/// let store = PostgresStore::connect("host=127.0.0.1 user=postgres dbname=app")?;
/// store.append(Append::new("order-7", ExpectedVersion::NoStream)
///     .event(NewEvent::new("Placed", 1, serde_json::json!({ "total": 12 }))))?;
/// assert_eq!(store.stream_version("order-7")?, 1);
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
pub struct PostgresStore {
    config: Config,
    schema: String,
    /// The advisory lock every append holds (see [`migrations::lock_key`]).
    append_lock: i64,
    /// The channel appends notify.
    channel: String,
    /// `None` until first used, and after the server dropped the connection.
    client: Mutex<Option<Connection>>,
    verify_reads: bool,
}

impl PostgresStore {
    /// Connects to the database `url` (a `postgresql://` URL or `key=value` pairs, as libpq
    /// takes them) and opens the event store in the schema [`DEFAULT_SCHEMA`], creating or
    /// upgrading its tables. The connection is not encrypted: use it on loopback, a private
    /// network or a Unix socket.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::InvalidInput`] for a malformed `url` or a schema that holds another
    /// application's tables, [`EventStoreError::Corrupt`] for a schema newer than this code,
    /// [`EventStoreError::Postgres`] when the server cannot be reached or refuses.
    ///
    /// See [`PostgresStore`] for an example.
    pub fn connect(url: &str) -> Result<Self, EventStoreError> {
        Self::connect_schema(url, DEFAULT_SCHEMA)
    }

    /// Like [`connect`](PostgresStore::connect), in the schema `schema` (created if needed):
    /// one database can hold several independent stores.
    ///
    /// # Errors
    ///
    /// As [`connect`](PostgresStore::connect); also [`EventStoreError::InvalidInput`] when
    /// `schema` is not a plain lower-case identifier (`[a-z_][a-z0-9_]*`, at most 56 bytes,
    /// not starting with `pg_`).
    ///
    /// ```no_run
    /// let tenant = reactive_sourcing::PostgresStore::connect_schema(
    ///     "postgresql://postgres@127.0.0.1/app", "tenant_42")?;
    /// assert_eq!(tenant.schema(), "tenant_42");
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn connect_schema(url: &str, schema: &str) -> Result<Self, EventStoreError> {
        migrations::check_schema_name(schema)?;
        let config: Config = url.parse().map_err(|error| EventStoreError::InvalidInput {
            reason: format!("not a PostgreSQL connection string: {error}"),
        })?;
        let mut client = config.connect(NoTls)?;
        migrations::migrate(&mut client, schema)?;
        let client = Connection::new(client, schema)?;
        Ok(PostgresStore {
            config,
            schema: schema.to_owned(),
            append_lock: migrations::lock_key("append", schema),
            channel: migrations::channel(schema),
            client: Mutex::new(Some(client)),
            verify_reads: true,
        })
    }

    /// Skips re-hashing events on read (faster reads; damage is then only found by
    /// [`verify_chain`](crate::verify_chain)).
    ///
    /// ```no_run
    /// let store = reactive_sourcing::PostgresStore::connect("host=127.0.0.1 user=postgres")?
    ///     .unverified_reads();
    /// # drop(store);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    #[must_use]
    pub fn unverified_reads(mut self) -> Self {
        self.verify_reads = false;
        self
    }

    /// The schema the store's tables are in.
    ///
    /// ```no_run
    /// let store = reactive_sourcing::PostgresStore::connect("host=127.0.0.1 user=postgres")?;
    /// assert_eq!(store.schema(), reactive_sourcing::DEFAULT_SCHEMA);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// The version of the store's tables (the number of the last migration applied).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Postgres`] if the server cannot be asked.
    ///
    /// ```no_run
    /// let store = reactive_sourcing::PostgresStore::connect("host=127.0.0.1 user=postgres")?;
    /// assert!(store.schema_version()? >= 1);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn schema_version(&self) -> Result<u32, EventStoreError> {
        self.read(|client| {
            let version: i32 = client
                .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])?
                .get(0);
            Ok(version.unsigned_abs())
        })
    }

    /// A connection to the server with the store's settings, not yet in its schema.
    fn new_client(&self) -> Result<postgres::Client, EventStoreError> {
        Ok(self.config.connect(NoTls)?)
    }

    fn lock(&self) -> MutexGuard<'_, Option<Connection>> {
        // A panic cannot leave the connection half-updated: every change is a transaction,
        // rolled back when dropped.
        self.client
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `body` on the store's connection, first replacing it if the server dropped it.
    fn with_client<R>(
        &self,
        body: impl FnOnce(&mut Connection) -> Result<R, EventStoreError>,
    ) -> Result<R, EventStoreError> {
        let mut slot = self.lock();
        if slot.as_ref().is_none_or(Connection::is_closed) {
            *slot = None;
            *slot = Some(Connection::new(self.new_client()?, &self.schema)?);
        }
        let Some(client) = slot.as_mut() else {
            unreachable!("the connection was just made")
        };
        let result = body(client);
        if let Err(EventStoreError::Postgres(error)) = &result
            && connection_lost(error)
        {
            // The client may not know yet (an I/O error reaches the caller first): drop it,
            // so the next call connects afresh.
            *slot = None;
        }
        result
    }

    /// Runs a read, retried once on a new connection if the server dropped the old one
    /// during it (a read has no effect, so running it again is safe).
    fn read<R>(
        &self,
        mut body: impl FnMut(&mut Connection) -> Result<R, EventStoreError>,
    ) -> Result<R, EventStoreError> {
        match self.with_client(&mut body) {
            Err(EventStoreError::Postgres(error)) if connection_lost(&error) => {
                self.with_client(body)
            }
            other => other,
        }
    }

    /// Reads log entries with `sql`, selecting `entry_columns!()`: `$1` is the start, `$2` the
    /// limit, `$3` the stream if given.
    fn query_entries(
        &self,
        sql: &'static str,
        start: u64,
        limit: usize,
        stream: Option<&str>,
    ) -> Result<Vec<LogEntry>, EventStoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.read(|client| {
            let rows = match stream {
                Some(stream) => client.query(sql, &[&to_i64(start), &limit, &stream])?,
                None => client.query(sql, &[&to_i64(start), &limit])?,
            };
            rows.iter()
                .map(|row| read_entry(row, self.verify_reads))
                .collect()
        })
    }
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The configuration is left out: it may hold a password.
        f.debug_struct("PostgresStore")
            .field("schema", &self.schema)
            .field("verify_reads", &self.verify_reads)
            .finish_non_exhaustive()
    }
}

impl AppendBackend for PostgresStore {
    /// One transaction holding the schema's append lock (see [`PostgresStore`]). Committed
    /// only if the session wrote; dropping it rolls back.
    fn with_session<R>(
        &self,
        body: impl FnOnce(&mut dyn AppendSession) -> Result<R, EventStoreError>,
    ) -> Result<R, EventStoreError> {
        let outcome = self.with_client(|connection| {
            let mut transaction = connection.begin_locked(self.append_lock)?;
            let mut session = PostgresSession {
                channel: &self.channel,
                transaction: &mut transaction,
                wrote: false,
                raced: None,
            };
            let result = body(&mut session);
            let (wrote, raced) = (session.wrote, session.raced.take());
            if let Some(raced) = raced {
                return Ok(Err(raced));
            }
            let result = result?;
            if wrote {
                transaction.commit()?;
            }
            Ok(Ok(result))
        })?;
        outcome.or_else(|(stream, expected)| {
            // The unique constraint refused a version someone took without the lock: the
            // transaction was rolled back; report the stream's version now that theirs is in.
            let actual = self.stream_version(&stream)?;
            Err(EventStoreError::Conflict {
                stream,
                expected,
                actual,
            })
        })
    }
}

/// An append in progress, inside its transaction.
struct PostgresSession<'a, 'c> {
    /// The channel to notify on commit.
    channel: &'a str,
    transaction: &'a mut LockedTransaction<'c>,
    wrote: bool,
    /// Set when the unique constraint on `(stream, version)` refused the batch: its stream
    /// and expectation.
    raced: Option<(String, crate::event::ExpectedVersion)>,
}

impl AppendSession for PostgresSession<'_, '_> {
    fn idempotency_record(
        &mut self,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, EventStoreError> {
        let Some(row) = self.transaction.connection().query_opt(
            "SELECT stream, digest, stream_version, first_sequence, end_sequence \
             FROM idempotency WHERE key = $1",
            &[&key],
        )?
        else {
            return Ok(None);
        };
        let digest: &[u8] = row.try_get(1)?;
        let digest: [u8; 32] = digest.try_into().map_err(|_| EventStoreError::Corrupt {
            path: None,
            position: Position::Header,
            reason: format!("the digest stored for idempotency key `{key}` is not 32 bytes"),
        })?;
        let number = |column: usize| -> Result<u64, EventStoreError> {
            Ok(row.try_get::<_, i64>(column)?.unsigned_abs())
        };
        Ok(Some(IdempotencyRecord {
            stream: row.try_get(0)?,
            digest: EventHash(digest),
            result: Appended {
                stream_version: number(2)?,
                sequences: number(3)?..number(4)?,
                duplicate: false,
            },
        }))
    }

    fn position(&mut self, stream: &str) -> Result<LogPosition, EventStoreError> {
        let row = self.transaction.connection().query_one(
            "SELECT (SELECT coalesce(max(version), 0) FROM events WHERE stream = $1), \
                    last.sequence, last.hash \
             FROM (SELECT 1) AS one \
             LEFT JOIN (SELECT sequence, hash FROM events ORDER BY sequence DESC LIMIT 1) AS last \
             ON true",
            &[&stream],
        )?;
        let stream_version: i64 = row.try_get(0)?;
        let head: Option<i64> = row.try_get(1)?;
        let last_hash = match row.try_get::<_, Option<&[u8]>>(2)? {
            None => EventHash::GENESIS,
            Some(bytes) => EventHash(bytes.try_into().map_err(|_| EventStoreError::Corrupt {
                path: None,
                position: Position::Sequence(head.unwrap_or(0).unsigned_abs()),
                reason: "the last event's hash is not 32 bytes".into(),
            })?),
        };
        Ok(LogPosition {
            stream_version: stream_version.unsigned_abs(),
            head: head.unwrap_or(0).unsigned_abs(),
            last_hash,
        })
    }

    fn write(&mut self, batch: SealedBatch) -> Result<(), EventStoreError> {
        let connection = self.transaction.connection();
        if let Err(error) = rows::insert_sealed(connection, &batch, self.channel) {
            let lost_race = error.code() == Some(&SqlState::UNIQUE_VIOLATION)
                && error
                    .as_db_error()
                    .and_then(|db| db.constraint())
                    .is_some_and(|name| name == "events_stream_version");
            if lost_race {
                self.raced = Some((batch.stream().to_owned(), batch.expected()));
            }
            return Err(error.into());
        }
        self.wrote = true;
        Ok(())
    }
}

impl EventStore for PostgresStore {
    fn append(&self, batch: Append) -> Result<Appended, EventStoreError> {
        rows::check_storable(&batch)?;
        append(self, batch)
    }

    fn head(&self) -> Result<u64, EventStoreError> {
        self.read(|client| {
            let head: i64 = client
                .query_one("SELECT coalesce(max(sequence), 0) FROM events", &[])?
                .get(0);
            Ok(head.unsigned_abs())
        })
    }

    fn stream_version(&self, stream: &str) -> Result<u64, EventStoreError> {
        rows::storable("stream id", stream)?;
        self.read(|client| {
            let version: i64 = client
                .query_one(
                    "SELECT coalesce(max(version), 0) FROM events WHERE stream = $1",
                    &[&stream],
                )?
                .get(0);
            Ok(version.unsigned_abs())
        })
    }

    fn read_all(&self, from: u64, limit: usize) -> Result<Vec<RecordedEvent>, EventStoreError> {
        let sql = concat!(
            "SELECT ",
            entry_columns!(),
            " FROM events WHERE sequence >= $1 AND NOT compacted ORDER BY sequence LIMIT $2"
        );
        Ok(only_events(self.query_entries(sql, from, limit, None)?))
    }

    fn read_stream(
        &self,
        stream: &str,
        from_version: u64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, EventStoreError> {
        rows::storable("stream id", stream)?;
        let sql = concat!(
            "SELECT ",
            entry_columns!(),
            " FROM events WHERE stream = $3 AND version >= $1 AND NOT compacted \
             ORDER BY version LIMIT $2"
        );
        Ok(only_events(self.query_entries(
            sql,
            from_version,
            limit,
            Some(stream),
        )?))
    }

    fn read_log(&self, from: u64, limit: usize) -> Result<Vec<LogEntry>, EventStoreError> {
        let sql = concat!(
            "SELECT ",
            entry_columns!(),
            " FROM events WHERE sequence >= $1 ORDER BY sequence LIMIT $2"
        );
        self.query_entries(sql, from, limit, None)
    }

    fn compacted_through(&self, stream: &str) -> Result<u64, EventStoreError> {
        rows::storable("stream id", stream)?;
        self.read(|client| {
            let through: Option<i64> = client
                .query_opt(
                    "SELECT through_version FROM compactions WHERE stream = $1",
                    &[&stream],
                )?
                .map(|row| row.get(0));
            Ok(through.unwrap_or(0).unsigned_abs())
        })
    }

    fn event_types(&self) -> Result<Vec<(String, u32)>, EventStoreError> {
        let mut types = self.read(|client| {
            client
                .query(
                    "SELECT DISTINCT event_type, schema_version FROM events WHERE NOT compacted",
                    &[],
                )?
                .iter()
                .map(|row| {
                    let version: i64 = row.try_get(1)?;
                    Ok((row.try_get(0)?, u32::try_from(version).unwrap_or(u32::MAX)))
                })
                .collect::<Result<Vec<(String, u32)>, EventStoreError>>()
        })?;
        // Sorted here, not by the server: its text order follows the database's collation.
        types.sort();
        Ok(types)
    }

    fn save_snapshot(&self, snapshot: &StreamSnapshot) -> Result<(), EventStoreError> {
        rows::storable("stream id", &snapshot.stream)?;
        let body = serde_json::to_string(snapshot).map_err(|error| EventStoreError::Encode {
            what: format!("the snapshot of stream `{}`", snapshot.stream),
            reason: error.to_string(),
        })?;
        self.with_client(|client| {
            client.execute(
                "INSERT INTO snapshots (stream, body) VALUES ($1, $2) \
                 ON CONFLICT (stream) DO UPDATE SET body = excluded.body",
                &[&snapshot.stream, &body],
            )?;
            Ok(())
        })
    }

    fn load_snapshot(&self, stream: &str) -> Result<Option<StreamSnapshot>, EventStoreError> {
        rows::storable("stream id", stream)?;
        let body: Option<String> = self.read(|client| {
            Ok(client
                .query_opt("SELECT body FROM snapshots WHERE stream = $1", &[&stream])?
                .map(|row| row.get(0)))
        })?;
        body.map(|body| {
            serde_json::from_str(&body).map_err(|error| EventStoreError::Corrupt {
                path: None,
                position: Position::Header,
                reason: format!("the snapshot of stream `{stream}` does not decode: {error}"),
            })
        })
        .transpose()
    }

    fn save_checkpoint(&self, name: &str, position: u64) -> Result<(), EventStoreError> {
        rows::storable("subscription name", name)?;
        self.with_client(|client| {
            client.execute(
                "INSERT INTO checkpoints (name, position) VALUES ($1, $2) \
                 ON CONFLICT (name) DO UPDATE SET position = excluded.position",
                &[&name, &to_i64(position)],
            )?;
            Ok(())
        })
    }

    fn load_checkpoint(&self, name: &str) -> Result<Option<u64>, EventStoreError> {
        rows::storable("subscription name", name)?;
        self.read(|client| {
            Ok(client
                .query_opt("SELECT position FROM checkpoints WHERE name = $1", &[&name])?
                .map(|row| row.get::<_, i64>(0).unsigned_abs()))
        })
    }

    fn stub_events(&self, stream: &str, through_version: u64) -> Result<u64, EventStoreError> {
        rows::storable("stream id", stream)?;
        self.with_client(|client| {
            let mut transaction = client.transaction()?;
            let version: i64 = transaction
                .query_one(
                    "SELECT coalesce(max(version), 0) FROM events WHERE stream = $1",
                    &[&stream],
                )?
                .get(0);
            if through_version > version.unsigned_abs() {
                return Err(EventStoreError::InvalidInput {
                    reason: format!(
                        "cannot compact stream `{stream}` through version {through_version}: it \
                         is at version {version}"
                    ),
                });
            }
            let stubbed = transaction.execute(
                "UPDATE events SET payload = NULL, principal = NULL, causation_id = NULL, \
                 correlation_id = NULL, idempotency_key = NULL, compacted = true \
                 WHERE stream = $1 AND version <= $2 AND NOT compacted",
                &[&stream, &to_i64(through_version)],
            )?;
            transaction.execute(
                "INSERT INTO compactions (stream, through_version) VALUES ($1, $2) \
                 ON CONFLICT (stream) DO UPDATE \
                 SET through_version = greatest(compactions.through_version, \
                                                excluded.through_version)",
                &[&stream, &to_i64(through_version)],
            )?;
            transaction.commit()?;
            Ok(stubbed)
        })
    }
}
