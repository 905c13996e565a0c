//! Every event store backend passes the same conformance suite, one test per case.

#[macro_use]
#[path = "shared/conformance_cases.rs"]
mod conformance_cases;

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

with_conformance_cases!(all_backends);

#[test]
fn run_all_passes_for_the_memory_store() {
    conformance::run_all(|| Box::new(MemoryStore::new()));
}
