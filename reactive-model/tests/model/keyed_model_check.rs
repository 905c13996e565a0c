//! The keyed list checked against a plain `Vec` on random operation sequences: after every
//! step the list holds the same items in the same order, and every handle taken earlier either
//! still reads its own item or (its key gone) is disposed.

use crate::fixtures::{Item, ItemModel, in_root, item};
use proptest::prelude::*;
use reactive_model::KeyedList;
use std::collections::HashMap;

#[derive(Clone, Debug)]
enum Op {
    Push(u32),
    Insert(usize, u32),
    Remove(u32),
    MoveTo(u32, usize),
    Edit(u32, u32),
    Reverse,
    Reconcile(Vec<(u32, u32)>),
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0..12_u32;
    prop_oneof![
        key.clone().prop_map(Op::Push),
        (0..14_usize, key.clone()).prop_map(|(i, k)| Op::Insert(i, k)),
        key.clone().prop_map(Op::Remove),
        (key.clone(), 0..14_usize).prop_map(|(k, i)| Op::MoveTo(k, i)),
        (key.clone(), 0..100_u32).prop_map(|(k, c)| Op::Edit(k, c)),
        Just(Op::Reverse),
        proptest::collection::vec((key, 0..100_u32), 0..8).prop_map(Op::Reconcile),
    ]
}

/// Applies `op` to the reference `Vec`, the way the list is specified to.
fn apply_reference(reference: &mut Vec<Item>, op: &Op) {
    let position = |reference: &Vec<Item>, key: u32| reference.iter().position(|i| i.id == key);
    match op {
        Op::Push(key) if position(reference, *key).is_none() => reference.push(item(*key, 0)),
        Op::Insert(index, key)
            if position(reference, *key).is_none() && *index <= reference.len() =>
        {
            reference.insert(*index, item(*key, 0))
        }
        Op::Remove(key) => {
            if let Some(at) = position(reference, *key) {
                reference.remove(at);
            }
        }
        Op::MoveTo(key, index) if *index < reference.len() => {
            if let Some(at) = position(reference, *key) {
                let moved = reference.remove(at);
                reference.insert(*index, moved);
            }
        }
        Op::Edit(key, count) => {
            if let Some(at) = position(reference, *key) {
                reference[at].count = *count;
            }
        }
        Op::Reverse => reference.reverse(),
        Op::Reconcile(values) => {
            let mut seen = Vec::new();
            *reference = values
                .iter()
                .filter(|(key, _)| {
                    !seen.contains(key) && {
                        seen.push(*key);
                        true
                    }
                })
                .map(|(key, count)| Item {
                    count: *count,
                    ..item(*key, 0)
                })
                .collect();
        }
        _ => {}
    }
}

fn apply_list(list: KeyedList<Item, u32>, op: &Op) {
    match op {
        Op::Push(key) => drop(list.try_push(item(*key, 0))),
        Op::Insert(index, key) => drop(list.try_insert(*index, item(*key, 0))),
        Op::Remove(key) => drop(list.remove(key)),
        Op::MoveTo(key, index) => drop(list.try_move_to(key, *index)),
        Op::Edit(key, count) => {
            if let Some(handle) = list.get(key) {
                handle.set_count(*count);
            }
        }
        Op::Reverse => list.reorder(list.keys().into_iter().rev().collect()),
        Op::Reconcile(values) => {
            let mut seen = Vec::new();
            list.reconcile(
                values
                    .iter()
                    .filter(|(key, _)| {
                        !seen.contains(key) && {
                            seen.push(*key);
                            true
                        }
                    })
                    .map(|(key, count)| Item {
                        count: *count,
                        ..item(*key, 0)
                    })
                    .collect(),
            )
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_list_behaves_like_a_vec_and_handles_follow_their_keys(ops in proptest::collection::vec(op(), 1..40)) {
        in_root(|| {
            let mut reference = vec![item(0, 0), item(1, 1)];
            let list = KeyedList::new(reference.clone(), |item: &Item| item.id);
            let mut handles: HashMap<u32, ItemModel> = HashMap::new();
            for op in &ops {
                apply_reference(&mut reference, op);
                apply_list(list, op);
                prop_assert_eq!(list.snapshot_untracked(), reference.clone());
                prop_assert_eq!(list.len(), reference.len());
                for (key, handle) in &handles {
                    match reference.iter().find(|item| item.id == *key) {
                        // A reconcile may drop a key and bring it back as a new item: the old
                        // handle is then disposed, the list has a new one.
                        Some(expected) if list.get(key) == Some(*handle) => {
                            prop_assert_eq!(handle.count(), expected.count);
                        }
                        _ => prop_assert!(handle.is_disposed()),
                    }
                }
                for handle in list.handles() {
                    handles.entry(handle.id()).or_insert(handle);
                }
                handles.retain(|_, handle| !handle.is_disposed());
            }
            Ok(())
        })?;
    }
}
