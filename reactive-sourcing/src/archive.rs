//! Compaction archives: the full records of compacted events, as checksummed JSON lines, and
//! their verification against the stubs the store kept.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{BrokenLink, EventStoreError, LinkFault, Position};
use crate::event::{LogEntry, RecordedEvent};
use crate::line::{self, Lines};
use crate::store::EventStore;

/// One archive line: `{"crc":"…","event":{…}}`.
#[derive(Serialize, Deserialize)]
struct ArchiveLine {
    event: RecordedEvent,
}

/// Appends compacted events to an archive file (created if missing).
///
/// ```
/// use reactive_sourcing::ArchiveWriter;
/// let dir = tempfile::tempdir()?;
/// let archive = ArchiveWriter::open(dir.path().join("archive.jsonl"))?;
/// assert!(archive.path().ends_with("archive.jsonl"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct ArchiveWriter {
    path: PathBuf,
    file: File,
}

impl ArchiveWriter {
    /// Opens `path` for appending. A torn last line (left by a crash before the archive was
    /// made durable, so before any event was compacted) is cut off first.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Io`] if the file cannot be opened or repaired.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let archive = reactive_sourcing::ArchiveWriter::open(dir.path().join("a.jsonl"))?;
    /// # drop(archive);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, EventStoreError> {
        let path = path.into();
        let io = |error| EventStoreError::io(&path, error);
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&path)
            .map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let mut last = [b'\n'];
        if len > 0 {
            file.seek(SeekFrom::Start(len - 1)).map_err(io)?;
            file.read_exact(&mut last).map_err(io)?;
        }
        if last[0] != b'\n' {
            // Rare (only after a crash): find the last complete line.
            let mut contents = Vec::new();
            file.seek(SeekFrom::Start(0)).map_err(io)?;
            file.read_to_end(&mut contents).map_err(io)?;
            let keep = contents
                .iter()
                .rposition(|&byte| byte == b'\n')
                .map_or(0, |at| at + 1);
            file.set_len(keep as u64).map_err(io)?;
            file.seek(SeekFrom::End(0)).map_err(io)?;
        }
        Ok(ArchiveWriter { path, file })
    }

    /// The archive's path.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// # let archive = reactive_sourcing::ArchiveWriter::open(dir.path().join("a.jsonl"))?;
    /// assert_eq!(archive.path().file_name().unwrap(), "a.jsonl");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one event (buffered by the OS until [`sync`](ArchiveWriter::sync)).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Io`] on a write error.
    ///
    /// ```
    /// use reactive_sourcing::{Append, ArchiveWriter, EventStore, ExpectedVersion, MemoryStore, NewEvent};
    /// # let dir = tempfile::tempdir()?;
    /// let store = MemoryStore::new();
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 0.into())))?;
    /// let mut archive = ArchiveWriter::open(dir.path().join("a.jsonl"))?;
    /// archive.write(&store.read_all(1, 1)?[0])?;
    /// archive.sync()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write(&mut self, event: &RecordedEvent) -> Result<(), EventStoreError> {
        let line = line::encode(&ArchiveLine {
            event: event.clone(),
        })
        .map_err(|error| EventStoreError::Encode {
            what: format!("archived event {}", event.sequence),
            reason: error.to_string(),
        })?;
        self.file
            .write_all(&line)
            .map_err(|error| EventStoreError::io(&self.path, error))
    }

    /// Makes everything written so far durable (`fsync`).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Io`] if the data cannot be made durable.
    ///
    /// ```
    /// # let dir = tempfile::tempdir()?;
    /// let mut archive = reactive_sourcing::ArchiveWriter::open(dir.path().join("a.jsonl"))?;
    /// archive.sync()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn sync(&mut self) -> Result<(), EventStoreError> {
        self.file
            .sync_all()
            .map_err(|error| EventStoreError::io(&self.path, error))
    }
}

/// Reads an archive: every archived event, by sequence, each once (an event archived twice by
/// an interrupted and repeated compaction is returned once). A torn last line, left by a crash
/// before the archive was made durable, is ignored: compaction had not removed those events
/// from the store yet.
///
/// # Errors
///
/// [`EventStoreError::Corrupt`] naming the first damaged line, or [`EventStoreError::Io`].
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// # let path = dir.path().join("a.jsonl");
/// # reactive_sourcing::ArchiveWriter::open(&path)?;
/// let events = reactive_sourcing::read_archive(&path)?;
/// assert!(events.is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn read_archive(path: impl AsRef<Path>) -> Result<Vec<RecordedEvent>, EventStoreError> {
    let path = path.as_ref();
    let file = File::open(path).map_err(|error| EventStoreError::io(path, error))?;
    let mut lines = Lines::new(BufReader::new(file), 1, 0);
    let mut events = BTreeMap::new();
    while let Some(raw) = lines
        .next_line()
        .map_err(|error| EventStoreError::io(path, error))?
    {
        if !raw.complete {
            break;
        }
        let record: ArchiveLine =
            line::decode(&raw.bytes).map_err(|fault| EventStoreError::Corrupt {
                path: Some(path.to_owned()),
                position: Position::Line {
                    line: raw.number,
                    byte_offset: raw.offset,
                },
                reason: fault.to_string(),
            })?;
        events.insert(record.event.sequence, record.event);
    }
    Ok(events.into_values().collect())
}

/// Checks an archive against the store: each archived event's content must hash to its
/// recorded hash, and the store must hold an entry with that hash at its sequence (the stub
/// compaction left). Returns how many events were checked.
///
/// # Errors
///
/// [`EventStoreError::BrokenChain`] with [`LinkFault::ContentAltered`] or
/// [`LinkFault::ArchiveMismatch`] for the first bad event, or a read error.
///
/// ```
/// use reactive_sourcing::{verify_archive, Append, ArchiveWriter, EventStore, ExpectedVersion, MemoryStore, NewEvent};
/// # let dir = tempfile::tempdir()?;
/// let store = MemoryStore::new();
/// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 0.into())))?;
/// let mut archive = ArchiveWriter::open(dir.path().join("a.jsonl"))?;
/// store.compact("s", 1, &mut archive)?;
/// assert_eq!(verify_archive(&store, archive.path())?, 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn verify_archive<S: EventStore + ?Sized>(
    store: &S,
    path: impl AsRef<Path>,
) -> Result<u64, EventStoreError> {
    let mut checked = 0;
    for event in read_archive(path)? {
        let broken = |fault| {
            EventStoreError::BrokenChain(BrokenLink {
                sequence: event.sequence,
                fault,
            })
        };
        if event.computed_hash() != event.hash {
            return Err(broken(LinkFault::ContentAltered));
        }
        let entry = store.read_log(event.sequence, 1)?;
        match entry.first() {
            Some(entry @ (LogEntry::Compacted(_) | LogEntry::Event(_)))
                if entry.sequence() == event.sequence && entry.hash() == event.hash => {}
            _ => return Err(broken(LinkFault::ArchiveMismatch)),
        }
        checked += 1;
    }
    Ok(checked)
}
