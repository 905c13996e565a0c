//! [`Scope`]: a tree of named namespaces with inherited, reactive values, access policies,
//! save and restore, views, and the typed events routed along it.
//!
//! This file is the whole public API of `Scope`, one thin documented method each; the bodies
//! live with the part of the machinery they drive:
//!
//! | methods | body in |
//! |---|---|
//! | tree: `root`, `child`, `parent`, `find`, `dispose` … | `scope/tree.rs` |
//! | values: `set`, `provide`, `get`, `remove` … (through a [`Key`]) | `scope/lookup.rs` (the caches: `scope/registry.rs`) |
//! | policies: `set_policy`, `effective_access`, `check` … | `scope/policy.rs` |
//! | `save`, `restore*` | `scope/persist.rs` |
//! | `render_text`, `to_dot`, `to_devtools_json` | `scope/render.rs` |
//! | events: `emit`, `on`, `last_event`, `add_interceptor` … | declared in `scope/event_api.rs`, routed by `event.rs` (its tables sit beside the registry, keyed by scope) |

mod decisions;
mod error;
mod event_api;
mod key;
mod lookup;
mod persist;
mod policy;
mod registry;
mod render;
mod tree;
mod value;

use std::rc::Rc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

#[cfg(doc)]
use crate::event::EventError;

pub use decisions::{AccessDecision, AccessLog, DecisionRule};
pub use error::{PersistError, ScopeError};
pub use key::Key;
pub use persist::ScopeSnapshot;
pub use policy::{Access, AccessDenied, Action, Policy, Principal};

pub(crate) use registry::{KeyMap, Refusal, ScopeKey, disposed_name, with_registry};
use value::{Data, Provided, Slot};

/// A node of the scope tree, seen by a [`Principal`]: `app/session/editor`.
///
/// A scope holds values under typed [`Key`]s. Reading a key a scope does not hold falls back
/// to its parent, then its parent's parent (prototype inheritance), unless the scope shadows it
/// with a value of its own. Reads are reactive: an effect that read `THEME` in a child re-runs
/// when the parent's `THEME` changes, and when the child starts or stops shadowing it.
///
/// Every access is checked against the scope's effective [`Policy`] for the handle's principal;
/// a refusal is [`ScopeError::AccessDenied`] (or [`EventError::AccessDenied`] for events). The
/// handle returned by [`Scope::root`] acts as [`Principal::system`], which policies do not
/// restrict; from it, [`as_principal`](Scope::as_principal) makes handles acting for others.
///
/// `Scope` is a `Copy` handle. Disposing a scope ([`dispose`](Scope::dispose), or disposing the
/// owner that was current when its root was created) disposes its subtree: its values, signals
/// and event handlers.
///
/// ```
/// use reactive_core::Effect;
/// use reactive_store::{Key, Scope, ScopeError};
/// use std::{cell::RefCell, rc::Rc};
///
/// const THEME: Key<String> = Key::new("theme");
///
/// let app = Scope::root("app")?;
/// let editor = app.child("session")?.child("editor")?;
/// app.set(THEME, "dark".into())?;
///
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let s = seen.clone();
/// Effect::new(move || s.borrow_mut().push(editor.get(THEME).unwrap()));
///
/// app.set(THEME, "solarized".into())?;   // inherited: the reader re-runs
/// editor.set(THEME, "light".into())?;    // shadowed
/// app.set(THEME, "dark".into())?;        // no longer seen from the editor
/// editor.remove(THEME)?;                 // un-shadowed: the parent's value again
/// assert_eq!(
///     *seen.borrow(),
///     ["dark", "solarized", "light", "dark"].map(|t| Some(t.to_string()))
/// );
/// # Ok::<(), ScopeError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Scope {
    pub(crate) key: ScopeKey,
    pub(crate) principal: Principal,
}

/// The tree. A method returning a `Result` fails with [`ScopeError::Disposed`] on a disposed
/// scope; other failures are listed per method.
impl Scope {
    /// Creates a root scope, acting as [`Principal::system`]. It belongs to the current owner
    /// (if any) and is disposed with it.
    ///
    /// # Errors
    /// [`ScopeError::InvalidName`] if `name` is empty or contains `/` or control characters.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// assert_eq!(Scope::root("app")?.path()?, "app");
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn root(name: &str) -> Result<Scope, ScopeError> {
        tree::root(name)
    }

    /// Creates a child scope named `name` (its owner is a child of this scope's owner).
    ///
    /// # Errors
    /// [`ScopeError::InvalidName`], [`ScopeError::DuplicateChild`], or
    /// [`ScopeError::AccessDenied`] without [`Action::CreateChild`].
    ///
    /// ```
    /// use reactive_store::{Scope, ScopeError};
    /// let app = Scope::root("app")?;
    /// assert_eq!(app.child("doc-1")?.path()?, "app/doc-1");
    /// assert!(matches!(app.child("doc-1"), Err(ScopeError::DuplicateChild { .. })));
    /// # Ok::<(), ScopeError>(())
    /// ```
    pub fn child(&self, name: &str) -> Result<Scope, ScopeError> {
        tree::child(*self, name)
    }

    /// This scope, acting as `principal`: only a handle acting for [`Principal::system`] may
    /// change principal (to hand out narrower handles); any handle may ask for its own.
    ///
    /// # Errors
    /// [`ScopeError::CannotActAs`] from any other handle (so none can become the system).
    ///
    /// ```
    /// use reactive_store::{Principal, Scope, ScopeError};
    /// let bob = Scope::root("app")?.as_principal(Principal::new("bob"))?;
    /// assert_eq!(bob.principal(), Principal::new("bob"));
    /// assert!(matches!(bob.as_principal(Principal::system()), Err(ScopeError::CannotActAs { .. })));
    /// # Ok::<(), ScopeError>(())
    /// ```
    pub fn as_principal(&self, principal: Principal) -> Result<Scope, ScopeError> {
        tree::as_principal(*self, principal)
    }

    /// Who this handle acts for: [`Principal::system`] from [`root`](Scope::root), the
    /// parent's principal from [`child`](Scope::child) (example: [`as_principal`](Scope::as_principal)).
    pub fn principal(&self) -> Principal {
        self.principal
    }

    /// The scope's name.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// assert_eq!(Scope::root("app")?.name()?, "app");
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn name(&self) -> Result<String, ScopeError> {
        tree::name(*self)
    }

    /// The path from the root: `app/session/editor`.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// assert_eq!(Scope::root("app")?.child("editor")?.path()?, "app/editor");
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn path(&self) -> Result<String, ScopeError> {
        tree::path(*self)
    }

    /// The parent scope (`None` for a root), acting as the same principal.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// assert_eq!(app.child("a")?.parent()?, Some(app));
    /// assert_eq!(app.parent()?, None);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn parent(&self) -> Result<Option<Scope>, ScopeError> {
        tree::parent(*self)
    }

    /// The child scopes, in creation order.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let (a, b) = (app.child("a")?, app.child("b")?);
    /// assert_eq!(app.children()?, [a, b]);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn children(&self) -> Result<Vec<Scope>, ScopeError> {
        tree::children(*self)
    }

    /// Finds a descendant by relative path (`"session/editor"`); `""` is this scope.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let editor = app.child("session")?.child("editor")?;
    /// assert_eq!(app.find("session/editor")?, Some(editor));
    /// assert_eq!(app.find("nope")?, None);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn find(&self, relative: &str) -> Result<Option<Scope>, ScopeError> {
        tree::find(*self, relative)
    }

    /// Whether the scope was disposed.
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let child = app.child("c")?;
    /// app.dispose()?;
    /// assert!(child.is_disposed());
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn is_disposed(&self) -> bool {
        with_registry(|r| !r.scopes.contains_key(self.key))
    }

    /// Disposes the scope and its subtree: values, signals, event handlers, interceptors and
    /// logs. Reactive readers of its values are disposed with them if they were created under
    /// it; others see the values disappear. Idempotent.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Admin`] here.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// app.dispose()?;
    /// app.dispose()?;
    /// assert!(app.is_disposed());
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn dispose(&self) -> Result<(), ScopeError> {
        tree::dispose(*self)
    }

    /// Number of live scopes on this thread (for leak checks).
    /// ```
    /// use reactive_store::Scope;
    /// let before = Scope::live_count();
    /// let app = Scope::root("app")?;
    /// app.child("c")?;
    /// assert_eq!(Scope::live_count(), before + 2);
    /// app.dispose()?;
    /// assert_eq!(Scope::live_count(), before);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn live_count() -> usize {
        with_registry(|r| r.scopes.len())
    }
}

/// Values, through typed keys.
impl Scope {
    /// Sets `key` in this scope to a data value (saved with the scope under the key's name),
    /// shadowing any ancestor's value. Readers of `key` here and below re-run.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Write`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// const ZOOM: Key<f64> = Key::new("zoom");
    /// let app = Scope::root("app")?;
    /// app.set(ZOOM, 1.5)?;
    /// assert_eq!(app.get(ZOOM)?, Some(1.5));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn set<T: Serialize + DeserializeOwned + 'static>(
        &self,
        key: Key<T>,
        value: T,
    ) -> Result<(), ScopeError> {
        lookup::write(*self, key.name(), Slot::Typed(Rc::new(Data(value))))
    }

    /// Sets `key` to a provided value (a service, a store handle, a callback): like
    /// [`set`](Scope::set), but never saved (no `Serialize` needed), and read with
    /// [`get_provided`](Scope::get_provided).
    ///
    /// # Errors
    /// As [`set`](Scope::set).
    ///
    /// ```
    /// use reactive_store::{Key, Scope, Store};
    /// const STORE: Key<Store<Vec<i32>>> = Key::new("store");
    /// let doc = Scope::root("doc")?;
    /// let store = Store::new(vec![1, 2]);
    /// doc.provide(STORE, store)?;
    /// assert_eq!(doc.child("view")?.get_provided(STORE)?, Some(store));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn provide<T: 'static>(&self, key: Key<T>, value: T) -> Result<(), ScopeError> {
        lookup::write(*self, key.name(), Slot::Typed(Rc::new(Provided(value))))
    }

    /// Removes this scope's own value of `key`, un-shadowing an ancestor's. Returns whether
    /// there was one.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Write`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// const N: Key<u8> = Key::new("n");
    /// let app = Scope::root("app")?;
    /// let child = app.child("c")?;
    /// app.set(N, 1)?;
    /// child.set(N, 2)?;
    /// assert!(child.remove(N)?);
    /// assert_eq!(child.get(N)?, Some(1));
    /// assert!(!child.remove(N)?);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn remove<T>(&self, key: Key<T>) -> Result<bool, ScopeError> {
        lookup::remove(*self, key.name())
    }

    /// Reads the data value of `key` (from this scope or the nearest ancestor that has it),
    /// tracked: the current memo or effect re-runs when it changes or when another scope starts
    /// or stops providing it. `Ok(None)` when no scope on the chain has it. A value restored
    /// from a file is decoded as a `T` on its first read.
    ///
    /// # Errors
    /// [`ScopeError::TypeMismatch`] if the value is not a `T` (or restored JSON that does not
    /// decode as one), [`ScopeError::AccessDenied`] without [`Action::Read`],
    /// [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// const LANG: Key<String> = Key::new("lang");
    /// let app = Scope::root("app")?;
    /// app.set(LANG, "en".into())?;
    /// let deep = app.child("a")?.child("b")?;
    /// assert_eq!(deep.get(LANG)?.as_deref(), Some("en"));
    /// assert_eq!(deep.get(Key::<u8>::new("missing"))?, None);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn get<T: Clone + DeserializeOwned + 'static>(
        &self,
        key: Key<T>,
    ) -> Result<Option<T>, ScopeError> {
        lookup::read(*self, key.name(), true, T::clone)
    }

    /// Like [`get`](Scope::get) (and used the same way), without tracking.
    ///
    /// # Errors
    /// As [`get`](Scope::get).
    pub fn get_untracked<T: Clone + DeserializeOwned + 'static>(
        &self,
        key: Key<T>,
    ) -> Result<Option<T>, ScopeError> {
        lookup::read(*self, key.name(), false, T::clone)
    }

    /// Reads the data value of `key` through a borrow (no clone), tracked like
    /// [`get`](Scope::get).
    ///
    /// # Errors
    /// As [`get`](Scope::get).
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// const NAMES: Key<Vec<String>> = Key::new("names");
    /// let app = Scope::root("app")?;
    /// app.set(NAMES, vec!["a".into(), "b".into()])?;
    /// assert_eq!(app.with_value(NAMES, |n| n.len())?, Some(2));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn with_value<T: DeserializeOwned + 'static, R>(
        &self,
        key: Key<T>,
        f: impl FnOnce(&T) -> R,
    ) -> Result<Option<R>, ScopeError> {
        lookup::read(*self, key.name(), true, f)
    }

    /// Reads a value set with [`provide`](Scope::provide) (or a data value already read as a
    /// `T`), tracked, inherited like [`get`](Scope::get). It is the shared object itself (a
    /// `Store` is writable by all who get it): see the crate docs on what policies protect.
    ///
    /// # Errors
    /// As [`get`](Scope::get); also [`ScopeError::TypeMismatch`] for a value restored from a
    /// file and not read with [`get`](Scope::get) yet (its type is not known).
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// use std::rc::Rc;
    /// const LOG: Key<Rc<dyn Fn(&str) -> String>> = Key::new("log");
    /// let app = Scope::root("app")?;
    /// app.provide(LOG, Rc::new(|m: &str| format!("[app] {m}")))?;
    /// let log = app.child("c")?.get_provided(LOG)?.unwrap();
    /// assert_eq!(log("hi"), "[app] hi");
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn get_provided<T: Clone + 'static>(&self, key: Key<T>) -> Result<Option<T>, ScopeError> {
        lookup::get_provided(*self, key.name())
    }

    /// The scope that provides `key` as seen from here (this one, or the nearest ancestor that
    /// holds it). Tracked like [`get`](Scope::get).
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Read`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// const K: Key<u8> = Key::new("k");
    /// let app = Scope::root("app")?;
    /// let child = app.child("c")?;
    /// app.set(K, 1)?;
    /// assert_eq!(child.provider_of(K)?, Some(app));
    /// child.set(K, 2)?;
    /// assert_eq!(child.provider_of(K)?, Some(child));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn provider_of<T>(&self, key: Key<T>) -> Result<Option<Scope>, ScopeError> {
        lookup::provider_of(*self, key.name())
    }

    /// The names of the keys this scope holds itself, sorted.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Read`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// let app = Scope::root("app")?;
    /// app.set(Key::new("b"), 1u8)?;
    /// app.set(Key::new("a"), 1u8)?;
    /// assert_eq!(app.own_keys()?, ["a", "b"]);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn own_keys(&self) -> Result<Vec<String>, ScopeError> {
        lookup::own_keys(*self)
    }
}

/// Policies (see [`Policy`]). A disposed scope gives [`ScopeError::Disposed`].
impl Scope {
    /// Sets this scope's own policy; effective rights here and below become this policy
    /// intersected with the parent's effective rights.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Admin`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::{Access, Policy, Principal, Scope};
    /// let app = Scope::root("app")?;
    /// let bob = Principal::new("bob");
    /// app.set_policy(Policy::new(Access::READ))?;
    /// let child = app.child("c")?;
    /// // The child tries to give bob everything: capped by the parent.
    /// child.set_policy(Policy::new(Access::NONE).grant(bob, Access::ALL))?;
    /// assert_eq!(child.as_principal(bob)?.effective_access()?, Access::READ);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn set_policy(&self, policy: Policy) -> Result<(), ScopeError> {
        policy::set_policy(*self, Some(policy))
    }

    /// Removes this scope's own policy: it inherits its parent's again.
    ///
    /// # Errors
    /// As [`set_policy`](Scope::set_policy).
    ///
    /// ```
    /// use reactive_store::{Access, Policy, Principal, Scope};
    /// let app = Scope::root("app")?;
    /// app.set_policy(Policy::new(Access::NONE))?;
    /// app.clear_policy()?;
    /// assert_eq!(app.as_principal(Principal::new("x"))?.effective_access()?, Access::ALL);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn clear_policy(&self) -> Result<(), ScopeError> {
        policy::set_policy(*self, None)
    }

    /// This scope's own policy, if it has one.
    ///
    /// ```
    /// use reactive_store::{Access, Policy, Scope};
    /// let app = Scope::root("app")?;
    /// assert_eq!(app.policy()?, None);
    /// app.set_policy(Policy::new(Access::READ))?;
    /// assert_eq!(app.policy()?, Some(Policy::new(Access::READ)));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn policy(&self) -> Result<Option<Policy>, ScopeError> {
        policy::own_policy(*self)
    }

    /// What this handle's principal may do here (all of it for [`Principal::system`]).
    ///
    /// ```
    /// use reactive_store::{Access, Scope};
    /// assert_eq!(Scope::root("app")?.effective_access()?, Access::ALL);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn effective_access(&self) -> Result<Access, ScopeError> {
        policy::effective_access(*self)
    }

    /// `Ok` if this handle's principal may do `action` here.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::{Access, Action, Policy, Principal, Scope};
    /// let app = Scope::root("app")?;
    /// app.set_policy(Policy::new(Access::READ))?;
    /// assert!(app.as_principal(Principal::new("x"))?.check(Action::Emit).is_err());
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn check(&self, action: Action) -> Result<(), ScopeError> {
        policy::check(*self, action)
    }
}

/// Saving and restoring (see [`ScopeSnapshot`] for the file).
impl Scope {
    /// Saves this scope and its subtree: values under their keys' names (not
    /// [`provide`](Scope::provide)d ones, which are listed in [`ScopeSnapshot::not_saved`]) and
    /// own policies.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Read`] in any scope of the subtree;
    /// [`PersistError::Encode`] for a value that cannot be written as JSON.
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// let app = Scope::root("app")?;
    /// app.set(Key::<String>::new("theme"), "dark".into())?;
    /// assert_eq!(app.save()?.value("", "theme"), Some(&serde_json::json!("dark")));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn save(&self) -> Result<ScopeSnapshot, ScopeError> {
        persist::save(*self)
    }

    /// Restores a saved subtree as a new child of this scope (named after the snapshot's
    /// root). Restored values are typed when first read through a key.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::CreateChild`] and [`Action::Write`] here
    /// ([`Action::Admin`] too if it has policies), [`ScopeError::DuplicateChild`]. Nothing is
    /// created on error.
    ///
    /// ```
    /// use reactive_store::{Key, Scope, ScopeError, ScopeSnapshot};
    /// const ZOOM: Key<u32> = Key::new("zoom");
    /// let app = Scope::root("app")?;
    /// let saved = ScopeSnapshot::from_json(
    ///     r#"{"format":"reactive-store/scopes","version":1,"root":"prefs","scopes":[{"path":"","values":{"zoom":2}}]}"#,
    /// )?;
    /// assert_eq!(app.restore_child(&saved)?.get(ZOOM)?, Some(2));
    /// assert!(matches!(app.restore_child(&saved), Err(ScopeError::DuplicateChild { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn restore_child(&self, snapshot: &ScopeSnapshot) -> Result<Scope, ScopeError> {
        persist::restore_child(*self, snapshot)
    }

    /// Restores a saved subtree as a new root scope (as in [`ScopeSnapshot`]'s example).
    ///
    /// # Errors
    /// None in practice (the snapshot was validated when read).
    pub fn restore_root(snapshot: &ScopeSnapshot) -> Result<Scope, ScopeError> {
        persist::restore_root(snapshot)
    }

    /// Restores a saved subtree *into* this scope: its values, policy and children become the
    /// saved ones. Children not in the snapshot are disposed; values not in the snapshot are
    /// removed, except [`provide`](Scope::provide)d ones (never saved). A saved value replacing a
    /// live one must decode as the live value's type. Readers re-run once, in one batch.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Admin`] and [`Action::Write`] in every
    /// scope of the subtree, or [`Action::CreateChild`] where a saved child is missing;
    /// [`PersistError::TypeMismatch`]. Nothing is changed on error.
    ///
    /// ```
    /// use reactive_store::{Key, Scope, ScopeError};
    /// let editor = Scope::root("editor")?;
    /// editor.set(Key::new("zoom"), 1u32)?;
    /// let saved = editor.save()?;
    /// editor.set(Key::new("zoom"), 3u32)?;
    /// editor.child("scratch")?;
    /// editor.restore(&saved)?;
    /// assert_eq!(editor.get(Key::<u32>::new("zoom"))?, Some(1));
    /// assert_eq!(editor.children()?, []);
    /// # Ok::<(), ScopeError>(())
    /// ```
    pub fn restore(&self, snapshot: &ScopeSnapshot) -> Result<(), ScopeError> {
        persist::restore(*self, snapshot)
    }
}

/// Views: of this scope's subtree, as this handle's principal may see it (values of scopes it
/// may not read are left out). A disposed scope gives [`ScopeError::Disposed`].
impl Scope {
    /// The subtree as indented text: each scope, its policy if it has one, its own values
    /// (`=`, with `(shadows …)` when they hide an ancestor's), and the values it inherits
    /// (`(from …)`).
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// let app = Scope::root("app")?;
    /// app.set(Key::<String>::new("theme"), "dark".into())?;
    /// app.child("editor")?.set(Key::<String>::new("font"), "mono".into())?;
    /// assert_eq!(app.render_text()?, "\
    /// app
    ///   theme = \"dark\"
    ///   editor
    ///     font = \"mono\"
    ///     theme = \"dark\"  (from app)
    /// ");
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn render_text(&self) -> Result<String, ScopeError> {
        render::render_text(*self)
    }

    /// The subtree as a Graphviz DOT digraph: one box per scope listing its values (inherited
    /// ones marked), edges from parent to child. Render with `dot -Tsvg`.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// app.child("editor")?;
    /// let dot = app.to_dot()?;
    /// assert!(dot.starts_with("digraph scopes {"));
    /// assert!(dot.contains("\"app\" -> \"app/editor\""));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn to_dot(&self) -> Result<String, ScopeError> {
        render::to_dot(*self)
    }

    /// The subtree as JSON for devtools: `{"scopes": [...]}`, flat, parents first. Each scope
    /// has `path`, `name`, `parent`, `depth`, `policy` (own, or `null`), `readable`, and
    /// `values`: `{key, value, own, from, shadows}` (`key` is the key's name; `value` is `null`
    /// for provided values, with their type in `type`).
    ///
    /// ```
    /// use reactive_store::{Key, Scope};
    /// let app = Scope::root("app")?;
    /// app.set(Key::<String>::new("theme"), "dark".into())?;
    /// app.child("c")?;
    /// let inherited = &app.to_devtools_json()?["scopes"][1]["values"][0];
    /// assert_eq!(inherited["key"], "theme");
    /// assert_eq!((inherited["own"].as_bool(), inherited["from"].as_str()), (Some(false), Some("app")));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn to_devtools_json(&self) -> Result<Value, ScopeError> {
        render::to_devtools_json(*self)
    }
}
