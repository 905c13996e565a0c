//! The standalone source: `Collection<K, V>`, a keyed map that records what changed for every
//! query reading it.

use crate::query::{Delta, Node, Query};
use reactive_core::Signal;
use std::any::Any;
use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::rc::{Rc, Weak};

/// What a row must be to live in a collection: cloned into query state, compared to skip
/// changes that change nothing.
pub trait RowValue: Clone + PartialEq + 'static {}
impl<T: Clone + PartialEq + 'static> RowValue for T {}

/// What a row key must be: hashed for lookups, ordered to break ties in sort orders.
pub trait RowKey: Clone + Ord + Hash + 'static {}
impl<T: Clone + Ord + Hash + 'static> RowKey for T {}

/// The changes a query has not pulled yet, consolidated per key: `(value before the first
/// change, value after the last)`. Two changes to one row in a batch arrive as one.
pub(crate) type Inbox<K, V> = HashMap<K, (Option<V>, Option<V>)>;

struct Inner<K, V> {
    rows: BTreeMap<K, V>,
    /// One inbox per live query source; dropped queries leave a dead `Weak` that the next
    /// write prunes.
    inboxes: Vec<Weak<RefCell<Inbox<K, V>>>>,
}

/// A reactive keyed collection: rows `V` by key `K`, inserted, updated and deleted by key.
///
/// Every query built on it ([`Collection::query`]) receives each change; the writes made in
/// one [`batch`](reactive_core::batch) reach a query as one change set, two changes to one
/// row folded into one. Cloning the handle shares the collection.
///
/// ```
/// use reactive_query::Collection;
/// let players = Collection::new();
/// players.insert(1, ("ada", 30));
/// players.update(&1, |p| p.1 += 5);
/// assert_eq!(players.get(&1), Some(("ada", 35)));
/// assert_eq!(players.remove(&1), Some(("ada", 35)));
/// assert!(players.is_empty());
/// ```
pub struct Collection<K, V> {
    inner: Rc<RefCell<Inner<K, V>>>,
    changed: Signal<()>,
}

impl<K, V> Clone for Collection<K, V> {
    fn clone(&self) -> Self {
        Collection {
            inner: self.inner.clone(),
            changed: self.changed,
        }
    }
}

impl<K: RowKey, V: RowValue> Default for Collection<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: RowKey, V: RowValue> Collection<K, V> {
    /// An empty collection. Its change signal belongs to the current owner.
    #[track_caller]
    pub fn new() -> Self {
        Collection {
            inner: Rc::new(RefCell::new(Inner {
                rows: BTreeMap::new(),
                inboxes: Vec::new(),
            })),
            changed: Signal::new(()),
        }
    }

    /// Inserts or replaces the row under `key`; returns the previous row.
    ///
    /// ```
    /// # use reactive_query::Collection;
    /// let c = Collection::new();
    /// assert_eq!(c.insert("a", 1), None);
    /// assert_eq!(c.insert("a", 2), Some(1));
    /// ```
    #[track_caller]
    pub fn insert(&self, key: K, value: V) -> Option<V> {
        let old = self
            .inner
            .borrow_mut()
            .rows
            .insert(key.clone(), value.clone());
        if old.as_ref() != Some(&value) {
            self.record(key, old.clone(), Some(value));
        }
        old
    }

    /// Changes the row under `key` with `f`; returns whether there was one. Nothing is
    /// recorded when `f` leaves the row equal (or panics).
    ///
    /// ```
    /// # use reactive_query::Collection;
    /// let c = Collection::new();
    /// c.insert("a", 1);
    /// assert!(c.update(&"a", |v| *v += 1));
    /// assert!(!c.update(&"b", |v| *v += 1));
    /// ```
    #[track_caller]
    pub fn update(&self, key: &K, f: impl FnOnce(&mut V)) -> bool {
        // `f` changes a copy: if it panics, the row and every query still agree.
        let Some(old) = self.get(key) else {
            return false;
        };
        let mut new = old.clone();
        f(&mut new);
        if old != new {
            self.inner
                .borrow_mut()
                .rows
                .insert(key.clone(), new.clone());
            self.record(key.clone(), Some(old), Some(new));
        }
        true
    }

    /// Deletes the row under `key`; returns it.
    #[track_caller]
    pub fn remove(&self, key: &K) -> Option<V> {
        let old = self.inner.borrow_mut().rows.remove(key);
        if let Some(old) = &old {
            self.record(key.clone(), Some(old.clone()), None);
        }
        old
    }

    /// A clone of the row under `key` (untracked: queries are the reactive way to read).
    pub fn get(&self, key: &K) -> Option<V> {
        self.inner.borrow().rows.get(key).cloned()
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.inner.borrow().rows.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.inner.borrow().rows.is_empty()
    }

    /// A copy of all rows in key order.
    pub fn to_vec(&self) -> Vec<(K, V)> {
        self.inner
            .borrow()
            .rows
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Starts a query over this collection. The query receives every row as an insert, then
    /// every later change.
    ///
    /// ```
    /// # use reactive_query::Collection;
    /// let c = Collection::new();
    /// c.insert(1, 10);
    /// let q = c.query().filter(|v| *v > 5).live();
    /// assert_eq!(q.keys(), vec![1]);
    /// ```
    pub fn query(&self) -> Query<K, V> {
        let mut inner = self.inner.borrow_mut();
        let inbox: Inbox<K, V> = inner
            .rows
            .iter()
            .map(|(k, v)| (k.clone(), (None, Some(v.clone()))))
            .collect();
        let inbox = Rc::new(RefCell::new(inbox));
        inner.inboxes.push(Rc::downgrade(&inbox));
        Query::from_node(SourceNode::new(inbox, self.changed, None))
    }

    #[track_caller]
    fn record(&self, key: K, old: Option<V>, new: Option<V>) {
        let mut inner = self.inner.borrow_mut();
        inner.inboxes.retain(|inbox| inbox.strong_count() > 0);
        for inbox in &inner.inboxes {
            let Some(inbox) = inbox.upgrade() else {
                continue;
            };
            record_into(
                &mut inbox.borrow_mut(),
                key.clone(),
                old.clone(),
                new.clone(),
            );
        }
        let any = !inner.inboxes.is_empty();
        drop(inner);
        if any {
            self.changed.notify();
        }
    }
}

/// The capacity an emptied inbox table keeps (larger ones are shrunk back to it).
const SPARE_CAPACITY: usize = 32;

/// Folds one change into an inbox: the first `old` of a key stays, its `new` is the last.
pub(crate) fn record_into<K: RowKey, V>(
    inbox: &mut Inbox<K, V>,
    key: K,
    old: Option<V>,
    new: Option<V>,
) {
    // One hash of the key (`entry`), where a lookup then an insert would hash it twice.
    match inbox.entry(key) {
        Entry::Occupied(mut pending) => pending.get_mut().1 = new,
        Entry::Vacant(slot) => {
            slot.insert((old, new));
        }
    }
}

/// The first stage of every query over a source that records into an inbox (a collection, a
/// keyed list of models).
pub(crate) struct SourceNode<K, V> {
    inbox: Rc<RefCell<Inbox<K, V>>>,
    /// The inbox's previous table, swapped in empty at each pull so neither table is
    /// allocated again (a one-row change would otherwise allocate and grow a new table).
    spare: Inbox<K, V>,
    changed: Signal<()>,
    /// What the source's recorders reach only weakly, kept alive as long as the query.
    _keep: Option<Rc<dyn Any>>,
}

impl<K, V> SourceNode<K, V> {
    pub(crate) fn new(
        inbox: Rc<RefCell<Inbox<K, V>>>,
        changed: Signal<()>,
        keep: Option<Rc<dyn Any>>,
    ) -> Self {
        SourceNode {
            inbox,
            spare: HashMap::new(),
            changed,
            _keep: keep,
        }
    }
}

impl<K: RowKey, V: RowValue> Node<K, V> for SourceNode<K, V> {
    fn pull(&mut self, out: &mut Vec<Delta<K, V>>) {
        self.changed.track();
        // Swap rather than drain in place: the inbox is not borrowed while rows are compared.
        std::mem::swap(&mut self.spare, &mut *self.inbox.borrow_mut());
        out.extend(
            self.spare
                .drain()
                .filter(|(_, (old, new))| old != new)
                .map(|(key, (old, new))| Delta { key, old, new }),
        );
        // A big catch-up (the first pull holds every row) must not leave a big table behind:
        // draining walks the whole table, so keep it small.
        self.spare.shrink_to(SPARE_CAPACITY);
    }
}
