//! The statechart workload (reactive-machine against XState v5): the four benchmark machines
//! of `reactive-machine/benches/machines/*.json` and their event cycles, shared by the
//! `statechart` criterion target (group `machine`) and the report, which runs the same machines
//! under XState with `reactive-machine/benches/xstate.cjs`.
//!
//! - `flat`: a ring of 10 states, `NEXT` moves to the next.
//! - `deep`: two branches five levels deep, `NEXT` jumps between their deepest states.
//! - `parallel`: 8 regions of two states, `NEXT` toggles all of them.
//! - `history`: `NEXT` inside a three-level state, `OUT` leaves it, `BACK` restores it through
//!   a deep history state.
//!
//! One event is one macrostep; the machines have no actions.

use std::path::PathBuf;
use std::rc::Rc;

use reactive_machine::{Chart, Machine, Setup};

/// The machines and their event cycles (as in `xstate.cjs`).
pub const MACHINES: [(&str, &[&str]); 4] = [
    ("flat", &["NEXT"]),
    ("deep", &["NEXT"]),
    ("parallel", &["NEXT"]),
    ("history", &["NEXT", "OUT", "BACK"]),
];

/// `reactive-machine/benches/`, where the machines and `xstate.cjs` are.
pub fn machine_benches_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../reactive-machine/benches")
}

/// The chart called `name`.
///
/// # Panics
/// When the file is missing or does not load (the workload is broken).
pub fn chart(name: &str) -> Rc<Chart> {
    let path = machine_benches_dir().join(format!("machines/{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Rc::new(Chart::from_xstate_json(&text).expect("a benchmark machine loads"))
}

/// A started machine of `chart`.
pub fn start(chart: &Rc<Chart>) -> Machine {
    Machine::new(chart.clone(), &Setup::new()).expect("a benchmark machine starts")
}

/// Sends `count` events of `cycle`, in turn, starting at `*next` (advanced).
pub fn send(machine: &mut Machine, cycle: &[&str], next: &mut usize, count: usize) {
    for _ in 0..count {
        machine
            .send(cycle[*next % cycle.len()])
            .expect("a benchmark machine accepts its events");
        *next += 1;
    }
}

/// Whether each machine goes where its cycle says: back to its start after a whole number of
/// cycles (the ring after 10, the others after 2 or 1 rounds). Prints a line per machine.
pub fn check() -> bool {
    let mut ok = true;
    for (name, cycle) in MACHINES {
        let chart = chart(name);
        let mut machine = start(&chart);
        let initial = machine.configuration();
        let rounds = if name == "flat" { 10 } else { 2 };
        let mut next = 0;
        send(&mut machine, cycle, &mut next, rounds * cycle.len());
        let back = machine.configuration() == initial;
        send(&mut machine, cycle, &mut next, 1);
        let moved = machine.configuration() != initial;
        if back && moved {
            eprintln!("ok   statechart/{name}");
        } else {
            eprintln!("FAIL statechart/{name}: back to start {back}, moved by one event {moved}");
            ok = false;
        }
    }
    ok
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_benchmark_machine_cycles_back_to_its_start() {
        assert!(super::check());
    }
}
