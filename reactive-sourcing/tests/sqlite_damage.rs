//! SQLite damage that reads back wrong without an error: damaged index pages made
//! `read_stream` return nothing while `read_all` had the events, and damaged idempotency rows
//! let a retried batch be written twice. Opening now runs `PRAGMA quick_check`, and
//! `SqliteStore::verify` checks every index against its table.
#![cfg(feature = "sqlite")]

use std::fs;
use std::path::{Path, PathBuf};

use reactive_sourcing::{
    Append, EventStore, EventStoreError, ExpectedVersion, NewEvent, Position, SqliteStore,
};
use rusqlite::Connection;
use serde_json::json;

/// A database with two streams and keyed batches, closed (its WAL checkpointed into the file).
fn database(directory: &Path) -> PathBuf {
    let path = directory.join("events.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    for n in 0..20 {
        let stream = if n % 2 == 0 { "stream-a" } else { "stream-b" };
        let batch = Append::new(stream, ExpectedVersion::Any)
            .idempotency_key(format!("key-{n:03}"))
            .event(NewEvent::new("E", 1, json!({ "n": n })));
        store.append(batch).unwrap();
    }
    store.verify().expect("an undamaged database verifies");
    drop(store);
    path
}

/// The root page of a b-tree (read on a copy, so the original is only touched by the damage)
/// and the page size.
fn root_page(path: &Path, name: &str) -> (u64, u64) {
    let copy = path.with_extension("copy");
    fs::copy(path, &copy).unwrap();
    let connection = Connection::open(&copy).unwrap();
    let root: i64 = connection
        .query_row(
            "SELECT rootpage FROM sqlite_master WHERE name = ?1",
            [name],
            |row| row.get(0),
        )
        .unwrap();
    let size: i64 = connection
        .query_row("PRAGMA page_size", [], |row| row.get(0))
        .unwrap();
    (root.unsigned_abs(), size.unsigned_abs())
}

/// Overwrites the body of b-tree `name`'s root page (after its 8-byte header) with garbage.
fn damage_root_page(path: &Path, name: &str) {
    let (root, size) = root_page(path, name);
    let mut bytes = fs::read(path).unwrap();
    let start = usize::try_from((root - 1) * size).unwrap();
    let page = &mut bytes[start..start + usize::try_from(size).unwrap()];
    for (i, byte) in page.iter_mut().enumerate().skip(8) {
        *byte = (i % 251) as u8;
    }
    fs::write(path, bytes).unwrap();
}

fn assert_refused_as_corrupt(path: &Path) {
    match SqliteStore::open(path) {
        Err(EventStoreError::Corrupt {
            path: Some(named),
            position: Position::Header,
            reason,
        }) => {
            assert_eq!(named, path);
            assert!(reason.contains("quick_check"), "{reason}");
        }
        Err(other) => panic!("expected Corrupt, got {other:?}"),
        Ok(store) => panic!(
            "a damaged database opened: read_stream gives {} events, read_all {}",
            store.read_stream("stream-a", 1, 100).map_or(0, |e| e.len()),
            store.read_all(1, 100).map_or(0, |e| e.len()),
        ),
    }
}

#[test]
fn a_damaged_stream_index_page_refuses_the_open_instead_of_reading_short() {
    let directory = tempfile::tempdir().unwrap();
    let path = database(directory.path());
    damage_root_page(&path, "events_by_stream");
    assert_refused_as_corrupt(&path);
}

#[test]
fn damaged_idempotency_rows_refuse_the_open_instead_of_writing_a_retry_twice() {
    let directory = tempfile::tempdir().unwrap();
    let path = database(directory.path());
    damage_root_page(&path, "idempotency");
    assert_refused_as_corrupt(&path);
}

#[test]
fn verify_finds_an_index_that_disagrees_with_its_table_where_open_does_not_look() {
    let directory = tempfile::tempdir().unwrap();
    let path = database(directory.path());
    // Rename one event's stream in the table's row only (same length, so every page stays
    // well formed): the index still files it under `stream-b`.
    // Both small enough to be one page each; the idempotency rows name streams too.
    let other_pages: Vec<_> = ["events_by_stream", "idempotency"]
        .into_iter()
        .map(|name| {
            let (root, size) = root_page(&path, name);
            (root - 1) * size..root * size
        })
        .collect();
    let mut bytes = fs::read(&path).unwrap();
    let at = bytes
        .windows(8)
        .enumerate()
        .position(|(at, window)| {
            window == b"stream-b" && !other_pages.iter().any(|page| page.contains(&(at as u64)))
        })
        .expect("a row of stream-b in the events table");
    bytes[at + 7] = b'c';
    fs::write(&path, bytes).unwrap();

    let store = SqliteStore::open(&path).expect("quick_check does not compare index and rows");
    // What the damage does to reads: the stream's version through the index is stale.
    assert_eq!(store.stream_version("stream-c").unwrap(), 0);
    match store.verify() {
        Err(EventStoreError::Corrupt { reason, .. }) => {
            assert!(reason.contains("events_by_stream"), "{reason}");
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
}
