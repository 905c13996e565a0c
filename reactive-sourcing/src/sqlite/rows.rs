//! Rows of the `events` table: reading one (with its hash checked) and inserting a batch.

use rusqlite::types::ValueRef;
use rusqlite::{CachedStatement, Row, Transaction, params};

use crate::append::SealedBatch;
use crate::event::{CompactedEvent, EventHash, LogEntry, Metadata};
use crate::stored::StoredEvent;
pub(super) use crate::stored::to_i64;

/// Why a row could not be read.
pub(super) enum RowFault {
    /// SQLite failed (possibly on a damaged page).
    Sqlite(rusqlite::Error),
    /// The row was read but its content is damaged.
    Damaged { sequence: u64, reason: String },
}

impl From<rusqlite::Error> for RowFault {
    fn from(error: rusqlite::Error) -> Self {
        RowFault::Sqlite(error)
    }
}

fn unsigned(row: &Row<'_>, column: usize, sequence: u64) -> Result<u64, RowFault> {
    let value: i64 = row.get(column)?;
    u64::try_from(value).map_err(|_| RowFault::Damaged {
        sequence,
        reason: format!("column {column} holds the negative number {value}"),
    })
}

fn text(row: &Row<'_>, column: usize, sequence: u64) -> Result<Option<String>, RowFault> {
    match row.get_ref(column)? {
        ValueRef::Null => Ok(None),
        value => {
            let bytes = value.as_bytes().map_err(|_| RowFault::Damaged {
                sequence,
                reason: format!("column {column} is not text"),
            })?;
            String::from_utf8(bytes.to_vec())
                .map(Some)
                .map_err(|_| RowFault::Damaged {
                    sequence,
                    reason: format!("column {column} is not valid UTF-8"),
                })
        }
    }
}

fn required_text(row: &Row<'_>, column: usize, sequence: u64) -> Result<String, RowFault> {
    text(row, column, sequence)?.ok_or_else(|| RowFault::Damaged {
        sequence,
        reason: format!("column {column} is empty"),
    })
}

fn hash(row: &Row<'_>, column: usize, sequence: u64) -> Result<EventHash, RowFault> {
    let bytes = row
        .get_ref(column)?
        .as_bytes()
        .map_err(|_| RowFault::Damaged {
            sequence,
            reason: format!("column {column} is not a hash"),
        })?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|_| RowFault::Damaged {
        sequence,
        reason: format!("column {column} is not a 32-byte hash"),
    })?;
    Ok(EventHash(bytes))
}

/// Reads one row (selected as `entry_columns!()`, in `stored.rs`) as a log entry. With `verify`, an event's content is re-hashed (over the
/// payload bytes exactly as stored) and must match its stored hash.
pub(super) fn read_entry(row: &Row<'_>, verify: bool) -> Result<LogEntry, RowFault> {
    let raw_sequence: i64 = row.get(0)?;
    let sequence = u64::try_from(raw_sequence).map_err(|_| RowFault::Damaged {
        sequence: 0,
        reason: format!("negative sequence {raw_sequence}"),
    })?;
    let stream = required_text(row, 1, sequence)?;
    let version = unsigned(row, 2, sequence)?;
    let prev_hash = hash(row, 11, sequence)?;
    let hash_value = hash(row, 12, sequence)?;
    let compacted: i64 = row.get(13)?;
    if compacted != 0 {
        return Ok(LogEntry::Compacted(CompactedEvent {
            sequence,
            stream,
            version,
            prev_hash,
            hash: hash_value,
        }));
    }
    let event_type = required_text(row, 3, sequence)?;
    let schema_version =
        u32::try_from(unsigned(row, 4, sequence)?).map_err(|_| RowFault::Damaged {
            sequence,
            reason: "the schema version does not fit 32 bits".into(),
        })?;
    let payload_ref = row.get_ref(5)?;
    let payload_bytes = payload_ref.as_bytes().map_err(|_| RowFault::Damaged {
        sequence,
        reason: "the payload is missing".into(),
    })?;
    let metadata = Metadata {
        timestamp_ms: unsigned(row, 6, sequence)?,
        principal: text(row, 7, sequence)?,
        causation_id: text(row, 8, sequence)?,
        correlation_id: text(row, 9, sequence)?,
    };
    let idempotency_key = text(row, 10, sequence)?;
    let event = StoredEvent {
        sequence,
        stream,
        version,
        event_type,
        schema_version,
        payload_json: payload_bytes,
        metadata,
        idempotency_key,
        prev_hash,
        hash: hash_value,
    };
    event
        .into_event(verify)
        .map(LogEntry::Event)
        .map_err(|reason| RowFault::Damaged { sequence, reason })
}

/// Inserts an event row: the one place the `events` columns are bound for writing.
const INSERT_EVENT: &str = "INSERT INTO events (sequence, stream, version, event_type, \
     schema_version, payload, timestamp_ms, principal, causation_id, correlation_id, \
     idempotency_key, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, \
     ?13)";

/// The fields of an event row, borrowed from wherever the event is.
struct EventRow<'a> {
    sequence: u64,
    stream: &'a str,
    version: u64,
    event_type: &'a str,
    schema_version: u32,
    payload_json: &'a str,
    metadata: &'a Metadata,
    idempotency_key: Option<&'a str>,
    prev_hash: &'a EventHash,
    hash: &'a EventHash,
}

impl EventRow<'_> {
    /// Runs `insert` (a prepared [`INSERT_EVENT`]) for this row.
    fn insert(&self, insert: &mut CachedStatement<'_>) -> rusqlite::Result<()> {
        insert
            .execute(params![
                to_i64(self.sequence),
                self.stream,
                to_i64(self.version),
                self.event_type,
                self.schema_version,
                self.payload_json,
                to_i64(self.metadata.timestamp_ms),
                self.metadata.principal,
                self.metadata.causation_id,
                self.metadata.correlation_id,
                self.idempotency_key,
                &self.prev_hash.0[..],
                &self.hash.0[..],
            ])
            .map(drop)
    }
}

/// Inserts a sealed batch (inside the caller's transaction), binding each event's fields and
/// its payload's JSON straight from the batch: no record is built.
pub(super) fn insert_sealed(
    transaction: &Transaction<'_>,
    batch: &SealedBatch,
) -> rusqlite::Result<()> {
    // Prepared once for the whole batch.
    let mut insert = transaction.prepare_cached(INSERT_EVENT)?;
    batch.for_each_event(|sealed| {
        EventRow {
            sequence: sealed.sequence,
            stream: sealed.stream,
            version: sealed.version,
            event_type: &sealed.event.event_type,
            schema_version: sealed.event.schema_version,
            // Serialised JSON is UTF-8; the fallback is never taken.
            payload_json: std::str::from_utf8(sealed.payload_json).unwrap_or_default(),
            metadata: &sealed.event.metadata,
            idempotency_key: sealed.idempotency_key,
            prev_hash: &sealed.prev_hash,
            hash: &sealed.hash,
        }
        .insert(&mut insert)
    })
}

/// Inserts one log entry as it was read (recovery copies entries this way, hashes included).
pub(super) fn insert_entry(
    transaction: &Transaction<'_>,
    entry: &LogEntry,
) -> rusqlite::Result<()> {
    match entry {
        LogEntry::Event(event) => {
            let payload = serde_json::to_string(&event.payload).unwrap_or_default();
            EventRow {
                sequence: event.sequence,
                stream: &event.stream,
                version: event.version,
                event_type: &event.event_type,
                schema_version: event.schema_version,
                payload_json: &payload,
                metadata: &event.metadata,
                idempotency_key: event.idempotency_key.as_deref(),
                prev_hash: &event.prev_hash,
                hash: &event.hash,
            }
            .insert(&mut transaction.prepare_cached(INSERT_EVENT)?)?;
        }
        LogEntry::Compacted(stub) => {
            transaction
                .prepare_cached(
                    "INSERT INTO events (sequence, stream, version, event_type, schema_version, \
                     timestamp_ms, prev_hash, hash, compacted) \
                     VALUES (?1, ?2, ?3, '', 0, 0, ?4, ?5, 1)",
                )?
                .execute(params![
                    to_i64(stub.sequence),
                    stub.stream,
                    to_i64(stub.version),
                    &stub.prev_hash.0[..],
                    &stub.hash.0[..],
                ])?;
        }
    }
    Ok(())
}
