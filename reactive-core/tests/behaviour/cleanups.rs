//! Cleanups run untracked and ownerless, whoever triggers them (issue 11, item 1).

use reactive_core::*;

use super::common::{Counter, Log};

#[test]
fn an_effect_disposing_an_owner_is_not_subscribed_to_what_its_cleanups_read() {
    let read_by_cleanup = Signal::new(0);
    let owner = Owner::new();
    owner.run_in(|| {
        on_cleanup(move || {
            let _ = read_by_cleanup.get();
        })
    });
    let trigger = Signal::new(false);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        r.hit();
        if trigger.get() {
            owner.dispose();
        }
    });
    trigger.set(true);
    assert!(owner.is_disposed());
    assert_eq!(runs.get(), 2);
    read_by_cleanup.set(1);
    assert_eq!(
        runs.get(),
        2,
        "the cleanup's read subscribed the disposing effect"
    );
}

#[test]
fn a_memo_recomputed_inside_a_tracked_read_runs_its_cleanups_untracked() {
    let source = Signal::new(0);
    let read_by_cleanup = Signal::new(0);
    let memo = Memo::new(move || {
        on_cleanup(move || {
            let _ = read_by_cleanup.get();
        });
        source.get()
    });
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        // Reading `source` first makes this effect re-run itself, so the memo recomputes
        // inside the effect's tracked read of it, with this effect as the observer.
        source.get();
        memo.get();
        r.hit();
    });
    source.set(1);
    assert_eq!(runs.get(), 2);
    read_by_cleanup.set(1);
    assert_eq!(
        runs.get(),
        2,
        "the memo's cleanup subscribed the reading effect"
    );
    source.set(2);
    assert_eq!(runs.get(), 3);
}

#[test]
fn an_effect_rerunning_runs_its_own_cleanups_untracked() {
    let source = Signal::new(0);
    let read_by_cleanup = Signal::new(0);
    let runs = Counter::default();
    let r = runs.clone();
    Effect::new(move || {
        source.get();
        r.hit();
        on_cleanup(move || {
            let _ = read_by_cleanup.get();
        });
    });
    source.set(1);
    read_by_cleanup.set(1);
    assert_eq!(runs.get(), 2);
}

#[test]
fn cleanups_run_with_no_owner_so_what_they_create_belongs_to_no_running_node() {
    let seen = Log::new();
    let s = seen.clone();
    let created = Log::new();
    let c = created.clone();
    let trigger = Signal::new(0);
    let effect = Effect::new(move || {
        trigger.get();
        let s = s.clone();
        let c = c.clone();
        on_cleanup(move || {
            s.push(Owner::current().is_none());
            c.push(Signal::new(7));
        });
    });
    trigger.set(1);
    assert_eq!(seen.take(), [true]);
    effect.dispose();
    assert_eq!(seen.take(), [true]);
    // The signals the cleanups created survive the effect: nobody owned them.
    let signals = created.take();
    assert_eq!(signals.len(), 2);
    assert!(signals.iter().all(|s| s.get() == 7));
}
