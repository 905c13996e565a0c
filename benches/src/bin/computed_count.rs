//! A fixed workload for the instruction counts of computed properties (`#[computed]` blocks of
//! `#[derive(Model)]` models), beside `benches/model.rs`: `CASE` `read` reads a cached computed
//! property `TIMES` times; `create` creates and disposes a model with one computed property
//! `TIMES` times.
//!
//! ```text
//! cargo build -p benches --release --bin computed_count
//! valgrind --tool=callgrind target/release/computed_count read 1100
//! valgrind --tool=callgrind target/release/computed_count read 100
//! ```
//!
//! The difference of the two totals divided by 1,000 is the count per operation that
//! `benches/README.md` quotes; it does not depend on the load of the machine.

use std::hint::black_box;
use std::process::ExitCode;

use reactive_core::{Memo, create_root};
use reactive_model::{Model, computed};

/// One stored field read by one computed property.
#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
    max_hp: u32,
}

#[computed]
impl PlayerModel {
    /// Health left, in percent.
    fn hp_percent(&self) -> u32 {
        self.hp() * 100 / self.max_hp()
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [case, times] = args.as_slice() else {
        eprintln!("usage: computed_count read|memo|create TIMES");
        return ExitCode::FAILURE;
    };
    let Ok(times) = times.parse::<u32>() else {
        eprintln!("TIMES is a number");
        return ExitCode::FAILURE;
    };
    let player = || Player { hp: 30, max_hp: 40 };
    let ((), root) = create_root(|| match case.as_str() {
        "read" => {
            let model = PlayerModel::new(player());
            let mut sum = 0_u32;
            for _ in 0..times {
                sum = sum.wrapping_add(black_box(&model).hp_percent());
            }
            black_box(sum);
        }
        "memo" => {
            let model = PlayerModel::new(player());
            let memo = Memo::new(move || model.hp() * 100 / model.max_hp());
            let mut sum = 0_u32;
            for _ in 0..times {
                sum = sum.wrapping_add(black_box(&memo).get());
            }
            black_box(sum);
        }
        "create" => {
            for _ in 0..times {
                let model = PlayerModel::new(black_box(player()));
                black_box(&model).dispose();
            }
        }
        _ => eprintln!("CASE is read, memo or create"),
    });
    root.dispose();
    ExitCode::SUCCESS
}
