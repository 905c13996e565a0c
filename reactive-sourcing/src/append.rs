//! The part of an append every backend shares: idempotency bookkeeping and sealing a batch into
//! recorded events (sequence numbers, versions, hashes).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::chain::payload_bytes;
use crate::error::EventStoreError;
use crate::event::{Append, Appended, EventHash, RecordedEvent};

/// What a store keeps per idempotency key, in the same transaction as the events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IdempotencyRecord {
    /// The stream the batch was for.
    pub stream: String,
    /// [`batch_digest`] of the batch.
    pub digest: EventHash,
    /// What the first append answered.
    pub result: Appended,
}

/// A digest of what makes two batches "the same request": the stream and each event's type,
/// schema version and payload. Metadata is left out on purpose: a retry rebuilds its events
/// and stamps them with a new time.
pub(crate) fn batch_digest(batch: &Append) -> EventHash {
    let mut hasher = Sha256::new();
    hasher.update(b"reactive-store/batch/v1\0");
    hasher.update((batch.stream.len() as u64).to_be_bytes());
    hasher.update(batch.stream.as_bytes());
    for event in &batch.events {
        let payload = payload_bytes(&event.payload);
        hasher.update((event.event_type.len() as u64).to_be_bytes());
        hasher.update(event.event_type.as_bytes());
        hasher.update(event.schema_version.to_be_bytes());
        hasher.update((payload.len() as u64).to_be_bytes());
        hasher.update(&payload);
    }
    EventHash(hasher.finalize().into())
}

/// The answer to a batch whose key is already stored: the first result, marked duplicate, if
/// the batch is the same request; an error if the key was used for something else.
pub(crate) fn answer_duplicate(
    key: &str,
    record: &IdempotencyRecord,
    batch: &Append,
    digest: &EventHash,
) -> Result<Appended, EventStoreError> {
    if record.stream != batch.stream || record.digest != *digest {
        return Err(EventStoreError::IdempotencyKeyReused {
            key: key.to_owned(),
        });
    }
    Ok(Appended {
        duplicate: true,
        ..record.result.clone()
    })
}

/// Gives the batch's events their sequence numbers, versions and chain hashes.
pub(crate) fn seal(
    batch: Append,
    first_sequence: u64,
    stream_version: u64,
    mut prev: EventHash,
) -> Vec<RecordedEvent> {
    let Append {
        stream,
        events,
        idempotency_key,
        ..
    } = batch;
    let mut sealed = Vec::with_capacity(events.len());
    for (offset, event) in (0u64..).zip(events) {
        let payload_json = payload_bytes(&event.payload);
        let mut record = RecordedEvent {
            sequence: first_sequence + offset,
            stream: stream.clone(),
            version: stream_version + offset + 1,
            event_type: event.event_type,
            schema_version: event.schema_version,
            payload: event.payload,
            metadata: event.metadata,
            idempotency_key: idempotency_key.clone(),
            prev_hash: prev,
            hash: EventHash::GENESIS,
        };
        record.hash = record.hash_input(&payload_json).hash(&prev);
        prev = record.hash;
        sealed.push(record);
    }
    sealed
}

/// The result of a batch that was just written.
pub(crate) fn appended(sealed: &[RecordedEvent], stream_version: u64) -> Appended {
    match (sealed.first(), sealed.last()) {
        (Some(first), Some(last)) => Appended {
            stream_version: last.version,
            sequences: first.sequence..last.sequence + 1,
            duplicate: false,
        },
        _ => Appended {
            stream_version,
            sequences: 0..0,
            duplicate: false,
        },
    }
}

/// Checks the expected version; the conflict error when it does not hold.
pub(crate) fn check_expected(batch: &Append, actual: u64) -> Result<(), EventStoreError> {
    if batch.expected.accepts(actual) {
        Ok(())
    } else {
        Err(EventStoreError::Conflict {
            stream: batch.stream.clone(),
            expected: batch.expected,
            actual,
        })
    }
}
