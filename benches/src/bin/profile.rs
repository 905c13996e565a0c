//! Fixed workloads for instruction-level profiling, on reactive-core and on the SQLite event
//! store:
//!
//! ```text
//! cargo build -p benches --release --bin profile
//! valgrind --tool=callgrind target/release/profile deep     # 10,000 writes through 50 memos
//! valgrind --tool=callgrind target/release/profile update   # 2,000 writes to 1,000 effects
//! valgrind --tool=callgrind target/release/profile create   # 10 × 100,000 effects, one source each
//! valgrind --tool=callgrind target/release/profile append   # 5,000 single appends, then
//!                                                           # 5,000 raw rusqlite inserts
//! target/release/profile history   # createComputations1to1 fresh, then after the dynamic graphs
//!
//! # the `deep` and `update` workloads written once over the benchmarks' adapter, to compare
//! # instruction counts with alien-signals' Rust port (needs `--features peers`):
//! valgrind --tool=callgrind target/release/profile deep-via reactive-core
//! valgrind --tool=callgrind target/release/profile deep-via alien-signals
//! valgrind --tool=callgrind target/release/profile update-via reactive-core
//! valgrind --tool=callgrind target/release/profile update-via alien-signals
//!
//! # a live-query workload of issue 13 at the issue's size (`top50`, `filter_sort`, `group_by`,
//! # `join`), 1,000 changes after the build, on `live` (reactive-query), `source` (the same
//! # changes to the collections alone, no query) or `recompute`; prints the wall time per
//! # change; under callgrind, count only the changes:
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*query_changes*' \
//!     target/release/profile query filter_sort live
//!
//! # one unit of a report case (graph building included) on reactive-core, e.g. a kairo case:
//! valgrind --tool=callgrind target/release/profile case avoidablePropagation
//! # the same case on another library, with a number of units (the difference between the
//! # counts of 3 units and 1 unit, halved, is one unit without building the graph):
//! valgrind --tool=callgrind target/release/profile case avoidablePropagation alien-signals 3
//! # or count the units alone, as benches/scripts/against-alien.sh does for every case:
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*Instance>::unit' \
//!     target/release/profile case avoidablePropagation alien-signals 1
//! # the same, natively, printing the median wall time of the units (milliseconds):
//! target/release/profile time avoidablePropagation alien-signals 15
//! ```
//!
//! `history` prints wall times (medians of 7 units): what it measures is memory locality, which
//! instruction counts do not show.
//!
//! Callgrind counts instructions, which repeat exactly for the same binary whatever else the
//! machine is doing; the optimisation log in `benches/README.md` quotes these counts.

use std::cell::Cell;
use std::hint::black_box;
use std::process::ExitCode;
use std::rc::Rc;

use reactive_core::{Effect, Memo, Owner, Signal, batch};

/// A chain of 50 memos with an effect on the tail; 10,000 batched writes to the head.
fn deep() {
    let head = Signal::new(0i64);
    let mut tail = Memo::new(move || head.get());
    for _ in 0..50 {
        let prev = tail;
        tail = Memo::new(move || prev.get() + 1);
    }
    let runs = Rc::new(Cell::new(0));
    let r = runs.clone();
    Effect::new(move || {
        black_box(tail.get());
        r.set(r.get() + 1);
    });
    for i in 0..10_000 {
        batch(|| head.set(i));
    }
    assert_eq!(tail.get(), 50 + 9_999);
    assert_eq!(runs.get(), 10_000);
}

/// 1,000 effects on one signal; 2,000 batched writes.
fn update() {
    let s = Signal::new(0i64);
    let runs = Rc::new(Cell::new(0));
    for _ in 0..1_000 {
        let r = runs.clone();
        Effect::new(move || {
            black_box(s.get());
            r.set(r.get() + 1);
        });
    }
    for i in 0..2_000 {
        batch(|| s.set(i + 1));
    }
    assert_eq!(runs.get(), 1_000 * 2_001);
}

/// Ten times: under a root, 100,000 signals and one effect reading each; dispose the root.
fn create() {
    let runs = Rc::new(Cell::new(0u64));
    for _ in 0..10 {
        let root = Owner::new();
        root.run_in(|| {
            for i in 0..100_000i64 {
                let s = Signal::new(i);
                let r = runs.clone();
                Effect::new(move || {
                    black_box(s.get());
                    r.set(r.get() + 1);
                });
            }
        });
        root.dispose();
    }
    assert_eq!(runs.get(), 1_000_000);
}

/// 5,000 single-event appends to a SQLite event store, then 5,000 raw rusqlite inserts of the
/// same rows (the floor the store is compared with), in a temporary directory on `/dev/shm`
/// when there is one, so that the disk does not hide the CPU work. The batches are
/// built before the appends start, so the profile of the appends is the store's own work.
fn append() {
    use benches::event_store::{RawSqlite, batch};
    use reactive_sourcing::{EventStore, SqliteStore};

    const APPENDS: u64 = 5_000;
    let directory = tempfile::tempdir_in("/dev/shm")
        .or_else(|_| tempfile::tempdir())
        .expect("a temporary directory");
    let store = SqliteStore::open(directory.path().join("store.sqlite")).expect("open");
    let batches: Vec<_> = (0..APPENDS).map(|_| batch(1)).collect();
    for batch in batches {
        black_box(store.append(batch).expect("append"));
    }
    assert_eq!(store.head().expect("head"), APPENDS);
    let mut raw = RawSqlite::open(&directory.path().join("raw.sqlite"), 1);
    for _ in 0..APPENDS {
        raw.insert_batch();
    }
    assert_eq!(raw.rows(), APPENDS as i64);
}

/// `createComputations1to1` (the report's case, full size) timed on a fresh engine, then again
/// after one run of each dynamic graph on the same thread; prints both medians.
fn history() {
    use benches::adapter::ReactiveCore;
    use benches::case::{Group, Instance, Scale, all_cases, instantiate};
    use std::time::{Duration, Instant};

    let cases = all_cases();
    let create = cases
        .iter()
        .find(|case| case.name == "createComputations1to1")
        .expect("the case exists");
    let median = |instance: &mut dyn Instance| {
        let mut samples: Vec<Duration> = (0..7)
            .map(|_| {
                instance.before();
                let start = Instant::now();
                instance.unit();
                let elapsed = start.elapsed();
                instance.after();
                elapsed
            })
            .collect();
        samples.sort();
        samples[3]
    };
    let build = || instantiate::<ReactiveCore>(create, Scale::FULL).expect("supported");
    let fresh = median(&mut *build());
    for case in cases.iter().filter(|case| case.group == Group::Dynamic) {
        let mut instance = instantiate::<ReactiveCore>(case, Scale::FULL).expect("supported");
        instance.before();
        instance.unit();
        instance.after();
    }
    let after = median(&mut *build());
    println!("createComputations1to1: fresh {fresh:?}, after the dynamic graphs {after:?}");
}

/// [`deep`], written over the adapter.
fn deep_via<L: benches::adapter::Reactive>() {
    let ((head, runs), root) = L::root(|| {
        let head = L::signal(0i64);
        let mut tail = L::memo(move || L::read(head));
        for _ in 0..50 {
            let prev = tail;
            tail = L::memo(move || L::read_memo(prev) + 1);
        }
        let runs = Rc::new(Cell::new(0));
        let r = runs.clone();
        L::effect(move || {
            black_box(L::read_memo(tail));
            r.set(r.get() + 1);
        });
        (head, runs)
    });
    for i in 0..10_000 {
        L::batch(|| L::write(head, i));
    }
    assert_eq!(runs.get(), 10_000);
    L::dispose(root);
}

/// [`update`], written over the adapter.
fn update_via<L: benches::adapter::Reactive>() {
    let ((s, runs), root) = L::root(|| {
        let s = L::signal(0i64);
        let runs = Rc::new(Cell::new(0));
        for _ in 0..1_000 {
            let r = runs.clone();
            L::effect(move || {
                black_box(L::read(s));
                r.set(r.get() + 1);
            });
        }
        (s, runs)
    });
    for i in 0..2_000 {
        L::batch(|| L::write(s, i + 1));
    }
    assert_eq!(runs.get(), 1_000 * 2_001);
    L::dispose(root);
}

/// Runs `deep-via` or `update-via` on the library called `library`.
fn via(workload: &str, library: Option<&str>) -> bool {
    use benches::adapter::{LibraryVisitor, Reactive, for_each_library};

    struct Run<'a> {
        workload: &'a str,
        library: &'a str,
        ran: bool,
    }
    impl LibraryVisitor for Run<'_> {
        fn visit<L: Reactive>(&mut self) {
            if !L::NAME.starts_with(self.library) {
                return;
            }
            match self.workload {
                "deep-via" => deep_via::<L>(),
                _ => update_via::<L>(),
            }
            self.ran = true;
        }
    }
    let Some(library) = library else {
        return false;
    };
    let mut run = Run {
        workload,
        library,
        ran: false,
    };
    for_each_library(&mut run);
    run.ran
}

/// How many changes `profile query` makes after the build.
const QUERY_CHANGES: usize = 1_000;

/// The changes alone, a function of its own so callgrind can count only them
/// (`--toggle-collect='*query_changes*'`).
#[inline(never)]
fn query_changes(run: &mut benches::query::Run) {
    for _ in 0..QUERY_CHANGES {
        run.change();
    }
}

/// Builds the live-query workload `name` at the issue's size on `engine` and makes
/// [`QUERY_CHANGES`] changes.
fn query(name: Option<&str>, engine: Option<&str>) -> bool {
    use benches::query::{Engine, Run, Size, WORKLOADS, rows};
    let Some(workload) = name.filter(|n| WORKLOADS.contains(n)) else {
        return false;
    };
    let engine = match engine {
        Some("live") | None => Engine::Live,
        Some("source") => Engine::Source,
        Some("recompute") => Engine::Recompute,
        Some(_) => return false,
    };
    let mut run = Run::build(workload, rows(workload, Size::Full), engine);
    let start = std::time::Instant::now();
    query_changes(&mut run);
    let elapsed = start.elapsed();
    black_box(run.digest());
    eprintln!(
        "{workload}: {:.2} µs per change (wall, {QUERY_CHANGES} changes)",
        elapsed.as_secs_f64() * 1e6 / QUERY_CHANGES as f64
    );
    true
}

/// Builds the report case called `name` at full scale for the library whose name starts with
/// `library` (reactive-core when none is given) and runs `units` units (one when not given).
/// The difference between the counts of two unit numbers is the cost of the units alone.
///
/// With `timed`, prints the case, the library and the median wall time of the units in
/// milliseconds (tab-separated), each unit timed alone as the report does.
fn one_case(name: Option<&str>, library: Option<&str>, units: Option<&str>, timed: bool) -> bool {
    use benches::adapter::{LibraryVisitor, Reactive, for_each_library};
    use benches::case::{Case, Scale, all_cases, instantiate};

    struct Run<'a> {
        case: &'a Case,
        library: &'a str,
        units: usize,
        timed: bool,
        ran: bool,
    }
    impl LibraryVisitor for Run<'_> {
        fn visit<L: Reactive>(&mut self) {
            if self.ran || !L::NAME.starts_with(self.library) {
                return;
            }
            let Ok(mut instance) = instantiate::<L>(self.case, Scale::FULL) else {
                return;
            };
            let mut times = Vec::with_capacity(self.units);
            for _ in 0..self.units {
                instance.before();
                let started = std::time::Instant::now();
                instance.unit();
                times.push(started.elapsed());
                instance.after();
            }
            if self.timed {
                times.sort_unstable();
                let median = times[times.len() / 2];
                println!(
                    "{}\t{}\t{:.3}",
                    self.case.name,
                    L::NAME,
                    median.as_secs_f64() * 1e3
                );
            }
            self.ran = true;
        }
    }
    let Some(case) = name.and_then(|n| all_cases().into_iter().find(|c| c.name == n)) else {
        return false;
    };
    let Ok(units) = units.map_or(Ok(1), str::parse::<usize>) else {
        return false;
    };
    let mut run = Run {
        case: &case,
        library: library.unwrap_or("reactive-core"),
        units: units.max(1),
        timed,
        ran: false,
    };
    for_each_library(&mut run);
    run.ran
}

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("deep") => deep(),
        Some("update") => update(),
        Some("create") => create(),
        Some("append") => append(),
        Some("history") => benches::harness::run_on_big_stack(history),
        Some(workload @ ("deep-via" | "update-via"))
            if via(workload, std::env::args().nth(2).as_deref()) => {}
        Some(command @ ("case" | "time"))
            if one_case(
                std::env::args().nth(2).as_deref(),
                std::env::args().nth(3).as_deref(),
                std::env::args().nth(4).as_deref(),
                command == "time",
            ) => {}
        Some("query")
            if query(
                std::env::args().nth(2).as_deref(),
                std::env::args().nth(3).as_deref(),
            ) => {}
        _ => {
            eprintln!(
                "usage: profile deep|update|create|append|history\n       \
                 profile deep-via|update-via <library>\n       \
                 profile case|time <report case name> [<library> [<units>]]\n       \
                 profile query top50|filter_sort|group_by|join [live|source|recompute]"
            );
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
