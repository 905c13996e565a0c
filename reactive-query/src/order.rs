//! The ordered result: `order_by` with a total order (sort key, then row key), the
//! `offset`/`limit` window, and the change list in Firestore's form.

use crate::collection::{RowKey, RowValue};
use crate::query::{Delta, Node, read};
use crate::rows::Rows;
use crate::seq::Seq;
use reactive_core::MaybeReactive;
use std::collections::{BTreeMap, HashMap};

/// One step of a change list. Applying a list's steps in order to the previous result (see
/// [`RowChange::apply`]) gives the new one. Indices are positions in the list as it is when
/// the step applies: `old_index` before it, `new_index` after it.
#[derive(Clone, Debug, PartialEq)]
pub enum RowChange<K, V> {
    /// The row entered the result at `new_index`.
    Added {
        /// The row's key.
        key: K,
        /// The row.
        row: V,
        /// Where it is inserted.
        new_index: usize,
    },
    /// The row left the result from `old_index`.
    Removed {
        /// The row's key.
        key: K,
        /// The row as it was.
        row: V,
        /// Where it was removed from.
        old_index: usize,
    },
    /// The row changed in place.
    Modified {
        /// The row's key.
        key: K,
        /// The new row.
        row: V,
        /// Its position.
        index: usize,
    },
    /// The row moved (and may have changed): remove at `old_index`, insert at `new_index`.
    Moved {
        /// The row's key.
        key: K,
        /// The new row.
        row: V,
        /// Where it is removed from.
        old_index: usize,
        /// Where it is inserted after the removal.
        new_index: usize,
    },
}

impl<K: Clone, V: Clone> RowChange<K, V> {
    /// The key of the row this step is about.
    pub fn key(&self) -> &K {
        match self {
            RowChange::Added { key, .. }
            | RowChange::Removed { key, .. }
            | RowChange::Modified { key, .. }
            | RowChange::Moved { key, .. } => key,
        }
    }

    /// Applies this step to a copy of the result.
    ///
    /// # Panics
    /// If an index is out of range for `rows`: the list was not the previous result.
    ///
    /// ```
    /// use reactive_query::RowChange;
    /// let mut rows = vec![("a", 1), ("b", 2)];
    /// RowChange::Moved { key: "b", row: 3, old_index: 1, new_index: 0 }.apply(&mut rows);
    /// assert_eq!(rows, [("b", 3), ("a", 1)]);
    /// ```
    #[track_caller]
    pub fn apply(&self, rows: &mut Vec<(K, V)>) {
        match self {
            RowChange::Added {
                key,
                row,
                new_index,
            } => rows.insert(*new_index, (key.clone(), row.clone())),
            RowChange::Removed { old_index, .. } => {
                rows.remove(*old_index);
            }
            RowChange::Modified { row, index, .. } => rows[*index].1 = row.clone(),
            RowChange::Moved {
                key,
                row,
                old_index,
                new_index,
            } => {
                rows.remove(*old_index);
                rows.insert(*new_index, (key.clone(), row.clone()));
            }
        }
    }
}

/// The result of a query: rows in order, with each row's sort key and row key beside it (at
/// the same index) so a row is found by one binary-search descent. Both are counted trees
/// ([`Seq`]): a row moves in O(log n), not by shifting a vector. `rows` is shared with readers
/// as a snapshot ([`Rows`]); a write while a reader holds one copies only the tree nodes it
/// touches.
pub(crate) struct Window<K, V, S> {
    pub(crate) rows: Rows<K, V>,
    sorts: Seq<(S, K)>,
}

impl<K: Ord + Clone, V: Clone, S: Ord + Clone> Window<K, V, S> {
    fn sort_at(&self, at: usize) -> &S {
        &self.entry(at).0
    }

    fn entry(&self, at: usize) -> &(S, K) {
        self.sorts.get(at).expect("a window index is in range")
    }

    /// Where `(sort, key)` is, or would be inserted. O(log n): one descent of the sort keys'
    /// tree.
    fn search(&self, sort: &S, key: &K) -> Result<usize, usize> {
        self.sorts
            .search_by(|(s, k)| s.cmp(sort).then_with(|| k.cmp(key)))
    }
}

/// The last stage of every live query: the ordered index of all rows and the visible window.
pub(crate) trait Ordered<K, V> {
    /// Pulls the pipeline, updates the window, returns the change list (empty: no change).
    fn refresh(&mut self) -> Vec<RowChange<K, V>>;
    /// The window's rows.
    fn rows(&self) -> &Rows<K, V>;
    /// The window position of the row under `key`.
    fn position(&self, key: &K) -> Option<usize>;
}

/// The capacity the pulled changes' buffer keeps between refreshes.
const SCRATCH_CAPACITY: usize = 64;

/// The rows a refresh touched, sorted by row key, each once: its key, its sort key and value
/// before the refresh, and its sort key after (`None`: absent). A sorted vector rather than a
/// map: a refresh usually touches one row, and the vector is kept between refreshes.
type Touched<K, S, V> = Vec<(K, Option<(S, V)>, Option<S>)>;

/// Whether `key` is among the touched rows.
fn is_touched<K: Ord, S, V>(touched: &Touched<K, S, V>, key: &K) -> bool {
    touched.binary_search_by(|(k, _, _)| k.cmp(key)).is_ok()
}

pub(crate) struct OrderBy<K, V, S> {
    input: Box<dyn Node<K, V>>,
    sort: Box<dyn Fn(&V) -> S>,
    offset: MaybeReactive<usize>,
    limit: MaybeReactive<Option<usize>>,
    /// Every row, in result order.
    index: BTreeMap<(S, K), V>,
    /// Each row's sort key, to find it in `index`.
    sort_keys: HashMap<K, S>,
    window: Window<K, V, S>,
    /// Whether the window was the whole index at the last refresh (offset 0, no limit).
    whole: bool,
    /// The offset and limit of the last refresh.
    last_window: Option<(usize, Option<usize>)>,
    /// The pulled changes' buffer, kept empty between refreshes so it is allocated once.
    scratch: Vec<Delta<K, V>>,
    /// The touched rows' buffer, likewise.
    touched: Touched<K, S, V>,
}

impl<K: RowKey, V: RowValue, S: Ord + Clone + 'static> OrderBy<K, V, S> {
    pub(crate) fn new(
        input: Box<dyn Node<K, V>>,
        sort: Box<dyn Fn(&V) -> S>,
        offset: MaybeReactive<usize>,
        limit: MaybeReactive<Option<usize>>,
    ) -> Self {
        OrderBy {
            input,
            sort,
            offset,
            limit,
            index: BTreeMap::new(),
            sort_keys: HashMap::new(),
            window: Window {
                rows: Rows::default(),
                sorts: Seq::default(),
            },
            whole: true,
            last_window: None,
            scratch: Vec::new(),
            touched: Vec::new(),
        }
    }

    fn remove_at(&mut self, index: usize) -> (S, K, V) {
        let (key, row) = self.window.rows.seq.remove(index);
        (self.window.sorts.remove(index).0, key, row)
    }

    fn insert_sorted(&mut self, sort: S, key: K, row: V) -> usize {
        let at = match self.window.search(&sort, &key) {
            Ok(at) | Err(at) => at,
        };
        self.window.sorts.insert(at, (sort, key.clone()));
        self.window.rows.seq.insert(at, (key, row));
        at
    }

    /// Whether `(sort, key)` still sorts after the row before `at` and before the row after it.
    fn stays_at(&self, at: usize, sort: &S, key: &K) -> bool {
        let window = &self.window;
        let after_previous = at == 0 || {
            let (s, k) = window.entry(at - 1);
            (s, k) < (sort, key)
        };
        let before_next = at + 1 >= window.sorts.len() || {
            let (s, k) = window.entry(at + 1);
            (sort, key) < (s, k)
        };
        after_previous && before_next
    }

    /// Whether each touched row sorted after the window's last row, before and after.
    fn all_after_window(&self, touched: &Touched<K, S, V>) -> bool {
        let last = self.window.sorts.len().checked_sub(1);
        let Some((last_sort, last_key)) = last.and_then(|at| self.window.sorts.get(at)) else {
            return false;
        };
        let after = |sort: &S, key: &K| (sort, key) > (last_sort, last_key);
        touched.iter().all(|(key, before, now)| {
            before.as_ref().is_none_or(|(sort, _)| after(sort, key))
                && now.as_ref().is_none_or(|sort| after(sort, key))
        })
    }

    /// Emits the steps that turn the window's rows `old` into `new` (both keyed by row key,
    /// with sort keys): removals, then changes, then additions, each placed by binary search
    /// in the list as it is at that step (rows not yet visited keep their old sort keys, and
    /// the list stays sorted by what each row holds).
    fn emit(
        &mut self,
        old: BTreeMap<K, (S, V)>,
        mut new: BTreeMap<K, (S, V)>,
        changes: &mut Vec<RowChange<K, V>>,
    ) {
        let mut kept = Vec::new();
        for (key, (sort, row)) in old {
            match new.remove(&key) {
                None => {
                    let at = self
                        .window
                        .search(&sort, &key)
                        .expect("a window row is in the window");
                    self.remove_at(at);
                    changes.push(RowChange::Removed {
                        key,
                        row,
                        old_index: at,
                    });
                }
                Some(now) if now.0 == sort && now.1 == row => {}
                Some(now) => kept.push((key, sort, now)),
            }
        }
        for (key, sort, (new_sort, row)) in kept {
            let old_index = self
                .window
                .search(&sort, &key)
                .expect("a window row is in the window");
            if self.stays_at(old_index, &new_sort, &key) {
                // Still between its neighbours: replaced in place, one descent per tree.
                self.window
                    .rows
                    .seq
                    .set(old_index, (key.clone(), row.clone()));
                self.window.sorts.set(old_index, (new_sort, key.clone()));
                changes.push(RowChange::Modified {
                    key,
                    row,
                    index: old_index,
                });
                continue;
            }
            self.remove_at(old_index);
            let new_index = self.insert_sorted(new_sort, key.clone(), row.clone());
            changes.push(if old_index == new_index {
                RowChange::Modified {
                    key,
                    row,
                    index: new_index,
                }
            } else {
                RowChange::Moved {
                    key,
                    row,
                    old_index,
                    new_index,
                }
            });
        }
        for (key, (sort, row)) in new {
            let new_index = self.insert_sorted(sort, key.clone(), row.clone());
            changes.push(RowChange::Added {
                key,
                row,
                new_index,
            });
        }
    }
}

impl<K: RowKey, V: RowValue, S: Ord + Clone + 'static> OrderBy<K, V, S> {
    /// The index entry at `position`, given that exactly `before` entries sort before `at`
    /// (or, with `inclusive`, at or before it). Walks from `at`, so it costs
    /// O((|before - position| + 1) + log n).
    fn entry_at(
        &self,
        at: &(S, K),
        before: usize,
        position: usize,
        inclusive: bool,
    ) -> Option<(S, K)> {
        use std::ops::Bound::{Excluded, Included, Unbounded};
        if before > position {
            let start = if inclusive {
                Included(at)
            } else {
                Excluded(at)
            };
            let below: (std::ops::Bound<&(S, K)>, _) = (Unbounded, start);
            self.index.range(below).rev().nth(before - position - 1)
        } else {
            let from = if inclusive {
                Excluded(at)
            } else {
                Included(at)
            };
            self.index.range((from, Unbounded)).nth(position - before)
        }
        .map(|(entry, _)| entry.clone())
    }

    /// Updates a non-empty window of the same `offset`/`limit` after the `touched` rows
    /// changed (the index already holds their new values). The rows before the old first row
    /// `a` and up to the old last row `b` are counted from the old counts (`offset`,
    /// `offset + len`) plus the touched rows that crossed `a` or `b`; the new edges are then at
    /// most `t` entries from the old ones, and only rows between old and new edges (plus the
    /// touched rows) enter the diff. O(t log n + change) instead of O(offset + limit).
    fn shift_window(
        &mut self,
        offset: usize,
        limit: Option<usize>,
        touched: &Touched<K, S, V>,
        changes: &mut Vec<RowChange<K, V>>,
    ) {
        use std::ops::Bound::{Excluded, Included};
        let len = self.window.rows.len();
        let a = self.window.entry(0).clone();
        let b = self.window.entry(len - 1).clone();
        let (mut below_a, mut upto_b) = (offset, offset + len);
        for (key, before, now) in touched {
            if let Some((sort, _)) = before {
                below_a -= usize::from((sort, key) < (&a.0, &a.1));
                upto_b -= usize::from((sort, key) <= (&b.0, &b.1));
            }
            if let Some(sort) = now {
                below_a += usize::from((sort, key) < (&a.0, &a.1));
                upto_b += usize::from((sort, key) <= (&b.0, &b.1));
            }
        }
        let Some(first) = self.entry_at(&a, below_a, offset, false) else {
            // Offset now past the end: every row leaves.
            let old = self.window_map();
            self.emit(old, BTreeMap::new(), changes);
            return;
        };
        let last_position = match limit {
            Some(limit) => offset + limit - 1,
            None => self.index.len() - 1,
        };
        let last = self
            .entry_at(&b, upto_b, last_position, true)
            .or_else(|| self.index.last_key_value().map(|(entry, _)| entry.clone()))
            .expect("the index holds the window's first row");
        let inside = |sort: &S, key: &K| {
            (sort, key) >= (&first.0, &first.1) && (sort, key) <= (&last.0, &last.1)
        };
        let mut old = BTreeMap::new();
        let mut new = BTreeMap::new();
        for (key, before, now) in touched {
            if let Some((sort, row)) = before {
                if (sort, key) >= (&a.0, &a.1) && (sort, key) <= (&b.0, &b.1) {
                    old.insert(key.clone(), (sort.clone(), row.clone()));
                }
            }
            if let Some(sort) = now {
                if inside(sort, key) {
                    let row = self.index[&(sort.clone(), key.clone())].clone();
                    new.insert(key.clone(), (sort.clone(), row));
                }
            }
        }
        // Untouched rows of the old window outside the new edges leave.
        let window = &self.window;
        let row_at = |at: usize| {
            let (key, row) = window.rows.get(at).expect("a window index is in range");
            (key, row, window.sort_at(at))
        };
        let leaving = (0..len)
            .map(row_at)
            .take_while(|(key, _, sort)| (*sort, *key) < (&first.0, &first.1))
            .chain(
                (0..len)
                    .rev()
                    .map(row_at)
                    .take_while(|(key, _, sort)| (*sort, *key) > (&last.0, &last.1)),
            );
        for (key, row, sort) in leaving {
            if !is_touched(touched, key) {
                old.insert(key.clone(), (sort.clone(), row.clone()));
            }
        }
        // Untouched rows inside the new edges but outside the old ones enter.
        let mut enter = |low: std::ops::Bound<&(S, K)>, high: std::ops::Bound<&(S, K)>| {
            let empty = match (low, high) {
                (Included(l), Included(h)) => l > h,
                (Included(l), Excluded(h))
                | (Excluded(l), Included(h))
                | (Excluded(l), Excluded(h)) => l >= h,
                _ => false,
            };
            if empty {
                return;
            }
            for ((sort, key), row) in self.index.range((low, high)) {
                if !is_touched(touched, key) {
                    new.insert(key.clone(), (sort.clone(), row.clone()));
                }
            }
        };
        let below_high = if last < a {
            Included(&last)
        } else {
            Excluded(&a)
        };
        enter(Included(&first), below_high);
        let above_low = if first > b {
            Included(&first)
        } else {
            Excluded(&b)
        };
        enter(above_low, Included(&last));
        self.emit(old, new, changes);
    }

    /// The window's rows keyed by row key, with their sort keys.
    fn window_map(&self) -> BTreeMap<K, (S, V)> {
        self.window
            .rows
            .iter()
            .zip(self.window.sorts.iter())
            .map(|((k, v), (s, _))| (k.clone(), (s.clone(), v.clone())))
            .collect()
    }
}

impl<K: RowKey, V: RowValue, S: Ord + Clone + 'static> Ordered<K, V> for OrderBy<K, V, S> {
    fn refresh(&mut self) -> Vec<RowChange<K, V>> {
        let offset = read(&self.offset);
        let limit = read(&self.limit);
        let mut input = std::mem::take(&mut self.scratch);
        self.input.pull(&mut input);
        // Each touched row's sort key and value before this refresh, and its sort key after.
        let mut touched = std::mem::take(&mut self.touched);
        for Delta { key, new, .. } in input.drain(..) {
            let now = new.as_ref().map(|row| (self.sort)(row));
            // One hash lookup for an update (the common change), two for an insert.
            let old_sort = match &now {
                Some(sort) => match self.sort_keys.get_mut(&key) {
                    Some(slot) => Some(std::mem::replace(slot, sort.clone())),
                    None => {
                        self.sort_keys.insert(key.clone(), sort.clone());
                        None
                    }
                },
                None => self.sort_keys.remove(&key),
            };
            let before = old_sort.map(|sort| {
                let row = self.index.remove(&(sort.clone(), key.clone()));
                (sort, row.expect("the index holds every row of sort_keys"))
            });
            if let (Some(row), Some(sort)) = (new, &now) {
                self.index.insert((sort.clone(), key.clone()), row);
            }
            touched.push((key, before, now));
        }
        // Stages emit one delta per key; should one emit two, the first `before` and the last
        // sort key are the row's change (a stable sort keeps them in order).
        touched.sort_by(|x, y| x.0.cmp(&y.0));
        touched.dedup_by(|later, earlier| {
            let same = later.0 == earlier.0;
            if same {
                earlier.2 = later.2.take();
            }
            same
        });
        // The first pull holds every row: do not keep a buffer that big.
        input.shrink_to(SCRATCH_CAPACITY);
        self.scratch = input;
        let whole = offset == 0 && limit.is_none();
        let mut changes = Vec::new();
        if self.window.rows.is_empty() {
            // Nothing shown yet (the first pull, or an empty window): the new window is read
            // from the index in order, each row an addition at its position. O(offset + limit),
            // where inserting the rows one by one would shift the vector for each.
            let mut rows = Vec::new();
            let mut sorts = Vec::new();
            let window = self.index.iter().skip(offset);
            for (at, ((sort, key), row)) in window.take(limit.unwrap_or(usize::MAX)).enumerate() {
                rows.push((key.clone(), row.clone()));
                sorts.push((sort.clone(), key.clone()));
                changes.push(RowChange::Added {
                    key: key.clone(),
                    row: row.clone(),
                    new_index: at,
                });
            }
            self.window.rows.seq = Seq::from_vec(rows);
            self.window.sorts = Seq::from_vec(sorts);
        } else if whole && self.whole {
            // The window is the whole index: only touched rows change. O(t log n) searches.
            let mut old = BTreeMap::new();
            let mut new = BTreeMap::new();
            for (key, before, now) in touched.drain(..) {
                if let Some(sort) = now {
                    let row = self.index[&(sort.clone(), key.clone())].clone();
                    new.insert(key.clone(), (sort, row));
                }
                if let Some(before) = before {
                    old.insert(key, before);
                }
            }
            self.emit(old, new, &mut changes);
        } else if self.last_window == Some((offset, limit))
            && limit == Some(self.window.rows.len())
            && self.all_after_window(&touched)
        {
            // Every touched row was and stays after the full window's last row: the first
            // offset + limit rows of the index are the same, so is the window. O(t).
        } else if self.last_window == Some((offset, limit))
            && limit != Some(0)
            && !self.window.rows.is_empty()
        {
            // Same window over changed rows: find the new edges by counting how many rows
            // crossed the old ones, then diff only the rows near the edges. O(t log n + output).
            self.shift_window(offset, limit, &touched, &mut changes);
        } else {
            // A window: compare the old window with the new one, O(offset + limit).
            let old = self.window_map();
            let new: BTreeMap<K, (S, V)> = self
                .index
                .iter()
                .skip(offset)
                .take(limit.unwrap_or(usize::MAX))
                .map(|((s, k), v)| (k.clone(), (s.clone(), v.clone())))
                .collect();
            self.emit(old, new, &mut changes);
        }
        touched.clear();
        touched.shrink_to(SCRATCH_CAPACITY);
        self.touched = touched;
        self.whole = whole;
        self.last_window = Some((offset, limit));
        changes
    }

    fn rows(&self) -> &Rows<K, V> {
        &self.window.rows
    }

    fn position(&self, key: &K) -> Option<usize> {
        let sort = self.sort_keys.get(key)?;
        self.window.search(sort, key).ok()
    }
}
