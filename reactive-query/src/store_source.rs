//! A source over a keyed map inside a `reactive-store` state (feature `store`): the commits'
//! patches name the rows that changed, the snapshots before and after give their values.

use crate::collection::{RowKey, RowValue};
use crate::query::{Delta, Node, Query};
use reactive_store::{
    HookId, MapKey, Middleware, Path, Proposal, Snapshot, State, Store, Veto, imbl,
};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashSet};
use std::rc::{Rc, Weak};

/// A keyed map a store state can hold and a query can read: a row by key, every row, and the
/// keys whose rows differ between two versions.
///
/// Implemented for `BTreeMap<K, V>` and `imbl::OrdMap<K, V>`. With an `imbl::OrdMap` the
/// versions share their unchanged subtrees, and [`changed_keys`](Self::changed_keys) skips
/// them; a `BTreeMap` is walked whole (as a transaction on it already copies it whole).
pub trait StoreRows<K, V>: 'static {
    /// The row under `key`.
    fn row(&self, key: &K) -> Option<&V>;

    /// Calls `f` with every row.
    fn for_each_row(&self, f: &mut dyn FnMut(&K, &V));

    /// Appends the keys whose rows differ between `self` and `newer` (present in one only, or
    /// unequal). Used when a patch replaces the whole map.
    fn changed_keys(&self, newer: &Self, out: &mut Vec<K>);
}

impl<K: Ord + Clone + 'static, V: PartialEq + 'static> StoreRows<K, V> for BTreeMap<K, V> {
    fn row(&self, key: &K) -> Option<&V> {
        self.get(key)
    }

    fn for_each_row(&self, f: &mut dyn FnMut(&K, &V)) {
        for (key, row) in self {
            f(key, row);
        }
    }

    fn changed_keys(&self, newer: &Self, out: &mut Vec<K>) {
        // A merge of the two sorted key sequences.
        let mut old = self.iter().peekable();
        let mut new = newer.iter().peekable();
        loop {
            match (old.peek(), new.peek()) {
                (None, None) => return,
                (Some((k, _)), None) => {
                    out.push((*k).clone());
                    old.next();
                }
                (None, Some((k, _))) => {
                    out.push((*k).clone());
                    new.next();
                }
                (Some((a, va)), Some((b, vb))) => match a.cmp(b) {
                    std::cmp::Ordering::Less => {
                        out.push((*a).clone());
                        old.next();
                    }
                    std::cmp::Ordering::Greater => {
                        out.push((*b).clone());
                        new.next();
                    }
                    std::cmp::Ordering::Equal => {
                        if va != vb {
                            out.push((*a).clone());
                        }
                        old.next();
                        new.next();
                    }
                },
            }
        }
    }
}

impl<K: Ord + Clone + 'static, V: Clone + PartialEq + 'static> StoreRows<K, V>
    for imbl::OrdMap<K, V>
{
    fn row(&self, key: &K) -> Option<&V> {
        self.get(key)
    }

    fn for_each_row(&self, f: &mut dyn FnMut(&K, &V)) {
        for (key, row) in self {
            f(key, row);
        }
    }

    fn changed_keys(&self, newer: &Self, out: &mut Vec<K>) {
        out.extend(self.diff(newer).map(|item| match item {
            imbl::ordmap::DiffItem::Add(key, _)
            | imbl::ordmap::DiffItem::Remove(key, _)
            | imbl::ordmap::DiffItem::Update { new: (key, _), .. } => key.clone(),
        }));
    }
}

/// What the store's commits have touched since the query last pulled.
struct Touched<K> {
    keys: HashSet<K>,
    /// A patch at or above the map (the map replaced whole), or a key segment that does not
    /// parse: the next pull compares the two versions of the map instead of the keys.
    whole: bool,
}

/// The middleware that reads each commit's patches for the rows under `at`. It runs in
/// `before_commit`, before the new snapshot is published: a commit vetoed later leaves keys
/// whose rows did not change, which the pull drops by comparing values.
struct PatchWatch<K> {
    at: Path,
    touched: Weak<RefCell<Touched<K>>>,
    /// Its own id, to remove itself once the query is gone.
    id: Rc<Cell<Option<HookId>>>,
    remove: Rc<dyn Fn(HookId)>,
}

impl<S: 'static, K: MapKey + std::hash::Hash + Eq> Middleware<S> for PatchWatch<K> {
    fn before_commit(&self, proposal: &Proposal<'_, S>) -> Result<(), Veto> {
        let Some(touched) = self.touched.upgrade() else {
            if let Some(id) = self.id.take() {
                (self.remove)(id);
            }
            return Ok(());
        };
        let mut touched = touched.borrow_mut();
        let depth = self.at.len();
        for patch in proposal.patches {
            for path in std::iter::once(&patch.path).chain(patch.from.as_ref()) {
                if path.len() <= depth {
                    // The map itself or something above it: compare whole maps.
                    if self.at.starts_with(path) {
                        touched.whole = true;
                    }
                    continue;
                }
                if !path.starts_with(&self.at) {
                    continue;
                }
                match K::from_segment(&path.segments()[depth]) {
                    Some(key) => {
                        touched.keys.insert(key);
                    }
                    None => touched.whole = true,
                }
            }
        }
        Ok(())
    }
}

impl<K: RowKey + MapKey, V: RowValue> Query<K, V> {
    /// A query over the keyed map at `at` in a store's state, read by `rows`: every row at
    /// first, then the rows each commit's patches name under `at` (the segment after `at` is
    /// the row's key). The commits between two reads of the query reach it as one change set
    /// (per row, its value in the snapshot the query last read and in the current one), so a
    /// transaction of many changes is one update of the result.
    ///
    /// `rows` must find, in any version of the state, the map whose path is `at`. A commit
    /// that replaces the map whole (a patch at `at` or above it: a restore, a reset) is
    /// compared map against map ([`StoreRows::changed_keys`]). Commits elsewhere in the state
    /// wake the query to find nothing to do; nobody reading the query means no work beyond
    /// collecting the touched keys. Feature `store`.
    ///
    /// ```
    /// use reactive_query::Query;
    /// use reactive_store::{State, Store, imbl::OrdMap, path};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
    /// struct Game { players: OrdMap<u32, u64> }
    ///
    /// let store = Store::new(Game { players: OrdMap::from_iter([(1u32, 30u64), (2, 20)]) });
    /// let top = Query::from_store(store, path!(players), |game: &Game| &game.players)
    ///     .order_by_desc(|score| *score)
    ///     .limit(Some(1))
    ///     .live();
    /// assert_eq!(top.keys(), [1]);
    /// store.update(|game| { game.players.insert(2, 50); })?;
    /// assert_eq!(top.keys(), [2]);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    #[track_caller]
    pub fn from_store<S: State, C: StoreRows<K, V>>(
        store: Store<S>,
        at: Path,
        rows: impl Fn(&S) -> &C + 'static,
    ) -> Query<K, V> {
        let touched = Rc::new(RefCell::new(Touched {
            keys: HashSet::new(),
            whole: false,
        }));
        let id = Rc::new(Cell::new(None));
        let hook = store.add_middleware(PatchWatch {
            at,
            touched: Rc::downgrade(&touched),
            id: id.clone(),
            remove: Rc::new(move |id| {
                store.remove_hook(id);
            }),
        });
        id.set(Some(hook));
        Query::from_node(StoreSource {
            store,
            rows,
            touched,
            last: None,
            keys: Vec::new(),
            _map: std::marker::PhantomData,
        })
    }
}

struct StoreSource<S: 'static, K, F, C> {
    store: Store<S>,
    rows: F,
    touched: Rc<RefCell<Touched<K>>>,
    /// The snapshot of the last pull (`None` before the first).
    last: Option<Snapshot<S>>,
    /// Scratch for the touched keys, kept to reuse its allocation.
    keys: Vec<K>,
    _map: std::marker::PhantomData<fn() -> C>,
}

impl<S, K, V, F, C> Node<K, V> for StoreSource<S, K, F, C>
where
    S: State,
    K: RowKey,
    V: RowValue,
    F: Fn(&S) -> &C,
    C: StoreRows<K, V>,
{
    fn pull(&mut self, out: &mut Vec<Delta<K, V>>) {
        // Tracked: every commit wakes the query; the touched keys say what to look at.
        let now = self.store.snapshot();
        let Some(last) = &self.last else {
            (self.rows)(&now).for_each_row(&mut |key, row| {
                out.push(Delta {
                    key: key.clone(),
                    old: None,
                    new: Some(row.clone()),
                });
            });
            self.touched.borrow_mut().keys.clear();
            self.touched.borrow_mut().whole = false;
            self.last = Some(now);
            return;
        };
        if last.ptr_eq(&now) {
            return;
        }
        let (before, after) = ((self.rows)(last), (self.rows)(&now));
        {
            let mut touched = self.touched.borrow_mut();
            if std::mem::take(&mut touched.whole) {
                touched.keys.clear();
                before.changed_keys(after, &mut self.keys);
            } else {
                self.keys.extend(touched.keys.drain());
            }
        }
        for key in self.keys.drain(..) {
            let old = before.row(&key);
            let new = after.row(&key);
            if old != new {
                out.push(Delta {
                    key,
                    old: old.cloned(),
                    new: new.cloned(),
                });
            }
        }
        self.last = Some(now);
    }
}
