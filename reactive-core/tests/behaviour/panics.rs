//! A panic inside user code unwinds to the caller and leaves the runtime consistent.

use std::panic::{AssertUnwindSafe, catch_unwind};

use reactive_core::*;

use super::common::Counter;

#[test]
fn panic_in_an_effect_unwinds_to_set_and_later_writes_work() {
    let s = Signal::new(0);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        r.hit();
        if s.get() == 1 {
            panic!("boom");
        }
    });
    assert!(catch_unwind(AssertUnwindSafe(|| s.set(1))).is_err());
    s.set(2);
    assert_eq!(
        runs.get(),
        3,
        "the effect keeps its subscription and runs again"
    );
}

#[test]
fn panic_in_a_memo_unwinds_to_get_and_the_memo_recovers() {
    let s = Signal::new(0);
    let m = Memo::new(move || {
        let v = s.get();
        assert!(v != 1, "bad input");
        v * 10
    });
    assert_eq!(m.get(), 0);
    s.set(1);
    assert!(catch_unwind(AssertUnwindSafe(|| m.get())).is_err());
    assert!(
        catch_unwind(AssertUnwindSafe(|| m.get())).is_err(),
        "still failing on the same input"
    );
    s.set(2);
    assert_eq!(m.get(), 20);
}

#[test]
fn effect_downstream_of_a_panicking_memo_runs_again_once_it_recovers() {
    let s = Signal::new(0);
    let m = Memo::new(move || {
        let v = s.get();
        assert!(v != 1, "bad input");
        v
    });
    let seen = super::common::Log::new();
    let l = seen.clone();
    Effect::new(move || l.push(m.get()));
    assert!(catch_unwind(AssertUnwindSafe(|| s.set(1))).is_err());
    s.set(2);
    assert_eq!(seen.take(), [0, 2]);
}

#[test]
fn other_effects_of_a_flush_still_run_after_one_panics() {
    let s = Signal::new(0);
    Effect::new(move || {
        if s.get() == 1 {
            panic!("first effect fails");
        }
    });
    let later = Counter::default();
    let l = later.clone();
    Effect::new(move || {
        s.get();
        l.hit();
    });
    assert!(catch_unwind(AssertUnwindSafe(|| s.set(1))).is_err());
    // The second effect was scheduled by the same write; it runs at the next flush.
    let other = Signal::new(0);
    Effect::new(move || {
        other.get();
    });
    other.set(1);
    assert_eq!(later.get(), 2);
}

#[test]
fn panic_inside_a_batch_leaves_the_batch_closed() {
    let s = Signal::new(0);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        s.get();
        r.hit();
    });
    let res = catch_unwind(AssertUnwindSafe(|| {
        batch(|| {
            s.set(1);
            panic!("in batch");
        })
    }));
    assert!(res.is_err());
    assert_eq!(runs.get(), 2); // the write before the panic was flushed
    s.set(2); // not stuck in a batch: runs immediately
    assert_eq!(runs.get(), 3);
}

/// The message of a caught panic payload.
fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

#[test]
fn a_batch_whose_closure_panics_runs_the_effects_it_made_pending_then_resumes_the_panic() {
    let s = Signal::new(0);
    let seen = super::common::Log::new();
    let l = seen.clone();
    Effect::new(move || l.push(s.get()));
    let payload = catch_unwind(AssertUnwindSafe(|| {
        batch(|| {
            s.set(1);
            s.set(2);
            panic!("closure fails");
        })
    }))
    .expect_err("the closure's panic continues");
    assert_eq!(message(&*payload), "closure fails");
    assert_eq!(seen.take(), [0, 2]);
}

#[test]
fn try_batch_whose_closure_panics_also_flushes_then_resumes_the_panic() {
    let s = Signal::new(0);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        s.get();
        r.hit();
    });
    let payload = catch_unwind(AssertUnwindSafe(|| {
        let _ = try_batch(|| {
            s.set(1);
            panic!("closure fails");
        });
    }))
    .expect_err("the closure's panic continues");
    assert_eq!(message(&*payload), "closure fails");
    assert_eq!(runs.get(), 2);
}

#[test]
fn when_the_flush_after_a_panicking_batch_panics_too_the_first_panic_wins_and_the_rest_stay_queued()
{
    let s = Signal::new(0);
    Effect::new(move || {
        if s.get() == 1 {
            panic!("effect fails");
        }
    });
    let later = Counter::default();
    let l = later.clone();
    Effect::new(move || {
        s.get();
        l.hit();
    });
    let payload = catch_unwind(AssertUnwindSafe(|| {
        batch(|| {
            s.set(1);
            panic!("closure fails");
        })
    }))
    .expect_err("a panic continues");
    assert_eq!(message(&*payload), "closure fails");
    // The second effect was not reached by the interrupted flush: it is still scheduled.
    assert_eq!(later.get(), 1);
    let unrelated = Signal::new(0);
    Effect::new(move || {
        unrelated.get();
    });
    unrelated.set(1);
    assert_eq!(later.get(), 2);
}

#[test]
fn an_inner_batch_that_panics_flushes_nothing_until_the_outer_batch_ends() {
    let s = Signal::new(0);
    let seen = super::common::Log::new();
    let l = seen.clone();
    Effect::new(move || l.push(s.get()));
    batch(|| {
        let inner = catch_unwind(AssertUnwindSafe(|| {
            batch(|| {
                s.set(1);
                panic!("inner fails");
            })
        }));
        assert!(inner.is_err());
        assert_eq!(seen.take(), [0], "flushed inside the outer batch");
        s.set(2);
    });
    assert_eq!(seen.take(), [2]);
}

/// Deliberate difference from alien-signals (issue 11, item 4): an effect skipped because an
/// earlier effect of the same flush panicked is not dropped; it stays dirty and runs at the next
/// flush, whatever write causes that flush.
#[test]
fn effects_skipped_by_a_panicking_flush_stay_dirty_and_run_at_the_next_flush() {
    let s = Signal::new(0);
    Effect::new(move || {
        if s.get() == 1 {
            panic!("first effect fails");
        }
    });
    let seen = super::common::Log::new();
    let l = seen.clone();
    let skipped = Effect::new(move || l.push(s.get())).named("skipped");
    seen.take();
    assert!(catch_unwind(AssertUnwindSafe(|| s.set(1))).is_err());
    assert!(seen.take().is_empty());
    let state = Runtime::graph_snapshot()
        .nodes
        .into_iter()
        .find(|n| n.id == skipped.id())
        .map(|n| n.state);
    assert_eq!(state, Some(NodeState::Dirty));
    let unrelated = Signal::new(0);
    Effect::new(move || {
        unrelated.get();
    });
    unrelated.set(1);
    assert_eq!(seen.take(), [1]);
}

#[test]
fn panic_in_update_closure_keeps_the_value() {
    let s = Signal::new(vec![1]);
    let res = catch_unwind(AssertUnwindSafe(|| s.update(|_| panic!("nope"))));
    assert!(res.is_err());
    assert_eq!(s.get(), vec![1]);
    s.set(vec![2]);
    assert_eq!(s.get(), vec![2]);
}

#[test]
fn panicking_cleanup_does_not_stop_disposal() {
    let ((a, b), root) = create_root(|| {
        on_cleanup(|| panic!("cleanup fails"));
        (Signal::new(1), Signal::new(2))
    });
    assert!(catch_unwind(AssertUnwindSafe(|| root.dispose())).is_err());
    assert!(a.is_disposed() && b.is_disposed() && root.is_disposed());
}

#[test]
fn panic_in_an_effect_created_inside_a_root_leaves_the_owner_usable() {
    let res = catch_unwind(AssertUnwindSafe(|| {
        create_root(|| {
            Effect::new(|| panic!("on creation"));
        })
    }));
    assert!(res.is_err());
    assert!(Owner::current().is_none(), "owner restored after unwinding");
    let s = Signal::new(1);
    assert_eq!(Memo::new(move || s.get() + 1).get(), 2);
}

#[test]
fn panic_in_update_closure_after_a_partial_change_notifies_readers_of_it() {
    let v = Signal::new(vec![1]);
    let seen = super::common::Log::new();
    let l = seen.clone();
    Effect::new(move || l.push(v.get()));
    let len = Memo::new(move || v.with(Vec::len));
    assert_eq!(len.get(), 1);
    let res = catch_unwind(AssertUnwindSafe(|| {
        v.update(|x| {
            x.push(2);
            panic!("half done");
        })
    }));
    assert!(res.is_err());
    assert_eq!(
        v.get(),
        [1, 2],
        "no rollback: the change made in place stays"
    );
    assert_eq!(seen.take(), [vec![1], vec![1, 2]], "the effect saw it");
    assert_eq!(len.get(), 2, "and so does the memo");
    // `update_if_changed` behaves the same: a panic counts as a change.
    let res = catch_unwind(AssertUnwindSafe(|| {
        v.update_if_changed(|x| {
            x.push(3);
            panic!("half done again");
        })
    }));
    assert!(res.is_err());
    assert_eq!(seen.take(), [vec![1, 2, 3]]);
    assert_eq!(len.get(), 3);
}

/// A value whose `Drop` panics while `armed`.
#[derive(PartialEq)]
struct PanicsOnDrop {
    id: u32,
    armed: bool,
}

impl Drop for PanicsOnDrop {
    fn drop(&mut self) {
        if self.armed {
            self.armed = false;
            panic!("drop of {} fails", self.id);
        }
    }
}

#[test]
fn panicking_drop_of_the_old_value_in_set_still_stores_and_notifies() {
    let s = Signal::new(PanicsOnDrop { id: 1, armed: true });
    let seen = super::common::Log::new();
    let l = seen.clone();
    Effect::new(move || l.push(s.with(|v| v.id)));
    let id = Memo::new(move || s.with(|v| v.id));
    assert_eq!(id.get(), 1);
    let res = catch_unwind(AssertUnwindSafe(|| {
        s.set(PanicsOnDrop {
            id: 2,
            armed: false,
        })
    }));
    assert!(res.is_err(), "the destructor's panic reaches the caller");
    assert_eq!(s.with(|v| v.id), 2);
    assert_eq!(seen.take(), [1, 2], "the effect was notified");
    assert_eq!(id.get(), 2, "and so was the memo");
    // `set_if_changed` takes the same path.
    s.set(PanicsOnDrop { id: 3, armed: true });
    let res = catch_unwind(AssertUnwindSafe(|| {
        s.set_if_changed(PanicsOnDrop {
            id: 4,
            armed: false,
        })
    }));
    assert!(res.is_err());
    assert_eq!(seen.take(), [3, 4]);
    assert_eq!(id.get(), 4);
}
