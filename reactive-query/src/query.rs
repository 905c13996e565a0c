//! The builder, `Query<K, V>`, and the stateless operators `filter` and `map` (plus `filter_by`,
//! a filter with a reactive parameter, which keeps its input to re-evaluate it).

use crate::collection::{RowKey, RowValue};
use reactive_core::{MaybeReactive, With};
use std::collections::HashMap;

/// One row's change between two pulls: its value before (`None`: absent) and after.
/// Every operator emits at most one delta per key per pull, with `old` exact.
pub(crate) struct Delta<K, V> {
    pub(crate) key: K,
    pub(crate) old: Option<V>,
    pub(crate) new: Option<V>,
}

/// A stage of the pipeline: pulls the changes of its input since the last pull and turns them
/// into its own. Pulling tracks the reactive sources it reads (the running memo is the query).
pub(crate) trait Node<K, V> {
    fn pull(&mut self, out: &mut Vec<Delta<K, V>>);
}

/// A query under construction: a pipeline of incremental operators over keyed rows `V` with
/// keys `K`. Finish it with [`live`](Query::live) (ordered by key) or
/// [`order_by`](Query::order_by).
///
/// ```
/// use reactive_query::Collection;
/// let c = Collection::new();
/// c.insert(1, 7);
/// c.insert(2, 12);
/// let doubled_big = c.query().filter(|v| *v > 10).map(|v| v * 2).live();
/// assert_eq!(doubled_big.rows(), vec![(2, 24)]);
/// ```
pub struct Query<K, V> {
    pub(crate) node: Box<dyn Node<K, V>>,
}

impl<K: RowKey, V: RowValue> Query<K, V> {
    pub(crate) fn from_node(node: impl Node<K, V> + 'static) -> Self {
        Query {
            node: Box::new(node),
        }
    }

    /// Keeps the rows for which `keep` is true. Keeps no state.
    pub fn filter(self, keep: impl Fn(&V) -> bool + 'static) -> Query<K, V> {
        Query::from_node(Filter {
            input: self.node,
            keep,
        })
    }

    /// Keeps the rows for which `keep(row, parameter)` is true, where the parameter may be a
    /// signal, a memo or a constant. When it changes, every row is re-evaluated (O(n)); a row
    /// change costs O(1). Keeps a copy of its input rows (and the last parameter).
    ///
    /// ```
    /// use reactive_core::Signal;
    /// use reactive_query::Collection;
    /// let c = Collection::new();
    /// c.insert(1, 5);
    /// c.insert(2, 50);
    /// let threshold = Signal::new(10);
    /// let q = c.query().filter_by(threshold, |v, t| v > t).live();
    /// assert_eq!(q.keys(), vec![2]);
    /// threshold.set(1);
    /// assert_eq!(q.keys(), vec![1, 2]);
    /// ```
    pub fn filter_by<P: Clone + PartialEq + 'static>(
        self,
        parameter: impl Into<MaybeReactive<P>>,
        keep: impl Fn(&V, &P) -> bool + 'static,
    ) -> Query<K, V> {
        Query::from_node(FilterBy {
            input: self.node,
            parameter: parameter.into(),
            keep,
            last: None,
            rows: HashMap::new(),
        })
    }

    /// Turns each row into another value (a projection). Keeps no state. A change to a field
    /// that the projection drops reaches no further than this operator.
    pub fn map<W: RowValue>(self, project: impl Fn(&V) -> W + 'static) -> Query<K, W> {
        Query::from_node(Map {
            input: self.node,
            project,
        })
    }
}

struct Filter<K, V, F> {
    input: Box<dyn Node<K, V>>,
    keep: F,
}

impl<K: RowKey, V: RowValue, F: Fn(&V) -> bool> Node<K, V> for Filter<K, V, F> {
    fn pull(&mut self, out: &mut Vec<Delta<K, V>>) {
        let mut input = Vec::new();
        self.input.pull(&mut input);
        for Delta { key, old, new } in input {
            let old = old.filter(|v| (self.keep)(v));
            let new = new.filter(|v| (self.keep)(v));
            if old != new {
                out.push(Delta { key, old, new });
            }
        }
    }
}

struct Map<K, V, F> {
    input: Box<dyn Node<K, V>>,
    project: F,
}

impl<K: RowKey, V: RowValue, W: RowValue, F: Fn(&V) -> W> Node<K, W> for Map<K, V, F> {
    fn pull(&mut self, out: &mut Vec<Delta<K, W>>) {
        let mut input = Vec::new();
        self.input.pull(&mut input);
        for Delta { key, old, new } in input {
            let old = old.map(|v| (self.project)(&v));
            let new = new.map(|v| (self.project)(&v));
            if old != new {
                out.push(Delta { key, old, new });
            }
        }
    }
}

struct FilterBy<K, V, P: 'static, F> {
    input: Box<dyn Node<K, V>>,
    parameter: MaybeReactive<P>,
    keep: F,
    /// The parameter the current output was computed with (`None` before the first pull).
    last: Option<P>,
    /// The input rows, to re-evaluate when the parameter changes.
    rows: HashMap<K, V>,
}

impl<K: RowKey, V: RowValue, P: Clone + PartialEq, F: Fn(&V, &P) -> bool> Node<K, V>
    for FilterBy<K, V, P, F>
{
    fn pull(&mut self, out: &mut Vec<Delta<K, V>>) {
        let parameter = self.parameter.with(P::clone);
        let mut input = Vec::new();
        self.input.pull(&mut input);
        let keep = &self.keep;
        let visible = |row: Option<V>, p: Option<&P>| match p {
            Some(p) => row.filter(|v| keep(v, p)),
            None => None,
        };
        if self.last.as_ref() == Some(&parameter) {
            for Delta { key, old, new } in input {
                match &new {
                    Some(v) => self.rows.insert(key.clone(), v.clone()),
                    None => self.rows.remove(&key),
                };
                let old = visible(old, Some(&parameter));
                let new = visible(new, Some(&parameter));
                if old != new {
                    out.push(Delta { key, old, new });
                }
            }
            return;
        }
        // The parameter changed: every row may flip. Rows changed in this pull use their
        // value from before the pull with the old parameter.
        let mut before: HashMap<K, Option<V>> = HashMap::new();
        for Delta { key, old, new } in input {
            match new {
                Some(v) => self.rows.insert(key.clone(), v),
                None => self.rows.remove(&key),
            };
            before.insert(key, old);
        }
        let last = self.last.take();
        for (key, row) in &self.rows {
            let old_row = match before.remove(key) {
                Some(old) => old,
                None => Some(row.clone()),
            };
            let old = visible(old_row, last.as_ref());
            let new = visible(Some(row.clone()), Some(&parameter));
            if old != new {
                out.push(Delta {
                    key: key.clone(),
                    old,
                    new,
                });
            }
        }
        for (key, old) in before {
            let old = visible(old, last.as_ref());
            if old.is_some() {
                out.push(Delta {
                    key,
                    old,
                    new: None,
                });
            }
        }
        self.last = Some(parameter);
    }
}

/// Reads a parameter, tracked.
pub(crate) fn read<P: Clone + 'static>(parameter: &MaybeReactive<P>) -> P {
    parameter.with(P::clone)
}
