//! Every event store backend passes the same conformance suite, one test per case.

use reactive_sourcing::conformance::{self, CASES};
use reactive_sourcing::{EventStore, JsonlStore, MemoryStore};

/// A fresh store, with whatever keeps it alive (a temporary directory).
type Fresh = (Box<dyn EventStore>, Option<tempfile::TempDir>);

fn memory() -> Fresh {
    (Box::new(MemoryStore::new()), None)
}

fn jsonl() -> Fresh {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store = JsonlStore::open(directory.path().join("events.jsonl")).expect("open");
    (Box::new(store), Some(directory))
}

#[cfg(feature = "sqlite")]
fn sqlite() -> Fresh {
    let directory = tempfile::tempdir().expect("temporary directory");
    let store =
        reactive_sourcing::SqliteStore::open(directory.path().join("events.sqlite")).expect("open");
    (Box::new(store), Some(directory))
}

macro_rules! suite {
    ($backend:ident $(#[$attribute:meta])*; $($case:ident),* $(,)?) => {
        $(#[$attribute])*
        mod $backend {
            $(
                #[test]
                fn $case() {
                    let (store, _directory) = super::$backend();
                    reactive_sourcing::conformance::$case(&*store);
                }
            )*

            #[test]
            fn every_case_of_the_suite_is_listed_here() {
                let listed = [$(stringify!($case)),*];
                let suite: Vec<&str> = super::CASES.iter().map(|(name, _)| *name).collect();
                assert_eq!(listed.as_slice(), suite.as_slice());
            }
        }
    };
}

macro_rules! all_backends {
    ($($case:ident),* $(,)?) => {
        suite!(memory; $($case),*);
        suite!(jsonl; $($case),*);
        suite!(sqlite #[cfg(feature = "sqlite")]; $($case),*);
    };
}

all_backends!(
    appended_events_read_back_in_order,
    sequences_are_global_and_versions_per_stream,
    a_conflict_writes_nothing_of_the_batch,
    expected_version_variants_are_enforced,
    a_retried_append_with_its_key_is_a_noop,
    a_key_reused_for_another_batch_is_refused,
    an_empty_append_changes_nothing,
    invalid_input_is_refused,
    reads_are_paged,
    metadata_and_payload_round_trip,
    event_types_lists_each_stored_pair_once,
    the_latest_snapshot_replaces_older_ones,
    checkpoints_round_trip,
    the_chain_links_every_event_to_the_previous_one,
    compaction_archives_and_keeps_the_chain_whole,
);

#[test]
fn run_all_passes_for_the_memory_store() {
    conformance::run_all(|| Box::new(MemoryStore::new()));
}
