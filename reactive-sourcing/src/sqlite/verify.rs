//! Checking a database beyond the hash chain: SQLite's own structural checks (`quick_check` on
//! open, `integrity_check` on demand) and the agreement of the indexes with the tables they
//! index, which reads go through.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension};

use super::{SqliteStore, corrupt_or};
use crate::error::{EventStoreError, Position};

/// Runs `PRAGMA <pragma>` (`quick_check` or `integrity_check`) and turns its findings into
/// [`EventStoreError::Corrupt`].
pub(super) fn structural_check(
    connection: &Connection,
    path: &Path,
    pragma: &str,
) -> Result<(), EventStoreError> {
    let fail = |e| corrupt_or(path, e, Position::Header);
    let mut statement = connection
        .prepare(&format!("PRAGMA {pragma}"))
        .map_err(fail)?;
    let findings: Vec<String> = statement
        .query_map([], |row| row.get::<_, String>(0))
        .map_err(fail)?
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    if findings == ["ok"] {
        Ok(())
    } else {
        Err(damaged(
            path,
            format!("PRAGMA {pragma}: {}", findings.join("; ")),
        ))
    }
}

fn damaged(path: &Path, reason: String) -> EventStoreError {
    EventStoreError::Corrupt {
        path: Some(path.to_owned()),
        position: Position::Header,
        reason,
    }
}

/// Checks that reads through the indexes see what a scan of the tables sees: each stream's
/// event count and last version through `events_by_stream` equal a full scan's (and versions
/// run 1..=n), and every idempotency key an event carries is found by key in `idempotency`.
pub(super) fn index_consistency(
    connection: &Connection,
    path: &Path,
) -> Result<(), EventStoreError> {
    let fail = |e| corrupt_or(path, e, Position::Header);
    let mut scanned = connection
        .prepare("SELECT stream, count(*), max(version) FROM events NOT INDEXED GROUP BY stream")
        .map_err(fail)?;
    let streams: Vec<(String, i64, i64)> = scanned
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .map_err(fail)?
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    let mut indexed = connection
        .prepare(
            "SELECT count(*), coalesce(max(version), 0) FROM events INDEXED BY events_by_stream \
             WHERE stream = ?1",
        )
        .map_err(fail)?;
    let mut scanned_events = 0;
    for (stream, count, version) in streams {
        scanned_events += count;
        if count != version {
            return Err(damaged(
                path,
                format!("stream `{stream}` has {count} events but reaches version {version}"),
            ));
        }
        let through_index: (i64, i64) = indexed
            .query_row([&stream], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(fail)?;
        if through_index != (count, version) {
            return Err(damaged(
                path,
                format!(
                    "the index events_by_stream disagrees with the table for stream `{stream}`: \
                     {} events up to version {} through the index, {count} up to version \
                     {version} in the table",
                    through_index.0, through_index.1
                ),
            ));
        }
    }
    let indexed_events: i64 = connection
        .query_row(
            "SELECT count(*) FROM events INDEXED BY events_by_stream WHERE stream >= ''",
            [],
            |row| row.get(0),
        )
        .map_err(fail)?;
    if indexed_events != scanned_events {
        return Err(damaged(
            path,
            format!(
                "the index events_by_stream holds {indexed_events} events, the table \
                 {scanned_events}"
            ),
        ));
    }
    let mut keys = connection
        .prepare(
            "SELECT DISTINCT idempotency_key FROM events NOT INDEXED \
             WHERE idempotency_key IS NOT NULL",
        )
        .map_err(fail)?;
    let keys: Vec<String> = keys
        .query_map([], |row| row.get(0))
        .map_err(fail)?
        .collect::<Result<_, _>>()
        .map_err(fail)?;
    let mut lookup = connection
        .prepare("SELECT 1 FROM idempotency WHERE key = ?1")
        .map_err(fail)?;
    for key in keys {
        let found: Option<i64> = lookup
            .query_row([&key], |row| row.get(0))
            .optional()
            .map_err(fail)?;
        if found.is_none() {
            return Err(damaged(
                path,
                format!(
                    "idempotency key `{key}` is on an event but not found in the idempotency \
                     table: a retried batch would be written twice"
                ),
            ));
        }
    }
    Ok(())
}

impl SqliteStore {
    /// Checks the whole database, beyond what opening checks: SQLite's full
    /// `PRAGMA integrity_check` (every page, and every index entry against its row), then
    /// that reads through the indexes agree with scans of the tables — each stream's events
    /// and version through `events_by_stream`, and every idempotency key carried by an event
    /// found in the idempotency table. Together with [`verify_chain`](crate::verify_chain),
    /// which re-hashes every event, it proves the database sound.
    ///
    /// It reads the whole file: it costs more than opening, which runs only
    /// `PRAGMA quick_check` (see [`SqliteStore::open`]).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Corrupt`] naming what disagrees, or [`EventStoreError::Sqlite`].
    ///
    /// ```
    /// use reactive_sourcing::{Append, EventStore, ExpectedVersion, NewEvent, SqliteStore};
    /// let dir = tempfile::tempdir()?;
    /// let store = SqliteStore::open(dir.path().join("e.sqlite"))?;
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 1.into())))?;
    /// store.verify()?;
    /// reactive_sourcing::verify_chain(&store)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn verify(&self) -> Result<(), EventStoreError> {
        let connection = self.lock();
        structural_check(&connection, &self.path, "integrity_check")?;
        index_consistency(&connection, &self.path)
    }
}
