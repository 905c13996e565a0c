//! `Store::commit_patches`: given patches committed without a diff, with the validation,
//! middleware, history and selection semantics of every other commit.

use std::cell::RefCell;
use std::rc::Rc;

use reactive_core::{Effect, create_root};
use reactive_store::*;
use serde_json::json;

use super::common::{App, Filter, app};
use reactive_testing::RunCounter;

#[test]
fn given_patches_become_the_commit_and_the_state_as_given() {
    let store = Store::new(app(3));
    let patches = vec![
        Patch::replace(path!(todos[1].title), json!("todo 1"), json!("milk")),
        Patch::replace(path!(filter), json!("All"), json!("Done")),
    ];
    let commit = store.commit_patches(patches.clone()).unwrap();
    assert_eq!(commit.patches(), patches.as_slice());
    assert_eq!(commit.kind(), CommitKind::ApplyPatches);
    let now = store.snapshot_untracked();
    assert_eq!(
        (now.todos[1].title.as_str(), now.filter),
        ("milk", Filter::Done)
    );
    // What apply_patches (which diffs) makes of the same patches: the same state.
    let other = Store::new(app(3));
    other.apply_patches(&patches).unwrap();
    assert_eq!(*other.snapshot_untracked(), *now);
}

#[test]
fn a_validator_refuses_committed_patches_and_the_state_stays() {
    let store = Store::new(app(2));
    store.add_validator(|s: &App, v| {
        if s.todos.iter().any(|t| t.title.is_empty()) {
            v.add("a title must not be empty")
        }
    });
    let before = store.snapshot_untracked();
    let err = store
        .commit_patches(vec![Patch::replace(
            path!(todos[0].title),
            json!("todo 0"),
            json!(""),
        )])
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err:?}");
    assert!(store.snapshot_untracked().ptr_eq(&before));
}

#[test]
fn a_path_validator_sees_the_values_under_committed_patches() {
    let store = Store::new(app(2));
    store.add_path_validator(
        PathPattern::parse("/todos/*/title").unwrap(),
        |t: &String, v| {
            if t.len() > 5 {
                v.add("too long")
            }
        },
    );
    let err = store
        .commit_patches(vec![Patch::replace(
            path!(todos[1].title),
            json!("x"),
            json!("far too long"),
        )])
        .unwrap_err();
    let StoreError::Invalid(found) = err else {
        panic!("{err:?}")
    };
    assert_eq!(found.violations[0].path, path!(todos[1].title));
}

#[test]
fn middleware_sees_and_may_veto_committed_patches() {
    struct NoOwner(Rc<RefCell<Vec<usize>>>);
    impl Middleware<App> for NoOwner {
        fn before_commit(&self, p: &Proposal<'_, App>) -> Result<(), Veto> {
            self.0.borrow_mut().push(p.patches.len());
            match p.after.owner.is_some() {
                true => Err(Veto::new("no-owner", "owners are set elsewhere")),
                false => Ok(()),
            }
        }
    }
    let seen = Rc::new(RefCell::new(Vec::new()));
    let store = Store::new(app(1));
    store.add_middleware(NoOwner(seen.clone()));
    let after = Rc::new(RefCell::new(Vec::new()));
    let a = after.clone();
    store.on_commit(move |c| a.borrow_mut().push(c.patches().to_vec()));
    let vetoed = store.commit_patches(vec![Patch::replace(
        path!(owner),
        json!(null),
        json!("bob"),
    )]);
    assert!(matches!(vetoed, Err(StoreError::Vetoed(_))));
    assert_eq!(store.snapshot_untracked().owner, None);
    let ok = vec![Patch::replace(
        path!(todos[0].done),
        json!(false),
        json!(true),
    )];
    store.commit_patches(ok.clone()).unwrap();
    assert_eq!(*seen.borrow(), [1, 1]);
    assert_eq!(*after.borrow(), [ok]);
}

#[test]
fn committed_patches_make_one_undo_step_that_undo_and_redo_walk() {
    let store = Store::new(app(2));
    let start = store.snapshot_untracked();
    store
        .commit_patches(vec![
            Patch::remove(path!(todos[0]), json!({"title": "todo 0", "done": false})),
            Patch::replace(path!(todos[0].done), json!(false), json!(true)),
        ])
        .unwrap();
    let end = store.snapshot_untracked();
    assert_eq!((end.todos.len(), end.todos[0].done), (1, true));
    let history = store.history();
    assert_eq!((history.len(), history[1].patches.len()), (2, 2));
    store.undo().unwrap().unwrap();
    assert_eq!(store.snapshot_untracked(), start);
    store.redo().unwrap().unwrap();
    assert_eq!(store.snapshot_untracked(), end);
}

#[test]
fn a_patch_that_does_not_apply_commits_none_of_them() {
    let store = Store::new(app(2));
    let before = store.snapshot_untracked();
    let err = store
        .commit_patches(vec![
            Patch::replace(path!(todos[0].title), json!("todo 0"), json!("ok")),
            Patch::replace(path!(todos[9].title), json!("x"), json!("y")),
        ])
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Patch(PatchError::IndexOutOfBounds { .. })),
        "{err:?}"
    );
    assert!(store.snapshot_untracked().ptr_eq(&before));
    assert_eq!(store.history().len(), 1);
}

#[test]
fn committed_patches_notify_only_the_selections_they_touch_in_one_batch() {
    let store = Store::new(app(3));
    let (first, second, whole) = (
        RunCounter::default(),
        RunCounter::default(),
        RunCounter::default(),
    );
    let ((), root) = create_root(|| {
        let t0 = store.watch::<String>(path!(todos[0].title));
        let t2 = store.watch::<String>(path!(todos[2].title));
        let (f, s, w) = (first.clone(), second.clone(), whole.clone());
        Effect::new(move || {
            t0.get();
            f.hit();
        });
        Effect::new(move || {
            t2.get();
            s.hit();
        });
        Effect::new(move || {
            store.with(|s| s.todos.len());
            w.hit();
        });
    });
    store
        .commit_patches(vec![
            Patch::replace(path!(todos[2].title), json!("todo 2"), json!("a")),
            Patch::replace(path!(todos[2].done), json!(false), json!(true)),
        ])
        .unwrap();
    assert_eq!((first.get(), second.get(), whole.get()), (1, 2, 2));
    root.dispose();
}

#[test]
fn no_patches_commit_nothing() {
    let store = Store::new(app(1));
    let commit = store.commit_patches(Vec::new()).unwrap();
    assert_eq!((commit.seq(), commit.is_empty()), (0, true));
    assert_eq!(store.history().len(), 1);
}

#[test]
fn commit_patches_inside_a_commit_hook_is_refused_as_reentrant() {
    let store = Store::new(app(1));
    let result = Rc::new(RefCell::new(None));
    let r = result.clone();
    store.add_validator(move |_: &App, _| {
        *r.borrow_mut() = Some(store.commit_patches(vec![Patch::replace(
            path!(filter),
            json!("All"),
            json!("Done"),
        )]));
    });
    store.update(|s| s.todos[0].done = true).unwrap();
    assert!(matches!(
        result.borrow_mut().take(),
        Some(Err(StoreError::Reentrant))
    ));
}
