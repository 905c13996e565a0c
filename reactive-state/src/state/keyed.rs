//! Keyed collections: lists whose items are identified by a key (`#[state(keyed = "id")]`),
//! so that a patch names an item by its key and stays correct when items move.
//!
//! A keyed collection's patches, in the order [`diff`] emits them (each applies to the list as
//! the previous ones left it):
//!
//! 1. `remove` of each item whose key left, from the back (`oldIndex`: where it was);
//! 2. `move` of kept items into their new relative order — as few as possible: the items on a
//!    longest increasing run of old positions stay, the others move (`oldIndex` → `index`);
//! 3. `add` of each new item, from the front (`index`: where it lands);
//! 4. edits inside kept items, at `/<collection>/<key>/…`.
//!
//! Equal leading and trailing runs of keys are matched first without hashing, so an edit to
//! one item of a long list hashes nothing. The diff still compares every kept item (`==`),
//! so it is O(n) comparisons; what it emits is proportional to the change.

use std::collections::{HashMap, HashSet};
use std::fmt::{Display, Write as _};
use std::hash::Hash;

use serde::de::DeserializeOwned;

use super::{Diff, Node, State, apply_whole, decode, no_such_path};
use crate::patch::{Patch, PatchError, PatchOp};
use crate::path::Segment;

/// A list that can hold a keyed collection: `Vec<T>` or [`imbl::Vector<T>`].
///
/// ```
/// use reactive_state::keyed::Sequence;
/// let mut v = vec![1, 3];
/// Sequence::insert(&mut v, 1, 2);
/// assert_eq!(Sequence::remove(&mut v, 0), 1);
/// assert_eq!(Sequence::len(&v), 2);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list that can hold a keyed collection",
    label = "not a `Vec`, an `imbl::Vector` or another `keyed::Sequence`",
    note = "`#[state(keyed = \"...\")]` goes on a field of type `Vec<T>` or `imbl::Vector<T>`"
)]
pub trait Sequence {
    /// The item type.
    type Item;
    /// The number of items.
    fn len(&self) -> usize;
    /// Whether it holds no item.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The item at `index`.
    fn get(&self, index: usize) -> Option<&Self::Item>;
    /// The item at `index`, mutably.
    fn get_mut(&mut self, index: usize) -> Option<&mut Self::Item>;
    /// Inserts at `index` (at most `len`), shifting what follows.
    fn insert(&mut self, index: usize, item: Self::Item);
    /// Removes the item at `index` (less than `len`), shifting what follows.
    fn remove(&mut self, index: usize) -> Self::Item;
}

impl<T> Sequence for Vec<T> {
    type Item = T;
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn get(&self, index: usize) -> Option<&T> {
        <[T]>::get(self, index)
    }
    fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        <[T]>::get_mut(self, index)
    }
    fn insert(&mut self, index: usize, item: T) {
        Vec::insert(self, index, item);
    }
    fn remove(&mut self, index: usize) -> T {
        Vec::remove(self, index)
    }
}

impl<T: Clone> Sequence for imbl::Vector<T> {
    type Item = T;
    fn len(&self) -> usize {
        imbl::Vector::len(self)
    }
    fn get(&self, index: usize) -> Option<&T> {
        imbl::Vector::get(self, index)
    }
    fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        imbl::Vector::get_mut(self, index)
    }
    fn insert(&mut self, index: usize, item: T) {
        imbl::Vector::insert(self, index, item);
    }
    fn remove(&mut self, index: usize) -> T {
        imbl::Vector::remove(self, index)
    }
}

/// Appends to `cx` the patches that turn the keyed collection `old` into `new` (see the module
/// docs for their order). Keys must be unique in each.
///
/// ```
/// use reactive_state::{keyed, path, Diff, Patch, PatchOp, Segment};
///
/// #[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
/// struct Todo { id: String, done: bool }
/// impl reactive_state::Node for Todo {}
/// impl reactive_state::State for Todo {}
/// let todo = |id: &str| Todo { id: id.into(), done: false };
///
/// let old = vec![todo("a"), todo("b"), todo("c")];
/// let new = vec![todo("c"), todo("a"), todo("b")];
/// let mut out = Vec::new();
/// let mut cx = Diff::at(path!(todos), &mut out);
/// keyed::diff(&new, &old, |t| &t.id, &mut cx);
/// cx.finish()?;
/// // One move, not three replacements: "c" goes from position 2 to 0.
/// assert_eq!(out, [Patch::move_item(path!(todos).join(Segment::key("c")), 2, 0)]);
/// # Ok::<(), reactive_state::PatchError>(())
/// ```
pub fn diff<S, K>(new: &S, old: &S, key_of: impl Fn(&S::Item) -> &K, cx: &mut Diff<'_>)
where
    S: Sequence,
    S::Item: State,
    K: Eq + Hash + Display + ?Sized,
{
    let (ln, lo) = (new.len(), old.len());
    // Common prefix and suffix of keys: matched in place, no hashing.
    let mut prefix = 0;
    while prefix < ln.min(lo) && key_of(item(new, prefix)) == key_of(item(old, prefix)) {
        prefix += 1;
    }
    let mut suffix = 0;
    while suffix < (ln - prefix).min(lo - prefix)
        && key_of(item(new, ln - 1 - suffix)) == key_of(item(old, lo - 1 - suffix))
    {
        suffix += 1;
    }
    let (old_end, new_end) = (lo - suffix, ln - suffix);
    let new_keys: HashMap<&K, usize> = (prefix..new_end)
        .map(|i| (key_of(item(new, i)), i))
        .collect();
    let old_keys: HashMap<&K, usize> = (prefix..old_end)
        .map(|i| (key_of(item(old, i)), i))
        .collect();

    // 1. Removals, from the back: each index is valid when applied.
    for i in (prefix..old_end).rev() {
        let value = item(old, i);
        if !new_keys.contains_key(key_of(value))
            && let Some(v) = cx.encode(value)
        {
            let path = cx.path().join(Segment::key(key_of(value)));
            cx.push(Patch::remove_item(path, i, v));
        }
    }
    // 2. Moves of kept items into their new relative order.
    let kept_now: Vec<&K> = (prefix..old_end)
        .map(|i| key_of(item(old, i)))
        .filter(|k| new_keys.contains_key(k))
        .collect();
    let kept_target: Vec<&K> = (prefix..new_end)
        .map(|i| key_of(item(new, i)))
        .filter(|k| old_keys.contains_key(k))
        .collect();
    for (key, from, to) in moves(&kept_now, &kept_target) {
        let path = cx.path().join(Segment::key(key));
        cx.push(Patch::move_item(path, prefix + from, prefix + to));
    }
    // 3. Insertions, from the front: everything before each new item is in place by then.
    for i in prefix..new_end {
        let value = item(new, i);
        if !old_keys.contains_key(key_of(value))
            && let Some(v) = cx.encode(value)
        {
            let path = cx.path().join(Segment::key(key_of(value)));
            cx.push(Patch::add_item(path, i, v));
        }
    }
    // 4. Edits inside kept items, addressed by key.
    let kept = (0..prefix)
        .map(|i| (i, i))
        .chain((prefix..new_end).filter_map(|i| {
            old_keys
                .get(key_of(item(new, i)))
                .map(|&before| (i, before))
        }))
        .chain((0..suffix).map(|k| (new_end + k, old_end + k)));
    for (i, before) in kept {
        let (n, o) = (item(new, i), item(old, before));
        cx.child(Segment::key(key_of(n)), n, o);
    }
}

/// The moves that put the keys `now` in the order `target` (the same keys, each once): as
/// `(key, from, to)`, each position counted in the list as the previous moves left it. The
/// keys on a longest run that is already in order stay where they are; only the others move.
///
/// ```
/// use reactive_state::keyed::moves;
/// assert_eq!(moves(&["a", "b", "c"], &["c", "a", "b"]), [("c", 2, 0)]);
/// assert!(moves(&[1, 2], &[1, 2]).is_empty());
/// ```
pub fn moves<K: Eq + Hash + Clone>(now: &[K], target: &[K]) -> Vec<(K, usize, usize)> {
    let position: HashMap<&K, usize> = now.iter().enumerate().map(|(i, k)| (k, i)).collect();
    let order: Vec<usize> = target.iter().map(|k| position[k]).collect();
    let stay: HashSet<usize> = longest_increasing(&order).into_iter().collect();
    let mut current: Vec<&K> = now.iter().collect();
    let mut out = Vec::new();
    for (t, key) in target.iter().enumerate() {
        if stay.contains(&t) {
            continue;
        }
        let from = current
            .iter()
            .position(|k| *k == key)
            .expect("key of `now`");
        current.remove(from);
        let to = match t {
            0 => 0,
            _ => {
                let before = &target[t - 1];
                current.iter().position(|k| *k == before).expect("placed") + 1
            }
        };
        current.insert(to, key);
        if from != to {
            out.push((key.clone(), from, to));
        }
    }
    out
}

/// The positions (in `values`) of a longest strictly increasing subsequence, O(n log n).
fn longest_increasing(values: &[usize]) -> Vec<usize> {
    // tails[l]: position of the smallest tail of an increasing run of length l + 1.
    let mut tails: Vec<usize> = Vec::new();
    let mut previous: Vec<Option<usize>> = vec![None; values.len()];
    for (i, &v) in values.iter().enumerate() {
        let l = tails.partition_point(|&t| values[t] < v);
        previous[i] = l.checked_sub(1).map(|p| tails[p]);
        if l == tails.len() {
            tails.push(i);
        } else {
            tails[l] = i;
        }
    }
    let mut run = Vec::with_capacity(tails.len());
    let mut at = tails.last().copied();
    while let Some(i) = at {
        run.push(i);
        at = previous[i];
    }
    run.reverse();
    run
}

/// The item at an index below the length.
fn item<S: Sequence>(seq: &S, index: usize) -> &S::Item {
    seq.get(index).expect("index below the length")
}

/// Where the item whose key is written `segment` sits, comparing key texts (one buffer, no
/// allocation per item).
fn position<S, K>(seq: &S, segment: &Segment, key_of: &impl Fn(&S::Item) -> &K) -> Option<usize>
where
    S: Sequence,
    K: Display + ?Sized,
{
    let wanted = segment.as_text();
    let mut text = String::new();
    (0..seq.len()).find(|&i| {
        text.clear();
        let key = key_of(seq.get(i).expect("index below the length"));
        write!(text, "{key}").is_ok() && text == *wanted
    })
}

/// Whether the item's own key is written `segment`.
fn key_matches<K: Display + ?Sized>(key: &K, segment: &Segment) -> bool {
    key.to_string() == *segment.as_text()
}

/// Applies a patch to a keyed collection; `path` is the part of `patch.path` below it. Items
/// are found by key: `add` inserts at [`Patch::index`] (or appends) and refuses a key already
/// present or an item whose own key differs from the path's; `remove` and `replace` need the
/// key to be there; `move` takes the item to [`Patch::index`].
///
/// # Errors
/// [`PatchError::NoSuchPath`] for an absent key, [`PatchError::KeyConflict`],
/// [`PatchError::IndexOutOfBounds`], [`PatchError::Decode`], [`PatchError::InvalidOp`].
///
/// ```
/// use reactive_state::{keyed, path, Patch, PatchError, Segment};
/// let mut ids = vec![10u32, 20];
/// let at = |k: u32| path!(ids).join(Segment::key(k));
/// let p = Patch::add_item(at(15), 1, 15.into());
/// keyed::apply(&mut ids, &p.path.segments()[1..], &p, |k| k)?;
/// assert_eq!(ids, [10, 15, 20]);
/// let m = Patch::move_item(at(20), 2, 0);
/// keyed::apply(&mut ids, &m.path.segments()[1..], &m, |k| k)?;
/// assert_eq!(ids, [20, 10, 15]);
/// let dup = Patch::add_item(at(10), 0, 10.into());
/// assert!(matches!(keyed::apply(&mut ids, &dup.path.segments()[1..], &dup, |k| k), Err(PatchError::KeyConflict { .. })));
/// # Ok::<(), PatchError>(())
/// ```
pub fn apply<S, K>(
    seq: &mut S,
    path: &[Segment],
    patch: &Patch,
    key_of: impl Fn(&S::Item) -> &K,
) -> Result<(), PatchError>
where
    S: Sequence + DeserializeOwned,
    S::Item: State,
    K: Display + ?Sized,
{
    let Some((first, rest)) = path.split_first() else {
        return apply_whole(seq, patch);
    };
    let found = position(seq, first, &key_of);
    let conflict = |reason| PatchError::KeyConflict {
        path: patch.path.clone(),
        reason,
    };
    if !rest.is_empty() {
        let i = found.ok_or_else(|| no_such_path(patch))?;
        return seq.get_mut(i).expect("found").apply(rest, patch);
    }
    let len = seq.len();
    let out_of_bounds = || PatchError::IndexOutOfBounds {
        path: patch.path.clone(),
        len,
    };
    match patch.op {
        PatchOp::Add => {
            let value: S::Item = decode(patch.new_value()?, patch)?;
            if !key_matches(key_of(&value), first) {
                return Err(conflict(
                    "the item's own key differs from the key in the path",
                ));
            }
            if found.is_some() {
                return Err(conflict(
                    "an item with this key is already in the collection",
                ));
            }
            let index = patch.index.unwrap_or(len);
            if index > len {
                return Err(out_of_bounds());
            }
            seq.insert(index, value);
        }
        PatchOp::Remove => {
            let i = found.ok_or_else(|| no_such_path(patch))?;
            seq.remove(i);
        }
        PatchOp::Replace => {
            let i = found.ok_or_else(|| no_such_path(patch))?;
            let value: S::Item = decode(patch.new_value()?, patch)?;
            if !key_matches(key_of(&value), first) {
                return Err(conflict(
                    "the item's own key differs from the key in the path",
                ));
            }
            *seq.get_mut(i).expect("found") = value;
        }
        PatchOp::Move => {
            let i = found.ok_or_else(|| no_such_path(patch))?;
            let to = patch.index.ok_or(PatchError::InvalidOp {
                path: patch.path.clone(),
                op: patch.op,
                reason: "a move in a keyed collection needs `index`",
            })?;
            if to >= len {
                return Err(out_of_bounds());
            }
            let value = seq.remove(i);
            seq.insert(to, value);
        }
    }
    Ok(())
}

/// The item whose key is written `segment`, for navigation ([`Node::item`]).
///
/// ```
/// use reactive_state::{keyed, Segment};
/// let ids = vec![7u8, 9];
/// assert!(keyed::child(&ids, &Segment::key(9), |k| k).is_some());
/// assert!(keyed::child(&ids, &Segment::key(8), |k| k).is_none());
/// ```
pub fn child<'a, S, K>(
    seq: &'a S,
    segment: &Segment,
    key_of: impl Fn(&S::Item) -> &K,
) -> Option<&'a dyn Node>
where
    S: Sequence,
    S::Item: Node,
    K: Display + ?Sized,
{
    let i = position(seq, segment, &key_of)?;
    Some(seq.get(i)? as &dyn Node)
}

/// The item whose key is written `segment`, mutably ([`Node::item_mut`]).
///
/// ```
/// use reactive_state::{keyed, Segment};
/// let mut ids = vec![7u8];
/// assert!(keyed::child_mut(&mut ids, &Segment::key(7), |k| k).is_some());
/// ```
pub fn child_mut<'a, S, K>(
    seq: &'a mut S,
    segment: &Segment,
    key_of: impl Fn(&S::Item) -> &K,
) -> Option<&'a mut dyn Node>
where
    S: Sequence,
    S::Item: Node,
    K: Display + ?Sized,
{
    let i = position(seq, segment, &key_of)?;
    Some(seq.get_mut(i)? as &mut dyn Node)
}

/// Calls `f` with each item and its key segment, in order ([`Node::for_each_item`]).
///
/// ```
/// use reactive_state::{keyed, Segment};
/// let mut keys = Vec::new();
/// keyed::for_each(&vec![3u8, 1], |k| k, &mut |s, _| keys.push(s));
/// assert_eq!(keys, [Segment::key(3), Segment::key(1)]);
/// ```
pub fn for_each<S, K>(
    seq: &S,
    key_of: impl Fn(&S::Item) -> &K,
    f: &mut dyn FnMut(Segment, &dyn Node),
) where
    S: Sequence,
    S::Item: Node,
    K: Display + ?Sized,
{
    for i in 0..seq.len() {
        let item = seq.get(i).expect("index below the length");
        f(Segment::key(key_of(item)), item);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn apply_moves(mut keys: Vec<u8>, moves: &[(u8, usize, usize)]) -> Vec<u8> {
        for &(key, from, to) in moves {
            assert_eq!(keys[from], key, "a move's `from` is where the key is");
            let k = keys.remove(from);
            keys.insert(to, k);
        }
        keys
    }

    #[test]
    fn moving_the_first_item_to_the_end_is_one_move() {
        assert_eq!(moves(&[1, 2, 3, 4], &[2, 3, 4, 1]), [(1, 0, 3)]);
    }

    proptest! {
        #[test]
        fn moves_reach_the_target_order_with_at_most_n_minus_lis_moves(perm in Just((0u8..12).collect::<Vec<_>>()).prop_shuffle()) {
            let now: Vec<u8> = (0..12).collect();
            let m = moves(&now, &perm);
            prop_assert_eq!(apply_moves(now, &m), perm.clone());
            let order: Vec<usize> = perm.iter().map(|&k| k as usize).collect();
            prop_assert!(m.len() <= 12 - longest_increasing(&order).len());
        }
    }
}
