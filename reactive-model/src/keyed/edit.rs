//! The operations that change a [`KeyedList`]'s membership and order: insertions, removals,
//! moves, sorting and reconciling with a new value.

use super::{Entry, KeyedList, ListKey, first_duplicate};
use crate::{Model, ModelError, ModelHandle};
use reactive_core::batch;
use std::cmp::Ordering;
use std::collections::HashSet;

impl<M: Model, K: ListKey> KeyedList<M, K> {
    /// Appends an item and returns its handle.
    ///
    /// # Panics
    ///
    /// If its key is already in the list; see [`try_push`](Self::try_push).
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(Vec::new(), |t: &Tag| t.name.clone());
    /// let a = tags.push(Tag { name: "a".into() });
    /// assert_eq!(a.name(), "a");
    /// ```
    #[track_caller]
    pub fn push(&self, value: M) -> M::Handle {
        self.try_push(value)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Fallible [`push`](Self::push).
    ///
    /// # Errors
    ///
    /// [`ModelError::DuplicateKey`] if the key is already in the list.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(Vec::new(), |t: &Tag| t.name.clone());
    /// assert!(tags.try_push(Tag { name: "a".into() }).is_ok());
    /// assert!(tags.try_push(Tag { name: "a".into() }).is_err());
    /// ```
    pub fn try_push(&self, value: M) -> Result<M::Handle, ModelError> {
        let len = self.structure.with_untracked(|state| state.order.len());
        self.try_insert(len, value)
    }

    /// Inserts an item at `index` (shifting later ones) and returns its handle.
    ///
    /// # Panics
    ///
    /// If its key is already in the list or `index > len`; see [`try_insert`](Self::try_insert).
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "b".into() }], |t: &Tag| t.name.clone());
    /// tags.insert(0, Tag { name: "a".into() });
    /// assert_eq!(tags.keys(), ["a", "b"]);
    /// ```
    #[track_caller]
    pub fn insert(&self, index: usize, value: M) -> M::Handle {
        self.try_insert(index, value)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Fallible [`insert`](Self::insert).
    ///
    /// # Errors
    ///
    /// [`ModelError::DuplicateKey`] or [`ModelError::IndexOutOfRange`]; nothing is inserted.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(Vec::new(), |t: &Tag| t.name.clone());
    /// assert!(tags.try_insert(1, Tag { name: "a".into() }).is_err());
    /// ```
    pub fn try_insert(&self, index: usize, value: M) -> Result<M::Handle, ModelError> {
        let (key_of, owner, name, len) = self
            .structure
            .with_untracked(|state| (state.key_of, state.owner, state.name, state.order.len()));
        let key = key_of(&value);
        if self
            .structure
            .with_untracked(|state| state.items.contains_key(&key))
        {
            return Err(ModelError::DuplicateKey {
                list: name,
                key: format!("{key:?}"),
            });
        }
        if index > len {
            return Err(ModelError::IndexOutOfRange {
                list: name,
                index,
                len,
            });
        }
        let entry = Entry::create(owner, value);
        let handle = entry.handle;
        batch(|| {
            self.structure.update(|state| {
                state.order.insert(index, key.clone());
                state.items.insert(key, entry);
            });
            self.membership.notify();
            self.len.set(len + 1);
        });
        Ok(handle)
    }

    /// Removes the item with this key, disposes its handle and returns its last value; `None`
    /// if no item has the key. Other items' handles are untouched.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// assert_eq!(tags.remove(&"a".to_string()), Some(Tag { name: "a".into() }));
    /// assert_eq!(tags.remove(&"a".to_string()), None);
    /// ```
    pub fn remove(&self, key: &K) -> Option<M> {
        self.try_remove(key).ok()
    }

    /// [`remove`](Self::remove), with an error naming the list and key when it is missing.
    ///
    /// # Errors
    ///
    /// [`ModelError::MissingKey`] if no item has the key.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(Vec::new(), |t: &Tag| t.name.clone());
    /// assert!(tags.try_remove(&"a".to_string()).is_err());
    /// ```
    pub fn try_remove(&self, key: &K) -> Result<M, ModelError> {
        let found = self.structure.with_untracked(|state| {
            let entry = state.items.get(key).copied();
            (entry, state.name, state.order.len())
        });
        let (Some(entry), _, len) = found else {
            return Err(ModelError::MissingKey {
                list: found.1,
                key: format!("{key:?}"),
            });
        };
        let value = entry.handle.snapshot_untracked();
        batch(|| {
            self.structure.update(|state| {
                state.order.retain(|k| k != key);
                state.items.remove(key);
            });
            self.membership.notify();
            self.len.set(len - 1);
            // Inside the batch: what was created under the item (its row's effects) is gone
            // before the flush could run it on the removed item.
            entry.owner.dispose();
        });
        Ok(value)
    }

    /// Keeps only the items for which `keep` returns true (called untracked, in order, with
    /// each item's handle); removes and disposes the others, in one batch.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String, uses: u32 }
    /// let tags = KeyedList::new(
    ///     vec![Tag { name: "a".into(), uses: 0 }, Tag { name: "b".into(), uses: 2 }],
    ///     |t: &Tag| t.name.clone(),
    /// );
    /// tags.retain(|tag| tag.uses() > 0);
    /// assert_eq!(tags.keys(), ["b"]);
    /// ```
    pub fn retain(&self, mut keep: impl FnMut(&M::Handle) -> bool) {
        let entries = self.entries_untracked();
        let removed: Vec<(K, Entry<M::Handle>)> = reactive_core::untrack(|| {
            entries
                .into_iter()
                .filter(|(_, entry)| !keep(&entry.handle))
                .collect()
        });
        self.remove_all(removed);
    }

    /// Removes and disposes every item.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// tags.clear();
    /// assert!(tags.is_empty());
    /// ```
    pub fn clear(&self) {
        let entries = self.entries_untracked();
        self.remove_all(entries);
    }

    /// Moves the item with this key to `index` (its position after the move). Its handle, and
    /// every other, stays valid. Notifies order readers only (not length or membership).
    ///
    /// # Panics
    ///
    /// If no item has the key or `index >= len`; see [`try_move_to`](Self::try_move_to).
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(
    ///     vec![Tag { name: "a".into() }, Tag { name: "b".into() }, Tag { name: "c".into() }],
    ///     |t: &Tag| t.name.clone(),
    /// );
    /// tags.move_to(&"c".to_string(), 0);
    /// assert_eq!(tags.keys(), ["c", "a", "b"]);
    /// ```
    #[track_caller]
    pub fn move_to(&self, key: &K, index: usize) {
        self.try_move_to(key, index)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Fallible [`move_to`](Self::move_to).
    ///
    /// # Errors
    ///
    /// [`ModelError::MissingKey`] or [`ModelError::IndexOutOfRange`]; nothing moves.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// assert!(tags.try_move_to(&"a".to_string(), 1).is_err());
    /// ```
    pub fn try_move_to(&self, key: &K, index: usize) -> Result<(), ModelError> {
        let (mut order, name) = self
            .structure
            .with_untracked(|state| (state.order.clone(), state.name));
        let Some(from) = order.iter().position(|k| k == key) else {
            return Err(ModelError::MissingKey {
                list: name,
                key: format!("{key:?}"),
            });
        };
        if index >= order.len() {
            return Err(ModelError::IndexOutOfRange {
                list: name,
                index,
                len: order.len(),
            });
        }
        let moved = order.remove(from);
        order.insert(index, moved);
        self.set_order(order);
        Ok(())
    }

    /// Puts the items in the order of `keys`, which must be a permutation of the list's keys.
    ///
    /// # Panics
    ///
    /// If it is not; see [`try_reorder`](Self::try_reorder).
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(
    ///     vec![Tag { name: "a".into() }, Tag { name: "b".into() }],
    ///     |t: &Tag| t.name.clone(),
    /// );
    /// tags.reorder(vec!["b".into(), "a".into()]);
    /// assert_eq!(tags.keys(), ["b", "a"]);
    /// ```
    #[track_caller]
    pub fn reorder(&self, keys: Vec<K>) {
        self.try_reorder(keys)
            .unwrap_or_else(|error| panic!("{error}"))
    }

    /// Fallible [`reorder`](Self::reorder).
    ///
    /// # Errors
    ///
    /// [`ModelError::NotAPermutation`]; the order is unchanged.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// assert!(tags.try_reorder(vec!["a".into(), "a".into()]).is_err());
    /// ```
    pub fn try_reorder(&self, keys: Vec<K>) -> Result<(), ModelError> {
        let is_permutation = self.structure.with_untracked(|state| {
            keys.len() == state.order.len()
                && keys.iter().all(|key| state.items.contains_key(key))
                && first_duplicate(keys.iter().cloned()).is_none()
        });
        if !is_permutation {
            let list = self.structure.with_untracked(|state| state.name);
            return Err(ModelError::NotAPermutation { list });
        }
        self.set_order(keys);
        Ok(())
    }

    /// Sorts the items with a comparison of their handles (read untracked). Stable.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String, uses: u32 }
    /// let tags = KeyedList::new(
    ///     vec![Tag { name: "a".into(), uses: 5 }, Tag { name: "b".into(), uses: 1 }],
    ///     |t: &Tag| t.name.clone(),
    /// );
    /// tags.sort_by(|x, y| x.uses().cmp(&y.uses()));
    /// assert_eq!(tags.keys(), ["b", "a"]);
    /// ```
    pub fn sort_by(&self, mut compare: impl FnMut(&M::Handle, &M::Handle) -> Ordering) {
        let mut entries = self.entries_untracked();
        reactive_core::untrack(|| entries.sort_by(|(_, a), (_, b)| compare(&a.handle, &b.handle)));
        self.set_order(entries.into_iter().map(|(key, _)| key).collect());
    }

    /// Sorts the items by a key computed from their handles (read untracked). Stable.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String, uses: u32 }
    /// let tags = KeyedList::new(
    ///     vec![Tag { name: "a".into(), uses: 5 }, Tag { name: "b".into(), uses: 1 }],
    ///     |t: &Tag| t.name.clone(),
    /// );
    /// tags.sort_by_key(|tag| tag.uses());
    /// assert_eq!(tags.keys(), ["b", "a"]);
    /// ```
    pub fn sort_by_key<T: Ord>(&self, mut sort_key: impl FnMut(&M::Handle) -> T) {
        self.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    }

    /// Makes the list hold `values`, matching items by key, in one batch: an item whose key
    /// stays keeps its handle and is updated field by field (only changed fields notify); items
    /// whose key is gone are removed and disposed; new keys get new items. Order, membership and
    /// length readers are notified only if those changed.
    ///
    /// # Panics
    ///
    /// If two values have the same key.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String, uses: u32 }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into(), uses: 0 }], |t: &Tag| t.name.clone());
    /// let a = tags.get(&"a".to_string()).unwrap();
    /// tags.reconcile(vec![Tag { name: "b".into(), uses: 0 }, Tag { name: "a".into(), uses: 9 }]);
    /// assert_eq!(tags.keys(), ["b", "a"]);
    /// assert_eq!(a.uses(), 9); // same handle, updated in place
    /// ```
    #[track_caller]
    pub fn reconcile(&self, values: Vec<M>) {
        let (key_of, owner, name) = self
            .structure
            .with_untracked(|state| (state.key_of, state.owner, state.name));
        let keys: Vec<K> = values.iter().map(key_of).collect();
        if let Some(key) = first_duplicate(keys.iter().cloned()) {
            panic!(
                "{}",
                ModelError::DuplicateKey {
                    list: name,
                    key: format!("{key:?}")
                }
            );
        }
        let (old_order, mut items) = self
            .structure
            .with_untracked(|state| (state.order.clone(), state.items.clone()));
        batch(|| {
            let wanted: HashSet<&K> = keys.iter().collect();
            let removed: Vec<Entry<M::Handle>> = old_order
                .iter()
                .filter(|key| !wanted.contains(key))
                .filter_map(|key| items.remove(key))
                .collect();
            let mut added = false;
            for (key, value) in keys.iter().zip(values) {
                match items.get(key) {
                    Some(entry) => entry.handle.apply(value),
                    None => {
                        added = true;
                        items.insert(key.clone(), Entry::create(owner, value));
                    }
                }
            }
            let membership_changed = added || !removed.is_empty();
            if membership_changed || old_order != keys {
                self.structure.update(|state| {
                    state.order = keys;
                    state.items = items;
                });
            }
            if membership_changed {
                self.membership.notify();
            }
            let len = self.structure.with_untracked(|state| state.order.len());
            self.len.set_if_changed(len);
            for entry in removed {
                entry.owner.dispose();
            }
        });
    }

    /// Removes `removed` (pairs from this list) in one batch and disposes their handles.
    fn remove_all(&self, removed: Vec<(K, Entry<M::Handle>)>) {
        if removed.is_empty() {
            return;
        }
        batch(|| {
            let gone: HashSet<&K> = removed.iter().map(|(key, _)| key).collect();
            self.structure.update(|state| {
                state.order.retain(|key| !gone.contains(key));
                state.items.retain(|key, _| !gone.contains(key));
            });
            self.membership.notify();
            let len = self.structure.with_untracked(|state| state.order.len());
            self.len.set_if_changed(len);
            for (_, entry) in &removed {
                entry.owner.dispose();
            }
        });
    }

    /// Replaces the order with a permutation of itself; notifies only if it differs.
    fn set_order(&self, order: Vec<K>) {
        let changed = self.structure.with_untracked(|state| state.order != order);
        if changed {
            self.structure.update(|state| state.order = order);
        }
    }
}
