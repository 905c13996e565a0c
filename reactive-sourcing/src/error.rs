//! [`EventStoreError`]: every way appending, reading, decoding and verifying can fail.

use std::fmt;
use std::path::PathBuf;

use crate::event::ExpectedVersion;

/// Where in a store a problem was found.
///
/// ```
/// use reactive_sourcing::Position;
/// assert_eq!(Position::Line { line: 3, byte_offset: 200 }.to_string(), "line 3 (byte 200)");
/// assert_eq!(Position::Sequence(12).to_string(), "sequence 12");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Position {
    /// A line of a JSON Lines file (1-based) and the byte offset where it starts.
    Line {
        /// 1-based line number.
        line: u64,
        /// Byte offset of the start of the line.
        byte_offset: u64,
    },
    /// A global sequence number: the first event that could not be read intact.
    Sequence(u64),
    /// The store as a whole (its header, its schema), before any event.
    Header,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line { line, byte_offset } => write!(f, "line {line} (byte {byte_offset})"),
            Position::Sequence(sequence) => write!(f, "sequence {sequence}"),
            Position::Header => f.write_str("the header"),
        }
    }
}

/// What a recovery found and did: how many entries it kept, and the damage it set aside.
///
/// ```
/// use reactive_sourcing::RecoveryReport;
/// let report = RecoveryReport { kept: 10, damage: None, snapshots_set_aside: None };
/// assert!(report.damage.is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Log entries kept: every intact one before the damage.
    pub kept: u64,
    /// The damage found, if any.
    pub damage: Option<Damage>,
    /// A damaged snapshot file (the JSON Lines store's `<log>.snapshots`), renamed aside whole
    /// (its new name in [`Damage::set_aside`]) and started afresh. Snapshots are a cache:
    /// aggregates load from their events instead, and nothing acknowledged is lost.
    pub snapshots_set_aside: Option<Damage>,
}

/// Damage found by an open or a recovery.
///
/// ```
/// use reactive_sourcing::{Damage, Position};
/// let damage = Damage { position: Position::Sequence(11), reason: "checksum mismatch".into(), set_aside: None };
/// assert_eq!(damage.position, Position::Sequence(11));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// Where it starts.
    pub position: Position,
    /// What was found there.
    pub reason: String,
    /// Where the bytes from there on were saved (nothing is thrown away), and how many.
    pub set_aside: Option<(PathBuf, u64)>,
}

/// The first link of the audit chain that does not hold.
///
/// ```
/// use reactive_sourcing::{BrokenLink, LinkFault};
/// let broken = BrokenLink { sequence: 7, fault: LinkFault::ContentAltered };
/// assert!(broken.to_string().contains("sequence 7"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    /// The sequence number of the event at which the chain breaks.
    pub sequence: u64,
    /// What is wrong there.
    pub fault: LinkFault,
}

/// What is wrong with a [`BrokenLink`].
///
/// ```
/// use reactive_sourcing::LinkFault;
/// assert_ne!(LinkFault::ContentAltered, LinkFault::Missing { expected: 3 });
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkFault {
    /// The event's content does not hash to its recorded hash: it was altered.
    ContentAltered,
    /// The event's `prev_hash` is not the hash of the event before it: something was removed,
    /// inserted or reordered before it.
    PrevHashMismatch,
    /// A sequence number is missing or out of order: `expected` was due here.
    Missing {
        /// The sequence number that should have come next.
        expected: u64,
    },
    /// An archived event does not match the stub the store kept for it.
    ArchiveMismatch,
}

impl fmt::Display for BrokenLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.fault {
            LinkFault::ContentAltered => "the content does not match its hash".to_owned(),
            LinkFault::PrevHashMismatch => {
                "the previous-hash does not match the event before it".to_owned()
            }
            LinkFault::Missing { expected } => format!("sequence {expected} is missing"),
            LinkFault::ArchiveMismatch => "the archived event does not match its stub".to_owned(),
        };
        write!(
            f,
            "audit chain broken at sequence {}: {what}",
            self.sequence
        )
    }
}

/// Every failure of the event-sourcing layer, typed so callers can react to each.
///
/// ```
/// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent, EventStoreError};
/// let store = MemoryStore::new();
/// let batch = Append::new("s", ExpectedVersion::Exact(4)).event(NewEvent::new("E", 1, 1.into()));
/// match store.append(batch) {
///     Err(EventStoreError::Conflict { expected, actual, .. }) => {
///         assert_eq!((expected, actual), (ExpectedVersion::Exact(4), 0));
///     }
///     other => panic!("{other:?}"),
/// }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EventStoreError {
    /// The stream was not at the expected version; nothing of the batch was written.
    #[error("conflict on stream `{stream}`: expected {expected}, but it is at version {actual}")]
    Conflict {
        /// The stream.
        stream: String,
        /// What the writer expected.
        expected: ExpectedVersion,
        /// The stream's actual version.
        actual: u64,
    },
    /// An idempotency key was reused for a different batch (other stream or other events).
    #[error("idempotency key `{key}` was already used for a different append")]
    IdempotencyKeyReused {
        /// The key.
        key: String,
    },
    /// A stream id, type name, key or option that cannot be accepted.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// What is wrong.
        reason: String,
    },
    /// Stored data is damaged: a checksum mismatch, a torn or undecodable record.
    #[error("corrupt store{}: at {position}: {reason}", path_suffix(.path))]
    Corrupt {
        /// The file, when the store is one.
        path: Option<PathBuf>,
        /// Where the damage starts; everything before it is intact.
        position: Position,
        /// What was found there.
        reason: String,
    },
    /// The log is already open in another store, in this process or another: a JSON Lines
    /// log has one writer at a time (its lock is `<log>.lock`, held while the store lives).
    #[error(
        "`{}` is already open in another JsonlStore (in this process or another); \
         a JSON Lines log has one writer at a time",
        .path.display()
    )]
    Locked {
        /// The log file.
        path: PathBuf,
    },
    /// The audit chain does not verify.
    #[error("{0}")]
    BrokenChain(BrokenLink),
    /// An event type that no registered event enum knows.
    #[error("unknown event type `{event_type}` (stream `{stream}`, sequence {sequence})")]
    UnknownEventType {
        /// The stream of the event.
        stream: String,
        /// Its sequence number (0 when the event was not stored yet).
        sequence: u64,
        /// The unknown type name.
        event_type: String,
    },
    /// A schema version that no chain of upcasters brings to the current one.
    #[error(
        "no upcaster brings `{event_type}` version {version} to version {current} \
         (stream `{stream}`, sequence {sequence})"
    )]
    UnsupportedVersion {
        /// The stream of the event.
        stream: String,
        /// Its sequence number.
        sequence: u64,
        /// Its type.
        event_type: String,
        /// The version it is stored at (or reached by upcasting).
        version: u32,
        /// The version the current code reads.
        current: u32,
    },
    /// The payload does not decode into the event type, or an upcaster rejected it.
    #[error(
        "cannot decode `{event_type}` version {version} (stream `{stream}`, sequence \
         {sequence}): {reason}"
    )]
    Undecodable {
        /// The stream of the event.
        stream: String,
        /// Its sequence number.
        sequence: u64,
        /// Its type.
        event_type: String,
        /// Its schema version when decoding failed.
        version: u32,
        /// The decoder's message.
        reason: String,
    },
    /// A value could not be encoded (an event that is not an enum variant, a state that does
    /// not serialise).
    #[error("cannot encode {what}: {reason}")]
    Encode {
        /// What was being encoded.
        what: String,
        /// The encoder's message.
        reason: String,
    },
    /// Events needed for this read were removed by compaction (they are in the archive).
    #[error("stream `{stream}` is compacted through version {through_version}; {needed}")]
    Compacted {
        /// The stream.
        stream: String,
        /// The last version removed.
        through_version: u64,
        /// What was needed.
        needed: String,
    },
    /// A policy refused access to an event during a replay.
    #[error("access denied to stream `{stream}` at sequence {sequence}: {reason}")]
    Denied {
        /// The stream.
        stream: String,
        /// The event's sequence number.
        sequence: u64,
        /// The policy's reason.
        reason: String,
    },
    /// An event handler (a reaction or a subscription's handler) failed on an event.
    #[error("handler failed at sequence {sequence}: {reason}")]
    Handler {
        /// The event's sequence number.
        sequence: u64,
        /// The handler's message.
        reason: String,
    },
    /// A file could not be read or written.
    #[error("I/O error{}: {source}", path_suffix(.path))]
    Io {
        /// The file, when known.
        path: Option<PathBuf>,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// The reactive state of a loaded aggregate could not be used (its owner was disposed).
    #[error("reactive state: {0}")]
    Reactive(#[from] reactive_core::ReactiveError),
    /// SQLite reported an error that is not damage (busy, full disk, …).
    #[cfg(feature = "sqlite")]
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL reported an error, or the server could not be reached (feature `postgres`).
    #[cfg(feature = "postgres")]
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] postgres::Error),
}

fn path_suffix(path: &Option<PathBuf>) -> String {
    path.as_ref()
        .map(|path| format!(" `{}`", path.display()))
        .unwrap_or_default()
}

impl EventStoreError {
    /// An I/O error on `path`.
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EventStoreError::Io {
            path: Some(path.into()),
            source,
        }
    }

    /// Whether this is an optimistic-concurrency conflict (retry after reloading).
    ///
    /// ```
    /// use reactive_sourcing::{ExpectedVersion, EventStoreError};
    /// let error = EventStoreError::Conflict { stream: "s".into(), expected: ExpectedVersion::NoStream, actual: 1 };
    /// assert!(error.is_conflict());
    /// ```
    pub fn is_conflict(&self) -> bool {
        matches!(self, EventStoreError::Conflict { .. })
    }
}
