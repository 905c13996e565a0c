//! The documents in PostgreSQL (feature `postgres`), shared by the nodes of a cluster.
//!
//! The blocking `postgres` client, on a worker thread of its own: the room calls its storage
//! synchronously under its lock (persist, then acknowledge and fan out, in one critical
//! section), and the blocking client cannot run on a tokio worker (it drives a runtime of its
//! own). The caller waits for the worker's answer as it would wait for SQLite's `fsync`. Async
//! `tokio-postgres` would have made every room operation async and the room's lock an async
//! one, for no gain: the wait is the database's commit either way.
//!
//! Several nodes share the tables, so two of the SQLite store's shortcuts do not hold here:
//! a load reads snapshot and log in one `REPEATABLE READ` transaction (a concurrent compaction
//! cannot slip between the two reads), and a compaction merges the stored snapshot and the
//! logged updates into the snapshot it is given (another node may have appended updates this
//! node's document lacks), then deletes exactly the rows it merged.

use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;

use loro::{ExportMode, LoroDoc};
use postgres::{Client, Config, IsolationLevel, NoTls};

use super::{CommandKey, DocumentStorage, StorageError, StoredDocument, outcome_of, rejection};
use crate::protocol::CommandOutcome;

/// A job for the worker thread: runs against the connection, sends its own answer, and
/// returns whether the connection broke.
type Job = Box<dyn FnOnce(&mut Client) -> bool + Send>;

/// The documents in a PostgreSQL database (tables `reactive_sync_updates` and
/// `reactive_sync_snapshots`, created on open), shared by every node of a cluster.
///
/// A lost connection (the database restarted) fails the call it broke, and the next call
/// reconnects; the server fails the room and its clients resend what was not acknowledged.
///
/// ```no_run
/// # #[cfg(feature = "postgres")] {
/// use reactive_sync::server::{DocumentStorage, PostgresStorage, SyncServer};
/// let storage = PostgresStorage::open("host=127.0.0.1 user=postgres dbname=postgres").unwrap();
/// assert_eq!(storage.update_count("new document").unwrap(), 0);
/// let server = SyncServer::new(storage);
/// # }
/// ```
pub struct PostgresStorage {
    jobs: Mutex<mpsc::Sender<Job>>,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS reactive_sync_updates (
        seq BIGSERIAL PRIMARY KEY,
        document TEXT NOT NULL,
        bytes BYTEA NOT NULL);
    CREATE INDEX IF NOT EXISTS reactive_sync_updates_by_document
        ON reactive_sync_updates (document, seq);
    CREATE TABLE IF NOT EXISTS reactive_sync_snapshots (
        document TEXT PRIMARY KEY,
        bytes BYTEA NOT NULL,
        through_seq BIGINT NOT NULL);
    CREATE TABLE IF NOT EXISTS reactive_sync_commands (
        document TEXT NOT NULL,
        principal TEXT NOT NULL,
        client BIGINT NOT NULL,
        id BIGINT NOT NULL,
        rejected TEXT,
        PRIMARY KEY (document, principal, client, id));";

/// The advisory lock key nodes take to create the schema one at a time (concurrent
/// `CREATE TABLE IF NOT EXISTS` can fail on the catalog's unique index).
const SCHEMA_LOCK: i64 = 0x7265_6163_7379_6e63;

impl PostgresStorage {
    /// Connects to `url` (`host=… user=… dbname=…` or `postgresql://…`), creates the tables if
    /// they are missing, and starts the worker thread. Call it outside an async runtime (the
    /// blocking client drives a runtime of its own; tokio refuses a runtime inside another).
    pub fn open(url: &str) -> Result<PostgresStorage, StorageError> {
        let mut config: Config = url.parse()?;
        config.connect_timeout(Duration::from_secs(5));
        let mut client = config.connect(NoTls)?;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])?;
        tx.batch_execute(SCHEMA)?;
        tx.commit()?;
        let (jobs, receiver) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("reactive-sync-postgres".into())
            .spawn(move || worker(config, Some(client), receiver))
            .map_err(|e| StorageError::Unavailable(e.to_string()))?;
        Ok(PostgresStorage {
            jobs: Mutex::new(jobs),
        })
    }

    /// Runs `f` on the worker's connection and waits for its answer. A call that finds the
    /// connection broken (the database restarted since the last call) runs once more on a
    /// fresh one: an `append` whose commit was lost with the connection may then be stored
    /// twice, which is harmless (importing a Loro update twice changes nothing).
    fn call<T: Send + 'static>(
        &self,
        f: impl Fn(&mut Client) -> Result<T, postgres::Error> + Send + Sync + 'static,
    ) -> Result<T, StorageError> {
        let f = std::sync::Arc::new(f);
        let mut tries = 0;
        loop {
            tries += 1;
            let (answer, answered) = mpsc::sync_channel(1);
            let run = f.clone();
            let job: Job = Box::new(move |client| {
                let result = run(client);
                let broken = matches!(&result, Err(e) if e.is_closed());
                let _ = answer.send(result);
                broken
            });
            self.jobs
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .send(job)
                .map_err(|_| StorageError::Unavailable("the PostgreSQL worker stopped".into()))?;
            match answered.recv() {
                Ok(Err(e)) if e.is_closed() && tries < 2 => continue,
                Ok(result) => return result.map_err(StorageError::from),
                Err(_) => {
                    return Err(StorageError::Unavailable(
                        "cannot connect to PostgreSQL".into(),
                    ));
                }
            }
        }
    }
}

/// The worker: one connection, re-opened after it breaks. A job whose connection cannot be
/// opened is dropped unanswered, which the caller reports as `Unavailable`.
fn worker(config: Config, mut client: Option<Client>, jobs: mpsc::Receiver<Job>) {
    for job in jobs {
        if client.as_ref().is_none_or(Client::is_closed) {
            client = config.connect(NoTls).ok();
        }
        let Some(connection) = client.as_mut() else {
            continue;
        };
        if job(connection) || connection.is_closed() {
            client = None;
        }
    }
}

impl DocumentStorage for PostgresStorage {
    fn load(&self, document: &str) -> Result<StoredDocument, StorageError> {
        let document = document.to_owned();
        self.call(move |client| {
            let mut tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()?;
            let snapshot = tx.query_opt(
                "SELECT bytes, through_seq FROM reactive_sync_snapshots WHERE document = $1",
                &[&document],
            )?;
            let mut last_seq = snapshot.as_ref().map_or(0, |row| row.get::<_, i64>(1));
            // Every row left in the log, not only those after the snapshot's mark: a row
            // committed after a compaction read the log may carry a lower number.
            let rows = tx.query(
                "SELECT seq, bytes FROM reactive_sync_updates WHERE document = $1 ORDER BY seq",
                &[&document],
            )?;
            tx.commit()?;
            let updates = rows
                .into_iter()
                .map(|row| {
                    last_seq = last_seq.max(row.get(0));
                    row.get(1)
                })
                .collect();
            Ok(StoredDocument {
                snapshot: snapshot.map(|row| row.get(0)),
                updates,
                last_seq,
            })
        })
    }

    fn append(&self, document: &str, bytes: &[u8]) -> Result<i64, StorageError> {
        let (document, bytes) = (document.to_owned(), bytes.to_vec());
        self.call(move |client| {
            let row = client.query_one(
                "INSERT INTO reactive_sync_updates (document, bytes) VALUES ($1, $2) RETURNING seq",
                &[&document, &bytes],
            )?;
            Ok(row.get(0))
        })
    }

    fn compact(
        &self,
        document: &str,
        snapshot: &[u8],
        through_seq: i64,
    ) -> Result<(), StorageError> {
        let (document, snapshot) = (document.to_owned(), snapshot.to_vec());
        self.call(move |client| {
            let mut tx = client.transaction()?;
            // One compaction per document at a time, across nodes.
            tx.execute(
                "SELECT pg_advisory_xact_lock(hashtext('reactive_sync:'::text || $1::text))",
                &[&document],
            )?;
            let stored = tx.query_opt(
                "SELECT bytes, through_seq FROM reactive_sync_snapshots WHERE document = $1",
                &[&document],
            )?;
            let rows = tx.query(
                "SELECT seq, bytes FROM reactive_sync_updates WHERE document = $1 AND seq <= $2",
                &[&document, &through_seq],
            )?;
            let merged = LoroDoc::new();
            // Import failures leave `merged` as it was; the bytes were imported once already
            // before they were stored, so a failure means damaged data we cannot improve on.
            let _ = merged.import(&snapshot);
            if let Some(row) = &stored {
                let _ = merged.import(row.get::<_, &[u8]>(0));
            }
            let logged: Vec<Vec<u8>> = rows.iter().map(|row| row.get(1)).collect();
            if !logged.is_empty() {
                let _ = merged.import_batch(&logged);
            }
            let Ok(bytes) = merged.export(ExportMode::Snapshot) else {
                // Nothing merged, nothing deleted.
                return Ok(());
            };
            let seqs: Vec<i64> = rows.iter().map(|row| row.get(0)).collect();
            let through = stored.map_or(through_seq, |row| row.get::<_, i64>(1).max(through_seq));
            tx.execute(
                "INSERT INTO reactive_sync_snapshots (document, bytes, through_seq)
                 VALUES ($1, $2, $3)
                 ON CONFLICT (document) DO UPDATE
                 SET bytes = excluded.bytes, through_seq = excluded.through_seq",
                &[&document, &bytes, &through],
            )?;
            tx.execute(
                "DELETE FROM reactive_sync_updates WHERE document = $1 AND seq = ANY($2)",
                &[&document, &seqs],
            )?;
            tx.commit()
        })
    }

    fn update_count(&self, document: &str) -> Result<usize, StorageError> {
        let document = document.to_owned();
        self.call(move |client| {
            let row = client.query_one(
                "SELECT COUNT(*) FROM reactive_sync_updates WHERE document = $1",
                &[&document],
            )?;
            Ok(usize::try_from(row.get::<_, i64>(0)).unwrap_or(0))
        })
    }

    fn has_snapshot(&self, document: &str) -> Result<bool, StorageError> {
        let document = document.to_owned();
        self.call(move |client| {
            let row = client.query_opt(
                "SELECT 1 FROM reactive_sync_snapshots WHERE document = $1",
                &[&document],
            )?;
            Ok(row.is_some())
        })
    }

    fn command_outcome(
        &self,
        key: &CommandKey<'_>,
    ) -> Result<Option<CommandOutcome>, StorageError> {
        let owned = OwnedCommandKey::from(key);
        self.call(move |client| {
            let row = client.query_opt(
                "SELECT rejected FROM reactive_sync_commands
                 WHERE document = $1 AND principal = $2 AND client = $3 AND id = $4",
                &[&owned.document, &owned.principal, &owned.client, &owned.id],
            )?;
            Ok(row.map(|row| outcome_of(row.get(0))))
        })
    }

    fn append_command(
        &self,
        key: &CommandKey<'_>,
        outcome: &CommandOutcome,
        update: Option<&[u8]>,
    ) -> Result<Option<i64>, StorageError> {
        let owned = OwnedCommandKey::from(key);
        let rejected = rejection(outcome).map(str::to_owned);
        let update = update.map(<[u8]>::to_vec);
        self.call(move |client| {
            let mut tx = client.transaction()?;
            let seq = match &update {
                Some(bytes) => Some(
                    tx.query_one(
                        "INSERT INTO reactive_sync_updates (document, bytes) VALUES ($1, $2)
                         RETURNING seq",
                        &[&owned.document, bytes],
                    )?
                    .get(0),
                ),
                None => None,
            };
            tx.execute(
                "INSERT INTO reactive_sync_commands (document, principal, client, id, rejected)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (document, principal, client, id)
                 DO UPDATE SET rejected = excluded.rejected",
                &[
                    &owned.document,
                    &owned.principal,
                    &owned.client,
                    &owned.id,
                    &rejected,
                ],
            )?;
            tx.commit()?;
            Ok(seq)
        })
    }

    fn command_count(&self, document: &str) -> Result<usize, StorageError> {
        let document = document.to_owned();
        self.call(move |client| {
            let row = client.query_one(
                "SELECT COUNT(*) FROM reactive_sync_commands WHERE document = $1",
                &[&document],
            )?;
            Ok(usize::try_from(row.get::<_, i64>(0)).unwrap_or(0))
        })
    }
}

/// A [`CommandKey`] the worker thread can own (ids as PostgreSQL's signed `BIGINT`).
struct OwnedCommandKey {
    document: String,
    principal: String,
    client: i64,
    id: i64,
}

impl From<&CommandKey<'_>> for OwnedCommandKey {
    fn from(key: &CommandKey<'_>) -> OwnedCommandKey {
        OwnedCommandKey {
            document: key.document.to_owned(),
            principal: key.principal.to_owned(),
            client: key.client as i64,
            id: key.id as i64,
        }
    }
}
