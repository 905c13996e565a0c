//! The tamper-evident audit chain: each event's hash covers the previous event's hash and its
//! own content, so altering, removing, inserting or reordering any event breaks every link
//! after it.

use sha2::{Digest, Sha256};

use crate::error::{BrokenLink, EventStoreError, LinkFault};
use crate::event::{EventHash, LogEntry, Metadata, RecordedEvent};
use crate::store::EventStore;

/// Separates this hash from any other use of SHA-256 over similar bytes; bump the suffix if
/// the encoding below ever changes.
const DOMAIN: &[u8] = b"reactive-store/event/v1\0";

/// The fields an event's hash covers, with the payload as the exact JSON bytes that are hashed.
pub(crate) struct HashInput<'a> {
    pub sequence: u64,
    pub stream: &'a str,
    pub version: u64,
    pub event_type: &'a str,
    pub schema_version: u32,
    pub payload_json: &'a [u8],
    pub metadata: &'a Metadata,
    pub idempotency_key: Option<&'a str>,
}

impl HashInput<'_> {
    /// `SHA-256(domain ‖ prev ‖ fields)`, every variable-length field length-prefixed so no two
    /// different events encode to the same bytes.
    pub(crate) fn hash(&self, prev: &EventHash) -> EventHash {
        let mut hasher = Sha256::new();
        hasher.update(DOMAIN);
        hasher.update(prev.0);
        hasher.update(self.sequence.to_be_bytes());
        put_bytes(&mut hasher, self.stream.as_bytes());
        hasher.update(self.version.to_be_bytes());
        put_bytes(&mut hasher, self.event_type.as_bytes());
        hasher.update(self.schema_version.to_be_bytes());
        put_bytes(&mut hasher, self.payload_json);
        hasher.update(self.metadata.timestamp_ms.to_be_bytes());
        put_optional(&mut hasher, self.metadata.principal.as_deref());
        put_optional(&mut hasher, self.metadata.causation_id.as_deref());
        put_optional(&mut hasher, self.metadata.correlation_id.as_deref());
        put_optional(&mut hasher, self.idempotency_key);
        EventHash(hasher.finalize().into())
    }
}

fn put_bytes(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u64).to_be_bytes());
    hasher.update(bytes);
}

fn put_optional(hasher: &mut Sha256, text: Option<&str>) {
    match text {
        None => hasher.update([0u8]),
        Some(text) => {
            hasher.update([1u8]);
            put_bytes(hasher, text.as_bytes());
        }
    }
}

/// The payload's canonical JSON bytes: what is stored and what is hashed.
///
/// Serialising a `serde_json::Value` is deterministic, and parsing those bytes and serialising
/// again gives the same bytes, so a hash can be checked from a decoded record.
pub(crate) fn payload_bytes(payload: &serde_json::Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    write_payload(&mut bytes, payload);
    bytes
}

/// [`payload_bytes`] into a buffer the caller reuses.
pub(crate) fn write_payload(buffer: &mut Vec<u8>, payload: &serde_json::Value) {
    // Serialising a `Value` into a `Vec` cannot fail: its keys are strings and it holds no
    // non-finite floats.
    let _ = serde_json::to_writer(buffer, payload);
}

impl RecordedEvent {
    /// The hash this event should carry, computed from its `prev_hash` and content.
    ///
    /// ```
    /// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
    /// let store = MemoryStore::new();
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 1.into())))?;
    /// let mut event = store.read_all(1, 1)?.remove(0);
    /// assert_eq!(event.computed_hash(), event.hash);
    /// event.payload = 2.into(); // tampering shows
    /// assert_ne!(event.computed_hash(), event.hash);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn computed_hash(&self) -> EventHash {
        self.hash_input(&payload_bytes(&self.payload))
            .hash(&self.prev_hash)
    }

    pub(crate) fn hash_input<'a>(&'a self, payload_json: &'a [u8]) -> HashInput<'a> {
        HashInput {
            sequence: self.sequence,
            stream: &self.stream,
            version: self.version,
            event_type: &self.event_type,
            schema_version: self.schema_version,
            payload_json,
            metadata: &self.metadata,
            idempotency_key: self.idempotency_key.as_deref(),
        }
    }
}

/// What [`verify_chain`] checked.
///
/// ```
/// use reactive_sourcing::{verify_chain, MemoryStore};
/// let report = verify_chain(&MemoryStore::new())?;
/// assert_eq!((report.events, report.compacted), (0, 0));
/// assert!(report.head.is_genesis());
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Live events whose content was re-hashed.
    pub events: u64,
    /// Compaction stubs whose links were checked (their content is in the archive).
    pub compacted: u64,
    /// The hash of the last entry: publish or sign it to make truncation of the tail evident.
    pub head: EventHash,
}

/// How many log entries [`verify_chain`] reads per page.
const VERIFY_PAGE: usize = 1024;

/// Walks the whole log in pages and checks every link of the audit chain: sequence numbers
/// without gaps, each `prev_hash` equal to the previous entry's hash, each live event's content
/// hashing to its recorded hash.
///
/// Memory stays bounded by the page size, whatever the size of the log.
///
/// # Errors
///
/// [`EventStoreError::BrokenChain`] naming the first broken link, or the store's read error.
///
/// ```
/// use reactive_sourcing::{verify_chain, Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
/// let store = MemoryStore::new();
/// for i in 0..3 {
///     store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, i.into())))?;
/// }
/// let report = verify_chain(&store)?;
/// assert_eq!(report.events, 3);
/// assert_eq!(report.head, store.read_all(3, 1)?[0].hash);
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
pub fn verify_chain<S: EventStore + ?Sized>(store: &S) -> Result<ChainReport, EventStoreError> {
    let mut report = ChainReport {
        events: 0,
        compacted: 0,
        head: EventHash::GENESIS,
    };
    let mut next = 1;
    loop {
        let page = store.read_log(next, VERIFY_PAGE)?;
        if page.is_empty() {
            return Ok(report);
        }
        for entry in &page {
            check_link(entry, next, &report.head)?;
            match entry {
                LogEntry::Event(_) => report.events += 1,
                LogEntry::Compacted(_) => report.compacted += 1,
            }
            report.head = entry.hash();
            next += 1;
        }
    }
}

/// Checks one entry against the sequence number and previous hash it must have.
pub(crate) fn check_link(
    entry: &LogEntry,
    expected_sequence: u64,
    prev: &EventHash,
) -> Result<(), EventStoreError> {
    let sequence = entry.sequence();
    let broken = |fault| {
        Err(EventStoreError::BrokenChain(BrokenLink {
            sequence: sequence.min(expected_sequence),
            fault,
        }))
    };
    if sequence != expected_sequence {
        return broken(LinkFault::Missing {
            expected: expected_sequence,
        });
    }
    if entry.prev_hash() != *prev {
        return broken(LinkFault::PrevHashMismatch);
    }
    if let LogEntry::Event(event) = entry
        && event.computed_hash() != event.hash
    {
        return broken(LinkFault::ContentAltered);
    }
    Ok(())
}
