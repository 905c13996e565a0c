//! Concurrency: writers racing on one stream. Every append either succeeds or gets `Conflict`;
//! no event is lost or duplicated.
//!
//! The two-process case re-executes this test binary with `SOURCING_WRITER` set, running only
//! `writer_child_appends_its_share`.

use std::collections::BTreeSet;
#[cfg(feature = "sqlite")]
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
#[cfg(feature = "sqlite")]
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use reactive_sourcing::{
    Append, EventStore, EventStoreError, ExpectedVersion, JsonlStore, MemoryStore, NewEvent,
    verify_chain,
};
use serde_json::json;

const WRITER_ENV: &str = "SOURCING_WRITER";
const PER_WRITER: u64 = 200;

/// Appends `count` events for `writer` to stream `shared`, each with the version it read just
/// before: on `Conflict` it re-reads and retries. Returns how many conflicts it met. Any other
/// error fails the test.
fn append_share(store: &dyn EventStore, writer: &str, count: u64, think: Duration) -> u64 {
    let mut conflicts = 0;
    for n in 0..count {
        loop {
            let version = store.stream_version("shared").expect("version");
            // "Deciding" between reading and writing widens the window for a race. (It must
            // outlast SQLite's first busy-wait step, 1 ms, or one process keeps the lock to
            // itself and the writers run one after the other.)
            std::thread::sleep(think);
            let batch = Append::new("shared", ExpectedVersion::Exact(version)).event(
                NewEvent::new("Written", 1, json!({ "writer": writer, "n": n })),
            );
            match store.append(batch) {
                Ok(appended) => {
                    assert_eq!(appended.stream_version, version + 1);
                    break;
                }
                Err(EventStoreError::Conflict { actual, .. }) => {
                    assert!(actual > version, "a conflict means someone else appended");
                    conflicts += 1;
                }
                Err(other) => panic!("an append neither succeeded nor conflicted: {other}"),
            }
        }
    }
    conflicts
}

/// Checks the stream holds each writer's events exactly once, in each writer's order, with
/// versions 1..=total, and that the chain verifies.
fn check_no_loss_no_duplicate(store: &dyn EventStore, writers: &[&str]) {
    let events = store.read_stream("shared", 1, usize::MAX).expect("read");
    let total = PER_WRITER * writers.len() as u64;
    assert_eq!(events.len() as u64, total, "events lost or duplicated");
    assert!(events.iter().map(|e| e.version).eq(1..=total));
    let mut seen = BTreeSet::new();
    for writer in writers {
        let mine: Vec<u64> = events
            .iter()
            .filter(|e| e.payload["writer"] == *writer)
            .map(|e| e.payload["n"].as_u64().expect("n"))
            .collect();
        assert_eq!(mine, (0..PER_WRITER).collect::<Vec<_>>(), "writer {writer}");
        seen.extend(mine.iter().map(|n| (writer.to_string(), *n)));
    }
    assert_eq!(seen.len() as u64, total);
    assert_eq!(verify_chain(store).expect("chain").events, total);
}

/// The child of the two-process race, when `SOURCING_WRITER` is set: appends its share to the
/// shared SQLite database once the parent says "go", and reports its conflicts.
///
/// Run as a normal test, one writer appends its share alone in this process (to a JSON Lines
/// store, so that it runs without the `sqlite` feature too): no conflicts, nothing lost.
#[test]
fn writer_child_appends_its_share() {
    let Ok(spec) = std::env::var(WRITER_ENV) else {
        let directory = tempfile::tempdir().expect("temporary directory");
        let store = JsonlStore::open(directory.path().join("alone.jsonl")).expect("open");
        assert_eq!(append_share(&store, "alone", PER_WRITER, Duration::ZERO), 0);
        check_no_loss_no_duplicate(&store, &["alone"]);
        return;
    };
    #[cfg(feature = "sqlite")]
    {
        let (writer, path) = spec.split_once(':').expect("writer:path");
        let store = reactive_sourcing::SqliteStore::open(Path::new(path)).expect("open");
        // Start together: wait for the parent's "go" line.
        let mut go = String::new();
        std::io::stdin().read_line(&mut go).expect("stdin");
        let conflicts = append_share(&store, writer, PER_WRITER, Duration::from_millis(2));
        println!("conflicts {conflicts}");
    }
    #[cfg(not(feature = "sqlite"))]
    let _ = (spec, Path::new(""));
}

#[cfg(feature = "sqlite")]
#[test]
fn two_processes_appending_to_one_sqlite_stream_lose_and_duplicate_nothing() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("shared.sqlite");
    // Create the database first, so both children open an existing one.
    drop(reactive_sourcing::SqliteStore::open(&path).unwrap());
    let executable = std::env::current_exe().unwrap();
    let writers = ["left", "right"];
    let children: Vec<std::process::Child> = writers
        .iter()
        .map(|writer| {
            Command::new(&executable)
                .args([
                    "writer_child_appends_its_share",
                    "--exact",
                    "--nocapture",
                    "--test-threads=1",
                ])
                .env(WRITER_ENV, format!("{writer}:{}", path.display()))
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .spawn()
                .expect("spawn a writer")
        })
        .collect();
    let mut children = children;
    for child in &mut children {
        writeln!(child.stdin.take().expect("stdin"), "go").expect("start a writer");
    }
    let mut conflicts = 0;
    for mut child in children {
        let stdout = child.stdout.take().unwrap();
        for line in BufReader::new(stdout).lines() {
            // libtest may print the test's name on the same line, before our output.
            let line = line.unwrap();
            if let Some((_, count)) = line.split_once("conflicts ") {
                conflicts += count.trim().parse::<u64>().unwrap();
            }
        }
        assert!(child.wait().unwrap().success(), "a writer failed");
    }
    eprintln!("two processes: {conflicts} conflicts, all retried");
    assert!(
        conflicts > 0,
        "the writers never raced: the test proves nothing"
    );
    let store = reactive_sourcing::SqliteStore::open(&path).unwrap();
    check_no_loss_no_duplicate(&store, &writers);
}

fn threads_race(store: Arc<dyn EventStore + Send + Sync>) {
    let writers: [&'static str; 4] = ["a", "b", "c", "d"];
    let handles: Vec<_> = writers
        .into_iter()
        .map(|writer| {
            let store = Arc::clone(&store);
            std::thread::spawn(move || append_share(&*store, writer, PER_WRITER, Duration::ZERO))
        })
        .collect();
    for handle in handles {
        handle.join().expect("a writer thread panicked");
    }
    check_no_loss_no_duplicate(&*store, &writers);
}

#[test]
fn threads_racing_on_a_memory_store_lose_and_duplicate_nothing() {
    threads_race(Arc::new(MemoryStore::new()));
}

#[test]
fn threads_racing_on_a_jsonl_store_lose_and_duplicate_nothing() {
    let directory = tempfile::tempdir().unwrap();
    threads_race(Arc::new(
        JsonlStore::open(directory.path().join("shared.jsonl")).unwrap(),
    ));
}

#[cfg(feature = "sqlite")]
#[test]
fn threads_with_their_own_sqlite_connections_lose_and_duplicate_nothing() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("shared.sqlite");
    drop(reactive_sourcing::SqliteStore::open(&path).unwrap());
    let writers: [&'static str; 3] = ["a", "b", "c"];
    let handles: Vec<_> = writers
        .into_iter()
        .map(|writer| {
            let path = path.clone();
            std::thread::spawn(move || {
                let store = reactive_sourcing::SqliteStore::open(&path).unwrap();
                append_share(&store, writer, PER_WRITER, Duration::ZERO)
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a writer thread panicked");
    }
    let store = reactive_sourcing::SqliteStore::open(&path).unwrap();
    check_no_loss_no_duplicate(&store, &writers);
}
