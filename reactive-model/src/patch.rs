//! The pieces of a patch: [`Change`] (old and new value of one field), [`FieldPath`] (where it
//! applies) and [`ModelError`] (why a patch or list operation did not fit).

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

/// One step of a [`FieldPath`].
///
/// ```
/// use reactive_model::{FieldPath, PathSegment};
///
/// let path = FieldPath::field("slots").join(FieldPath::key(&3)).join(FieldPath::field("count"));
/// let fields: Vec<&str> = path
///     .segments()
///     .iter()
///     .filter_map(|segment| match segment {
///         PathSegment::Field(name) => Some(*name),
///         PathSegment::Key(_) | PathSegment::Index(_) => None,
///     })
///     .collect();
/// assert_eq!(fields, ["slots", "count"]);
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum PathSegment {
    /// A field of a model, by name.
    Field(&'static str),
    /// An item of a keyed list, by its key (formatted with `Debug`).
    Key(String),
    /// A position in a keyed list (insertions and removals).
    Index(usize),
}

/// Where a patch applies: `pos.x`, `inventory["axe"].count`, `inventory[#2]` (a position).
///
/// ```
/// use reactive_model::{FieldPath, PathSegment};
///
/// let path = FieldPath::field("inventory").join(FieldPath::key(&"axe").join(FieldPath::field("count")));
/// assert_eq!(path.to_string(), r#"inventory["axe"].count"#);
/// assert_eq!(path.segments()[0], PathSegment::Field("inventory"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct FieldPath {
    segments: Vec<PathSegment>,
}

impl FieldPath {
    /// The empty path: the model (or list) itself.
    ///
    /// ```
    /// # use reactive_model::FieldPath;
    /// assert!(FieldPath::root().segments().is_empty());
    /// ```
    pub fn root() -> Self {
        FieldPath::default()
    }

    /// A path of one field.
    ///
    /// ```
    /// # use reactive_model::FieldPath;
    /// assert_eq!(FieldPath::field("hp").to_string(), "hp");
    /// ```
    pub fn field(name: &'static str) -> Self {
        FieldPath {
            segments: vec![PathSegment::Field(name)],
        }
    }

    /// A path of one keyed-list item.
    ///
    /// ```
    /// # use reactive_model::FieldPath;
    /// assert_eq!(FieldPath::key(&7).to_string(), "[7]");
    /// ```
    pub fn key(key: &dyn fmt::Debug) -> Self {
        FieldPath {
            segments: vec![PathSegment::Key(format!("{key:?}"))],
        }
    }

    /// A path of one keyed-list position.
    ///
    /// ```
    /// # use reactive_model::FieldPath;
    /// assert_eq!(FieldPath::index(2).to_string(), "[#2]");
    /// ```
    pub fn index(index: usize) -> Self {
        FieldPath {
            segments: vec![PathSegment::Index(index)],
        }
    }

    /// This path followed by `rest`.
    ///
    /// ```
    /// # use reactive_model::FieldPath;
    /// assert_eq!(FieldPath::field("pos").join(FieldPath::field("x")).to_string(), "pos.x");
    /// ```
    #[must_use]
    pub fn join(mut self, rest: FieldPath) -> Self {
        self.segments.extend(rest.segments);
        self
    }

    /// The steps, outermost first.
    ///
    /// ```
    /// # use reactive_model::{FieldPath, PathSegment};
    /// assert_eq!(FieldPath::index(1).segments(), [PathSegment::Index(1)]);
    /// ```
    pub fn segments(&self) -> &[PathSegment] {
        &self.segments
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                PathSegment::Field(name) if i == 0 => f.write_str(name)?,
                PathSegment::Field(name) => write!(f, ".{name}")?,
                PathSegment::Key(key) => write!(f, "[{key}]")?,
                PathSegment::Index(index) => write!(f, "[#{index}]")?,
            }
        }
        Ok(())
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
        }
    }
}

impl std::error::Error for ModelError {}
