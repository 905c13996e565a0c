//! [`Scope`]: a tree of named namespaces with inherited, reactive values and access policies.

mod error;
mod persist;
mod policy;
mod registry;
mod render;
mod value;

use std::fmt;
use std::rc::Rc;

use reactive_core::{Owner, Signal, batch, on_cleanup};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use error::{PersistError, ScopeError};
pub use persist::ScopeSnapshot;
pub use policy::{Access, AccessDenied, Action, Policy, Principal};

pub(crate) use registry::{KeyMap, ScopeKey, with_registry};
use registry::{ScopeData, check_name, disposed};
use value::{Data, Provided, Slot};

/// A node of the scope tree, seen by a [`Principal`]: `app/session/editor`.
///
/// A scope holds values under string keys. Reading a key a scope does not hold falls back to
/// its parent, then its parent's parent (prototype inheritance), unless the scope shadows it
/// with a value of its own. Reads are reactive: an effect that read `theme` in a child re-runs
/// when the parent's `theme` changes, and when the child starts or stops shadowing it.
///
/// Every access is checked against the scope's effective [`Policy`] for the handle's principal;
/// a refusal is [`ScopeError::AccessDenied`]. The handle returned by [`Scope::root`] acts as
/// [`Principal::system`], which policies do not restrict; [`as_principal`](Scope::as_principal)
/// gives a handle acting for someone else.
///
/// `Scope` is a `Copy` handle. Disposing a scope ([`dispose`](Scope::dispose), or disposing the
/// owner that was current when its root was created) disposes its subtree: its values, signals
/// and event handlers.
///
/// ```
/// use reactive_core::Effect;
/// use reactive_store::{Scope, ScopeError};
/// use std::{cell::RefCell, rc::Rc};
///
/// let app = Scope::root("app")?;
/// let editor = app.child("session")?.child("editor")?;
/// app.set("theme", "dark".to_string())?;
///
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let s = seen.clone();
/// Effect::new(move || s.borrow_mut().push(editor.get::<String>("theme").unwrap()));
///
/// app.set("theme", "solarized".to_string())?;   // inherited: the reader re-runs
/// editor.set("theme", "light".to_string())?;    // shadowed
/// app.set("theme", "dark".to_string())?;        // no longer seen from the editor
/// editor.remove("theme")?;                      // un-shadowed: the parent's value again
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

impl Scope {
    /// Creates a root scope, acting as [`Principal::system`]. It belongs to the current owner
    /// (if any) and is disposed with it.
    ///
    /// # Errors
    /// [`ScopeError::InvalidName`] if `name` is empty or contains `/` or control characters.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// assert_eq!(app.path()?, "app");
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn root(name: &str) -> Result<Scope, ScopeError> {
        check_name(name)?;
        let owner = Owner::new();
        Ok(Scope::insert(name, None, owner))
    }

    /// Registers a scope owned by `owner`, and removes it from the registry when `owner` is
    /// disposed.
    fn insert(name: &str, parent: Option<ScopeKey>, owner: Owner) -> Scope {
        let key = with_registry(|r| {
            let key = r.scopes.insert(ScopeData {
                name: Rc::from(name),
                parent,
                children: Vec::new(),
                owner,
                values: Default::default(),
                resolved: Default::default(),
                triggers: Default::default(),
                policy: None,
                access: Default::default(),
                events: Default::default(),
            });
            if let Some(p) = parent {
                r.scopes[p].children.push(key);
            }
            key
        });
        owner.run_in(|| on_cleanup(move || forget(key)));
        Scope {
            key,
            principal: Principal::system(),
        }
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
    /// let doc = app.child("doc-1")?;
    /// assert_eq!(doc.path()?, "app/doc-1");
    /// assert!(matches!(app.child("doc-1"), Err(ScopeError::DuplicateChild { .. })));
    /// # Ok::<(), ScopeError>(())
    /// ```
    pub fn child(&self, name: &str) -> Result<Scope, ScopeError> {
        check_name(name)?;
        let owner = with_registry(|r| {
            r.check(self.key, self.principal, Action::CreateChild, Some(name))?;
            if r.child_named(self.key, name).is_some() {
                return Err(ScopeError::DuplicateChild {
                    scope: r.path(self.key),
                    name: name.to_owned(),
                });
            }
            Ok(r.scopes[self.key].owner)
        })?;
        let child_owner = owner.run_in(Owner::new);
        let child = Scope::insert(name, Some(self.key), child_owner);
        Ok(child.as_principal(self.principal))
    }

    /// This scope, acting as `principal`.
    ///
    /// ```
    /// use reactive_store::{Principal, Scope};
    /// let app = Scope::root("app")?;
    /// let bob = app.as_principal(Principal::new("bob"));
    /// assert_eq!(bob.principal(), Principal::new("bob"));
    /// assert_eq!(bob.path()?, "app");
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn as_principal(&self, principal: Principal) -> Scope {
        Scope {
            key: self.key,
            principal,
        }
    }

    /// Who this handle acts for.
    ///
    /// ```
    /// use reactive_store::{Principal, Scope};
    /// assert_eq!(Scope::root("app")?.principal(), Principal::system());
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn principal(&self) -> Principal {
        self.principal
    }

    /// The scope's name.
    ///
    /// # Errors
    /// [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// assert_eq!(Scope::root("app")?.name()?, "app");
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn name(&self) -> Result<String, ScopeError> {
        with_registry(|r| Ok(r.data(self.key)?.name.to_string()))
    }

    /// The path from the root: `app/session/editor`.
    ///
    /// # Errors
    /// [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let e = Scope::root("app")?.child("editor")?;
    /// assert_eq!(e.path()?, "app/editor");
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn path(&self) -> Result<String, ScopeError> {
        with_registry(|r| {
            r.data(self.key)?;
            Ok(r.path(self.key))
        })
    }

    /// The parent scope (`None` for a root), acting as the same principal.
    ///
    /// # Errors
    /// [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// assert_eq!(app.child("a")?.parent()?, Some(app));
    /// assert_eq!(app.parent()?, None);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn parent(&self) -> Result<Option<Scope>, ScopeError> {
        with_registry(|r| Ok(r.data(self.key)?.parent)).map(|p| p.map(|key| self.with_key(key)))
    }

    /// The child scopes, in creation order.
    ///
    /// # Errors
    /// [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let (a, b) = (app.child("a")?, app.child("b")?);
    /// assert_eq!(app.children()?, [a, b]);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn children(&self) -> Result<Vec<Scope>, ScopeError> {
        with_registry(|r| Ok(r.data(self.key)?.children.clone()))
            .map(|c| c.into_iter().map(|key| self.with_key(key)).collect())
    }

    /// Finds a descendant by relative path (`"session/editor"`); `""` is this scope.
    ///
    /// # Errors
    /// [`ScopeError::Disposed`].
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
        with_registry(|r| {
            r.data(self.key)?;
            let mut cur = self.key;
            for name in relative.split('/').filter(|n| !n.is_empty()) {
                match r.child_named(cur, name) {
                    Some(c) => cur = c,
                    None => return Ok(None),
                }
            }
            Ok(Some(self.with_key(cur)))
        })
    }

    pub(crate) fn with_key(&self, key: ScopeKey) -> Scope {
        Scope {
            key,
            principal: self.principal,
        }
    }

    /// Whether the scope was disposed.
    ///
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
        let owner = with_registry(|r| -> Result<_, ScopeError> {
            if !r.scopes.contains_key(self.key) {
                return Ok(None);
            }
            r.check(self.key, self.principal, Action::Admin, None)?;
            Ok(Some(r.scopes[self.key].owner))
        })?;
        if let Some(owner) = owner {
            // Runs the cleanup registered by `insert` for each scope of the subtree.
            owner.dispose();
        }
        Ok(())
    }

    /// Sets `key` in this scope to a data value (saved with the scope), shadowing any
    /// ancestor's value. Readers of `key` here and below re-run.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Write`], [`ScopeError::InvalidName`] for
    /// an empty key, [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// app.set("zoom", 1.5f64)?;
    /// assert_eq!(app.get::<f64>("zoom")?, Some(1.5));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn set<T: Serialize + DeserializeOwned + 'static>(
        &self,
        key: &str,
        value: T,
    ) -> Result<(), ScopeError> {
        self.write(key, Slot::Typed(Rc::new(Data(value))))
    }

    /// Sets `key` to a provided value (a service, a store handle, a callback): like
    /// [`set`](Scope::set), but never saved, and read with
    /// [`get_provided`](Scope::get_provided).
    ///
    /// # Errors
    /// As [`set`](Scope::set).
    ///
    /// ```
    /// use reactive_store::{Scope, Store};
    /// let doc = Scope::root("doc")?;
    /// let store = Store::new(vec![1, 2]);
    /// doc.provide("store", store)?;
    /// let found: Store<Vec<i32>> = doc.child("view")?.get_provided("store")?.unwrap();
    /// assert_eq!(found, store);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn provide<T: 'static>(&self, key: &str, value: T) -> Result<(), ScopeError> {
        self.write(key, Slot::Typed(Rc::new(Provided(value))))
    }

    fn write(&self, key: &str, slot: Slot) -> Result<(), ScopeError> {
        check_name(key)?;
        let mut slot = Some(slot);
        let existing = with_registry(|r| -> Result<_, ScopeError> {
            r.check(self.key, self.principal, Action::Write, Some(key))?;
            let data = &mut r.scopes[self.key];
            if let Some(signal) = data.values.get(key) {
                return Ok(Ok(*signal));
            }
            let value = slot.take().expect("slot is taken once");
            let signal = data.owner.run_in(|| Signal::new(value));
            data.values.insert(Rc::from(key), signal);
            Ok(Err(r.invalidate(self.key, key)))
        })?;
        match existing {
            // Replacing the value drops the old one inside the engine, outside the registry.
            Ok(signal) => signal.set(slot.take().expect("slot still here")),
            Err(triggers) => notify(triggers),
        }
        Ok(())
    }

    /// Removes this scope's own value of `key`, un-shadowing an ancestor's. Returns whether
    /// there was one.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Write`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let child = app.child("c")?;
    /// app.set("n", 1u8)?;
    /// child.set("n", 2u8)?;
    /// assert!(child.remove("n")?);
    /// assert_eq!(child.get::<u8>("n")?, Some(1));
    /// assert!(!child.remove("n")?);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn remove(&self, key: &str) -> Result<bool, ScopeError> {
        let removed = with_registry(|r| -> Result<_, ScopeError> {
            r.check(self.key, self.principal, Action::Write, Some(key))?;
            let Some(signal) = r.scopes[self.key].values.remove(key) else {
                return Ok(None);
            };
            Ok(Some((signal, r.invalidate(self.key, key))))
        })?;
        let Some((signal, triggers)) = removed else {
            return Ok(false);
        };
        notify(triggers);
        signal.dispose();
        Ok(true)
    }

    /// Reads the data value of `key` (from this scope or the nearest ancestor that has it),
    /// tracked: the current memo or effect re-runs when it changes or when another scope starts
    /// or stops providing it. `Ok(None)` when no scope on the chain has it.
    ///
    /// # Errors
    /// [`ScopeError::TypeMismatch`] if the value is not a `T`, [`ScopeError::AccessDenied`]
    /// without [`Action::Read`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// app.set("lang", "en".to_string())?;
    /// let deep = app.child("a")?.child("b")?;
    /// assert_eq!(deep.get::<String>("lang")?.as_deref(), Some("en"));
    /// assert_eq!(deep.get::<String>("missing")?, None);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn get<T: Clone + DeserializeOwned + 'static>(
        &self,
        key: &str,
    ) -> Result<Option<T>, ScopeError> {
        self.read(key, true, T::clone)
    }

    /// Like [`get`](Scope::get), without tracking.
    ///
    /// # Errors
    /// As [`get`](Scope::get).
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// app.set("n", 3i64)?;
    /// assert_eq!(app.get_untracked::<i64>("n")?, Some(3));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn get_untracked<T: Clone + DeserializeOwned + 'static>(
        &self,
        key: &str,
    ) -> Result<Option<T>, ScopeError> {
        self.read(key, false, T::clone)
    }

    /// Reads the data value of `key` through a borrow (no clone), tracked like
    /// [`get`](Scope::get).
    ///
    /// # Errors
    /// As [`get`](Scope::get).
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// app.set("names", vec!["a".to_string(), "b".to_string()])?;
    /// assert_eq!(app.with_value("names", |n: &Vec<String>| n.len())?, Some(2));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn with_value<T: DeserializeOwned + 'static, R>(
        &self,
        key: &str,
        f: impl FnOnce(&T) -> R,
    ) -> Result<Option<R>, ScopeError> {
        self.read(key, true, f)
    }

    /// Reads a value set with [`provide`](Scope::provide) (or a data value already read as a
    /// `T`), tracked, inherited like [`get`](Scope::get).
    ///
    /// # Errors
    /// As [`get`](Scope::get); also [`ScopeError::TypeMismatch`] for a value restored from a
    /// file and not read with [`get`](Scope::get) yet (its type is not known).
    ///
    /// ```
    /// use reactive_store::Scope;
    /// use std::rc::Rc;
    /// let app = Scope::root("app")?;
    /// app.provide("log", Rc::new(|m: &str| println!("{m}")))?;
    /// assert!(app.child("c")?.get_provided::<Rc<fn(&str)>>("log").is_err()); // another type
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn get_provided<T: Clone + 'static>(&self, key: &str) -> Result<Option<T>, ScopeError> {
        let Some((provider, signal)) = self.resolve(key, true)? else {
            return Ok(None);
        };
        signal
            .with(|slot| match slot {
                Slot::Typed(v) => v
                    .value()
                    .downcast_ref::<T>()
                    .cloned()
                    .ok_or(slot.type_name()),
                Slot::Raw { decoded, .. } => decoded
                    .borrow()
                    .as_ref()
                    .and_then(|(_, v)| v.downcast_ref::<T>().cloned())
                    .ok_or(slot.type_name()),
            })
            .map(Some)
            .map_err(|found| mismatch::<T>(provider, key, found.to_string()))
    }

    /// Where `key` is found from here: the path of the scope that provides it, and whether it
    /// is this one (own) or an ancestor (inherited). Tracked like [`get`](Scope::get).
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Read`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let child = app.child("c")?;
    /// app.set("k", 1u8)?;
    /// assert_eq!(child.provider_of("k")?, Some(app));
    /// child.set("k", 2u8)?;
    /// assert_eq!(child.provider_of("k")?, Some(child));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn provider_of(&self, key: &str) -> Result<Option<Scope>, ScopeError> {
        Ok(self
            .resolve(key, true)?
            .map(|(provider, _)| self.with_key(provider)))
    }

    /// The keys this scope holds itself, sorted.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Read`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// app.set("b", 1u8)?;
    /// app.set("a", 1u8)?;
    /// assert_eq!(app.own_keys()?, ["a", "b"]);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn own_keys(&self) -> Result<Vec<String>, ScopeError> {
        with_registry(|r| {
            r.check(self.key, self.principal, Action::Read, None)?;
            let mut keys: Vec<String> = r.scopes[self.key]
                .values
                .keys()
                .map(|k| k.to_string())
                .collect();
            keys.sort();
            Ok(keys)
        })
    }

    /// Finds the provider of `key` (checking read access) and tracks its resolution.
    fn resolve(
        &self,
        key: &str,
        track: bool,
    ) -> Result<Option<(ScopeKey, Signal<Slot>)>, ScopeError> {
        let (found, trigger) = with_registry(|r| {
            r.check(self.key, self.principal, Action::Read, Some(key))?;
            let found = r.lookup(self.key, key);
            let trigger = if track {
                r.trigger(self.key, key)
            } else {
                None
            };
            Ok::<_, ScopeError>((found, trigger))
        })?;
        if let Some(t) = trigger {
            t.track();
        }
        Ok(found)
    }

    fn read<T: DeserializeOwned + 'static, R>(
        &self,
        key: &str,
        track: bool,
        f: impl FnOnce(&T) -> R,
    ) -> Result<Option<R>, ScopeError> {
        let Some((provider, signal)) = self.resolve(key, track)? else {
            return Ok(None);
        };
        let read = |slot: &Slot| match slot {
            Slot::Typed(v) => match v.value().downcast_ref::<T>() {
                Some(v) => Ok(f(v)),
                None => Err(v.type_name().to_string()),
            },
            Slot::Raw { .. } => {
                let value = slot.read::<T>()?;
                match value.downcast_ref::<T>() {
                    Some(v) => Ok(f(v)),
                    None => Err(slot.type_name().to_string()),
                }
            }
        };
        let result = match track {
            true => signal.try_with(read),
            false => signal.try_with_untracked(read),
        };
        match result {
            Ok(Ok(r)) => Ok(Some(r)),
            Ok(Err(found)) => Err(mismatch::<T>(provider, key, found)),
            // The provider was disposed while we looked.
            Err(_) => Err(disposed(provider)),
        }
    }

    /// Sets this scope's own policy; effective rights here and below become this policy
    /// intersected with the parent's effective rights.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Admin`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::{Access, Action, Policy, Principal, Scope};
    /// let app = Scope::root("app")?;
    /// let bob = Principal::new("bob");
    /// app.set_policy(Policy::new(Access::READ))?;
    /// let child = app.child("c")?;
    /// // The child tries to give bob everything: capped by the parent.
    /// child.set_policy(Policy::new(Access::NONE).grant(bob, Access::ALL))?;
    /// assert_eq!(child.as_principal(bob).effective_access()?, Access::READ);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn set_policy(&self, policy: Policy) -> Result<(), ScopeError> {
        with_registry(|r| {
            r.check(self.key, self.principal, Action::Admin, None)?;
            r.scopes[self.key].policy = Some(policy);
            r.clear_access(self.key);
            Ok(())
        })
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
    /// assert_eq!(app.as_principal(Principal::new("x")).effective_access()?, Access::ALL);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn clear_policy(&self) -> Result<(), ScopeError> {
        with_registry(|r| {
            r.check(self.key, self.principal, Action::Admin, None)?;
            r.scopes[self.key].policy = None;
            r.clear_access(self.key);
            Ok(())
        })
    }

    /// This scope's own policy, if it has one.
    ///
    /// # Errors
    /// [`ScopeError::Disposed`].
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
        with_registry(|r| Ok(r.data(self.key)?.policy.clone()))
    }

    /// What this handle's principal may do here (all of it for [`Principal::system`]).
    ///
    /// # Errors
    /// [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::{Access, Scope};
    /// assert_eq!(Scope::root("app")?.effective_access()?, Access::ALL);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn effective_access(&self) -> Result<Access, ScopeError> {
        with_registry(|r| {
            r.data(self.key)?;
            Ok(r.access(self.key, self.principal))
        })
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
    /// assert!(app.as_principal(Principal::new("x")).check(Action::Emit).is_err());
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn check(&self, action: Action) -> Result<(), ScopeError> {
        with_registry(|r| r.check(self.key, self.principal, action, None))
    }

    /// Number of live scopes on this thread (for leak checks).
    ///
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

/// Removes a disposed scope from the registry (run by its owner's cleanup). Its data is
/// dropped after the registry is released: handlers are user closures.
fn forget(key: ScopeKey) {
    let removed = with_registry(|r| {
        let data = r.scopes.remove(key)?;
        if let Some(parent) = data.parent.and_then(|p| r.scopes.get_mut(p)) {
            parent.children.retain(|c| *c != key);
        }
        Some(data)
    });
    drop(removed);
}

/// Notifies resolution triggers, in one batch.
fn notify(triggers: Vec<Signal<()>>) {
    if triggers.is_empty() {
        return;
    }
    batch(|| {
        for t in triggers {
            if !t.is_disposed() {
                t.notify();
            }
        }
    });
}

fn mismatch<T>(provider: ScopeKey, key: &str, found: String) -> ScopeError {
    ScopeError::TypeMismatch {
        scope: with_registry(|r| r.path(provider)),
        key: key.to_owned(),
        expected: std::any::type_name::<T>(),
        found,
    }
}

impl fmt::Debug for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = with_registry(|r| match r.scopes.contains_key(self.key) {
            true => r.path(self.key),
            false => "<disposed>".to_string(),
        });
        f.debug_struct("Scope")
            .field("path", &path)
            .field("principal", &self.principal)
            .finish()
    }
}
