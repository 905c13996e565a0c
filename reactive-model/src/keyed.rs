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

mod edit;
#[cfg(feature = "serde")]
mod json;
mod patch;

pub use patch::ListPatch;

use crate::{Model, ModelError, ModelHandle};
use reactive_core::{Owner, Signal, create_root};
use std::collections::{HashMap, HashSet};
use std::fmt::{Debug, Display};
use std::hash::Hash;

/// What a key type needs: cloneable, hashable, printable in messages (`Debug`) and in paths
/// (`Display`). Implemented for every such type.
///
/// A patch names an item by its key's `Display` text: the path of item `7` of `inventory` is
/// `/inventory/7` ([`reactive_state::Segment::key`]), the same text a `reactive-store` state
/// writes for the same item. Reading a [`reactive_state::Patch`] back into a [`ListPatch`]
/// (feature `serde`) parses that text with `FromStr`, so there the key type also needs
/// `FromStr`, and the two must round-trip (they do for strings and integers).
///
/// ```
/// fn assert_key<K: reactive_model::ListKey>() {}
/// assert_key::<u32>();
/// assert_key::<String>();
/// assert_key::<char>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the key of a keyed list",
    label = "the items' key field: its type must be `Clone + Eq + Hash + Debug + Display`",
    note = "a patch names an item of a keyed list by its key's `Display` text (`/items/<key>`)"
)]
pub trait ListKey: Clone + Eq + Hash + Debug + Display + 'static {}
impl<K: Clone + Eq + Hash + Debug + Display + 'static> ListKey for K {}

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
