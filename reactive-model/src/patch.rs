//! The pieces of a patch: [`Change`] (old and new value of one field) and [`ModelError`] (why a
//! patch or list operation did not fit). Where a patch applies is a [`reactive_state::Path`].

use std::fmt;

/// The old and the new value of one field: the leaf of every patch.
///
/// ```
/// use reactive_model::Change;
///
/// let change = Change { old: 3, new: 4 };
/// assert_eq!(change.inverse(), Change { old: 4, new: 3 });
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Change<T> {
    /// The value before the change.
    pub old: T,
    /// The value after the change.
    pub new: T,
}

impl<T: Clone> Change<T> {
    /// The change that undoes this one.
    ///
    /// ```
    /// # use reactive_model::Change;
    /// let change = Change { old: "a", new: "b" };
    /// assert_eq!(change.inverse().inverse(), change);
    /// ```
    pub fn inverse(&self) -> Self {
        Change {
            old: self.new.clone(),
            new: self.old.clone(),
        }
    }
}

/// Why a keyed-list operation or a patch did not fit the model. Nothing was written.
///
/// ```
/// use reactive_model::{KeyedList, Model, ModelError};
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Tag {
///     #[model(skip)]
///     id: u32,
/// }
///
/// let tags = KeyedList::new(vec![Tag { id: 1 }], |tag: &Tag| tag.id);
/// let error = tags.try_push(Tag { id: 1 }).unwrap_err();
/// assert!(matches!(error, ModelError::DuplicateKey { .. }));
/// assert_eq!(error.to_string(), "keyed list: key 1 is already in the list");
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
#[non_exhaustive]
pub enum ModelError {
    /// An item with this key is already in the list.
    DuplicateKey {
        /// The list (its field name, or `keyed list`).
        list: &'static str,
        /// The key, formatted with `Debug`.
        key: String,
    },
    /// No item has this key.
    MissingKey {
        /// The list (its field name, or `keyed list`).
        list: &'static str,
        /// The key, formatted with `Debug`.
        key: String,
    },
    /// A position past the end of the list.
    IndexOutOfRange {
        /// The list (its field name, or `keyed list`).
        list: &'static str,
        /// The position asked for.
        index: usize,
        /// The list's length.
        len: usize,
    },
    /// A new order that is not a permutation of the list's keys.
    NotAPermutation {
        /// The list (its field name, or `keyed list`).
        list: &'static str,
    },
    /// An insertion whose item's own key differs from the key the patch names.
    KeyMismatch {
        /// The list (its field name, or `keyed list`).
        list: &'static str,
        /// The key the patch names, formatted with `Debug`.
        key: String,
    },
    /// A [`reactive_state::Patch`] that is not a patch of this model (an unknown field, an
    /// operation the field cannot take, a value of the wrong type).
    Patch(reactive_state::PatchError),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::DuplicateKey { list, key } => {
                write!(f, "{list}: key {key} is already in the list")
            }
            ModelError::MissingKey { list, key } => write!(f, "{list}: no item has the key {key}"),
            ModelError::IndexOutOfRange { list, index, len } => {
                write!(
                    f,
                    "{list}: index {index} is out of range for a list of {len} items"
                )
            }
            ModelError::NotAPermutation { list } => write!(
                f,
                "{list}: the new order must list every key of the list exactly once"
            ),
            ModelError::KeyMismatch { list, key } => write!(
                f,
                "{list}: the item inserted at key {key} has a different key of its own"
            ),
            ModelError::Patch(error) => write!(f, "not a patch of this model: {error}"),
        }
    }
}

impl std::error::Error for ModelError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ModelError::Patch(error) => Some(error),
            _ => None,
        }
    }
}

impl From<reactive_state::PatchError> for ModelError {
    fn from(error: reactive_state::PatchError) -> Self {
        ModelError::Patch(error)
    }
}
