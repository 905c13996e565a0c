//! `Seq<T>`: the sequence a live result keeps its rows in. A counted B-tree (a rope): leaves
//! hold up to `LEAF_CAP` items, branches up to `BRANCH_CAP` children with each child's item
//! count, so indexing, inserting and removing at an index cost O(log n) plus a shift inside one
//! leaf. Nodes are shared by `Rc`: a clone is O(1) (a reader's snapshot), and a write to a
//! shared tree copies only the nodes on its path (`Rc::make_mut`), O(log n) nodes.

use std::cmp::Ordering;
use std::rc::Rc;

/// The most items a leaf holds; a fuller one splits in two.
const LEAF_CAP: usize = 64;
/// The most children a branch holds; a fuller one splits in two.
const BRANCH_CAP: usize = 16;

/// How many items `from_vec` puts in a leaf: three quarters full, so the inserts that follow a
/// build fill leaves before they split them (a full leaf splits on its first insert).
const LEAF_FILL: usize = LEAF_CAP * 3 / 4;

/// A leaf's item vector, allocated once at its largest (`LEAF_CAP` plus the item that makes it
/// split): inserting into a leaf never reallocates it.
fn leaf_vec<T>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut leaf = Vec::with_capacity(LEAF_CAP + 1);
    leaf.extend(items);
    leaf
}

#[derive(Clone)]
enum Node<T> {
    Leaf(Vec<T>),
    Branch(Vec<Child<T>>),
}

#[derive(Clone)]
struct Child<T> {
    /// How many items the subtree holds.
    len: usize,
    node: Rc<Node<T>>,
}

impl<T> Node<T> {
    /// Items in a leaf, children in a branch.
    fn width(&self) -> usize {
        match self {
            Node::Leaf(items) => items.len(),
            Node::Branch(children) => children.len(),
        }
    }

    fn len(&self) -> usize {
        match self {
            Node::Leaf(items) => items.len(),
            Node::Branch(children) => children.iter().map(|c| c.len).sum(),
        }
    }

    fn cap(&self) -> usize {
        match self {
            Node::Leaf(_) => LEAF_CAP,
            Node::Branch(_) => BRANCH_CAP,
        }
    }
}

/// The child holding item `index` of a branch, and the index within it.
fn locate<T>(children: &[Child<T>], mut index: usize) -> (usize, usize) {
    for (at, child) in children.iter().enumerate() {
        if index < child.len {
            return (at, index);
        }
        index -= child.len;
    }
    // `index == len`: one past the end, in the last child (an append).
    let last = children.len() - 1;
    (last, index + children[last].len)
}

/// The sizes of the fewest groups of at most `cap` that `n` items split into, as even as can
/// be (so no group is left nearly empty).
fn even_groups(n: usize, cap: usize) -> impl Iterator<Item = usize> {
    let groups = n.div_ceil(cap);
    (0..groups).map(move |g| n / groups + usize::from(g < n % groups))
}

/// A sequence with O(log n) indexing, insertion and removal at an index, and O(1) clones.
pub(crate) struct Seq<T> {
    root: Option<Rc<Node<T>>>,
    len: usize,
}

impl<T> Clone for Seq<T> {
    fn clone(&self) -> Self {
        Seq {
            root: self.root.clone(),
            len: self.len,
        }
    }
}

impl<T> Default for Seq<T> {
    fn default() -> Self {
        Seq { root: None, len: 0 }
    }
}

impl<T: Clone> Seq<T> {
    /// The items of `items`, in order, in full leaves: O(n).
    pub(crate) fn from_vec(items: Vec<T>) -> Self {
        let len = items.len();
        if len == 0 {
            return Seq::default();
        }
        let mut items = items.into_iter();
        let mut level: Vec<Child<T>> = even_groups(len, LEAF_FILL)
            .map(|size| {
                let leaf = leaf_vec(items.by_ref().take(size));
                Child {
                    len: leaf.len(),
                    node: Rc::new(Node::Leaf(leaf)),
                }
            })
            .collect();
        while level.len() > 1 {
            let mut children = level.into_iter();
            level = even_groups(children.len(), BRANCH_CAP * 3 / 4)
                .map(|size| {
                    let group: Vec<Child<T>> = children.by_ref().take(size).collect();
                    Child {
                        len: group.iter().map(|c| c.len).sum(),
                        node: Rc::new(Node::Branch(group)),
                    }
                })
                .collect();
        }
        Seq {
            root: level.pop().map(|child| child.node),
            len,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The item at `index`, if `index < len`. O(log n).
    pub(crate) fn get(&self, mut index: usize) -> Option<&T> {
        if index >= self.len {
            return None;
        }
        let mut node = self.root.as_deref()?;
        loop {
            match node {
                Node::Leaf(items) => return items.get(index),
                Node::Branch(children) => {
                    let (at, within) = locate(children, index);
                    node = &children[at].node;
                    index = within;
                }
            }
        }
    }

    /// Binary search in a sequence sorted by `compare` (which orders an item against the
    /// target): `Ok(index)` of an item comparing equal, else `Err(index)` where the target
    /// would be inserted. One descent, O(log n): a branch picks its child by comparing the
    /// target with each candidate child's first item (reached down the child's left edge).
    pub(crate) fn search_by(&self, compare: impl Fn(&T) -> Ordering) -> Result<usize, usize> {
        let Some(mut node) = self.root.as_deref() else {
            return Err(0);
        };
        let mut before = 0;
        loop {
            match node {
                Node::Leaf(items) => {
                    return items
                        .binary_search_by(&compare)
                        .map(|at| before + at)
                        .map_err(|at| before + at);
                }
                Node::Branch(children) => {
                    // The last child whose first item sorts at or before the target (the
                    // first child when none does).
                    let at = children[1..]
                        .partition_point(|child| compare(first(&child.node)) != Ordering::Greater);
                    before += children[..at].iter().map(|c| c.len).sum::<usize>();
                    node = &children[at].node;
                }
            }
        }
    }

    /// Replaces the item at `index`. O(log n).
    ///
    /// # Panics
    /// If `index >= len`.
    #[track_caller]
    pub(crate) fn set(&mut self, mut index: usize, item: T) {
        assert!(
            index < self.len,
            "Seq::set: index {index} out of {} items",
            self.len
        );
        let mut node = Rc::make_mut(self.root.as_mut().expect("a non-empty seq has a root"));
        loop {
            match node {
                Node::Leaf(items) => {
                    items[index] = item;
                    return;
                }
                Node::Branch(children) => {
                    let (at, within) = locate(children, index);
                    node = Rc::make_mut(&mut children[at].node);
                    index = within;
                }
            }
        }
    }

    /// Inserts `item` at `index`, shifting the items after it. O(log n).
    ///
    /// # Panics
    /// If `index > len`.
    #[track_caller]
    pub(crate) fn insert(&mut self, index: usize, item: T) {
        assert!(
            index <= self.len,
            "Seq::insert: index {index} past {} items",
            self.len
        );
        self.len += 1;
        let Some(root) = self.root.as_mut() else {
            self.root = Some(Rc::new(Node::Leaf(leaf_vec(std::iter::once(item)))));
            return;
        };
        if let Some(right) = insert_into(root, index, item) {
            let left = self.root.take().expect("the root was just written");
            let left_len = left.len();
            self.root = Some(Rc::new(Node::Branch(vec![
                Child {
                    len: left_len,
                    node: left,
                },
                Child {
                    len: right.len(),
                    node: right,
                },
            ])));
        }
    }

    /// Removes and returns the item at `index`. O(log n).
    ///
    /// # Panics
    /// If `index >= len`.
    #[track_caller]
    pub(crate) fn remove(&mut self, index: usize) -> T {
        assert!(
            index < self.len,
            "Seq::remove: index {index} out of {} items",
            self.len
        );
        self.len -= 1;
        let root = self.root.as_mut().expect("a non-empty seq has a root");
        let item = remove_from(root, index);
        // A branch left with one child gives way to it; an empty leaf to nothing.
        loop {
            let root = self.root.as_ref().expect("the root was just written");
            match &**root {
                Node::Branch(children) if children.len() == 1 => {
                    let only = children[0].node.clone();
                    self.root = Some(only);
                }
                Node::Leaf(items) if items.is_empty() => {
                    self.root = None;
                    break;
                }
                _ => break,
            }
        }
        item
    }

    /// The items in order.
    pub(crate) fn iter(&self) -> Iter<'_, T> {
        let mut iter = Iter {
            stack: Vec::new(),
            leaf: [].iter(),
            remaining: self.len,
        };
        if let Some(root) = self.root.as_deref() {
            iter.descend(root);
        }
        iter
    }

    /// The items in order, from `start` on. O(log n) to find the start.
    pub(crate) fn iter_from(&self, start: usize) -> Iter<'_, T> {
        let mut iter = Iter {
            stack: Vec::new(),
            leaf: [].iter(),
            remaining: self.len.saturating_sub(start),
        };
        let (Some(mut node), true) = (self.root.as_deref(), start < self.len) else {
            iter.remaining = 0;
            return iter;
        };
        let mut index = start;
        loop {
            match node {
                Node::Leaf(items) => {
                    iter.leaf = items[index..].iter();
                    return iter;
                }
                Node::Branch(children) => {
                    let (at, within) = locate(children, index);
                    iter.stack.push(children[at + 1..].iter());
                    node = &children[at].node;
                    index = within;
                }
            }
        }
    }
}

/// Inserts into the subtree at `node`; returns the right half if the node split.
/// The first item under a node: leaves are never empty in a non-empty tree.
fn first<T>(mut node: &Node<T>) -> &T {
    loop {
        match node {
            Node::Leaf(items) => return &items[0],
            Node::Branch(children) => node = &children[0].node,
        }
    }
}

fn insert_into<T: Clone>(node: &mut Rc<Node<T>>, index: usize, item: T) -> Option<Rc<Node<T>>> {
    let node = Rc::make_mut(node);
    match node {
        Node::Leaf(items) => {
            items.insert(index, item);
            let half = items.len() / 2;
            (items.len() > LEAF_CAP).then(|| Rc::new(Node::Leaf(leaf_vec(items.drain(half..)))))
        }
        Node::Branch(children) => {
            let (at, within) = locate(children, index);
            let split = insert_into(&mut children[at].node, within, item);
            children[at].len += 1;
            if let Some(right) = split {
                let right_len = right.len();
                children[at].len -= right_len;
                children.insert(
                    at + 1,
                    Child {
                        len: right_len,
                        node: right,
                    },
                );
            }
            (children.len() > BRANCH_CAP)
                .then(|| Rc::new(Node::Branch(children.split_off(children.len() / 2))))
        }
    }
}

/// Removes from the subtree at `node`. A child left under a quarter full is merged with a
/// neighbour (and the merge split again if it overflows), so the tree stays O(log n) deep.
fn remove_from<T: Clone>(node: &mut Rc<Node<T>>, index: usize) -> T {
    match Rc::make_mut(node) {
        Node::Leaf(items) => items.remove(index),
        Node::Branch(children) => {
            let (at, within) = locate(children, index);
            let item = remove_from(&mut children[at].node, within);
            children[at].len -= 1;
            if children.len() > 1 {
                if children[at].len == 0 {
                    children.remove(at);
                } else if children[at].node.width() < children[at].node.cap() / 4 {
                    rebalance(children, at);
                }
            }
            item
        }
    }
}

/// Merges the small child at `at` with a neighbour, splitting the result if it is too wide.
fn rebalance<T: Clone>(children: &mut Vec<Child<T>>, at: usize) {
    let left = if at + 1 < children.len() { at } else { at - 1 };
    let right = children.remove(left + 1);
    let right = Rc::try_unwrap(right.node).unwrap_or_else(|shared| (*shared).clone());
    let merged = Rc::make_mut(&mut children[left].node);
    match (merged, right) {
        (Node::Leaf(items), Node::Leaf(more)) => items.extend(more),
        (Node::Branch(kids), Node::Branch(more)) => kids.extend(more),
        _ => unreachable!("siblings are at the same depth"),
    }
    let merged = Rc::make_mut(&mut children[left].node);
    let tail = match merged {
        Node::Leaf(items) if items.len() > LEAF_CAP => {
            let half = items.len() / 2;
            Some(Node::Leaf(leaf_vec(items.drain(half..))))
        }
        Node::Branch(kids) if kids.len() > BRANCH_CAP => {
            Some(Node::Branch(kids.split_off(kids.len() / 2)))
        }
        _ => None,
    };
    children[left].len = children[left].node.len();
    if let Some(tail) = tail {
        children.insert(
            left + 1,
            Child {
                len: tail.len(),
                node: Rc::new(tail),
            },
        );
    }
}

/// An iterator over a [`Seq`]'s items in order.
pub(crate) struct Iter<'a, T> {
    /// The children still to visit at each level above the current leaf.
    stack: Vec<std::slice::Iter<'a, Child<T>>>,
    leaf: std::slice::Iter<'a, T>,
    remaining: usize,
}

impl<'a, T> Iter<'a, T> {
    /// Goes down the leftmost path of `node`, keeping the siblings to visit later.
    fn descend(&mut self, mut node: &'a Node<T>) {
        loop {
            match node {
                Node::Leaf(items) => {
                    self.leaf = items.iter();
                    return;
                }
                Node::Branch(children) => {
                    let mut rest = children.iter();
                    let Some(first) = rest.next() else { return };
                    self.stack.push(rest);
                    node = &first.node;
                }
            }
        }
    }
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        loop {
            if let Some(item) = self.leaf.next() {
                self.remaining -= 1;
                return Some(item);
            }
            let next = loop {
                let level = self.stack.last_mut()?;
                match level.next() {
                    Some(child) => break child,
                    None => {
                        self.stack.pop();
                    }
                }
            };
            self.descend(&next.node);
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Insert(usize, u32),
        Remove(usize),
        Set(usize, u32),
        Snapshot,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::Insert(i, v)),
            3 => any::<usize>().prop_map(Op::Remove),
            1 => (any::<usize>(), any::<u32>()).prop_map(|(i, v)| Op::Set(i, v)),
            1 => Just(Op::Snapshot),
        ]
    }

    /// Checks the counts and fill of every node and that the items are `reference`'s.
    fn check(seq: &Seq<u32>, reference: &[u32]) {
        assert_eq!(seq.len(), reference.len());
        assert_eq!(seq.iter().len(), reference.len());
        assert!(seq.iter().copied().eq(reference.iter().copied()));
        if let Some(root) = &seq.root {
            assert_eq!(root.len(), reference.len());
            check_node(root);
        }
    }

    fn check_node(node: &Node<u32>) {
        assert!(
            node.width() <= node.cap(),
            "a node holds at most its capacity"
        );
        if let Node::Branch(children) = node {
            for child in children {
                assert_eq!(
                    child.len,
                    child.node.len(),
                    "a child's count is its item count"
                );
                assert!(child.len > 0, "no empty child");
                check_node(&child.node);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Random inserts, removes and replacements at random indices, with snapshots taken
        /// between them, give the same items as a `Vec`, and a snapshot never changes.
        #[test]
        fn a_seq_behaves_like_a_vec_and_its_snapshots_do_not_change(
            start in 0usize..3000,
            ops in proptest::collection::vec(op(), 0..600),
        ) {
            let mut reference: Vec<u32> = (0..start as u32).collect();
            let mut seq = Seq::from_vec(reference.clone());
            let mut snapshots = Vec::new();
            for op in ops {
                match op {
                    Op::Insert(at, v) => {
                        let at = at % (reference.len() + 1);
                        reference.insert(at, v);
                        seq.insert(at, v);
                    }
                    Op::Remove(at) if !reference.is_empty() => {
                        let at = at % reference.len();
                        prop_assert_eq!(seq.remove(at), reference.remove(at));
                    }
                    Op::Set(at, v) if !reference.is_empty() => {
                        let at = at % reference.len();
                        reference[at] = v;
                        seq.set(at, v);
                    }
                    Op::Snapshot => snapshots.push((seq.clone(), reference.clone())),
                    _ => {}
                }
                for probe in [0, reference.len() / 2, reference.len().saturating_sub(1)] {
                    prop_assert_eq!(seq.get(probe), reference.get(probe));
                }
            }
            check(&seq, &reference);
            for start in [0, reference.len() / 3, reference.len()] {
                prop_assert!(seq.iter_from(start).copied().eq(reference[start..].iter().copied()));
            }
            for (snapshot, then) in &snapshots {
                check(snapshot, then);
            }
        }

        /// A sorted seq built by inserts and removes at random (sorted) places is searched
        /// like a sorted `Vec`: the same position for present and absent targets.
        #[test]
        fn searching_a_sorted_seq_finds_what_a_sorted_vec_finds(
            values in proptest::collection::btree_set(0u32..20_000, 0..3000),
            removes in proptest::collection::vec(any::<usize>(), 0..400),
            targets in proptest::collection::vec(0u32..20_001, 1..200),
        ) {
            let mut reference: Vec<u32> = Vec::new();
            let mut seq = Seq::default();
            for v in values.iter().rev().step_by(2).chain(values.iter().step_by(2)) {
                if let Err(at) = reference.binary_search(v) {
                    reference.insert(at, *v);
                    seq.insert(at, *v);
                }
            }
            for pick in removes {
                if !reference.is_empty() {
                    let at = pick % reference.len();
                    prop_assert_eq!(seq.remove(at), reference.remove(at));
                }
            }
            for target in targets.iter().chain(reference.iter().take(50)) {
                prop_assert_eq!(
                    seq.search_by(|item| item.cmp(target)),
                    reference.binary_search(target)
                );
            }
        }

        /// Draining a big seq from random positions keeps it shallow and consistent.
        #[test]
        fn removing_most_items_keeps_every_node_counted(
            start in 1000usize..5000,
            picks in proptest::collection::vec(any::<usize>(), 0..900),
        ) {
            let mut reference: Vec<u32> = (0..start as u32).collect();
            let mut seq = Seq::from_vec(reference.clone());
            for pick in picks {
                let at = pick % reference.len();
                prop_assert_eq!(seq.remove(at), reference.remove(at));
            }
            check(&seq, &reference);
        }
    }

    #[test]
    fn removing_every_item_leaves_an_empty_seq() {
        let mut seq = Seq::from_vec((0..500u32).collect());
        for _ in 0..500 {
            seq.remove(0);
        }
        assert!(seq.is_empty());
        assert!(seq.root.is_none());
        seq.insert(0, 7);
        assert_eq!(seq.get(0), Some(&7));
    }

    #[test]
    #[should_panic(expected = "Seq::insert: index 3 past 2 items")]
    fn inserting_past_the_end_panics_with_the_index() {
        let mut seq = Seq::from_vec(vec![1u32, 2]);
        seq.insert(3, 0);
    }
}
