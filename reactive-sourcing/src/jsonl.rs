//! [`JsonlStore`]: an append-only JSON Lines file, one checksummed event per line, `fsync`ed
//! on every append.

mod format;
mod lock;
mod scan;
mod sidecar;

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use crate::append::{
    AppendBackend, AppendSession, IdempotencyRecord, LogPosition, SealedBatch, append,
};
use crate::error::{Damage, EventStoreError, Position, RecoveryReport};
use crate::event::{Append, Appended, CompactedEvent, LogEntry, RecordedEvent};
use crate::line;
use crate::store::{EventStore, StreamSnapshot};
use format::{BatchMark, FileLine};
use lock::LogLock;
use scan::{Index, ScanEnd, scan};
use sidecar::{Sidecar, create_fresh, open_cache, sibling, sync_directory};

/// What to do when the file ends with a write that did not finish (a crash during an append:
/// the batch was never acknowledged).
///
/// ```
/// use reactive_sourcing::TornTail;
/// assert_eq!(TornTail::default(), TornTail::Repair);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TornTail {
    /// Set the torn bytes aside in a new `.damaged-<offset>` file beside the log (a suffix
    /// `-2`, `-3`, … if that name is taken: an earlier set-aside file is never overwritten),
    /// cut them off, and report it in [`JsonlStore::open_report`].
    #[default]
    Repair,
    /// Refuse to open with [`EventStoreError::Corrupt`] naming the position.
    Fail,
}

/// What [`JsonlStore::open`] found.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// let store = reactive_sourcing::JsonlStore::open(dir.path().join("log.jsonl"))?;
/// assert_eq!(store.open_report().kept, 0);
/// assert!(store.open_report().damage.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub type OpenReport = RecoveryReport;

/// An event store in one append-only JSON Lines file.
///
/// Every line is one log entry (line *n* holds sequence *n*), a JSON object that starts with a
/// CRC-32 of the rest of the line, so `jq`, `grep` and `tail -f` work on it. A batch is written
/// with one `write` and made durable with `fsync` before `append` returns; each line records
/// its place in its batch, so a batch cut short by a crash is recognised and never half-read.
///
/// Opening reads the whole file once to build an index of byte offsets (8 bytes per event,
/// plus streams and idempotency keys); events stay on disk and are read on demand. Snapshots
/// and checkpoints live in two small sidecar files (`<name>.snapshots`, `<name>.checkpoints`).
/// Snapshots are a cache: a damaged snapshot file does not stop [`open`](JsonlStore::open) or
/// [`recover`](JsonlStore::recover); it is renamed aside (never deleted), reported in
/// [`OpenReport::snapshots_set_aside`], and aggregates load from their events.
///
/// One store per file: opening takes an exclusive lock on `<name>.lock` and holds it until the
/// store is dropped, so a second [`open`](JsonlStore::open) of the same log — in this process
/// or another — fails with [`EventStoreError::Locked`] instead of writing beside the first.
/// For several writing processes, use `SqliteStore`.
///
/// ```
/// use reactive_sourcing::{Append, EventStore, ExpectedVersion, JsonlStore, NewEvent};
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("events.jsonl");
/// {
///     let store = JsonlStore::open(&path)?;
///     store.append(Append::new("s", ExpectedVersion::NoStream).event(NewEvent::new("E", 1, 1.into())))?;
/// }
/// let store = JsonlStore::open(&path)?; // reopened: the event is there
/// assert_eq!(store.stream_version("s")?, 1);
/// assert!(std::fs::read_to_string(&path)?.starts_with("{\"crc\":"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct JsonlStore {
    path: PathBuf,
    report: OpenReport,
    inner: Mutex<Inner>,
    /// Held for the store's lifetime: no other store writes this log meanwhile.
    _lock: LogLock,
}

#[derive(Debug)]
struct Inner {
    writer: File,
    reader: BufReader<File>,
    index: Index,
    snapshots: Sidecar<StreamSnapshot>,
    checkpoints: Sidecar<u64>,
    /// Set when a failed write could not be undone: the file must be reopened.
    broken: Option<String>,
}

impl JsonlStore {
    /// Opens (or creates) the log at `path`, repairing a torn tail (see [`TornTail`]).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Locked`] if another store has the log open (in this process or
    /// another), [`EventStoreError::Corrupt`] naming the first damaged line (use
    /// [`recover`](JsonlStore::recover) to keep every intact event before it), or
    /// [`EventStoreError::Io`].
    ///
    /// See [`JsonlStore`] for a full example.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, EventStoreError> {
        JsonlStore::open_with(path, TornTail::Repair)
    }

    /// Opens (or creates) the log at `path` with the given torn-tail policy.
    ///
    /// # Errors
    ///
    /// As for [`open`](JsonlStore::open); with [`TornTail::Fail`], a torn tail is
    /// [`EventStoreError::Corrupt`] too.
    ///
    /// ```
    /// use reactive_sourcing::{JsonlStore, EventStoreError, TornTail};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("events.jsonl");
    /// std::fs::write(&path, b"{\"crc\":\"0000")?; // a torn first line
    /// assert!(matches!(JsonlStore::open_with(&path, TornTail::Fail), Err(EventStoreError::Corrupt { .. })));
    /// let store = JsonlStore::open(&path)?; // repaired, and reported
    /// assert!(store.open_report().damage.is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open_with(path: impl AsRef<Path>, torn_tail: TornTail) -> Result<Self, EventStoreError> {
        let path = path.as_ref().to_owned();
        let lock = LogLock::acquire(&path)?;
        let (index, end) = scan_file(&path)?;
        let damage = match end {
            ScanEnd::Clean => None,
            ScanEnd::TornTail {
                position,
                cut,
                reason,
            } => match torn_tail {
                TornTail::Fail => {
                    return Err(EventStoreError::Corrupt {
                        path: Some(path),
                        position,
                        reason,
                    });
                }
                TornTail::Repair => Some(Damage {
                    position,
                    reason,
                    set_aside: Some(set_aside(&path, cut)?),
                }),
            },
            ScanEnd::Damaged {
                position, reason, ..
            } => {
                return Err(EventStoreError::Corrupt {
                    path: Some(path),
                    position,
                    reason: format!(
                        "{reason}; the {} entries before it are intact (JsonlStore::recover \
                         keeps them)",
                        index.offsets.len()
                    ),
                });
            }
        };
        let kept = index.offsets.len() as u64;
        let (inner, snapshots_set_aside) = Inner::open(&path, index)?;
        let report = OpenReport {
            kept,
            damage,
            snapshots_set_aside,
        };
        Ok(JsonlStore {
            path,
            report,
            inner: Mutex::new(inner),
            _lock: lock,
        })
    }

    /// Recovers a damaged log in place: keeps every complete batch before the first damaged
    /// line, saves the rest of the file to a new `.damaged-<offset>` file beside it (with a
    /// suffix `-2`, `-3`, … if an earlier recovery used that name: nothing is thrown away or
    /// overwritten), and cuts it off. A log without damage is left as it is.
    ///
    /// A damaged snapshot file is set aside too (see [`RecoveryReport::snapshots_set_aside`]).
    ///
    /// Recovery takes the log's lock like [`open`](JsonlStore::open), for as long as it runs.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Locked`] if a store has the log open, or [`EventStoreError::Io`].
    ///
    /// ```
    /// use reactive_sourcing::{Append, EventStore, ExpectedVersion, JsonlStore, NewEvent, Position};
    /// let dir = tempfile::tempdir()?;
    /// let path = dir.path().join("events.jsonl");
    /// let store = JsonlStore::open(&path)?;
    /// for i in 0..3 {
    ///     store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, i.into())))?;
    /// }
    /// drop(store);
    /// let mut bytes = std::fs::read(&path)?;
    /// let second_line = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
    /// bytes[second_line + 30] ^= 0x01; // flip a bit in line 2
    /// std::fs::write(&path, bytes)?;
    ///
    /// assert!(JsonlStore::open(&path).is_err());
    /// let report = JsonlStore::recover(&path)?;
    /// assert_eq!(report.kept, 1);
    /// assert!(matches!(report.damage.unwrap().position, Position::Line { line: 2, .. }));
    /// assert_eq!(JsonlStore::open(&path)?.head()?, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn recover(path: impl AsRef<Path>) -> Result<RecoveryReport, EventStoreError> {
        let path = path.as_ref();
        let _lock = LogLock::acquire(path)?;
        let (index, end) = scan_file(path)?;
        let damage = match end {
            ScanEnd::Clean => None,
            ScanEnd::TornTail {
                position,
                cut,
                reason,
            }
            | ScanEnd::Damaged {
                position,
                cut,
                reason,
            } => Some(Damage {
                position,
                reason,
                set_aside: Some(set_aside(path, cut)?),
            }),
        };
        let (_, snapshots_set_aside) = open_cache::<StreamSnapshot>(sibling(path, "snapshots"))?;
        Ok(RecoveryReport {
            kept: index.offsets.len() as u64,
            damage,
            snapshots_set_aside,
        })
    }

    /// What opening found (and repaired).
    ///
    /// See [`JsonlStore::open_with`] for a full example.
    pub fn open_report(&self) -> &OpenReport {
        &self.report
    }

    /// The log file.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let store = reactive_sourcing::JsonlStore::open(dir.path().join("log.jsonl"))?;
    /// assert!(store.path().ends_with("log.jsonl"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> Result<MutexGuard<'_, Inner>, EventStoreError> {
        // State is only changed after a write succeeded, so a panic elsewhere while the lock
        // was held leaves it consistent.
        let inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &inner.broken {
            Some(reason) => Err(EventStoreError::Io {
                path: Some(self.path.clone()),
                source: std::io::Error::other(format!(
                    "the store must be reopened after a failed write: {reason}"
                )),
            }),
            None => Ok(inner),
        }
    }

    fn corrupt(&self, sequence: u64, offset: u64, reason: impl Into<String>) -> EventStoreError {
        EventStoreError::Corrupt {
            path: Some(self.path.clone()),
            position: Position::Line {
                line: sequence,
                byte_offset: offset,
            },
            reason: reason.into(),
        }
    }

    /// Reads the line of `sequence` from the current reader position.
    fn read_next(&self, inner: &mut Inner, sequence: u64) -> Result<FileLine, EventStoreError> {
        let offset = inner.index.offsets[index_of(sequence)];
        let mut bytes = Vec::new();
        inner
            .reader
            .read_until(b'\n', &mut bytes)
            .map_err(|error| EventStoreError::io(&self.path, error))?;
        if bytes.pop() != Some(b'\n') {
            return Err(self.corrupt(sequence, offset, "the line was cut short after opening"));
        }
        let line: FileLine = line::decode(&bytes)
            .map_err(|fault| self.corrupt(sequence, offset, fault.to_string()))?;
        match line.head() {
            Some(head) if head.sequence == sequence => Ok(line),
            _ => Err(self.corrupt(sequence, offset, "the line is not the expected entry")),
        }
    }

    fn seek(&self, inner: &mut Inner, sequence: u64) -> Result<(), EventStoreError> {
        let offset = inner.index.offsets[index_of(sequence)];
        inner
            .reader
            .seek(SeekFrom::Start(offset))
            .map(drop)
            .map_err(|error| EventStoreError::io(&self.path, error))
    }

    /// Reads entries from sequence `from` on, keeping those `keep` accepts, until `limit` are
    /// kept or the log ends.
    fn read_entries<T>(
        &self,
        from: u64,
        limit: usize,
        mut keep: impl FnMut(FileLine) -> Option<T>,
    ) -> Result<Vec<T>, EventStoreError> {
        let mut inner = self.lock()?;
        let head = inner.index.offsets.len() as u64;
        let from = from.max(1);
        let mut kept = Vec::new();
        if from > head || limit == 0 {
            return Ok(kept);
        }
        self.seek(&mut inner, from)?;
        for sequence in from..=head {
            let line = self.read_next(&mut inner, sequence)?;
            if let Some(entry) = keep(line) {
                kept.push(entry);
                if kept.len() == limit {
                    break;
                }
            }
        }
        Ok(kept)
    }
}

fn index_of(position: u64) -> usize {
    usize::try_from(position.saturating_sub(1)).unwrap_or(usize::MAX)
}

fn scan_file(path: &Path) -> Result<(Index, ScanEnd), EventStoreError> {
    let file = OpenOptions::new()
        .read(true)
        .append(true)
        .create(true)
        .open(path)
        .map_err(|error| EventStoreError::io(path, error))?;
    scan(BufReader::with_capacity(1 << 16, file)).map_err(|error| EventStoreError::io(path, error))
}

/// Copies the bytes of `path` from `cut` on to a new file `<path>.damaged-<cut>` (`-2`, `-3`,
/// … appended if an earlier repair already used that name: nothing set aside is overwritten),
/// then truncates `path` at `cut`. Returns the copy's path and its length.
fn set_aside(path: &Path, cut: u64) -> Result<(PathBuf, u64), EventStoreError> {
    let io = |error| EventStoreError::io(path, error);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(io)?;
    file.seek(SeekFrom::Start(cut)).map_err(io)?;
    let mut rest = Vec::new();
    file.read_to_end(&mut rest).map_err(io)?;
    let (mut copy, saved) = create_fresh(path, &format!("damaged-{cut}"))?;
    copy.write_all(&rest)
        .and_then(|()| copy.sync_all())
        .map_err(|error| EventStoreError::io(&saved, error))?;
    file.set_len(cut).map_err(io)?;
    file.sync_all().map_err(io)?;
    sync_directory(path)?;
    Ok((saved, rest.len() as u64))
}

impl Inner {
    /// Opens the files of the log at `path`; also returns the damage of a snapshot sidecar that
    /// had to be set aside.
    fn open(path: &Path, index: Index) -> Result<(Self, Option<Damage>), EventStoreError> {
        let io = |error| EventStoreError::io(path, error);
        let writer = OpenOptions::new().append(true).open(path).map_err(io)?;
        let reader = BufReader::with_capacity(1 << 16, File::open(path).map_err(io)?);
        let (snapshots, snapshots_set_aside) = open_cache(sibling(path, "snapshots"))?;
        let inner = Inner {
            writer,
            reader,
            index,
            snapshots,
            checkpoints: Sidecar::open(sibling(path, "checkpoints"))?,
            broken: None,
        };
        Ok((inner, snapshots_set_aside))
    }

    /// Writes a batch's bytes durably; on failure, undoes the partial write or marks the store
    /// broken.
    fn write_durably(&mut self, bytes: &[u8]) -> Result<(), std::io::Error> {
        let written = self
            .writer
            .write_all(bytes)
            .and_then(|()| self.writer.sync_data());
        if let Err(error) = written {
            // After a failed fsync the state of the file is unknown: only a reopen (which
            // scans it) can tell what is there.
            let undone = self.writer.set_len(self.index.len);
            self.broken = Some(match undone {
                Ok(()) => format!("a write failed ({error})"),
                Err(undo) => format!("a write failed ({error}) and could not be undone ({undo})"),
            });
            return Err(error);
        }
        Ok(())
    }
}

impl AppendBackend for JsonlStore {
    fn with_session<R>(
        &self,
        body: impl FnOnce(&mut dyn AppendSession) -> Result<R, EventStoreError>,
    ) -> Result<R, EventStoreError> {
        let mut inner = self.lock()?;
        body(&mut JsonlSession {
            path: &self.path,
            inner: &mut inner,
        })
    }
}

/// An append in progress: the store's lock is held.
struct JsonlSession<'a> {
    path: &'a Path,
    inner: &'a mut Inner,
}

impl AppendSession for JsonlSession<'_> {
    fn idempotency_record(
        &mut self,
        key: &str,
    ) -> Result<Option<IdempotencyRecord>, EventStoreError> {
        Ok(self.inner.index.idempotency.get(key).cloned())
    }

    fn position(&mut self, stream: &str) -> Result<LogPosition, EventStoreError> {
        let index = &self.inner.index;
        Ok(LogPosition {
            stream_version: index.stream_version(stream),
            head: index.offsets.len() as u64,
            last_hash: index.last_hash,
        })
    }

    /// One `write` and one `fsync` for the whole batch; the index learns of it only after.
    fn write(&mut self, batch: SealedBatch) -> Result<(), EventStoreError> {
        let size = u32::try_from(batch.len()).map_err(|_| EventStoreError::InvalidInput {
            reason: "a batch holds at most 2^32 - 1 events".into(),
        })?;
        let (key, digest) = (batch.idempotency_key().map(str::to_owned), batch.digest());
        let mut bytes = Vec::new();
        let mut lines = Vec::with_capacity(batch.len());
        for (index, sealed) in (0u32..).zip(batch.into_records()) {
            let first = index == 0;
            let file_line = FileLine {
                batch: BatchMark {
                    index,
                    size,
                    key: if first { key.clone() } else { None },
                    digest: if first { digest } else { None },
                },
                event: Some(sealed),
                stub: None,
            };
            let encoded = line::encode(&file_line).map_err(|error| EventStoreError::Encode {
                what: "an event line".into(),
                reason: error.to_string(),
            })?;
            lines.push((self.inner.index.len + bytes.len() as u64, file_line));
            bytes.extend_from_slice(&encoded);
        }
        self.inner
            .write_durably(&bytes)
            .map_err(|error| EventStoreError::io(self.path, error))?;
        let end = self.inner.index.len + bytes.len() as u64;
        self.inner.index.commit(lines, end);
        Ok(())
    }
}

impl EventStore for JsonlStore {
    fn append(&self, batch: Append) -> Result<Appended, EventStoreError> {
        append(self, batch)
    }

    fn head(&self) -> Result<u64, EventStoreError> {
        Ok(self.lock()?.index.offsets.len() as u64)
    }

    fn stream_version(&self, stream: &str) -> Result<u64, EventStoreError> {
        Ok(self.lock()?.index.stream_version(stream))
    }

    fn read_all(&self, from: u64, limit: usize) -> Result<Vec<RecordedEvent>, EventStoreError> {
        self.read_entries(from, limit, |line| line.event)
    }

    fn read_stream(
        &self,
        stream: &str,
        from_version: u64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, EventStoreError> {
        let mut inner = self.lock()?;
        let sequences: Vec<u64> = match inner.index.streams.get(stream) {
            None => return Ok(Vec::new()),
            Some(index) => {
                let start = index_of(from_version.max(1)).min(index.sequences.len());
                index.sequences[start..].to_vec()
            }
        };
        let mut events = Vec::new();
        let mut next_in_reader = None;
        for sequence in sequences {
            if events.len() == limit {
                break;
            }
            if next_in_reader != Some(sequence) {
                self.seek(&mut inner, sequence)?;
            }
            let line = self.read_next(&mut inner, sequence)?;
            next_in_reader = Some(sequence + 1);
            if let Some(event) = line.event {
                events.push(event);
            }
        }
        Ok(events)
    }

    fn read_log(&self, from: u64, limit: usize) -> Result<Vec<LogEntry>, EventStoreError> {
        self.read_entries(from, limit, |line| match (line.event, line.stub) {
            (Some(event), _) => Some(LogEntry::Event(event)),
            (None, Some(stub)) => Some(LogEntry::Compacted(stub)),
            (None, None) => None,
        })
    }

    fn compacted_through(&self, stream: &str) -> Result<u64, EventStoreError> {
        Ok(self
            .lock()?
            .index
            .streams
            .get(stream)
            .map_or(0, |index| index.compacted_through))
    }

    fn event_types(&self) -> Result<Vec<(String, u32)>, EventStoreError> {
        let inner = self.lock()?;
        Ok(inner
            .index
            .types
            .iter()
            .filter(|&(_, &count)| count > 0)
            .map(|(pair, _)| pair.clone())
            .collect())
    }

    fn save_snapshot(&self, snapshot: &StreamSnapshot) -> Result<(), EventStoreError> {
        self.lock()?
            .snapshots
            .put(&snapshot.stream, snapshot.clone())
    }

    fn load_snapshot(&self, stream: &str) -> Result<Option<StreamSnapshot>, EventStoreError> {
        Ok(self.lock()?.snapshots.get(stream).cloned())
    }

    fn save_checkpoint(&self, name: &str, position: u64) -> Result<(), EventStoreError> {
        self.lock()?.checkpoints.put(name, position)
    }

    fn load_checkpoint(&self, name: &str) -> Result<Option<u64>, EventStoreError> {
        Ok(self.lock()?.checkpoints.get(name).copied())
    }

    /// Rewrites the file with stubs in place of the compacted events (write a copy, `fsync`,
    /// rename over the log, `fsync` the directory), then re-reads it.
    fn stub_events(&self, stream: &str, through_version: u64) -> Result<u64, EventStoreError> {
        let mut inner = self.lock()?;
        let version = inner.index.stream_version(stream);
        if through_version > version {
            return Err(EventStoreError::InvalidInput {
                reason: format!(
                    "cannot compact stream `{stream}` through version {through_version}: it is at \
                     version {version}"
                ),
            });
        }
        let targets: HashSet<u64> =
            inner
                .index
                .streams
                .get(stream)
                .map_or_else(HashSet::new, |index| {
                    index.sequences[..index_of(through_version + 1)]
                        .iter()
                        .copied()
                        .collect()
                });
        let head = inner.index.offsets.len() as u64;
        let temporary = sibling(&self.path, "compacting");
        let io = |error| EventStoreError::io(&temporary, error);
        let mut out = BufWriter::new(File::create(&temporary).map_err(io)?);
        let mut stubbed = 0;
        if head > 0 {
            self.seek(&mut inner, 1)?;
        }
        for sequence in 1..=head {
            let line = self.read_next(&mut inner, sequence)?;
            let line = match line {
                FileLine {
                    batch,
                    event: Some(event),
                    ..
                } if targets.contains(&sequence) => {
                    stubbed += 1;
                    FileLine {
                        batch,
                        event: None,
                        stub: Some(CompactedEvent {
                            sequence,
                            stream: event.stream,
                            version: event.version,
                            prev_hash: event.prev_hash,
                            hash: event.hash,
                        }),
                    }
                }
                line => line,
            };
            let encoded = line::encode(&line).map_err(|error| EventStoreError::Encode {
                what: "a log line".into(),
                reason: error.to_string(),
            })?;
            out.write_all(&encoded).map_err(io)?;
        }
        let file = out.into_inner().map_err(|error| io(error.into_error()))?;
        file.sync_all().map_err(io)?;
        drop(file);
        std::fs::rename(&temporary, &self.path)
            .map_err(|error| EventStoreError::io(&self.path, error))?;
        sync_directory(&self.path)?;
        let (index, end) = scan_file(&self.path)?;
        if !matches!(end, ScanEnd::Clean) {
            inner.broken = Some("the compacted file does not scan cleanly".into());
            return Err(self.corrupt(0, 0, format!("after compaction: {end:?}")));
        }
        *inner = Inner::open(&self.path, index)?.0;
        Ok(stubbed)
    }
}
