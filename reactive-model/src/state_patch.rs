//! [`StatePatch`]: a model patch as the workspace's one vocabulary of change, a
//! [`reactive_state::Patch`] (JSON Patch), and back. Feature `serde`.
//!
//! The conversion is exact in both directions: a field's [`Change`] is a `replace` with `old`
//! and `value`, a keyed list's [`ListPatch`](crate::ListPatch) an `add`, `remove` or `move` of
//! the item at `/<list>/<key>` with its positions, and a patch inside a nested model or a list
//! item carries the path down to the field. So a model and a `reactive-store` state of the same
//! shape describe the same change with the same JSON.

use crate::Change;
use reactive_state::{Patch, PatchError, PatchOp, Path};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A typed patch that converts to and from a [`reactive_state::Patch`]: the patch enums of
/// models marked `#[model(serde)]` and [`ListPatch`](crate::ListPatch).
///
/// Values are written and read with serde (`serde_json`); keyed-list keys are written with
/// `Display` and read with `FromStr` (see [`ListKey`](crate::ListKey)). For these types,
/// `Serialize` and `Deserialize` *are* this conversion: a serialised model patch is a JSON Patch
/// operation.
///
/// ```
/// use reactive_model::{Change, Model, StatePatch};
/// use reactive_state::{Patch, Path};
///
/// #[derive(Model, Clone, PartialEq, Debug, serde::Serialize, serde::Deserialize)]
/// #[model(serde)]
/// struct Player {
///     hp: u32,
/// }
///
/// let patch = PlayerPatch::Hp(Change { old: 3, new: 4 });
/// let state = patch.to_patch()?;
/// assert_eq!(state, Patch::replace(Path::parse("/hp")?, 3.into(), 4.into()));
/// assert_eq!(PlayerPatch::from_patch(&state)?, patch);
/// assert_eq!(
///     serde_json::to_string(&patch)?,
///     r#"{"op":"replace","path":"/hp","value":4,"old":3}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait StatePatch: Sized {
    /// The patch as a [`reactive_state::Patch`], with its path from the model's root.
    ///
    /// # Errors
    ///
    /// [`PatchError::Encode`] when a value cannot be written as JSON (a map whose keys are not
    /// strings, for example).
    fn to_patch(&self) -> Result<Patch, PatchError> {
        self.to_patch_at(Path::root())
    }

    /// The typed patch that `patch` describes.
    ///
    /// # Errors
    ///
    /// When it is not a patch of this model: [`PatchError::NoSuchPath`] for an unknown field,
    /// [`PatchError::InvalidOp`] for an operation the place cannot take (a field is only ever
    /// replaced; an item of a keyed list is added, removed, moved or edited inside) or a member
    /// the model patch needs and the patch lacks (`old`, `index`, `oldIndex`),
    /// [`PatchError::Decode`] for a value or key of the wrong type.
    fn from_patch(patch: &Patch) -> Result<Self, PatchError> {
        Self::from_patch_at(patch, 0)
    }

    /// [`to_patch`](Self::to_patch) for a patch of a value that sits at `at`: the building
    /// block of nested models and list items.
    ///
    /// # Errors
    ///
    /// As [`to_patch`](Self::to_patch).
    fn to_patch_at(&self, at: Path) -> Result<Patch, PatchError>;

    /// [`from_patch`](Self::from_patch) for a value that sits `depth` segments down
    /// `patch.path`: the segments after the first `depth` are relative to it. Errors name the
    /// whole path.
    ///
    /// # Errors
    ///
    /// As [`from_patch`](Self::from_patch).
    fn from_patch_at(patch: &Patch, depth: usize) -> Result<Self, PatchError>;
}

/// `value` as JSON, or [`PatchError::Encode`] at `path`.
pub fn encode<T: Serialize + ?Sized>(value: &T, path: &Path) -> Result<Value, PatchError> {
    serde_json::to_value(value).map_err(|error| PatchError::Encode {
        path: path.clone(),
        message: error.to_string(),
    })
}

/// A `T` from JSON, or [`PatchError::Decode`] at the patch's path.
pub fn decode<T: DeserializeOwned>(value: &Value, patch: &Patch) -> Result<T, PatchError> {
    T::deserialize(value).map_err(|error| PatchError::Decode {
        path: patch.path.clone(),
        message: error.to_string(),
    })
}

/// [`PatchError::InvalidOp`] for `patch`.
pub fn invalid(patch: &Patch, reason: &'static str) -> PatchError {
    PatchError::InvalidOp {
        path: patch.path.clone(),
        op: patch.op,
        reason,
    }
}

/// The `replace` of a plain field at `at`.
pub fn change_to_patch<T: Serialize>(change: &Change<T>, at: Path) -> Result<Patch, PatchError> {
    let old = encode(&change.old, &at)?;
    let new = encode(&change.new, &at)?;
    Ok(Patch::replace(at, old, new))
}

/// The [`Change`] of a plain field that `patch` replaces; the field is the last of the first
/// `depth` segments.
pub fn change_from_patch<T: DeserializeOwned>(
    patch: &Patch,
    depth: usize,
) -> Result<Change<T>, PatchError> {
    if patch.path.len() > depth {
        return Err(PatchError::NoSuchPath {
            path: patch.path.clone(),
        });
    }
    if patch.op != PatchOp::Replace {
        return Err(invalid(patch, "a model's field is only ever replaced"));
    }
    let old = patch.old.as_ref().ok_or_else(|| {
        invalid(
            patch,
            "a model patch needs the value it replaces (`old`) to be invertible",
        )
    })?;
    Ok(Change {
        old: decode(old, patch)?,
        new: decode(patch.new_value()?, patch)?,
    })
}

/// The serialisation of a [`StatePatch`]: its JSON Patch form.
pub fn serialize_patch<P: StatePatch, S: Serializer>(
    patch: &P,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    patch
        .to_patch()
        .map_err(serde::ser::Error::custom)?
        .serialize(serializer)
}

/// The deserialisation of a [`StatePatch`] from its JSON Patch form.
pub fn deserialize_patch<'de, P: StatePatch, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<P, D::Error> {
    let patch = Patch::deserialize(deserializer)?;
    P::from_patch(&patch).map_err(serde::de::Error::custom)
}
