//! The last resort of recovery: reading event rows straight from the database file's pages,
//! for when SQLite cannot reach them through its b-tree (a truncated file loses interior pages
//! that the surviving leaves hang from).
//!
//! Only what the SQLite file format documents is used: the page size in the header, table
//! b-tree leaf pages (type 13), cells of (payload size, rowid, record), overflow chains, and the
//! record format. Every row found is checked like any other (hash and chain link) before it is
//! kept, so a stale or garbled cell can never be recovered as an event.

use std::collections::BTreeMap;

use crate::event::{CompactedEvent, EventHash, LogEntry, Metadata, RecordedEvent};

/// A decoded column value.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Null,
    Integer(i64),
    Real,
    Blob(Vec<u8>),
    Text(Vec<u8>),
}

fn varint(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value = 0u64;
    for (index, &byte) in bytes.iter().enumerate().take(9) {
        if index == 8 {
            return Some(((value << 8) | u64::from(byte), 9));
        }
        value = (value << 7) | u64::from(byte & 0x7f);
        if byte & 0x80 == 0 {
            return Some((value, index + 1));
        }
    }
    None
}

fn be(bytes: &[u8]) -> i64 {
    let mut value: i64 = if bytes.first().is_some_and(|&b| b & 0x80 != 0) {
        -1
    } else {
        0
    };
    for &byte in bytes {
        value = (value << 8) | i64::from(byte);
    }
    value
}

/// Decodes a record (header of serial types, then values).
fn record(payload: &[u8]) -> Option<Vec<Value>> {
    let (header_size, mut at) = varint(payload)?;
    let header_size = usize::try_from(header_size).ok()?;
    let mut types = Vec::new();
    while at < header_size {
        let (serial, used) = varint(payload.get(at..header_size)?)?;
        types.push(serial);
        at += used;
    }
    let mut body = header_size;
    let mut values = Vec::with_capacity(types.len());
    for serial in types {
        let size = match serial {
            0 | 8 | 9 => 0,
            1..=4 => serial as usize,
            5 => 6,
            6 | 7 => 8,
            10 | 11 => return None,
            n => usize::try_from((n - 12) / 2).ok()?,
        };
        let bytes = payload.get(body..body + size)?;
        values.push(match serial {
            0 => Value::Null,
            1..=6 => Value::Integer(be(bytes)),
            7 => Value::Real,
            8 => Value::Integer(0),
            9 => Value::Integer(1),
            n if n % 2 == 0 => Value::Blob(bytes.to_vec()),
            _ => Value::Text(bytes.to_vec()),
        });
        body += size;
    }
    Some(values)
}

/// The payload of a cell, following its overflow chain if it has one (within the file).
fn cell_payload(
    file: &[u8],
    page_size: usize,
    usable: usize,
    cell: &[u8],
) -> Option<(i64, Vec<u8>)> {
    let (size, used_size) = varint(cell)?;
    let (rowid, used_rowid) = varint(cell.get(used_size..)?)?;
    let size = usize::try_from(size).ok()?;
    let start = used_size + used_rowid;
    let max_local = usable - 35;
    let local = if size <= max_local {
        size
    } else {
        let min_local = (usable - 12) * 32 / 255 - 23;
        let candidate = min_local + (size - min_local) % (usable - 4);
        if candidate <= max_local {
            candidate
        } else {
            min_local
        }
    };
    let mut payload = cell.get(start..start + local)?.to_vec();
    if local < size {
        let pointer = cell.get(start + local..start + local + 4)?;
        let mut page = u32::from_be_bytes(pointer.try_into().ok()?) as usize;
        let mut hops = 0;
        while payload.len() < size {
            hops += 1;
            if page == 0 || hops > file.len() / page_size {
                return None;
            }
            let body = file.get((page - 1) * page_size..page * page_size)?;
            let next = u32::from_be_bytes(body.get(..4)?.try_into().ok()?) as usize;
            let take = (size - payload.len()).min(usable - 4);
            payload.extend_from_slice(body.get(4..4 + take)?);
            page = next;
        }
    }
    Some((i64::try_from(rowid).ok().map_or(-1, |rowid| rowid), payload))
}

fn text(value: &Value) -> Option<Option<String>> {
    match value {
        Value::Null => Some(None),
        Value::Text(bytes) => String::from_utf8(bytes.clone()).ok().map(Some),
        _ => None,
    }
}

fn unsigned(value: &Value) -> Option<u64> {
    match value {
        Value::Integer(n) => u64::try_from(*n).ok(),
        _ => None,
    }
}

fn hash(value: &Value) -> Option<EventHash> {
    match value {
        Value::Blob(bytes) => Some(EventHash(bytes.as_slice().try_into().ok()?)),
        _ => None,
    }
}

/// Turns a row of the `events` table into a log entry (unchecked).
fn entry(rowid: i64, values: &[Value]) -> Option<LogEntry> {
    let [
        _,
        stream,
        version,
        event_type,
        schema_version,
        payload,
        timestamp,
        principal,
        causation,
        correlation,
        key,
        prev_hash,
        hash_value,
        compacted,
    ] = values
    else {
        return None;
    };
    let sequence = u64::try_from(rowid).ok()?;
    let stream = text(stream)??;
    let version = unsigned(version)?;
    let (prev_hash, hash_value) = (hash(prev_hash)?, hash(hash_value)?);
    if unsigned(compacted)? != 0 {
        return Some(LogEntry::Compacted(CompactedEvent {
            sequence,
            stream,
            version,
            prev_hash,
            hash: hash_value,
        }));
    }
    let Value::Text(payload) = payload else {
        return None;
    };
    Some(LogEntry::Event(RecordedEvent {
        sequence,
        stream,
        version,
        event_type: text(event_type)??,
        schema_version: u32::try_from(unsigned(schema_version)?).ok()?,
        payload: serde_json::from_slice(payload).ok()?,
        metadata: Metadata {
            timestamp_ms: unsigned(timestamp)?,
            principal: text(principal)?,
            causation_id: text(causation)?,
            correlation_id: text(correlation)?,
        },
        idempotency_key: text(key)?,
        prev_hash,
        hash: hash_value,
    }))
}

/// Every `events` row found on the table leaf pages of `file`, by sequence. Where a sequence
/// appears more than once (stale copies on free pages), a copy whose content matches its hash
/// is preferred.
pub(super) fn scan_event_rows(file: &[u8]) -> BTreeMap<u64, Vec<LogEntry>> {
    let mut found: BTreeMap<u64, Vec<LogEntry>> = BTreeMap::new();
    let Some(header) = file.get(..100) else {
        return found;
    };
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536,
        size => usize::from(size),
    };
    if page_size < 512 || !page_size.is_power_of_two() {
        return found;
    }
    let usable = page_size - usize::from(header[20]);
    // Page 1 holds the schema table; event rows live on later pages.
    for page in file.chunks_exact(page_size).skip(1) {
        if page[0] != 13 {
            continue;
        }
        let cells = usize::from(u16::from_be_bytes([page[3], page[4]]));
        for index in 0..cells {
            let Some(pointer) = page.get(8 + 2 * index..10 + 2 * index) else {
                break;
            };
            let offset = usize::from(u16::from_be_bytes([pointer[0], pointer[1]]));
            let Some(cell) = page.get(offset..) else {
                continue;
            };
            let Some((rowid, payload)) = cell_payload(file, page_size, usable, cell) else {
                continue;
            };
            if let Some(entry) = record(&payload).and_then(|values| entry(rowid, &values)) {
                found.entry(entry.sequence()).or_default().push(entry);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_decode_as_the_file_format_says() {
        assert_eq!(varint(&[0x05]), Some((5, 1)));
        assert_eq!(varint(&[0x81, 0x00]), Some((128, 2)));
        assert_eq!(varint(&[0xff; 9]), Some((u64::MAX, 9)));
        assert_eq!(varint(&[0x81]), None);
    }

    #[test]
    fn big_endian_integers_keep_their_sign() {
        assert_eq!(be(&[0xff]), -1);
        assert_eq!(be(&[0x01, 0x00]), 256);
        assert_eq!(be(&[0x80, 0, 0, 0, 0, 0, 0, 0]), i64::MIN);
    }

    #[test]
    fn a_record_decodes_into_its_values() {
        // header size 4: types NULL, int8, text(2 bytes) → serial 17.
        let payload = [4, 0, 1, 17, 7, b'h', b'i'];
        assert_eq!(
            record(&payload),
            Some(vec![
                Value::Null,
                Value::Integer(7),
                Value::Text(b"hi".to_vec())
            ])
        );
        assert_eq!(record(&payload[..5]), None);
    }
}
