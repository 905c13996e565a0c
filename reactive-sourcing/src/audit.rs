//! The audit trail: "who changed X, and when", answered from the events themselves.

use serde::{Deserialize, Serialize};

use crate::error::EventStoreError;
use crate::event::RecordedEvent;
use crate::store::{EventStore, Events};

/// One change in the audit trail.
///
/// ```
/// use reactive_sourcing::AuditEntry;
/// let entry = AuditEntry { sequence: 1, stream: "acc-1".into(), version: 1, event_type: "Opened".into(),
///     principal: Some("alice".into()), timestamp_ms: 0, correlation_id: None, causation_id: None };
/// assert_eq!(entry.principal.as_deref(), Some("alice"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Global sequence number.
    pub sequence: u64,
    /// The stream changed.
    pub stream: String,
    /// The stream's version after the change.
    pub version: u64,
    /// What happened.
    pub event_type: String,
    /// Who did it.
    pub principal: Option<String>,
    /// When (milliseconds since the Unix epoch).
    pub timestamp_ms: u64,
    /// The request or workflow it was part of.
    pub correlation_id: Option<String>,
    /// What caused it.
    pub causation_id: Option<String>,
}

impl From<&RecordedEvent> for AuditEntry {
    fn from(event: &RecordedEvent) -> Self {
        AuditEntry {
            sequence: event.sequence,
            stream: event.stream.clone(),
            version: event.version,
            event_type: event.event_type.clone(),
            principal: event.metadata.principal.clone(),
            timestamp_ms: event.metadata.timestamp_ms,
            correlation_id: event.metadata.correlation_id.clone(),
            causation_id: event.metadata.causation_id.clone(),
        }
    }
}

/// A query over the audit trail: which changes, by whom, when. Filters combine with "and".
///
/// Read it as "who changed X, when": X is a stream, optionally narrowed to the events whose
/// payload has a given field (a JSON pointer such as `/address/city`).
///
/// ```
/// use reactive_sourcing::{Append, AuditQuery, EventStore, ExpectedVersion, MemoryStore, Metadata, NewEvent};
/// use serde_json::json;
///
/// let store = MemoryStore::new();
/// let change = |who: &str, payload| NewEvent::new("Changed", 1, payload)
///     .with_metadata(Metadata::now().principal(who));
/// store.append(Append::new("customer-7", ExpectedVersion::Any).event(change("alice", json!({ "email": "a@x" }))))?;
/// store.append(Append::new("customer-7", ExpectedVersion::Any).event(change("bob", json!({ "phone": "555" }))))?;
/// store.append(Append::new("customer-8", ExpectedVersion::Any).event(change("carol", json!({ "email": "c@x" }))))?;
///
/// let who = AuditQuery::stream("customer-7").field("/email").run(&store)?;
/// assert_eq!(who.len(), 1);
/// assert_eq!(who[0].principal.as_deref(), Some("alice"));
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    stream: Option<String>,
    field: Option<String>,
    event_type: Option<String>,
    principal: Option<String>,
    since_ms: Option<u64>,
    until_ms: Option<u64>,
}

impl AuditQuery {
    /// Every change of every stream.
    ///
    /// ```
    /// use reactive_sourcing::{AuditQuery, MemoryStore};
    /// assert!(AuditQuery::all().run(&MemoryStore::new())?.is_empty());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn all() -> Self {
        AuditQuery::default()
    }

    /// The changes of one stream.
    ///
    /// See [`AuditQuery`] for a full example.
    pub fn stream(stream: impl Into<String>) -> Self {
        AuditQuery {
            stream: Some(stream.into()),
            ..AuditQuery::default()
        }
    }

    /// Only events whose payload has this field (a JSON pointer, e.g. `/address/city`).
    ///
    /// See [`AuditQuery`] for a full example.
    #[must_use]
    pub fn field(mut self, pointer: impl Into<String>) -> Self {
        self.field = Some(pointer.into());
        self
    }

    /// Only events of this type.
    ///
    /// ```
    /// use reactive_sourcing::{AuditQuery, MemoryStore};
    /// assert!(AuditQuery::all().event_type("Withdrawn").run(&MemoryStore::new())?.is_empty());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    #[must_use]
    pub fn event_type(mut self, event_type: impl Into<String>) -> Self {
        self.event_type = Some(event_type.into());
        self
    }

    /// Only changes by this principal.
    ///
    /// ```
    /// use reactive_sourcing::{AuditQuery, MemoryStore};
    /// assert!(AuditQuery::all().principal("mallory").run(&MemoryStore::new())?.is_empty());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    #[must_use]
    pub fn principal(mut self, principal: impl Into<String>) -> Self {
        self.principal = Some(principal.into());
        self
    }

    /// Only changes stamped in `since_ms ..= until_ms` (milliseconds since the Unix epoch).
    ///
    /// ```
    /// use reactive_sourcing::{AuditQuery, MemoryStore};
    /// assert!(AuditQuery::all().between(0, 1_000).run(&MemoryStore::new())?.is_empty());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    #[must_use]
    pub fn between(mut self, since_ms: u64, until_ms: u64) -> Self {
        self.since_ms = Some(since_ms);
        self.until_ms = Some(until_ms);
        self
    }

    fn matches(&self, event: &RecordedEvent) -> bool {
        let timestamp = event.metadata.timestamp_ms;
        self.field
            .as_deref()
            .is_none_or(|pointer| event.payload.pointer(pointer).is_some())
            && self
                .event_type
                .as_deref()
                .is_none_or(|wanted| wanted == event.event_type)
            && self
                .principal
                .as_deref()
                .is_none_or(|wanted| event.metadata.principal.as_deref() == Some(wanted))
            && self.since_ms.is_none_or(|since| timestamp >= since)
            && self.until_ms.is_none_or(|until| timestamp <= until)
    }

    /// Runs the query, oldest change first, reading the store in pages. Compacted events are
    /// not in the store any more; query their archive with [`read_archive`](crate::read_archive).
    ///
    /// # Errors
    ///
    /// A read error.
    ///
    /// See [`AuditQuery`] for a full example.
    pub fn run<S: EventStore + ?Sized>(
        &self,
        store: &S,
    ) -> Result<Vec<AuditEntry>, EventStoreError> {
        let events = match &self.stream {
            Some(stream) => Events::stream(store, stream, 1),
            None => Events::all(store, 1),
        };
        let mut entries = Vec::new();
        for event in events {
            let event = event?;
            if self.matches(&event) {
                entries.push(AuditEntry::from(&event));
            }
        }
        Ok(entries)
    }
}
