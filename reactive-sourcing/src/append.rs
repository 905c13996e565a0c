//! The append flow, written once for every backend: validate the batch, answer a retried
//! idempotency key, check the expected version, stop at an empty batch, seal the events
//! (sequence numbers, versions, chain hashes) and hand them to the backend to write, all under
//! the backend's lock or transaction.
//!
//! A backend implements [`AppendBackend`] (how to open a session under its lock or
//! transaction) and [`AppendSession`] (look up a key, read where the log stands, write a sealed
//! batch); the rules live only in [`append`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::chain::{HashInput, payload_bytes, write_payload};
use crate::error::EventStoreError;
use crate::event::{Append, Appended, EventHash, NewEvent, RecordedEvent};

/// Where the log stands when an append begins, read under the backend's lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct LogPosition {
    /// The version of the batch's stream (0 if it has no events).
    pub stream_version: u64,
    /// The sequence of the last entry of the log (0 if empty).
    pub head: u64,
    /// The hash of that entry ([`EventHash::GENESIS`] if the log is empty).
    pub last_hash: EventHash,
}

/// What the append flow asks of a backend while it holds the backend's lock or transaction.
/// A session only stores and fetches; it makes no decision.
pub(crate) trait AppendSession {
    /// The record stored for idempotency key `key`, if any.
    fn idempotency_record(
        &mut self,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, EventStoreError>;

    /// The stream's version and the log's last entry.
    fn position(&mut self, stream: &str) -> Result<LogPosition, EventStoreError>;

    /// Writes the sealed events and, if the batch has a key, its [`IdempotencyRecord`]
    /// ([`SealedBatch::idempotency_record`]), atomically: all of it or nothing.
    fn write(&mut self, batch: SealedBatch) -> Result<(), EventStoreError>;
}

/// A backend the append flow runs on.
pub(crate) trait AppendBackend {
    /// Runs `body` in a session under the backend's lock or transaction. What the session
    /// wrote is made durable before this returns `Ok`; if `body` fails, nothing stays written.
    fn with_session<R>(
        &self,
        body: impl FnOnce(&mut dyn AppendSession) -> Result<R, EventStoreError>,
    ) -> Result<R, EventStoreError>;
}

/// Appends `batch` to `backend`: the one implementation of [`EventStore::append`]'s rules.
///
/// [`EventStore::append`]: crate::EventStore::append
pub(crate) fn append(
    backend: &impl AppendBackend,
    batch: Append,
) -> Result<Appended, EventStoreError> {
    batch.validate()?;
    let digest = batch.idempotency_key.as_ref().map(|_| batch_digest(&batch));
    backend.with_session(|session| {
        if let (Some(key), Some(digest)) = (&batch.idempotency_key, &digest)
            && let Some(record) = session.idempotency_record(key)?
        {
            return answer_duplicate(key, &record, &batch, digest);
        }
        let position = session.position(&batch.stream)?;
        check_expected(&batch, position.stream_version)?;
        if batch.events.is_empty() {
            return Ok(Appended {
                stream_version: position.stream_version,
                sequences: 0..0,
                duplicate: false,
            });
        }
        let sealed = SealedBatch {
            batch,
            digest,
            first_sequence: position.head + 1,
            stream_version: position.stream_version,
            prev: position.last_hash,
        };
        let result = sealed.result();
        session.write(sealed)?;
        Ok(result)
    })
}

/// A batch that passed every check, placed after the log's last entry. Backends write it
/// either from borrowed fields ([`SealedBatch::for_each_event`], one reused payload buffer) or
/// as records ([`SealedBatch::into_records`]).
#[derive(Debug)]
pub(crate) struct SealedBatch {
    batch: Append,
    digest: Option<EventHash>,
    first_sequence: u64,
    /// The stream's version before the batch.
    stream_version: u64,
    /// The hash of the entry before the batch.
    prev: EventHash,
}

/// One event of a [`SealedBatch`], with its place in the log and its hashes.
#[cfg_attr(
    not(feature = "sqlite"),
    allow(
        dead_code,
        reason = "the SQLite backend binds every borrowed field; PostgreSQL takes the stream and \
                  key once per batch; the others take records"
    )
)]
pub(crate) struct SealedEvent<'a> {
    pub sequence: u64,
    pub stream: &'a str,
    pub version: u64,
    pub event: &'a NewEvent,
    /// The payload's canonical JSON: what is hashed, and what a backend storing text stores.
    pub payload_json: &'a [u8],
    pub idempotency_key: Option<&'a str>,
    pub prev_hash: EventHash,
    pub hash: EventHash,
}

impl SealedBatch {
    /// The stream the batch appends to.
    pub(crate) fn stream(&self) -> &str {
        &self.batch.stream
    }

    /// What the batch expected of its stream's version.
    #[cfg_attr(
        not(feature = "postgres"),
        allow(
            dead_code,
            reason = "only the PostgreSQL backend reports conflicts it meets late"
        )
    )]
    pub(crate) fn expected(&self) -> crate::event::ExpectedVersion {
        self.batch.expected
    }

    /// The batch's idempotency key.
    pub(crate) fn idempotency_key(&self) -> Option<&str> {
        self.batch.idempotency_key.as_deref()
    }

    /// [`batch_digest`] of the batch, if it has an idempotency key.
    pub(crate) fn digest(&self) -> Option<EventHash> {
        self.digest
    }

    /// Events in the batch (never 0).
    pub(crate) fn len(&self) -> usize {
        self.batch.events.len()
    }

    /// What the append answers once the batch is written.
    pub(crate) fn result(&self) -> Appended {
        let count = self.len() as u64;
        Appended {
            stream_version: self.stream_version + count,
            sequences: self.first_sequence..self.first_sequence + count,
            duplicate: false,
        }
    }

    /// The key and the record to store with the events, if the batch has a key.
    pub(crate) fn idempotency_record(&self) -> Option<(String, IdempotencyRecord)> {
        let key = self.batch.idempotency_key.clone()?;
        let digest = self.digest?;
        Some((
            key,
            IdempotencyRecord {
                stream: self.batch.stream.clone(),
                digest,
                result: self.result(),
            },
        ))
    }

    /// Calls `write` with each event in order, its sequence, version and chain hashes
    /// computed; each payload is serialised once, into one reused buffer. Stops at the first
    /// error.
    pub(crate) fn for_each_event<E>(
        &self,
        mut write: impl FnMut(SealedEvent<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let key = self.idempotency_key();
        let mut prev = self.prev;
        let mut payload = Vec::new();
        for (offset, event) in (0u64..).zip(&self.batch.events) {
            payload.clear();
            write_payload(&mut payload, &event.payload);
            let (sequence, version) = (
                self.first_sequence + offset,
                self.stream_version + offset + 1,
            );
            let hash = HashInput {
                sequence,
                stream: &self.batch.stream,
                version,
                event_type: &event.event_type,
                schema_version: event.schema_version,
                payload_json: &payload,
                metadata: &event.metadata,
                idempotency_key: key,
            }
            .hash(&prev);
            write(SealedEvent {
                sequence,
                stream: &self.batch.stream,
                version,
                event,
                payload_json: &payload,
                idempotency_key: key,
                prev_hash: prev,
                hash,
            })?;
            prev = hash;
        }
        Ok(())
    }

    /// The batch as recorded events (payloads moved, not copied).
    pub(crate) fn into_records(self) -> Vec<RecordedEvent> {
        let mut hashes = Vec::with_capacity(self.len());
        let sealed: Result<(), std::convert::Infallible> = self.for_each_event(|event| {
            hashes.push((event.sequence, event.version, event.prev_hash, event.hash));
            Ok(())
        });
        let Ok(()) = sealed;
        let Append {
            stream,
            events,
            idempotency_key,
            ..
        } = self.batch;
        events
            .into_iter()
            .zip(hashes)
            .map(
                |(event, (sequence, version, prev_hash, hash))| RecordedEvent {
                    sequence,
                    stream: stream.clone(),
                    version,
                    event_type: event.event_type,
                    schema_version: event.schema_version,
                    payload: event.payload,
                    metadata: event.metadata,
                    idempotency_key: idempotency_key.clone(),
                    prev_hash,
                    hash,
                },
            )
            .collect()
    }
}

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
fn batch_digest(batch: &Append) -> EventHash {
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
fn answer_duplicate(
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

/// Checks the expected version; the conflict error when it does not hold.
fn check_expected(batch: &Append, actual: u64) -> Result<(), EventStoreError> {
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
