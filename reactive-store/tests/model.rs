//! Model-based tests: the store and the scope tree checked against simple references on random
//! operation sequences.
//!
//! - Store: after random list edits, the commit's patches turn the old JSON into the new JSON
//!   (they are valid JSON Patch), turn the old state into the new one, and undo/redo move
//!   between exactly the states committed; the same patches committed without a diff
//!   (`commit_patches`) reach the same states.
//! - Scopes: after random sets, removes and child creations, every lookup (from the cache)
//!   equals a plain walk up the parent chain, and every tracked reader holds the right value.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use proptest::prelude::*;
use reactive_core::{Effect, create_root};
use reactive_store::*;

#[derive(Clone, Debug)]
enum ListOp {
    Push(u16),
    Insert(usize, u16),
    Remove(usize),
    Set(usize, u16),
    Truncate(usize),
}

fn list_op() -> impl Strategy<Value = ListOp> {
    prop_oneof![
        any::<u16>().prop_map(ListOp::Push),
        (any::<usize>(), any::<u16>()).prop_map(|(i, v)| ListOp::Insert(i, v)),
        any::<usize>().prop_map(ListOp::Remove),
        (any::<usize>(), any::<u16>()).prop_map(|(i, v)| ListOp::Set(i, v)),
        any::<usize>().prop_map(ListOp::Truncate),
    ]
}

fn apply(list: &mut imbl::Vector<u16>, op: &ListOp) {
    let len = list.len();
    match *op {
        ListOp::Push(v) => list.push_back(v),
        ListOp::Insert(i, v) => list.insert(i % (len + 1), v),
        ListOp::Remove(i) if len > 0 => {
            list.remove(i % len);
        }
        ListOp::Set(i, v) if len > 0 => {
            list.set(i % len, v);
        }
        ListOp::Truncate(n) => list.truncate(n % (len + 1)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn commits_are_exact_json_patches_and_history_replays_them(
        initial in prop::collection::vec(any::<u16>(), 0..300),
        batches in prop::collection::vec(prop::collection::vec(list_op(), 1..8), 1..12),
    ) {
        let store = Store::new(initial.iter().copied().collect::<imbl::Vector<u16>>());
        let mut states = vec![store.snapshot_untracked()];
        for ops in &batches {
            let before = store.snapshot_untracked();
            let commit = store.update(|list| ops.iter().for_each(|op| apply(list, op))).unwrap();
            let after = store.snapshot_untracked();
            // As typed patches.
            let mut replayed = (*before).clone();
            for p in commit.patches() {
                replayed.apply_patch(p).unwrap();
            }
            prop_assert_eq!(&replayed, &*after);
            // As JSON Patch on the JSON documents.
            let mut doc: Vec<u16> = before.iter().copied().collect();
            for p in commit.patches() {
                let i = p.path.segments()[0].as_index().unwrap();
                match p.op {
                    PatchOp::Add => doc.insert(i, serde_json::from_value(p.value.clone().unwrap()).unwrap()),
                    PatchOp::Remove => { doc.remove(i); }
                    PatchOp::Replace => doc[i] = serde_json::from_value(p.value.clone().unwrap()).unwrap(),
                    PatchOp::Move => unreachable!("a plain list diff has no moves: {p:?}"),
                }
            }
            prop_assert_eq!(doc, after.iter().copied().collect::<Vec<_>>());
            if !commit.is_empty() {
                states.push(after);
            }
        }
        // Undo walks back through exactly the committed states.
        for expected in states.iter().rev().skip(1) {
            store.undo().unwrap().unwrap();
            prop_assert_eq!(&store.snapshot_untracked(), expected);
        }
        prop_assert!(store.undo().unwrap().is_none());
        for expected in states.iter().skip(1) {
            store.redo().unwrap().unwrap();
            prop_assert_eq!(&store.snapshot_untracked(), expected);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// The reference for `commit_patches` is a store that diffs: replaying each commit's
    /// patches without a diff reaches the same states, records the same steps, and undoes and
    /// redoes through the same states.
    #[test]
    fn committed_patches_reach_the_states_a_diffing_store_reaches(
        initial in prop::collection::vec(any::<u16>(), 0..300),
        batches in prop::collection::vec(prop::collection::vec(list_op(), 1..8), 1..12),
    ) {
        let initial: imbl::Vector<u16> = initial.into_iter().collect();
        let (diffing, given) = (Store::new(initial.clone()), Store::new(initial));
        for ops in &batches {
            let commit = diffing.update(|list| ops.iter().for_each(|op| apply(list, op))).unwrap();
            let replayed = given.commit_patches(commit.patches().to_vec()).unwrap();
            prop_assert_eq!(replayed.patches(), commit.patches());
            prop_assert_eq!(&*given.snapshot_untracked(), &*diffing.snapshot_untracked());
        }
        prop_assert_eq!(given.history().len(), diffing.history().len());
        while diffing.undo().unwrap().is_some() {
            given.undo().unwrap().unwrap();
            prop_assert_eq!(&*given.snapshot_untracked(), &*diffing.snapshot_untracked());
        }
        prop_assert!(given.undo().unwrap().is_none());
    }
}

#[derive(Clone, Debug)]
enum ScopeOp {
    Set { scope: usize, key: u8, value: u32 },
    Remove { scope: usize, key: u8 },
    Child { parent: usize },
    Lookup { scope: usize, key: u8 },
}

fn scope_op() -> impl Strategy<Value = ScopeOp> {
    prop_oneof![
        4 => (any::<usize>(), 0u8..4, any::<u32>()).prop_map(|(scope, key, value)| ScopeOp::Set { scope, key, value }),
        2 => (any::<usize>(), 0u8..4).prop_map(|(scope, key)| ScopeOp::Remove { scope, key }),
        2 => any::<usize>().prop_map(|parent| ScopeOp::Child { parent }),
        4 => (any::<usize>(), 0u8..4).prop_map(|(scope, key)| ScopeOp::Lookup { scope, key }),
    ]
}

/// The keys the operations use, by index.
const KEYS: [Key<u32>; 4] = [Key::new("0"), Key::new("1"), Key::new("2"), Key::new("3")];

/// What each tracked reader (scope index, key) last saw.
type Readers = Rc<RefCell<HashMap<(usize, u8), Option<u32>>>>;

/// The reference: each scope's own values and its parent; lookups walk the chain.
struct Model {
    parent: Vec<Option<usize>>,
    values: Vec<HashMap<u8, u32>>,
}

impl Model {
    fn lookup(&self, mut scope: usize, key: u8) -> Option<u32> {
        loop {
            if let Some(v) = self.values[scope].get(&key) {
                return Some(*v);
            }
            scope = self.parent[scope]?;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn cached_and_reactive_lookups_match_a_walk_up_the_parent_chain(
        ops in prop::collection::vec(scope_op(), 1..80),
    ) {
        let root = Scope::root("root").unwrap();
        let mut scopes = vec![root];
        let mut model = Model { parent: vec![None], values: vec![HashMap::new()] };
        // One tracked reader per (scope, key), created as scopes appear.
        let readers: Readers = Rc::default();
        let ((), owner) = create_root(|| {});
        let watch = |i: usize, scope: Scope| {
            for key in 0..4u8 {
                let r = readers.clone();
                owner.run_in(|| {
                    Effect::new(move || {
                        let v = scope.get(KEYS[usize::from(key)]).unwrap();
                        r.borrow_mut().insert((i, key), v);
                    });
                });
            }
        };
        watch(0, root);
        for op in &ops {
            match *op {
                ScopeOp::Set { scope, key, value } => {
                    let s = scope % scopes.len();
                    scopes[s].set(KEYS[usize::from(key)], value).unwrap();
                    model.values[s].insert(key, value);
                }
                ScopeOp::Remove { scope, key } => {
                    let s = scope % scopes.len();
                    let removed = scopes[s].remove(KEYS[usize::from(key)]).unwrap();
                    prop_assert_eq!(removed, model.values[s].remove(&key).is_some());
                }
                ScopeOp::Child { parent } => {
                    let p = parent % scopes.len();
                    let i = scopes.len();
                    let child = scopes[p].child(&format!("s{i}")).unwrap();
                    scopes.push(child);
                    model.parent.push(Some(p));
                    model.values.push(HashMap::new());
                    watch(i, child);
                }
                ScopeOp::Lookup { scope, key } => {
                    let s = scope % scopes.len();
                    prop_assert_eq!(
                        scopes[s].get_untracked(KEYS[usize::from(key)]).unwrap(),
                        model.lookup(s, key)
                    );
                }
            }
            for (&(s, key), value) in readers.borrow().iter() {
                prop_assert_eq!(*value, model.lookup(s, key), "reader of {} in scope {}", key, s);
            }
        }
        owner.dispose();
        root.dispose().unwrap();
    }
}
