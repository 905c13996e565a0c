//! The migration dry run over a real reactive-sourcing SQLite event store's snapshots: versions
//! 1, 2 and 10 (and a newer one, a failing one and a row that is not a snapshot), read without
//! changing the database file.

use std::path::Path;

use reactive_codegen::{DryRunOutcome, dry_run_sqlite};
use reactive_sourcing::{EventHash, EventStore, EventStoreError, SqliteStore, StreamSnapshot};
use reactive_state::Migrations;
use serde_json::{Value, json};

/// The current (version 10) account: `cents` became `balance_cents` in 2, `currency` came in 10.
#[derive(serde::Deserialize, Debug)]
#[allow(dead_code)] // read to check the migrated state, never used
struct Account {
    balance_cents: i64,
    currency: String,
}

fn migrations() -> Migrations {
    Migrations::new(10)
        .step(1, 2, |mut v: Value| {
            let cents = v
                .as_object_mut()
                .and_then(|o| o.remove("cents"))
                .filter(Value::is_i64)
                .ok_or("/cents is missing or not an integer")?;
            v["balance_cents"] = cents;
            Ok::<_, String>(v)
        })
        .step(2, 10, |mut v: Value| {
            v["currency"] = json!("EUR");
            Ok::<_, String>(v)
        })
}

fn snapshot(stream: &str, state_version: u32, state: Value) -> StreamSnapshot {
    StreamSnapshot {
        stream: stream.into(),
        version: 4,
        state_version,
        event_hash: EventHash::GENESIS,
        state,
        taken_at_ms: 1_700_000_000_000,
    }
}

/// The store's files and their bytes, to show the dry run changed nothing.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (
                path.file_name().unwrap().to_string_lossy().into_owned(),
                bytes,
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_dry_run_over_a_sqlite_stores_snapshots_of_versions_1_2_and_10_reports_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    for s in [
        snapshot("acc-1", 1, json!({"cents": 250, "owner": "Ada"})),
        snapshot("acc-2", 1, json!({"cents": "a lot"})),
        snapshot("acc-3", 2, json!({"balance_cents": 990, "owner": "Brann"})),
        snapshot("acc-4", 10, json!({"balance_cents": 5, "currency": "GBP"})),
        snapshot("acc-5", 11, json!({})),
        snapshot("acc-6", 10, json!({"balance_cents": 5})),
    ] {
        store.save_snapshot(&s).unwrap();
    }
    drop(store);
    // A row the store did not write as a snapshot.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO snapshots (stream, body) VALUES ('acc-7', 'not json')",
            [],
        )
        .unwrap();
    let before = files(dir.path());

    let report = dry_run_sqlite::<Account>(&migrations(), &path).unwrap();

    // The database file is byte for byte the same. A reader of a WAL database (this one too)
    // may leave SQLite's WAL index beside it: an empty `-wal` and a `-shm`, no data.
    let after: Vec<_> = files(dir.path())
        .into_iter()
        .filter(|(name, bytes)| {
            !(name == "events.sqlite-shm" || name == "events.sqlite-wal" && bytes.is_empty())
        })
        .collect();
    assert!(after == before, "the dry run changed the database file");
    let reopened = SqliteStore::open(&path).unwrap();
    assert_eq!(
        reopened.load_snapshot("acc-1").unwrap().unwrap().state,
        json!({"cents": 250, "owner": "Ada"}),
        "the store opens as before"
    );
    drop(reopened);
    let names: Vec<&str> = report.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "acc-1", "acc-2", "acc-3", "acc-4", "acc-5", "acc-6", "acc-7"
        ]
    );
    assert_eq!(
        report[0].outcome,
        DryRunOutcome::Migrated {
            from: 1,
            changed: ["/balance_cents", "/cents", "/currency"]
                .map(String::from)
                .to_vec()
        }
    );
    assert!(
        matches!(&report[1].outcome, DryRunOutcome::Failed { from: Some(1), error } if error.contains("/cents is missing or not an integer")),
        "{:?}",
        report[1]
    );
    assert_eq!(
        report[2].outcome,
        DryRunOutcome::Migrated {
            from: 2,
            changed: vec!["/currency".into()]
        }
    );
    assert_eq!(report[3].outcome, DryRunOutcome::Current);
    assert!(
        matches!(&report[4].outcome, DryRunOutcome::Failed { from: Some(11), error } if error.contains("newer")),
        "{:?}",
        report[4]
    );
    assert!(
        matches!(&report[5].outcome, DryRunOutcome::Failed { from: Some(10), error } if error.contains("does not read")),
        "{:?}",
        report[5]
    );
    assert!(
        matches!(&report[6].outcome, DryRunOutcome::Failed { from: None, error } if error.contains("`acc-7` does not decode")),
        "{:?}",
        report[6]
    );
}

#[test]
fn a_dry_run_reads_a_store_that_another_connection_is_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("events.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    store
        .save_snapshot(&snapshot("acc-1", 1, json!({"cents": 1})))
        .unwrap();
    let report = dry_run_sqlite::<Account>(&migrations(), &path).unwrap();
    assert!(matches!(
        report[0].outcome,
        DryRunOutcome::Migrated { from: 1, .. }
    ));
    store
        .save_snapshot(&snapshot(
            "acc-2",
            10,
            json!({"balance_cents": 1, "currency": "EUR"}),
        ))
        .unwrap();
    let report = dry_run_sqlite::<Account>(&migrations(), &path).unwrap();
    assert_eq!(report.len(), 2, "the open store's later write is seen");
    assert_eq!(report[1].outcome, DryRunOutcome::Current);
}

#[test]
fn a_missing_file_is_an_error_and_is_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nothing.sqlite");
    let err = dry_run_sqlite::<Account>(&migrations(), &path).unwrap_err();
    assert!(matches!(err, EventStoreError::Sqlite(_)), "{err:?}");
    assert!(!path.exists());
}

#[test]
fn another_applications_database_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.sqlite");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE snapshots (stream TEXT, body TEXT);")
        .unwrap();
    let err = dry_run_sqlite::<Account>(&migrations(), &path).unwrap_err();
    assert!(
        matches!(&err, EventStoreError::InvalidInput { reason } if reason.contains("not a reactive-sourcing event store")),
        "{err:?}"
    );
}
