//! What a line of the JSON Lines store holds.

use serde::{Deserialize, Serialize};

use crate::event::{CompactedEvent, EventHash, RecordedEvent};

/// Where a line sits in the batch that wrote it. The first line of a batch also carries the
/// batch's idempotency key and digest, so the key survives compaction of the events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct BatchMark {
    /// 0-based position in the batch.
    pub index: u32,
    /// Number of events in the batch.
    pub size: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<EventHash>,
}

/// One line of the log: a batch mark and either an event or the stub of a compacted one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct FileLine {
    pub batch: BatchMark,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<RecordedEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stub: Option<CompactedEvent>,
}

/// A log entry's identity, whichever form it has.
pub(crate) struct EntryHead<'a> {
    pub sequence: u64,
    pub stream: &'a str,
    pub version: u64,
    pub prev_hash: EventHash,
    pub hash: EventHash,
    pub compacted: bool,
}

impl FileLine {
    pub(crate) fn head(&self) -> Option<EntryHead<'_>> {
        match (&self.event, &self.stub) {
            (Some(event), None) => Some(EntryHead {
                sequence: event.sequence,
                stream: &event.stream,
                version: event.version,
                prev_hash: event.prev_hash,
                hash: event.hash,
                compacted: false,
            }),
            (None, Some(stub)) => Some(EntryHead {
                sequence: stub.sequence,
                stream: &stub.stream,
                version: stub.version,
                prev_hash: stub.prev_hash,
                hash: stub.hash,
                compacted: true,
            }),
            _ => None,
        }
    }
}
