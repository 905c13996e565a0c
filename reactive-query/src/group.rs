//! `group_by` with retractable aggregates, and `distinct`.

use crate::collection::{RowKey, RowValue};
use crate::query::{Delta, Node, Query};
use std::collections::{BTreeMap, HashMap};

/// The aggregates of one group: how many rows it has and the sum, minimum and maximum of the
/// aggregated value. Every one can be retracted when a row leaves: the minimum and maximum
/// come from a multiset of the values, so deleting the current minimum finds the next one in
/// O(log n).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupStats {
    /// The number of rows in the group (never 0: empty groups leave the result).
    pub count: i64,
    /// The sum of the values (wide enough for a million rows of `i64::MAX / 2^20`).
    pub sum: i128,
    /// The smallest value.
    pub min: i64,
    /// The largest value.
    pub max: i64,
}

impl GroupStats {
    /// The mean of the values.
    ///
    /// ```
    /// use reactive_query::GroupStats;
    /// let a = GroupStats { count: 4, sum: 10, min: 1, max: 4 };
    /// assert_eq!(a.avg(), 2.5);
    /// ```
    pub fn avg(&self) -> f64 {
        self.sum as f64 / self.count as f64
    }
}

/// One group's running state.
struct GroupState {
    count: i64,
    sum: i128,
    /// The multiset of values: value → how many rows have it.
    values: BTreeMap<i64, usize>,
}

impl GroupState {
    fn aggregate(&self) -> Option<GroupStats> {
        let (&min, _) = self.values.first_key_value()?;
        let (&max, _) = self.values.last_key_value()?;
        Some(GroupStats {
            count: self.count,
            sum: self.sum,
            min,
            max,
        })
    }
}

impl<K: RowKey, V: RowValue> Query<K, V> {
    /// Groups rows by `group` (any key, `Option` for a nullable one: `None` is a group like
    /// SQL's `NULL`) and aggregates `value` over each group. The result is keyed by the group;
    /// a group with no rows left disappears. Keeps, per group, the count, the sum and the
    /// multiset of values; a row change costs O(log n).
    ///
    /// ```
    /// use reactive_query::{GroupStats, Collection};
    /// let orders = Collection::new();
    /// orders.insert(1, ("BTC", 10));
    /// orders.insert(2, ("BTC", 30));
    /// orders.insert(3, ("ETH", 5));
    /// let by_symbol = orders.query().group_by(|o| o.0, |o| o.1).live();
    /// assert_eq!(by_symbol.row(&"BTC").unwrap().1, GroupStats { count: 2, sum: 40, min: 10, max: 30 });
    /// orders.remove(&3);
    /// assert_eq!(by_symbol.keys(), ["BTC"]);
    /// ```
    pub fn group_by<G: RowKey>(
        self,
        group: impl Fn(&V) -> G + 'static,
        value: impl Fn(&V) -> i64 + 'static,
    ) -> Query<G, GroupStats> {
        Query::from_node(GroupBy {
            input: self.node,
            group,
            value,
            groups: HashMap::new(),
        })
    }

    /// The distinct values of `project` over the rows, as keys (with `()` rows). Keeps a count
    /// per distinct value.
    ///
    /// ```
    /// use reactive_query::Collection;
    /// let c = Collection::new();
    /// c.insert(1, "red");
    /// c.insert(2, "blue");
    /// c.insert(3, "red");
    /// assert_eq!(c.query().distinct(|v| *v).live().keys(), ["blue", "red"]);
    /// ```
    pub fn distinct<D: RowKey>(self, project: impl Fn(&V) -> D + 'static) -> Query<D, ()> {
        Query::from_node(Distinct {
            input: self.node,
            project,
            counts: HashMap::new(),
        })
    }
}

struct GroupBy<K, V, G, FG, FV> {
    input: Box<dyn Node<K, V>>,
    group: FG,
    value: FV,
    groups: HashMap<G, GroupState>,
}

impl<K, V, G, FG, FV> GroupBy<K, V, G, FG, FV>
where
    G: RowKey,
    FV: Fn(&V) -> i64,
{
    fn retract(&mut self, group: &G, value: i64) {
        let state = self
            .groups
            .get_mut(group)
            .expect("group_by: a row's group is gone: the group function is not deterministic");
        state.count -= 1;
        state.sum -= i128::from(value);
        let n = state.values.get_mut(&value).expect(
            "group_by: a row's value is not in its group: the value function is not deterministic",
        );
        *n -= 1;
        if *n == 0 {
            state.values.remove(&value);
        }
        if state.count == 0 {
            self.groups.remove(group);
        }
    }

    fn add(&mut self, group: G, value: i64) {
        let state = self.groups.entry(group).or_insert(GroupState {
            count: 0,
            sum: 0,
            values: BTreeMap::new(),
        });
        state.count += 1;
        state.sum += i128::from(value);
        *state.values.entry(value).or_insert(0) += 1;
    }
}

impl<K, V, G, FG, FV> Node<G, GroupStats> for GroupBy<K, V, G, FG, FV>
where
    K: RowKey,
    V: RowValue,
    G: RowKey,
    FG: Fn(&V) -> G,
    FV: Fn(&V) -> i64,
{
    fn pull(&mut self, out: &mut Vec<Delta<G, GroupStats>>) {
        let mut input = Vec::new();
        self.input.pull(&mut input);
        // Each touched group's aggregate before this pull.
        let mut before: HashMap<G, Option<GroupStats>> = HashMap::new();
        for Delta { old, new, .. } in input {
            if let Some(old) = old {
                let group = (self.group)(&old);
                let aggregate = self.groups.get(&group).and_then(GroupState::aggregate);
                before.entry(group.clone()).or_insert(aggregate);
                self.retract(&group, (self.value)(&old));
            }
            if let Some(new) = new {
                let group = (self.group)(&new);
                let aggregate = self.groups.get(&group).and_then(GroupState::aggregate);
                before.entry(group.clone()).or_insert(aggregate);
                self.add(group, (self.value)(&new));
            }
        }
        for (key, old) in before {
            let new = self.groups.get(&key).and_then(GroupState::aggregate);
            if old != new {
                out.push(Delta { key, old, new });
            }
        }
    }
}

struct Distinct<K, V, D, F> {
    input: Box<dyn Node<K, V>>,
    project: F,
    /// How many rows project to each value.
    counts: HashMap<D, usize>,
}

impl<K: RowKey, V: RowValue, D: RowKey, F: Fn(&V) -> D> Node<D, ()> for Distinct<K, V, D, F> {
    fn pull(&mut self, out: &mut Vec<Delta<D, ()>>) {
        let mut input = Vec::new();
        self.input.pull(&mut input);
        let mut before: HashMap<D, bool> = HashMap::new();
        for Delta { old, new, .. } in input {
            if let Some(old) = old {
                let d = (self.project)(&old);
                before.entry(d.clone()).or_insert(true);
                let n = self.counts.get_mut(&d).expect("distinct: a row's value was never counted: the projection is not deterministic");
                *n -= 1;
                if *n == 0 {
                    self.counts.remove(&d);
                }
            }
            if let Some(new) = new {
                let d = (self.project)(&new);
                let present = self.counts.contains_key(&d);
                before.entry(d.clone()).or_insert(present);
                *self.counts.entry(d).or_insert(0) += 1;
            }
        }
        for (key, was) in before {
            let is = self.counts.contains_key(&key);
            if was != is {
                out.push(Delta {
                    key,
                    old: was.then_some(()),
                    new: is.then_some(()),
                });
            }
        }
    }
}
