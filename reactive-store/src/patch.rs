//! Patches: one change at one path, with the old and the new value; serialised as JSON Patch
//! (RFC 6902) operations.

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::path::Path;

/// What a [`Patch`] does.
///
/// ```
/// use reactive_store::{path, Diff, PatchOp};
/// let ops: Vec<PatchOp> = Diff::patches(&vec![1, 5], &vec![2, 5, 7])?.iter().map(|p| p.op).collect();
/// assert_eq!(ops, [PatchOp::Replace, PatchOp::Remove]);
/// # Ok::<(), reactive_store::PatchError>(())
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
}

/// One change: the operation, where, and the values before and after.
///
/// Serialised, a patch is a JSON Patch operation (`op`, `path`, `value`) with one extra member,
/// `old`, the value it replaced or removed; JSON Patch tools ignore unknown members, and `old`
/// is what makes a patch invertible.
///
/// ```
/// use reactive_store::{path, Patch};
/// use serde_json::json;
///
/// let p = Patch::replace(path!(todos[3].title), json!("old"), json!("new"));
/// assert_eq!(
///     serde_json::to_value(&p)?,
///     json!({"op": "replace", "path": "/todos/3/title", "value": "new", "old": "old"})
/// );
/// assert_eq!(p.inverse().value, Some(json!("old")));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Patch {
    /// The operation.
    pub op: PatchOp,
    /// Where it applies.
    pub path: Path,
    /// The new value (`add`, `replace`).
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
}

/// A member that is present deserialises to `Some`, even when it is `null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl Patch {
    /// An `add` operation.
    ///
    /// ```
    /// use reactive_store::{path, Patch, PatchOp};
    /// assert_eq!(Patch::add(path!(todos[0]), 1.into()).op, PatchOp::Add);
    /// ```
    pub fn add(path: Path, value: Value) -> Patch {
        Patch {
            op: PatchOp::Add,
            path,
            value: Some(value),
            old: None,
        }
    }

    /// A `remove` operation; `old` is the value removed.
    ///
    /// ```
    /// use reactive_store::{path, Patch};
    /// assert_eq!(Patch::remove(path!(todos[0]), 1.into()).value, None);
    /// ```
    pub fn remove(path: Path, old: Value) -> Patch {
        Patch {
            op: PatchOp::Remove,
            path,
            value: None,
            old: Some(old),
        }
    }

    /// A `replace` operation.
    ///
    /// ```
    /// use reactive_store::{path, Patch};
    /// let p = Patch::replace(path!(n), 1.into(), 2.into());
    /// assert_eq!((p.old, p.value), (Some(1.into()), Some(2.into())));
    /// ```
    pub fn replace(path: Path, old: Value, new: Value) -> Patch {
        Patch {
            op: PatchOp::Replace,
            path,
            value: Some(new),
            old: Some(old),
        }
    }

    /// The patch that undoes this one: `add` ↔ `remove`, `replace` with the values swapped.
    ///
    /// ```
    /// use reactive_store::{path, Patch, PatchOp};
    /// let p = Patch::add(path!(items[2]), "x".into());
    /// assert_eq!(p.inverse(), Patch::remove(path!(items[2]), "x".into()));
    /// assert_eq!(p.inverse().inverse(), p);
    /// ```
    pub fn inverse(&self) -> Patch {
        let op = match self.op {
            PatchOp::Add => PatchOp::Remove,
            PatchOp::Remove => PatchOp::Add,
            PatchOp::Replace => PatchOp::Replace,
        };
        Patch {
            op,
            path: self.path.clone(),
            value: self.old.clone(),
            old: self.value.clone(),
        }
    }

    /// The new value, or [`PatchError::MissingValue`] for an `add` or `replace` without one.
    ///
    /// ```
    /// use reactive_store::{path, Patch};
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
    /// use reactive_store::{path, Patch};
    /// assert!(Patch::add(path!(a), "hello".into()).approx_size() >= 7);
    /// ```
    pub fn approx_size(&self) -> usize {
        let values = self.value.iter().chain(self.old.iter());
        16 + self.path.len() * 8 + values.map(value_size).sum::<usize>()
    }
}

/// The patches that undo `patches`: each inverted, in reverse order.
///
/// ```
/// use reactive_store::{invert, path, Patch};
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
/// use reactive_store::{path, Patch, PatchError, Store, TransactionError};
/// let store = Store::new(3u32);
/// let err = store.apply_patches(&[Patch::replace(path!(nope), 1.into(), 2.into())]).unwrap_err();
/// assert!(matches!(err, TransactionError::Patch(PatchError::NoSuchPath { .. })));
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
