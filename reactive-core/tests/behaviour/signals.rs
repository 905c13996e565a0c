use reactive_core::*;

use super::common::Counter;

#[test]
fn get_returns_a_clone_and_with_borrows_without_cloning() {
    let s = Signal::new(vec![1, 2, 3]);
    assert_eq!(s.get(), vec![1, 2, 3]);
    assert_eq!(s.with(|v| v.len()), 3);
}

#[test]
fn set_and_update_change_the_value() {
    let s = Signal::new(1);
    s.set(2);
    assert_eq!(s.get(), 2);
    s.update(|v| *v *= 10);
    assert_eq!(s.get(), 20);
}

#[test]
fn set_notifies_even_when_the_value_is_equal() {
    let s = Signal::new(1);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        s.get();
        r.hit();
    });
    s.set(1);
    assert_eq!(runs.get(), 2);
}

#[test]
fn set_if_changed_skips_notification_for_an_equal_value() {
    let s = Signal::new(1);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        s.get();
        r.hit();
    });
    assert!(!s.set_if_changed(1));
    assert_eq!(runs.get(), 1);
    assert!(s.set_if_changed(2));
    assert_eq!(runs.get(), 2);
}

#[test]
fn update_if_changed_skips_notification_when_the_closure_leaves_it_equal() {
    let s = Signal::new(vec![1]);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        s.with(|_| ());
        r.hit();
    });
    assert!(!s.update_if_changed(|v| v.sort()));
    assert_eq!(runs.get(), 1);
    assert!(s.update_if_changed(|v| v.push(2)));
    assert_eq!(runs.get(), 2);
}

#[test]
fn untracked_reads_do_not_subscribe() {
    let s = Signal::new(1);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        s.get_untracked();
        s.with_untracked(|_| ());
        r.hit();
    });
    s.set(2);
    assert_eq!(runs.get(), 1);
}

#[test]
fn read_and_write_halves_share_one_value() {
    let s = Signal::new(String::from("a"));
    let (r, w) = s.split();
    w.update(|v| v.push('b'));
    assert_eq!(r.get(), "ab");
    let r2: ReadSignal<String> = s.into();
    assert_eq!(r2.with(|v| v.len()), 2);
}

#[test]
fn notify_reruns_readers_without_changing_the_value() {
    let s = Signal::new(5);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        s.get();
        r.hit();
    });
    s.notify();
    assert_eq!(runs.get(), 2);
    assert_eq!(s.get(), 5);
}

#[test]
fn track_subscribes_without_reading() {
    let s = Signal::new(5);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        s.track();
        r.hit();
    });
    s.set(6);
    assert_eq!(runs.get(), 2);
}

#[test]
fn set_inside_with_of_the_same_signal_keeps_the_outer_borrow_valid() {
    let s = Signal::new(String::from("old"));
    let seen = s.with(|outer| {
        s.set(String::from("new"));
        outer.clone()
    });
    assert_eq!(seen, "old");
    assert_eq!(s.get(), "new");
}

#[test]
fn nested_reads_of_the_same_signal_work() {
    let s = Signal::new(2);
    assert_eq!(s.with(|a| s.with(|b| a * b)), 4);
}

#[test]
fn handles_are_copy_and_compare_by_identity() {
    let a = Signal::new(1);
    let b = a;
    let c = Signal::new(1);
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn handles_are_small() {
    // A generational key, plus a creation location in debug builds.
    let expected = if cfg!(debug_assertions) { 24 } else { 8 };
    assert!(std::mem::size_of::<Signal<u64>>() <= expected);
}

#[cfg(feature = "serde")]
#[test]
fn signal_serialises_as_its_value() {
    let s = Signal::new(vec![1, 2]);
    assert_eq!(serde_json::to_string(&s).unwrap(), "[1,2]");
    let back: Signal<Vec<i32>> = serde_json::from_str("[3]").unwrap();
    assert_eq!(back.get(), vec![3]);
}
