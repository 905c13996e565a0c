//! Corruption: truncated or bit-flipped files and databases give a clear error naming the
//! position, and recovery keeps every intact event before it.

use std::fs;
use std::path::Path;

use reactive_sourcing::{
    Aggregate, Append, ArchiveWriter, CommandContext, DomainEvent, EventStore, EventStoreError,
    ExpectedVersion, JsonlStore, NewEvent, Position, RecordedEvent, Repository, Schema, TornTail,
    read_archive, verify_chain,
};
use serde_json::json;

/// Appends `batches` batches of 3 events (payload `{"n": …, "marker": "needle-<n>"}`) and
/// returns every event as read back.
fn fill(store: &dyn EventStore, batches: u64) -> Vec<RecordedEvent> {
    for batch in 0..batches {
        let events = (0..3).map(|i| {
            let n = batch * 3 + i + 1;
            NewEvent::new(
                "Filled",
                1,
                json!({ "n": n, "marker": format!("needle-{n:05}") }),
            )
        });
        store
            .append(Append::new("s", ExpectedVersion::Any).events(events))
            .expect("append");
    }
    store.read_all(1, usize::MAX).expect("read back")
}

/// The byte offset of the start of 1-based line `line`.
fn line_start(bytes: &[u8], line: usize) -> usize {
    if line == 1 {
        return 0;
    }
    bytes
        .iter()
        .enumerate()
        .filter(|&(_, &b)| b == b'\n')
        .nth(line - 2)
        .map(|(at, _)| at + 1)
        .expect("the file has that many lines")
}

fn find(bytes: &[u8], needle: &str) -> usize {
    bytes
        .windows(needle.len())
        .position(|window| window == needle.as_bytes())
        .unwrap_or_else(|| panic!("`{needle}` is in the file"))
}

fn jsonl_with_events(path: &Path, batches: u64) -> Vec<RecordedEvent> {
    let store = JsonlStore::open(path).expect("open");
    fill(&store, batches)
}

#[test]
fn jsonl_bit_flip_is_an_error_naming_the_line_and_recovery_keeps_the_batches_before() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("events.jsonl");
    let original = jsonl_with_events(&path, 10);
    let mut bytes = fs::read(&path).unwrap();
    // Flip one bit inside line 17 (batch 6 holds lines 16–18).
    let at = find(&bytes, "needle-00017");
    bytes[at + 3] ^= 0x04;
    fs::write(&path, &bytes).unwrap();

    match JsonlStore::open(&path) {
        Err(EventStoreError::Corrupt {
            position,
            reason,
            path: Some(named),
        }) => {
            assert_eq!(named, path);
            let Position::Line { line, byte_offset } = position else {
                panic!("expected a line position, got {position:?}");
            };
            assert_eq!(line, 17);
            assert_eq!(byte_offset as usize, line_start(&bytes, 17));
            assert!(reason.contains("checksum"), "{reason}");
            assert!(
                reason.contains("15 entries before it are intact"),
                "{reason}"
            );
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }

    let report = JsonlStore::recover(&path).expect("recover");
    assert_eq!(
        report.kept, 15,
        "the five complete batches before the damage"
    );
    let damage = report.damage.expect("damage reported");
    assert!(matches!(damage.position, Position::Line { line: 17, .. }));
    let (saved, saved_bytes) = damage.set_aside.expect("the rest was saved");
    assert_eq!(
        fs::read(&saved).unwrap(),
        bytes[line_start(&bytes, 16)..],
        "the damaged part, from its batch on, is kept aside byte for byte"
    );
    assert_eq!(saved_bytes as usize, bytes.len() - line_start(&bytes, 16));

    let store = JsonlStore::open(&path).expect("a recovered log opens");
    assert_eq!(store.read_all(1, 100).unwrap(), original[..15]);
    assert_eq!(verify_chain(&store).unwrap().events, 15);
    // And it accepts appends again, continuing the chain.
    store
        .append(Append::new("s", ExpectedVersion::Exact(15)).event(NewEvent::new("E", 1, json!(0))))
        .unwrap();
    assert_eq!(verify_chain(&store).unwrap().events, 16);
}

#[test]
fn a_second_recovery_at_the_same_offset_keeps_the_first_recoverys_set_aside_file() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("events.jsonl");
    let damage_line_5 = |path: &Path| {
        let mut bytes = fs::read(path).unwrap();
        let at = line_start(&bytes, 5) + 30;
        bytes[at] ^= 0x01;
        fs::write(path, &bytes).unwrap();
        bytes[line_start(&bytes, 4)..].to_vec()
    };
    let recover = |path: &Path| {
        let report = JsonlStore::recover(path).expect("recover");
        assert_eq!(report.kept, 3);
        let (saved, length) = report.damage.unwrap().set_aside.unwrap();
        (saved, length)
    };

    jsonl_with_events(&path, 3);
    let first_rest = damage_line_5(&path);
    let (first, first_length) = recover(&path);
    assert_eq!(fs::read(&first).unwrap(), first_rest);

    // The same damage again, at the same offset, after different events were appended.
    jsonl_with_events(&path, 4);
    let second_rest = damage_line_5(&path);
    assert_ne!(first_rest, second_rest);
    let (second, second_length) = recover(&path);

    assert_ne!(first, second, "the second recovery picked a fresh name");
    assert_eq!(
        fs::read(&first).unwrap(),
        first_rest,
        "the first copy is intact"
    );
    assert_eq!(fs::read(&second).unwrap(), second_rest);
    assert_eq!(
        (first_length, second_length),
        (first_rest.len() as u64, second_rest.len() as u64)
    );
    assert_eq!(JsonlStore::open(&path).unwrap().head().unwrap(), 3);
}

#[derive(serde::Serialize, serde::Deserialize)]
enum Added {
    Added(i64),
}

impl DomainEvent for Added {
    const TYPES: &'static [(&'static str, u32)] = &[("Added", 1)];
}

/// Sums what is added.
struct Counter;

impl Aggregate for Counter {
    type State = i64;
    type Event = Added;
    type Command = i64;
    type Error = String;

    fn apply(state: &mut i64, Added::Added(n): &Added) {
        *state += n;
    }

    fn handle(_: &i64, n: i64) -> Result<Vec<Added>, String> {
        Ok(vec![Added::Added(n)])
    }
}

/// Flips a byte inside the first (complete) line of the snapshot sidecar; returns the bytes.
fn damage_snapshot_sidecar(log: &Path) -> Vec<u8> {
    let sidecar = log.with_file_name("events.jsonl.snapshots");
    let mut bytes = fs::read(&sidecar).expect("a snapshot was saved");
    bytes[30] ^= 0x01;
    fs::write(&sidecar, &bytes).unwrap();
    bytes
}

#[test]
fn a_damaged_jsonl_snapshot_sidecar_is_set_aside_on_open_and_state_rebuilt_from_events() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("events.jsonl");
    {
        let repository = Repository::new(JsonlStore::open(&path).unwrap(), Schema::new());
        let counter = repository.load::<Counter>("c").unwrap();
        for n in [5, 7, 30] {
            repository
                .execute(&counter, n, &CommandContext::new())
                .unwrap();
        }
        repository.snapshot(&counter).unwrap();
    }
    let damaged = damage_snapshot_sidecar(&path);

    let store = JsonlStore::open(&path).expect("a damaged cache does not block opening");
    let report = store.open_report();
    assert_eq!((report.kept, report.damage.clone()), (3, None));
    let set_aside = report.snapshots_set_aside.clone().expect("reported");
    assert!(
        set_aside.reason.contains("snapshot"),
        "{}",
        set_aside.reason
    );
    let (saved, length) = set_aside.set_aside.expect("renamed, not deleted");
    assert_eq!(fs::read(&saved).unwrap(), damaged);
    assert_eq!(length, damaged.len() as u64);
    assert_eq!(store.load_snapshot("c").unwrap(), None);

    let repository = Repository::new(store, Schema::new());
    let counter = repository.load::<Counter>("c").unwrap();
    assert_eq!(counter.state().get_untracked(), 42);
    assert_eq!(counter.version().get_untracked(), 3);
    // New snapshots are written and read again.
    repository.snapshot(&counter).unwrap();
    drop(repository);
    let store = JsonlStore::open(&path).unwrap();
    assert_eq!(store.open_report().snapshots_set_aside, None);
    assert_eq!(store.load_snapshot("c").unwrap().unwrap().version, 3);
}

#[test]
fn recover_repairs_a_damaged_jsonl_snapshot_sidecar_without_overwriting_an_earlier_copy() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("events.jsonl");
    let mut copies = Vec::new();
    for (kept, added) in [(1u64, 1i64), (2, 2)] {
        {
            let repository = Repository::new(JsonlStore::open(&path).unwrap(), Schema::new());
            let counter = repository.load::<Counter>("c").unwrap();
            repository
                .execute(&counter, added, &CommandContext::new())
                .unwrap();
            repository.snapshot(&counter).unwrap();
        }
        let damaged = damage_snapshot_sidecar(&path);
        let report = JsonlStore::recover(&path).unwrap();
        assert_eq!((report.kept, report.damage), (kept, None));
        let (saved, _) = report.snapshots_set_aside.unwrap().set_aside.unwrap();
        copies.push((saved, damaged));
    }
    assert_ne!(copies[0].0, copies[1].0);
    for (saved, damaged) in &copies {
        assert_eq!(&fs::read(saved).unwrap(), damaged);
    }
    let store = JsonlStore::open(&path).unwrap();
    assert_eq!(store.open_report().snapshots_set_aside, None);
    let counter = Repository::new(store, Schema::new())
        .load::<Counter>("c")
        .unwrap();
    assert_eq!(counter.state().get_untracked(), 3);
}

#[test]
fn jsonl_truncated_mid_line_is_reported_at_its_position_and_repaired_on_open() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("events.jsonl");
    let original = jsonl_with_events(&path, 4);
    let bytes = fs::read(&path).unwrap();
    // Cut inside line 11 (batch 4 holds lines 10–12): a batch cut short.
    let cut = line_start(&bytes, 11) + 20;
    fs::write(&path, &bytes[..cut]).unwrap();

    match JsonlStore::open_with(&path, TornTail::Fail) {
        Err(EventStoreError::Corrupt { position, .. }) => {
            assert_eq!(
                position,
                Position::Line {
                    line: 11,
                    byte_offset: line_start(&bytes, 11) as u64
                }
            );
        }
        other => panic!("expected Corrupt, got {other:?}"),
    }
    let store = JsonlStore::open(&path).expect("the default policy repairs a torn tail");
    let damage = store
        .open_report()
        .damage
        .clone()
        .expect("the repair is reported");
    assert_eq!(
        damage.set_aside.expect("saved").1 as usize,
        cut - line_start(&bytes, 10),
        "the whole incomplete batch is set aside, not just the torn line"
    );
    assert_eq!(store.read_all(1, 100).unwrap(), original[..9]);
}

#[test]
fn jsonl_truncated_at_a_line_boundary_inside_a_batch_keeps_only_whole_batches() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("events.jsonl");
    let original = jsonl_with_events(&path, 3);
    let bytes = fs::read(&path).unwrap();
    fs::write(&path, &bytes[..line_start(&bytes, 9)]).unwrap(); // lines 7 and 8 of batch 3

    assert!(matches!(
        JsonlStore::open_with(&path, TornTail::Fail),
        Err(EventStoreError::Corrupt {
            position: Position::Line { line: 7, .. },
            ..
        })
    ));
    let store = JsonlStore::open(&path).unwrap();
    assert_eq!(store.read_all(1, 100).unwrap(), original[..6]);
}

#[test]
fn jsonl_damage_appearing_after_open_is_an_error_on_read_not_wrong_data() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("events.jsonl");
    let store = JsonlStore::open(&path).unwrap();
    fill(&store, 2);
    let mut bytes = fs::read(&path).unwrap();
    let at = find(&bytes, "needle-00005");
    bytes[at] ^= 0x20;
    fs::write(&path, &bytes).unwrap();
    assert!(matches!(
        store.read_all(1, 100),
        Err(EventStoreError::Corrupt {
            position: Position::Line { line: 5, .. },
            ..
        })
    ));
    assert!(matches!(
        verify_chain(&store),
        Err(EventStoreError::Corrupt { .. })
    ));
}

#[test]
fn a_damaged_archive_line_is_an_error_naming_the_line() {
    let directory = tempfile::tempdir().unwrap();
    let store = reactive_sourcing::MemoryStore::new();
    fill(&store, 2);
    let path = directory.path().join("archive.jsonl");
    let mut archive = ArchiveWriter::open(&path).unwrap();
    store.compact("s", 6, &mut archive).unwrap();
    let mut bytes = fs::read(&path).unwrap();
    let at = find(&bytes, "needle-00003");
    bytes[at + 1] ^= 0x01;
    fs::write(&path, &bytes).unwrap();
    assert!(matches!(
        read_archive(&path),
        Err(EventStoreError::Corrupt {
            position: Position::Line { line: 3, .. },
            ..
        })
    ));
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use reactive_sourcing::{LinkFault, SqliteStore};
    use std::path::PathBuf;

    fn database_with_events(path: &Path, batches: u64) -> Vec<RecordedEvent> {
        let store = SqliteStore::open(path).expect("open");
        let events = fill(&store, batches);
        // Closing the last connection checkpoints the WAL into the database file.
        drop(store);
        assert!(!path.with_extension("sqlite-wal").exists());
        events
    }

    #[test]
    fn sqlite_bit_flip_in_an_event_is_an_error_naming_its_sequence_and_recovery_keeps_the_rest_before()
     {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("events.sqlite");
        let original = database_with_events(&path, 100);
        let mut bytes = fs::read(&path).unwrap();
        let at = find(&bytes, "needle-00123");
        bytes[at + 8] ^= 0x01; // "needle-00123" becomes "needle-00133": still valid JSON
        fs::write(&path, &bytes).unwrap();

        let store = SqliteStore::open(&path).expect("the file itself is sound");
        match store.read_all(1, 1_000) {
            Err(EventStoreError::Corrupt {
                position, reason, ..
            }) => {
                assert_eq!(position, Position::Sequence(123));
                assert!(reason.contains("does not match its hash"), "{reason}");
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
        assert_eq!(
            store.read_all(1, 122).unwrap(),
            original[..122],
            "events before the damage read fine"
        );
        let unverified = SqliteStore::open(&path).unwrap().unverified_reads();
        match verify_chain(&unverified) {
            Err(EventStoreError::BrokenChain(link)) => {
                assert_eq!(link.sequence, 123);
                assert_eq!(link.fault, LinkFault::ContentAltered);
            }
            other => panic!("expected a broken chain, got {other:?}"),
        }
        drop((store, unverified));

        let recovered = directory.path().join("recovered.sqlite");
        let report = SqliteStore::recover(&path, &recovered).expect("recover");
        assert_eq!(report.kept, 122);
        assert_eq!(
            report.damage.expect("damage").position,
            Position::Sequence(123)
        );
        let store = SqliteStore::open(&recovered).unwrap();
        assert_eq!(store.read_all(1, 1_000).unwrap(), original[..122]);
        assert_eq!(verify_chain(&store).unwrap().events, 122);
        store.integrity_check().unwrap();
    }

    /// A database of 90 events, then `sql` run on it behind the store's back. Returns the
    /// directory (which must outlive the file), the file, and the events as they were.
    fn tampered(sql: &str) -> (tempfile::TempDir, PathBuf, Vec<RecordedEvent>) {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("events.sqlite");
        let original = database_with_events(&path, 30);
        rusqlite::Connection::open(&path)
            .unwrap()
            .execute_batch(sql)
            .unwrap();
        (directory, path, original)
    }

    /// The broken link `verify_chain` reports on the database at `path` (reads unverified,
    /// so the chain check itself finds the damage).
    fn broken_link(path: &Path) -> reactive_sourcing::BrokenLink {
        let store = SqliteStore::open(path).unwrap().unverified_reads();
        match verify_chain(&store) {
            Err(EventStoreError::BrokenChain(link)) => link,
            other => panic!("expected a broken chain, got {other:?}"),
        }
    }

    #[test]
    fn an_event_removed_from_the_log_is_reported_as_missing_at_its_sequence() {
        let (_directory, path, _) = tampered("DELETE FROM events WHERE sequence = 50;");
        let link = broken_link(&path);
        assert_eq!(link.sequence, 50);
        assert_eq!(link.fault, LinkFault::Missing { expected: 50 });
        assert!(link.to_string().contains("50"), "{link}");
    }

    #[test]
    fn an_event_removed_and_the_rest_renumbered_breaks_the_previous_hash_link() {
        // Sequences stay contiguous, so only the hash chain shows the removal.
        let (_directory, path, original) = tampered(
            "DELETE FROM events WHERE sequence = 50;
             UPDATE events SET sequence = sequence - 1 WHERE sequence > 50;",
        );
        let link = broken_link(&path);
        assert_eq!(link.sequence, 50);
        assert_eq!(link.fault, LinkFault::PrevHashMismatch);
        // Everything before the break is intact and reads verified.
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.read_all(1, 49).unwrap(), original[..49]);
    }

    #[test]
    fn two_events_swapped_break_the_chain_at_the_first_of_them() {
        let (_directory, path, _) = tampered(
            "UPDATE events SET sequence = -1 WHERE sequence = 40;
             UPDATE events SET sequence = 40 WHERE sequence = 41;
             UPDATE events SET sequence = 41 WHERE sequence = -1;",
        );
        let link = broken_link(&path);
        assert_eq!(link.sequence, 40);
        assert_eq!(link.fault, LinkFault::PrevHashMismatch);
    }

    #[test]
    fn sqlite_truncated_file_is_an_error_with_a_position_and_recovery_keeps_an_intact_prefix() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("events.sqlite");
        let original = database_with_events(&path, 400);
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();

        let outcome = SqliteStore::open(&path).and_then(|store| {
            store.integrity_check()?;
            store.read_all(1, 10_000)
        });
        match outcome {
            Err(EventStoreError::Corrupt {
                position, reason, ..
            }) => {
                assert!(!reason.is_empty());
                eprintln!("truncated database: corrupt at {position}: {reason}");
            }
            other => panic!(
                "expected Corrupt, got {:?}",
                other.map(|events| events.len())
            ),
        }

        let recovered = directory.path().join("recovered.sqlite");
        let report = SqliteStore::recover(&path, &recovered).expect("recover");
        let damage = report.damage.expect("the truncation is found");
        eprintln!(
            "recovery kept {} of {} events; damage at {}: {}",
            report.kept,
            original.len(),
            damage.position,
            damage.reason
        );
        assert!(report.kept < original.len() as u64);
        // Half of the file survives; its leaves hold well over a quarter of the events (the
        // rest of the file is index pages and the lost half). SQLite cannot reach most of them
        // without the interior pages, so this also proves the page-level fallback works.
        assert!(
            report.kept >= original.len() as u64 / 4,
            "only {} events recovered",
            report.kept
        );
        let store = SqliteStore::open(&recovered).unwrap();
        let kept = store.read_all(1, 10_000).unwrap();
        assert_eq!(kept.len() as u64, report.kept);
        assert_eq!(kept, original[..kept.len()], "every kept event is intact");
        assert_eq!(verify_chain(&store).unwrap().events, report.kept);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_a_clear_error() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("events.sqlite");
        fs::write(&path, vec![0x42u8; 8192]).unwrap();
        match SqliteStore::open(&path) {
            Err(EventStoreError::Corrupt { position, .. }) => {
                assert_eq!(position, Position::Header)
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
    }

    #[test]
    fn another_applications_database_is_refused_untouched() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("other.sqlite");
        let other = foreign_database(&path);
        assert!(matches!(
            SqliteStore::open(&path),
            Err(EventStoreError::InvalidInput { .. })
        ));
        assert_eq!(fs::read(&path).unwrap(), other);
    }

    /// A database made by "another application" (its own application id and table); returns
    /// its bytes.
    fn foreign_database(path: &Path) -> Vec<u8> {
        let connection = rusqlite::Connection::open(path).unwrap();
        connection
            .execute_batch(
                "PRAGMA application_id = 305419896;
                 CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);
                 INSERT INTO notes (text) VALUES ('not an event');",
            )
            .unwrap();
        drop(connection);
        fs::read(path).unwrap()
    }
}
