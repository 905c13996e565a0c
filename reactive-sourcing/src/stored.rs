//! What the two SQL backends (SQLite, PostgreSQL) share when they read their `events` tables:
//! the columns they select, and how a row's decoded columns become an event — its hash checked
//! over the payload exactly as stored, then its payload parsed. Each backend decodes the
//! columns its own way (its driver's types, its own damage reports).

use crate::chain::HashInput;
use crate::event::{EventHash, LogEntry, Metadata, RecordedEvent};

/// The columns of the `events` table a log entry is read from, in the order the backends'
/// `read_entry` reads them (a macro, so that `concat!` builds each statement's text at compile
/// time: both backends prepare a statement once per text).
macro_rules! entry_columns {
    () => {
        "sequence, stream, version, event_type, schema_version, payload, timestamp_ms, \
         principal, causation_id, correlation_id, idempotency_key, prev_hash, hash, compacted"
    };
}
pub(crate) use entry_columns;

/// Sequence numbers, versions and times are stored as 64-bit signed integers; they never come
/// near `i64::MAX`, and a value that did would saturate rather than wrap.
pub(crate) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// An event row's columns, decoded but not yet checked.
pub(crate) struct StoredEvent<'a> {
    pub sequence: u64,
    pub stream: String,
    pub version: u64,
    pub event_type: String,
    pub schema_version: u32,
    /// The payload's JSON exactly as stored: the hash covers these bytes.
    pub payload_json: &'a [u8],
    pub metadata: Metadata,
    pub idempotency_key: Option<String>,
    pub prev_hash: EventHash,
    pub hash: EventHash,
}

impl StoredEvent<'_> {
    /// The event, its payload parsed; with `verify`, only if its content re-hashes to its
    /// stored hash.
    ///
    /// # Errors
    ///
    /// Why the row is damaged (a hash mismatch, a payload that is not JSON), for the backend to
    /// report at the row's sequence.
    pub(crate) fn into_event(self, verify: bool) -> Result<RecordedEvent, String> {
        if verify {
            let computed = HashInput {
                sequence: self.sequence,
                stream: &self.stream,
                version: self.version,
                event_type: &self.event_type,
                schema_version: self.schema_version,
                payload_json: self.payload_json,
                metadata: &self.metadata,
                idempotency_key: self.idempotency_key.as_deref(),
            }
            .hash(&self.prev_hash);
            if computed != self.hash {
                return Err("the event's content does not match its hash".into());
            }
        }
        let payload = serde_json::from_slice(self.payload_json)
            .map_err(|error| format!("the payload is not JSON: {error}"))?;
        Ok(RecordedEvent {
            sequence: self.sequence,
            stream: self.stream,
            version: self.version,
            event_type: self.event_type,
            schema_version: self.schema_version,
            payload,
            metadata: self.metadata,
            idempotency_key: self.idempotency_key,
            prev_hash: self.prev_hash,
            hash: self.hash,
        })
    }
}

/// The events among `entries`, compacted stubs left out (what `read_all` and `read_stream`
/// return).
pub(crate) fn only_events(entries: Vec<LogEntry>) -> Vec<RecordedEvent> {
    entries
        .into_iter()
        .filter_map(|entry| match entry {
            LogEntry::Event(event) => Some(event),
            LogEntry::Compacted(_) => None,
        })
        .collect()
}
