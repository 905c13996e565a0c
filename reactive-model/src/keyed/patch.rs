//! [`ListPatch`]: one change to a keyed list, how to compute them ([`ListPatch::diff`]) and how to
//! apply them ([`KeyedList::apply_patch`]).
//!
//! A list patch is one `reactive_state::Patch` of a keyed collection, typed: the same
//! operations, the same order, the same positions, so that a model and a `reactive-store` state
//! describe the same change with the same patches.

use super::{KeyedList, ListKey};
use crate::{Model, ModelError, ModelHandle, ModelPatch};
use reactive_state::{Path, Segment};
use std::collections::HashMap;

/// One change to a keyed list of models. Items are named by key, never by position alone, so
/// a patch means the same item wherever it is applied.
///
/// [`ListPatch::diff`] emits patches in the order of `reactive_state::keyed::diff`, each
/// applying to the list as the previous ones left it:
///
/// 1. [`Remove`](ListPatch::Remove) of each item whose key left, from the back;
/// 2. [`Move`](ListPatch::Move) of kept items into their new relative order, as few as
///    possible (the items on a longest run already in order stay);
/// 3. [`Insert`](ListPatch::Insert) of each new item, from the front;
/// 4. [`Item`](ListPatch::Item): the edits inside kept items, in the new order.
///
/// ```
/// use reactive_model::{Change, ListPatch, Model};
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Slot {
///     #[model(skip)]
///     id: u8,
///     count: u32,
/// }
///
/// let old = vec![Slot { id: 1, count: 1 }, Slot { id: 2, count: 1 }];
/// let new = vec![Slot { id: 2, count: 5 }, Slot { id: 3, count: 1 }];
/// let patches = ListPatch::diff(&old, &new, |slot: &Slot| slot.id);
/// assert_eq!(
///     patches,
///     [
///         ListPatch::Remove { key: 1, index: 0, value: Slot { id: 1, count: 1 } },
///         ListPatch::Insert { key: 3, index: 1, value: Slot { id: 3, count: 1 } },
///         ListPatch::Item { key: 2, patch: Box::new(SlotPatch::Count(Change { old: 1, new: 5 })) },
///     ]
/// );
/// assert_eq!(patches[2].path().to_string(), "/2/count");
/// ```
#[derive(Clone, PartialEq, Debug)]
pub enum ListPatch<M: Model, K> {
    /// `value`, whose key is `key`, was inserted at `index` (JSON Patch `add` with `index`).
    Insert {
        /// The item's key.
        key: K,
        /// Its position after the insertion.
        index: usize,
        /// The new item.
        value: M,
    },
    /// The item `key`, at `index`, was removed (JSON Patch `remove` with `oldIndex`).
    Remove {
        /// The item's key.
        key: K,
        /// Its position before the removal.
        index: usize,
        /// Its value when removed (so that the removal can be undone).
        value: M,
    },
    /// The item `key` moved from position `from` to position `to` (JSON Patch `move` with
    /// `oldIndex` and `index`); the others keep their relative order.
    Move {
        /// The item's key.
        key: K,
        /// Its position before the move.
        from: usize,
        /// Its position after the move.
        to: usize,
    },
    /// A field of the item with this key changed.
    Item {
        /// The item's key.
        key: K,
        /// The change inside the item. Boxed: a tree model's patch contains its own type.
        patch: Box<M::Patch>,
    },
}

impl<M: Model, K: ListKey> ListPatch<M, K> {
    /// The patches that turn the list `old` into `new`, matching items by `key_of`, in the
    /// order described on [`ListPatch`]. Both lists must have unique keys.
    ///
    /// A reorder is as few [`Move`](ListPatch::Move)s as possible:
    ///
    /// ```
    /// # use reactive_model::{ListPatch, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tag = |name: &str| Tag { name: name.into() };
    /// let old = [tag("a"), tag("b"), tag("c")];
    /// let new = [tag("c"), tag("a"), tag("b")];
    /// let patches = ListPatch::diff(&old, &new, |t: &Tag| t.name.clone());
    /// assert_eq!(patches, [ListPatch::Move { key: "c".to_string(), from: 2, to: 0 }]);
    /// ```
    pub fn diff(old: &[M], new: &[M], key_of: impl Fn(&M) -> K) -> Vec<Self> {
        let old_keys: Vec<K> = old.iter().map(&key_of).collect();
        let new_keys: Vec<K> = new.iter().map(&key_of).collect();
        let (lo, ln) = (old_keys.len(), new_keys.len());
        // Equal leading and trailing runs of keys are matched in place, as
        // `reactive_state::keyed::diff` does; the moves are computed on what lies between, so
        // that both choose the same items to move.
        let mut prefix = 0;
        while prefix < lo.min(ln) && old_keys[prefix] == new_keys[prefix] {
            prefix += 1;
        }
        let mut suffix = 0;
        while suffix < (lo - prefix).min(ln - prefix)
            && old_keys[lo - 1 - suffix] == new_keys[ln - 1 - suffix]
        {
            suffix += 1;
        }
        let (old_end, new_end) = (lo - suffix, ln - suffix);
        let in_new: HashMap<&K, usize> = (prefix..new_end).map(|i| (&new_keys[i], i)).collect();
        let in_old: HashMap<&K, usize> = (prefix..old_end).map(|i| (&old_keys[i], i)).collect();
        let mut patches = Vec::new();

        // 1. Removals, from the back so that each index is valid when applied.
        for index in (prefix..old_end).rev() {
            if !in_new.contains_key(&old_keys[index]) {
                patches.push(ListPatch::Remove {
                    key: old_keys[index].clone(),
                    index,
                    value: old[index].clone(),
                });
            }
        }
        // 2. Moves of the kept items into their new relative order.
        let kept_now: Vec<&K> = old_keys[prefix..old_end]
            .iter()
            .filter(|key| in_new.contains_key(key))
            .collect();
        let kept_target: Vec<&K> = new_keys[prefix..new_end]
            .iter()
            .filter(|key| in_old.contains_key(key))
            .collect();
        for (key, from, to) in reactive_state::keyed::moves(&kept_now, &kept_target) {
            patches.push(ListPatch::Move {
                key: key.clone(),
                from: prefix + from,
                to: prefix + to,
            });
        }
        // 3. Insertions, from the front: everything before each new item is in place by then.
        for index in prefix..new_end {
            if !in_old.contains_key(&new_keys[index]) {
                patches.push(ListPatch::Insert {
                    key: new_keys[index].clone(),
                    index,
                    value: new[index].clone(),
                });
            }
        }
        // 4. Edits inside kept items, in the new order.
        let kept = (0..prefix)
            .map(|i| (i, i))
            .chain((prefix..new_end).filter_map(|i| in_old.get(&new_keys[i]).map(|&b| (i, b))))
            .chain((0..suffix).map(|k| (new_end + k, old_end + k)));
        for (index, before) in kept {
            for patch in M::diff(&old[before], &new[index]) {
                patches.push(ListPatch::Item {
                    key: new_keys[index].clone(),
                    patch: Box::new(patch),
                });
            }
        }
        patches
    }

    /// The key of the item the patch is about.
    ///
    /// ```
    /// # use reactive_model::{ListPatch, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let patch: ListPatch<Tag, u8> = ListPatch::Move { key: 4, from: 0, to: 1 };
    /// assert_eq!(patch.key(), &4);
    /// ```
    pub fn key(&self) -> &K {
        match self {
            ListPatch::Insert { key, .. }
            | ListPatch::Remove { key, .. }
            | ListPatch::Move { key, .. }
            | ListPatch::Item { key, .. } => key,
        }
    }

    /// Where the change applies, relative to the list: the item's key segment (its `Display`
    /// text), followed, for an edit inside the item, by the item patch's path.
    ///
    /// ```
    /// # use reactive_model::{ListPatch, Model};
    /// use reactive_state::{Path, Segment};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let patch: ListPatch<Tag, String> =
    ///     ListPatch::Insert { key: "x".into(), index: 2, value: Tag { name: "x".into() } };
    /// assert_eq!(patch.path(), Path::from_segments([Segment::key("x")]));
    /// assert_eq!(patch.path().to_string(), "/x");
    /// ```
    pub fn path(&self) -> Path {
        let item = Path::from_segments([Segment::key(self.key())]);
        match self {
            ListPatch::Item { patch, .. } => item.concat(&patch.path()),
            _ => item,
        }
    }

    /// The patch that undoes this one: an insertion becomes a removal and back, a move goes
    /// back, an edit is inverted.
    ///
    /// ```
    /// # use reactive_model::{ListPatch, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tag = Tag { name: "x".into() };
    /// let insert: ListPatch<Tag, String> =
    ///     ListPatch::Insert { key: "x".into(), index: 0, value: tag.clone() };
    /// assert_eq!(insert.inverse(), ListPatch::Remove { key: "x".into(), index: 0, value: tag });
    /// let step: ListPatch<Tag, u8> = ListPatch::Move { key: 1, from: 0, to: 3 };
    /// assert_eq!(step.inverse(), ListPatch::Move { key: 1, from: 3, to: 0 });
    /// ```
    pub fn inverse(&self) -> Self {
        match self {
            ListPatch::Insert { key, index, value } => ListPatch::Remove {
                key: key.clone(),
                index: *index,
                value: value.clone(),
            },
            ListPatch::Remove { key, index, value } => ListPatch::Insert {
                key: key.clone(),
                index: *index,
                value: value.clone(),
            },
            ListPatch::Move { key, from, to } => ListPatch::Move {
                key: key.clone(),
                from: *to,
                to: *from,
            },
            ListPatch::Item { key, patch } => ListPatch::Item {
                key: key.clone(),
                patch: Box::new(patch.inverse()),
            },
        }
    }
}

impl<M: Model, K: ListKey> KeyedList<M, K> {
    /// Applies one [`ListPatch`] (possibly computed for another list of the same type).
    /// Items are found by key: a removal removes the item with the patch's key, a move takes
    /// it to position `to`, wherever it is now.
    ///
    /// # Errors
    ///
    /// When the patch does not fit: inserting a key that is there, at an index past the end,
    /// or an item whose own key differs from the patch's; removing, moving or editing a key
    /// that is not there; moving past the end. Nothing is written then.
    ///
    /// ```
    /// # use reactive_model::{ListPatch, KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tag = |name: &str| Tag { name: name.into() };
    /// let list = KeyedList::new(vec![tag("a")], |t: &Tag| t.name.clone());
    /// let insert = ListPatch::Insert { key: "b".into(), index: 1, value: tag("b") };
    /// list.apply_patch(&insert).unwrap();
    /// list.apply_patch(&ListPatch::Move { key: "b".into(), from: 1, to: 0 }).unwrap();
    /// assert_eq!(list.keys(), ["b", "a"]);
    /// assert!(list.apply_patch(&insert).is_err()); // "b" is there already
    /// ```
    pub fn apply_patch(&self, patch: &ListPatch<M, K>) -> Result<(), ModelError> {
        let (key_of, name) = self
            .structure
            .with_untracked(|state| (state.key_of, state.name));
        match patch {
            ListPatch::Insert { key, index, value } => {
                if key_of(value) != *key {
                    return Err(ModelError::KeyMismatch {
                        list: name,
                        key: format!("{key:?}"),
                    });
                }
                self.try_insert(*index, value.clone()).map(|_| ())
            }
            ListPatch::Remove { key, .. } => self.try_remove(key).map(|_| ()),
            ListPatch::Move { key, to, .. } => self.try_move_to(key, *to),
            ListPatch::Item { key, patch } => {
                let handle = self
                    .structure
                    .with_untracked(|state| state.items.get(key).map(|e| e.handle));
                match handle {
                    Some(handle) => handle.apply_patch(patch),
                    None => Err(ModelError::MissingKey {
                        list: name,
                        key: format!("{key:?}"),
                    }),
                }
            }
        }
    }
}
