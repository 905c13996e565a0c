//! Sending events through running machines: transitions per second on four shapes of chart
//! (`benches/machines/*.json`, shared with `xstate.cjs`, which runs the same machines and
//! events under XState v5). Each iteration sends 1,000 events (the machine's event cycle
//! repeated); one event is one macrostep.
//!
//! - `flat`: a ring of 10 states, `NEXT` moves to the next.
//! - `deep`: two branches five levels deep, `NEXT` jumps between their deepest states (exits
//!   and enters six states).
//! - `parallel`: 8 regions of two states, `NEXT` toggles all of them (8 transitions at once).
//! - `history`: `NEXT` inside a three-level state, `OUT` leaves it, `BACK` restores it through
//!   a deep history state.
//!
//! `cargo bench -p reactive-machine --bench machine`; `node benches/xstate.cjs` for XState.

use std::rc::Rc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use reactive_machine::{Chart, Machine, Setup};

const EVENTS: usize = 1_000;

/// The benchmark machines and their event cycles (as in `xstate.cjs`).
pub const MACHINES: [(&str, &[&str]); 4] = [
    ("flat", &["NEXT"]),
    ("deep", &["NEXT"]),
    ("parallel", &["NEXT"]),
    ("history", &["NEXT", "OUT", "BACK"]),
];

fn load(name: &str) -> Chart {
    let path = format!(
        "{}/benches/machines/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Chart::from_xstate_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("machine");
    group.throughput(Throughput::Elements(EVENTS as u64));
    for (name, events) in MACHINES {
        let mut machine = Machine::new(Rc::new(load(name)), &Setup::new()).unwrap();
        let cycle: Vec<&str> = events.iter().copied().cycle().take(EVENTS).collect();
        group.bench_function(name, |b| {
            b.iter(|| {
                for e in &cycle {
                    machine.send(*e).unwrap();
                }
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
