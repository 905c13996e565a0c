use reactive_core::*;

use super::common::{Counter, Log};

#[test]
fn disposing_a_root_disposes_everything_created_under_it() {
    let before = Runtime::node_count();
    let ((s, m, e), root) = create_root(|| {
        let s = Signal::new(1);
        let m = Memo::new(move || s.get());
        let e = Effect::new(move || {
            m.get();
        });
        (s, m, e)
    });
    root.dispose();
    assert!(s.is_disposed() && m.is_disposed() && e.is_disposed());
    assert_eq!(Runtime::node_count(), before);
    assert!(root.is_disposed());
}

#[test]
fn disposal_runs_cleanups_owners_first_while_the_subtree_is_alive() {
    let log = Log::new();
    let l = log.clone();
    let ((), root) = create_root(move || {
        let l1 = l.clone();
        on_cleanup(move || l1.push("root"));
        let l2 = l.clone();
        Effect::new(move || {
            let owned = Signal::new("alive");
            let l3 = l2.clone();
            on_cleanup(move || l3.push(owned.get()));
            let l4 = l2.clone();
            Effect::new(move || {
                let l5 = l4.clone();
                on_cleanup(move || l5.push("inner"));
            });
        });
    });
    root.dispose();
    assert_eq!(log.take(), ["root", "alive", "inner"]);
}

#[test]
fn disposal_drops_values() {
    struct Tracked(Counter);
    impl Drop for Tracked {
        fn drop(&mut self) {
            self.0.hit();
        }
    }
    let drops = Counter::default();
    let d = drops.clone();
    let (_, root) = create_root(move || Signal::new(Tracked(d)));
    assert_eq!(drops.get(), 0);
    root.dispose();
    assert_eq!(drops.get(), 1);
}

#[test]
fn disposal_frees_slots_for_reuse() {
    let ((), warm) = create_root(|| {
        for _ in 0..100 {
            Signal::new(0);
        }
    });
    warm.dispose();
    let before = Runtime::node_count();
    for _ in 0..100 {
        let ((), root) = create_root(|| {
            for _ in 0..100 {
                Signal::new(0);
            }
        });
        root.dispose();
    }
    assert_eq!(Runtime::node_count(), before);
}

#[test]
fn child_owner_is_disposed_with_its_parent() {
    let (child, root) = create_root(Owner::new);
    let s = child.run_in(|| Signal::new(1));
    root.dispose();
    assert!(child.is_disposed() && s.is_disposed());
}

#[test]
fn child_owner_can_be_disposed_alone() {
    let ((child, sibling), root) = create_root(|| (Owner::new(), Signal::new(0)));
    let s = child.run_in(|| Signal::new(1));
    child.dispose();
    assert!(s.is_disposed());
    assert!(!sibling.is_disposed());
    root.dispose();
    assert!(sibling.is_disposed());
}

#[test]
fn disposing_a_signal_unsubscribes_its_readers() {
    let s = Signal::new(1);
    let other = Signal::new(1);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        let _ = s.try_get();
        other.get();
        r.hit();
    });
    s.dispose();
    other.set(2);
    assert_eq!(runs.get(), 2, "the effect still runs for its other source");
}

#[test]
fn root_is_detached_from_the_current_owner() {
    let (inner, outer) = create_root(|| create_root(|| Signal::new(1)).1);
    outer.dispose();
    assert!(!inner.is_disposed());
    inner.dispose();
}

#[test]
fn current_owner_inside_an_effect_is_the_effect() {
    let seen = std::rc::Rc::new(std::cell::Cell::new(None));
    let s = seen.clone();
    let e = Effect::new(move || s.set(Owner::current().map(|o| o.id())));
    assert_eq!(seen.get(), Some(e.id()));
}

#[test]
fn cleanup_outside_any_owner_is_reported_by_try_on_cleanup() {
    assert!(matches!(
        try_on_cleanup(|| {}),
        Err(ReactiveError::NoOwner {
            what: "on_cleanup",
            ..
        })
    ));
}
