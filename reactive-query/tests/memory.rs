//! What a live query keeps per row, measured with a counting allocator: a top-50 query over
//! 100,000 `u64` rows (the ordered index, the sort keys, the window), and what a disposed query
//! gives back. The figure is printed (`--nocapture`) for the README and bench notes.

use reactive_core::create_root;
use reactive_query::Collection;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn live_bytes(region: &Region<System>) -> isize {
    let c = region.change();
    c.bytes_allocated as isize - c.bytes_deallocated as isize
}

#[test]
fn a_top_50_query_keeps_under_100_bytes_per_row_and_gives_them_back_when_its_owner_goes() {
    const ROWS: u64 = 100_000;
    let rows = Collection::new();
    for i in 0..ROWS {
        rows.insert(i, i.wrapping_mul(0x9E37_79B9_7F4A_7C15) % 1_000_000);
    }
    let region = Region::new(GLOBAL);
    let (top, root) = create_root(|| rows.query().order_by_desc(|s| *s).limit(Some(50)).live());
    assert_eq!(top.len(), 50);
    let per_row = live_bytes(&region) / ROWS as isize;
    println!("a top-50 query over {ROWS} u64 rows keeps {per_row} bytes per row");
    assert!(per_row < 100, "{per_row} bytes per row");
    drop(top);
    root.dispose();
    // What is left: the arena slot of the query's memo, and the collection's dead inbox link.
    assert!(
        live_bytes(&region) < 4096,
        "{} bytes left after disposing the query",
        live_bytes(&region)
    );
}
