use reactive_store::*;

use super::common::{App, app, todo};
use reactive_testing::RunCounter;

#[test]
fn an_invalid_transaction_lists_every_violation_and_changes_nothing() {
    let store = Store::new(app(3));
    store.add_validator(|s: &App, v| {
        if s.todos.len() > 4 {
            v.add("at most 4 todos");
        }
    });
    store.add_path_validator(
        PathPattern::parse("/todos/*/title").unwrap(),
        |t: &String, v| {
            if t.is_empty() {
                v.add("a title must not be empty");
            }
        },
    );
    let before = store.snapshot_untracked();
    let err = store
        .update(|s| {
            s.todos[0].title.clear();
            s.todos.push_back(todo(3));
            s.todos.push_back(todo(4));
            s.todos[4].title.clear();
        })
        .unwrap_err();
    let StoreError::Invalid(err) = err else {
        panic!("{err:?}")
    };
    let found: Vec<String> = err.violations.iter().map(ToString::to_string).collect();
    assert_eq!(
        found,
        [
            "(root): at most 4 todos",
            "/todos/0/title: a title must not be empty",
            "/todos/4/title: a title must not be empty",
        ]
    );
    assert!(store.snapshot_untracked().ptr_eq(&before));
    assert_eq!(store.history().len(), 1);
}

#[test]
fn a_path_validator_runs_only_for_the_values_a_commit_touched() {
    let store = Store::new(app(10_000));
    let calls = RunCounter::default();
    let c = calls.clone();
    store.add_path_validator(
        PathPattern::parse("/todos/*/title").unwrap(),
        move |_: &String, _| c.hit(),
    );
    store.update(|s| s.todos[42].title = "x".into()).unwrap();
    assert_eq!(calls.get(), 1);
    store.update(|s| s.todos[7].done = true).unwrap(); // not a title
    assert_eq!(calls.get(), 1);
    store.update(|s| s.todos.insert(0, todo(1))).unwrap(); // the new one only
    assert_eq!(calls.get(), 2);
    store
        .update(|s| s.todos = (0..3).map(todo).collect())
        .unwrap(); // the first three are unchanged; 9,997 removals leave nothing to check
    assert!(calls.get() <= 5, "{}", calls.get());
}

#[test]
fn undo_is_not_validated_but_apply_snapshot_is() {
    let store = Store::new(0i32);
    store.update(|n| *n = -5).unwrap();
    store.add_validator(|n: &i32, v| {
        if *n < 0 {
            v.add("negative");
        }
    });
    store.update(|n| *n = 5).unwrap();
    store.undo().unwrap(); // back to -5: it was valid when it was made
    assert_eq!(*store.snapshot_untracked(), -5);
    assert!(matches!(
        store.apply_snapshot(&-7),
        Err(StoreError::Invalid(_))
    ));
}
