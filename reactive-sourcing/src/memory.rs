//! [`MemoryStore`]: the event store for tests, prototypes and caches. Nothing survives the
//! process.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Mutex, MutexGuard};

use crate::append::{
    AppendBackend, AppendSession, IdempotencyRecord, LogPosition, SealedBatch, append,
};
use crate::error::EventStoreError;
use crate::event::{Append, Appended, CompactedEvent, EventHash, LogEntry, RecordedEvent};
use crate::store::{EventStore, StreamSnapshot};

/// An event store in memory, behind a mutex (share it with `&`, `Rc` or `Arc`).
///
/// ```
/// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
/// let store = MemoryStore::new();
/// store.append(Append::new("s", ExpectedVersion::NoStream).event(NewEvent::new("E", 1, 1.into())))?;
/// assert_eq!(store.stream_version("s")?, 1);
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
#[derive(Debug, Default)]
pub struct MemoryStore {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    /// The log; entry `i` has sequence `i + 1`.
    log: Vec<LogEntry>,
    /// Per stream: the log index of each version (version `v` at `[v - 1]`).
    streams: HashMap<String, Vec<usize>>,
    compacted_through: HashMap<String, u64>,
    idempotency: HashMap<String, IdempotencyRecord>,
    snapshots: HashMap<String, StreamSnapshot>,
    checkpoints: HashMap<String, u64>,
}

impl MemoryStore {
    /// An empty store.
    ///
    /// ```
    /// # use reactive_sourcing::{EventStore, MemoryStore};
    /// assert_eq!(MemoryStore::new().head()?, 0);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn new() -> Self {
        MemoryStore::default()
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic while the lock was held cannot leave `Inner` half-updated: every mutation
        // below is prepared first and applied with infallible pushes.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Inner {
    fn version(&self, stream: &str) -> u64 {
        self.streams.get(stream).map_or(0, |v| v.len() as u64)
    }
}

fn index_of(position: u64) -> usize {
    usize::try_from(position.saturating_sub(1)).unwrap_or(usize::MAX)
}

impl AppendBackend for MemoryStore {
    fn with_session<R>(
        &self,
        body: impl FnOnce(&mut dyn AppendSession) -> Result<R, EventStoreError>,
    ) -> Result<R, EventStoreError> {
        // `write` changes `Inner` only with infallible pushes after everything is prepared, so
        // a failing `body` has written nothing.
        body(&mut *self.lock())
    }
}

impl AppendSession for Inner {
    fn idempotency_record(
        &mut self,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, EventStoreError> {
        Ok(self.idempotency.get(key).cloned())
    }

    fn position(&mut self, stream: &str) -> Result<LogPosition, EventStoreError> {
        Ok(LogPosition {
            stream_version: self.version(stream),
            head: self.log.len() as u64,
            last_hash: self.log.last().map_or(EventHash::GENESIS, LogEntry::hash),
        })
    }

    fn write(&mut self, batch: SealedBatch) -> Result<(), EventStoreError> {
        let record = batch.idempotency_record();
        let stream = batch.stream().to_owned();
        let sealed = batch.into_records();
        let start = self.log.len();
        let indices = self.streams.entry(stream).or_default();
        indices.extend(start..start + sealed.len());
        self.log.extend(sealed.into_iter().map(LogEntry::Event));
        if let Some((key, record)) = record {
            self.idempotency.insert(key, record);
        }
        Ok(())
    }
}

impl EventStore for MemoryStore {
    fn append(&self, batch: Append) -> Result<Appended, EventStoreError> {
        append(self, batch)
    }

    fn head(&self) -> Result<u64, EventStoreError> {
        Ok(self.lock().log.len() as u64)
    }

    fn stream_version(&self, stream: &str) -> Result<u64, EventStoreError> {
        Ok(self.lock().version(stream))
    }

    fn read_all(&self, from: u64, limit: usize) -> Result<Vec<RecordedEvent>, EventStoreError> {
        let inner = self.lock();
        let start = index_of(from.max(1)).min(inner.log.len());
        Ok(inner.log[start..]
            .iter()
            .filter_map(|entry| match entry {
                LogEntry::Event(event) => Some(event.clone()),
                LogEntry::Compacted(_) => None,
            })
            .take(limit)
            .collect())
    }

    fn read_stream(
        &self,
        stream: &str,
        from_version: u64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, EventStoreError> {
        let inner = self.lock();
        let Some(indices) = inner.streams.get(stream) else {
            return Ok(Vec::new());
        };
        let start = index_of(from_version.max(1)).min(indices.len());
        Ok(indices[start..]
            .iter()
            .filter_map(|&index| match &inner.log[index] {
                LogEntry::Event(event) => Some(event.clone()),
                LogEntry::Compacted(_) => None,
            })
            .take(limit)
            .collect())
    }

    fn read_log(&self, from: u64, limit: usize) -> Result<Vec<LogEntry>, EventStoreError> {
        let inner = self.lock();
        let start = index_of(from.max(1)).min(inner.log.len());
        Ok(inner.log[start..].iter().take(limit).cloned().collect())
    }

    fn compacted_through(&self, stream: &str) -> Result<u64, EventStoreError> {
        Ok(self
            .lock()
            .compacted_through
            .get(stream)
            .copied()
            .unwrap_or(0))
    }

    fn event_types(&self) -> Result<Vec<(String, u32)>, EventStoreError> {
        let inner = self.lock();
        let types: BTreeSet<(String, u32)> = inner
            .log
            .iter()
            .filter_map(|entry| match entry {
                LogEntry::Event(event) => Some((event.event_type.clone(), event.schema_version)),
                LogEntry::Compacted(_) => None,
            })
            .collect();
        Ok(types.into_iter().collect())
    }

    fn save_snapshot(&self, snapshot: &StreamSnapshot) -> Result<(), EventStoreError> {
        self.lock()
            .snapshots
            .insert(snapshot.stream.clone(), snapshot.clone());
        Ok(())
    }

    fn load_snapshot(&self, stream: &str) -> Result<Option<StreamSnapshot>, EventStoreError> {
        Ok(self.lock().snapshots.get(stream).cloned())
    }

    fn save_checkpoint(&self, name: &str, position: u64) -> Result<(), EventStoreError> {
        self.lock().checkpoints.insert(name.to_owned(), position);
        Ok(())
    }

    fn load_checkpoint(&self, name: &str) -> Result<Option<u64>, EventStoreError> {
        Ok(self.lock().checkpoints.get(name).copied())
    }

    fn stub_events(&self, stream: &str, through_version: u64) -> Result<u64, EventStoreError> {
        let mut inner = self.lock();
        let version = inner.version(stream);
        if through_version > version {
            return Err(EventStoreError::InvalidInput {
                reason: format!(
                    "cannot compact stream `{stream}` through version {through_version}: it is at \
                     version {version}"
                ),
            });
        }
        let indices: Vec<usize> = inner.streams.get(stream).map_or_else(Vec::new, |indices| {
            indices[..index_of(through_version + 1)].to_vec()
        });
        let mut stubbed = 0;
        for index in indices {
            let entry = &mut inner.log[index];
            if let LogEntry::Event(event) = entry {
                *entry = LogEntry::Compacted(CompactedEvent {
                    sequence: event.sequence,
                    stream: std::mem::take(&mut event.stream),
                    version: event.version,
                    prev_hash: event.prev_hash,
                    hash: event.hash,
                });
                stubbed += 1;
            }
        }
        let through = inner
            .compacted_through
            .entry(stream.to_owned())
            .or_default();
        *through = (*through).max(through_version);
        Ok(stubbed)
    }
}
