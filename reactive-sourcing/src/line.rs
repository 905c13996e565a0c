//! Checksummed JSON lines, the format of the JSON Lines store and of compaction archives.
//!
//! A line is a JSON object whose first member is a CRC-32 of the rest of the line:
//!
//! ```text
//! {"crc":"1c291ca3","event":{"sequence":1,…}}\n
//! ```
//!
//! The checksum covers the bytes after `{"crc":"xxxxxxxx",` up to (not including) the newline,
//! so it is computed and checked on the exact bytes written, and every line is still valid JSON
//! for `jq` and friends.

use std::io::{self, BufRead};

use serde::Serialize;
use serde::de::DeserializeOwned;

const PREFIX: &[u8] = b"{\"crc\":\"";
/// `{"crc":"` + 8 hex digits + `",`
const HEADER_LEN: usize = PREFIX.len() + 8 + 2;

/// Why a line could not be decoded.
#[derive(Debug)]
pub(crate) enum LineFault {
    /// The line does not start with a checksum header.
    NoHeader,
    /// The checksum does not match: the line was altered or torn.
    Checksum,
    /// The checksum matches but the JSON does not decode: written by an incompatible version.
    Undecodable(String),
}

impl std::fmt::Display for LineFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LineFault::NoHeader => f.write_str("the line does not start with a checksum"),
            LineFault::Checksum => f.write_str("checksum mismatch"),
            LineFault::Undecodable(reason) => write!(f, "undecodable record: {reason}"),
        }
    }
}

/// Encodes `value` (which must serialise as a non-empty JSON object) as one checksummed line,
/// newline included.
pub(crate) fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, serde_json::Error> {
    let object = serde_json::to_vec(value)?;
    // `object` is `{…}`; the body is everything after the opening brace.
    let body = object.get(1..).unwrap_or_default();
    let crc = crc32fast::hash(body);
    let mut line = Vec::with_capacity(HEADER_LEN + body.len() + 1);
    line.extend_from_slice(PREFIX);
    line.extend_from_slice(format!("{crc:08x}").as_bytes());
    line.extend_from_slice(b"\",");
    line.extend_from_slice(body);
    line.push(b'\n');
    Ok(line)
}

/// Decodes one line (without its newline), checking its checksum first.
pub(crate) fn decode<T: DeserializeOwned>(line: &[u8]) -> Result<T, LineFault> {
    if line.len() < HEADER_LEN + 1
        || !line.starts_with(PREFIX)
        || &line[PREFIX.len() + 8..HEADER_LEN] != b"\","
    {
        return Err(LineFault::NoHeader);
    }
    let crc_hex = std::str::from_utf8(&line[PREFIX.len()..PREFIX.len() + 8])
        .map_err(|_| LineFault::NoHeader)?;
    let crc = u32::from_str_radix(crc_hex, 16).map_err(|_| LineFault::NoHeader)?;
    let body = &line[HEADER_LEN..];
    if crc32fast::hash(body) != crc {
        return Err(LineFault::Checksum);
    }
    serde_json::from_slice(line).map_err(|error| LineFault::Undecodable(error.to_string()))
}

/// One line read by [`Lines`], with where it starts.
pub(crate) struct RawLine {
    /// 1-based line number.
    pub number: u64,
    /// Byte offset of its first byte.
    pub offset: u64,
    /// Its bytes, without the newline.
    pub bytes: Vec<u8>,
    /// Whether it ended with a newline (a last line without one was torn by a crash).
    pub complete: bool,
}

/// Reads lines with their numbers and offsets, reusing one buffer.
pub(crate) struct Lines<R> {
    reader: R,
    number: u64,
    offset: u64,
}

impl<R: BufRead> Lines<R> {
    pub(crate) fn new(reader: R, first_number: u64, first_offset: u64) -> Self {
        Lines {
            reader,
            number: first_number,
            offset: first_offset,
        }
    }

    /// The next line, or `None` at the end of the input.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<RawLine>> {
        let mut bytes = Vec::new();
        let read = self.reader.read_until(b'\n', &mut bytes)?;
        if read == 0 {
            return Ok(None);
        }
        let complete = bytes.last() == Some(&b'\n');
        if complete {
            bytes.pop();
        }
        let line = RawLine {
            number: self.number,
            offset: self.offset,
            bytes,
            complete,
        };
        self.number += 1;
        self.offset += read as u64;
        Ok(Some(line))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Record {
        value: u32,
    }

    #[test]
    fn a_line_round_trips_and_is_json() {
        let line = encode(&Record { value: 7 }).unwrap();
        assert!(line.ends_with(b"\n"));
        let json: serde_json::Value = serde_json::from_slice(&line).unwrap();
        assert_eq!(json["value"], 7);
        assert_eq!(
            decode::<Record>(&line[..line.len() - 1]).unwrap(),
            Record { value: 7 }
        );
    }

    #[test]
    fn a_flipped_bit_fails_the_checksum() {
        let mut line = encode(&Record { value: 7 }).unwrap();
        line.pop();
        let at = line.len() - 3;
        line[at] ^= 0b10;
        assert!(matches!(decode::<Record>(&line), Err(LineFault::Checksum)));
    }

    #[test]
    fn a_torn_line_fails_the_checksum() {
        let line = encode(&Record { value: 7 }).unwrap();
        assert!(decode::<Record>(&line[..line.len() - 4]).is_err());
        assert!(matches!(
            decode::<Record>(&line[..5]),
            Err(LineFault::NoHeader)
        ));
    }
}
