//! What a store can hold: the [`State`] trait (diff into patches, apply patches), the [`Node`]
//! trait (navigate by path). Structs implement them with `#[derive(State)]` (`reactive-macros`).

mod collections;
pub mod keyed;
mod leaves;

use std::any::Any;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use collections::MapKey;

use crate::patch::{Patch, PatchError, PatchOp};
use crate::path::{Path, Segment};

/// A value that can be navigated by path, one [`Segment`] at a time. Object-safe: selections,
/// validators and devtools walk a state through `&dyn Node`.
///
/// Leaves (numbers, strings, enums) have no children: the default methods say so.
///
/// ```
/// use reactive_state::{Node, Segment};
/// let v = vec![10u32, 20];
/// let second = v.child(&Segment::Index(1)).unwrap();
/// assert_eq!((second as &dyn std::any::Any).downcast_ref::<u32>(), Some(&20));
/// ```
pub trait Node: Any {
    /// The child at `segment`, if there is one.
    ///
    /// ```
    /// use reactive_state::{Node, Segment};
    /// assert!(vec![1u8].child(&Segment::Index(0)).is_some());
    /// assert!(vec![1u8].child(&Segment::field("x")).is_none());
    /// ```
    fn child(&self, segment: &Segment) -> Option<&dyn Node> {
        let _ = segment;
        None
    }

    /// Calls `f` with each child and its segment, in order.
    ///
    /// ```
    /// use reactive_state::Node;
    /// let mut n = 0;
    /// vec![1u8, 2, 3].for_each_child(&mut |_, _| n += 1);
    /// assert_eq!(n, 3);
    /// ```
    fn for_each_child(&self, f: &mut dyn FnMut(Segment, &dyn Node)) {
        let _ = f;
    }

    /// The child at `segment`, mutably (shared parts are copied on the way, as a write would).
    ///
    /// ```
    /// use reactive_state::{Node, Segment};
    /// let mut v = vec![1u8];
    /// let c = v.child_mut(&Segment::Index(0)).unwrap();
    /// *(c as &mut dyn std::any::Any).downcast_mut::<u8>().unwrap() = 5;
    /// assert_eq!(v, [5]);
    /// ```
    fn child_mut(&mut self, segment: &Segment) -> Option<&mut dyn Node> {
        let _ = segment;
        None
    }

    /// The item `key` of the keyed collection in the field `field`, for a value whose fields
    /// hold keyed collections (`#[state(keyed = "…")]`). A keyed collection is an ordinary list
    /// as a value; only the struct that declares it knows to look its items up by key, so
    /// navigation asks the struct for both steps at once.
    ///
    /// ```
    /// use reactive_state::{Node, Segment};
    /// assert!(vec![1u8].item(&Segment::Index(0), &Segment::key(1)).is_none());
    /// ```
    fn item(&self, field: &Segment, key: &Segment) -> Option<&dyn Node> {
        let _ = (field, key);
        None
    }

    /// [`item`](Node::item), mutably.
    ///
    /// ```
    /// use reactive_state::{Node, Segment};
    /// assert!(vec![1u8].item_mut(&Segment::Index(0), &Segment::key(1)).is_none());
    /// ```
    fn item_mut(&mut self, field: &Segment, key: &Segment) -> Option<&mut dyn Node> {
        let _ = (field, key);
        None
    }

    /// Calls `f` with each item of the keyed collection in `field` and its key segment, and
    /// returns `true`; returns `false` when `field` is not a keyed collection.
    ///
    /// ```
    /// use reactive_state::{Node, Segment};
    /// assert!(!vec![1u8].for_each_item(&Segment::Index(0), &mut |_, _| {}));
    /// ```
    fn for_each_item(&self, field: &Segment, f: &mut dyn FnMut(Segment, &dyn Node)) -> bool {
        let _ = (field, f);
        false
    }

    /// The name of the value's concrete type ([`std::any::type_name`]), for messages about a
    /// value reached through `&dyn Node`, whose type `Any` can compare but not name (a
    /// selection or an update at a path that asks for the wrong type says what is there).
    /// Implementations keep the provided method.
    ///
    /// ```
    /// use reactive_state::{node_at, path};
    /// let v = vec![(1u8, String::from("a"))];
    /// let node = node_at(&v, path!([0][1]).segments()).unwrap();
    /// assert_eq!(node.type_name(), "alloc::string::String");
    /// ```
    fn type_name(&self) -> &'static str {
        std::any::type_name::<Self>()
    }
}

/// Calls `f` with each child of the node at `path` under `root` and its segment: the items of
/// a keyed collection with their key segments, anything else as [`Node::for_each_child`] does.
///
/// ```
/// use reactive_state::{for_each_child_at, path};
/// let v = vec![vec![1u8, 2]];
/// let mut n = 0;
/// for_each_child_at(&v, path!([0]).segments(), &mut |_, _| n += 1);
/// assert_eq!(n, 2);
/// ```
pub fn for_each_child_at(root: &dyn Node, path: &[Segment], f: &mut dyn FnMut(Segment, &dyn Node)) {
    if let Some((last, parent)) = path.split_last()
        && let Some(parent) = node_at(root, parent)
        && parent.for_each_item(last, f)
    {
        return;
    }
    if let Some(node) = node_at(root, path) {
        node.for_each_child(f);
    }
}

/// Finds the node at `path` under `root`.
///
/// ```
/// use reactive_state::{node_at, path};
/// let v = vec![vec![1u8, 2], vec![3]];
/// let n = node_at(&v, path!([1][0]).segments()).unwrap();
/// assert_eq!((n as &dyn std::any::Any).downcast_ref::<u8>(), Some(&3));
/// ```
pub fn node_at<'a>(root: &'a dyn Node, path: &[Segment]) -> Option<&'a dyn Node> {
    let mut node = root;
    let mut rest = path;
    while let Some((first, after)) = rest.split_first() {
        if let Some((key, after_key)) = after.split_first()
            && let Some(item) = node.item(first, key)
        {
            (node, rest) = (item, after_key);
            continue;
        }
        (node, rest) = (node.child(first)?, after);
    }
    Some(node)
}

/// Finds the node at `path` under `root`, mutably.
///
/// ```
/// use reactive_state::{node_at_mut, path};
/// let mut v = vec![vec![1u8, 2]];
/// let n = node_at_mut(&mut v, path!([0][1]).segments()).unwrap();
/// *(n as &mut dyn std::any::Any).downcast_mut::<u8>().unwrap() = 9;
/// assert_eq!(v, [[1, 9]]);
/// ```
pub fn node_at_mut<'a>(root: &'a mut dyn Node, path: &[Segment]) -> Option<&'a mut dyn Node> {
    let mut node = root;
    let mut rest = path;
    while let Some((first, after)) = rest.split_first() {
        // Asked first without keeping the borrow: the borrow checker cannot see that a failed
        // `item_mut` leaves `node` free for `child_mut`.
        let keyed = match after.first() {
            Some(key) => node.item(first, key).is_some(),
            None => false,
        };
        if keyed {
            node = node.item_mut(first, &after[0])?;
            rest = &after[1..];
        } else {
            node = node.child_mut(first)?;
            rest = after;
        }
    }
    Some(node)
}

/// A value a store (`reactive_store::Store`) can hold: cheap to clone (share big parts with `Arc` or
/// the `imbl` collections), comparable, serialisable, and able to describe how it differs from
/// an older version of itself as [`Patch`]es, and to apply a patch.
///
/// Implemented for the primitives, `String`, `Option`, `Box`, `Arc`, `Vec`, `BTreeMap`,
/// [`imbl::Vector`] and [`imbl::OrdMap`]. For your own types, `#[derive(State)]` (from
/// `reactive-macros`, re-exported as `reactive_store::State` and by the `reactive` facade):
/// a struct with named fields is diffed field by field, an enum is one value. By hand,
/// `impl Node for T {}` and `impl State for T {}` also make `T` one value: the default methods
/// compare with `==` and replace it whole.
///
/// ```
/// use reactive_state::{path, Diff, Patch, State};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(reactive_macros::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
/// struct Todo { title: String, done: bool }
///
/// let old = Todo { title: "milk".into(), done: false };
/// let new = Todo { done: true, ..old.clone() };
/// assert_eq!(Diff::patches(&new, &old)?, [Patch::replace(path!(done), false.into(), true.into())]);
///
/// let mut applied = old.clone();
/// applied.apply_patch(&Patch::replace(path!(done), false.into(), true.into()))?;
/// assert_eq!(applied, new);
/// # Ok::<(), reactive_state::PatchError>(())
/// ```
pub trait State: Node + Clone + PartialEq + Serialize + DeserializeOwned {
    /// Appends to `cx` the patches that turn `old` into `self`, under `cx`'s current path.
    /// Emits nothing when they are equal.
    ///
    /// Implementations should skip shared parts cheaply (`Arc::ptr_eq`, `imbl`'s `ptr_eq`):
    /// that is what makes a transaction on a large state cost in proportion to what changed.
    ///
    /// ```
    /// use reactive_state::{path, Diff, Patch, State};
    /// let mut out = Vec::new();
    /// let mut cx = Diff::new(&mut out);
    /// vec![1, 3].diff(&vec![1, 2], &mut cx);
    /// cx.finish()?;
    /// assert_eq!(out, [Patch::replace(path!([1]), 2.into(), 3.into())]);
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    fn diff(&self, old: &Self, cx: &mut Diff<'_>) {
        if self != old {
            cx.replaced(old, self);
        }
    }

    /// Applies `patch` at `path`, the part of `patch.path` below this value.
    ///
    /// # Errors
    /// [`PatchError`] when the path does not exist or the value does not fit; the value may then
    /// be partly changed, so apply patches to a copy (as the store does).
    ///
    /// ```
    /// use reactive_state::{path, Patch, State};
    /// let mut v = vec![vec![0u8]];
    /// let p = Patch::add(path!([0][1]), 7.into());
    /// v.apply(p.path.segments(), &p)?;
    /// assert_eq!(v, [[0, 7]]);
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    fn apply(&mut self, path: &[Segment], patch: &Patch) -> Result<(), PatchError> {
        match path {
            [] => apply_whole(self, patch),
            _ => Err(no_such_path(patch)),
        }
    }

    /// Applies a patch whose path starts at this value.
    ///
    /// # Errors
    /// See [`apply`](State::apply).
    ///
    /// ```
    /// use reactive_state::{path, Patch, State};
    /// let mut v = vec![1, 2];
    /// v.apply_patch(&Patch::add(path!([1]), 9.into()))?;
    /// assert_eq!(v, [1, 9, 2]);
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    fn apply_patch(&mut self, patch: &Patch) -> Result<(), PatchError> {
        if patch.op == PatchOp::Move && !patch.is_item_move() {
            return move_value(self, patch);
        }
        self.apply(patch.path.segments(), patch)
    }
}

/// An RFC 6902 `move` between two locations: a `remove` at `from`, then an `add` at the path.
/// The moved value is the patch's `value` when it carries one (our patches do); a foreign patch
/// without it is served by reading `from` in the state's JSON form, which costs a
/// serialisation of the state.
fn move_value<S: State>(state: &mut S, patch: &Patch) -> Result<(), PatchError> {
    let from = patch.from.clone().ok_or_else(|| PatchError::InvalidOp {
        path: patch.path.clone(),
        op: patch.op,
        reason: "a move needs `from`",
    })?;
    let value = match &patch.value {
        Some(value) => value.clone(),
        None => {
            let whole = serde_json::to_value(&*state).map_err(|e| PatchError::Encode {
                path: Path::root(),
                message: e.to_string(),
            })?;
            whole
                .pointer(&from.to_string())
                .cloned()
                .ok_or(PatchError::NoSuchPath { path: from.clone() })?
        }
    };
    let remove = Patch::remove(from, value.clone());
    state.apply(remove.path.segments(), &remove)?;
    let add = Patch::add(patch.path.clone(), value);
    state.apply(add.path.segments(), &add)
}

/// Replaces `target` with the patch's value (`add`, `replace`); `remove` is refused.
///
/// This is what a leaf does when a patch reaches it; containers call it for their elements.
///
/// # Errors
/// [`PatchError::MissingValue`], [`PatchError::Decode`], or [`PatchError::InvalidOp`] for
/// `remove`.
///
/// ```
/// use reactive_state::{apply_whole, path, Patch};
/// let mut n = 1u8;
/// apply_whole(&mut n, &Patch::replace(path!(n), 1.into(), 7.into()))?;
/// assert_eq!(n, 7);
/// assert!(apply_whole(&mut n, &Patch::replace(path!(n), 1.into(), "x".into())).is_err());
/// # Ok::<(), reactive_state::PatchError>(())
/// ```
pub fn apply_whole<T: DeserializeOwned>(target: &mut T, patch: &Patch) -> Result<(), PatchError> {
    match patch.op {
        PatchOp::Add | PatchOp::Replace => {
            *target = decode(patch.new_value()?, patch)?;
            Ok(())
        }
        PatchOp::Remove => Err(PatchError::InvalidOp {
            path: patch.path.clone(),
            op: patch.op,
            reason: "only list elements, map entries and optional values can be removed",
        }),
        PatchOp::Move => Err(PatchError::InvalidOp {
            path: patch.path.clone(),
            op: patch.op,
            reason: "only items of keyed collections move in place",
        }),
    }
}

/// Deserialises a patch value into `T`.
pub(crate) fn decode<T: DeserializeOwned>(
    value: &serde_json::Value,
    patch: &Patch,
) -> Result<T, PatchError> {
    T::deserialize(value).map_err(|e| PatchError::Decode {
        path: patch.path.clone(),
        message: e.to_string(),
    })
}

/// The error for a path segment that names nothing.
pub(crate) fn no_such_path(patch: &Patch) -> PatchError {
    PatchError::NoSuchPath {
        path: patch.path.clone(),
    }
}

/// Collects the patches of a diff: the path being compared, and the patches found so far.
///
/// ```
/// use reactive_state::{path, Diff, Patch};
/// assert_eq!(
///     Diff::patches(&vec![1, 2, 3], &vec![1, 2])?,
///     [Patch::add(path!([2]), 3.into())]
/// );
/// # Ok::<(), reactive_state::PatchError>(())
/// ```
pub struct Diff<'a> {
    path: Path,
    out: &'a mut Vec<Patch>,
    error: Option<PatchError>,
}

impl<'a> Diff<'a> {
    /// A diff that appends to `out`, starting at the root.
    ///
    /// ```
    /// use reactive_state::{Diff, State};
    /// let mut out = Vec::new();
    /// let mut cx = Diff::new(&mut out);
    /// 2u8.diff(&1, &mut cx);
    /// cx.finish()?;
    /// assert_eq!(out.len(), 1);
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    pub fn new(out: &'a mut Vec<Patch>) -> Diff<'a> {
        Diff::at(Path::root(), out)
    }

    /// A diff of a value that sits at `path` in a larger state: its patches' paths start there.
    ///
    /// ```
    /// use reactive_state::{path, Diff, State};
    /// let mut out = Vec::new();
    /// let mut cx = Diff::at(path!(todos[3].done), &mut out);
    /// true.diff(&false, &mut cx);
    /// cx.finish()?;
    /// assert_eq!(out[0].path, path!(todos[3].done));
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    pub fn at(path: Path, out: &'a mut Vec<Patch>) -> Diff<'a> {
        Diff {
            path,
            out,
            error: None,
        }
    }

    /// The patches that turn `old` into `new`.
    ///
    /// # Errors
    /// [`PatchError::Encode`] if a changed value cannot be written as JSON.
    ///
    /// ```
    /// use reactive_state::Diff;
    /// assert!(Diff::patches(&"a".to_string(), &"a".to_string())?.is_empty());
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    pub fn patches<S: State>(new: &S, old: &S) -> Result<Vec<Patch>, PatchError> {
        let mut out = Vec::new();
        let mut cx = Diff::new(&mut out);
        new.diff(old, &mut cx);
        cx.finish()?;
        Ok(out)
    }

    /// Ends the diff: the first encoding error, if any.
    ///
    /// # Errors
    /// [`PatchError::Encode`].
    ///
    /// ```
    /// use reactive_state::Diff;
    /// let mut out = Vec::new();
    /// assert!(Diff::new(&mut out).finish().is_ok());
    /// ```
    pub fn finish(self) -> Result<(), PatchError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The path being compared now.
    ///
    /// ```
    /// use reactive_state::Diff;
    /// let mut out = Vec::new();
    /// assert!(Diff::new(&mut out).path().is_root());
    /// ```
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Compares a struct field: pushes `name` on the path, diffs, pops.
    ///
    /// ```
    /// use reactive_state::{path, Diff, Patch};
    /// let mut out = Vec::new();
    /// let mut cx = Diff::new(&mut out);
    /// cx.field("n", &2u8, &1u8);
    /// cx.finish()?;
    /// assert_eq!(out, [Patch::replace(path!(n), 1.into(), 2.into())]);
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    pub fn field<T: State>(&mut self, name: &'static str, new: &T, old: &T) {
        self.child(Segment::Field(name.into()), new, old);
    }

    /// Compares a child (a field, an element, a map entry) at `segment`.
    ///
    /// ```
    /// use reactive_state::{Diff, Segment};
    /// let mut out = Vec::new();
    /// let mut cx = Diff::new(&mut out);
    /// cx.child(Segment::Index(0), &1u8, &1u8);
    /// cx.finish()?;
    /// assert!(out.is_empty());
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    pub fn child<T: State>(&mut self, segment: Segment, new: &T, old: &T) {
        self.path.push(segment);
        new.diff(old, self);
        self.path.pop();
    }

    /// Runs `f` with `segment` pushed on the path: for a child that is compared its own way (a
    /// keyed collection's field, a leaf field compared with `==`).
    ///
    /// ```
    /// use reactive_state::{path, Diff, Patch, Segment};
    /// let mut out = Vec::new();
    /// let mut cx = Diff::new(&mut out);
    /// cx.within(Segment::field("n"), |cx| cx.replaced(&1, &2));
    /// cx.finish()?;
    /// assert_eq!(out, [Patch::replace(path!(n), 1.into(), 2.into())]);
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    pub fn within(&mut self, segment: Segment, f: impl FnOnce(&mut Self)) {
        self.path.push(segment);
        f(self);
        self.path.pop();
    }

    /// Records that the value at the current path was replaced.
    ///
    /// ```
    /// use reactive_state::{Diff, PatchOp};
    /// let mut out = Vec::new();
    /// let mut cx = Diff::new(&mut out);
    /// cx.replaced(&1, &2);
    /// cx.finish()?;
    /// assert_eq!(out[0].op, PatchOp::Replace);
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    pub fn replaced<T: Serialize + ?Sized>(&mut self, old: &T, new: &T) {
        let (Some(old), Some(new)) = (self.encode(old), self.encode(new)) else {
            return;
        };
        self.out.push(Patch::replace(self.path.clone(), old, new));
    }

    /// Records that `new` was added at `segment` below the current path.
    ///
    /// ```
    /// use reactive_state::{Diff, PatchOp, Segment};
    /// let mut out = Vec::new();
    /// let mut cx = Diff::new(&mut out);
    /// cx.added(Segment::Index(0), &"x");
    /// cx.finish()?;
    /// assert_eq!(out[0].op, PatchOp::Add);
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    pub fn added<T: Serialize + ?Sized>(&mut self, segment: Segment, new: &T) {
        self.path.push(segment);
        if let Some(v) = self.encode(new) {
            self.out.push(Patch::add(self.path.clone(), v));
        }
        self.path.pop();
    }

    /// Records that `old` was removed from `segment` below the current path.
    ///
    /// ```
    /// use reactive_state::{Diff, PatchOp, Segment};
    /// let mut out = Vec::new();
    /// let mut cx = Diff::new(&mut out);
    /// cx.removed(Segment::key("k"), &1);
    /// cx.finish()?;
    /// assert_eq!(out[0].op, PatchOp::Remove);
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    pub fn removed<T: Serialize + ?Sized>(&mut self, segment: Segment, old: &T) {
        self.path.push(segment);
        if let Some(v) = self.encode(old) {
            self.out.push(Patch::remove(self.path.clone(), v));
        }
        self.path.pop();
    }

    /// Records a patch made by the caller (a container with its own kinds of change, such as
    /// a keyed collection's moves).
    ///
    /// ```
    /// use reactive_state::{path, Diff, Patch};
    /// let mut out = Vec::new();
    /// let mut cx = Diff::new(&mut out);
    /// cx.push(Patch::add(path!(a), 1.into()));
    /// cx.finish()?;
    /// assert_eq!(out.len(), 1);
    /// # Ok::<(), reactive_state::PatchError>(())
    /// ```
    pub fn push(&mut self, patch: Patch) {
        self.out.push(patch);
    }

    /// The value as JSON, or `None` after recording the encoding error (reported by
    /// [`finish`](Diff::finish)).
    ///
    /// ```
    /// use reactive_state::Diff;
    /// let mut out = Vec::new();
    /// let mut cx = Diff::new(&mut out);
    /// assert_eq!(cx.encode(&5), Some(5.into()));
    /// ```
    pub fn encode<T: Serialize + ?Sized>(&mut self, value: &T) -> Option<serde_json::Value> {
        match serde_json::to_value(value) {
            Ok(v) => Some(v),
            Err(e) => {
                if self.error.is_none() {
                    self.error = Some(PatchError::Encode {
                        path: self.path.clone(),
                        message: e.to_string(),
                    });
                }
                None
            }
        }
    }
}
