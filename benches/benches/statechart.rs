//! Criterion benchmarks of reactive-machine: transitions per second on the four benchmark
//! machines (`benches::statechart`), 1,000 events per iteration. Ids: `machine/<name>`;
//! `cargo bench -p benches --bench statechart`. The report (`--bin report`) runs the same
//! machines under XState v5 for comparison.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use benches::statechart::{MACHINES, chart, send, start};

const EVENTS: usize = 1_000;

fn machines(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("machine");
    group.throughput(Throughput::Elements(EVENTS as u64));
    for (name, cycle) in MACHINES {
        let mut machine = start(&chart(name));
        let mut next = 0;
        group.bench_function(name, |bencher| {
            bencher.iter(|| send(&mut machine, cycle, &mut next, EVENTS))
        });
    }
    group.finish();
}

criterion_group!(benches, machines);
criterion_main!(benches);
