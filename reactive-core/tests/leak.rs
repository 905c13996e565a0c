//! Memory stays flat when roots are created and disposed forever: the arena's live node and
//! edge counts and the process's live heap allocations return to their baseline.

use std::alloc::System;

use reactive_core::*;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// Builds 10,000 nodes under a root: signals, memos reading them, effects reading the memos,
/// cleanups, context, and nodes created inside effects.
fn build() -> Owner {
    let ((), root) = create_root(|| {
        provide_context(String::from("context value"));
        for _ in 0..1_250 {
            let s = Signal::new(vec![1u64, 2, 3]);
            let m = Memo::new(move || s.with(|v| v.iter().sum::<u64>()));
            let m2 = Memo::new(move || m.get() * 2);
            Effect::new(move || {
                m2.get();
                let inner = Signal::new(0u8);
                on_cleanup(move || inner.set(1));
                Effect::new(move || {
                    inner.get();
                });
            });
            let o = Owner::new();
            let t = o.run_in(|| Signal::new(String::from("x")));
            t.set(String::from("y"));
            s.update(|v| v.push(4));
        }
    });
    root
}

fn live_bytes(region: &Region<System>) -> isize {
    let c = region.change();
    c.bytes_allocated as isize - c.bytes_deallocated as isize
}

#[test]
fn creating_and_disposing_a_root_of_10_000_nodes_1_000_times_leaks_nothing() {
    let nodes = Runtime::node_count();
    let edges = Runtime::edge_count();
    let per_root = {
        let root = build();
        let n = Runtime::node_count() - nodes;
        root.dispose();
        n
    };
    assert_eq!(per_root, 10_001, "10,000 nodes plus the root");
    // Warm up: the arena, the link list and the work-lists reach their steady capacity.
    for _ in 0..3 {
        build().dispose();
    }
    let region = Region::new(GLOBAL);
    for _ in 0..1_000 {
        build().dispose();
        assert_eq!(Runtime::node_count(), nodes);
    }
    assert_eq!(Runtime::edge_count(), edges);
    assert_eq!(
        live_bytes(&region),
        0,
        "live heap bytes back to the baseline"
    );
    let c = region.change();
    assert_eq!(c.allocations, c.deallocations, "every allocation freed");
}
