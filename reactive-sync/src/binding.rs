//! A `Store` bound to a synced document: local commits become Loro operations, remote changes
//! become one store commit.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use loro::{LoroDoc, VersionVector};
use reactive_state::{Patch, State};
use reactive_store::{HookId, Store, StoreError};

use crate::doc::{
    DocChanges, DocWriter, ItemPositions, ROOT_MAP, SyncError, SyncSchema, decode_state,
};

/// What a binding has done so far: for tests, dashboards and the benchmark.
///
/// ```
/// let stats = reactive_sync::BindingStats::default();
/// assert_eq!(stats.reloads, 0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BindingStats {
    /// Store commits written into the document.
    pub local_commits: u64,
    /// Remote changes applied to the store (each one commit, one batch).
    pub remote_batches: u64,
    /// Times the store was reloaded from the whole document (remote patches that did not apply,
    /// or a store that refused a remote change earlier). Zero in a healthy binding.
    pub reloads: u64,
    /// Local patches dropped because a remote change not yet pulled had deleted their target
    /// (the concurrent delete wins, as it would between two replicas).
    pub dropped_local: u64,
}

/// A [`Store`] kept in step with a Loro document.
///
/// - **Local → document.** Every store commit (a transaction, undo, redo…) is written into the
///   document as Loro operations and committed as one Loro change. Send
///   [`updates_since`](StoreBinding::updates_since) to the other replicas.
/// - **Document → store.** After bytes from elsewhere are imported
///   ([`import`](StoreBinding::import), or `doc.import` followed by
///   [`pull`](StoreBinding::pull)), what changed becomes patches applied as **one** store
///   commit: effects run once and never see half of a remote update.
///
/// Seeding: binding an empty document writes the store's state into it; binding a document
/// that has content loads it into the store. Start replicas from one seeded document (a
/// snapshot from the server): nested maps, lists and texts are Loro's mergeable child
/// containers, so two replicas that seed concurrently still merge, but keyed items created
/// twice stay two items (the first one is shown).
///
/// Dropping the binding stops the syncing (the store and the document stay).
///
/// ```
/// use loro::LoroDoc;
/// use reactive_core::create_root;
/// use reactive_store::{imbl, State, Store};
/// use reactive_sync::{StoreBinding, SyncSchema};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
/// struct Todo { id: String, title: String, done: bool }
/// #[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
/// struct Board { #[state(keyed = "id")] todos: imbl::Vector<Todo> }
///
/// let schema = SyncSchema::new().keyed("/todos", "id").text("/todos/*/title");
/// let (_, owner) = create_root(|| -> Result<(), Box<dyn std::error::Error>> {
///     let alice = Store::new(Board { todos: imbl::Vector::new() });
///     let a = StoreBinding::new(alice, LoroDoc::new(), schema.clone())?;
///     // Bob starts from Alice's document.
///     let bob = Store::new(Board { todos: imbl::Vector::new() });
///     let b = StoreBinding::new(bob, a.doc().fork(), schema.clone())?;
///
///     let seen = b.version();
///     alice.update(|s| s.todos.push_back(Todo { id: "t1".into(), title: "milk".into(), done: false }))?;
///     b.import(&a.updates_since(&seen)?)?;
///     assert_eq!(bob.snapshot_untracked().todos[0].title, "milk");
///     Ok(())
/// });
/// owner.dispose();
/// ```
pub struct StoreBinding<S: State> {
    inner: Rc<Inner<S>>,
}

struct Inner<S: 'static> {
    store: Store<S>,
    doc: LoroDoc,
    schema: SyncSchema,
    changes: DocChanges,
    /// Where keyed items were last seen: local commits find them without a scan per patch.
    positions: ItemPositions,
    /// Set while a remote change is committed to the store: that commit is not written back.
    applying_remote: Cell<bool>,
    /// The store refused a remote change: the next pull reloads the whole document.
    stale: Cell<bool>,
    hook: Cell<Option<HookId>>,
    stats: Cell<BindingStats>,
    errors: RefCell<Vec<SyncError>>,
}

impl<S: State> StoreBinding<S> {
    /// Binds `store` to `doc` with `schema`: seeds an empty document from the store, or loads
    /// a document with content into the store.
    ///
    /// # Errors
    /// [`SyncError::NotAnObject`] if the state is not a struct or a map;
    /// [`SyncError::Decode`] if the document's content is not a value of the state's type;
    /// [`SyncError::Store`] if the store refuses it.
    ///
    /// ```
    /// use reactive_store::Store;
    /// use reactive_sync::{StoreBinding, SyncSchema};
    /// use std::collections::BTreeMap;
    /// let (_, owner) = reactive_core::create_root(|| {
    ///     let store = Store::new(BTreeMap::from([("a".to_string(), 1)]));
    ///     let binding = StoreBinding::new(store, loro::LoroDoc::new(), SyncSchema::new()).unwrap();
    ///     assert_eq!(reactive_sync::read_json(binding.doc()), serde_json::json!({"a": 1}));
    /// });
    /// owner.dispose();
    /// ```
    pub fn new(
        store: Store<S>,
        doc: LoroDoc,
        schema: SyncSchema,
    ) -> Result<StoreBinding<S>, SyncError> {
        let changes = DocChanges::new(&doc);
        let inner = Rc::new(Inner {
            store,
            doc,
            schema,
            changes,
            positions: ItemPositions::default(),
            applying_remote: Cell::new(false),
            stale: Cell::new(false),
            hook: Cell::new(None),
            stats: Cell::new(BindingStats::default()),
            errors: RefCell::new(Vec::new()),
        });
        if inner.doc.get_map(ROOT_MAP).is_empty() {
            let state = serde_json::to_value(&*store.snapshot_untracked())
                .map_err(|e| SyncError::Codec(e.to_string()))?;
            inner.changes.muted(|| {
                DocWriter::new(&inner.doc, &inner.schema).write_state(&state)?;
                inner.doc.commit();
                Ok::<(), SyncError>(())
            })?;
        } else {
            inner.load()?;
        }
        let weak: Weak<Inner<S>> = Rc::downgrade(&inner);
        let hook = store.on_commit(move |commit| {
            if let Some(inner) = weak.upgrade()
                && !inner.applying_remote.get()
            {
                inner.write_local(commit.patches());
            }
        });
        inner.hook.set(Some(hook));
        Ok(StoreBinding { inner })
    }

    /// The bound document (a reference: `import` into it, then [`pull`](StoreBinding::pull)).
    ///
    /// ```
    /// # let (_, o) = reactive_core::create_root(|| {
    /// # let store = reactive_store::Store::new(std::collections::BTreeMap::<String, i64>::new());
    /// # let binding = reactive_sync::StoreBinding::new(store, loro::LoroDoc::new(), Default::default()).unwrap();
    /// assert!(binding.doc().get_map(reactive_sync::ROOT_MAP).is_empty());
    /// # }); o.dispose();
    /// ```
    pub fn doc(&self) -> &LoroDoc {
        &self.inner.doc
    }

    /// The bound store.
    pub fn store(&self) -> Store<S> {
        self.inner.store
    }

    /// The document's version vector (what this replica has seen): send it to a peer, which
    /// answers with [`updates_since`](StoreBinding::updates_since).
    pub fn version(&self) -> VersionVector {
        self.inner.doc.oplog_vv()
    }

    /// The Loro updates a replica at `version` lacks.
    ///
    /// # Errors
    /// [`SyncError::Codec`] if Loro cannot encode them.
    pub fn updates_since(&self, version: &VersionVector) -> Result<Vec<u8>, SyncError> {
        crate::doc::updates_since(&self.inner.doc, version)
    }

    /// Imports Loro bytes (updates or a snapshot) from another replica and applies what
    /// changed to the store in one commit ([`pull`](StoreBinding::pull)). Updates whose
    /// dependencies have not arrived wait inside Loro and apply when they do.
    ///
    /// # Errors
    /// [`SyncError::Loro`] for bytes Loro refuses (the document and the store are unchanged);
    /// as [`pull`](StoreBinding::pull).
    pub fn import(&self, bytes: &[u8]) -> Result<(), SyncError> {
        self.inner.doc.import(bytes)?;
        self.pull()
    }

    /// Applies whatever changed in the document since the last look (imports, checkouts,
    /// edits made directly on it) to the store, as **one** commit. Does nothing when nothing
    /// changed.
    ///
    /// # Errors
    /// [`SyncError::Store`] if the store refuses the change (a validator or a middleware): the
    /// store keeps its state, and the next pull reloads the whole document.
    /// [`SyncError::Decode`] if the document no longer decodes into the state's type.
    pub fn pull(&self) -> Result<(), SyncError> {
        let inner = &self.inner;
        if inner.stale.get() {
            return inner.reload();
        }
        if inner.changes.is_empty() {
            return Ok(());
        }
        let before = inner.store.snapshot_untracked();
        let patches = inner.changes.take_patches(&inner.schema, &*before);
        if patches.is_empty() {
            return Ok(());
        }
        match inner.commit_remote(|store| store.commit_patches(patches)) {
            Ok(()) => {
                inner.bump(|s| s.remote_batches += 1);
                Ok(())
            }
            Err(StoreError::Patch(_)) => inner.reload(),
            Err(e) => {
                inner.stale.set(true);
                Err(SyncError::Store(e.to_string()))
            }
        }
    }

    /// Reloads the store from the whole document (one commit of the difference).
    ///
    /// # Errors
    /// As [`pull`](StoreBinding::pull).
    pub fn reload(&self) -> Result<(), SyncError> {
        self.inner.reload()
    }

    /// The document's content decoded as the state's type.
    ///
    /// # Errors
    /// [`SyncError::Decode`] if it is not a value of that type.
    pub fn doc_state(&self) -> Result<S, SyncError> {
        decode_state(&self.inner.doc, &self.inner.schema)
    }

    /// What the binding has done so far.
    pub fn stats(&self) -> BindingStats {
        self.inner.stats.get()
    }

    /// Errors met while writing local commits into the document (a commit hook cannot return
    /// them), oldest first; taking them clears the list.
    pub fn take_errors(&self) -> Vec<SyncError> {
        std::mem::take(&mut self.inner.errors.borrow_mut())
    }
}

impl<S: State> Drop for StoreBinding<S> {
    fn drop(&mut self) {
        if let Some(hook) = self.inner.hook.take() {
            self.inner.store.remove_hook(hook);
        }
    }
}

impl<S: State> Inner<S> {
    fn bump(&self, f: impl FnOnce(&mut BindingStats)) {
        let mut stats = self.stats.get();
        f(&mut stats);
        self.stats.set(stats);
    }

    /// Writes a local commit's patches into the document as one Loro change.
    fn write_local(&self, patches: &[Patch]) {
        let writer = DocWriter::with_positions(&self.doc, &self.schema, &self.positions);
        self.changes.muted(|| {
            for patch in patches {
                match writer.apply(patch) {
                    Ok(()) => {}
                    Err(SyncError::NoSuchPath { .. }) => self.bump(|s| s.dropped_local += 1),
                    Err(e) => self.errors.borrow_mut().push(e),
                }
            }
            self.doc.commit();
        });
        self.positions.seen(&self.doc);
        self.bump(|s| s.local_commits += 1);
    }

    fn commit_remote(
        &self,
        f: impl FnOnce(Store<S>) -> Result<reactive_store::Commit<S>, StoreError>,
    ) -> Result<(), StoreError> {
        struct Reset<'a>(&'a Cell<bool>);
        impl Drop for Reset<'_> {
            fn drop(&mut self) {
                self.0.set(false);
            }
        }
        self.applying_remote.set(true);
        let _reset = Reset(&self.applying_remote);
        f(self.store).map(|_| ())
    }

    fn reload(&self) -> Result<(), SyncError> {
        self.load()?;
        self.bump(|s| s.reloads += 1);
        Ok(())
    }

    /// Makes the store hold the whole document's content.
    fn load(&self) -> Result<(), SyncError> {
        self.changes.clear();
        let state: S = decode_state(&self.doc, &self.schema)?;
        self.commit_remote(|store| store.apply_snapshot(&state))
            .map_err(|e| {
                self.stale.set(true);
                SyncError::Store(e.to_string())
            })?;
        self.stale.set(false);
        Ok(())
    }
}
