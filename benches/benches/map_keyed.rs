//! `map_keyed` against remapping the whole list, on lists of 1,000 and 10,000 rows whose
//! mapping creates one signal per row (as a row model would). The keyed mapping must cost in
//! proportion to the change, not to the list: one row entering or leaving runs `map` or a
//! disposal once, a move runs neither.
//!
//! Cases (ids `map_keyed/<case>/<rows>/<keyed|remap>`, select with `cargo bench -p benches
//! --bench map_keyed -- <filter>`); each iteration writes the list signal once and reads the
//! output:
//!
//! | case | timed work |
//! |---|---|
//! | `swap_two` | swap the first and last rows (and back, next iteration) |
//! | `add_or_remove_one` | append one row, then remove it, in alternate iterations |
//! | `move_first_to_end` | move the first row to the end (every row shifts), then back |
//!
//! `remap` is a memo that maps every row again on each change (its previous rows are disposed
//! before it re-runs), the from-scratch reference. After timing, the bench asserts how many
//! rows the keyed side mapped.

use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use reactive_core::{Memo, Signal, create_root, map_keyed};

const SIZES: [u32; 2] = [1_000, 10_000];

/// The keyed side: rows mapped to a signal each, counting the calls to `map`.
fn keyed(ids: Signal<Vec<u32>>, maps: Rc<Cell<u64>>) -> Memo<Vec<Signal<u32>>> {
    map_keyed(
        ids,
        |id| *id,
        move |id| {
            maps.set(maps.get() + 1);
            Signal::new(*id)
        },
    )
}

/// The reference: every row mapped again on every change.
fn remap(ids: Signal<Vec<u32>>) -> Memo<Vec<Signal<u32>>> {
    Memo::new_always(move || ids.with(|v| v.iter().map(|id| Signal::new(*id)).collect()))
}

fn swap_two(c: &mut Criterion) {
    let mut group = c.benchmark_group("map_keyed/swap_two");
    for rows in SIZES {
        let ids = Signal::new((0..rows).collect::<Vec<u32>>());
        let maps = Rc::new(Cell::new(0));
        let ((k, r), root) = create_root(|| (keyed(ids, maps.clone()), remap(ids)));
        k.with(Vec::len);
        r.with(Vec::len);
        let last = rows as usize - 1;
        group.bench_function(BenchmarkId::new(rows.to_string(), "keyed"), |b| {
            b.iter(|| {
                ids.update(|v| v.swap(0, last));
                black_box(k.with(Vec::len))
            })
        });
        group.bench_function(BenchmarkId::new(rows.to_string(), "remap"), |b| {
            b.iter(|| {
                ids.update(|v| v.swap(0, last));
                black_box(r.with(Vec::len))
            })
        });
        assert_eq!(maps.get(), u64::from(rows), "a moved row was mapped again");
        root.dispose();
    }
    group.finish();
}

fn add_or_remove_one(c: &mut Criterion) {
    let mut group = c.benchmark_group("map_keyed/add_or_remove_one");
    for rows in SIZES {
        let ids = Signal::new((0..rows).collect::<Vec<u32>>());
        let maps = Rc::new(Cell::new(0));
        let ((k, r), root) = create_root(|| (keyed(ids, maps.clone()), remap(ids)));
        k.with(Vec::len);
        r.with(Vec::len);
        let toggle = |ids: Signal<Vec<u32>>| {
            ids.update(|v| {
                if v.len() > rows as usize {
                    v.pop();
                } else {
                    v.push(rows);
                }
            })
        };
        let mut iterations = 0_u64;
        group.bench_function(BenchmarkId::new(rows.to_string(), "keyed"), |b| {
            b.iter(|| {
                iterations += 1;
                toggle(ids);
                black_box(k.with(Vec::len))
            })
        });
        assert_eq!(
            maps.get(),
            u64::from(rows) + iterations.div_ceil(2),
            "a row that stayed was mapped again"
        );
        group.bench_function(BenchmarkId::new(rows.to_string(), "remap"), |b| {
            b.iter(|| {
                toggle(ids);
                black_box(r.with(Vec::len))
            })
        });
        root.dispose();
    }
    group.finish();
}

fn move_first_to_end(c: &mut Criterion) {
    let mut group = c.benchmark_group("map_keyed/move_first_to_end");
    for rows in SIZES {
        let ids = Signal::new((0..rows).collect::<Vec<u32>>());
        let maps = Rc::new(Cell::new(0));
        let ((k, r), root) = create_root(|| (keyed(ids, maps.clone()), remap(ids)));
        k.with(Vec::len);
        r.with(Vec::len);
        let toggle = |ids: Signal<Vec<u32>>| {
            ids.update(|v| {
                if v[0] == 0 {
                    v.rotate_left(1);
                } else {
                    v.rotate_right(1);
                }
            })
        };
        group.bench_function(BenchmarkId::new(rows.to_string(), "keyed"), |b| {
            b.iter(|| {
                toggle(ids);
                black_box(k.with(Vec::len))
            })
        });
        group.bench_function(BenchmarkId::new(rows.to_string(), "remap"), |b| {
            b.iter(|| {
                toggle(ids);
                black_box(r.with(Vec::len))
            })
        });
        assert_eq!(maps.get(), u64::from(rows), "a moved row was mapped again");
        root.dispose();
    }
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

criterion_group! {
    name = keyed_mapping;
    config = config();
    targets = swap_two, add_or_remove_one, move_first_to_end
}
criterion_main!(keyed_mapping);
