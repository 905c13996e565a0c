//! What is appended ([`NewEvent`], [`Append`]) and what is read back ([`RecordedEvent`]).

use std::fmt;
use std::ops::Range;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::EventStoreError;
use crate::schema::DomainEvent;

/// Who did something, when, and why: the metadata stored with every event.
///
/// The batch's idempotency key is stored beside it, on [`RecordedEvent::idempotency_key`],
/// because it belongs to an append, not to one event.
///
/// ```
/// use reactive_sourcing::Metadata;
///
/// let meta = Metadata::now().principal("alice").correlation_id("req-7");
/// assert_eq!(meta.principal.as_deref(), Some("alice"));
/// assert!(meta.timestamp_ms > 0);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metadata {
    /// When the event happened, in milliseconds since the Unix epoch (the writer's clock).
    pub timestamp_ms: u64,
    /// Who caused it: a user, a service, a job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub principal: Option<String>,
    /// The id of the message (command, event) that directly caused this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub causation_id: Option<String>,
    /// The id shared by everything done for one request or workflow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

impl Metadata {
    /// Metadata stamped with the current time and nothing else.
    ///
    /// ```
    /// let meta = reactive_sourcing::Metadata::now();
    /// assert!(meta.principal.is_none());
    /// ```
    pub fn now() -> Self {
        Metadata {
            timestamp_ms: now_ms(),
            ..Metadata::default()
        }
    }

    /// Sets the principal.
    ///
    /// ```
    /// let meta = reactive_sourcing::Metadata::now().principal("bob");
    /// assert_eq!(meta.principal.as_deref(), Some("bob"));
    /// ```
    #[must_use]
    pub fn principal(mut self, principal: impl Into<String>) -> Self {
        self.principal = Some(principal.into());
        self
    }

    /// Sets the causation id.
    ///
    /// ```
    /// let meta = reactive_sourcing::Metadata::now().causation_id("cmd-1");
    /// assert_eq!(meta.causation_id.as_deref(), Some("cmd-1"));
    /// ```
    #[must_use]
    pub fn causation_id(mut self, id: impl Into<String>) -> Self {
        self.causation_id = Some(id.into());
        self
    }

    /// Sets the correlation id.
    ///
    /// ```
    /// let meta = reactive_sourcing::Metadata::now().correlation_id("req-1");
    /// assert_eq!(meta.correlation_id.as_deref(), Some("req-1"));
    /// ```
    #[must_use]
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        self.correlation_id = Some(id.into());
        self
    }

    /// Sets the timestamp (milliseconds since the Unix epoch), e.g. when importing history.
    ///
    /// ```
    /// let meta = reactive_sourcing::Metadata::now().at(1_000);
    /// assert_eq!(meta.timestamp_ms, 1_000);
    /// ```
    #[must_use]
    pub fn at(mut self, timestamp_ms: u64) -> Self {
        self.timestamp_ms = timestamp_ms;
        self
    }
}

/// The current time in milliseconds since the Unix epoch (0 if the clock is before it).
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// An event to append: its type name, schema version, payload and metadata.
///
/// Usually made from a typed event with [`NewEvent::from_domain`]; the raw constructor is for
/// tools, imports and tests.
///
/// ```
/// use reactive_sourcing::NewEvent;
/// use serde_json::json;
///
/// let event = NewEvent::new("Deposited", 2, json!({ "amount": 10 }));
/// assert_eq!(event.event_type, "Deposited");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The event type name, e.g. `"Deposited"`.
    pub event_type: String,
    /// The schema version of `payload` (see [`Schema`](crate::Schema) for upcasting).
    pub schema_version: u32,
    /// The event's data.
    pub payload: Value,
    /// Who, when, why.
    pub metadata: Metadata,
}

impl NewEvent {
    /// An event stamped with the current time.
    ///
    /// ```
    /// let event = reactive_sourcing::NewEvent::new("Opened", 1, serde_json::Value::Null);
    /// assert_eq!(event.schema_version, 1);
    /// ```
    pub fn new(event_type: impl Into<String>, schema_version: u32, payload: Value) -> Self {
        NewEvent {
            event_type: event_type.into(),
            schema_version,
            payload,
            metadata: Metadata::now(),
        }
    }

    /// Encodes a typed event: its type name and current version come from
    /// [`DomainEvent::TYPES`].
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Encode`] if the event does not serialise as an enum variant, and
    /// [`EventStoreError::UnknownEventType`] if its variant is missing from `TYPES`.
    ///
    /// ```
    /// use reactive_sourcing::{DomainEvent, NewEvent};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Serialize, Deserialize)]
    /// enum Light { On, Off }
    /// impl DomainEvent for Light {
    ///     const TYPES: &'static [(&'static str, u32)] = &[("On", 1), ("Off", 1)];
    /// }
    /// let event = NewEvent::from_domain(&Light::On)?;
    /// assert_eq!(event.event_type, "On");
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn from_domain<E: DomainEvent>(event: &E) -> Result<Self, EventStoreError> {
        let (event_type, schema_version, payload) = event.encode()?;
        Ok(NewEvent {
            event_type,
            schema_version,
            payload,
            metadata: Metadata::now(),
        })
    }

    /// Replaces the metadata.
    ///
    /// ```
    /// use reactive_sourcing::{Metadata, NewEvent};
    /// let event = NewEvent::new("Opened", 1, serde_json::Value::Null)
    ///     .with_metadata(Metadata::now().principal("alice"));
    /// assert_eq!(event.metadata.principal.as_deref(), Some("alice"));
    /// ```
    #[must_use]
    pub fn with_metadata(mut self, metadata: Metadata) -> Self {
        self.metadata = metadata;
        self
    }
}

/// The version a writer expects a stream to be at (optimistic concurrency).
///
/// A stream's version is the number of events in it: `0` before the first.
///
/// ```
/// use reactive_sourcing::ExpectedVersion;
/// assert!(ExpectedVersion::Exact(3).accepts(3));
/// assert!(ExpectedVersion::NoStream.accepts(0));
/// assert!(!ExpectedVersion::NoStream.accepts(1));
/// assert!(ExpectedVersion::Any.accepts(42));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExpectedVersion {
    /// Append whatever the stream's version (no concurrency check).
    Any,
    /// The stream must not exist yet (version 0).
    NoStream,
    /// The stream must be at exactly this version.
    Exact(u64),
}

impl ExpectedVersion {
    /// Whether a stream at `actual` satisfies this expectation.
    ///
    /// ```
    /// assert!(!reactive_sourcing::ExpectedVersion::Exact(2).accepts(3));
    /// ```
    pub fn accepts(self, actual: u64) -> bool {
        match self {
            ExpectedVersion::Any => true,
            ExpectedVersion::NoStream => actual == 0,
            ExpectedVersion::Exact(version) => actual == version,
        }
    }
}

impl fmt::Display for ExpectedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpectedVersion::Any => f.write_str("any version"),
            ExpectedVersion::NoStream => f.write_str("no stream"),
            ExpectedVersion::Exact(version) => write!(f, "version {version}"),
        }
    }
}

/// One atomic append: events for one stream, the version the writer expects, and an optional
/// idempotency key.
///
/// Either every event of the batch is written, or none is. A batch whose idempotency key was
/// already stored is not written again: the store answers with the first append's result.
///
/// ```
/// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
/// use serde_json::json;
///
/// let store = MemoryStore::new();
/// let batch = Append::new("account-1", ExpectedVersion::NoStream)
///     .event(NewEvent::new("Opened", 1, json!({})))
///     .event(NewEvent::new("Deposited", 1, json!({ "amount": 5 })))
///     .idempotency_key("open-account-1");
/// let appended = store.append(batch.clone())?;
/// assert_eq!(appended.stream_version, 2);
/// let retried = store.append(batch)?; // a retry is a no-op
/// assert!(retried.duplicate);
/// assert_eq!(store.head()?, 2);
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Append {
    /// The stream appended to.
    pub stream: String,
    /// The version the stream must be at.
    pub expected: ExpectedVersion,
    /// The events, in order.
    pub events: Vec<NewEvent>,
    /// Makes a retried append a no-op, forever.
    pub idempotency_key: Option<String>,
}

impl Append {
    /// An empty batch for `stream`.
    ///
    /// ```
    /// use reactive_sourcing::{Append, ExpectedVersion};
    /// let batch = Append::new("cart-9", ExpectedVersion::Any);
    /// assert!(batch.events.is_empty());
    /// ```
    pub fn new(stream: impl Into<String>, expected: ExpectedVersion) -> Self {
        Append {
            stream: stream.into(),
            expected,
            events: Vec::new(),
            idempotency_key: None,
        }
    }

    /// Adds one event.
    ///
    /// ```
    /// use reactive_sourcing::{Append, ExpectedVersion, NewEvent};
    /// let batch = Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 1.into()));
    /// assert_eq!(batch.events.len(), 1);
    /// ```
    #[must_use]
    pub fn event(mut self, event: NewEvent) -> Self {
        self.events.push(event);
        self
    }

    /// Adds events.
    ///
    /// ```
    /// use reactive_sourcing::{Append, ExpectedVersion, NewEvent};
    /// let batch = Append::new("s", ExpectedVersion::Any)
    ///     .events((0..3).map(|i| NewEvent::new("E", 1, i.into())));
    /// assert_eq!(batch.events.len(), 3);
    /// ```
    #[must_use]
    pub fn events(mut self, events: impl IntoIterator<Item = NewEvent>) -> Self {
        self.events.extend(events);
        self
    }

    /// Sets the idempotency key.
    ///
    /// ```
    /// use reactive_sourcing::{Append, ExpectedVersion};
    /// let batch = Append::new("s", ExpectedVersion::Any).idempotency_key("k");
    /// assert_eq!(batch.idempotency_key.as_deref(), Some("k"));
    /// ```
    #[must_use]
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Checks what every backend rejects before touching storage: an empty stream id or event
    /// type, an empty idempotency key.
    pub(crate) fn validate(&self) -> Result<(), EventStoreError> {
        if self.stream.is_empty() {
            return Err(EventStoreError::InvalidInput {
                reason: "the stream id is empty".into(),
            });
        }
        if self.idempotency_key.as_deref() == Some("") {
            return Err(EventStoreError::InvalidInput {
                reason: "the idempotency key is empty".into(),
            });
        }
        if let Some(index) = self.events.iter().position(|e| e.event_type.is_empty()) {
            return Err(EventStoreError::InvalidInput {
                reason: format!("event {index} of the batch has an empty type name"),
            });
        }
        Ok(())
    }
}

/// What an append did.
///
/// ```
/// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
/// let store = MemoryStore::new();
/// let done = store.append(
///     Append::new("s", ExpectedVersion::NoStream).event(NewEvent::new("E", 1, 1.into())),
/// )?;
/// assert_eq!(done.sequences, 1..2);
/// assert_eq!(done.stream_version, 1);
/// assert!(!done.duplicate);
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appended {
    /// The stream's version after the append.
    pub stream_version: u64,
    /// The global sequence numbers given to the events (empty for an empty batch).
    pub sequences: Range<u64>,
    /// `true` when the idempotency key had been stored already and nothing was written.
    pub duplicate: bool,
}

/// An event as stored: its place in its stream and in the global log, its content, and its
/// link in the audit chain.
///
/// ```
/// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
/// let store = MemoryStore::new();
/// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 7.into())))?;
/// let event = &store.read_all(1, 10)?[0];
/// assert_eq!((event.sequence, event.version, event.payload.clone()), (1, 1, 7.into()));
/// assert!(event.prev_hash.is_genesis());
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordedEvent {
    /// Position in the global log: 1, 2, 3, … without gaps.
    pub sequence: u64,
    /// The stream (aggregate instance) it belongs to.
    pub stream: String,
    /// Position within its stream: 1, 2, 3, …
    pub version: u64,
    /// Type name.
    pub event_type: String,
    /// Schema version of `payload` as stored (upcasters bring it forward on read).
    pub schema_version: u32,
    /// The event's data.
    pub payload: Value,
    /// Who, when, why.
    pub metadata: Metadata,
    /// The idempotency key of the append that wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
    /// Hash of the previous event in the global log (zeros for the first).
    pub prev_hash: EventHash,
    /// Hash of `prev_hash` and this event's content (see [`RecordedEvent::computed_hash`]).
    pub hash: EventHash,
}

/// What is left of an event removed by compaction: enough to keep the audit chain whole.
///
/// ```
/// use reactive_sourcing::{CompactedEvent, EventHash};
/// let stub = CompactedEvent {
///     sequence: 1, stream: "s".into(), version: 1,
///     prev_hash: EventHash::GENESIS, hash: EventHash::GENESIS,
/// };
/// assert_eq!(stub.sequence, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompactedEvent {
    /// Position in the global log.
    pub sequence: u64,
    /// The stream it belonged to.
    pub stream: String,
    /// Position within its stream.
    pub version: u64,
    /// Hash of the previous event.
    pub prev_hash: EventHash,
    /// The event's hash (its full record is in the archive written by compaction).
    pub hash: EventHash,
}

/// One position of the global log: an event, or the stub of a compacted one.
///
/// ```
/// use reactive_sourcing::{Append, EventStore, ExpectedVersion, LogEntry, MemoryStore, NewEvent};
/// let store = MemoryStore::new();
/// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 1.into())))?;
/// let entries = store.read_log(1, 10)?;
/// assert!(matches!(&entries[0], LogEntry::Event(e) if e.sequence == 1));
/// assert_eq!(entries[0].sequence(), 1);
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum LogEntry {
    /// A live event.
    Event(RecordedEvent),
    /// An event removed by compaction.
    Compacted(CompactedEvent),
}

impl LogEntry {
    /// The entry's global sequence number.
    ///
    /// ```
    /// # use reactive_sourcing::{CompactedEvent, EventHash, LogEntry};
    /// let stub = CompactedEvent { sequence: 4, stream: "s".into(), version: 1,
    ///     prev_hash: EventHash::GENESIS, hash: EventHash::GENESIS };
    /// assert_eq!(LogEntry::Compacted(stub).sequence(), 4);
    /// ```
    pub fn sequence(&self) -> u64 {
        match self {
            LogEntry::Event(event) => event.sequence,
            LogEntry::Compacted(stub) => stub.sequence,
        }
    }

    /// The entry's own hash.
    ///
    /// ```
    /// # use reactive_sourcing::{CompactedEvent, EventHash, LogEntry};
    /// let stub = CompactedEvent { sequence: 4, stream: "s".into(), version: 1,
    ///     prev_hash: EventHash::GENESIS, hash: EventHash([1; 32]) };
    /// assert_eq!(LogEntry::Compacted(stub).hash(), EventHash([1; 32]));
    /// ```
    pub fn hash(&self) -> EventHash {
        match self {
            LogEntry::Event(event) => event.hash,
            LogEntry::Compacted(stub) => stub.hash,
        }
    }

    /// The hash of the previous entry, as recorded by this one.
    ///
    /// ```
    /// # use reactive_sourcing::{CompactedEvent, EventHash, LogEntry};
    /// let stub = CompactedEvent { sequence: 1, stream: "s".into(), version: 1,
    ///     prev_hash: EventHash::GENESIS, hash: EventHash([1; 32]) };
    /// assert!(LogEntry::Compacted(stub).prev_hash().is_genesis());
    /// ```
    pub fn prev_hash(&self) -> EventHash {
        match self {
            LogEntry::Event(event) => event.prev_hash,
            LogEntry::Compacted(stub) => stub.prev_hash,
        }
    }
}

/// A SHA-256 hash in the audit chain, written as 64 hex digits. The default is
/// [`EventHash::GENESIS`].
///
/// ```
/// use reactive_sourcing::EventHash;
/// let hash: EventHash = "00".repeat(32).parse()?;
/// assert!(hash.is_genesis());
/// assert_eq!(hash.to_string().len(), 64);
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventHash(pub [u8; 32]);

impl EventHash {
    /// The "previous hash" of the first event: all zeros.
    pub const GENESIS: EventHash = EventHash([0; 32]);

    /// Whether this is [`EventHash::GENESIS`].
    ///
    /// ```
    /// assert!(reactive_sourcing::EventHash::GENESIS.is_genesis());
    /// ```
    pub fn is_genesis(&self) -> bool {
        *self == EventHash::GENESIS
    }
}

impl fmt::Display for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventHash({self})")
    }
}

impl std::str::FromStr for EventHash {
    type Err = EventStoreError;

    fn from_str(text: &str) -> Result<Self, EventStoreError> {
        let invalid = || EventStoreError::InvalidInput {
            reason: format!("`{text}` is not a hash of 64 hex digits"),
        };
        let bytes = text.as_bytes();
        if bytes.len() != 64 {
            return Err(invalid());
        }
        let mut hash = [0u8; 32];
        for (slot, pair) in hash.iter_mut().zip(bytes.chunks_exact(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| invalid())?;
            *slot = u8::from_str_radix(pair, 16).map_err(|_| invalid())?;
        }
        Ok(EventHash(hash))
    }
}

impl Serialize for EventHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}
