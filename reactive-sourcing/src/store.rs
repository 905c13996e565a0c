//! The [`EventStore`] trait every backend implements, [`StreamSnapshot`]s, and [`Events`], the
//! paged iterator that reads any amount of history in bounded memory.

use std::collections::VecDeque;
use std::rc::Rc;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::archive::ArchiveWriter;
use crate::error::EventStoreError;
use crate::event::{Append, Appended, EventHash, LogEntry, RecordedEvent};

/// A durable (or not) log of events, partitioned into streams.
///
/// Backends: [`MemoryStore`](crate::MemoryStore), [`JsonlStore`](crate::JsonlStore),
/// `SqliteStore` (feature `sqlite`, on by default) and `PostgresStore` (feature `postgres`). All
/// pass the same
/// `conformance` suite (feature `testing`), which states the contract precisely; in short:
///
/// - [`append`](EventStore::append) is atomic per batch and checks the expected version: on
///   [`EventStoreError::Conflict`] nothing of the batch is written. A batch whose idempotency key
///   was stored before is not written again, however long ago. An empty batch writes nothing.
/// - Sequence numbers are global, start at 1 and have no gaps; stream versions start at 1.
/// - Reads are paged (`limit` events from a position) so callers control memory.
/// - Compaction replaces old events of a stream by stubs that keep the audit chain whole,
///   after writing them to an archive.
///
/// Methods take `&self`: backends lock internally, so one store can be shared by a repository,
/// subscriptions and replays. The trait is object safe (`&dyn EventStore`).
///
/// ```
/// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
/// use serde_json::json;
///
/// fn deposit(store: &dyn EventStore, account: &str, amount: i64) -> Result<u64, reactive_sourcing::EventStoreError> {
///     let version = store.stream_version(account)?;
///     let batch = Append::new(account, ExpectedVersion::Exact(version))
///         .event(NewEvent::new("Deposited", 1, json!({ "amount": amount })));
///     Ok(store.append(batch)?.stream_version)
/// }
///
/// let store = MemoryStore::new();
/// assert_eq!(deposit(&store, "acc-1", 10)?, 1);
/// assert_eq!(deposit(&store, "acc-1", 5)?, 2);
/// assert_eq!(store.read_stream("acc-1", 1, 100)?.len(), 2);
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
pub trait EventStore {
    /// Appends a batch atomically (see the trait docs for the rules).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Conflict`] when the stream is not at the expected version,
    /// [`EventStoreError::IdempotencyKeyReused`] when the key belongs to a different batch,
    /// [`EventStoreError::InvalidInput`] for an empty stream id or type name, or an I/O or SQLite
    /// error (nothing of the batch is then visible).
    ///
    /// ```
    /// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
    /// let store = MemoryStore::new();
    /// let empty = store.append(Append::new("s", ExpectedVersion::NoStream))?;
    /// assert_eq!((empty.stream_version, store.head()?), (0, 0)); // nothing changed
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn append(&self, batch: Append) -> Result<Appended, EventStoreError>;

    /// The sequence number of the last entry of the log (0 when empty).
    ///
    /// # Errors
    ///
    /// A read error of the backend.
    ///
    /// ```
    /// use reactive_sourcing::{EventStore, MemoryStore};
    /// assert_eq!(MemoryStore::new().head()?, 0);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn head(&self) -> Result<u64, EventStoreError>;

    /// A stream's version: the number of events ever appended to it (0 if none).
    ///
    /// # Errors
    ///
    /// A read error of the backend.
    ///
    /// ```
    /// use reactive_sourcing::{EventStore, MemoryStore};
    /// assert_eq!(MemoryStore::new().stream_version("nobody")?, 0);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn stream_version(&self, stream: &str) -> Result<u64, EventStoreError>;

    /// Up to `limit` live events with sequence `>= from`, in sequence order (compacted events
    /// are skipped; see [`read_log`](EventStore::read_log)).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Corrupt`] naming the first damaged event, or another read error.
    ///
    /// ```
    /// use reactive_sourcing::{EventStore, MemoryStore};
    /// assert!(MemoryStore::new().read_all(1, 10)?.is_empty());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn read_all(&self, from: u64, limit: usize) -> Result<Vec<RecordedEvent>, EventStoreError>;

    /// Up to `limit` live events of `stream` with version `>= from_version`, in order.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Corrupt`] naming the first damaged event, or another read error.
    ///
    /// ```
    /// use reactive_sourcing::{EventStore, MemoryStore};
    /// assert!(MemoryStore::new().read_stream("s", 1, 10)?.is_empty());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn read_stream(
        &self,
        stream: &str,
        from_version: u64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, EventStoreError>;

    /// Up to `limit` log entries with sequence `>= from`, compaction stubs included: what the
    /// audit chain is verified over.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Corrupt`] naming the first damaged entry, or another read error.
    ///
    /// ```
    /// use reactive_sourcing::{EventStore, MemoryStore};
    /// assert!(MemoryStore::new().read_log(1, 10)?.is_empty());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn read_log(&self, from: u64, limit: usize) -> Result<Vec<LogEntry>, EventStoreError>;

    /// The last version of `stream` removed by compaction (0 if none).
    ///
    /// # Errors
    ///
    /// A read error of the backend.
    ///
    /// ```
    /// use reactive_sourcing::{EventStore, MemoryStore};
    /// assert_eq!(MemoryStore::new().compacted_through("s")?, 0);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn compacted_through(&self, stream: &str) -> Result<u64, EventStoreError>;

    /// Every distinct `(event type, schema version)` pair among live events, sorted: what
    /// [`Schema::check`](crate::Schema::check) proves readable.
    ///
    /// # Errors
    ///
    /// A read error of the backend.
    ///
    /// ```
    /// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
    /// let store = MemoryStore::new();
    /// store.append(Append::new("s", ExpectedVersion::Any)
    ///     .event(NewEvent::new("B", 2, 0.into()))
    ///     .event(NewEvent::new("A", 1, 0.into()))
    ///     .event(NewEvent::new("B", 2, 1.into())))?;
    /// assert_eq!(store.event_types()?, [("A".to_owned(), 1), ("B".to_owned(), 2)]);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn event_types(&self) -> Result<Vec<(String, u32)>, EventStoreError>;

    /// Stores `snapshot` as the latest one of its stream (replacing any older one).
    ///
    /// # Errors
    ///
    /// A write error of the backend.
    ///
    /// ```
    /// use reactive_sourcing::{EventHash, EventStore, MemoryStore, StreamSnapshot};
    /// let store = MemoryStore::new();
    /// let snapshot = StreamSnapshot { stream: "s".into(), version: 3, state_version: 1,
    ///     event_hash: EventHash::GENESIS, state: 42.into(), taken_at_ms: 0 };
    /// store.save_snapshot(&snapshot)?;
    /// assert_eq!(store.load_snapshot("s")?, Some(snapshot));
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn save_snapshot(&self, snapshot: &StreamSnapshot) -> Result<(), EventStoreError>;

    /// The latest snapshot of `stream`, if any.
    ///
    /// # Errors
    ///
    /// A read error, or [`EventStoreError::Corrupt`] for a damaged snapshot.
    ///
    /// ```
    /// use reactive_sourcing::{EventStore, MemoryStore};
    /// assert_eq!(MemoryStore::new().load_snapshot("s")?, None);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn load_snapshot(&self, stream: &str) -> Result<Option<StreamSnapshot>, EventStoreError>;

    /// Records how far the subscription `name` has processed the log (the next sequence to
    /// read).
    ///
    /// # Errors
    ///
    /// A write error of the backend.
    ///
    /// ```
    /// use reactive_sourcing::{EventStore, MemoryStore};
    /// let store = MemoryStore::new();
    /// store.save_checkpoint("mailer", 10)?;
    /// assert_eq!(store.load_checkpoint("mailer")?, Some(10));
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn save_checkpoint(&self, name: &str, position: u64) -> Result<(), EventStoreError>;

    /// The last position saved for subscription `name`.
    ///
    /// # Errors
    ///
    /// A read error of the backend.
    ///
    /// ```
    /// use reactive_sourcing::{EventStore, MemoryStore};
    /// assert_eq!(MemoryStore::new().load_checkpoint("nobody")?, None);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn load_checkpoint(&self, name: &str) -> Result<Option<u64>, EventStoreError>;

    /// Low level: replaces the events of `stream` up to `through_version` by stubs, without
    /// archiving them. Returns how many events were replaced (already-compacted ones are not
    /// counted). Call [`compact`](EventStore::compact) instead, which archives first.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::InvalidInput`] if `through_version` is past the stream's version, or a
    /// write error.
    ///
    /// ```
    /// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
    /// let store = MemoryStore::new();
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 0.into())))?;
    /// assert_eq!(store.stub_events("s", 1)?, 1);
    /// assert!(store.read_all(1, 10)?.is_empty());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn stub_events(&self, stream: &str, through_version: u64) -> Result<u64, EventStoreError>;

    /// Compaction (retention): writes the live events of `stream` up to `through_version` to
    /// `archive`, makes the archive durable, then replaces those events by stubs that keep the
    /// audit chain verifiable. Loading the stream afterwards needs a snapshot at or after
    /// `through_version`; [`Repository::compact`](crate::Repository::compact) checks that.
    ///
    /// A crash between archiving and stubbing leaves the events in both places; compacting
    /// again archives them a second time, which readers of the archive tolerate (see
    /// [`read_archive`](crate::read_archive)).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::InvalidInput`] if `through_version` is past the stream's version, an I/O
    /// error of the archive, or a store error.
    ///
    /// ```
    /// use reactive_sourcing::{
    ///     read_archive, verify_chain, Append, ArchiveWriter, EventStore, ExpectedVersion, MemoryStore, NewEvent,
    /// };
    /// let dir = tempfile::tempdir()?;
    /// let store = MemoryStore::new();
    /// for i in 0..5 {
    ///     store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, i.into())))?;
    /// }
    /// let mut archive = ArchiveWriter::open(dir.path().join("s.archive.jsonl"))?;
    /// let done = store.compact("s", 3, &mut archive)?;
    /// assert_eq!(done.archived, 3);
    /// assert_eq!(store.read_stream("s", 1, 10)?.len(), 2);
    /// verify_chain(&store)?; // the chain still verifies
    /// assert_eq!(read_archive(dir.path().join("s.archive.jsonl"))?.len(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    fn compact(
        &self,
        stream: &str,
        through_version: u64,
        archive: &mut ArchiveWriter,
    ) -> Result<Compaction, EventStoreError> {
        let version = self.stream_version(stream)?;
        if through_version > version {
            return Err(EventStoreError::InvalidInput {
                reason: format!(
                    "cannot compact stream `{stream}` through version {through_version}: it is at \
                     version {version}"
                ),
            });
        }
        let mut archived = 0;
        let mut next = 1;
        'pages: loop {
            let page = self.read_stream(stream, next, COMPACTION_PAGE)?;
            let Some(last) = page.last() else { break };
            next = last.version + 1;
            for event in &page {
                if event.version > through_version {
                    break 'pages;
                }
                archive.write(event)?;
                archived += 1;
            }
        }
        archive.sync()?;
        let stubbed = self.stub_events(stream, through_version)?;
        Ok(Compaction { archived, stubbed })
    }
}

/// How many events [`EventStore::compact`] archives per page.
const COMPACTION_PAGE: usize = 512;

/// What [`EventStore::compact`] did.
///
/// ```
/// let done = reactive_sourcing::Compaction { archived: 3, stubbed: 3 };
/// assert_eq!(done.archived, done.stubbed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compaction {
    /// Events written to the archive.
    pub archived: u64,
    /// Events replaced by stubs in the store.
    pub stubbed: u64,
}

/// A stream's state folded up to `version`, stored to make loading fast (not to be confused
/// with `reactive_store::Snapshot`, the value of a `reactive_store::Store`).
///
/// ```
/// use reactive_sourcing::{EventHash, StreamSnapshot};
/// let snapshot = StreamSnapshot { stream: "acc-1".into(), version: 100, state_version: 1,
///     event_hash: EventHash::GENESIS, state: serde_json::json!({ "balance": 5 }), taken_at_ms: 0 };
/// assert_eq!(snapshot.state["balance"], 5);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamSnapshot {
    /// The stream.
    pub stream: String,
    /// The last event folded into `state`.
    pub version: u64,
    /// The aggregate's state format version
    /// ([`Aggregate::STATE_VERSION`](crate::Aggregate::STATE_VERSION)); a snapshot of another
    /// format is ignored and the state rebuilt from events.
    pub state_version: u32,
    /// The hash of the event at `version`: ties the snapshot to this log.
    pub event_hash: EventHash,
    /// The serialised state.
    pub state: Value,
    /// When it was taken (milliseconds since the Unix epoch).
    pub taken_at_ms: u64,
}

/// What [`Events`] reads: the whole log or one stream.
#[derive(Debug, Clone)]
enum Source {
    All,
    Stream(String),
}

/// The default number of events [`Events`] fetches per page.
pub const DEFAULT_PAGE_SIZE: usize = 512;

/// An iterator over stored events that fetches them a page at a time: reading a log of any
/// length holds at most one page in memory.
///
/// ```
/// use reactive_sourcing::{Append, EventStore, Events, ExpectedVersion, MemoryStore, NewEvent};
/// let store = MemoryStore::new();
/// for i in 0..10 {
///     store.append(Append::new(if i % 2 == 0 { "even" } else { "odd" }, ExpectedVersion::Any)
///         .event(NewEvent::new("N", 1, i.into())))?;
/// }
/// let all: Vec<u64> = Events::all(&store, 1).page_size(3).map(|e| e.map(|e| e.sequence)).collect::<Result<_, _>>()?;
/// assert_eq!(all, (1..=10).collect::<Vec<_>>());
/// assert_eq!(Events::stream(&store, "odd", 4).count(), 2); // versions 4 and 5
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
pub struct Events<'s, S: EventStore + ?Sized> {
    store: &'s S,
    source: Source,
    /// The next sequence (all) or version (stream) to fetch.
    next: u64,
    page_size: usize,
    buffer: VecDeque<RecordedEvent>,
    finished: bool,
}

impl<'s, S: EventStore + ?Sized> Events<'s, S> {
    /// Every live event from sequence `from` on.
    ///
    /// ```
    /// use reactive_sourcing::{Events, MemoryStore};
    /// assert_eq!(Events::all(&MemoryStore::new(), 1).count(), 0);
    /// ```
    pub fn all(store: &'s S, from: u64) -> Self {
        Events::new(store, Source::All, from)
    }

    /// The live events of `stream` from version `from_version` on.
    ///
    /// ```
    /// use reactive_sourcing::{Events, MemoryStore};
    /// assert_eq!(Events::stream(&MemoryStore::new(), "s", 1).count(), 0);
    /// ```
    pub fn stream(store: &'s S, stream: &str, from_version: u64) -> Self {
        Events::new(store, Source::Stream(stream.to_owned()), from_version)
    }

    fn new(store: &'s S, source: Source, from: u64) -> Self {
        Events {
            store,
            source,
            next: from.max(1),
            page_size: DEFAULT_PAGE_SIZE,
            buffer: VecDeque::new(),
            finished: false,
        }
    }

    /// Sets how many events are fetched at a time (at least 1).
    ///
    /// ```
    /// use reactive_sourcing::{Events, MemoryStore};
    /// let store = MemoryStore::new();
    /// let events = Events::all(&store, 1).page_size(64);
    /// # drop(events);
    /// ```
    #[must_use]
    pub fn page_size(mut self, page_size: usize) -> Self {
        self.page_size = page_size.max(1);
        self
    }

    fn fetch(&mut self) -> Result<(), EventStoreError> {
        let page = match &self.source {
            Source::All => self.store.read_all(self.next, self.page_size)?,
            Source::Stream(stream) => self.store.read_stream(stream, self.next, self.page_size)?,
        };
        match page.last() {
            None => self.finished = true,
            Some(last) => {
                self.next = match self.source {
                    Source::All => last.sequence + 1,
                    Source::Stream(_) => last.version + 1,
                };
            }
        }
        self.buffer.extend(page);
        Ok(())
    }
}

impl<S: EventStore + ?Sized> Iterator for Events<'_, S> {
    type Item = Result<RecordedEvent, EventStoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.buffer.is_empty()
            && !self.finished
            && let Err(error) = self.fetch()
        {
            // An error ends the iteration: retrying the same page would fail the same way.
            self.finished = true;
            return Some(Err(error));
        }
        self.buffer.pop_front().map(Ok)
    }
}

macro_rules! forward_event_store {
    ($($pointer:ty),*) => {$(
        impl<T: EventStore + ?Sized> EventStore for $pointer {
            fn append(&self, batch: Append) -> Result<Appended, EventStoreError> {
                (**self).append(batch)
            }
            fn head(&self) -> Result<u64, EventStoreError> {
                (**self).head()
            }
            fn stream_version(&self, stream: &str) -> Result<u64, EventStoreError> {
                (**self).stream_version(stream)
            }
            fn read_all(&self, from: u64, limit: usize) -> Result<Vec<RecordedEvent>, EventStoreError> {
                (**self).read_all(from, limit)
            }
            fn read_stream(
                &self,
                stream: &str,
                from_version: u64,
                limit: usize,
            ) -> Result<Vec<RecordedEvent>, EventStoreError> {
                (**self).read_stream(stream, from_version, limit)
            }
            fn read_log(&self, from: u64, limit: usize) -> Result<Vec<LogEntry>, EventStoreError> {
                (**self).read_log(from, limit)
            }
            fn compacted_through(&self, stream: &str) -> Result<u64, EventStoreError> {
                (**self).compacted_through(stream)
            }
            fn event_types(&self) -> Result<Vec<(String, u32)>, EventStoreError> {
                (**self).event_types()
            }
            fn save_snapshot(&self, snapshot: &StreamSnapshot) -> Result<(), EventStoreError> {
                (**self).save_snapshot(snapshot)
            }
            fn load_snapshot(&self, stream: &str) -> Result<Option<StreamSnapshot>, EventStoreError> {
                (**self).load_snapshot(stream)
            }
            fn save_checkpoint(&self, name: &str, position: u64) -> Result<(), EventStoreError> {
                (**self).save_checkpoint(name, position)
            }
            fn load_checkpoint(&self, name: &str) -> Result<Option<u64>, EventStoreError> {
                (**self).load_checkpoint(name)
            }
            fn stub_events(&self, stream: &str, through_version: u64) -> Result<u64, EventStoreError> {
                (**self).stub_events(stream, through_version)
            }
            fn compact(
                &self,
                stream: &str,
                through_version: u64,
                archive: &mut ArchiveWriter,
            ) -> Result<Compaction, EventStoreError> {
                (**self).compact(stream, through_version, archive)
            }
        }
    )*};
}

forward_event_store!(&T, Box<T>, Rc<T>, Arc<T>);
