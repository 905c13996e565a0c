use std::rc::Rc;

use reactive_core::*;

use super::common::Counter;

#[test]
fn memo_is_lazy_until_first_read() {
    let runs = Counter::default();
    let r = runs.clone();
    let m = Memo::new(move || {
        r.hit();
        1
    });
    assert_eq!(runs.get(), 0);
    assert_eq!(m.get(), 1);
    assert_eq!(runs.get(), 1);
}

#[test]
fn memo_caches_until_a_source_changes() {
    let s = Signal::new(1);
    let runs = Counter::default();
    let r = runs.clone();
    let m = Memo::new(move || {
        r.hit();
        s.get() * 2
    });
    assert_eq!(m.get(), 2);
    assert_eq!(m.get(), 2);
    assert_eq!(runs.get(), 1);
    s.set(2);
    assert_eq!(m.get(), 4);
    assert_eq!(runs.get(), 2);
}

#[test]
fn memo_nobody_reads_is_never_recomputed() {
    let s = Signal::new(1);
    let runs = Counter::default();
    let r = runs.clone();
    let _m = Memo::new(move || {
        r.hit();
        s.get()
    });
    for i in 0..10 {
        s.set(i);
    }
    assert_eq!(runs.get(), 0);
}

#[test]
fn equal_memo_value_stops_propagation() {
    let s = Signal::new(2);
    let parity = Memo::new(move || s.get() % 2);
    let downstream = Counter::default();
    let d = downstream.clone();
    let after = Memo::new(move || {
        d.hit();
        parity.get() + 100
    });
    let effect_runs = Counter::default();
    let e = effect_runs.clone();
    Effect::new(move || {
        after.get();
        e.hit();
    });
    s.set(4); // parity stays 0
    assert_eq!(downstream.get(), 1);
    assert_eq!(effect_runs.get(), 1);
    s.set(5);
    assert_eq!(downstream.get(), 2);
    assert_eq!(effect_runs.get(), 2);
}

#[test]
fn custom_comparator_decides_what_counts_as_a_change() {
    let s = Signal::new(10);
    // Consider values equal when they are within 5 of each other.
    let m = Memo::new_with_compare(move || s.get(), |a: &i32, b: &i32| (a - b).abs() < 5);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        m.get();
        r.hit();
    });
    s.set(12);
    assert_eq!(runs.get(), 1);
    assert_eq!(m.get(), 10, "an 'equal' value keeps the old one");
    s.set(20);
    assert_eq!(runs.get(), 2);
    assert_eq!(m.get(), 20);
}

#[test]
fn memo_compared_by_identity_always_propagates() {
    let s = Signal::new(1);
    let m = Memo::new_with_compare(move || Rc::new(s.get() / 10), Rc::ptr_eq);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        m.get();
        r.hit();
    });
    s.set(2); // same content, new Rc
    assert_eq!(runs.get(), 2);
}

#[test]
fn new_always_propagates_every_recomputation() {
    let s = Signal::new(1);
    let m = Memo::new_always(move || s.get() / 10);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        m.get();
        r.hit();
    });
    s.set(2);
    assert_eq!(runs.get(), 2);
}

#[test]
fn diamond_recomputes_each_node_once_and_never_sees_a_mix() {
    let a = Signal::new(1);
    let b = Memo::new(move || a.get() + 1);
    let c = Memo::new(move || a.get() * 10);
    let sum_runs = Counter::default();
    let sr = sum_runs.clone();
    let seen = super::common::Log::new();
    let log = seen.clone();
    let d = Memo::new(move || {
        sr.hit();
        let (b, c) = (b.get(), c.get());
        log.push((b, c));
        b + c
    });
    Effect::new(move || {
        d.get();
    });
    a.set(2);
    assert_eq!(sum_runs.get(), 2);
    assert_eq!(seen.take(), [(2, 10), (3, 20)]);
}

#[test]
fn deep_chain_of_memos_updates_without_recursion_overflow() {
    let s = Signal::new(0i64);
    let mut last = Memo::new(move || s.get());
    // Build and evaluate incrementally so the first evaluation is shallow too.
    for _ in 0..20_000 {
        let prev = last;
        last = Memo::new(move || prev.get() + 1);
        last.get();
    }
    let tail = last;
    let seen = Counter::default();
    let c = seen.clone();
    Effect::new(move || {
        tail.get();
        c.hit();
    });
    s.set(1); // pulls through 20,000 PENDING memos
    assert_eq!(tail.get(), 20_001);
    assert_eq!(seen.get(), 2);
}

#[test]
fn memo_read_inside_a_batch_sees_the_new_values() {
    let s = Signal::new(1);
    let m = Memo::new(move || s.get() * 3);
    m.get();
    batch(|| {
        s.set(2);
        assert_eq!(m.get(), 6);
    });
}
