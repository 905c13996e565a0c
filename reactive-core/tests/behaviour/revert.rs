//! The revert rule: a signal written and written back inside one batch is no change
//! (issue 11, item 2). The property test against a model is `tests/revert_model.rs`.

use reactive_core::*;

use super::common::Counter;

/// A signal `a == 0`, a memo `a * 10` counting its computations, and an effect on the memo and
/// one on the signal, counting runs.
fn graph() -> (Signal<i32>, Memo<i32>, Counter, Counter, Counter) {
    let a = Signal::new(0);
    let computes = Counter::default();
    let c = computes.clone();
    let m = Memo::new(move || {
        c.hit();
        a.get() * 10
    });
    let (on_memo, on_signal) = (Counter::default(), Counter::default());
    let r = on_memo.clone();
    Effect::new(move || {
        m.get();
        r.hit();
    });
    let r = on_signal.clone();
    Effect::new(move || {
        a.get();
        r.hit();
    });
    computes.reset();
    on_memo.reset();
    on_signal.reset();
    (a, m, computes, on_memo, on_signal)
}

#[test]
fn a_write_undone_in_the_same_batch_runs_no_effect_and_recomputes_no_memo() {
    let (a, m, computes, on_memo, on_signal) = graph();
    batch(|| {
        assert!(a.set_if_changed(1));
        assert!(a.set_if_changed(0));
    });
    assert_eq!((computes.get(), on_memo.get(), on_signal.get()), (0, 0, 0));
    assert_eq!(m.get(), 0);
    assert_eq!(computes.get(), 0);
}

#[test]
fn repeated_no_op_batches_run_nothing() {
    let (a, _m, computes, on_memo, on_signal) = graph();
    for i in 1..20 {
        batch(|| {
            a.set_if_changed(i);
            a.set_if_changed(i + 1);
            a.set_if_changed(0);
        });
    }
    assert_eq!((computes.get(), on_memo.get(), on_signal.get()), (0, 0, 0));
}

#[test]
fn a_memo_whose_sources_all_reverted_is_not_recomputed() {
    let (a, b) = (Signal::new(1), Signal::new(2));
    let computes = Counter::default();
    let c = computes.clone();
    let sum = Memo::new(move || {
        c.hit();
        a.get() + b.get()
    });
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        sum.get();
        r.hit();
    });
    batch(|| {
        a.set_if_changed(5);
        b.set_if_changed(6);
        b.update_if_changed(|v| *v = 2);
        a.update_if_changed(|v| *v = 1);
    });
    assert_eq!((computes.get(), runs.get()), (1, 1));
}

#[test]
fn a_net_change_still_runs_each_reader_once() {
    let (a, m, computes, on_memo, on_signal) = graph();
    batch(|| {
        a.set_if_changed(1);
        a.set_if_changed(2);
        a.set_if_changed(3);
    });
    assert_eq!((computes.get(), on_memo.get(), on_signal.get()), (1, 1, 1));
    assert_eq!(m.get(), 30);
}

#[test]
fn set_always_counts_as_a_change_even_when_written_back() {
    let (a, _m, computes, on_memo, on_signal) = graph();
    batch(|| {
        a.set(1);
        a.set_if_changed(0);
    });
    // The memo recomputes to its old value: the equality cut-off spares its effect.
    assert_eq!((computes.get(), on_memo.get(), on_signal.get()), (1, 0, 1));
    batch(|| {
        a.set_if_changed(1);
        a.set(0);
    });
    assert_eq!((computes.get(), on_memo.get(), on_signal.get()), (2, 0, 2));
}

#[test]
fn an_untracked_read_between_the_write_and_its_undoing_does_not_count() {
    let (a, m, computes, on_memo, on_signal) = graph();
    batch(|| {
        a.set_if_changed(1);
        assert_eq!(a.get(), 1);
        assert_eq!(untrack(|| a.get()), 1);
        a.set_if_changed(0);
    });
    assert_eq!((computes.get(), on_memo.get(), on_signal.get()), (0, 0, 0));
    assert_eq!(m.get(), 0);
}

#[test]
fn once_a_computation_has_seen_the_new_value_the_write_counts_as_a_change_for_every_reader() {
    let (a, m, computes, on_memo, on_signal) = graph();
    batch(|| {
        a.set_if_changed(1);
        assert_eq!(m.get(), 10); // recomputed inside the batch: it saw the new value
        a.set_if_changed(0);
    });
    // The memo went 0 → 10 → 0, so it recomputed twice and its readers re-run; the write was
    // settled as a change when the memo read it, so the signal's other readers re-run too.
    assert_eq!((computes.get(), on_memo.get(), on_signal.get()), (2, 1, 1));
    assert_eq!(m.get(), 0);
}

#[test]
fn a_signal_disposed_while_written_in_a_batch_is_freed() {
    let before = Runtime::node_count();
    let (a, root) = create_root(|| {
        let a = Signal::new(String::from("x"));
        Effect::new(move || drop(a.get()));
        a
    });
    batch(|| {
        a.set_if_changed("y".into());
        root.dispose();
    });
    assert!(a.is_disposed());
    assert_eq!(Runtime::node_count(), before);
}

#[test]
fn a_reverted_signal_read_by_a_memo_nobody_reads_is_settled_when_the_memo_is_read() {
    let a = Signal::new(0);
    let computes = Counter::default();
    let c = computes.clone();
    let m = Memo::new(move || {
        c.hit();
        a.get()
    });
    assert_eq!(m.get(), 0);
    batch(|| {
        a.set_if_changed(1);
        a.set_if_changed(0);
    });
    batch(|| a.set_if_changed(2));
    batch(|| a.set_if_changed(0));
    assert_eq!(m.get(), 0);
    assert_eq!(computes.get(), 1);
    batch(|| a.set_if_changed(3));
    assert_eq!(m.get(), 3);
    assert_eq!(computes.get(), 2);
}

#[test]
fn a_memo_whose_last_run_panicked_recomputes_after_a_reverted_batch() {
    let a = Signal::new(0);
    let fail = std::rc::Rc::new(std::cell::Cell::new(false));
    let f = fail.clone();
    let m = Memo::new(move || {
        let v = a.get();
        assert!(!f.get(), "failing on purpose");
        v + 100
    });
    assert_eq!(m.get(), 100);
    fail.set(true);
    a.set(5);
    let read = std::panic::AssertUnwindSafe(|| m.get());
    assert!(std::panic::catch_unwind(read).is_err());
    fail.set(false);
    batch(|| {
        a.set_if_changed(6);
        a.set_if_changed(5);
    });
    // Its sources are back where they were, but its last run panicked: it recomputes.
    assert_eq!(m.get(), 105);
}

#[test]
fn values_kept_for_a_batch_are_dropped_once_settled_and_reused_boxes_hold_no_droppable_value() {
    // A value with drop glue replaced in a batch is kept until the signal is settled, then
    // dropped at once: the engine's reuse of value boxes (types without drop glue only) must not
    // delay a `Drop`.
    use std::cell::Cell;
    use std::rc::Rc;

    let drops = Rc::new(Cell::new(0));
    #[derive(PartialEq)]
    struct Tracked(u32, Rc<Cell<u32>>);
    impl Drop for Tracked {
        fn drop(&mut self) {
            self.1.set(self.1.get() + 1);
        }
    }
    let s = Signal::new(Tracked(0, drops.clone()));
    let seen = Rc::new(Cell::new(0));
    let w = seen.clone();
    Effect::new(move || w.set(s.with(|t| t.0)));
    batch(|| {
        s.set_if_changed(Tracked(1, drops.clone()));
        // The replaced value is what the effect last saw: kept, not dropped yet.
        assert_eq!(drops.get(), 0);
    });
    assert_eq!(seen.get(), 1);
    assert_eq!(
        drops.get(),
        1,
        "the kept value is dropped when the batch settles"
    );
    batch(|| {
        s.set_if_changed(Tracked(2, drops.clone()));
        s.set_if_changed(Tracked(1, drops.clone()));
    });
    // Tracked(2) (replaced in place by the second write) and the kept Tracked(1) are gone; the
    // equal Tracked(1) written back is the signal's value, and nothing re-ran.
    assert_eq!(seen.get(), 1);
    assert_eq!(drops.get(), 3);
}
