//! `Rows<K, V>`: a live result's rows as readers see them, a snapshot that costs O(1) to take
//! and that later updates of the result do not change.

use crate::seq::{Iter, Seq};
use std::fmt;

/// The rows of a live result, in order: what [`LiveQuery::with`](reactive_core::With::with)
/// lends and [`get`](reactive_core::Get::get) returns.
///
/// It is a snapshot: cloning it is O(1) (it shares the result's tree of rows), and an update
/// of the query after it was taken copies only the few tree nodes the update writes, so the
/// snapshot keeps the rows it had. Indexing is O(log n); iterating is O(1) per row.
///
/// ```
/// use reactive_core::Get;
/// use reactive_query::Collection;
/// let c = Collection::new();
/// c.insert("b", 2);
/// c.insert("a", 1);
/// let q = c.query().order_by(|v: &i32| *v).live();
/// let before = q.get();
/// c.insert("c", 0);
/// assert_eq!(before, [("a", 1), ("b", 2)]);
/// assert_eq!(q.get()[0], ("c", 0));
/// assert_eq!(q.get().iter().map(|(k, _)| *k).collect::<Vec<_>>(), ["c", "a", "b"]);
/// ```
pub struct Rows<K, V> {
    pub(crate) seq: Seq<(K, V)>,
}

impl<K, V> Clone for Rows<K, V> {
    fn clone(&self) -> Self {
        Rows {
            seq: self.seq.clone(),
        }
    }
}

impl<K: Clone, V: Clone> Default for Rows<K, V> {
    fn default() -> Self {
        Rows {
            seq: Seq::default(),
        }
    }
}

impl<K: Clone, V: Clone> Rows<K, V> {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.seq.len()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.seq.is_empty()
    }

    /// The row at `index` with its key, if `index < len`. O(log n).
    pub fn get(&self, index: usize) -> Option<&(K, V)> {
        self.seq.get(index)
    }

    /// The first row.
    pub fn first(&self) -> Option<&(K, V)> {
        self.seq.get(0)
    }

    /// The last row.
    pub fn last(&self) -> Option<&(K, V)> {
        self.seq
            .len()
            .checked_sub(1)
            .and_then(|at| self.seq.get(at))
    }

    /// The rows in order.
    pub fn iter(&self) -> RowsIter<'_, K, V> {
        RowsIter {
            inner: self.seq.iter(),
        }
    }

    /// The rows from `start` on, in order (`start` past the end: none). O(log n) to start.
    ///
    /// ```
    /// use reactive_query::Collection;
    /// let c = Collection::new();
    /// for k in 0..5 { c.insert(k, k * 10); }
    /// let rows = c.query().live().snapshot();
    /// assert_eq!(rows.iter_from(3).collect::<Vec<_>>(), [&(3, 30), &(4, 40)]);
    /// ```
    pub fn iter_from(&self, start: usize) -> RowsIter<'_, K, V> {
        RowsIter {
            inner: self.seq.iter_from(start),
        }
    }

    /// A copy of the rows in a vector. O(n).
    pub fn to_vec(&self) -> Vec<(K, V)> {
        self.iter().cloned().collect()
    }
}

/// An iterator over a [`Rows`] snapshot, in order.
pub struct RowsIter<'a, K, V> {
    inner: Iter<'a, (K, V)>,
}

impl<'a, K, V> Iterator for RowsIter<'a, K, V> {
    type Item = &'a (K, V);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner.next()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl<K, V> ExactSizeIterator for RowsIter<'_, K, V> {}

impl<'a, K: Clone, V: Clone> IntoIterator for &'a Rows<K, V> {
    type Item = &'a (K, V);
    type IntoIter = RowsIter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<K: Clone, V: Clone> std::ops::Index<usize> for Rows<K, V> {
    type Output = (K, V);

    /// # Panics
    /// If `index >= len`.
    #[track_caller]
    fn index(&self, index: usize) -> &(K, V) {
        match self.get(index) {
            Some(row) => row,
            None => panic!("Rows: index {index} out of {} rows", self.len()),
        }
    }
}

impl<K: Clone + PartialEq, V: Clone + PartialEq> PartialEq for Rows<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<K: Clone + Eq, V: Clone + Eq> Eq for Rows<K, V> {}

impl<K: Clone + PartialEq, V: Clone + PartialEq> PartialEq<[(K, V)]> for Rows<K, V> {
    fn eq(&self, other: &[(K, V)]) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<K: Clone + PartialEq, V: Clone + PartialEq> PartialEq<Vec<(K, V)>> for Rows<K, V> {
    fn eq(&self, other: &Vec<(K, V)>) -> bool {
        *self == other[..]
    }
}

impl<K: Clone + PartialEq, V: Clone + PartialEq, const N: usize> PartialEq<[(K, V); N]>
    for Rows<K, V>
{
    fn eq(&self, other: &[(K, V); N]) -> bool {
        *self == other[..]
    }
}

impl<K: Clone + fmt::Debug, V: Clone + fmt::Debug> fmt::Debug for Rows<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}
