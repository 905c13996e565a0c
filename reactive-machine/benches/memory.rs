//! Memory per running machine: the heap bytes 1,000 started machines of each benchmark chart
//! hold (the chart is shared, as it is meant to be), divided by 1,000. A `matches` trigger is
//! created for one state per machine, as a view that follows one state would.
//!
//! `cargo bench -p reactive-machine --bench memory`.

use std::alloc::System;
use std::rc::Rc;

use reactive_machine::{Chart, Machine, Setup};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const MACHINES: usize = 1_000;

fn main() {
    println!("bytes per running machine ({MACHINES} machines, chart shared)");
    for name in ["flat", "deep", "parallel", "history"] {
        let path = format!(
            "{}/benches/machines/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let chart =
            Rc::new(Chart::from_xstate_json(&std::fs::read_to_string(path).unwrap()).unwrap());
        let setup = Setup::new();
        // Warm up the engine's arena so its growth is not charged to the first machines.
        let warm: Vec<Machine> = (0..MACHINES)
            .map(|_| Machine::new(chart.clone(), &setup).unwrap())
            .collect();
        warm.into_iter().for_each(Machine::dispose);
        let region = Region::new(GLOBAL);
        let machines: Vec<Machine> = (0..MACHINES)
            .map(|_| {
                let m = Machine::new(chart.clone(), &setup).unwrap();
                m.matches("");
                m
            })
            .collect();
        let stats = region.change();
        let live = stats.bytes_allocated as i64 - stats.bytes_deallocated as i64
            + stats.bytes_reallocated as i64;
        println!("{name:>10}: {} bytes", live / MACHINES as i64);
        machines.into_iter().for_each(Machine::dispose);
    }
}
