//! A fixed `map_keyed` workload for instruction counts, beside `benches/map_keyed.rs`: a list of
//! `ROWS` ids mapped to one signal per row, changed `CHANGES` times by `CASE`, the output read
//! after each change; `SIDE` is `keyed` (`map_keyed`) or `remap` (a memo mapping every row
//! again).
//!
//! ```text
//! cargo build -p benches --release --bin map_keyed_count
//! valgrind --tool=callgrind target/release/map_keyed_count swap keyed 1000 110
//! valgrind --tool=callgrind target/release/map_keyed_count swap keyed 1000 10
//! ```
//!
//! `CASE` is `swap` (first and last rows, and back), `append` (one row, then remove it) or
//! `move` (the first row to the end, and back). The difference of the two totals divided by 100
//! is the count per change that `benches/README.md` quotes; it does not depend on the load of
//! the machine.

use std::hint::black_box;
use std::process::ExitCode;

use reactive_core::{Memo, Signal, create_root, map_keyed};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [case, side, rows, changes] = args.as_slice() else {
        eprintln!("usage: map_keyed_count swap|append|move keyed|remap ROWS CHANGES");
        return ExitCode::FAILURE;
    };
    let (Ok(rows), Ok(changes)) = (rows.parse::<u32>(), changes.parse::<u32>()) else {
        eprintln!("ROWS and CHANGES are numbers");
        return ExitCode::FAILURE;
    };
    if rows == 0 || !["swap", "append", "move"].contains(&case.as_str()) {
        eprintln!("CASE is swap, append or move, and ROWS at least 1");
        return ExitCode::FAILURE;
    }
    let ids = Signal::new((0..rows).collect::<Vec<u32>>());
    let keyed = match side.as_str() {
        "keyed" => true,
        "remap" => false,
        _ => {
            eprintln!("SIDE is keyed or remap");
            return ExitCode::FAILURE;
        }
    };
    let (out, root) = create_root(|| -> Memo<Vec<Signal<u32>>> {
        if keyed {
            map_keyed(ids, |id| *id, |id| Signal::new(*id))
        } else {
            Memo::new_always(move || ids.with(|v| v.iter().map(|id| Signal::new(*id)).collect()))
        }
    });
    out.with(Vec::len);
    let last = rows as usize - 1;
    for _ in 0..changes {
        match case.as_str() {
            "swap" => ids.update(|v| v.swap(0, last)),
            "append" => ids.update(|v| {
                if v.len() > rows as usize {
                    v.pop();
                } else {
                    v.push(rows);
                }
            }),
            _ => ids.update(|v| {
                if v[0] == 0 {
                    v.rotate_left(1)
                } else {
                    v.rotate_right(1)
                }
            }),
        }
        black_box(out.with(Vec::len));
    }
    root.dispose();
    ExitCode::SUCCESS
}
