//! The room's durable log in SQLite: an append-only table of Loro updates per document, and at
//! most one snapshot per document that the updates up to a sequence number were compacted into.
//!
//! The server appends an update here, in its own transaction, *before* it acknowledges it; a
//! document is loaded as its snapshot plus the updates after it.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

/// A failure of the SQLite store. The server answers it with
/// `ErrorCode::Internal` and acknowledges nothing that was not stored.
#[derive(Debug, thiserror::Error)]
#[error("sync storage: {0}")]
pub struct StorageError(#[from] rusqlite::Error);

/// What a document's log holds: the latest snapshot (if compacted) and the updates after it.
pub(crate) struct StoredDocument {
    pub(crate) snapshot: Option<Vec<u8>>,
    pub(crate) updates: Vec<Vec<u8>>,
    pub(crate) last_seq: i64,
}

/// The SQLite database the server persists documents in (one file for all documents).
///
/// ```
/// # #[cfg(feature = "server")] {
/// use reactive_sync::server::SqliteStorage;
/// let storage = SqliteStorage::in_memory().unwrap();
/// assert_eq!(storage.update_count("notes").unwrap(), 0);
/// # }
/// ```
pub struct SqliteStorage {
    conn: Mutex<Connection>,
}

impl SqliteStorage {
    /// Opens (or creates) the database at `path`. WAL journal with `synchronous = FULL`: an
    /// acknowledged update survives the server's crash and the machine's.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStorage, StorageError> {
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        SqliteStorage::init(conn)
    }

    /// A database in memory (tests, demos): nothing survives the process.
    pub fn in_memory() -> Result<SqliteStorage, StorageError> {
        SqliteStorage::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<SqliteStorage, StorageError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS sync_updates (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 document TEXT NOT NULL,
                 bytes BLOB NOT NULL);
             CREATE INDEX IF NOT EXISTS sync_updates_by_document ON sync_updates(document, seq);
             CREATE TABLE IF NOT EXISTS sync_snapshots (
                 document TEXT PRIMARY KEY,
                 bytes BLOB NOT NULL,
                 through_seq INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS sync_commands (
                 document TEXT NOT NULL,
                 principal TEXT NOT NULL,
                 client INTEGER NOT NULL,
                 id INTEGER NOT NULL,
                 rejected TEXT,
                 PRIMARY KEY (document, principal, client, id));",
        )?;
        Ok(SqliteStorage {
            conn: Mutex::new(conn),
        })
    }

    pub(super) fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (each write is a
        // transaction), so a poisoned lock is still a usable connection.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How many updates of `document` are stored after its snapshot (compaction folds them in).
    pub fn update_count(&self, document: &str) -> Result<usize, StorageError> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM sync_updates WHERE document = ?1",
            params![document],
            |row| row.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Whether `document` has a snapshot.
    pub fn has_snapshot(&self, document: &str) -> Result<bool, StorageError> {
        let found: Option<i64> = self
            .conn()
            .query_row(
                "SELECT 1 FROM sync_snapshots WHERE document = ?1",
                params![document],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }

    pub(crate) fn load(&self, document: &str) -> Result<StoredDocument, StorageError> {
        let conn = self.conn();
        let snapshot: Option<(Vec<u8>, i64)> = conn
            .query_row(
                "SELECT bytes, through_seq FROM sync_snapshots WHERE document = ?1",
                params![document],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()?;
        let through = snapshot.as_ref().map_or(0, |s| s.1);
        let mut stmt = conn.prepare_cached(
            "SELECT seq, bytes FROM sync_updates WHERE document = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let mut last_seq = through;
        let mut updates = Vec::new();
        for row in stmt.query_map(params![document, through], |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
        })? {
            let (seq, bytes) = row?;
            last_seq = seq;
            updates.push(bytes);
        }
        Ok(StoredDocument {
            snapshot: snapshot.map(|s| s.0),
            updates,
            last_seq,
        })
    }

    /// Appends one update; returns its sequence number once it is committed.
    pub(crate) fn append(&self, document: &str, bytes: &[u8]) -> Result<i64, StorageError> {
        let conn = self.conn();
        conn.prepare_cached("INSERT INTO sync_updates (document, bytes) VALUES (?1, ?2)")?
            .execute(params![document, bytes])?;
        Ok(conn.last_insert_rowid())
    }

    /// Replaces the snapshot and drops the updates it contains, in one transaction.
    pub(crate) fn compact(
        &self,
        document: &str,
        snapshot: &[u8],
        through_seq: i64,
    ) -> Result<(), StorageError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO sync_snapshots (document, bytes, through_seq) VALUES (?1, ?2, ?3)
             ON CONFLICT(document) DO UPDATE SET bytes = excluded.bytes, through_seq = excluded.through_seq",
            params![document, snapshot, through_seq],
        )?;
        tx.execute(
            "DELETE FROM sync_updates WHERE document = ?1 AND seq <= ?2",
            params![document, through_seq],
        )?;
        tx.commit()?;
        Ok(())
    }
}
