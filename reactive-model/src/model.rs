//! The traits `#[derive(Model)]` implements: `Model` (the plain struct), `ModelHandle` (its
//! reactive handle), `ModelField` (the field enum) and `ModelPatch` (the patch enum).

use crate::{ModelDescription, ModelError, ModelSubscription};
use reactive_core::{batch, untrack};
use reactive_state::Path;
use std::fmt::{Debug, Display};
use std::hash::Hash;

/// The field enum of model `H`'s value.
pub(crate) type FieldOfHandle<H> = <<H as ModelHandle>::Model as Model>::Field;
/// The patch enum of model `H`'s value.
pub(crate) type PatchOfHandle<H> = <<H as ModelHandle>::Model as Model>::Patch;

/// A plain struct that has a reactive counterpart: implemented by `#[derive(Model)]`.
///
/// The struct itself stays an ordinary value (a snapshot: `Clone`, comparable, serialisable if
/// you derive serde); [`Model::Handle`] is the live, fine-grained version of it.
///
/// ```
/// use reactive_model::{Model, ModelHandle};
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Door {
///     open: bool,
/// }
///
/// let door = Door { open: false }.into_model();
/// door.set_open(true);
/// assert_eq!(door.snapshot(), Door { open: true });
/// assert_eq!(Door::describe().fields[0].name, "open");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a model",
    label = "`{Self}` does not implement `Model`",
    note = "derive it: `#[derive(Model, Clone, PartialEq, Debug)]` on the struct, or remove \
            `#[model(nested)]`/`#[model(keyed)]` from the field"
)]
pub trait Model: Clone + PartialEq + Debug + 'static {
    /// The `Copy` handle with one signal per field (`PlayerModel` for `Player`).
    type Handle: ModelHandle<Model = Self>;
    /// Names the tracked fields and computed properties (`PlayerField`).
    type Field: ModelField;
    /// One field-level change (`PlayerPatch`).
    type Patch: ModelPatch<Field = Self::Field>;

    /// The fields (names, types as written, docs, kinds) and computed properties.
    fn describe() -> ModelDescription;

    /// The field-level patches that turn `old` into `new`, in an order in which they apply:
    /// applying them to a model holding `old` makes it hold `new`. Empty when they are equal.
    /// Skipped fields are not compared.
    fn diff(old: &Self, new: &Self) -> Vec<Self::Patch>;

    /// Creates the reactive handle: shorthand for [`ModelHandle::new`].
    ///
    /// # Panics
    ///
    /// If a keyed list in the value has two items with the same key.
    #[track_caller]
    fn into_model(self) -> Self::Handle {
        Self::Handle::new(self)
    }
}

/// The reactive handle of a [`Model`]: `Copy`, `!Send`, one signal per field. Handles compare
/// and hash by identity (the same model), not by value: compare snapshots for values.
///
/// Every method is also generated as an inherent method of the handle, so using a model needs
/// no trait import; the trait is for code generic over models (the keyed list, devtools, sync).
///
/// ```
/// use reactive_core::{Effect, Signal};
/// use reactive_model::{Model, ModelHandle};
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Pair {
///     left: i32,
///     right: i32,
/// }
///
/// /// Works for any model: counts the batches that changed it.
/// fn count_changes<H: ModelHandle>(model: H) -> Signal<u32> {
///     let count = Signal::new(0);
///     let mut first = true;
///     Effect::new(move || {
///         model.track_all();
///         if !std::mem::take(&mut first) {
///             count.update(|c| *c += 1);
///         }
///     });
///     count
/// }
///
/// let pair = PairModel::new(Pair { left: 1, right: 2 });
/// let changes = count_changes(pair);
/// pair.set_left(5);
/// pair.apply(Pair { left: 6, right: 7 });
/// assert_eq!(changes.get(), 2);
/// ```
pub trait ModelHandle: Copy + Eq + Hash + Debug + 'static {
    /// The plain struct this is the handle of.
    type Model: Model<Handle = Self>;

    /// Creates the model from a value, under the current owner.
    ///
    /// # Panics
    ///
    /// If a keyed list in the value has two items with the same key.
    fn new(value: Self::Model) -> Self;

    /// The current value of every field, as a plain struct; tracked (deeply).
    fn snapshot(&self) -> Self::Model;

    /// [`snapshot`](Self::snapshot) without subscribing the caller.
    fn snapshot_untracked(&self) -> Self::Model {
        untrack(|| self.snapshot())
    }

    /// Writes the fields of `value` that differ, in one batch. Nested models are applied field
    /// by field and keyed lists reconciled by key, so only what changed is notified.
    ///
    /// # Panics
    ///
    /// If a keyed list in `value` has two items with the same key.
    fn apply(&self, value: Self::Model);

    /// Applies one patch (made by [`Model::diff`] or [`on_patch`](Self::on_patch), possibly for
    /// another model of the same type).
    ///
    /// # Errors
    ///
    /// [`ModelError`] when the patch does not fit a keyed list of this model (a key that is not
    /// there, or already is; an index out of range). Nothing is written then.
    fn apply_patch(&self, patch: &PatchOfHandle<Self>) -> Result<(), ModelError>;

    /// Applies patches in order, in one batch: readers see the end result once.
    ///
    /// # Errors
    ///
    /// The first patch that does not fit; the patches before it stay applied.
    fn apply_patches(&self, patches: &[PatchOfHandle<Self>]) -> Result<(), ModelError> {
        batch(|| patches.iter().try_for_each(|patch| self.apply_patch(patch)))
    }

    /// Applies one [`reactive_state::Patch`] (from a `reactive-store` commit, a remote peer, a
    /// JSON Patch document): [`StatePatch::from_patch`](crate::StatePatch::from_patch), then
    /// [`apply_patch`](Self::apply_patch). Feature `serde`; models marked `#[model(serde)]`.
    ///
    /// # Errors
    ///
    /// [`ModelError::Patch`] when it is not a patch of this model, or what
    /// [`apply_patch`](Self::apply_patch) returns. Nothing is written then.
    #[cfg(feature = "serde")]
    fn apply_state_patch(&self, patch: &reactive_state::Patch) -> Result<(), ModelError>
    where
        PatchOfHandle<Self>: crate::StatePatch,
    {
        let patch = <PatchOfHandle<Self> as crate::StatePatch>::from_patch(patch)?;
        self.apply_patch(&patch)
    }

    /// Applies [`reactive_state::Patch`]es in order, in one batch. Feature `serde`.
    ///
    /// # Errors
    ///
    /// The first patch that is not a patch of this model or does not fit; the patches before
    /// it stay applied.
    #[cfg(feature = "serde")]
    fn apply_state_patches(&self, patches: &[reactive_state::Patch]) -> Result<(), ModelError>
    where
        PatchOfHandle<Self>: crate::StatePatch,
    {
        batch(|| {
            patches
                .iter()
                .try_for_each(|patch| self.apply_state_patch(patch))
        })
    }

    /// The model's current value as a versioned JSON snapshot (`{"version": …, "state": …}`) at
    /// the current version of `migrations`. Feature `serde`.
    ///
    /// # Errors
    /// [`reactive_state::CodecError`] when the value cannot be written as JSON.
    ///
    /// ```
    /// use reactive_model::{Model, ModelHandle};
    /// use reactive_state::Migrations;
    ///
    /// #[derive(Model, Clone, PartialEq, Debug, serde::Serialize, serde::Deserialize)]
    /// struct Settings { volume: u8 }
    ///
    /// let settings = SettingsModel::new(Settings { volume: 3 });
    /// assert_eq!(settings.save_json(&Migrations::new(2))?, r#"{"version":2,"state":{"volume":3}}"#);
    /// # Ok::<(), reactive_state::CodecError>(())
    /// ```
    #[cfg(feature = "serde")]
    fn save_json(
        &self,
        migrations: &reactive_state::Migrations,
    ) -> Result<String, reactive_state::CodecError>
    where
        Self::Model: serde::Serialize,
    {
        migrations.encode_json(&self.snapshot_untracked())
    }

    /// Reads a versioned JSON snapshot, brings it to the current version with `migrations`, and
    /// [`apply`](Self::apply)s it (only differing fields are written, in one batch). Feature
    /// `serde`.
    ///
    /// # Errors
    /// [`reactive_state::MigrationError`]: not a versioned snapshot, newer than the code, no
    /// migration, a failed step, or a value that does not fit. Nothing is written then.
    ///
    /// ```
    /// use reactive_model::{Model, ModelHandle};
    /// use reactive_state::{MigrationError, Migrations};
    /// use serde_json::json;
    ///
    /// #[derive(Model, Clone, PartialEq, Debug, serde::Serialize, serde::Deserialize)]
    /// struct Settings { volume: u8 }
    ///
    /// // Version 0 stored the volume as a percentage.
    /// let migrations = Migrations::new(1).step(0, 1, |v: serde_json::Value| {
    ///     let percent = v["percent"].as_u64().ok_or("no percent")?;
    ///     Ok::<_, &str>(json!({ "volume": percent / 10 }))
    /// });
    /// let settings = SettingsModel::new(Settings { volume: 0 });
    /// settings.restore_json(r#"{"version":0,"state":{"percent":70}}"#, &migrations)?;
    /// assert_eq!(settings.snapshot_untracked(), Settings { volume: 7 });
    /// let future = settings.restore_json(r#"{"version":2,"state":{}}"#, &migrations);
    /// assert!(matches!(future, Err(MigrationError::FutureVersion { found: 2, current: 1 })));
    /// # Ok::<(), MigrationError>(())
    /// ```
    #[cfg(feature = "serde")]
    fn restore_json(
        &self,
        json: &str,
        migrations: &reactive_state::Migrations,
    ) -> Result<(), reactive_state::MigrationError>
    where
        Self::Model: serde::de::DeserializeOwned,
    {
        let value: Self::Model = migrations.decode_json(json)?;
        self.apply(value);
        Ok(())
    }

    /// Subscribes the caller to every field, deeply (nested models, keyed lists and their items).
    fn track_all(&self);

    /// Subscribes the caller to one field (deeply, for a nested model or keyed list) or
    /// computed property.
    fn track_field(&self, field: FieldOfHandle<Self>);

    /// Disposes every signal and memo of the model, nested ones included.
    fn dispose(&self);

    /// Whether the model was disposed (explicitly, by its owner, or by its removal from a keyed
    /// list). Reading a disposed model panics.
    fn is_disposed(&self) -> bool;

    /// Calls `callback` once per batch in which any of `fields` changed, with those that did
    /// (in declaration order). Not called for the initial values. The callback runs untracked.
    ///
    /// Cost: one small memo per field, created now; a write to a field nobody subscribed to
    /// costs the subscription nothing.
    fn subscribe(
        &self,
        fields: impl IntoIterator<Item = FieldOfHandle<Self>>,
        callback: impl FnMut(&[FieldOfHandle<Self>]) + 'static,
    ) -> ModelSubscription {
        crate::subscription::subscribe(*self, fields, callback)
    }

    /// Calls `callback` once per batch that changed the model, with the patches that turn the
    /// previous value into the new one ([`Model::diff`]). Not called for the initial value.
    ///
    /// Cost: it keeps a snapshot and takes a new one after each change (the whole model is
    /// cloned and compared), so it suits undo, sync and devtools rather than hot paths.
    fn on_patch(
        &self,
        callback: impl FnMut(&[PatchOfHandle<Self>]) + 'static,
    ) -> ModelSubscription {
        crate::subscription::on_patch(*self, callback)
    }
}

/// The field enum of a model (`PlayerField`): names what subscriptions, patches and
/// descriptions talk about.
///
/// ```
/// use reactive_model::{Model, ModelField};
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Stats {
///     max_hp: u32,
/// }
///
/// assert_eq!(StatsField::ALL, &[StatsField::MaxHp]);
/// assert_eq!(StatsField::MaxHp.name(), "max_hp");
/// assert_eq!(StatsField::MaxHp.to_string(), "max_hp");
/// ```
pub trait ModelField: Copy + Eq + Ord + Hash + Debug + Display + 'static {
    /// Every tracked field, then every computed property, in declaration order.
    const ALL: &'static [Self];

    /// The name as written in the struct.
    fn name(self) -> &'static str;

    /// Whether this names a computed property.
    fn is_computed(self) -> bool;
}

/// The patch enum of a model (`PlayerPatch`): one field-level change, with its old and new value.
///
/// ```
/// use reactive_model::{Change, Model, ModelPatch};
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Light {
///     on: bool,
/// }
///
/// let patches = Light::diff(&Light { on: false }, &Light { on: true });
/// assert_eq!(patches, [LightPatch::On(Change { old: false, new: true })]);
/// assert_eq!(patches[0].field(), LightField::On);
/// assert_eq!(patches[0].path().to_string(), "/on");
/// assert_eq!(patches[0].inverse(), LightPatch::On(Change { old: true, new: false }));
/// ```
pub trait ModelPatch: Clone + PartialEq + Debug + 'static {
    /// The field enum of the same model.
    type Field: ModelField;

    /// The top-level field this patch changes.
    fn field(&self) -> Self::Field;

    /// Where the change applies, through nested models and keyed lists, as the workspace's
    /// one [`Path`]: field segments for fields, the item's key segment (its `Display` text) for
    /// an item of a keyed list: `/inventory/axe/count`.
    fn path(&self) -> Path;

    /// The patch that undoes this one (old and new swapped, an insertion turned into a removal).
    /// To undo a sequence, apply the inverses in reverse order.
    fn inverse(&self) -> Self;
}
