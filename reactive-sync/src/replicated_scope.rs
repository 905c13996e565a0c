//! Distributed scopes, in-process half: chosen values of a scope subtree mirrored into a Loro
//! map so they replicate, and the check a server runs on an incoming update against the
//! scopes' policies.
//!
//! In the document, the root map [`SCOPES_MAP`] holds one map per scope path (`app/doc-1`),
//! which holds one entry per key name (its value as JSON, last writer wins).

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, PoisonError};

use loro::event::{Diff, DiffEvent};
use loro::{ContainerTrait, Index, LoroDoc, LoroMap, VersionVector};
use reactive_store::{Action, Key, Policy, Principal, Scope, ScopeError};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::doc::{SyncError, json_to_loro, loro_to_json};

/// The root map of a document that holds replicated scope values.
pub const SCOPES_MAP: &str = "scopes";

/// Reads a replicated entry into the scope (type-erased: one per shared key).
type Apply = Box<dyn Fn(&Scope, &serde_json::Value) -> Result<(), ScopeSyncError>>;

/// Why replicating a scope value failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeSyncError {
    /// The scope refused (access denied by its policy, disposed scope).
    #[error(transparent)]
    Scope(#[from] ScopeError),
    /// The document side failed.
    #[error(transparent)]
    Sync(#[from] SyncError),
    /// A replicated value does not decode into the key's type.
    #[error("scope value {key:?}: {reason}")]
    Decode {
        /// The key's name.
        key: String,
        /// What did not fit.
        reason: String,
    },
}

/// An incoming update changes a scope value its sender may not write.
///
/// ```
/// use reactive_sync::ScopeWriteDenied;
/// let e = ScopeWriteDenied { principal: "mallory".into(), scope: "app/doc".into(), key: "title".into() };
/// assert!(e.to_string().contains("mallory"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{principal} may not write {key:?} in scope {scope}")]
pub struct ScopeWriteDenied {
    /// The sender's name.
    pub principal: String,
    /// The scope path.
    pub scope: String,
    /// The key name.
    pub key: String,
}

/// Values of one scope, mirrored into a document: [`set`](ReplicatedScope::set) writes the
/// scope (checked against its policy for the handle's principal) and the document;
/// [`import`](ReplicatedScope::import) brings remote values into the scope.
///
/// ```
/// use loro::LoroDoc;
/// use reactive_store::{Key, Scope};
/// use reactive_sync::ReplicatedScope;
///
/// const THEME: Key<String> = Key::new("theme");
/// let (_, owner) = reactive_core::create_root(|| -> Result<(), Box<dyn std::error::Error>> {
///     let here = ReplicatedScope::new(Scope::root("app")?, LoroDoc::new());
///     let there = ReplicatedScope::new(Scope::root("app")?, LoroDoc::new());
///     here.share(THEME);
///     there.share(THEME);
///     let seen = there.version();
///     here.set(THEME, "dark".to_string())?;
///     there.import(&here.updates_since(&seen)?)?;
///     assert_eq!(there.scope().get_untracked(THEME)?, Some("dark".to_string()));
///     Ok(())
/// });
/// owner.dispose();
/// ```
pub struct ReplicatedScope {
    scope: Scope,
    doc: LoroDoc,
    shared: std::cell::RefCell<HashMap<&'static str, Apply>>,
}

impl ReplicatedScope {
    /// Mirrors values of `scope` into `doc`.
    pub fn new(scope: Scope, doc: LoroDoc) -> ReplicatedScope {
        ReplicatedScope {
            scope,
            doc,
            shared: Default::default(),
        }
    }

    /// The scope.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The document.
    pub fn doc(&self) -> &LoroDoc {
        &self.doc
    }

    /// Replicates the values under `key` from now on.
    pub fn share<T>(&self, key: Key<T>)
    where
        T: Serialize + DeserializeOwned + Clone + PartialEq + 'static,
    {
        let apply: Apply = Box::new(move |scope, json| {
            let value: T =
                serde_json::from_value(json.clone()).map_err(|e| ScopeSyncError::Decode {
                    key: key.name().to_owned(),
                    reason: e.to_string(),
                })?;
            if scope.get_untracked(key)?.as_ref() != Some(&value) {
                scope.set(key, value)?;
            }
            Ok(())
        });
        self.shared.borrow_mut().insert(key.name(), apply);
    }

    /// Sets `key` in the scope and in the document.
    ///
    /// # Errors
    /// [`ScopeSyncError::Scope`] if the scope refuses (the document is then unchanged).
    pub fn set<T>(&self, key: Key<T>, value: T) -> Result<(), ScopeSyncError>
    where
        T: Serialize + DeserializeOwned + 'static,
    {
        let json = serde_json::to_value(&value).map_err(|e| SyncError::Codec(e.to_string()))?;
        self.scope.set(key, value)?;
        let map = self.scope_map()?;
        map.insert(key.name(), json_to_loro(&json))
            .map_err(SyncError::from)?;
        self.doc.commit();
        Ok(())
    }

    /// The document's version vector.
    pub fn version(&self) -> VersionVector {
        self.doc.oplog_vv()
    }

    /// What a replica at `version` lacks.
    ///
    /// # Errors
    /// [`SyncError::Codec`] if Loro cannot encode it.
    pub fn updates_since(&self, version: &VersionVector) -> Result<Vec<u8>, ScopeSyncError> {
        crate::doc::updates_since(&self.doc, version).map_err(ScopeSyncError::Sync)
    }

    /// Imports remote bytes and writes the shared values they carry into the scope, in one
    /// reactive batch.
    ///
    /// # Errors
    /// [`SyncError::Loro`] for bytes Loro refuses; [`ScopeSyncError::Decode`] for a value of
    /// the wrong type; [`ScopeSyncError::Scope`] if the scope refuses.
    pub fn import(&self, bytes: &[u8]) -> Result<(), ScopeSyncError> {
        self.doc.import(bytes).map_err(SyncError::from)?;
        let map = self.scope_map()?;
        let shared = self.shared.borrow();
        reactive_core::batch(|| {
            for (name, apply) in shared.iter() {
                if let Some(value) = map.get(name) {
                    apply(&self.scope, &loro_to_json(&value.get_deep_value()))?;
                }
            }
            Ok(())
        })
    }

    fn scope_map(&self) -> Result<LoroMap, ScopeSyncError> {
        let path = self.scope.path()?;
        Ok(self
            .doc
            .get_map(SCOPES_MAP)
            .ensure_mergeable_map(&path)
            .map_err(SyncError::from)?)
    }
}

/// The server's check of an incoming update: imports it into a copy of `base` (the server's
/// document, unchanged) and refuses it if it changes a value of a scope whose policy
/// (`policy_of(scope path)`; `None`: no policy, anyone may write) does not give `principal`
/// [`Action::Write`]. [`Principal::system`] may write anything.
///
/// A server checking every update of a document keeps a [`ScopeGate`] instead (one copy of
/// the document for all updates, and principals by name, which work on any thread).
///
/// # Errors
/// [`ScopeWriteDenied`] naming the first value it may not write; bytes Loro refuses are
/// reported as a denial of the scope `"?"` (they cannot be checked, so they are not let in).
///
/// ```
/// use loro::LoroDoc;
/// use reactive_store::{Access, Policy, Principal};
/// use reactive_sync::{check_scope_update, SCOPES_MAP};
///
/// let base = LoroDoc::new();
/// let client = base.fork();
/// client.get_map(SCOPES_MAP).ensure_mergeable_map("app").unwrap().insert("theme", "dark").unwrap();
/// client.commit();
/// let update = client.export(loro::ExportMode::all_updates()).unwrap();
///
/// let read_only = |_: &str| Some(Policy::new(Access::READ));
/// let mallory = Principal::new("mallory");
/// assert!(check_scope_update(&base, &update, &mallory, read_only).is_err());
/// assert!(check_scope_update(&base, &update, &Principal::system(), read_only).is_ok());
/// ```
pub fn check_scope_update(
    base: &LoroDoc,
    update: &[u8],
    principal: &Principal,
    policy_of: impl Fn(&str) -> Option<Policy>,
) -> Result<(), ScopeWriteDenied> {
    let is_system = principal.is_system();
    ScopeGate::new(base).check(base, update, &principal.name(), |scope, _key| {
        is_system || policy_of(scope).is_none_or(|p| p.access_for(*principal).allows(Action::Write))
    })
}

/// Scope values written by an update, as (scope path, key name); `"*"` for a whole scope.
type Touched = Arc<Mutex<BTreeSet<(String, String)>>>;

/// A server's gate for the updates of one document holding replicated scopes: a copy of the
/// document that each update is tried on first, to see which scope values it writes. An
/// update that writes a value its sender may not write is refused before it reaches the
/// document; one that passes is then imported into the document by the caller (and is
/// already in the copy). Principals are names, so a gate works on any thread.
///
/// ```
/// use loro::{ExportMode, LoroDoc};
/// use reactive_sync::{ScopeGate, SCOPES_MAP};
///
/// let server = LoroDoc::new();
/// let mut gate = ScopeGate::new(&server);
/// let client = LoroDoc::new();
/// client.get_map(SCOPES_MAP).ensure_mergeable_map("app").unwrap().insert("theme", "dark").unwrap();
/// client.commit();
/// let update = client.export(ExportMode::all_updates()).unwrap();
///
/// let denied = gate.check(&server, &update, "mallory", |_, _| false).unwrap_err();
/// assert_eq!(denied.scope, "app"); // the scope's map is new, so its key is `"*"`
/// assert!(gate.check(&server, &update, "alice", |scope, _| scope == "app").is_ok());
/// server.import(&update).unwrap(); // the caller lets it in
/// ```
pub struct ScopeGate {
    trial: LoroDoc,
    touched: Touched,
    _subscription: loro::Subscription,
}

impl ScopeGate {
    /// A gate for `base` (copied once).
    pub fn new(base: &LoroDoc) -> ScopeGate {
        let trial = base.fork();
        let touched: Touched = Arc::default();
        let sink = touched.clone();
        let scopes_id = trial.get_map(SCOPES_MAP).id();
        let subscription = trial.subscribe_root(Arc::new(move |event: DiffEvent<'_>| {
            let mut sink = sink.lock().unwrap_or_else(PoisonError::into_inner);
            for change in &event.events {
                // A scope's map is a child of the scopes map; its entries are the values.
                let scope = match change.path {
                    [(root, _), (_, Index::Key(scope)), ..] if *root == scopes_id => {
                        scope.to_string()
                    }
                    [(root, _)] if *root == scopes_id => {
                        // The scopes map itself: a scope's map added or removed.
                        if let Diff::Map(delta) = &change.diff {
                            for scope in delta.updated.keys() {
                                sink.insert((scope.to_string(), "*".to_owned()));
                            }
                        }
                        continue;
                    }
                    _ => continue,
                };
                match &change.diff {
                    Diff::Map(delta) => {
                        for key in delta.updated.keys() {
                            sink.insert((scope.clone(), key.to_string()));
                        }
                    }
                    _ => {
                        sink.insert((scope.clone(), "*".to_owned()));
                    }
                }
            }
        }));
        ScopeGate {
            trial,
            touched,
            _subscription: subscription,
        }
    }

    /// Tries `update` from `principal`: `Ok` if every scope value it writes passes
    /// `may_write(scope path, key name)` (the update is then in the gate's copy: import it into
    /// `base`). On a refusal the copy is taken again from `base`, which the update never
    /// reached.
    ///
    /// # Errors
    /// [`ScopeWriteDenied`] naming the first value refused; bytes Loro refuses are a denial of
    /// the scope `"?"`.
    pub fn check(
        &mut self,
        base: &LoroDoc,
        update: &[u8],
        principal: &str,
        may_write: impl Fn(&str, &str) -> bool,
    ) -> Result<(), ScopeWriteDenied> {
        let denied = |scope: &str, key: &str| ScopeWriteDenied {
            principal: principal.to_owned(),
            scope: scope.to_owned(),
            key: key.to_owned(),
        };
        self.touched
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        if self.trial.import(update).is_err() {
            *self = ScopeGate::new(base);
            return Err(denied("?", "?"));
        }
        let refused = self
            .touched
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|(scope, key)| !may_write(scope, key))
            .cloned();
        match refused {
            None => Ok(()),
            Some((scope, key)) => {
                *self = ScopeGate::new(base);
                Err(denied(&scope, &key))
            }
        }
    }

    /// Brings the copy up to `base` after a change that did not go through
    /// [`check`](ScopeGate::check) (a command the server ran, say): `update` is that change.
    /// If the copy cannot take it, it is taken again from `base`.
    pub fn admit(&mut self, base: &LoroDoc, update: &[u8]) {
        if self.trial.import(update).is_err() {
            *self = ScopeGate::new(base);
        }
    }
}
