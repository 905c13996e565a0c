//! A store bound to a document: each kind of field merges as its CRDT does, a remote update
//! is one commit (effects run once and never see half of it), bad input is a typed error.

mod sim;

use std::cell::RefCell;
use std::rc::Rc;

use loro::LoroDoc;
use reactive_core::{Effect, create_root};
use reactive_state::{Patch, PatchOp};
use reactive_store::{Store, path};
use reactive_sync::{DocChanges, StoreBinding, SyncError, SyncSchema, read_json};
use sim::{Board, Edit, Replica, Todo, schema, seed_doc};

/// Two replicas of the seeded board, with a few todos both have.
fn pair(todos: &[&str]) -> (Replica, Replica) {
    let seed = seed_doc();
    let mut a = Replica::new(&seed, 1);
    let b = Replica::new(&seed, 2);
    for (i, id) in todos.iter().enumerate() {
        let bytes = a.edit(&Edit::Add {
            index: i,
            id: id.to_string(),
            title: format!("{id}-title"),
        });
        b.binding.import(&bytes).unwrap();
    }
    (a, b)
}

/// Sends each replica what the other lacks.
fn exchange(a: &Replica, b: &Replica) {
    let to_b = a.binding.updates_since(&b.binding.version()).unwrap();
    let to_a = b.binding.updates_since(&a.binding.version()).unwrap();
    b.binding.import(&to_b).unwrap();
    a.binding.import(&to_a).unwrap();
}

fn titles(r: &Replica) -> Vec<String> {
    r.state().todos.iter().map(|t| t.title.clone()).collect()
}

fn ids(r: &Replica) -> Vec<String> {
    r.state().todos.iter().map(|t| t.id.clone()).collect()
}

#[test]
fn a_move_stays_a_move_so_a_concurrent_edit_of_the_moved_item_survives() {
    let ((), owner) = create_root(|| {
        let (mut a, mut b) = pair(&["x", "y", "z"]);
        a.edit(&Edit::Move {
            id: "x".into(),
            to: 2,
        });
        b.edit(&Edit::TitleInsert {
            id: "x".into(),
            at: 0,
            text: "NEW ".into(),
        });
        exchange(&a, &b);
        for r in [&a, &b] {
            assert_eq!(ids(r), ["y", "z", "x"]);
            assert_eq!(r.state().todos[2].title, "NEW x-title");
        }
    });
    owner.dispose();
}

#[test]
fn a_remote_move_arrives_as_a_keyed_move_patch() {
    let ((), owner) = create_root(|| {
        let (mut a, b) = pair(&["x", "y", "z"]);
        let watcher = LoroDoc::new();
        watcher
            .import(&b.binding.updates_since(&Default::default()).unwrap())
            .unwrap();
        let changes = DocChanges::new(&watcher);
        let before = b.state();
        let seen = watcher.oplog_vv();
        a.edit(&Edit::Move {
            id: "z".into(),
            to: 0,
        });
        watcher
            .import(&a.binding.updates_since(&seen).unwrap())
            .unwrap();
        let patches = changes.take_patches(&schema(), &before);
        assert_eq!(patches.len(), 1, "{patches:?}");
        assert_eq!(patches[0].op, PatchOp::Move);
        assert_eq!(patches[0].path.to_string(), "/todos/z");
        assert_eq!((patches[0].old_index, patches[0].index), (Some(2), Some(0)));
    });
    owner.dispose();
}

#[test]
fn concurrent_typing_in_one_text_field_keeps_both_insertions() {
    let ((), owner) = create_root(|| {
        let (mut a, mut b) = pair(&["x"]);
        a.edit(&Edit::TitleInsert {
            id: "x".into(),
            at: 0,
            text: "A".into(),
        });
        b.edit(&Edit::TitleInsert {
            id: "x".into(),
            at: 7,
            text: "B".into(),
        });
        exchange(&a, &b);
        assert_eq!(titles(&a), ["Ax-titleB"]);
        assert_eq!(titles(&b), titles(&a));
    });
    owner.dispose();
}

#[test]
fn concurrent_increments_of_a_counter_all_count() {
    let ((), owner) = create_root(|| {
        let (mut a, mut b) = pair(&[]);
        a.edit(&Edit::Vote(2));
        b.edit(&Edit::Vote(2));
        b.edit(&Edit::Vote(-1));
        exchange(&a, &b);
        assert_eq!(a.state().votes, 3);
        assert_eq!(b.state().votes, 3);
    });
    owner.dispose();
}

#[test]
fn concurrent_writes_to_different_fields_of_one_struct_both_stay() {
    let ((), owner) = create_root(|| {
        let (mut a, mut b) = pair(&[]);
        a.edit(&Edit::Theme("dark".into()));
        b.edit(&Edit::Size(20));
        exchange(&a, &b);
        for r in [&a, &b] {
            assert_eq!(
                (r.state().settings.theme.as_str(), r.state().settings.size),
                ("dark", 20)
            );
        }
    });
    owner.dispose();
}

#[test]
fn a_remote_update_is_one_commit_and_effects_never_see_half_of_it() {
    let ((), owner) = create_root(|| {
        let (a, b) = pair(&["x"]);
        let runs = Rc::new(RefCell::new(Vec::new()));
        let store = b.store;
        let log = runs.clone();
        Effect::new(move || {
            let s = store.snapshot();
            log.borrow_mut()
                .push((s.settings.theme.clone(), s.settings.size, s.todos.len()));
        });
        let commits = Rc::new(RefCell::new(0));
        let c = commits.clone();
        store.on_commit(move |_| *c.borrow_mut() += 1);
        runs.borrow_mut().clear();

        // One remote transaction touching three places.
        let seen = b.binding.version();
        a.store
            .update(|s| {
                s.settings.theme = "dark".into();
                s.settings.size = 30;
                s.todos.push_back(Todo {
                    id: "y".into(),
                    title: "y".into(),
                    done: true,
                });
            })
            .unwrap();
        b.binding
            .import(&a.binding.updates_since(&seen).unwrap())
            .unwrap();

        assert_eq!(*commits.borrow(), 1);
        assert_eq!(*runs.borrow(), [("dark".to_string(), 30, 2)]);
    });
    owner.dispose();
}

#[test]
fn several_imports_before_one_pull_land_as_one_commit() {
    let ((), owner) = create_root(|| {
        let (mut a, b) = pair(&[]);
        let commits = Rc::new(RefCell::new(0));
        let c = commits.clone();
        b.store.on_commit(move |_| *c.borrow_mut() += 1);
        for i in 0..3 {
            let bytes = a.edit(&Edit::TagPush(format!("t{i}")));
            b.binding.doc().import(&bytes).unwrap();
        }
        assert_eq!(
            *commits.borrow(),
            0,
            "importing into the document alone changes nothing"
        );
        b.binding.pull().unwrap();
        assert_eq!(*commits.borrow(), 1);
        assert_eq!(b.state().tags, ["t0", "t1", "t2"]);
    });
    owner.dispose();
}

#[test]
fn garbage_bytes_are_a_typed_error_and_change_nothing() {
    let ((), owner) = create_root(|| {
        let (_a, b) = pair(&["x"]);
        let before = b.state();
        let err = b
            .binding
            .import(&[0xde, 0xad, 0xbe, 0xef, 1, 2, 3])
            .unwrap_err();
        assert!(matches!(err, SyncError::Loro(_)), "{err:?}");
        assert_eq!(b.state(), before);
        assert_eq!(b.binding.doc_state().unwrap(), before);
    });
    owner.dispose();
}

#[test]
fn binding_a_document_of_another_shape_is_a_decode_error() {
    let ((), owner) = create_root(|| {
        let doc = LoroDoc::new();
        doc.get_map("state").insert("title", 42).unwrap();
        doc.commit();
        let store = Store::new(Board::empty());
        let err = StoreBinding::new(store, doc, schema())
            .err()
            .expect("refused");
        assert!(matches!(err, SyncError::Decode(_)), "{err:?}");
        assert_eq!(*store.snapshot_untracked(), Board::empty());
    });
    owner.dispose();
}

#[test]
fn a_state_that_is_not_an_object_is_refused() {
    let ((), owner) = create_root(|| {
        let store = Store::new(vec![1, 2]);
        let err = StoreBinding::new(store, LoroDoc::new(), SyncSchema::new())
            .err()
            .expect("refused");
        assert!(matches!(err, SyncError::NotAnObject), "{err:?}");
    });
    owner.dispose();
}

#[test]
fn a_value_that_does_not_fit_its_marked_kind_is_reported() {
    let ((), owner) = create_root(|| {
        // `size` is marked as text but holds a number.
        let store = Store::new(Board::empty());
        let schema = schema().text("/settings/size");
        let err = StoreBinding::new(store, LoroDoc::new(), schema)
            .err()
            .expect("refused");
        assert!(
            matches!(&err, SyncError::Mismatch { path, .. } if path.to_string() == "/settings/size"),
            "{err:?}"
        );
    });
    owner.dispose();
}

#[test]
fn local_commits_reach_the_document_and_undo_travels_too() {
    let ((), owner) = create_root(|| {
        let (a, b) = pair(&[]);
        let seen = b.binding.version();
        a.store
            .update(|s| s.settings.theme = "blue".into())
            .unwrap();
        a.store.undo().unwrap();
        b.binding
            .import(&a.binding.updates_since(&seen).unwrap())
            .unwrap();
        assert_eq!(b.state().settings.theme, "light");
        assert_eq!(read_json(a.binding.doc())["settings"]["theme"], "light");
        assert_eq!(a.binding.stats().local_commits, 2);
    });
    owner.dispose();
}

#[test]
fn patches_below_a_plain_list_rewrite_that_value() {
    let ((), owner) = create_root(|| {
        let (a, b) = pair(&[]);
        let seen = b.binding.version();
        a.store
            .apply_patches(&[Patch::add(path!(tags[0]), "first".into())])
            .unwrap();
        a.store
            .apply_patches(&[Patch::add(path!(tags[0]), "zeroth".into())])
            .unwrap();
        b.binding
            .import(&a.binding.updates_since(&seen).unwrap())
            .unwrap();
        assert_eq!(b.state().tags, ["zeroth", "first"]);
    });
    owner.dispose();
}

#[test]
fn two_replicas_adding_the_same_key_concurrently_show_the_same_item() {
    let ((), owner) = create_root(|| {
        let (mut a, mut b) = pair(&["x"]);
        a.edit(&Edit::Add {
            index: 1,
            id: "d".into(),
            title: "a".into(),
        });
        a.edit(&Edit::Toggle { id: "d".into() });
        b.edit(&Edit::Remove { id: "x".into() });
        b.edit(&Edit::Add {
            index: 0,
            id: "d".into(),
            title: "b".into(),
        });
        exchange(&a, &b);
        assert_eq!(
            a.state(),
            b.state(),
            "the replicas disagree on the shared key"
        );
        // And stay together when the first of the two items goes away.
        b.edit(&Edit::Remove { id: "d".into() });
        exchange(&a, &b);
        assert_eq!(
            a.state(),
            b.state(),
            "the replicas disagree once one item is gone"
        );
    });
    owner.dispose();
}
