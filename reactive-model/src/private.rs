//! What the generated code names and users do not: `reactive_model::__private`. Not part of the
//! stable API.
//!
//! `FieldOf` links expansions that cannot see each other: its parameter is a field's name
//! spelled as a type, one [`Ch`] per character (`(Ch<'i'>, Ch<'d'>)` for `id`), which both
//! expansions can write without sharing a path, and which reads as the name in a message.

use crate::{Model, ModelField, ModelPatch};
use reactive_state::{Path, Segment};
use std::fmt;

#[cfg(feature = "serde")]
pub use serde;

/// What the generated code needs from `reactive-state`, which the user need not depend on.
pub use reactive_state;

/// The engine, which the generated code reaches through this crate, so that the user need not
/// depend on `reactive-core`.
pub use reactive_core as core;

#[cfg(feature = "serde")]
pub use crate::state_patch::{
    change_from_patch, change_to_patch, deserialize_patch, serialize_patch,
};

/// The path of the field `name`: `/name`.
#[inline]
pub fn field_path(name: &'static str) -> Path {
    Path::from_segments([Segment::field(name)])
}

/// The path of the field `name` followed by `rest` (a nested model's or a keyed list's path).
#[inline]
pub fn field_path_then(name: &'static str, rest: &Path) -> Path {
    field_path(name).concat(rest)
}

/// `at` followed by the field `name`.
#[inline]
pub fn join_field(at: &Path, name: &'static str) -> Path {
    at.join(Segment::field(name))
}

/// The field segment of a patch of a model sitting `depth` segments down its path: what the
/// generated `from_patch_at` matches on.
///
/// # Errors
///
/// [`reactive_state::PatchError::InvalidOp`] when the path stops at the model itself.
#[cfg(feature = "serde")]
pub fn field_segment(
    patch: &reactive_state::Patch,
    depth: usize,
) -> Result<std::borrow::Cow<'_, str>, reactive_state::PatchError> {
    patch
        .path
        .segments()
        .get(depth)
        .map(Segment::as_text)
        .ok_or_else(|| {
            crate::state_patch::invalid(
                patch,
                "a model is patched field by field; the path must name a field",
            )
        })
}

/// [`reactive_state::PatchError::NoSuchPath`] for `patch`: the field it names is not one of
/// the model's tracked fields.
#[cfg(feature = "serde")]
pub fn no_such_field(patch: &reactive_state::Patch) -> reactive_state::PatchError {
    reactive_state::PatchError::NoSuchPath {
        path: patch.path.clone(),
    }
}

pub use crate::__assert_serde_feature as assert_serde_feature;
pub use crate::__serde_items as serde_items;

/// Implemented with `Model` by the derive, with no conditions of its own: the generated code
/// requires `for<'g> Field: IsModel` (rather than `Model`) of nested and keyed field types, which
/// gives it `Model` (the supertrait) without the cyclic proofs recursive models would need.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    label = "`{Self}` does not derive `Model`",
    note = "derive it: `#[derive(Model, Clone, PartialEq, Debug)]` on the struct, or remove \
            `#[model(nested)]`/`#[model(keyed)]` from the field"
)]
pub trait IsModel: Model {}

/// Fails to compile, under the struct's name, when the struct that derives `Model` is not
/// `Clone`, `PartialEq` and `Debug`: the rustc message names the missing trait and suggests the
/// derive.
pub fn assert_model_value<T: Clone + PartialEq + fmt::Debug + 'static>() {}

/// Fails to compile, under `keyed = "..."`, when `T` has no field of that name, or when that
/// field's type is not a [`ListKey`](crate::ListKey) (patch paths name items by the key's
/// `Display` text). `T` and the key type are inferred from the argument, so that the error
/// points at the call, which is spanned at the key, and names the key's type.
pub fn assert_keyed_by<Name, T: FieldOf<Name, Type = K>, K: crate::ListKey>(
    _: std::marker::PhantomData<T>,
) {
}

/// Chooses what [`assert_keyed_by`] checks: a keyed list's item type itself when it is a model
/// ([`KeyedItemOfModel`], found first), [`NotAModel`] otherwise ([`KeyedItemOfOther`], found
/// through one more reference), so that an item that is not a model is reported once, by
/// `impl IsModel`, and not again as "no field of this name".
pub struct KeyedProbe<T>(std::marker::PhantomData<T>);

impl<T> KeyedProbe<T> {
    /// The probe for the item type `T`.
    #[allow(clippy::new_without_default)] // only generated code makes these
    pub fn new() -> Self {
        KeyedProbe(std::marker::PhantomData)
    }
}

/// The item type, when it is a model: its key field is checked.
pub trait KeyedItemOfModel {
    /// The type to check.
    type Item;
    /// A marker of it.
    fn item(&self) -> std::marker::PhantomData<Self::Item>;
}

impl<T: IsModel> KeyedItemOfModel for KeyedProbe<T> {
    type Item = T;
    fn item(&self) -> std::marker::PhantomData<T> {
        std::marker::PhantomData
    }
}

/// Any other item type: nothing to check here (`impl IsModel` reports it).
pub trait KeyedItemOfOther {
    /// A marker of [`NotAModel`].
    fn item(&self) -> std::marker::PhantomData<NotAModel>;
}

impl<T> KeyedItemOfOther for &KeyedProbe<T> {
    fn item(&self) -> std::marker::PhantomData<NotAModel> {
        std::marker::PhantomData
    }
}

/// Stands in for a keyed list's item type that is not a model, which is reported elsewhere: has
/// every field, keyed by `u32`.
pub struct NotAModel(u32);

impl<Name> FieldOf<Name> for NotAModel {
    type Type = u32;

    fn field(&self) -> &u32 {
        &self.0
    }
}

/// One character of a field's name, spelled as a type: see [`FieldOf`].
pub struct Ch<const C: char>;

/// The field of `Self` whose name is spelled `Name` (`(Ch<'i'>, Ch<'d'>)` for `id`): how
/// `#[model(keyed = "id")]` on `Player` finds the type of `Item::id`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no field with the name given to `keyed`",
    label = "`{Self}` has no field of this name",
    note = "`#[model(keyed = \"...\")]` names the field of the list's item type that is the \
            item's key; the item type derives `Model`"
)]
pub trait FieldOf<Name> {
    /// The field's type.
    type Type;

    /// Borrows the field.
    fn field(&self) -> &Self::Type;
}

pub use crate::computed::{
    ComputedCell, ComputedId, ComputedInfo, ComputedSlots, HasComputedSlots, NoComputedProperties,
    computed_get, computed_memo,
};

/// Named by the derive, under the word `computed`, when a struct still lists its computed
/// properties in `#[model(computed(...))]`: the list is ignored, and this warning says so.
#[deprecated(
    note = "computed properties are declared once, in their `#[computed] impl PlayerModel { .. }` \
            block: remove `computed(...)` from `#[model(...)]`"
)]
#[allow(non_upper_case_globals)]
pub const model_computed_list: () = ();

/// Deserialises a field enum from the name of a field or computed property (what its
/// `Serialize` writes), looked up in `F::ALL`.
///
/// # Errors
///
/// When the input is not a string, or names nothing in `F::ALL`.
#[cfg(feature = "serde")]
pub fn deserialize_field<'de, F: crate::ModelField, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<F, D::Error> {
    let name = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    F::ALL
        .iter()
        .copied()
        .find(|field| field.name() == name)
        .ok_or_else(|| {
            let expected: Vec<&str> = F::ALL.iter().map(|field| field.name()).collect();
            serde::de::Error::custom(format_args!(
                "unknown field or computed property `{name}`, expected one of {expected:?}"
            ))
        })
}

/// The field and patch type of a model whose derive failed: no values, so nothing can happen.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Unreachable {}

impl fmt::Display for Unreachable {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

impl ModelField for Unreachable {
    const ALL: &'static [Self] = &[];

    fn name(self) -> &'static str {
        match self {}
    }

    fn is_computed(self) -> bool {
        match self {}
    }
}

impl ModelPatch for Unreachable {
    type Field = Unreachable;

    fn field(&self) -> Unreachable {
        match *self {}
    }

    fn path(&self) -> Path {
        match *self {}
    }

    fn inverse(&self) -> Self {
        match *self {}
    }
}

#[cfg(feature = "serde")]
impl crate::StatePatch for Unreachable {
    fn to_patch_at(&self, _: Path) -> Result<reactive_state::Patch, reactive_state::PatchError> {
        match *self {}
    }

    fn from_patch_at(
        patch: &reactive_state::Patch,
        _: usize,
    ) -> Result<Self, reactive_state::PatchError> {
        Err(no_such_field(patch))
    }
}

/// Expands to nothing when the `serde` feature is on, to a clear error when it is off: used
/// by `#[model(serde)]`.
#[cfg(feature = "serde")]
#[doc(hidden)]
#[macro_export]
macro_rules! __assert_serde_feature {
    () => {};
}

/// Expands to nothing when the `serde` feature is on, to a clear error when it is off: used
/// by `#[model(serde)]`.
#[cfg(not(feature = "serde"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __assert_serde_feature {
    () => {
        ::core::compile_error!(
            "`#[model(serde)]` needs the `serde` feature of `reactive-model`: \
             `reactive-model = { version = \"..\", features = [\"serde\"] }`"
        );
    };
}

/// The items of `#[model(serde)]` that need the `serde` feature: kept when it is on, dropped
/// when it is off (`assert_serde_feature!` reports that once), so a missing feature is one
/// error, not one per generated impl.
#[cfg(feature = "serde")]
#[doc(hidden)]
#[macro_export]
macro_rules! __serde_items {
    ($($item:item)*) => { $($item)* };
}

/// The items of `#[model(serde)]` that need the `serde` feature: kept when it is on, dropped
/// when it is off (`assert_serde_feature!` reports that once), so a missing feature is one
/// error, not one per generated impl.
#[cfg(not(feature = "serde"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __serde_items {
    ($($item:item)*) => {};
}
