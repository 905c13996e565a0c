//! The pieces of a patch: [`Change`] (old and new value of one field) and [`ModelError`] (why a
//! patch or list operation did not fit). Where a patch applies is a [`reactive_state::Path`].

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
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// An item with this key is already in the list.
    #[error("{list}: key {key} is already in the list")]
    DuplicateKey {
        /// The list (its field name, or `keyed list`).
        list: &'static str,
        /// The key, formatted with `Debug`.
        key: String,
    },
    /// No item has this key.
    #[error("{list}: no item has the key {key}")]
    MissingKey {
        /// The list (its field name, or `keyed list`).
        list: &'static str,
        /// The key, formatted with `Debug`.
        key: String,
    },
    /// A position past the end of the list.
    #[error("{list}: index {index} is out of range for a list of {len} items")]
    IndexOutOfRange {
        /// The list (its field name, or `keyed list`).
        list: &'static str,
        /// The position asked for.
        index: usize,
        /// The list's length.
        len: usize,
    },
    /// A new order that is not a permutation of the list's keys.
    #[error("{list}: the new order must list every key of the list exactly once")]
    NotAPermutation {
        /// The list (its field name, or `keyed list`).
        list: &'static str,
    },
    /// An insertion whose item's own key differs from the key the patch names.
    #[error("{list}: the item inserted at key {key} has a different key of its own")]
    KeyMismatch {
        /// The list (its field name, or `keyed list`).
        list: &'static str,
        /// The key the patch names, formatted with `Debug`.
        key: String,
    },
    /// A [`reactive_state::Patch`] that is not a patch of this model (an unknown field, an
    /// operation the field cannot take, a value of the wrong type).
    #[error("not a patch of this model: {0}")]
    Patch(#[source] reactive_state::PatchError),
}

impl From<reactive_state::PatchError> for ModelError {
    fn from(error: reactive_state::PatchError) -> Self {
        ModelError::Patch(error)
    }
}
