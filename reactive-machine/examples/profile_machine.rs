//! Sends events through one of the benchmark machines (`benches/machines/*.json`), for
//! instruction counts under callgrind, which a shared, noisy machine does not disturb:
//!
//! ```text
//! cargo build --release -p reactive-machine --example profile_machine
//! valgrind --tool=callgrind target/release/examples/profile_machine flat 100000
//! ```
//!
//! Prints nothing; divide the instructions by the number of events (after subtracting a run
//! with 0 events, which counts the loading).

use reactive_machine::{Chart, Machine, Setup};

fn main() {
    let mut args = std::env::args().skip(1);
    let name = args.next().unwrap_or_else(|| "flat".into());
    let events: usize = args
        .next()
        .map_or(100_000, |n| n.parse().expect("a number of events"));
    let cycle: &[&str] = if name == "history" {
        &["NEXT", "OUT", "BACK"]
    } else {
        &["NEXT"]
    };
    let path = format!(
        "{}/benches/machines/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let chart = Chart::from_xstate_json(&text).expect("a benchmark machine loads");
    let mut machine = Machine::new(chart, &Setup::new()).expect("it starts");
    for e in cycle.iter().cycle().take(events) {
        machine.send(*e).expect("the machine accepts its events");
    }
    std::hint::black_box(machine.configuration());
}
