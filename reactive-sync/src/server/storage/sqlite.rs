//! The documents in one SQLite file: a table of updates and a table of snapshots. The
//! single-node default.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use super::{CommandKey, DocumentStorage, StorageError, StoredDocument, outcome_of, rejection};
use crate::protocol::CommandOutcome;

/// The SQLite database the server persists documents in (one file for all documents): the
/// single-node default. Several server processes must not share one file; a cluster shares
/// `PostgresStorage` (feature `postgres`).
///
/// ```
/// # #[cfg(feature = "server")] {
/// use reactive_sync::server::{DocumentStorage, SqliteStorage};
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

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (each write is a
        // transaction), so a poisoned lock is still a usable connection.
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl DocumentStorage for SqliteStorage {
    fn update_count(&self, document: &str) -> Result<usize, StorageError> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM sync_updates WHERE document = ?1",
            params![document],
            |row| row.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn has_snapshot(&self, document: &str) -> Result<bool, StorageError> {
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

    fn load(&self, document: &str) -> Result<StoredDocument, StorageError> {
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

    fn append(&self, document: &str, bytes: &[u8]) -> Result<i64, StorageError> {
        let conn = self.conn();
        conn.prepare_cached("INSERT INTO sync_updates (document, bytes) VALUES (?1, ?2)")?
            .execute(params![document, bytes])?;
        Ok(conn.last_insert_rowid())
    }

    fn compact(
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

    fn command_outcome(
        &self,
        key: &CommandKey<'_>,
    ) -> Result<Option<CommandOutcome>, StorageError> {
        let found: Option<Option<String>> = self
            .conn()
            .prepare_cached(
                "SELECT rejected FROM sync_commands
                 WHERE document = ?1 AND principal = ?2 AND client = ?3 AND id = ?4",
            )?
            .query_row(
                params![
                    key.document,
                    key.principal,
                    key.client as i64,
                    key.id as i64
                ],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.map(outcome_of))
    }

    fn append_command(
        &self,
        key: &CommandKey<'_>,
        outcome: &CommandOutcome,
        update: Option<&[u8]>,
    ) -> Result<Option<i64>, StorageError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let seq = match update {
            Some(bytes) => {
                tx.prepare_cached("INSERT INTO sync_updates (document, bytes) VALUES (?1, ?2)")?
                    .execute(params![key.document, bytes])?;
                Some(tx.last_insert_rowid())
            }
            None => None,
        };
        tx.prepare_cached(
            "INSERT OR REPLACE INTO sync_commands (document, principal, client, id, rejected)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            key.document,
            key.principal,
            key.client as i64,
            key.id as i64,
            rejection(outcome)
        ])?;
        tx.commit()?;
        Ok(seq)
    }

    fn command_count(&self, document: &str) -> Result<usize, StorageError> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM sync_commands WHERE document = ?1",
            params![document],
            |row| row.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}
