//! Reading a store's snapshots without opening it for writing: for tools (a migration dry
//! run) that must leave the file exactly as it is.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::{APPLICATION_ID, FORMAT_VERSION, SqliteStore, corrupt_or};
use crate::error::{EventStoreError, Position};
use crate::store::StreamSnapshot;

impl SqliteStore {
    /// Every stream's snapshot in the database at `path`, by stream name, read through a
    /// read-only connection: the database file is not written, migrated or created (a missing
    /// file is an error, not a new store), and another process may be appending meanwhile. Like
    /// any reader of a WAL database, SQLite may leave its WAL index files (an empty `-wal` and a
    /// `-shm`) beside it; they hold no data. Each row is decoded on its own, so one that does not
    /// decode is reported beside the others instead of hiding them.
    ///
    /// ```
    /// use reactive_sourcing::{EventHash, EventStore, SqliteStore, StreamSnapshot};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("events.sqlite");
    /// let store = SqliteStore::open(&path)?;
    /// store.save_snapshot(&StreamSnapshot { stream: "acc-1".into(), version: 3, state_version: 2,
    ///     event_hash: EventHash::GENESIS, state: serde_json::json!({"balance": 5}), taken_at_ms: 0 })?;
    /// drop(store);
    ///
    /// let rows = SqliteStore::read_snapshots(&path)?;
    /// assert_eq!(rows[0].0, "acc-1");
    /// assert_eq!(rows[0].1.as_ref().unwrap().state_version, 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Sqlite`] if the file cannot be opened (it does not exist, or cannot be
    /// read); [`EventStoreError::InvalidInput`] if it is not a database of this store or of
    /// another format version; [`EventStoreError::Corrupt`] if SQLite finds it damaged. Per
    /// row, [`EventStoreError::Corrupt`] (naming the stream) when a body is not a snapshot.
    #[allow(clippy::type_complexity)] // a list of (stream, that stream's snapshot or why not)
    pub fn read_snapshots(
        path: impl AsRef<Path>,
    ) -> Result<Vec<(String, Result<StreamSnapshot, EventStoreError>)>, EventStoreError> {
        let path = path.as_ref();
        let fail = |e| corrupt_or(path, e, Position::Header);
        let connection = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(fail)?;
        connection
            .busy_timeout(Duration::from_secs(10))
            .map_err(fail)?;
        let mark: (i32, i32) = (
            connection
                .pragma_query_value(None, "application_id", |row| row.get(0))
                .map_err(fail)?,
            connection
                .pragma_query_value(None, "user_version", |row| row.get(0))
                .map_err(fail)?,
        );
        match mark {
            (APPLICATION_ID, FORMAT_VERSION) => {}
            (APPLICATION_ID, other) => return Err(super::other_format(path, other)),
            _ => {
                return Err(EventStoreError::InvalidInput {
                    reason: format!(
                        "`{}` is not a reactive-sourcing event store",
                        path.display()
                    ),
                });
            }
        }
        let mut statement = connection
            .prepare("SELECT stream, body FROM snapshots ORDER BY stream")
            .map_err(fail)?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })
            .map_err(fail)?;
        let mut out = Vec::new();
        for row in rows {
            let (stream, body) = row.map_err(fail)?;
            let snapshot = serde_json::from_str::<StreamSnapshot>(&body).map_err(|error| {
                EventStoreError::Corrupt {
                    path: Some(path.to_owned()),
                    position: Position::Header,
                    reason: format!("the snapshot of stream `{stream}` does not decode: {error}"),
                }
            });
            out.push((stream, snapshot));
        }
        Ok(out)
    }
}
