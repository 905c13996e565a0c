//! Reading a whole log file at open: rebuilding the in-memory index, and finding where damage
//! (or a torn write) starts.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead};

use super::format::FileLine;
use crate::append::IdempotencyRecord;
use crate::error::Position;
use crate::event::{Appended, EventHash};
use crate::line::{self, Lines, RawLine};

/// Per stream: the sequence number of each version, and how far it is compacted.
#[derive(Debug, Default)]
pub(crate) struct StreamIndex {
    /// `sequences[v - 1]` is the sequence of version `v`.
    pub sequences: Vec<u64>,
    pub compacted_through: u64,
}

/// What the store keeps in memory about its file: one offset per entry, the streams, the
/// types, the idempotency keys. Events themselves stay on disk.
#[derive(Debug, Default)]
pub(crate) struct Index {
    /// `offsets[s - 1]` is the byte offset of the line of sequence `s` (line `s`).
    pub offsets: Vec<u64>,
    pub streams: HashMap<String, StreamIndex>,
    /// Live events per `(type, schema version)`.
    pub types: BTreeMap<(String, u32), u64>,
    pub idempotency: HashMap<String, IdempotencyRecord>,
    pub last_hash: EventHash,
    /// Bytes of complete batches: where the next batch is written.
    pub len: u64,
}

impl Index {
    pub(crate) fn stream_version(&self, stream: &str) -> u64 {
        self.streams
            .get(stream)
            .map_or(0, |index| index.sequences.len() as u64)
    }

    /// Adds a committed batch's lines (`(offset, line)`) to the index.
    pub(crate) fn commit(&mut self, batch: Vec<(u64, FileLine)>, end: u64) {
        let mut first = None;
        for (offset, line) in batch {
            let Some(head) = line.head() else { continue };
            let (sequence, version, hash) = (head.sequence, head.version, head.hash);
            let stream = self.streams.entry(head.stream.to_owned()).or_default();
            stream.sequences.push(sequence);
            if head.compacted {
                stream.compacted_through = stream.compacted_through.max(version);
            }
            if let Some(event) = &line.event {
                *self
                    .types
                    .entry((event.event_type.clone(), event.schema_version))
                    .or_default() += 1;
            }
            self.offsets.push(offset);
            self.last_hash = hash;
            if line.batch.index == 0 {
                first = Some((line, sequence, version));
            }
        }
        if let Some((line, sequence, version)) = first
            && let (Some(key), Some(digest), Some(head)) =
                (line.batch.key.clone(), line.batch.digest, line.head())
        {
            let size = u64::from(line.batch.size);
            self.idempotency.insert(
                key,
                IdempotencyRecord {
                    stream: head.stream.to_owned(),
                    digest,
                    result: Appended {
                        stream_version: version + size - 1,
                        sequences: sequence..sequence + size,
                        duplicate: false,
                    },
                },
            );
        }
        self.len = end;
    }
}

/// How a scan ended.
#[derive(Debug)]
pub(crate) enum ScanEnd {
    /// The whole file is complete batches.
    Clean,
    /// The file ends with a write that did not finish (an incomplete line or an incomplete
    /// batch): what a crash during an append leaves. `cut` is where the complete part ends.
    TornTail {
        position: Position,
        cut: u64,
        reason: String,
    },
    /// A complete line is damaged or out of place. `cut` is the start of its batch: every
    /// complete batch before it is intact.
    Damaged {
        position: Position,
        cut: u64,
        reason: String,
    },
}

fn position(raw: &RawLine) -> Position {
    Position::Line {
        line: raw.number,
        byte_offset: raw.offset,
    }
}

/// Checks one decoded line against what must come next.
fn check_line(index: &Index, pending: &[(u64, FileLine)], line: &FileLine) -> Result<(), String> {
    let Some(head) = line.head() else {
        return Err("the line holds neither an event nor a stub".into());
    };
    let expected = (index.offsets.len() + pending.len()) as u64 + 1;
    if head.sequence != expected {
        return Err(format!(
            "sequence {} where {expected} was due",
            head.sequence
        ));
    }
    let previous = pending.last().and_then(|(_, line)| line.head());
    let prev_hash = previous.as_ref().map_or(index.last_hash, |head| head.hash);
    if head.prev_hash != prev_hash {
        return Err("its previous-hash does not match the line before it".into());
    }
    let mark = &line.batch;
    let due_version = match (pending.first(), &previous) {
        (Some((_, first)), Some(previous)) => {
            if mark.index as usize != pending.len()
                || mark.size != first.batch.size
                || previous.stream != head.stream
            {
                return Err("the line does not continue the batch before it".into());
            }
            previous.version + 1
        }
        _ => {
            if mark.index != 0 || mark.size == 0 {
                return Err(format!(
                    "a batch starts at position {} of {}",
                    mark.index, mark.size
                ));
            }
            index.stream_version(head.stream) + 1
        }
    };
    if head.version != due_version {
        return Err(format!(
            "version {} of stream `{}` where {due_version} was due",
            head.version, head.stream
        ));
    }
    Ok(())
}

/// Reads the log from the start, building the index of its complete batches and reporting how
/// it ends.
pub(crate) fn scan(reader: impl BufRead) -> io::Result<(Index, ScanEnd)> {
    let mut index = Index::default();
    let mut lines = Lines::new(reader, 1, 0);
    let mut pending: Vec<(u64, FileLine)> = Vec::new();
    while let Some(raw) = lines.next_line()? {
        let cut = pending.first().map_or(raw.offset, |&(offset, _)| offset);
        if !raw.complete {
            return Ok((
                index,
                ScanEnd::TornTail {
                    position: position(&raw),
                    cut,
                    reason: "the last line is incomplete (a write was interrupted)".into(),
                },
            ));
        }
        let decoded = line::decode::<FileLine>(&raw.bytes).map_err(|fault| fault.to_string());
        let checked = decoded.and_then(|line| check_line(&index, &pending, &line).map(|()| line));
        let line = match checked {
            Ok(line) => line,
            Err(reason) => {
                return Ok((
                    index,
                    ScanEnd::Damaged {
                        position: position(&raw),
                        cut,
                        reason,
                    },
                ));
            }
        };
        let size = line.batch.size as usize;
        pending.push((raw.offset, line));
        if pending.len() == size {
            let end = raw.offset + raw.bytes.len() as u64 + 1;
            index.commit(std::mem::take(&mut pending), end);
        }
    }
    match pending.first() {
        None => Ok((index, ScanEnd::Clean)),
        Some((offset, line)) => Ok((
            index,
            ScanEnd::TornTail {
                position: Position::Line {
                    line: line.head().map_or(0, |head| head.sequence),
                    byte_offset: *offset,
                },
                cut: *offset,
                reason: format!(
                    "the last batch has {} of its {} events (a write was interrupted)",
                    pending.len(),
                    line.batch.size
                ),
            },
        )),
    }
}
