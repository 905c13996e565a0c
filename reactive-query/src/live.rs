//! The result: `LiveQuery`, read like a memo, with its change list per update and
//! `for_each_row`, which gives each row an owner for as long as it is in the result.

use crate::collection::{RowKey, RowValue};
use crate::order::{OrderBy, Ordered, RowChange};
use crate::query::Query;
use crate::rows::Rows;
use reactive_core::{
    Effect, MaybeReactive, Memo, Owner, Reactive, ReactiveError, Signal, Track, With, WithUntracked,
};
use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::HashMap;
use std::rc::Rc;

/// A query ordered by a sort key, ready for a window ([`offset`](Sorted::offset),
/// [`limit`](Sorted::limit)) and [`live`](Sorted::live).
pub struct Sorted<K, V, S> {
    query: Query<K, V>,
    sort: Box<dyn Fn(&V) -> S>,
    offset: MaybeReactive<usize>,
    limit: MaybeReactive<Option<usize>>,
}

impl<K: RowKey, V: RowValue> Query<K, V> {
    /// Orders rows by `sort` ascending, ties broken by the row key ascending (a total order).
    ///
    /// ```
    /// use reactive_query::Collection;
    /// let c = Collection::new();
    /// c.insert("b", 1);
    /// c.insert("a", 1);
    /// c.insert("c", 0);
    /// assert_eq!(c.query().order_by(|v| *v).live().keys(), ["c", "a", "b"]);
    /// ```
    pub fn order_by<S: Ord + Clone + 'static>(
        self,
        sort: impl Fn(&V) -> S + 'static,
    ) -> Sorted<K, V, S> {
        Sorted {
            query: self,
            sort: Box::new(sort),
            offset: 0.into(),
            limit: None.into(),
        }
    }

    /// Orders rows by `sort` descending, ties broken by the row key ascending.
    ///
    /// ```
    /// use reactive_query::Collection;
    /// let c = Collection::new();
    /// c.insert("b", 1);
    /// c.insert("a", 1);
    /// c.insert("c", 2);
    /// assert_eq!(c.query().order_by_desc(|v| *v).live().keys(), ["c", "a", "b"]);
    /// ```
    pub fn order_by_desc<S: Ord + Clone + 'static>(
        self,
        sort: impl Fn(&V) -> S + 'static,
    ) -> Sorted<K, V, Reverse<S>> {
        self.order_by(move |v| Reverse(sort(v)))
    }

    /// The result ordered by row key.
    pub fn live(self) -> LiveQuery<K, V> {
        self.order_by(|_| ()).live()
    }
}

impl<K: RowKey, V: RowValue, S: Ord + Clone + 'static> Sorted<K, V, S> {
    /// Skips the first `offset` rows (a constant or a signal). A row change behind an
    /// unchanged window costs O(log n) plus the rows crossing its edges; a change of `offset`
    /// or `limit` re-reads the window from the ordered index, O(offset + limit).
    pub fn offset(mut self, offset: impl Into<MaybeReactive<usize>>) -> Self {
        self.offset = offset.into();
        self
    }

    /// Keeps at most `limit` rows (a constant or a signal).
    ///
    /// ```
    /// use reactive_core::Signal;
    /// use reactive_query::Collection;
    /// let c = Collection::new();
    /// for (k, score) in [("a", 3), ("b", 9), ("c", 5)] { c.insert(k, score); }
    /// let page = Signal::new(Some(2));
    /// let top = c.query().order_by_desc(|s| *s).limit(page).live();
    /// assert_eq!(top.keys(), ["b", "c"]);
    /// page.set(Some(1));
    /// assert_eq!(top.keys(), ["b"]);
    /// ```
    pub fn limit(mut self, limit: impl Into<MaybeReactive<Option<usize>>>) -> Self {
        self.limit = limit.into();
        self
    }

    /// Builds the live result. Nothing is computed until it is first read.
    pub fn live(self) -> LiveQuery<K, V> {
        let stage = OrderBy::new(self.query.node, self.sort, self.offset, self.limit);
        LiveQuery::new(Box::new(stage))
    }
}

struct State<K, V> {
    stage: Box<dyn Ordered<K, V>>,
    version: u64,
    changes: Rc<Vec<RowChange<K, V>>>,
}

/// The live result of a query: rows in order, updated incrementally when the sources change.
///
/// It reads like a memo: [`with`](With::with), [`get`](reactive_core::Get::get) and the
/// methods below subscribe the running effect or memo, which re-runs only when the result
/// changed. It is lazy: until read, changes only queue up. Cloning shares it. Its state lives
/// in a memo of the owner it was created under: disposing that owner (or
/// [`dispose`](LiveQuery::dispose)) frees it; dropping the handles does not.
///
/// ```
/// use reactive_core::{Effect, Get};
/// use reactive_query::Collection;
/// use std::{cell::RefCell, rc::Rc};
/// let c = Collection::new();
/// let q = c.query().filter(|v: &i32| *v > 0).live();
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let q2 = q.clone();
/// let s = seen.clone();
/// Effect::new(move || s.borrow_mut().push(q2.get().to_vec()));
/// c.insert("x", 1);
/// c.insert("y", -1); // filtered out: the result did not change, the effect does not run
/// assert_eq!(*seen.borrow(), [vec![], vec![("x", 1)]]);
/// ```
pub struct LiveQuery<K, V> {
    state: Rc<RefCell<State<K, V>>>,
    version: Memo<u64>,
}

impl<K, V> Clone for LiveQuery<K, V> {
    fn clone(&self) -> Self {
        LiveQuery {
            state: self.state.clone(),
            version: self.version,
        }
    }
}

impl<K: RowKey, V: RowValue> LiveQuery<K, V> {
    #[track_caller]
    fn new(stage: Box<dyn Ordered<K, V>>) -> Self {
        let state = Rc::new(RefCell::new(State {
            stage,
            version: 0,
            changes: Rc::default(),
        }));
        let inner = state.clone();
        let version = Memo::new(move || {
            let mut state = inner.borrow_mut();
            let changes = state.stage.refresh();
            if !changes.is_empty() {
                state.version += 1;
                state.changes = Rc::new(changes);
            }
            state.version
        });
        LiveQuery { state, version }
    }

    fn current(&self) -> Rows<K, V> {
        self.version.with(|_| ());
        self.state.borrow().stage.rows().clone()
    }

    /// The rows in order as a snapshot (tracked): O(1), and later updates do not change it
    /// (see [`Rows`]). The same as [`get`](reactive_core::Get::get).
    ///
    /// ```
    /// use reactive_query::Collection;
    /// let c = Collection::new();
    /// c.insert(1, "a");
    /// let q = c.query().live();
    /// let then = q.snapshot();
    /// c.insert(2, "b");
    /// assert_eq!(then, [(1, "a")]);
    /// assert_eq!(q.snapshot(), [(1, "a"), (2, "b")]);
    /// ```
    pub fn snapshot(&self) -> Rows<K, V> {
        self.current()
    }

    /// Frees the query's state (its operators' indexes and the result) now, instead of when
    /// its owner is disposed. Reading it afterwards panics (the `try_` reads return
    /// [`ReactiveError::Disposed`]).
    ///
    /// ```
    /// use reactive_core::{ReactiveError, With};
    /// use reactive_query::Collection;
    /// let c = Collection::new();
    /// c.insert(1, 1);
    /// let q = c.query().live();
    /// q.dispose();
    /// assert!(matches!(q.try_with(|rows| rows.len()), Err(ReactiveError::Disposed { .. })));
    /// ```
    pub fn dispose(&self) {
        self.version.dispose();
    }

    /// The number of updates so far (tracked): it grows by one each time the result changes.
    pub fn version(&self) -> u64 {
        self.version.get()
    }

    /// The change list of the last update (tracked): applied in order to the result before
    /// it, it gives the current one. Empty before the first row arrives.
    ///
    /// ```
    /// use reactive_query::{Collection, RowChange};
    /// let c = Collection::new();
    /// let q = c.query().order_by(|v: &i32| *v).live();
    /// c.insert("a", 1);
    /// c.insert("b", 2);
    /// assert_eq!(q.keys(), ["a", "b"]);
    /// c.insert("a", 3);
    /// assert_eq!(*q.changes(), [RowChange::Moved { key: "a", row: 3, old_index: 0, new_index: 1 }]);
    /// ```
    pub fn changes(&self) -> Rc<Vec<RowChange<K, V>>> {
        self.version.with(|_| ());
        self.state.borrow().changes.clone()
    }

    /// The rows in order, cloned (tracked).
    pub fn rows(&self) -> Vec<(K, V)> {
        self.current().to_vec()
    }

    /// The keys in order (tracked).
    pub fn keys(&self) -> Vec<K> {
        self.current().iter().map(|(k, _)| k.clone()).collect()
    }

    /// The number of rows (tracked).
    pub fn len(&self) -> usize {
        self.current().len()
    }

    /// Whether the result is empty (tracked).
    pub fn is_empty(&self) -> bool {
        self.current().is_empty()
    }

    /// The row under `key` and its position, if it is in the result (tracked). O(log n).
    pub fn row(&self, key: &K) -> Option<(usize, V)> {
        let rows = self.current();
        let at = self.state.borrow().stage.position(key)?;
        Some((at, rows.get(at)?.1.clone()))
    }

    /// Calls `build` under a new owner for each row when it enters the result, with a signal
    /// of the row's value (set when the row changes), and disposes that owner when the row
    /// leaves. Rows that stay are not rebuilt. Returns the effect that keeps the rows; it
    /// belongs to the current owner (dispose that to stop).
    ///
    /// ```
    /// use reactive_core::{create_root, Get};
    /// use reactive_query::Collection;
    /// use std::{cell::RefCell, rc::Rc};
    /// let built = Rc::new(RefCell::new(Vec::new()));
    /// let (c, root) = create_root(|| {
    ///     let c = Collection::new();
    ///     let q = c.query().filter(|v: &u32| *v > 0).live();
    ///     let built = built.clone();
    ///     q.for_each_row(move |key: &&str, _row| built.borrow_mut().push(*key));
    ///     c
    /// });
    /// c.insert("a", 1);
    /// c.insert("b", 1);
    /// c.insert("a", 2); // "a" stays: not rebuilt
    /// assert_eq!(*built.borrow(), ["a", "b"]);
    /// root.dispose();
    /// ```
    #[track_caller]
    pub fn for_each_row(&self, mut build: impl FnMut(&K, Signal<V>) + 'static) -> Effect {
        let rows_owner = Owner::new();
        let query = self.clone();
        let mut live: HashMap<K, (Owner, Signal<V>)> = HashMap::new();
        let mut seen = 0u64;
        Effect::new(move || {
            let version = query.version();
            let changes = query.changes();
            let rows = query.current();
            if version == seen + 1 {
                for change in changes.iter() {
                    match change {
                        RowChange::Added { key, row, .. } => {
                            let (owner, signal) =
                                rows_owner.run_in(|| (Owner::new(), Signal::new(row.clone())));
                            owner.run_in(|| build(key, signal));
                            live.insert(key.clone(), (owner, signal));
                        }
                        RowChange::Removed { key, .. } => {
                            if let Some((owner, signal)) = live.remove(key) {
                                owner.dispose();
                                signal.dispose();
                            }
                        }
                        RowChange::Modified { key, row, .. }
                        | RowChange::Moved { key, row, .. } => {
                            if let Some((_, signal)) = live.get(key) {
                                signal.set_if_changed(row.clone());
                            }
                        }
                    }
                }
            } else if version != seen {
                // Updates were folded together (read inside a batch): compare key sets.
                let mut present: HashMap<&K, &V> = rows.iter().map(|(k, v)| (k, v)).collect();
                live.retain(|key, (owner, signal)| match present.remove(key) {
                    Some(row) => {
                        signal.set_if_changed(row.clone());
                        true
                    }
                    None => {
                        owner.dispose();
                        signal.dispose();
                        false
                    }
                });
                for (key, row) in rows.iter() {
                    if present.contains_key(key) {
                        let (owner, signal) =
                            rows_owner.run_in(|| (Owner::new(), Signal::new(row.clone())));
                        owner.run_in(|| build(key, signal));
                        live.insert(key.clone(), (owner, signal));
                    }
                }
            }
            seen = version;
        })
    }
}

impl<K, V> Reactive for LiveQuery<K, V> {
    type Value = Rows<K, V>;
}

impl<K: RowKey, V: RowValue> Track for LiveQuery<K, V> {
    fn try_track(&self) -> Result<(), ReactiveError> {
        self.version.try_track()?;
        self.version.try_with_untracked(|_| ())
    }
}

impl<K: RowKey, V: RowValue> WithUntracked for LiveQuery<K, V> {
    fn try_with_untracked<R>(&self, f: impl FnOnce(&Rows<K, V>) -> R) -> Result<R, ReactiveError> {
        self.version.try_with_untracked(|_| ())?;
        let rows = self.state.borrow().stage.rows().clone();
        Ok(f(&rows))
    }
}

impl<K: RowKey, V: RowValue> With for LiveQuery<K, V> {
    fn try_with<R>(&self, f: impl FnOnce(&Rows<K, V>) -> R) -> Result<R, ReactiveError> {
        self.try_track()?;
        self.try_with_untracked(f)
    }
}
