//! Recovering what is intact from a damaged database into a new one.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::{Connection, TransactionBehavior, params};

use super::pages::scan_event_rows;
use super::rows::{RowFault, insert_entry, read_entry, to_i64};
use super::{SqliteStore, corrupt_or};
use crate::chain::check_link;
use crate::error::{Damage, EventStoreError, Position, RecoveryReport};
use crate::event::{EventHash, LogEntry};
use crate::stored::entry_columns;

/// Reads entry `sequence` of the damaged database, checked against the chain so far.
fn read_checked(
    source: &Connection,
    sequence: u64,
    prev: &EventHash,
) -> Result<Option<LogEntry>, String> {
    let sql = concat!(
        "SELECT ",
        entry_columns!(),
        " FROM events WHERE sequence = ?1"
    );
    let mut statement = source.prepare_cached(sql).map_err(|e| e.to_string())?;
    let mut rows = statement
        .query([to_i64(sequence)])
        .map_err(|e| e.to_string())?;
    let Some(row) = rows.next().map_err(|e| e.to_string())? else {
        return Ok(None);
    };
    let entry = read_entry(row, true).map_err(|fault| match fault {
        RowFault::Sqlite(error) => error.to_string(),
        RowFault::Damaged { reason, .. } => reason,
    })?;
    check_link(&entry, sequence, prev).map_err(|error| error.to_string())?;
    Ok(Some(entry))
}

impl SqliteStore {
    /// Copies every intact event of a damaged database, in order, up to the first damaged or
    /// missing one, into a new database at `into` (which must not exist); the damaged file is
    /// left untouched. Each event is re-hashed and its chain link checked on the way. Snapshots,
    /// checkpoints and idempotency keys that only concern the kept events are copied too.
    ///
    /// Events SQLite can no longer reach (a truncated file loses the b-tree pages above
    /// surviving leaves) are read from the file's pages directly; that fallback reads the
    /// whole file into memory.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::InvalidInput`] if `into` exists; errors creating or writing the new
    /// database. Damage in the old one is not an error: it is reported.
    ///
    /// ```
    /// use reactive_sourcing::{Append, EventStore, ExpectedVersion, NewEvent, SqliteStore};
    /// let dir = tempfile::tempdir()?;
    /// let (damaged, fresh) = (dir.path().join("old.sqlite"), dir.path().join("new.sqlite"));
    /// let store = SqliteStore::open(&damaged)?;
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 1.into())))?;
    /// drop(store);
    /// let report = SqliteStore::recover(&damaged, &fresh)?;
    /// assert_eq!((report.kept, report.damage), (1, None));
    /// assert_eq!(SqliteStore::open(&fresh)?.head()?, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recover(
        damaged: impl AsRef<Path>,
        into: impl AsRef<Path>,
    ) -> Result<RecoveryReport, EventStoreError> {
        let (damaged, into) = (damaged.as_ref(), into.as_ref());
        if into.exists() {
            return Err(EventStoreError::InvalidInput {
                reason: format!(
                    "`{}` exists; recovery writes a new database",
                    into.display()
                ),
            });
        }
        let target = SqliteStore::open(into)?;
        let mut report = RecoveryReport {
            kept: 0,
            damage: None,
            snapshots_set_aside: None,
        };
        let source = match Connection::open(damaged) {
            Ok(source) => source,
            Err(error) => {
                report.damage = Some(Damage {
                    position: Position::Header,
                    reason: error.to_string(),
                    set_aside: None,
                });
                return Ok(report);
            }
        };
        let head: Option<u64> = source
            .query_row("SELECT max(sequence) FROM events", [], |row| {
                row.get::<_, Option<i64>>(0)
            })
            .ok()
            .map(|head| head.unwrap_or(0).unsigned_abs());
        let mut connection = target.lock();
        let fail = |e| corrupt_or(into, e, Position::Header);
        let transaction = connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(fail)?;
        let mut prev = EventHash::GENESIS;
        let mut sequence = 1;
        // Rows SQLite cannot reach any more, read from the pages: built on the first failure.
        let mut scanned: Option<BTreeMap<u64, Vec<LogEntry>>> = None;
        let mut last_error: Option<String> = None;
        loop {
            let entry = match read_checked(&source, sequence, &prev) {
                Ok(Some(entry)) => entry,
                Ok(None) if head.is_some_and(|head| head < sequence) => break,
                outcome => {
                    if let Err(reason) = outcome {
                        last_error = Some(reason);
                    }
                    let rows = scanned.get_or_insert_with(|| {
                        std::fs::read(damaged)
                            .map(|file| scan_event_rows(&file))
                            .unwrap_or_default()
                    });
                    let candidate = rows.get(&sequence).and_then(|copies| {
                        copies
                            .iter()
                            .find(|copy| check_link(copy, sequence, &prev).is_ok())
                    });
                    match candidate {
                        Some(entry) => entry.clone(),
                        None => {
                            let reason = match (&last_error, head) {
                                (Some(error), _) => error.clone(),
                                (None, Some(head)) => {
                                    format!("missing (the log goes up to {head})")
                                }
                                (None, None) => "missing".to_owned(),
                            };
                            report.damage = Some(Damage {
                                position: Position::Sequence(sequence),
                                reason,
                                set_aside: None,
                            });
                            break;
                        }
                    }
                }
            };
            insert_entry(&transaction, &entry).map_err(fail)?;
            prev = entry.hash();
            report.kept += 1;
            sequence += 1;
        }
        copy_side_tables(&source, &transaction, report.kept).map_err(fail)?;
        transaction.commit().map_err(fail)?;
        Ok(report)
    }
}

/// Copies the rows of the small tables that only concern kept events. They are derived or
/// bookkeeping data: a side table that cannot be read is skipped (the events are what matter,
/// and their idempotency keys are also on the events themselves).
fn copy_side_tables(
    source: &Connection,
    target: &rusqlite::Transaction<'_>,
    kept: u64,
) -> rusqlite::Result<()> {
    let kept_version = |stream: &str| -> rusqlite::Result<i64> {
        target.query_row(
            "SELECT coalesce(max(version), 0) FROM events WHERE stream = ?1",
            [stream],
            |row| row.get(0),
        )
    };
    if let Ok(mut statement) = source.prepare(
        "SELECT key, stream, digest, stream_version, first_sequence, end_sequence FROM idempotency",
    ) {
        let rows = statement.query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, Vec<u8>>(2)?,
                row.get::<_, i64>(3)?,
                row.get::<_, i64>(4)?,
                row.get::<_, i64>(5)?,
            ))
        });
        for (key, stream, digest, version, first, end) in rows.into_iter().flatten().flatten() {
            if end.unsigned_abs() <= kept + 1 {
                target.execute(
                    "INSERT INTO idempotency (key, stream, digest, stream_version, first_sequence, \
                     end_sequence) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![key, stream, digest, version, first, end],
                )?;
            }
        }
    }
    if let Ok(mut statement) = source.prepare("SELECT stream, through_version FROM compactions") {
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        });
        for (stream, through) in rows.into_iter().flatten().flatten() {
            if through <= kept_version(&stream)? {
                target.execute(
                    "INSERT INTO compactions (stream, through_version) VALUES (?1, ?2)",
                    params![stream, through],
                )?;
            }
        }
    }
    if let Ok(mut statement) = source.prepare("SELECT stream, body FROM snapshots") {
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        });
        for (stream, body) in rows.into_iter().flatten().flatten() {
            let version = serde_json::from_str::<crate::store::StreamSnapshot>(&body)
                .map(|snapshot| to_i64(snapshot.version));
            if version.is_ok_and(|version| version <= kept_version(&stream).unwrap_or(0)) {
                target.execute(
                    "INSERT INTO snapshots (stream, body) VALUES (?1, ?2)",
                    params![stream, body],
                )?;
            }
        }
    }
    if let Ok(mut statement) = source.prepare("SELECT name, position FROM checkpoints") {
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)?))
        });
        for (name, position) in rows.into_iter().flatten().flatten() {
            let position = position.min(to_i64(kept + 1));
            target.execute(
                "INSERT INTO checkpoints (name, position) VALUES (?1, ?2)",
                params![name, position],
            )?;
        }
    }
    Ok(())
}
