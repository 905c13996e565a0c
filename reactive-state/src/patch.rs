//! Patches: one change at one path, with the old and the new value; serialised as JSON Patch
//! (RFC 6902) operations.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::path::Path;

/// What a [`Patch`] does.
///
/// ```
/// use reactive_state::{path, Diff, PatchOp};
/// let ops: Vec<PatchOp> = Diff::patches(&vec![1, 5], &vec![2, 5, 7])?.iter().map(|p| p.op).collect();
/// assert_eq!(ops, [PatchOp::Replace, PatchOp::Remove]);
/// # Ok::<(), reactive_state::PatchError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchOp {
    /// Inserts into a list at an index (shifting what follows) or adds a map entry.
    Add,
    /// Removes a list element (shifting what follows) or a map entry.
    Remove,
    /// Replaces the value at the path.
    Replace,
    /// Moves a value: from [`Patch::from`] to the path (RFC 6902 `move`), or, in a keyed
    /// collection, the item at the path from position [`Patch::old_index`] to
    /// [`Patch::index`] (`from` and `path` are then the same item).
    Move,
}

/// One change: the operation, where, and the values before and after.
///
/// Serialised, a patch is a JSON Patch operation (RFC 6902: `op`, `path`, `value`, `from`) with
/// extra members that JSON Patch tools ignore: `old`, the value it replaced or removed, which
/// makes a patch invertible; and, for items of keyed collections (addressed by key, not
/// position), `index` (the position after an `add` or `move`) and `oldIndex` (the position
/// before a `remove` or `move`).
///
/// ```
/// use reactive_state::{path, Patch, Segment};
/// use serde_json::json;
///
/// let p = Patch::replace(path!(todos[3].title), json!("old"), json!("new"));
/// assert_eq!(
///     serde_json::to_value(&p)?,
///     json!({"op": "replace", "path": "/todos/3/title", "value": "new", "old": "old"})
/// );
/// assert_eq!(p.inverse().value, Some(json!("old")));
///
/// // An item of a keyed collection, moved from position 0 to 2: addressed by its key.
/// let item = path!(todos).join(Segment::key("t7"));
/// let m = Patch::move_item(item, 0, 2);
/// assert_eq!(
///     serde_json::to_value(&m)?,
///     json!({"op": "move", "from": "/todos/t7", "path": "/todos/t7", "index": 2, "oldIndex": 0})
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Patch {
    /// The operation.
    pub op: PatchOp,
    /// Where a `move` takes its value from (RFC 6902 `from`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Path>,
    /// Where it applies.
    pub path: Path,
    /// The new value (`add`, `replace`; a `move` between locations may carry the moved value).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub value: Option<Value>,
    /// The previous value (`remove`, `replace`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub old: Option<Value>,
    /// Keyed collections: the item's position after an `add` or a `move` (an `add` without it
    /// appends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    /// Keyed collections: the item's position before a `remove` or a `move`.
    #[serde(default, skip_serializing_if = "Option::is_none", rename = "oldIndex")]
    pub old_index: Option<usize>,
}

/// A member that is present deserialises to `Some`, even when it is `null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl Patch {
    /// An `add` operation.
    ///
    /// ```
    /// use reactive_state::{path, Patch, PatchOp};
    /// assert_eq!(Patch::add(path!(todos[0]), 1.into()).op, PatchOp::Add);
    /// ```
    pub fn add(path: Path, value: Value) -> Patch {
        Patch {
            value: Some(value),
            ..Patch::bare(PatchOp::Add, path)
        }
    }

    /// A `remove` operation; `old` is the value removed.
    ///
    /// ```
    /// use reactive_state::{path, Patch};
    /// assert_eq!(Patch::remove(path!(todos[0]), 1.into()).value, None);
    /// ```
    pub fn remove(path: Path, old: Value) -> Patch {
        Patch {
            old: Some(old),
            ..Patch::bare(PatchOp::Remove, path)
        }
    }

    /// A `replace` operation.
    ///
    /// ```
    /// use reactive_state::{path, Patch};
    /// let p = Patch::replace(path!(n), 1.into(), 2.into());
    /// assert_eq!((p.old, p.value), (Some(1.into()), Some(2.into())));
    /// ```
    pub fn replace(path: Path, old: Value, new: Value) -> Patch {
        Patch {
            value: Some(new),
            old: Some(old),
            ..Patch::bare(PatchOp::Replace, path)
        }
    }

    /// An operation with only its path.
    fn bare(op: PatchOp, path: Path) -> Patch {
        Patch {
            op,
            from: None,
            path,
            value: None,
            old: None,
            index: None,
            old_index: None,
        }
    }

    /// An `add` of an item to a keyed collection at position `index`; `path` ends with the
    /// item's [`Segment::Key`](crate::Segment::Key).
    ///
    /// ```
    /// use reactive_state::{path, Patch, Segment};
    /// let p = Patch::add_item(path!(todos).join(Segment::key("t1")), 0, "x".into());
    /// assert_eq!(p.index, Some(0));
    /// ```
    pub fn add_item(path: Path, index: usize, value: Value) -> Patch {
        Patch {
            index: Some(index),
            ..Patch::add(path, value)
        }
    }

    /// A `remove` of the item at `path` of a keyed collection, which was at position `index`.
    ///
    /// ```
    /// use reactive_state::{path, Patch, PatchOp, Segment};
    /// let p = Patch::remove_item(path!(todos).join(Segment::key("t1")), 3, "x".into());
    /// assert_eq!(p.inverse().op, PatchOp::Add);
    /// assert_eq!(p.inverse().index, Some(3));
    /// ```
    pub fn remove_item(path: Path, index: usize, old: Value) -> Patch {
        Patch {
            old_index: Some(index),
            ..Patch::remove(path, old)
        }
    }

    /// A `move` of the item at `path` of a keyed collection from position `from` to `to`.
    ///
    /// ```
    /// use reactive_state::{path, Patch, Segment};
    /// let p = Patch::move_item(path!(l).join(Segment::key("a")), 4, 1);
    /// assert_eq!((p.inverse().old_index, p.inverse().index), (Some(1), Some(4)));
    /// ```
    pub fn move_item(path: Path, from: usize, to: usize) -> Patch {
        Patch {
            from: Some(path.clone()),
            index: Some(to),
            old_index: Some(from),
            ..Patch::bare(PatchOp::Move, path)
        }
    }

    /// An RFC 6902 `move` of the value at `from` to `path`.
    ///
    /// ```
    /// use reactive_state::{path, Patch};
    /// let p = Patch::move_value(path!(a), path!(b));
    /// assert_eq!(p.inverse(), Patch::move_value(path!(b), path!(a)));
    /// ```
    pub fn move_value(from: Path, path: Path) -> Patch {
        Patch {
            from: Some(from),
            ..Patch::bare(PatchOp::Move, path)
        }
    }

    /// Whether this moves an item of a keyed collection (as opposed to a value between two
    /// locations).
    ///
    /// ```
    /// use reactive_state::{path, Patch};
    /// assert!(!Patch::move_value(path!(a), path!(b)).is_item_move());
    /// ```
    pub fn is_item_move(&self) -> bool {
        self.op == PatchOp::Move && self.from.as_ref().is_none_or(|from| *from == self.path)
    }

    /// The patch that undoes this one: `add` ↔ `remove`, `replace` with the values swapped,
    /// `move` back.
    ///
    /// ```
    /// use reactive_state::{path, Patch, PatchOp};
    /// let p = Patch::add(path!(items[2]), "x".into());
    /// assert_eq!(p.inverse(), Patch::remove(path!(items[2]), "x".into()));
    /// assert_eq!(p.inverse().inverse(), p);
    /// ```
    pub fn inverse(&self) -> Patch {
        let op = match self.op {
            PatchOp::Add => PatchOp::Remove,
            PatchOp::Remove => PatchOp::Add,
            PatchOp::Replace => PatchOp::Replace,
            PatchOp::Move => PatchOp::Move,
        };
        let (from, path) = match (self.op, &self.from) {
            (PatchOp::Move, Some(from)) if *from != self.path => {
                (Some(self.path.clone()), from.clone())
            }
            _ => (self.from.clone(), self.path.clone()),
        };
        Patch {
            op,
            from,
            path,
            value: if self.op == PatchOp::Move {
                self.value.clone()
            } else {
                self.old.clone()
            },
            old: if self.op == PatchOp::Move {
                None
            } else {
                self.value.clone()
            },
            index: self.old_index,
            old_index: self.index,
        }
    }

    /// The new value, or [`PatchError::MissingValue`] for an `add` or `replace` without one.
    ///
    /// ```
    /// use reactive_state::{path, Patch};
    /// assert!(Patch::remove(path!(a), 1.into()).new_value().is_err());
    /// ```
    pub fn new_value(&self) -> Result<&Value, PatchError> {
        self.value.as_ref().ok_or_else(|| PatchError::MissingValue {
            path: self.path.clone(),
            op: self.op,
        })
    }

    /// A rough size in bytes: the path and the values as compact JSON. Used to bound the
    /// history by bytes.
    ///
    /// ```
    /// use reactive_state::{path, Patch};
    /// assert!(Patch::add(path!(a), "hello".into()).approx_size() >= 7);
    /// ```
    pub fn approx_size(&self) -> usize {
        let values = self.value.iter().chain(self.old.iter());
        let from = self.from.as_ref().map_or(0, Path::len);
        16 + (self.path.len() + from) * 8 + values.map(value_size).sum::<usize>()
    }
}

/// The patches that undo `patches`: each inverted, in reverse order.
///
/// ```
/// use reactive_state::{invert, path, Patch};
/// let forward = [Patch::add(path!(l[0]), 1.into()), Patch::add(path!(l[1]), 2.into())];
/// let back = invert(&forward);
/// assert_eq!(back[0], Patch::remove(path!(l[1]), 2.into()));
/// ```
pub fn invert(patches: &[Patch]) -> Vec<Patch> {
    patches.iter().rev().map(Patch::inverse).collect()
}

/// The length of a value written as compact JSON, estimated without allocating.
fn value_size(v: &Value) -> usize {
    // An explicit stack: a deeply nested value must not overflow the call stack.
    let mut stack = vec![v];
    let mut size = 0;
    while let Some(v) = stack.pop() {
        size += match v {
            Value::Null => 4,
            Value::Bool(_) => 5,
            Value::Number(_) => 8,
            Value::String(s) => s.len() + 2,
            Value::Array(items) => {
                stack.extend(items);
                2 + items.len()
            }
            Value::Object(map) => {
                stack.extend(map.values());
                2 + map.keys().map(|k| k.len() + 4).sum::<usize>()
            }
        };
    }
    size
}

/// A patch that could not be made or applied.
///
/// ```
/// use reactive_state::{path, Patch, PatchError, State};
/// let mut n = 3u32;
/// let err = n.apply_patch(&Patch::replace(path!(nope), 1.into(), 2.into())).unwrap_err();
/// assert!(matches!(err, PatchError::NoSuchPath { .. }));
/// assert_eq!(err.to_string(), "no value at /nope");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PatchError {
    /// Nothing exists at the path (a missing field, key or list element).
    #[error("no value at {path}")]
    NoSuchPath {
        /// The patch's path.
        path: Path,
    },
    /// An `add` to a keyed collection of a key it already holds, or of an item whose own key
    /// differs from the key in the path.
    #[error("cannot add at {path}: {reason}")]
    KeyConflict {
        /// The patch's path.
        path: Path,
        /// Which of the two.
        reason: &'static str,
    },
    /// A list index past the end.
    #[error("index out of bounds at {path} (the list has {len} elements)")]
    IndexOutOfBounds {
        /// The patch's path.
        path: Path,
        /// The list's length.
        len: usize,
    },
    /// An `add` or `replace` without a value.
    #[error("{op:?} at {path} has no value")]
    MissingValue {
        /// The patch's path.
        path: Path,
        /// Its operation.
        op: PatchOp,
    },
    /// The operation makes no sense there (removing a struct field, replacing the root with
    /// `remove`).
    #[error("cannot {op:?} at {path}: {reason}")]
    InvalidOp {
        /// The patch's path.
        path: Path,
        /// Its operation.
        op: PatchOp,
        /// Why.
        reason: &'static str,
    },
    /// The value does not fit the type at the path.
    #[error("the value at {path} does not fit its type: {message}")]
    Decode {
        /// The patch's path.
        path: Path,
        /// The deserialiser's message.
        message: String,
    },
    /// A value of the state could not be written as JSON (for example a map whose keys are not
    /// strings or numbers).
    #[error("the value at {path} cannot be written as JSON: {message}")]
    Encode {
        /// Where.
        path: Path,
        /// The serialiser's message.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path;
    use serde_json::json;

    #[test]
    fn null_values_survive_a_round_trip() {
        let p = Patch::replace(path!(sel), json!("a"), Value::Null);
        let text = serde_json::to_string(&p).unwrap();
        let back: Patch = serde_json::from_str(&text).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn a_plain_json_patch_document_parses() {
        let doc = r#"[{"op":"add","path":"/todos/-","value":{"t":1}},{"op":"remove","path":"/x"}]"#;
        let patches: Vec<Patch> = serde_json::from_str(doc).unwrap();
        assert_eq!(patches[0].op, PatchOp::Add);
        assert_eq!(patches[1].old, None);
    }

    #[test]
    fn size_of_a_nested_value_counts_every_level() {
        let mut v = json!("leaf");
        for _ in 0..200 {
            v = Value::Array(vec![v]);
        }
        assert!(Patch::add(path!(a), v).approx_size() > 600);
    }
}
