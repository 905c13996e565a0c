use reactive_core::{Effect, Memo, create_root};
use reactive_store::*;

use super::common::app;
use reactive_testing::{RunCounter, ValueLog};

#[test]
fn undo_redo_and_jump_walk_the_history() {
    let store = Store::new(0);
    for i in 1..=4 {
        store
            .transaction(&format!("set {i}"))
            .update(|n| *n = i)
            .unwrap();
    }
    assert_eq!(store.undo().unwrap().unwrap().label(), "undo set 4");
    assert_eq!(*store.snapshot_untracked(), 3);
    store.undo().unwrap();
    assert_eq!(**store.redo().unwrap().unwrap().after(), 3);
    store.jump_to(0).unwrap();
    assert_eq!(*store.snapshot_untracked(), 0);
    assert!(store.undo().unwrap().is_none());
    store.jump_to(4).unwrap();
    assert_eq!(*store.snapshot_untracked(), 4);
    assert!(store.redo().unwrap().is_none());
    assert_eq!(
        store.jump_to(5).unwrap_err(),
        StoreError::NoSuchStep { index: 5, len: 5 }
    );
}

#[test]
fn undo_returns_the_very_snapshot_of_the_earlier_step() {
    let store = Store::new(app(1000));
    let first = store.snapshot_untracked();
    store.update(|s| s.todos[5].done = true).unwrap();
    store.undo().unwrap();
    assert!(store.snapshot_untracked().ptr_eq(&first));
}

#[test]
fn undo_notifies_only_the_selections_it_touches() {
    let store = Store::new(app(100));
    let runs = RunCounter::default();
    let ((), root) = create_root(|| {
        let r = runs.clone();
        let five = store.watch::<bool>(path!(todos[5].done));
        Effect::new(move || {
            five.get();
            r.hit();
        });
    });
    store.update(|s| s.todos[7].done = true).unwrap();
    store.undo().unwrap();
    assert_eq!(runs.get(), 1);
    store.update(|s| s.todos[5].done = true).unwrap();
    store.undo().unwrap();
    store.redo().unwrap();
    assert_eq!(runs.get(), 4);
    root.dispose();
}

#[test]
fn a_new_transaction_after_undo_drops_the_redo_steps() {
    let store = Store::new(0);
    store.update(|n| *n = 1).unwrap();
    store.update(|n| *n = 2).unwrap();
    store.undo().unwrap();
    store.update(|n| *n = 10).unwrap();
    assert!(store.redo().unwrap().is_none());
    assert_eq!(
        store
            .history()
            .iter()
            .map(|s| *s.snapshot)
            .collect::<Vec<_>>(),
        [0, 1, 10]
    );
}

#[test]
fn history_is_bounded_by_count() {
    let store = Store::with_history(
        0,
        HistoryLimits {
            max_steps: 3,
            max_bytes: usize::MAX,
        },
    );
    for i in 1..=10 {
        store.update(|n| *n = i).unwrap();
    }
    let steps = store.history();
    assert_eq!(steps.len(), 4);
    assert_eq!(*steps[0].snapshot, 7);
    assert!(steps[0].patches.is_empty()); // the oldest step is the base
    while store.undo().unwrap().is_some() {}
    assert_eq!(*store.snapshot_untracked(), 7);
}

#[test]
fn history_is_bounded_by_bytes_of_patches() {
    let store = Store::with_history(
        String::new(),
        HistoryLimits {
            max_steps: 1000,
            max_bytes: 2_000,
        },
    );
    for i in 0..20 {
        store
            .update(|s| *s = format!("{i}{}", "x".repeat(200)))
            .unwrap();
    }
    let steps = store.history();
    let bytes: usize = steps.iter().map(|s| s.bytes).sum();
    assert!(bytes <= 2_000, "{bytes}");
    assert!(steps.len() < 20 && steps.len() > 2, "{}", steps.len());
    assert!(steps.last().unwrap().current);
}

#[test]
fn a_group_is_one_undo_step_with_one_compact_diff() {
    let store = Store::new(app(10));
    store.group("drag", || {
        for i in 0..10 {
            store
                .update(|s| s.todos[3].title = format!("at {i}"))
                .unwrap();
        }
        store.group("nested", || {
            store.update(|s| s.todos[4].done = true).unwrap();
        });
    });
    let steps = store.history();
    assert_eq!(steps.len(), 2);
    assert_eq!(&*steps[1].label, "drag");
    assert_eq!(
        steps[1]
            .patches
            .iter()
            .map(|p| p.path.to_string())
            .collect::<Vec<_>>(),
        ["/todos/3/title", "/todos/4/done"]
    );
    store.undo().unwrap();
    assert_eq!(store.snapshot_untracked().todos[3].title, "todo 3");
    assert!(!store.snapshot_untracked().todos[4].done);
}

#[test]
fn moving_in_history_inside_a_group_is_refused() {
    let store = Store::new(0);
    store.update(|n| *n = 1).unwrap();
    store.group("g", || {
        assert_eq!(store.undo().unwrap_err(), StoreError::GroupOpen);
        assert_eq!(store.jump_to(0).unwrap_err(), StoreError::GroupOpen);
    });
    assert!(store.undo().unwrap().is_some());
}

#[test]
fn a_panic_inside_a_group_still_closes_it() {
    let store = Store::new(0);
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        store.group("g", || {
            store.update(|n| *n = 1).unwrap();
            panic!("boom");
        })
    }));
    assert!(store.undo().unwrap().is_some());
    assert_eq!(*store.snapshot_untracked(), 0);
}

#[test]
fn a_change_without_history_is_folded_into_the_current_step() {
    let store = Store::new((0, 0));
    store.update(|s| s.0 = 1).unwrap();
    store
        .transaction("scroll")
        .without_history()
        .update(|s| s.1 = 9)
        .unwrap();
    assert_eq!(store.history().len(), 2);
    store.undo().unwrap();
    assert_eq!(*store.snapshot_untracked(), (0, 0));
    store.redo().unwrap();
    assert_eq!(*store.snapshot_untracked(), (1, 9));
}

#[test]
fn history_status_is_reactive() {
    let store = Store::new(0);
    let seen = ValueLog::new();
    let ((), root) = create_root(|| {
        // A memo cuts off the position changes: the effect runs when a button would flip.
        let buttons = Memo::new(move || {
            let st = store.history_status();
            (st.can_undo, st.can_redo)
        });
        let s = seen.clone();
        Effect::new(move || s.push(buttons.get()));
    });
    store.update(|n| *n = 1).unwrap();
    store.update(|n| *n = 2).unwrap(); // the buttons do not change
    store.undo().unwrap();
    store.undo().unwrap();
    assert_eq!(
        seen.take(),
        [(false, false), (true, false), (true, true), (false, true)]
    );
    root.dispose();
}

#[test]
fn a_vetoed_undo_keeps_the_position() {
    struct NoUndo;
    impl Middleware<i32> for NoUndo {
        fn before_commit(&self, p: &Proposal<'_, i32>) -> Result<(), Veto> {
            match p.kind {
                CommitKind::Undo => Err(Veto::new("no-undo", "locked")),
                _ => Ok(()),
            }
        }
    }
    let store = Store::new(0);
    store.update(|n| *n = 1).unwrap();
    store.add_middleware(NoUndo);
    assert!(matches!(store.undo(), Err(StoreError::Vetoed(_))));
    assert_eq!(*store.snapshot_untracked(), 1);
    assert_eq!(store.history_status().position, 1);
}
