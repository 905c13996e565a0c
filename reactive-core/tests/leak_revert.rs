//! Memory stays flat when signals are written in batches forever, also when a reader never
//! settles what a batch wrote (the revert rule keeps what readers last saw until then). A test
//! file of its own: the allocator statistics are global to the process.

use std::alloc::System;

use reactive_core::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

fn live_bytes(region: &Region<System>) -> isize {
    let c = region.change();
    c.bytes_allocated as isize - c.bytes_deallocated as isize
}

#[test]
fn batched_writes_to_signals_whose_readers_never_check_keep_memory_flat() {
    // `stale` is written in a batch once and its only reader, a memo nobody reads, never
    // settles it: what that reader last saw stays kept. `busy` is written in a batch over and
    // over and settled by its effect each time. Neither may make the engine's memory grow.
    let stale = Signal::new(0u64);
    let unread = Memo::new(move || stale.get());
    unread.get();
    batch(|| stale.set_if_changed(1));
    let busy = Signal::new(0u64);
    Effect::new(move || {
        busy.get();
    });
    for i in 1..=10 {
        batch(|| busy.set_if_changed(i));
    }
    let region = Region::new(GLOBAL);
    for i in 11..=10_000 {
        batch(|| busy.set_if_changed(i));
    }
    // The statistics are global to the process, and the test harness's own threads may
    // allocate a few hundred bytes meanwhile (seen: 900). A leak per batch would show as at
    // least one byte per write, 9,990 writes here: the bound separates the two.
    let live = live_bytes(&region);
    assert!(
        live < 4_096,
        "live heap bytes grew by {live} over 9,990 batched writes"
    );
    assert_eq!(unread.get(), 1);
}
