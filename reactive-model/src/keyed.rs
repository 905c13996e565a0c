//! [`KeyedList`]: a reactive list of models, each reachable by a stable key.
//!
//! # Design
//!
//! The list keeps three signals, so that each kind of reader re-runs only for its kind of change:
//!
//! | signal       | notified when                          | read by                                  |
//! |--------------|----------------------------------------|------------------------------------------|
//! | `structure`  | the order changes (insert, remove, move) | `keys`, `handles`, `at`, `index_of`, `snapshot` |
//! | `membership` | a key comes or goes                    | `contains`, `get`                        |
//! | `len`        | the length changes                     | `len`, `is_empty`                        |
//!
//! Each item is a model handle of its own, created once when the item enters the list and
//! disposed when it leaves. Editing an item writes that item's field signals and nothing else: a
//! reader of `len()` or of another item does not re-run. A handle stays valid, and keeps
//! meaning the same item, through any reordering and through the removal of other items,
//! because nothing is addressed by position.
//!
//! Items are created under the owner that was current when the list was created (the list's
//! model's owner), not under whatever effect happens to push them, so they live exactly as
//! long as the list. Each item gets a child owner of its own ([`KeyedList::item_owner`]):
//! removing the item disposes it, with anything created under it, inside the removing batch.

mod patch;

pub use patch::ListPatch;

use crate::{Model, ModelError, ModelHandle};
use reactive_core::{Owner, Signal, batch, create_root};
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::hash::Hash;

/// What a key type needs: cloneable, hashable, printable in messages and paths. Implemented for
/// every such type.
///
/// ```
/// fn assert_key<K: reactive_model::ListKey>() {}
/// assert_key::<u32>();
/// assert_key::<String>();
/// assert_key::<(u8, char)>();
/// ```
pub trait ListKey: Clone + Eq + Hash + Debug + 'static {}
impl<K: Clone + Eq + Hash + Debug + 'static> ListKey for K {}

/// A reactive list of models, keyed by one of their fields: the storage of a
/// `#[model(keyed = "id")] items: Vec<Item>` field, also usable on its own.
///
/// `Copy`, like every handle. Length, membership and order are tracked separately from the
/// items' contents (see the module docs), and item handles stay valid while their key is in
/// the list, whatever else is inserted, removed or reordered.
///
/// ```
/// use reactive_core::{Effect, Signal};
/// use reactive_model::{KeyedList, Model};
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Task {
///     #[model(skip)]
///     id: u32,
///     done: bool,
/// }
///
/// let tasks = KeyedList::new(
///     vec![Task { id: 1, done: false }, Task { id: 2, done: false }],
///     |task: &Task| task.id,
/// );
/// let first = tasks.get(&1).unwrap();
///
/// let len_runs = Signal::new(0);
/// Effect::new(move || {
///     tasks.len();
///     len_runs.update(|n| *n += 1);
/// });
///
/// first.set_done(true); // an item's field: the length reader does not re-run
/// tasks.reorder(vec![2, 1]); // the order: neither does it
/// assert_eq!(len_runs.get(), 1);
/// assert!(first.done()); // the handle still means task 1
///
/// tasks.remove(&2);
/// assert_eq!(len_runs.get(), 2);
/// assert_eq!(tasks.keys(), [1]);
/// ```
pub struct KeyedList<M: Model, K: 'static> {
    structure: Signal<ListState<M, K>>,
    membership: Signal<()>,
    len: Signal<usize>,
}

/// One item: its handle, and the owner its signals (and anything created with
/// [`KeyedList::item_owner`]) live under; disposing the owner is removing the item.
struct Entry<H> {
    handle: H,
    owner: Owner,
}

impl<H: Copy> Clone for Entry<H> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<H: Copy> Copy for Entry<H> {}

impl<H: ModelHandle> Entry<H> {
    /// Creates the item under a new child of `parent`.
    fn create(parent: Owner, value: H::Model) -> Self {
        parent.run_in(|| {
            let owner = Owner::new();
            let handle = owner.run_in(|| H::new(value));
            Entry { handle, owner }
        })
    }
}

/// The list's bookkeeping, read untracked; `structure` is notified when `order` changes.
struct ListState<M: Model, K> {
    /// The keys in list order. Invariant: exactly the keys of `items`, each once.
    order: Vec<K>,
    items: HashMap<K, Entry<M::Handle>>,
    key_of: fn(&M) -> K,
    /// Where items are created: the owner current when the list was.
    owner: Owner,
    /// Whether `owner` was created by the list (no owner was current) and is disposed with it.
    owns_owner: bool,
    /// For messages: the field name, or "keyed list".
    name: &'static str,
}

impl<M: Model, K> Clone for KeyedList<M, K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M: Model, K> Copy for KeyedList<M, K> {}

/// Identity: the same list.
impl<M: Model, K> PartialEq for KeyedList<M, K> {
    fn eq(&self, other: &Self) -> bool {
        self.structure == other.structure
    }
}

impl<M: Model, K> Eq for KeyedList<M, K> {}

impl<M: Model, K> Hash for KeyedList<M, K> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.structure.hash(state);
    }
}

impl<M: Model, K> Debug for KeyedList<M, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("KeyedList").field(&self.structure).finish()
    }
}

impl<M: Model, K: ListKey> KeyedList<M, K> {
    /// Creates a list from `values`, keyed by `key_of`, under the current owner.
    ///
    /// # Panics
    ///
    /// If two values have the same key.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "red".into() }], |tag: &Tag| tag.name.clone());
    /// assert!(tags.contains(&"red".to_string()));
    /// ```
    #[track_caller]
    pub fn new(values: Vec<M>, key_of: fn(&M) -> K) -> Self {
        Self::with_name(values, key_of, "keyed list")
    }

    /// [`new`](Self::new), with the name used in error messages (the derive passes the field's).
    ///
    /// # Panics
    ///
    /// If two values have the same key.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::with_name(Vec::new(), |tag: &Tag| tag.name.clone(), "tags");
    /// let error = tags.try_remove(&"red".to_string()).unwrap_err();
    /// assert_eq!(error.to_string(), r#"tags: no item has the key "red""#);
    /// ```
    #[track_caller]
    pub fn with_name(values: Vec<M>, key_of: fn(&M) -> K, name: &'static str) -> Self {
        if let Some(key) = first_duplicate(values.iter().map(key_of)) {
            panic!(
                "{}",
                ModelError::DuplicateKey {
                    list: name,
                    key: format!("{key:?}")
                }
            );
        }
        let (owner, owns_owner) = match Owner::current() {
            Some(owner) => (owner, false),
            None => (create_root(|| ()).1, true),
        };
        let mut order = Vec::with_capacity(values.len());
        let mut items = HashMap::with_capacity(values.len());
        for value in values {
            let key = key_of(&value);
            order.push(key.clone());
            items.insert(key, Entry::create(owner, value));
        }
        let len = order.len();
        let state = ListState {
            order,
            items,
            key_of,
            owner,
            owns_owner,
            name,
        };
        KeyedList {
            structure: Signal::new(state),
            membership: Signal::new(()),
            len: Signal::new(len),
        }
    }

    /// The number of items. Tracks the length only: reordering or editing items does not
    /// notify.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// assert_eq!(tags.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.len.get()
    }

    /// Whether the list is empty. Tracks the length.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(Vec::new(), |t: &Tag| t.name.clone());
    /// assert!(tags.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len.with(|len| *len == 0)
    }

    /// Whether an item has this key. Tracks membership: items coming and going, not moving.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// assert!(tags.contains(&"a".to_string()));
    /// assert!(!tags.contains(&"b".to_string()));
    /// ```
    pub fn contains(&self, key: &K) -> bool {
        self.membership.track();
        self.structure
            .with_untracked(|state| state.items.contains_key(key))
    }

    /// The handle of the item with this key. Tracks membership, not the item's fields (read
    /// those through the handle). The handle stays valid while the key is in the list.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String, uses: u32 }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into(), uses: 0 }], |t: &Tag| t.name.clone());
    /// let a = tags.get(&"a".to_string()).unwrap();
    /// a.set_uses(3);
    /// assert_eq!(tags.snapshot()[0].uses, 3);
    /// ```
    pub fn get(&self, key: &K) -> Option<M::Handle> {
        self.membership.track();
        self.structure
            .with_untracked(|state| state.items.get(key).map(|entry| entry.handle))
    }

    /// The handle at a position. Tracks the order.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// assert_eq!(tags.at(0).map(|t| t.name()), Some("a".to_string()));
    /// assert!(tags.at(1).is_none());
    /// ```
    pub fn at(&self, index: usize) -> Option<M::Handle> {
        self.structure
            .with(|state| state.order.get(index).map(|key| state.items[key].handle))
    }

    /// The position of the item with this key. Tracks the order.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// assert_eq!(tags.index_of(&"a".to_string()), Some(0));
    /// ```
    pub fn index_of(&self, key: &K) -> Option<usize> {
        self.structure
            .with(|state| state.order.iter().position(|k| k == key))
    }

    /// The keys in order. Tracks the order.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// assert_eq!(tags.keys(), ["a"]);
    /// ```
    pub fn keys(&self) -> Vec<K> {
        self.structure.with(|state| state.order.clone())
    }

    /// The item handles in order. Tracks the order, not the items' fields.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// let names: Vec<String> = tags.handles().iter().map(|t| t.name()).collect();
    /// assert_eq!(names, ["a"]);
    /// ```
    pub fn handles(&self) -> Vec<M::Handle> {
        self.structure.with(|state| {
            state
                .order
                .iter()
                .map(|key| state.items[key].handle)
                .collect()
        })
    }

    /// The owner of the item with this key: what is created under it (`owner.run_in(..)`),
    /// such as the effects rendering the item's row, is disposed when the item leaves the list,
    /// in the same batch, so it never runs on a removed item. Tracks membership.
    ///
    /// ```
    /// # use reactive_core::{Effect, Signal};
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String, uses: u32 }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into(), uses: 0 }], |t: &Tag| t.name.clone());
    /// let key = "a".to_string();
    /// let a = tags.get(&key).unwrap();
    /// let row = tags.item_owner(&key).unwrap().run_in(|| {
    ///     Effect::new(move || println!("a is used {} times", a.uses()))
    /// });
    /// reactive_core::batch(|| {
    ///     a.set_uses(1); // schedules the row effect...
    ///     tags.remove(&key); // ...which is disposed with the item instead of reading it
    /// });
    /// assert!(row.is_disposed());
    /// ```
    pub fn item_owner(&self, key: &K) -> Option<Owner> {
        self.membership.track();
        self.structure
            .with_untracked(|state| state.items.get(key).map(|entry| entry.owner))
    }

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

    /// Every item's value, in order. Tracked deeply: order and every item's fields.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// assert_eq!(tags.snapshot(), [Tag { name: "a".into() }]);
    /// ```
    pub fn snapshot(&self) -> Vec<M> {
        self.handles().iter().map(ModelHandle::snapshot).collect()
    }

    /// [`snapshot`](Self::snapshot) without tracking.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// assert_eq!(tags.snapshot_untracked().len(), 1);
    /// ```
    pub fn snapshot_untracked(&self) -> Vec<M> {
        reactive_core::untrack(|| self.snapshot())
    }

    /// Subscribes the caller to the order and to every field of every item.
    ///
    /// ```
    /// # use reactive_core::{Effect, Signal};
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String, uses: u32 }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into(), uses: 0 }], |t: &Tag| t.name.clone());
    /// let runs = Signal::new(0);
    /// Effect::new(move || { tags.track_all(); runs.update(|n| *n += 1); });
    /// tags.get(&"a".to_string()).unwrap().set_uses(1);
    /// assert_eq!(runs.get(), 2);
    /// ```
    pub fn track_all(&self) {
        for handle in self.handles() {
            handle.track_all();
        }
    }

    /// Disposes every item and the list itself.
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(vec![Tag { name: "a".into() }], |t: &Tag| t.name.clone());
    /// let a = tags.get(&"a".to_string()).unwrap();
    /// tags.dispose();
    /// assert!(a.is_disposed());
    /// ```
    pub fn dispose(&self) {
        let Ok((owners, owner)) = self.structure.try_with_untracked(|state| {
            let owners: Vec<Owner> = state.items.values().map(|entry| entry.owner).collect();
            (owners, state.owns_owner.then_some(state.owner))
        }) else {
            return; // already disposed (by its owner, or twice)
        };
        for owner in owners {
            owner.dispose();
        }
        self.structure.dispose();
        self.membership.dispose();
        self.len.dispose();
        if let Some(owner) = owner {
            owner.dispose();
        }
    }

    /// Whether the list was disposed (by [`dispose`](Self::dispose) or its owner).
    ///
    /// ```
    /// # use reactive_model::{KeyedList, Model};
    /// # #[derive(Model, Clone, PartialEq, Debug)]
    /// # struct Tag { name: String }
    /// let tags = KeyedList::new(Vec::new(), |t: &Tag| t.name.clone());
    /// assert!(!tags.is_disposed());
    /// tags.dispose();
    /// assert!(tags.is_disposed());
    /// ```
    pub fn is_disposed(&self) -> bool {
        self.structure.is_disposed()
    }

    /// The `(key, entry)` pairs in order, untracked.
    fn entries_untracked(&self) -> Vec<(K, Entry<M::Handle>)> {
        self.structure.with_untracked(|state| {
            state
                .order
                .iter()
                .map(|key| (key.clone(), state.items[key]))
                .collect()
        })
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

/// The first key that occurs twice, if any.
fn first_duplicate<K: Eq + Hash>(keys: impl Iterator<Item = K>) -> Option<K> {
    let mut seen = HashSet::new();
    for key in keys {
        if seen.contains(&key) {
            return Some(key);
        }
        seen.insert(key);
    }
    None
}
