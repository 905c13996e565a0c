//! [`State`] for lists (`Vec`, [`imbl::Vector`]) and maps (`BTreeMap`, [`imbl::OrdMap`]).
//!
//! Lists diff in three passes: the common prefix, the common suffix, then the middle element
//! by element, with adds or removes for the difference in length. With `imbl::Vector`, runs of
//! elements that live in the same shared leaf chunk in both versions are skipped without
//! looking at them, so a change to one element of a 100,000-element vector compares a few
//! elements and steps over its leaf chunks (about `n / 64`) once. Maps use `imbl::OrdMap::diff`,
//! which skips shared subtrees.

use std::collections::BTreeMap;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::keyed::Sequence;
use super::{Diff, Node, State, apply_whole, decode, no_such_path};
use crate::patch::{Patch, PatchError, PatchOp};
use crate::path::Segment;

/// A map key that can stand in a path: written as a segment, read back from one.
///
/// ```
/// use reactive_state::{MapKey, Segment};
/// assert_eq!(7u64.to_segment(), Segment::Index(7));
/// assert_eq!(u64::from_segment(&Segment::Index(7)), Some(7));
/// assert_eq!(String::from_segment(&Segment::Index(7)), Some("7".to_string()));
/// ```
pub trait MapKey: Ord + Clone + Serialize + DeserializeOwned + 'static {
    /// The key as a path segment.
    fn to_segment(&self) -> Segment;
    /// The key a segment names, if it can name one.
    fn from_segment(segment: &Segment) -> Option<Self>;
}

impl MapKey for String {
    fn to_segment(&self) -> Segment {
        Segment::key_text(self.clone())
    }
    fn from_segment(segment: &Segment) -> Option<Self> {
        Some(segment.as_text().into_owned())
    }
}

macro_rules! int_key {
    ($($t:ty),*) => {$(
        impl MapKey for $t {
            fn to_segment(&self) -> Segment {
                match usize::try_from(*self) {
                    Ok(i) => Segment::Index(i),
                    Err(_) => Segment::Key(self.to_string().into()),
                }
            }
            fn from_segment(segment: &Segment) -> Option<Self> {
                match segment {
                    Segment::Index(i) => <$t>::try_from(*i).ok(),
                    Segment::Field(k) | Segment::Key(k) => k.parse().ok(),
                }
            }
        }
    )*};
}
int_key!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

/// Walks a list's contiguous runs (a slice is one run; an `imbl::Vector` is a sequence of leaf
/// chunks) forwards, for indices that never decrease: amortised O(1) per step.
struct Forward<'a, T, I> {
    runs: I,
    start: usize,
    run: &'a [T],
}

impl<'a, T: 'a, I: Iterator<Item = &'a [T]>> Forward<'a, T, I> {
    fn new(mut runs: I) -> Self {
        let run = runs.next().unwrap_or(&[]);
        Forward {
            runs,
            start: 0,
            run,
        }
    }

    /// The elements from `index` to the end of the run that holds it (`index` < the length).
    fn from(&mut self, index: usize) -> &'a [T] {
        while index >= self.start + self.run.len() {
            self.start += self.run.len();
            self.run = self
                .runs
                .next()
                .expect("reactive-store: index within the list");
        }
        &self.run[index - self.start..]
    }
}

/// The same walk backwards, for indices that never increase.
struct Backward<'a, T, I> {
    runs: I,
    end: usize,
    run: &'a [T],
}

impl<'a, T: 'a, I: DoubleEndedIterator<Item = &'a [T]>> Backward<'a, T, I> {
    fn new(mut runs: I, len: usize) -> Self {
        let run = runs.next_back().unwrap_or(&[]);
        Backward {
            runs,
            end: len,
            run,
        }
    }

    /// The elements from the start of the run that holds `index` up to it, inclusive.
    fn upto(&mut self, index: usize) -> &'a [T] {
        while index < self.end - self.run.len() {
            self.end -= self.run.len();
            self.run = self
                .runs
                .next_back()
                .expect("reactive-store: index within the list");
        }
        &self.run[..=index - (self.end - self.run.len())]
    }
}

/// Appends the patches that turn the list `old` (length `lo`) into `new` (length `ln`); `runs`
/// gives a list's contiguous runs.
///
/// Two runs that start at the same address are the same shared memory, hence equal: they are
/// skipped whole.
fn diff_list<'a, T: State, I: DoubleEndedIterator<Item = &'a [T]>>(
    cx: &mut Diff<'_>,
    (old, lo): (impl Fn() -> I, usize),
    (new, ln): (impl Fn() -> I, usize),
) {
    let common = lo.min(ln);
    let (mut old_fwd, mut new_fwd) = (Forward::new(old()), Forward::new(new()));

    // The common prefix.
    let mut p = 0;
    'prefix: while p < common {
        let (a, b) = (old_fwd.from(p), new_fwd.from(p));
        let run = a.len().min(b.len()).min(common - p);
        if std::ptr::eq(a.as_ptr(), b.as_ptr()) {
            p += run;
            continue;
        }
        for k in 0..run {
            if a[k] != b[k] {
                p += k;
                break 'prefix;
            }
        }
        p += run;
    }

    // The common suffix, not overlapping the prefix.
    let (mut old_back, mut new_back) = (Backward::new(old(), lo), Backward::new(new(), ln));
    let mut s = 0;
    'suffix: while s < common - p {
        let (a, b) = (old_back.upto(lo - 1 - s), new_back.upto(ln - 1 - s));
        let run = a.len().min(b.len()).min(common - p - s);
        if std::ptr::eq(&a[a.len() - 1], &b[b.len() - 1]) {
            s += run;
            continue;
        }
        for k in 0..run {
            if a[a.len() - 1 - k] != b[b.len() - 1 - k] {
                s += k;
                break 'suffix;
            }
        }
        s += run;
    }

    // The middle: pair elements by index, then add or remove the difference in length.
    let (mo, mn) = (lo - s - p, ln - s - p);
    let paired = mo.min(mn);
    let mut i = 0;
    while i < paired {
        let index = p + i;
        let (a, b) = (old_fwd.from(index), new_fwd.from(index));
        let run = a.len().min(b.len()).min(paired - i);
        if !std::ptr::eq(a.as_ptr(), b.as_ptr()) {
            for k in 0..run {
                if a[k] != b[k] {
                    cx.child(Segment::Index(index + k), &b[k], &a[k]);
                }
            }
        }
        i += run;
    }
    for k in paired..mn {
        let index = p + k;
        cx.added(Segment::Index(index), &new_fwd.from(index)[0]);
    }
    // Removed from the highest index down, so each patch's index is valid when applied.
    let removed: Vec<&T> = (paired..mo).map(|k| &old_fwd.from(p + k)[0]).collect();
    for (k, v) in (paired..mo).zip(removed).rev() {
        cx.removed(Segment::Index(p + k), v);
    }
}

/// Applies a patch to a list: JSON Patch semantics (`add` inserts, `-` appends, `remove`
/// shifts the rest down).
fn apply_list<T: State, L: Sequence<Item = T> + DeserializeOwned>(
    list: &mut L,
    path: &[Segment],
    patch: &Patch,
) -> Result<(), PatchError> {
    let Some((first, rest)) = path.split_first() else {
        return apply_whole(list, patch);
    };
    let len = list.len();
    let out_of_bounds = || PatchError::IndexOutOfBounds {
        path: patch.path.clone(),
        len,
    };
    if rest.is_empty() && patch.op == PatchOp::Add {
        let index = match first.as_index() {
            _ if first.as_name() == Some("-") => len,
            Some(i) if i <= len => i,
            Some(_) => return Err(out_of_bounds()),
            None => return Err(no_such_path(patch)),
        };
        list.insert(index, decode(patch.new_value()?, patch)?);
        return Ok(());
    }
    let index = first.as_index().ok_or_else(|| no_such_path(patch))?;
    if index >= len {
        return Err(out_of_bounds());
    }
    if rest.is_empty() && patch.op == PatchOp::Remove {
        list.remove(index);
        return Ok(());
    }
    match list.get_mut(index) {
        Some(element) => element.apply(rest, patch),
        None => Err(out_of_bounds()),
    }
}

/// `Node` for a list: children by index.
macro_rules! list_node {
    ($($list:ty where $($bound:path),+;)*) => {$(
        impl<T: $($bound +)+> Node for $list {
            fn child(&self, segment: &Segment) -> Option<&dyn Node> {
                Some(Sequence::get(self, segment.as_index()?)?)
            }

            fn child_mut(&mut self, segment: &Segment) -> Option<&mut dyn Node> {
                Some(Sequence::get_mut(self, segment.as_index()?)?)
            }

            fn for_each_child(&self, f: &mut dyn FnMut(Segment, &dyn Node)) {
                for (i, v) in self.iter().enumerate() {
                    f(Segment::Index(i), v);
                }
            }
        }
    )*};
}

list_node! {
    Vec<T> where Node;
    imbl::Vector<T> where Node, Clone;
}

/// Compares element by element (nothing is shared between two `Vec`s): O(n). Prefer
/// [`imbl::Vector`] for long lists.
impl<T: State> State for Vec<T> {
    fn diff(&self, old: &Self, cx: &mut Diff<'_>) {
        diff_list(
            cx,
            (|| std::iter::once(old.as_slice()), old.len()),
            (|| std::iter::once(self.as_slice()), self.len()),
        );
    }

    fn apply(&mut self, path: &[Segment], patch: &Patch) -> Result<(), PatchError> {
        apply_list(self, path, patch)
    }
}

/// Skips the leaf chunks both versions share: cost follows the change, plus one step per
/// chunk (64 elements) between changes.
impl<T: State> State for imbl::Vector<T> {
    fn diff(&self, old: &Self, cx: &mut Diff<'_>) {
        if self.ptr_eq(old) {
            return;
        }
        diff_list(
            cx,
            (|| old.leaves(), old.len()),
            (|| self.leaves(), self.len()),
        );
    }

    fn apply(&mut self, path: &[Segment], patch: &Patch) -> Result<(), PatchError> {
        apply_list(self, path, patch)
    }
}

/// What applying a patch needs from a map.
trait Map<K, V> {
    fn value_mut(&mut self, key: &K) -> Option<&mut V>;
    fn insert_value(&mut self, key: K, value: V);
    fn remove_value(&mut self, key: &K) -> bool;
}

impl<K: Ord, V> Map<K, V> for BTreeMap<K, V> {
    fn value_mut(&mut self, key: &K) -> Option<&mut V> {
        self.get_mut(key)
    }
    fn insert_value(&mut self, key: K, value: V) {
        self.insert(key, value);
    }
    fn remove_value(&mut self, key: &K) -> bool {
        self.remove(key).is_some()
    }
}

impl<K: Ord + Clone, V: Clone> Map<K, V> for imbl::OrdMap<K, V> {
    fn value_mut(&mut self, key: &K) -> Option<&mut V> {
        self.get_mut(key)
    }
    fn insert_value(&mut self, key: K, value: V) {
        self.insert(key, value);
    }
    fn remove_value(&mut self, key: &K) -> bool {
        self.remove(key).is_some()
    }
}

/// Applies a patch to a map: `add` inserts or overwrites, `replace` needs the key to exist,
/// `remove` deletes it.
fn apply_map<K: MapKey, V: State, M: Map<K, V> + DeserializeOwned>(
    map: &mut M,
    path: &[Segment],
    patch: &Patch,
) -> Result<(), PatchError> {
    let Some((first, rest)) = path.split_first() else {
        return apply_whole(map, patch);
    };
    let key = K::from_segment(first).ok_or_else(|| no_such_path(patch))?;
    match (rest.is_empty(), patch.op) {
        (true, PatchOp::Add) => {
            map.insert_value(key, decode(patch.new_value()?, patch)?);
            Ok(())
        }
        (true, PatchOp::Remove) => match map.remove_value(&key) {
            true => Ok(()),
            false => Err(no_such_path(patch)),
        },
        _ => match map.value_mut(&key) {
            Some(v) => v.apply(rest, patch),
            None => Err(no_such_path(patch)),
        },
    }
}

/// `Node` for a map: children by key.
macro_rules! map_node {
    ($($map:ty where $($bound:path),+;)*) => {$(
        impl<K: MapKey, V: $($bound +)+> Node for $map {
            fn child(&self, segment: &Segment) -> Option<&dyn Node> {
                Some(self.get(&K::from_segment(segment)?)?)
            }

            fn child_mut(&mut self, segment: &Segment) -> Option<&mut dyn Node> {
                Some(self.get_mut(&K::from_segment(segment)?)?)
            }

            fn for_each_child(&self, f: &mut dyn FnMut(Segment, &dyn Node)) {
                for (k, v) in self {
                    f(k.to_segment(), v);
                }
            }
        }
    )*};
}

map_node! {
    BTreeMap<K, V> where Node;
    imbl::OrdMap<K, V> where Node, Clone;
}

/// Walks both maps in key order: O(n).
impl<K: MapKey, V: State> State for BTreeMap<K, V> {
    fn diff(&self, old: &Self, cx: &mut Diff<'_>) {
        let mut olds = old.iter().peekable();
        let mut news = self.iter().peekable();
        loop {
            match (olds.peek(), news.peek()) {
                (Some((ko, vo)), Some((kn, vn))) => match ko.cmp(kn) {
                    std::cmp::Ordering::Less => {
                        cx.removed(ko.to_segment(), *vo);
                        olds.next();
                    }
                    std::cmp::Ordering::Greater => {
                        cx.added(kn.to_segment(), *vn);
                        news.next();
                    }
                    std::cmp::Ordering::Equal => {
                        cx.child(kn.to_segment(), *vn, *vo);
                        olds.next();
                        news.next();
                    }
                },
                (Some((ko, vo)), None) => {
                    cx.removed(ko.to_segment(), *vo);
                    olds.next();
                }
                (None, Some((kn, vn))) => {
                    cx.added(kn.to_segment(), *vn);
                    news.next();
                }
                (None, None) => break,
            }
        }
    }

    fn apply(&mut self, path: &[Segment], patch: &Patch) -> Result<(), PatchError> {
        apply_map(self, path, patch)
    }
}

/// Uses `OrdMap::diff`, which skips subtrees both versions share.
impl<K: MapKey, V: State> State for imbl::OrdMap<K, V> {
    fn diff(&self, old: &Self, cx: &mut Diff<'_>) {
        use imbl::ordmap::DiffItem;
        for item in old.diff(self) {
            match item {
                DiffItem::Add(k, v) => cx.added(k.to_segment(), v),
                DiffItem::Remove(k, v) => cx.removed(k.to_segment(), v),
                DiffItem::Update { old, new } => cx.child(new.0.to_segment(), new.1, old.1),
            }
        }
    }

    fn apply(&mut self, path: &[Segment], patch: &Patch) -> Result<(), PatchError> {
        apply_map(self, path, patch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path;
    use serde_json::json;

    fn round_trip<S: State + std::fmt::Debug>(old: &S, new: &S) -> Vec<Patch> {
        let patches = Diff::patches(new, old).unwrap();
        let mut applied = old.clone();
        for p in &patches {
            applied.apply_patch(p).unwrap();
        }
        assert_eq!(&applied, new, "patches {patches:?}");
        // The patches also apply to the JSON document, as JSON Patch.
        let mut doc = serde_json::to_value(old).unwrap();
        for p in &patches {
            json_patch_apply(&mut doc, p);
        }
        assert_eq!(doc, serde_json::to_value(new).unwrap());
        patches
    }

    /// A minimal reference JSON Patch applier, for the tests.
    fn json_patch_apply(doc: &mut serde_json::Value, p: &Patch) {
        let segs = p.path.segments();
        let Some((last, init)) = segs.split_last() else {
            *doc = p.value.clone().unwrap();
            return;
        };
        let mut target = doc;
        for s in init {
            target = match target {
                serde_json::Value::Array(a) => &mut a[s.as_index().unwrap()],
                serde_json::Value::Object(o) => o.get_mut(s.as_text().as_ref()).unwrap(),
                _ => panic!("bad path"),
            };
        }
        match (target, p.op) {
            (serde_json::Value::Array(a), PatchOp::Add) => {
                a.insert(last.as_index().unwrap(), p.value.clone().unwrap())
            }
            (serde_json::Value::Array(a), PatchOp::Remove) => {
                a.remove(last.as_index().unwrap());
            }
            (serde_json::Value::Array(a), PatchOp::Replace) => {
                a[last.as_index().unwrap()] = p.value.clone().unwrap()
            }
            (serde_json::Value::Object(o), PatchOp::Remove) => {
                o.remove(last.as_text().as_ref());
            }
            (serde_json::Value::Object(o), _) => {
                o.insert(last.as_text().into_owned(), p.value.clone().unwrap());
            }
            _ => panic!("bad target"),
        }
    }

    #[test]
    fn list_edits_give_minimal_json_patches() {
        let old = vec![1, 2, 3, 4];
        assert_eq!(
            round_trip(&old, &vec![1, 9, 2, 3, 4]),
            [Patch::add(path!([1]), json!(9))]
        );
        assert_eq!(
            round_trip(&old, &vec![1, 3, 4]),
            [Patch::remove(path!([1]), json!(2))]
        );
        assert_eq!(
            round_trip(&old, &vec![1, 7, 3, 4]),
            [Patch::replace(path!([1]), json!(2), json!(7))]
        );
        round_trip(&old, &vec![]);
        round_trip(&vec![], &old);
        round_trip(&old, &vec![4, 3, 2, 1]);
        round_trip(&vec![1, 1, 1], &vec![1, 1]);
    }

    #[test]
    fn one_change_in_a_large_imbl_vector_is_one_patch() {
        let old: imbl::Vector<u32> = (0..100_000).collect();
        let mut new = old.clone();
        new.set(50_000, 7);
        new.set(99_999, 8);
        let patches = round_trip(&old, &new);
        assert_eq!(
            patches,
            [
                Patch::replace(path!([50_000]), json!(50_000), json!(7)),
                Patch::replace(path!([99_999]), json!(99_999), json!(8)),
            ]
        );
        let mut inserted = old.clone();
        inserted.insert(10, 1);
        inserted.remove(90_000);
        let patches = Diff::patches(&inserted, &old).unwrap();
        let mut applied = old.clone();
        for p in &patches {
            applied.apply_patch(p).unwrap();
        }
        assert_eq!(applied, inserted);
    }

    #[test]
    fn maps_diff_by_key() {
        let old: imbl::OrdMap<String, u8> = [("a".to_string(), 1), ("b".to_string(), 2)]
            .into_iter()
            .collect();
        let mut new = old.clone();
        new.insert("c".into(), 3);
        new.remove("a");
        new.insert("b".into(), 5);
        assert_eq!(round_trip(&old, &new).len(), 3);
        let old: BTreeMap<u64, Vec<u8>> = [(1, vec![1]), (2, vec![2])].into_iter().collect();
        let mut new = old.clone();
        new.get_mut(&2).unwrap().push(3);
        new.remove(&1);
        assert_eq!(
            round_trip(&old, &new),
            [
                Patch::remove(path!([1]), json!([1])),
                Patch::add(path!([2][1]), json!(3))
            ]
        );
    }

    #[test]
    fn bad_list_patches_are_errors_not_panics() {
        let mut v = vec![1u8];
        assert!(matches!(
            v.apply_patch(&Patch::add(path!([5]), json!(1))),
            Err(PatchError::IndexOutOfBounds { len: 1, .. })
        ));
        assert!(matches!(
            v.apply_patch(&Patch::remove(path!([1]), json!(1))),
            Err(PatchError::IndexOutOfBounds { .. })
        ));
        assert!(matches!(
            v.apply_patch(&Patch::add(path!([0]), json!("text"))),
            Err(PatchError::Decode { .. })
        ));
        assert!(matches!(
            v.apply_patch(&Patch::add(path!(x), json!(1))),
            Err(PatchError::NoSuchPath { .. })
        ));
        v.apply_patch(&Patch::add(Path::parse("/-").unwrap(), json!(2)))
            .unwrap();
        assert_eq!(v, [1, 2]);
    }

    use crate::path::Path;
}
