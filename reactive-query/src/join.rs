//! Inner and left joins of two queries on a key.

use crate::collection::{RowKey, RowValue};
use crate::query::{Delta, Node, Query};
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

/// One side's rows, indexed by join key.
type Side<J, K, V> = HashMap<J, BTreeMap<K, V>>;

/// A side's join key: `None` matches nothing.
type JoinKey<V, J> = Box<dyn Fn(&V) -> Option<J>>;

/// A left join as a pipeline stage.
type LeftJoinNode<K, V, K2, V2> = Box<dyn Node<(K, Option<K2>), (V, Option<V2>)>>;

/// A left join's output key and row.
type Pair<K, V, K2, V2> = ((K, Option<K2>), (V, Option<V2>));

impl<K: RowKey, V: RowValue> Query<K, V> {
    /// Pairs each row with each row of `right` whose join key is equal; `None` join keys match
    /// nothing (SQL's `NULL`). The result is keyed by the pair of row keys. Keeps both sides'
    /// rows indexed by join key; a row change costs O(log n) plus the rows it pairs with.
    ///
    /// ```
    /// use reactive_query::Collection;
    /// let users = Collection::new();
    /// let orders = Collection::new();
    /// users.insert(1, "ada");
    /// orders.insert(10, (1, 99));
    /// orders.insert(11, (2, 5));
    /// let q = users.query().join(orders.query(), |_: &&str| Some(1), |o: &(i32, i32)| Some(o.0)).live();
    /// assert_eq!(q.rows(), [((1, 10), ("ada", (1, 99)))]);
    /// ```
    pub fn join<K2: RowKey, V2: RowValue, J: Hash + Eq + Clone + 'static>(
        self,
        right: Query<K2, V2>,
        left_key: impl Fn(&V) -> Option<J> + 'static,
        right_key: impl Fn(&V2) -> Option<J> + 'static,
    ) -> Query<(K, K2), (V, V2)> {
        let inner = self.left_join(right, left_key, right_key);
        Query::from_node(InnerOnly { input: inner.node })
    }

    /// Like [`join`](Query::join), but a left row without a match appears once, paired with
    /// `None` (SQL's `LEFT JOIN`).
    pub fn left_join<K2: RowKey, V2: RowValue, J: Hash + Eq + Clone + 'static>(
        self,
        right: Query<K2, V2>,
        left_key: impl Fn(&V) -> Option<J> + 'static,
        right_key: impl Fn(&V2) -> Option<J> + 'static,
    ) -> Query<(K, Option<K2>), (V, Option<V2>)> {
        Query::from_node(LeftJoin {
            left: self.node,
            right: right.node,
            left_key: Box::new(left_key),
            right_key: Box::new(right_key),
            lefts: HashMap::new(),
            rights: HashMap::new(),
            unmatched: BTreeMap::new(),
        })
    }
}

struct LeftJoin<K, V, K2, V2, J> {
    left: Box<dyn Node<K, V>>,
    right: Box<dyn Node<K2, V2>>,
    left_key: JoinKey<V, J>,
    right_key: JoinKey<V2, J>,
    lefts: Side<J, K, V>,
    rights: Side<J, K2, V2>,
    /// Left rows whose join key is `None` (they match nothing).
    unmatched: BTreeMap<K, V>,
}

type Out<K, V, K2, V2> =
    HashMap<(K, Option<K2>), (Option<(V, Option<V2>)>, Option<(V, Option<V2>)>)>;

/// Records one output change, keeping the first `old` and the last `new` of each key.
fn push<K: RowKey, V: RowValue, K2: RowKey, V2: RowValue>(
    out: &mut Out<K, V, K2, V2>,
    key: (K, Option<K2>),
    old: Option<(V, Option<V2>)>,
    new: Option<(V, Option<V2>)>,
) {
    match out.get_mut(&key) {
        Some(entry) => entry.1 = new,
        None => {
            out.insert(key, (old, new));
        }
    }
}

impl<K: RowKey, V: RowValue, K2: RowKey, V2: RowValue, J: Hash + Eq + Clone>
    LeftJoin<K, V, K2, V2, J>
{
    /// The output rows of one left row, given the current right side.
    fn pairs(&self, key: &K, row: &V) -> Vec<Pair<K, V, K2, V2>> {
        let matches = (self.left_key)(row).and_then(|j| self.rights.get(&j));
        match matches {
            Some(rights) if !rights.is_empty() => rights
                .iter()
                .map(|(k2, v2)| {
                    (
                        (key.clone(), Some(k2.clone())),
                        (row.clone(), Some(v2.clone())),
                    )
                })
                .collect(),
            _ => vec![((key.clone(), None), (row.clone(), None))],
        }
    }
}

impl<K: RowKey, V: RowValue, K2: RowKey, V2: RowValue, J: Hash + Eq + Clone>
    Node<(K, Option<K2>), (V, Option<V2>)> for LeftJoin<K, V, K2, V2, J>
{
    fn pull(&mut self, out: &mut Vec<Delta<(K, Option<K2>), (V, Option<V2>)>>) {
        let mut changes: Out<K, V, K2, V2> = HashMap::new();
        let mut left = Vec::new();
        self.left.pull(&mut left);
        for Delta { key, old, new } in left {
            if let Some(old) = old {
                for (k, v) in self.pairs(&key, &old) {
                    push(&mut changes, k, Some(v), None);
                }
                match (self.left_key)(&old) {
                    Some(j) => {
                        let side = self.lefts.get_mut(&j).expect("join: a left row is not under its join key: the left key function is not deterministic");
                        side.remove(&key);
                        if side.is_empty() {
                            self.lefts.remove(&j);
                        }
                    }
                    None => {
                        self.unmatched.remove(&key);
                    }
                }
            }
            if let Some(new) = new {
                for (k, v) in self.pairs(&key, &new) {
                    push(&mut changes, k, None, Some(v));
                }
                match (self.left_key)(&new) {
                    Some(j) => self.lefts.entry(j).or_default().insert(key, new),
                    None => self.unmatched.insert(key, new),
                };
            }
        }
        let mut right = Vec::new();
        self.right.pull(&mut right);
        for Delta { key, old, new } in right {
            if let Some(j) = old.as_ref().and_then(|old| (self.right_key)(old)) {
                let side = self.rights.get_mut(&j).expect("join: a right row is not under its join key: the right key function is not deterministic");
                side.remove(&key);
                let now_empty = side.is_empty();
                if now_empty {
                    self.rights.remove(&j);
                }
                let old = old.expect("a join key came from the old row");
                for (lk, lv) in self.lefts.get(&j).into_iter().flatten() {
                    let pair = Some((lv.clone(), Some(old.clone())));
                    push(&mut changes, (lk.clone(), Some(key.clone())), pair, None);
                    if now_empty {
                        push(
                            &mut changes,
                            (lk.clone(), None),
                            None,
                            Some((lv.clone(), None)),
                        );
                    }
                }
            }
            if let Some(new) = new {
                let Some(j) = (self.right_key)(&new) else {
                    continue;
                };
                let side = self.rights.entry(j.clone()).or_default();
                let was_empty = side.is_empty();
                side.insert(key.clone(), new.clone());
                for (lk, lv) in self.lefts.get(&j).into_iter().flatten() {
                    if was_empty {
                        push(
                            &mut changes,
                            (lk.clone(), None),
                            Some((lv.clone(), None)),
                            None,
                        );
                    }
                    let pair = Some((lv.clone(), Some(new.clone())));
                    push(&mut changes, (lk.clone(), Some(key.clone())), None, pair);
                }
            }
        }
        out.extend(
            changes
                .into_iter()
                .filter(|(_, (old, new))| old != new)
                .map(|(key, (old, new))| Delta { key, old, new }),
        );
    }
}

/// Drops a left join's unmatched rows and unwraps the right side: an inner join.
struct InnerOnly<K, V, K2, V2> {
    /// The left join.
    input: LeftJoinNode<K, V, K2, V2>,
}

impl<K: RowKey, V: RowValue, K2: RowKey, V2: RowValue> Node<(K, K2), (V, V2)>
    for InnerOnly<K, V, K2, V2>
{
    fn pull(&mut self, out: &mut Vec<Delta<(K, K2), (V, V2)>>) {
        let mut input = Vec::new();
        self.input.pull(&mut input);
        for Delta {
            key: (k, k2),
            old,
            new,
        } in input
        {
            let Some(k2) = k2 else { continue };
            let unwrap = |row: Option<(V, Option<V2>)>| row.and_then(|(v, v2)| Some((v, v2?)));
            out.push(Delta {
                key: (k, k2),
                old: unwrap(old),
                new: unwrap(new),
            });
        }
    }
}
