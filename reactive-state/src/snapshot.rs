//! [`Snapshot`]: an immutable, shareable version of a store's state, and its JSON and binary
//! encodings.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One version of a state: immutable, cloned in O(1) (an `Arc`), valid for as long as it is
/// held, whatever the store does afterwards.
///
/// It serialises as the state itself, to JSON ([`to_json`](Snapshot::to_json)) or to the compact
/// `postcard` binary format ([`to_postcard`](Snapshot::to_postcard)).
///
/// ```
/// use reactive_state::Snapshot;
///
/// let before = Snapshot::new(vec![1, 2, 3]);
/// let mut next = (*before).clone();
/// next.push(4);
/// let after = Snapshot::new(next);
/// assert_eq!(*before, [1, 2, 3]); // the old version is untouched
/// assert_eq!(after.len(), 4);
///
/// let json = before.to_json()?;
/// assert_eq!(json, "[1,2,3]");
/// let bytes = before.to_postcard()?;
/// assert_eq!(Snapshot::<Vec<i32>>::from_postcard(&bytes)?, before);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Snapshot<S> {
    state: Arc<S>,
}

impl<S> Snapshot<S> {
    /// Wraps a state.
    ///
    /// ```
    /// use reactive_state::Snapshot;
    /// assert_eq!(*Snapshot::new(5), 5);
    /// ```
    pub fn new(state: S) -> Snapshot<S> {
        Snapshot {
            state: Arc::new(state),
        }
    }

    /// Whether both are the very same version (same allocation), not just equal.
    ///
    /// ```
    /// use reactive_state::Snapshot;
    /// let a = Snapshot::new(1);
    /// assert!(a.ptr_eq(&a.clone()));
    /// assert!(!a.ptr_eq(&Snapshot::new(1)));
    /// ```
    pub fn ptr_eq(&self, other: &Snapshot<S>) -> bool {
        Arc::ptr_eq(&self.state, &other.state)
    }

    /// The state as an `Arc`, for sharing with code that does not know snapshots.
    ///
    /// ```
    /// use reactive_state::Snapshot;
    /// let arc = Snapshot::new("x").as_arc().clone();
    /// assert_eq!(*arc, "x");
    /// ```
    pub fn as_arc(&self) -> &Arc<S> {
        &self.state
    }
}

impl<S: Serialize> Snapshot<S> {
    /// The state as compact JSON.
    ///
    /// # Errors
    /// [`CodecError::Json`] if the state cannot be written as JSON (a map with non-string
    /// keys).
    ///
    /// ```
    /// use reactive_state::Snapshot;
    /// assert_eq!(Snapshot::new(vec!["a"]).to_json()?, r#"["a"]"#);
    /// # Ok::<(), reactive_state::CodecError>(())
    /// ```
    pub fn to_json(&self) -> Result<String, CodecError> {
        serde_json::to_string(&*self.state).map_err(|e| CodecError::Json(e.to_string()))
    }

    /// The state in the `postcard` binary format: compact, not self-describing (the reader must
    /// know the type).
    ///
    /// # Errors
    /// [`CodecError::Postcard`] if the state cannot be encoded.
    ///
    /// ```
    /// use reactive_state::Snapshot;
    /// assert_eq!(Snapshot::new(300u32).to_postcard()?, [0xac, 0x02]);
    /// # Ok::<(), reactive_state::CodecError>(())
    /// ```
    pub fn to_postcard(&self) -> Result<Vec<u8>, CodecError> {
        postcard::to_allocvec(&*self.state).map_err(|e| CodecError::Postcard(e.to_string()))
    }
}

impl<S: DeserializeOwned> Snapshot<S> {
    /// Reads a snapshot from JSON.
    ///
    /// # Errors
    /// [`CodecError::Json`] with the position and cause, on malformed input or input of
    /// another shape.
    ///
    /// ```
    /// use reactive_state::{CodecError, Snapshot};
    /// assert_eq!(*Snapshot::<Vec<u8>>::from_json("[1,2]")?, [1, 2]);
    /// assert!(matches!(Snapshot::<Vec<u8>>::from_json("[1,"), Err(CodecError::Json(_))));
    /// # Ok::<(), CodecError>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Snapshot<S>, CodecError> {
        serde_json::from_str(json)
            .map(Snapshot::new)
            .map_err(|e| CodecError::Json(e.to_string()))
    }

    /// Reads a snapshot from `postcard` bytes. Trailing bytes are an error: they mean the bytes
    /// were not written for this type.
    ///
    /// # Errors
    /// [`CodecError::Postcard`] on truncated, corrupt or trailing input.
    ///
    /// ```
    /// use reactive_state::{CodecError, Snapshot};
    /// assert!(matches!(Snapshot::<String>::from_postcard(&[5, b'a']), Err(CodecError::Postcard(_))));
    /// ```
    pub fn from_postcard(bytes: &[u8]) -> Result<Snapshot<S>, CodecError> {
        match postcard::take_from_bytes(bytes) {
            Ok((state, [])) => Ok(Snapshot::new(state)),
            Ok((_, rest)) => Err(CodecError::Postcard(format!(
                "{} bytes left over after the value",
                rest.len()
            ))),
            Err(e) => Err(CodecError::Postcard(e.to_string())),
        }
    }
}

impl<S> Clone for Snapshot<S> {
    fn clone(&self) -> Self {
        Snapshot {
            state: self.state.clone(),
        }
    }
}

impl<S> Deref for Snapshot<S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.state
    }
}

impl<S> AsRef<S> for Snapshot<S> {
    fn as_ref(&self) -> &S {
        &self.state
    }
}

/// Equal when they are the same version, or hold equal states.
impl<S: PartialEq> PartialEq for Snapshot<S> {
    fn eq(&self, other: &Self) -> bool {
        self.ptr_eq(other) || *self.state == *other.state
    }
}

impl<S: fmt::Debug> fmt::Debug for Snapshot<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Snapshot").field(&*self.state).finish()
    }
}

impl<S: Serialize> Serialize for Snapshot<S> {
    fn serialize<Ser: Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        self.state.serialize(serializer)
    }
}

impl<'de, S: Deserialize<'de>> Deserialize<'de> for Snapshot<S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        S::deserialize(deserializer).map(Snapshot::new)
    }
}

/// A snapshot that could not be encoded or decoded.
///
/// ```
/// use reactive_state::{CodecError, Snapshot};
/// let err = Snapshot::<u8>::from_json("300").unwrap_err();
/// assert!(err.to_string().starts_with("JSON:"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError {
    /// JSON: the serde_json message (with line and column when reading).
    #[error("JSON: {0}")]
    Json(String),
    /// postcard: what went wrong.
    #[error("postcard: {0}")]
    Postcard(String),
}
