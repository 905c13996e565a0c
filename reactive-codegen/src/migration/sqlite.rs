//! The dry run over the snapshots of a reactive-sourcing SQLite event store.

use std::path::Path;

use reactive_sourcing::{EventStoreError, SqliteStore};
use reactive_state::Migrations;
use serde::de::DeserializeOwned;
use serde_json::json;

use super::{DryRunEntry, DryRunOutcome, one};

/// Runs `migrations` over every stream's snapshot in the reactive-sourcing SQLite event store
/// at `path` and reads each result as `S`, like [`dry_run`](crate::dry_run): what would change
/// and what would fail, one entry per stream (named by the stream), in stream order. The file is
/// opened read-only: the database is not migrated or written (SQLite may leave its WAL index
/// files beside it, holding no data), and a store in use by other processes can be checked. A snapshot's `state_version` is the version migrated from; a row
/// that does not decode as a snapshot is `Failed` with no version.
///
/// ```
/// use reactive_codegen::{dry_run_sqlite, DryRunOutcome};
/// use reactive_sourcing::{EventHash, EventStore, SqliteStore, StreamSnapshot};
/// use reactive_state::Migrations;
/// use serde_json::json;
///
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("events.sqlite");
/// let store = SqliteStore::open(&path)?;
/// store.save_snapshot(&StreamSnapshot { stream: "acc-1".into(), version: 7, state_version: 1,
///     event_hash: EventHash::GENESIS, state: json!({"cents": 250}), taken_at_ms: 0 })?;
/// drop(store);
///
/// #[derive(serde::Deserialize)]
/// struct Account { balance_cents: i64 }
/// let m = Migrations::new(2).step(1, 2, |v| Ok::<_, String>(json!({"balance_cents": v["cents"].clone()})));
/// let report = dry_run_sqlite::<Account>(&m, &path)?;
/// assert_eq!(report[0].name, "acc-1");
/// assert!(matches!(&report[0].outcome, DryRunOutcome::Migrated { from: 1, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The file cannot be opened read-only or is not an event store of this format
/// (`SqliteStore::read_snapshots`).
pub fn dry_run_sqlite<S: DeserializeOwned>(
    migrations: &Migrations,
    path: &Path,
) -> Result<Vec<DryRunEntry>, EventStoreError> {
    let rows = SqliteStore::read_snapshots(path)?;
    Ok(rows
        .into_iter()
        .map(|(stream, snapshot)| {
            let outcome = match snapshot {
                Ok(s) => one(
                    migrations,
                    json!({ "version": s.state_version, "state": s.state }),
                    |v| {
                        serde_json::from_value::<S>(v)
                            .map(|_| ())
                            .map_err(|e| e.to_string())
                    },
                ),
                Err(error) => DryRunOutcome::Failed {
                    from: None,
                    error: error.to_string(),
                },
            };
            DryRunEntry {
                name: stream,
                outcome,
            }
        })
        .collect())
}
