//! A `#[derive(Model)]` model bound to a synced document: local changes become Loro
//! operations, remote updates become model patches applied in one batch.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use loro::{LoroDoc, VersionVector};
use reactive_model::{Model, ModelHandle, ModelSubscription, StatePatch};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::doc::{DocWriter, ROOT_MAP, SyncError, SyncSchema, read_json};

/// The patch enum of model handle `H`'s value.
type PatchOf<H> = <<H as ModelHandle>::Model as Model>::Patch;

/// What a model binding has done so far (tests, dashboards).
///
/// ```
/// assert_eq!(reactive_sync::ModelBindingStats::default().remote_batches, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ModelBindingStats {
    /// Batches of local model changes written into the document (one Loro change each).
    pub local_changes: u64,
    /// Remote updates applied to the model (each one batch).
    pub remote_batches: u64,
    /// Local changes whose patches did not fit the document, written as the whole state
    /// instead. Zero in a healthy binding.
    pub rewrites: u64,
}

/// A model (a `#[derive(Model)]` handle whose struct is marked `#[model(serde)]`) kept in
/// step with a Loro document, as `StoreBinding` does for a store.
///
/// - **Local → document.** Every batch of changes to the model becomes its patches (the
///   model's `on_patch`), written into the document as Loro operations and committed as one
///   change.
/// - **Document → model.** After bytes from elsewhere are imported
///   ([`import`](ModelBinding::import), or `doc.import` then [`pull`](ModelBinding::pull)), the
///   document's state is compared with the model's and the difference applied as model
///   patches in **one** batch: effects run once per remote update and never see half of it.
///   The comparison is of whole snapshots (the model layer has no partial reader), so a remote
///   update costs in proportion to the model's size, where the store binding's costs in
///   proportion to the change.
///
/// Call [`import`](ModelBinding::import) and [`pull`](ModelBinding::pull) outside a batch: the
/// binding recognises the model's echo of a remote update by the flush that happens inside
/// the call.
///
/// ```
/// use loro::LoroDoc;
/// use reactive_core::{create_root, Effect};
/// use reactive_model::Model;
/// use reactive_sync::{ModelBinding, SyncSchema};
/// use serde::{Deserialize, Serialize};
/// use std::{cell::Cell, rc::Rc};
///
/// #[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
/// #[model(serde)]
/// struct Note { title: String, likes: i64 }
///
/// let (_, owner) = create_root(|| -> Result<(), Box<dyn std::error::Error>> {
///     let ada = NoteModel::new(Note { title: "draft".into(), likes: 0 });
///     let a = ModelBinding::new(ada, LoroDoc::new(), SyncSchema::new())?;
///     let bob = NoteModel::new(Note { title: String::new(), likes: 0 });
///     let b = ModelBinding::new(bob, a.doc().fork(), SyncSchema::new())?;
///     let runs = Rc::new(Cell::new(0));
///     let r = runs.clone();
///     Effect::new(move || { bob.title(); bob.likes(); r.set(r.get() + 1); });
///
///     let seen = b.version();
///     reactive_core::batch(|| { ada.set_title("final".into()); ada.set_likes(3); });
///     b.import(&a.updates_since(&seen)?)?;
///     assert_eq!(bob.snapshot(), Note { title: "final".into(), likes: 3 });
///     assert_eq!(runs.get(), 2); // the first run, then one for the remote update
///     Ok(())
/// });
/// owner.dispose();
/// ```
pub struct ModelBinding<H: ModelHandle> {
    inner: Rc<Inner<H>>,
    _local: ModelSubscription,
}

struct Inner<H: ModelHandle> {
    model: H,
    doc: LoroDoc,
    schema: SyncSchema,
    /// Set while a remote update is applied: the model's patches then are the update's echo.
    applying_remote: Cell<bool>,
    stats: Cell<ModelBindingStats>,
    /// The last local change that could not be written at all (reported by `take_error`).
    error: RefCell<Option<SyncError>>,
}

impl<H> ModelBinding<H>
where
    H: ModelHandle,
    H::Model: Serialize + DeserializeOwned,
    PatchOf<H>: StatePatch,
{
    /// Binds `model` to `doc`. An empty document gets the model's state; a document with
    /// content is loaded into the model (in one batch).
    ///
    /// # Errors
    /// [`SyncError::NotAnObject`] or [`SyncError::Mismatch`] if the model's state does not fit
    /// the schema; [`SyncError::Decode`] if the document does not decode into the model.
    pub fn new(model: H, doc: LoroDoc, schema: SyncSchema) -> Result<ModelBinding<H>, SyncError> {
        let inner = Rc::new(Inner {
            model,
            doc,
            schema,
            applying_remote: Cell::new(false),
            stats: Cell::new(ModelBindingStats::default()),
            error: RefCell::new(None),
        });
        if inner.doc.get_map(ROOT_MAP).is_empty() {
            let value = serde_json::to_value(model.snapshot_untracked())
                .map_err(|e| SyncError::Codec(e.to_string()))?;
            DocWriter::new(&inner.doc, &inner.schema).write_state(&value)?;
            inner.doc.commit();
        } else {
            inner.pull()?;
        }
        let weak = Rc::downgrade(&inner);
        let local = model.on_patch(move |patches: &[PatchOf<H>]| {
            if let Some(inner) = weak.upgrade()
                && !inner.applying_remote.get()
            {
                inner.write_local(patches);
            }
        });
        Ok(ModelBinding {
            inner,
            _local: local,
        })
    }

    /// The model.
    pub fn model(&self) -> H {
        self.inner.model
    }

    /// The document.
    pub fn doc(&self) -> &LoroDoc {
        &self.inner.doc
    }

    /// The document's version vector: what this replica has.
    pub fn version(&self) -> VersionVector {
        self.inner.doc.oplog_vv()
    }

    /// What a replica at `version` lacks, as Loro update bytes.
    ///
    /// # Errors
    /// [`SyncError::Codec`] if Loro cannot encode them.
    pub fn updates_since(&self, version: &VersionVector) -> Result<Vec<u8>, SyncError> {
        crate::doc::updates_since(&self.inner.doc, version)
    }

    /// Imports remote bytes and applies what changed to the model in one batch.
    ///
    /// # Errors
    /// [`SyncError::Loro`] for bytes Loro refuses (nothing changes); as
    /// [`pull`](ModelBinding::pull).
    pub fn import(&self, bytes: &[u8]) -> Result<(), SyncError> {
        self.inner.doc.import(bytes)?;
        self.inner.pull()
    }

    /// Applies the document's state to the model in one batch (after `doc().import(..)`).
    ///
    /// # Errors
    /// [`SyncError::Decode`] if the document does not decode into the model.
    pub fn pull(&self) -> Result<(), SyncError> {
        self.inner.pull()
    }

    /// What the binding has done so far.
    pub fn stats(&self) -> ModelBindingStats {
        self.inner.stats.get()
    }

    /// The last local change that could not be written into the document, if any (the model
    /// then holds a value the schema cannot place: a keyed item without its key, say).
    pub fn take_error(&self) -> Option<SyncError> {
        self.inner.error.borrow_mut().take()
    }
}

impl<H> Inner<H>
where
    H: ModelHandle,
    H::Model: Serialize + DeserializeOwned,
    PatchOf<H>: StatePatch,
{
    fn pull(&self) -> Result<(), SyncError> {
        let remote: H::Model = serde_json::from_value(read_json(&self.doc))
            .map_err(|e| SyncError::Decode(e.to_string()))?;
        let current = self.model.snapshot_untracked();
        let patches = H::Model::diff(&current, &remote);
        if patches.is_empty() {
            return Ok(());
        }
        self.applying_remote.set(true);
        // One batch: the effects (and the binding's own patch watcher) run once, inside it.
        if self.model.apply_patches(&patches).is_err() {
            self.model.apply(remote);
        }
        self.applying_remote.set(false);
        let mut stats = self.stats.get();
        stats.remote_batches += 1;
        self.stats.set(stats);
        Ok(())
    }

    fn write_local(&self, patches: &[PatchOf<H>]) {
        let writer = DocWriter::new(&self.doc, &self.schema);
        let mut stats = self.stats.get();
        let written = patches.iter().try_for_each(|patch| {
            let patch = patch
                .to_patch()
                .map_err(|e| SyncError::Codec(e.to_string()))?;
            writer.apply(&patch)
        });
        if written.is_err() {
            // Bring the document to the model whole: it may hold part of the patches.
            stats.rewrites += 1;
            let whole = serde_json::to_value(self.model.snapshot_untracked())
                .map_err(|e| SyncError::Codec(e.to_string()))
                .and_then(|value| writer.write_state(&value));
            if let Err(e) = whole {
                *self.error.borrow_mut() = Some(e);
            }
        }
        self.doc.commit();
        stats.local_changes += 1;
        self.stats.set(stats);
    }
}
