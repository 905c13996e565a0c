//! Rows of the `events` table: reading one as a log entry (its hash checked) and inserting a
//! sealed batch.

use postgres::Row;

use super::connection::Connection;

use crate::append::SealedBatch;
use crate::error::{EventStoreError, Position};
use crate::event::{Append, CompactedEvent, EventHash, LogEntry, Metadata};
use crate::stored::{StoredEvent, to_i64};

/// A damaged row: [`EventStoreError::Corrupt`] at its sequence.
fn damaged(sequence: u64, reason: impl Into<String>) -> EventStoreError {
    EventStoreError::Corrupt {
        path: None,
        position: Position::Sequence(sequence),
        reason: reason.into(),
    }
}

fn unsigned(row: &Row, column: usize, sequence: u64) -> Result<u64, EventStoreError> {
    let value: i64 = row.try_get(column)?;
    u64::try_from(value).map_err(|_| {
        damaged(
            sequence,
            format!("column {column} holds the negative {value}"),
        )
    })
}

fn hash(row: &Row, column: usize, sequence: u64) -> Result<EventHash, EventStoreError> {
    let bytes: &[u8] = row.try_get(column)?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|_| damaged(sequence, format!("column {column} is not a 32-byte hash")))?;
    Ok(EventHash(bytes))
}

/// Reads one row (selected as `entry_columns!()`, in `stored.rs`) as a log entry. With `verify`, an event's
/// content is re-hashed over the payload's text exactly as stored and must match its stored
/// hash.
pub(super) fn read_entry(row: &Row, verify: bool) -> Result<LogEntry, EventStoreError> {
    let raw_sequence: i64 = row.try_get(0)?;
    let sequence = u64::try_from(raw_sequence)
        .map_err(|_| damaged(0, format!("negative sequence {raw_sequence}")))?;
    let stream: String = row.try_get(1)?;
    let version = unsigned(row, 2, sequence)?;
    let prev_hash = hash(row, 11, sequence)?;
    let hash_value = hash(row, 12, sequence)?;
    if row.try_get::<_, bool>(13)? {
        return Ok(LogEntry::Compacted(CompactedEvent {
            sequence,
            stream,
            version,
            prev_hash,
            hash: hash_value,
        }));
    }
    let event_type: String = row.try_get(3)?;
    let raw_schema_version: i64 = row.try_get(4)?;
    let schema_version = u32::try_from(raw_schema_version).map_err(|_| {
        damaged(
            sequence,
            format!("schema version {raw_schema_version} does not fit 32 bits"),
        )
    })?;
    let payload_text: Option<&str> = row.try_get(5)?;
    let payload_text = payload_text.ok_or_else(|| damaged(sequence, "the payload is missing"))?;
    let metadata = Metadata {
        timestamp_ms: unsigned(row, 6, sequence)?,
        principal: row.try_get(7)?,
        causation_id: row.try_get(8)?,
        correlation_id: row.try_get(9)?,
    };
    let idempotency_key: Option<String> = row.try_get(10)?;
    let event = StoredEvent {
        sequence,
        stream,
        version,
        event_type,
        schema_version,
        payload_json: payload_text.as_bytes(),
        metadata,
        idempotency_key,
        prev_hash,
        hash: hash_value,
    };
    Ok(LogEntry::Event(
        event
            .into_event(verify)
            .map_err(|reason| damaged(sequence, reason))?,
    ))
}

/// Refuses text PostgreSQL cannot store: a NUL character (SQLite and the files store it; a
/// PostgreSQL `text` cannot hold it). Checked before the text reaches the server, so the error
/// is typed rather than the server's.
pub(super) fn storable(what: &str, text: &str) -> Result<(), EventStoreError> {
    if text.contains('\0') {
        Err(EventStoreError::InvalidInput {
            reason: format!(
                "the {what} contains a NUL character, which PostgreSQL text cannot hold"
            ),
        })
    } else {
        Ok(())
    }
}

/// Checks every text of a batch with [`storable`].
pub(super) fn check_storable(batch: &Append) -> Result<(), EventStoreError> {
    storable("stream id", &batch.stream)?;
    if let Some(key) = &batch.idempotency_key {
        storable("idempotency key", key)?;
    }
    for event in &batch.events {
        storable("event type", &event.event_type)?;
        let metadata = &event.metadata;
        for (what, text) in [
            ("principal", &metadata.principal),
            ("causation id", &metadata.causation_id),
            ("correlation id", &metadata.correlation_id),
        ] {
            if let Some(text) = text {
                storable(what, text)?;
            }
        }
    }
    Ok(())
}

/// Writes a sealed batch inside the caller's transaction, in one statement (one round trip,
/// however many events): its events, their columns passed as arrays and expanded by `unnest`;
/// its idempotency record, if it has a key; and the notification of the new head on
/// `channel`, which PostgreSQL delivers when (and only if) the transaction commits. (Every
/// data-modifying `WITH` runs to completion whether or not the query reads it.)
pub(super) fn insert_sealed(
    connection: &mut Connection,
    batch: &SealedBatch,
    channel: &str,
) -> Result<(), postgres::Error> {
    let len = batch.len();
    let mut sequences = Vec::with_capacity(len);
    let mut versions = Vec::with_capacity(len);
    let mut types = Vec::with_capacity(len);
    let mut schema_versions = Vec::with_capacity(len);
    let mut payloads = Vec::with_capacity(len);
    let mut timestamps = Vec::with_capacity(len);
    let mut principals = Vec::with_capacity(len);
    let mut causations = Vec::with_capacity(len);
    let mut correlations = Vec::with_capacity(len);
    let mut prev_hashes = Vec::with_capacity(len);
    let mut hashes = Vec::with_capacity(len);
    let sealed: Result<(), std::convert::Infallible> = batch.for_each_event(|event| {
        sequences.push(to_i64(event.sequence));
        versions.push(to_i64(event.version));
        types.push(event.event.event_type.clone());
        schema_versions.push(i64::from(event.event.schema_version));
        // Serialised JSON is UTF-8; the fallback is never taken.
        payloads.push(String::from_utf8(event.payload_json.to_vec()).unwrap_or_default());
        let metadata = &event.event.metadata;
        timestamps.push(to_i64(metadata.timestamp_ms));
        principals.push(metadata.principal.clone());
        causations.push(metadata.causation_id.clone());
        correlations.push(metadata.correlation_id.clone());
        prev_hashes.push(event.prev_hash.0);
        hashes.push(event.hash.0);
        Ok(())
    });
    let Ok(()) = sealed;
    let prev_hashes: Vec<&[u8]> = prev_hashes.iter().map(<[u8; 32]>::as_slice).collect();
    let hashes: Vec<&[u8]> = hashes.iter().map(<[u8; 32]>::as_slice).collect();
    let result = batch.result();
    // With no key, `$3` is NULL and no idempotency row is inserted.
    let digest = batch.digest().map(|digest| digest.0);
    let head = (result.sequences.end - 1).to_string();
    connection.execute(
        "WITH inserted AS ( \
             INSERT INTO events (sequence, stream, version, event_type, schema_version, payload, \
                                 timestamp_ms, principal, causation_id, correlation_id, \
                                 idempotency_key, prev_hash, hash) \
             SELECT e.sequence, $2, e.version, e.event_type, e.schema_version, e.payload, \
                    e.timestamp_ms, e.principal, e.causation_id, e.correlation_id, $3, \
                    e.prev_hash, e.hash \
             FROM unnest($1::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::text[], \
                         $8::bigint[], $9::text[], $10::text[], $11::text[], $12::bytea[], \
                         $13::bytea[]) \
                  AS e(sequence, version, event_type, schema_version, payload, timestamp_ms, \
                       principal, causation_id, correlation_id, prev_hash, hash) \
             ORDER BY e.sequence \
         ), keyed AS ( \
             INSERT INTO idempotency (key, stream, digest, stream_version, first_sequence, \
                                      end_sequence) \
             SELECT $3, $2, $14, $15, $16, $17 WHERE $3::text IS NOT NULL \
         ) \
         SELECT pg_notify($18, $19)",
        &[
            &sequences,
            &batch.stream(),
            &batch.idempotency_key(),
            &versions,
            &types,
            &schema_versions,
            &payloads,
            &timestamps,
            &principals,
            &causations,
            &correlations,
            &prev_hashes,
            &hashes,
            &digest.as_ref().map(<[u8; 32]>::as_slice),
            &to_i64(result.stream_version),
            &to_i64(result.sequences.start),
            &to_i64(result.sequences.end),
            &channel,
            &head,
        ],
    )?;
    Ok(())
}
