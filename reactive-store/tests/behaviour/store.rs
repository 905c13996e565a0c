use std::panic::{AssertUnwindSafe, catch_unwind};

use reactive_core::{Effect, Runtime, create_root};
use reactive_store::*;
use serde_json::json;

use super::common::{App, Filter, app, todo};
use reactive_testing::{RunCounter, ValueLog};

#[test]
fn a_reader_of_one_title_does_not_rerun_when_another_of_10000_items_changes() {
    let store = Store::new(app(10_000));
    let (by_select, by_path) = (RunCounter::default(), RunCounter::default());
    let ((), root) = create_root(|| {
        let title = store.select(|s: &App| s.todos[3].title.clone());
        let (c, p) = (by_select.clone(), by_path.clone());
        Effect::new(move || {
            title.get();
            c.hit();
        });
        let title_at = store.watch::<String>(path!(todos[3].title));
        Effect::new(move || {
            title_at.get();
            p.hit();
        });
    });
    store
        .update(|s| s.todos[5].title = "changed".into())
        .unwrap();
    store.update(|s| s.todos[9_999].done = true).unwrap();
    assert_eq!((by_select.get(), by_path.get()), (1, 1));
    store.update(|s| s.todos[3].title = "mine".into()).unwrap();
    assert_eq!((by_select.get(), by_path.get()), (2, 2));
    root.dispose();
}

#[test]
fn ten_thousand_path_selections_cost_nothing_when_untouched() {
    let store = Store::new(app(10_000));
    let runs = RunCounter::default();
    let ((), root) = create_root(|| {
        for i in 0..10_000 {
            let title = store.watch::<String>(path!(todos[i].title));
            let r = runs.clone();
            Effect::new(move || {
                title.get();
                r.hit();
            });
        }
    });
    assert_eq!(store.selection_count(), 10_000);
    store.update(|s| s.todos[1234].title = "x".into()).unwrap();
    assert_eq!(runs.get(), 10_001);
    root.dispose();
    assert_eq!(store.selection_count(), 0);
}

#[test]
fn a_snapshot_taken_before_a_transaction_is_unchanged_by_it() {
    let store = Store::new(app(100));
    let before = store.snapshot_untracked();
    store
        .update(|s| {
            s.todos[10].title = "new".into();
            s.todos.push_back(todo(100));
            s.filter = Filter::Done;
        })
        .unwrap();
    assert_eq!(before.todos.len(), 100);
    assert_eq!(before.todos[10].title, "todo 10");
    assert_eq!(before.filter, Filter::All);
    assert_eq!(store.snapshot_untracked().todos.len(), 101);
}

#[test]
fn a_panicking_transaction_leaves_state_history_and_store_usable() {
    let store = Store::new(app(3));
    let before = store.snapshot_untracked();
    let result = catch_unwind(AssertUnwindSafe(|| {
        store.update(|s| {
            s.todos[0].title = "half".into();
            panic!("boom");
        })
    }));
    assert!(result.is_err());
    assert!(store.snapshot_untracked().ptr_eq(&before));
    assert_eq!(store.history().len(), 1);
    // Not left "busy": the next transaction works.
    store.update(|s| s.todos[0].done = true).unwrap();
    assert!(store.snapshot_untracked().todos[0].done);
}

#[test]
fn an_aborted_transaction_leaves_the_state_unchanged() {
    let store = Store::new(app(3));
    let before = store.snapshot_untracked();
    let err = store
        .try_update(|s| {
            s.todos.clear();
            Err::<(), _>("nope")
        })
        .unwrap_err();
    assert_eq!(err, StoreError::Aborted("nope"));
    assert!(store.snapshot_untracked().ptr_eq(&before));
}

#[test]
fn readers_see_one_consistent_change_per_transaction() {
    let store = Store::new(app(10));
    let seen = ValueLog::new();
    let ((), root) = create_root(|| {
        let first = store.watch::<bool>(path!(todos[0].done));
        let last = store.watch::<bool>(path!(todos[9].done));
        let s = seen.clone();
        Effect::new(move || s.push((first.get(), last.get())));
    });
    store
        .update(|s| {
            s.todos[0].done = true;
            s.todos[9].done = true;
        })
        .unwrap();
    assert_eq!(
        seen.take(),
        [
            (Some(false), Some(false)),
            (Some(true), Some(true)) // never a mix
        ]
    );
    root.dispose();
}

#[test]
fn a_transaction_started_inside_another_on_the_same_store_is_refused() {
    let store = Store::new(0u32);
    let inner = ValueLog::new();
    let i = inner.clone();
    store
        .update(|n| {
            *n = 1;
            i.push(store.update(|m| *m = 99).unwrap_err());
        })
        .unwrap();
    assert_eq!(inner.take(), [StoreError::Reentrant]);
    assert_eq!(*store.snapshot_untracked(), 1);
}

#[test]
fn an_effect_may_start_a_transaction_in_reaction_to_a_commit() {
    let store = Store::new((0u32, 0u32));
    let ((), root) = create_root(|| {
        let first = store.select(|s| s.0);
        Effect::new(move || {
            let n = first.get();
            if n > 0 {
                store.update(|s| s.1 = n * 10).unwrap();
            }
        });
    });
    store.update(|s| s.0 = 4).unwrap();
    assert_eq!(*store.snapshot_untracked(), (4, 40));
    root.dispose();
}

#[test]
fn commit_patches_replay_as_json_patch_on_the_serialised_state() {
    let store = Store::new(app(5));
    let mut doc = serde_json::to_value(&*store.snapshot_untracked()).unwrap();
    let commit = store
        .update(|s| {
            s.todos.remove(1);
            s.todos.insert(3, todo(77));
            s.todos[0].done = true;
            s.owner = Some("ada".into());
        })
        .unwrap();
    for p in commit.patches() {
        let v = serde_json::to_value(p).unwrap();
        apply_json_patch(&mut doc, &v);
    }
    assert_eq!(
        doc,
        serde_json::to_value(&*store.snapshot_untracked()).unwrap()
    );
}

/// A reference applier of one JSON Patch operation (RFC 6902 `add`, `remove`, `replace`).
fn apply_json_patch(doc: &mut serde_json::Value, op: &serde_json::Value) {
    let path = Path::parse(op["path"].as_str().unwrap()).unwrap();
    let (last, init) = path.segments().split_last().unwrap();
    let mut target = doc;
    for s in init {
        target = match target {
            serde_json::Value::Array(a) => &mut a[s.as_index().unwrap()],
            other => &mut other[s.as_text().as_ref()],
        };
    }
    let key = last.as_text().into_owned();
    match (op["op"].as_str().unwrap(), target) {
        ("add", serde_json::Value::Array(a)) => {
            a.insert(key.parse().unwrap(), op["value"].clone());
        }
        ("remove", serde_json::Value::Array(a)) => {
            a.remove(key.parse::<usize>().unwrap());
        }
        ("replace", serde_json::Value::Array(a)) => {
            a[key.parse::<usize>().unwrap()] = op["value"].clone();
        }
        ("remove", serde_json::Value::Object(o)) => {
            o.remove(&key);
        }
        (_, serde_json::Value::Object(o)) => {
            o.insert(key, op["value"].clone());
        }
        (op, _) => panic!("cannot apply {op}"),
    }
}

#[test]
fn a_path_selection_follows_removals_and_shifts() {
    let store = Store::new(app(3));
    let second = store.watch::<String>(path!(todos[1].title));
    assert_eq!(second.get().as_deref(), Some("todo 1"));
    store.update(|s| s.todos.insert(0, todo(9))).unwrap();
    assert_eq!(second.get().as_deref(), Some("todo 0"));
    store.update(|s| s.todos.truncate(1)).unwrap();
    assert_eq!(second.get(), None);
    store.update(|s| s.todos.push_back(todo(5))).unwrap();
    assert_eq!(second.get().as_deref(), Some("todo 5"));
}

#[test]
fn a_path_selection_of_the_wrong_type_panics_naming_path_and_type() {
    let store = Store::new(app(1));
    let wrong = store.select_at(path!(todos[0].title), |n: &u32| *n);
    let err = catch_unwind(AssertUnwindSafe(|| wrong.get())).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        msg.contains("/todos/0/title") && msg.contains("u32"),
        "{msg}"
    );
}

#[test]
fn disposing_a_store_frees_its_nodes_and_reports_disposed() {
    let before = Runtime::node_count();
    let ((), root) = create_root(|| {
        let store = Store::new(app(10));
        store.watch::<String>(path!(todos[0].title));
        store.select(|s| s.todos.len());
        store.update(|s| s.filter = Filter::Active).unwrap();
    });
    root.dispose();
    assert_eq!(Runtime::node_count(), before);
    let store = Store::new(0);
    store.dispose();
    assert_eq!(store.update(|n| *n = 1).unwrap_err(), StoreError::Disposed);
    assert_eq!(store.undo().unwrap_err(), StoreError::Disposed);
}

#[test]
fn middleware_sees_before_in_order_after_in_reverse_and_can_veto() {
    struct Named(&'static str, ValueLog<String>);
    impl Middleware<u32> for Named {
        fn before_commit(&self, p: &Proposal<'_, u32>) -> Result<(), Veto> {
            self.1.push(format!("{} before {}", self.0, **p.after));
            match **p.after > 100 {
                true => Err(Veto::new(self.0, "too big")),
                false => Ok(()),
            }
        }
        fn after_commit(&self, c: &Commit<u32>) {
            self.1.push(format!("{} after {}", self.0, **c.after()));
        }
    }
    let log = ValueLog::new();
    let store = Store::new(0u32);
    store.add_middleware(Named("a", log.clone()));
    store.add_middleware(Named("b", log.clone()));
    store.update(|n| *n = 5).unwrap();
    assert_eq!(
        log.take(),
        ["a before 5", "b before 5", "b after 5", "a after 5"]
    );
    let err = store.update(|n| *n = 500).unwrap_err();
    assert_eq!(err, StoreError::Vetoed(Veto::new("a", "too big")));
    assert_eq!(log.take(), ["a before 500"]);
    assert_eq!(*store.snapshot_untracked(), 5);
}

#[test]
fn hooks_registered_under_an_owner_go_away_with_it() {
    let store = Store::new(0i32);
    let ((), root) = create_root(|| {
        store.add_validator(|n: &i32, v| {
            if *n < 0 {
                v.add("negative")
            }
        });
    });
    assert!(store.update(|n| *n = -1).is_err());
    root.dispose();
    assert!(store.update(|n| *n = -1).is_ok());
}

#[test]
fn applying_patches_that_do_not_fit_changes_nothing() {
    let store = Store::new(app(2));
    let before = store.snapshot_untracked();
    let patches = [
        Patch::replace(path!(todos[0].title), json!("todo 0"), json!("ok")),
        Patch::replace(path!(todos[7].title), json!("x"), json!("y")),
    ];
    let err = store.apply_patches(&patches).unwrap_err();
    assert!(matches!(
        err,
        StoreError::Patch(PatchError::IndexOutOfBounds { len: 2, .. })
    ));
    assert!(store.snapshot_untracked().ptr_eq(&before));
    let bad_type = [Patch::replace(path!(filter), json!("All"), json!(3))];
    assert!(matches!(
        store.apply_patches(&bad_type),
        Err(StoreError::Patch(PatchError::Decode { .. }))
    ));
}

#[test]
fn the_inverse_patches_of_a_commit_restore_the_previous_state() {
    let store = Store::new(app(4));
    let before = store.snapshot_untracked();
    let commit = store
        .update(|s| {
            s.todos.remove(0);
            s.todos[1].done = true;
            s.owner = Some("x".into());
        })
        .unwrap();
    store.apply_patches(&invert(commit.patches())).unwrap();
    assert_eq!(store.snapshot_untracked(), before);
}

#[test]
fn update_at_gives_the_same_commit_as_a_whole_update() {
    let (a, b) = (Store::new(app(1000)), Store::new(app(1000)));
    let whole = a
        .update(|s| {
            s.todos[700].title.push('!');
            s.todos[700].done = true;
        })
        .unwrap();
    let at = b
        .update_at(path!(todos[700]), |t: &mut super::common::Todo| {
            t.title.push('!');
            t.done = true;
        })
        .unwrap();
    assert_eq!(whole.patches(), at.patches());
    assert_eq!(a.snapshot_untracked(), b.snapshot_untracked());
    // Validators and selections see it like any transaction.
    b.add_path_validator(
        PathPattern::parse("/todos/*/title").unwrap(),
        |t: &String, v| {
            if t.is_empty() {
                v.add("empty");
            }
        },
    );
    assert!(matches!(
        b.update_at(path!(todos[3].title), |t: &mut String| t.clear()),
        Err(StoreError::Invalid(_))
    ));
}

#[test]
fn update_at_a_missing_path_is_an_error_and_a_wrong_type_a_clear_panic() {
    let store = Store::new(app(2));
    assert!(matches!(
        store.update_at(path!(todos[9].done), |d: &mut bool| *d = true),
        Err(StoreError::Patch(PatchError::NoSuchPath { .. }))
    ));
    let err = catch_unwind(AssertUnwindSafe(|| {
        store.update_at(path!(todos[0].done), |n: &mut u32| *n += 1)
    }))
    .unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        msg.contains("update_at(/todos/0/done)")
            && msg.contains("expects a `u32`, but the value there is a `bool`"),
        "{msg}"
    );
    // The store is not left busy by the panic.
    store
        .update_at(path!(todos[0].done), |d: &mut bool| *d = true)
        .unwrap();
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn watching_with_the_wrong_type_panics_naming_the_path_the_call_and_both_types() {
    let store = Store::new(app(2));
    let (title, line) = (store.watch::<u32>(path!(todos[0].title)), line!());
    let msg = panic_message(catch_unwind(AssertUnwindSafe(|| title.get())).unwrap_err());
    assert!(
        msg.starts_with("reactive-store: watch(/todos/0/title) at ")
            && msg.contains(&format!("store.rs:{line}:"))
            && msg.ends_with("expects a `u32`, but the value there is a `alloc::string::String`"),
        "{msg}"
    );

    let len = store.select_at(path!(todos[1]), |t: &Vec<u8>| t.len());
    let msg = panic_message(catch_unwind(AssertUnwindSafe(|| len.get())).unwrap_err());
    assert!(
        msg.starts_with("reactive-store: select_at(/todos/1) at ")
            && msg.contains("expects a `alloc::vec::Vec<u8>`, but the value there is a `")
            && msg.contains("Todo`"),
        "{msg}"
    );
}

#[test]
fn a_typed_read_at_a_path_is_the_value_or_an_error_naming_both_types() {
    let store = Store::new(app(2));
    assert_eq!(
        store.get_at_untracked::<String>(&path!(todos[1].title)),
        Ok("todo 1".to_string())
    );
    let err = store
        .get_at_untracked::<u32>(&path!(todos[1].title))
        .unwrap_err();
    assert_eq!(
        err,
        ReadAtError::WrongType {
            path: path!(todos[1].title),
            expected: "u32",
            found: "alloc::string::String",
        }
    );
    assert_eq!(
        err.to_string(),
        "the value at /todos/1/title is a `alloc::string::String`, not the `u32` asked for"
    );
    assert_eq!(
        store.get_at_untracked::<String>(&path!(todos[7].title)),
        Err(ReadAtError::NoSuchPath {
            path: path!(todos[7].title)
        })
    );
    store.dispose();
    assert_eq!(
        store.get_at_untracked::<String>(&path!(todos[1].title)),
        Err(ReadAtError::Disposed)
    );
}

#[test]
fn a_path_validator_of_the_wrong_type_panics_naming_both_types() {
    let store = Store::new(app(2));
    store.add_path_validator(
        PathPattern::parse("/todos/*/done").unwrap(),
        |_: &String, _| {},
    );
    let msg = panic_message(
        catch_unwind(AssertUnwindSafe(|| {
            store.update(|s| s.todos[0].done = true)
        }))
        .unwrap_err(),
    );
    assert!(
        msg.contains(
            "the path validator for /todos/*/done, checking /todos/0/done, registered at "
        ) && msg.ends_with("expects a `alloc::string::String`, but the value there is a `bool`"),
        "{msg}"
    );
}
