//! One writer per JSON Lines log: a second `JsonlStore::open` of a log that is open — in this
//! process or another — is refused with `EventStoreError::Locked`, and so is `recover`. Before
//! the lock, both opens were acknowledged for the same sequence and version, and the file no
//! longer opened.
//!
//! The two-process case re-executes this test binary with `SOURCING_LOCK_CHILD` set, running
//! only `lock_child_holds_the_log_until_stdin_closes`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use reactive_sourcing::{
    Append, EventStore, EventStoreError, ExpectedVersion, JsonlStore, NewEvent, verify_chain,
};

const CHILD_ENV: &str = "SOURCING_LOCK_CHILD";

fn append_one(store: &JsonlStore, n: u64) {
    store
        .append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, n.into())))
        .expect("append");
}

fn assert_locked(result: Result<impl std::fmt::Debug, EventStoreError>, log: &Path) {
    match result {
        Err(EventStoreError::Locked { path }) => assert_eq!(path, log),
        other => panic!("expected Locked naming {}, got {other:?}", log.display()),
    }
}

#[test]
fn a_second_open_of_a_jsonl_log_in_the_same_process_is_refused_as_locked() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("events.jsonl");
    let first = JsonlStore::open(&path).unwrap();
    append_one(&first, 1);

    let error = JsonlStore::open(&path).unwrap_err();
    assert!(error.to_string().contains("events.jsonl"), "{error}");
    assert_locked(Err::<(), _>(error), &path);
    assert_locked(JsonlStore::recover(&path), &path);

    // The first store was not disturbed, and the log opens once it is dropped.
    append_one(&first, 2);
    drop(first);
    let reopened = JsonlStore::open(&path).unwrap();
    assert_eq!(reopened.head().unwrap(), 2);
    assert_eq!(verify_chain(&reopened).unwrap().events, 2);
}

#[test]
fn the_lock_follows_the_log_across_compaction() {
    // Compaction renames a new file over the log; the lock must still hold afterwards.
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("events.jsonl");
    let store = JsonlStore::open(&path).unwrap();
    append_one(&store, 1);
    append_one(&store, 2);
    assert_eq!(store.stub_events("s", 1).unwrap(), 1);
    assert_locked(JsonlStore::open(&path), &path);
}

/// The child, when `SOURCING_LOCK_CHILD` names a log: opens it, appends one event, prints
/// `opened`, and keeps the store until its stdin closes.
///
/// Run as a normal test: a store that is dropped releases the log for the next one.
#[test]
fn lock_child_holds_the_log_until_stdin_closes() {
    let Ok(log) = std::env::var(CHILD_ENV) else {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("events.jsonl");
        for n in 1..=3 {
            let store = JsonlStore::open(&path).expect("the previous store released the lock");
            append_one(&store, n);
        }
        assert_eq!(JsonlStore::open(&path).unwrap().head().unwrap(), 3);
        return;
    };
    let store = JsonlStore::open(&log).expect("the child opens the log");
    append_one(&store, 1);
    println!("opened");
    let mut rest = String::new();
    // Blocks until the parent closes the pipe.
    let _ = std::io::stdin().read_line(&mut rest);
    drop(store);
}

#[test]
fn a_second_process_opening_a_held_jsonl_log_is_refused_as_locked() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("events.jsonl");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "lock_child_holds_the_log_until_stdin_closes",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, &path)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the child");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let opened = lines.any(|line| line.is_ok_and(|line| line.contains("opened")));
    assert!(opened, "the child opened the log");

    assert_locked(JsonlStore::open(&path), &path);
    assert_locked(JsonlStore::recover(&path), &path);

    drop(child.stdin.take()); // the child drops its store and exits
    assert!(child.wait().unwrap().success());
    let store = JsonlStore::open(&path).expect("the lock died with the child's store");
    assert_eq!(store.head().unwrap(), 1);
    append_one(&store, 2);
    assert_eq!(verify_chain(&store).unwrap().events, 2);
}
