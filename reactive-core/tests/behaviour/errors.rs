use std::panic::{AssertUnwindSafe, catch_unwind};

use reactive_core::*;

fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn use_after_dispose_is_a_typed_error() {
    let s = Signal::new(1);
    s.dispose();
    assert!(matches!(s.try_get(), Err(ReactiveError::Disposed { .. })));
    assert!(matches!(s.try_set(2), Err(ReactiveError::Disposed { .. })));
    assert!(matches!(
        s.try_with(|_| ()),
        Err(ReactiveError::Disposed { .. })
    ));
    assert!(matches!(
        s.try_update(|_| ()),
        Err(ReactiveError::Disposed { .. })
    ));
    let m = Memo::new(|| 1);
    m.dispose();
    assert!(matches!(m.try_get(), Err(ReactiveError::Disposed { .. })));
}

#[test]
fn disposed_error_says_where_the_node_was_created_and_used() {
    let s = Signal::new(1);
    let created_line = line!() - 1;
    s.dispose();
    let err = s.try_get().unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("errors.rs"), "{msg}");
    if cfg!(debug_assertions) {
        assert!(msg.contains(&format!(":{created_line}:")), "{msg}");
    }
}

#[test]
fn panicking_get_after_dispose_names_the_node_and_location() {
    let s = Signal::new(1).named("hp");
    s.dispose();
    let msg = panic_message(catch_unwind(|| s.get()).unwrap_err());
    assert!(msg.contains("after it was disposed"), "{msg}");
    assert!(msg.contains("errors.rs"), "{msg}");
}

#[test]
fn memo_reading_itself_is_a_cycle_error_not_a_stack_overflow() {
    let cell = std::rc::Rc::new(std::cell::Cell::new(None::<Memo<i32>>));
    let c = cell.clone();
    let m = Memo::new(move || c.get().map_or(0, |m| m.try_get().map_or(-1, |v| v + 1)));
    cell.set(Some(m));
    // The read that closes the cycle gets `Err(Cycle)`; the memo turns it into -1.
    assert_eq!(m.get(), -1);
    assert_eq!(
        m.get(),
        -1,
        "cached: the failed self-read left no self-edge"
    );
    assert!(
        !Runtime::graph_snapshot()
            .edges
            .iter()
            .any(|e| e.source == e.target)
    );
}

#[test]
fn indirect_cycle_panics_with_a_clear_message_and_the_runtime_recovers() {
    let cell = std::rc::Rc::new(std::cell::Cell::new(None::<Memo<i32>>));
    let c = cell.clone();
    let a = Memo::new(move || c.get().map_or(0, |b| b.get()) + 1).named("a");
    let b = Memo::new(move || a.get() + 1).named("b");
    cell.set(Some(b));
    let msg = panic_message(catch_unwind(AssertUnwindSafe(|| a.get())).unwrap_err());
    assert!(msg.contains("cycle"), "{msg}");
    assert!(msg.contains("memo 'a'"), "{msg}");
    // Break the cycle; everything works again.
    cell.set(None);
    let s = Signal::new(1);
    assert_eq!(Memo::new(move || s.get() + 1).get(), 2);
}

#[test]
fn writing_a_signal_inside_a_memo_is_an_error() {
    let s = Signal::new(0).named("target");
    let m = Memo::new(move || s.try_set(1).map_err(|e| e.to_string()));
    let err = m.get().unwrap_err();
    assert!(err.contains("signal 'target'"), "{err}");
    assert!(err.contains("memos must not write"), "{err}");
    assert_eq!(s.get(), 0);
    let m2 = Memo::new(move || matches!(s.try_set(1), Err(ReactiveError::WriteInsideMemo { .. })));
    assert!(m2.get());
}

#[test]
fn updating_inside_its_own_update_is_an_error() {
    let s = Signal::new(1);
    let mut inner = None;
    s.update(|v| {
        inner = Some(s.try_get());
        *v = 2;
    });
    assert!(matches!(inner, Some(Err(ReactiveError::Borrowed { .. }))));
    assert_eq!(s.get(), 2);
}

#[test]
fn updating_while_borrowed_by_with_is_an_error() {
    let s = Signal::new(1);
    let res = s.with(|_| s.try_update(|v| *v = 2));
    assert!(matches!(res, Err(ReactiveError::Borrowed { .. })));
    assert_eq!(s.get(), 1, "nothing was lost");
}

#[test]
fn effects_that_never_settle_stop_with_an_error_naming_them() {
    let s = Signal::new(0);
    let ((), root) = create_root(|| {
        Effect::new(move || {
            let v = s.get();
            if v >= 100 {
                let _ = s.try_set(v + 1);
            }
        })
        .named("runaway");
    });
    let err = s.try_set(100).unwrap_err();
    match &err {
        ReactiveError::Unsettled { nodes, rounds } => {
            assert!(*rounds >= 100);
            assert_eq!(nodes[0].name.as_deref(), Some("runaway"));
        }
        other => panic!("unexpected {other}"),
    }
    assert!(err.to_string().contains("'runaway'"));
    root.dispose();
    // The runtime is usable afterwards.
    let t = Signal::new(1);
    let seen = std::rc::Rc::new(std::cell::Cell::new(0));
    let sn = seen.clone();
    Effect::new(move || sn.set(t.get()));
    t.set(2);
    assert_eq!(seen.get(), 2);
}

fn is_cycle_at<T: std::fmt::Debug>(res: Result<T, ReactiveError>, id: NodeId) -> bool {
    matches!(res, Err(ReactiveError::Cycle { node, .. }) if node.id == id)
}

#[test]
fn try_reads_of_a_memo_that_gets_itself_return_a_cycle_error_instead_of_panicking() {
    let cell = std::rc::Rc::new(std::cell::Cell::new(None::<Memo<i32>>));
    let c = cell.clone();
    // The inner read is a panicking `get`: it is what finds the cycle.
    let m = Memo::new(move || c.get().map_or(0, |m| m.get() + 1)).named("me");
    cell.set(Some(m));
    assert!(is_cycle_at(m.try_get(), m.id()));
    assert!(is_cycle_at(m.try_with(|v| *v), m.id()));
    assert!(is_cycle_at(m.try_get_untracked(), m.id()));
    assert!(is_cycle_at(m.try_with_untracked(|v| *v), m.id()));
    // The panicking twin still panics, with the message.
    let msg = panic_message(catch_unwind(AssertUnwindSafe(|| m.get())).unwrap_err());
    assert!(msg.contains("cycle") && msg.contains("memo 'me'"), "{msg}");
    // A memo reading it with `try_get` gets the error as a value.
    let outer = Memo::new(move || m.try_get().is_err());
    assert!(outer.get());
    // A memo left failed by the cycle recomputes on its next read: once the cycle is broken,
    // it has a value again.
    cell.set(None);
    assert_eq!(m.try_get(), Ok(0));
}

#[test]
fn try_reads_of_mutually_reading_memos_return_a_cycle_error_instead_of_panicking() {
    let cell = std::rc::Rc::new(std::cell::Cell::new(None::<Memo<i32>>));
    let c = cell.clone();
    let switch = Signal::new(true);
    let a = Memo::new(move || {
        if switch.get() {
            c.get().map_or(0, |b| b.get()) + 1
        } else {
            0
        }
    });
    let b = Memo::new(move || a.with(|v| *v + 1));
    cell.set(Some(b));
    assert!(is_cycle_at(a.try_get(), a.id()));
    assert!(is_cycle_at(b.try_get(), b.id()));
    assert!(is_cycle_at(a.try_with(|v| *v), a.id()));
    assert!(is_cycle_at(b.try_with_untracked(|v| *v), b.id()));
    assert!(is_cycle_at(a.try_get_untracked(), a.id()));
    // A memo downstream of the cycle: its `try_get` gets the cycle too.
    let downstream = Memo::new(move || b.get() * 10);
    assert!(is_cycle_at(downstream.try_get(), b.id()));
    // An effect reading through the cycle with `try_get` is not torn down by it.
    let seen = super::common::Log::new();
    let l = seen.clone();
    Effect::new(move || l.push(downstream.try_get().ok()));
    assert_eq!(seen.take(), [None]);
    // Break the cycle: everything computes, and the effect is told.
    switch.set(false);
    assert_eq!((a.get(), b.get(), downstream.get()), (0, 1, 10));
    assert_eq!(seen.take(), [Some(10)]);
}

/// Deliberate difference from alien-signals (issue 11, item 4), as in Svelte 5 and Angular: a
/// memo is a pure function of its sources, so writing a signal while computing one is refused
/// with a typed error, whichever write method is used, and the signal keeps its value.
#[test]
fn memos_may_not_write_signals_by_any_write_method() {
    let s = Signal::new(0);
    let attempts = Memo::new(move || {
        [
            s.try_set(1).err(),
            s.try_set_if_changed(2).err(),
            s.try_update(|v| *v = 3).err(),
            s.try_update_if_changed(|v| *v = 4).err(),
            try_batch(|| s.try_set(5)).ok().and_then(Result::err),
        ]
    });
    let errors = attempts.get();
    assert!(
        errors
            .iter()
            .all(|e| matches!(e, Some(ReactiveError::WriteInsideMemo { .. }))),
        "{errors:?}"
    );
    assert_eq!(s.get(), 0);
}
