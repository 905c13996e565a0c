//! Shared driver of the criterion bench targets: every case of a group × every library
//! (reactive-core alone unless the `peers` feature is on: `cargo bench -p benches --features peers`).
//!
//! Benchmark ids are `<group>/<case>/<library>`, so `cargo bench -p benches -- diamond` or
//! `-- reactive-core` select cases or a library. A case is built on first use only, so a filter
//! skips the building too. The timed work is exactly the case's `unit()`; its untimed
//! `before()`/`after()` (preparation, checks) run around every unit via `iter_custom`.

use std::time::Duration;

use benches::adapter::{LibraryVisitor, Reactive, for_each_library};
use benches::case::{Case, Group, Instance, Scale, all_cases, instantiate, support};
use benches::harness::{run_on_big_stack, time_units};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, SamplingMode};

/// Runs every case of `group` on every library, on a big-stack thread.
pub fn main(group: Group) {
    run_on_big_stack(move || {
        let mut criterion = Criterion::default().configure_from_args();
        bench_group(&mut criterion, group);
        criterion.final_summary();
    });
}

fn bench_group(criterion: &mut Criterion, group: Group) {
    let mut benchmarks = criterion.benchmark_group(group.name());
    // Units are long (a millisecond to a second): few samples, one unit each when slow.
    benchmarks.sampling_mode(SamplingMode::Flat);
    let (samples, measurement) = match group {
        Group::Kairo => (20, 5),
        Group::Cellx => (30, 3),
        Group::Dynamic => (10, 10),
        Group::Micro => (15, 5),
    };
    benchmarks.sample_size(samples);
    benchmarks.warm_up_time(Duration::from_secs(1));
    benchmarks.measurement_time(Duration::from_secs(measurement));
    for case in all_cases().into_iter().filter(|case| case.group == group) {
        for_each_library(&mut BenchCase {
            benchmarks: &mut benchmarks,
            case,
        });
    }
    benchmarks.finish();
}

struct BenchCase<'a, 'b> {
    benchmarks: &'a mut BenchmarkGroup<'b, WallTime>,
    case: Case,
}

impl LibraryVisitor for BenchCase<'_, '_> {
    fn visit<L: Reactive>(&mut self) {
        if let Err(unsupported) = support::<L>(&self.case) {
            eprintln!("{}/{}: {unsupported}", self.case.name, L::NAME);
            return;
        }
        let case = self.case;
        let mut instance: Option<Box<dyn Instance>> = None;
        self.benchmarks
            .bench_function(BenchmarkId::new(case.name, L::NAME), |bencher| {
                let instance = instance.get_or_insert_with(|| {
                    instantiate::<L>(&case, Scale::FULL).expect("support was checked")
                });
                bencher.iter_custom(|units| time_units(&mut **instance, units));
            });
    }
}
