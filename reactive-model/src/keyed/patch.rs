//! [`ListPatch`]: one change to a keyed list, how to compute them ([`ListPatch::diff`]) and how to
//! apply them ([`KeyedList::apply_patch`]).

use super::{KeyedList, ListKey};
use crate::{FieldPath, Model, ModelError, ModelHandle, ModelPatch};
use std::collections::{HashMap, HashSet};

/// One change to a keyed list of models.
///
/// A sequence from [`ListPatch::diff`] is ordered so that each patch applies to the list as the
/// previous ones left it: removals (from the back), then a reorder of the kept items, then
/// insertions (from the front), then edits of kept items.
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
///         ListPatch::Remove { index: 0, value: Slot { id: 1, count: 1 } },
///         ListPatch::Insert { index: 1, value: Slot { id: 3, count: 1 } },
///         ListPatch::Item { key: 2, patch: Box::new(SlotPatch::Count(Change { old: 1, new: 5 })) },
///     ]
/// );
/// assert_eq!(patches[2].path().to_string(), "[2].count");
/// ```
#[derive(Clone, PartialEq, Debug)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(bound(
        serialize = "M: serde::Serialize, K: serde::Serialize, M::Patch: serde::Serialize",
        deserialize = "M: serde::Deserialize<'de>, K: serde::Deserialize<'de>, M::Patch: serde::Deserialize<'de>"
    ))
)]
pub enum ListPatch<M: Model, K> {
    /// `value` was inserted at `index`.
    Insert {
        /// Its position after the insertion.
        index: usize,
        /// The new item.
        value: M,
    },
    /// The item `value` at `index` was removed.
    Remove {
        /// Its position before the removal.
        index: usize,
        /// Its value when removed (so that the removal can be undone).
        value: M,
    },
    /// The items were put in a new order (same keys).
    Reorder {
        /// The keys before.
        old: Vec<K>,
        /// The keys after.
        new: Vec<K>,
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
    /// The patches that turn the list `old` into `new`, matching items by `key_of`. Both lists
    /// must have unique keys.
    ///
    /// ```
    /// # use reactive_model::{ListPatch, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let a = Tag { name: "a".into() };
    /// let b = Tag { name: "b".into() };
    /// let patches = ListPatch::diff(&[a.clone(), b.clone()], &[b, a], |t: &Tag| t.name.clone());
    /// assert!(matches!(patches[..], [ListPatch::Reorder { .. }]));
    /// ```
    pub fn diff(old: &[M], new: &[M], key_of: impl Fn(&M) -> K) -> Vec<Self> {
        let old_keys: Vec<K> = old.iter().map(&key_of).collect();
        let new_keys: Vec<K> = new.iter().map(&key_of).collect();
        let new_set: HashSet<&K> = new_keys.iter().collect();
        let old_index: HashMap<&K, usize> =
            old_keys.iter().enumerate().map(|(i, k)| (k, i)).collect();
        let mut patches = Vec::new();

        // 1. Removals, from the back so that each index is valid when applied.
        for (index, key) in old_keys.iter().enumerate().rev() {
            if !new_set.contains(key) {
                patches.push(ListPatch::Remove {
                    index,
                    value: old[index].clone(),
                });
            }
        }
        // 2. The kept items, put in their new relative order.
        let kept_before: Vec<K> = old_keys
            .iter()
            .filter(|k| new_set.contains(k))
            .cloned()
            .collect();
        let kept_after: Vec<K> = new_keys
            .iter()
            .filter(|k| old_index.contains_key(k))
            .cloned()
            .collect();
        if kept_before != kept_after {
            patches.push(ListPatch::Reorder {
                old: kept_before,
                new: kept_after,
            });
        }
        // 3. Insertions, from the front: everything before each new item is in place by then.
        for (index, key) in new_keys.iter().enumerate() {
            if !old_index.contains_key(key) {
                patches.push(ListPatch::Insert {
                    index,
                    value: new[index].clone(),
                });
            }
        }
        // 4. Edits inside kept items.
        for (index, key) in new_keys.iter().enumerate() {
            if let Some(&before) = old_index.get(key) {
                for patch in M::diff(&old[before], &new[index]) {
                    patches.push(ListPatch::Item {
                        key: key.clone(),
                        patch: Box::new(patch),
                    });
                }
            }
        }
        patches
    }

    /// Where the change applies, relative to the list: `[#2]` for a position, `[key].field`
    /// inside an item, empty for a reorder.
    ///
    /// ```
    /// # use reactive_model::{ListPatch, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let patch: ListPatch<Tag, String> = ListPatch::Insert { index: 2, value: Tag { name: "x".into() } };
    /// assert_eq!(patch.path().to_string(), "[#2]");
    /// ```
    pub fn path(&self) -> FieldPath {
        match self {
            ListPatch::Insert { index, .. } | ListPatch::Remove { index, .. } => {
                FieldPath::index(*index)
            }
            ListPatch::Reorder { .. } => FieldPath::root(),
            ListPatch::Item { key, patch } => FieldPath::key(key).join(patch.path()),
        }
    }

    /// The patch that undoes this one.
    ///
    /// ```
    /// # use reactive_model::{ListPatch, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tag = Tag { name: "x".into() };
    /// let insert: ListPatch<Tag, String> = ListPatch::Insert { index: 0, value: tag.clone() };
    /// assert_eq!(insert.inverse(), ListPatch::Remove { index: 0, value: tag });
    /// ```
    pub fn inverse(&self) -> Self {
        match self {
            ListPatch::Insert { index, value } => ListPatch::Remove {
                index: *index,
                value: value.clone(),
            },
            ListPatch::Remove { index, value } => ListPatch::Insert {
                index: *index,
                value: value.clone(),
            },
            ListPatch::Reorder { old, new } => ListPatch::Reorder {
                old: new.clone(),
                new: old.clone(),
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
    /// Items are found by key; a removal removes the item with the removed value's key.
    ///
    /// # Errors
    ///
    /// When the patch does not fit: inserting a key that is there or at an index past the
    /// end, removing or editing a key that is not there, a reorder that is not a permutation.
    /// Nothing is written then.
    ///
    /// ```
    /// # use reactive_model::{ListPatch, KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let list = KeyedList::new(Vec::new(), |t: &Tag| t.name.clone());
    /// list.apply_patch(&ListPatch::Insert { index: 0, value: Tag { name: "a".into() } }).unwrap();
    /// assert_eq!(list.keys(), ["a"]);
    /// assert!(list.apply_patch(&ListPatch::Insert { index: 0, value: Tag { name: "a".into() } }).is_err());
    /// ```
    pub fn apply_patch(&self, patch: &ListPatch<M, K>) -> Result<(), ModelError> {
        match patch {
            ListPatch::Insert { index, value } => {
                self.try_insert(*index, value.clone()).map(|_| ())
            }
            ListPatch::Remove { value, .. } => {
                let key_of = self.structure.with_untracked(|state| state.key_of);
                self.try_remove(&key_of(value)).map(|_| ())
            }
            ListPatch::Reorder { new, .. } => self.try_reorder(new.clone()),
            ListPatch::Item { key, patch } => {
                let (handle, name) = self
                    .structure
                    .with_untracked(|state| (state.items.get(key).map(|e| e.handle), state.name));
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
