//! A driver for profiling one changed row behind `limit 50` with callgrind: builds a sorted
//! query over 100,000 rows, then changes 10,000 rows one at a time (the same pattern as the
//! `query` criterion bench), and the same writes into a collection nobody queries.
//!
//! ```text
//! CARGO_PROFILE_RELEASE_DEBUG=true cargo build --release -p reactive-query --example top50_profile
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*changes*' \
//!     target/release/examples/top50_profile
//! ```

use reactive_query::{Collection, LiveQuery};
use std::hint::black_box;

const ROWS: u64 = 100_000;
const CHANGES: u64 = 10_000;

fn score(i: u64, step: u64) -> u64 {
    (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ step.wrapping_mul(0xD1B5_4A32_D192_ED03)) % 1_000_000
}

fn value(key: u64, step: u64) -> u64 {
    if step % 4 == 0 {
        1_000_000 + step
    } else {
        score(key, step)
    }
}

#[inline(never)]
fn changes_with_query(rows: &Collection<u64, u64>, top: &LiveQuery<u64, u64>) {
    for step in 1..=CHANGES {
        let key = step.wrapping_mul(7919) % ROWS;
        rows.insert(key, value(key, step));
        black_box(top.version());
    }
}

#[inline(never)]
fn changes_source_alone(rows: &Collection<u64, u64>) {
    for step in 1..=CHANGES {
        let key = step.wrapping_mul(7919) % ROWS;
        black_box(rows.insert(key, value(key, step)));
    }
}

fn main() {
    let rows = Collection::new();
    let source = Collection::new();
    for i in 0..ROWS {
        rows.insert(i, score(i, 0));
        source.insert(i, score(i, 0));
    }
    let top = rows.query().order_by_desc(|s| *s).limit(Some(50)).live();
    assert_eq!(top.len(), 50);
    changes_with_query(&rows, &top);
    changes_source_alone(&source);
    println!("top row after {CHANGES} changes: {:?}", top.rows()[0]);
}
