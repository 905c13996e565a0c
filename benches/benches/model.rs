//! `#[derive(Model)]` against the same work written by hand with `reactive-core` signals, on a
//! model of 20 `u64` fields. The derive must cost nothing extra: its handle is a struct of
//! the same signals, and its accessors are the calls written by hand.
//!
//! Cases (ids `model/<case>/<derive|hand>`, select with `cargo bench -p benches --bench model
//! -- <filter>`):
//!
//! | case | timed work |
//! |---|---|
//! | `read` | read one field (`model.f07()` / `signals[7].get()`) |
//! | `write_unobserved` | write one field, a new value each time, while 10 effects read 10 *other* fields; after timing, asserts none of them re-ran |
//! | `apply_1_of_20` | apply a whole value that differs from the model in 1 field of 20 (`model.apply(v)` / `batch` of 20 `set_if_changed`) |
//!
//! Each side runs in its own root; both are built before either is timed.

use std::cell::Cell;
use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use reactive_core::{Effect, Owner, Signal, batch, create_root};
use reactive_model::Model;

/// Declares the 20-field struct and the hand-written equivalents of the derive's operations,
/// from one field list, so both sides do exactly the same work.
macro_rules! twenty_fields {
    ($($field:ident = $index:literal),* $(,)?) => {
        /// Twenty counters.
        #[derive(Model, Clone, Copy, PartialEq, Debug, Default)]
        struct Stats {
            $($field: u64,)*
        }

        /// The hand-written model: one signal per field.
        #[derive(Clone, Copy)]
        struct HandStats {
            signals: [Signal<u64>; 20],
        }

        impl HandStats {
            fn new(value: Stats) -> Self {
                HandStats { signals: [$(Signal::new(value.$field),)*] }
            }

            /// What `StatsModel::apply` does: every field compared, only differences written.
            fn apply(&self, value: Stats) {
                batch(|| {
                    $(self.signals[$index].set_if_changed(value.$field);)*
                });
            }
        }
    };
}

twenty_fields! {
    f00 = 0, f01 = 1, f02 = 2, f03 = 3, f04 = 4, f05 = 5, f06 = 6, f07 = 7, f08 = 8, f09 = 9,
    f10 = 10, f11 = 11, f12 = 12, f13 = 13, f14 = 14, f15 = 15, f16 = 16, f17 = 17, f18 = 18,
    f19 = 19,
}

/// Ten effects on fields 10..20 (none on field 7, the one written), counting their runs.
fn observe_other_fields(read: impl Fn(usize) -> u64 + Copy + 'static) -> Rc<Cell<u64>> {
    let runs = Rc::new(Cell::new(0));
    for index in 10..20 {
        let runs = runs.clone();
        Effect::new(move || {
            black_box(read(index));
            runs.set(runs.get() + 1);
        });
    }
    runs
}

/// The field `index` of the derived model, by name (as user code would read it).
fn derive_field(model: StatsModel, index: usize) -> u64 {
    match index {
        10 => model.f10(),
        11 => model.f11(),
        12 => model.f12(),
        13 => model.f13(),
        14 => model.f14(),
        15 => model.f15(),
        16 => model.f16(),
        17 => model.f17(),
        18 => model.f18(),
        _ => model.f19(),
    }
}

fn in_root<R>(f: impl FnOnce() -> R) -> (R, Owner) {
    create_root(f)
}

// Each case builds both sides before timing either, so both run on the same arena state (slots
// freed by earlier cases are reused by whichever side is built first), then disposes both.

fn read(c: &mut Criterion) {
    let mut group = c.benchmark_group("model/read");
    let (model, derive_root) = in_root(|| StatsModel::new(Stats::default()));
    let (hand, hand_root) = in_root(|| HandStats::new(Stats::default()));
    group.bench_function("derive", |b| b.iter(|| black_box(model).f07()));
    group.bench_function("hand", |b| b.iter(|| black_box(hand).signals[7].get()));
    derive_root.dispose();
    hand_root.dispose();
    group.finish();
}

fn write_unobserved(c: &mut Criterion) {
    let mut group = c.benchmark_group("model/write_unobserved");
    let ((model, derive_runs), derive_root) = in_root(|| {
        let model = StatsModel::new(Stats::default());
        (model, observe_other_fields(move |i| derive_field(model, i)))
    });
    let ((hand, hand_runs), hand_root) = in_root(|| {
        let hand = HandStats::new(Stats::default());
        (hand, observe_other_fields(move |i| hand.signals[i].get()))
    });

    let mut value = 0_u64;
    group.bench_function("derive", |b| {
        b.iter(|| {
            value += 1;
            black_box(model).set_f07(value)
        })
    });
    let mut value = 0_u64;
    group.bench_function("hand", |b| {
        b.iter(|| {
            value += 1;
            black_box(hand).signals[7].set_if_changed(value)
        })
    });

    assert_eq!(
        derive_runs.get(),
        10,
        "a write to f07 woke an effect on another field"
    );
    assert_eq!(
        hand_runs.get(),
        10,
        "a write to f07 woke an effect on another field"
    );
    derive_root.dispose();
    hand_root.dispose();
    group.finish();
}

fn apply_one_of_twenty(c: &mut Criterion) {
    let mut group = c.benchmark_group("model/apply_1_of_20");
    let ((model, derive_runs), derive_root) = in_root(|| {
        let model = StatsModel::new(Stats::default());
        (model, observe_other_fields(move |i| derive_field(model, i)))
    });
    let ((hand, hand_runs), hand_root) = in_root(|| {
        let hand = HandStats::new(Stats::default());
        (hand, observe_other_fields(move |i| hand.signals[i].get()))
    });

    let mut value = 0_u64;
    group.bench_function("derive", |b| {
        b.iter(|| {
            value += 1;
            black_box(model).apply(black_box(Stats {
                f07: value,
                ..Stats::default()
            }))
        })
    });
    let mut value = 0_u64;
    group.bench_function("hand", |b| {
        b.iter(|| {
            value += 1;
            black_box(hand).apply(black_box(Stats {
                f07: value,
                ..Stats::default()
            }))
        })
    });

    assert_eq!(
        derive_runs.get(),
        10,
        "applying a change to f07 woke an effect on another field"
    );
    assert_eq!(
        hand_runs.get(),
        10,
        "applying a change to f07 woke an effect on another field"
    );
    derive_root.dispose();
    hand_root.dispose();
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

criterion_group! {
    name = model;
    config = config();
    targets = read, write_unobserved, apply_one_of_twenty
}
criterion_main!(model);
