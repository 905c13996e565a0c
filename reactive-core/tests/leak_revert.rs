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

/// The two tests measure the process-wide allocator statistics: one at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn batched_writes_to_signals_whose_readers_never_check_keep_memory_flat() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // The engine's own memory is measured: no runtime observer (the `tracing` feature installs
    // one on every thread, and what its subscriber keeps is not the engine's).
    Runtime::clear_observer();
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
    for i in 11..=100_000 {
        batch(|| busy.set_if_changed(i));
    }
    // The statistics are global to the process, and the test harness's own threads may
    // allocate meanwhile (seen: 900 bytes, and 8,295 when it starts the other test's thread
    // during the loop). A leak per batch would show as at least one byte per write, 99,990
    // writes here: the bound separates the two.
    let live = live_bytes(&region);
    assert!(
        live < 32_768,
        "live heap bytes grew by {live} over 99,990 batched writes"
    );
    assert_eq!(unread.get(), 1);
}

#[test]
fn batched_comparing_writes_of_a_plain_value_allocate_nothing_once_warm() {
    // The first comparing write of a batch keeps the value its readers saw and stores the new
    // one in another box; settling releases the kept box. Boxes of values without drop glue are
    // reused, so in steady state such a write allocates nothing.
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // The engine's own allocations are measured: no runtime observer (the `tracing` feature
    // installs one on every thread, and its spans allocate).
    Runtime::clear_observer();
    let s = Signal::new(0u64);
    let m = Memo::new(move || s.get() * 2);
    Effect::new(move || {
        m.get();
    });
    for i in 1..=10 {
        batch(|| s.set_if_changed(i));
    }
    let region = Region::new(GLOBAL);
    for i in 11..=10_000 {
        batch(|| s.set_if_changed(i));
    }
    // 9,990 writes; the harness's other threads may allocate a few times meanwhile.
    let allocations = region.change().allocations;
    assert!(
        allocations < 100,
        "{allocations} allocations over 9,990 batched comparing writes"
    );
    assert_eq!(m.get(), 20_000);
}
