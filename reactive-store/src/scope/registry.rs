//! The per-thread registry of scopes: their tree, values, caches and policies. It holds no
//! event tables: those live beside it, in the event module, keyed by [`ScopeKey`].
//!
//! **Lookup cache.** A scope caches, per key it was asked for and does not hold, which ancestor
//! provides it (or that none does). A cached inherited lookup is three hash probes whatever the
//! depth. The cache of key `k` in scope `X` stays valid as long as no scope between `X` and the
//! provider gains or loses `k`; so when a scope gains or loses `k`, the entries for `k` in its
//! subtree are dropped and the readers of `k` there are notified (their resolution may have
//! changed). Changing the *value* of `k` needs no invalidation: readers track the provider's
//! signal.
//!
//! **Access cache.** Effective rights (own policy ∩ parent's effective rights) are cached per
//! scope and principal, and dropped in a subtree when a policy in it changes.
//!
//! The registry is a `RefCell` in a thread-local. It is never borrowed while user code runs:
//! operations collect what they need (signal handles, owners), release it, then call out.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::rc::Rc;

use reactive_core::{Owner, Signal};
use slotmap::{SlotMap, new_key_type};

use super::error::ScopeError;
use super::policy::{Access, AccessDenied, Action, Policy, Principal};
use super::value::Slot;

new_key_type! {
    /// Identifies a scope in this thread's registry.
    pub(crate) struct ScopeKey;
}

/// A fast hash for key names (the multiply-rotate hash of rustc's `FxHasher`): keys are chosen
/// by the application, not by an adversary, so the flooding resistance of the default SipHash
/// is not needed, and lookups are the hot path (a cached inherited lookup hashes its key three
/// times).
#[derive(Default, Clone, Copy)]
pub(crate) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let word = u64::from_le_bytes(c.try_into().unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A map keyed by key names.
pub(crate) type KeyMap<V> = HashMap<Rc<str>, V, BuildHasherDefault<KeyHasher>>;

pub(crate) struct ScopeData {
    pub name: Rc<str>,
    pub parent: Option<ScopeKey>,
    /// In creation order.
    pub children: Vec<ScopeKey>,
    /// Owns the scope's signals; disposing it disposes the scope's subtree.
    pub owner: Owner,
    /// The keys this scope holds itself.
    pub values: KeyMap<Signal<Slot>>,
    /// Inherited lookups: key → the ancestor that holds it (`None`: no ancestor does).
    pub resolved: KeyMap<Option<ScopeKey>>,
    /// Per key read here: notified when the key's resolution here may have changed.
    pub triggers: KeyMap<Signal<()>>,
    pub policy: Option<Policy>,
    /// Effective rights, per principal.
    pub access: HashMap<Principal, Access>,
}

#[derive(Default)]
pub(crate) struct Registry {
    pub scopes: SlotMap<ScopeKey, ScopeData>,
    /// The open `AccessLog`s: each access decision is recorded in them (none: not recorded).
    pub access_logs: Vec<super::decisions::SharedLog>,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::new(Registry::default());
}

/// Runs `f` with this thread's registry.
pub(crate) fn with_registry<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
    REGISTRY.with(|r| {
        let mut registry = r
            .try_borrow_mut()
            .expect("reactive-store: the scope registry was re-entered while borrowed (a bug in reactive-store)");
        f(&mut registry)
    })
}

/// Runs `f` with this thread's registry, unless it is gone (thread exit) or borrowed.
pub(crate) fn try_with_registry(f: impl FnOnce(&mut Registry)) {
    let _ = REGISTRY.try_with(|r| {
        if let Ok(mut registry) = r.try_borrow_mut() {
            f(&mut registry);
        }
    });
}

impl Registry {
    pub fn data(&self, id: ScopeKey) -> Result<&ScopeData, ScopeError> {
        self.scopes.get(id).ok_or_else(|| disposed(id))
    }

    /// The scope's path from its root: `app/session/editor`.
    pub fn path(&self, id: ScopeKey) -> String {
        let mut names = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            let Some(d) = self.scopes.get(c) else { break };
            names.push(d.name.clone());
            cur = d.parent;
        }
        names.reverse();
        names.join("/")
    }

    /// Effective rights of `principal` in `id` (cached).
    pub fn access(&mut self, id: ScopeKey, principal: Principal) -> Access {
        if principal.is_system() {
            return Access::ALL;
        }
        let Some(data) = self.scopes.get(id) else {
            return Access::NONE;
        };
        if let Some(a) = data.access.get(&principal) {
            return *a;
        }
        let mut access = Access::ALL;
        let mut cur = Some(id);
        while let Some(c) = cur {
            let d = &self.scopes[c];
            if let Some(p) = &d.policy {
                access = access & p.access_for(principal);
            }
            cur = d.parent;
        }
        self.scopes[id].access.insert(principal, access);
        access
    }

    /// `Ok` if `principal` may do `action` in `id`; the refusal converts into the error type
    /// of the caller's module (`ScopeError` or `EventError`).
    pub fn allow(
        &mut self,
        id: ScopeKey,
        principal: Principal,
        action: Action,
        key: Option<&str>,
    ) -> Result<(), Refusal> {
        if !self.scopes.contains_key(id) {
            return Err(Refusal::Disposed(disposed_name(id)));
        }
        let allowed = self.access(id, principal).allows(action);
        if !self.access_logs.is_empty() {
            self.record_decision(id, principal, action, key, allowed);
        }
        if allowed {
            return Ok(());
        }
        Err(Refusal::Denied(AccessDenied {
            principal: principal.name().to_string(),
            scope: self.path(id),
            key: key.map(str::to_owned),
            action,
        }))
    }

    /// [`allow`](Registry::allow) for scope operations.
    pub fn check(
        &mut self,
        id: ScopeKey,
        principal: Principal,
        action: Action,
        key: Option<&str>,
    ) -> Result<(), ScopeError> {
        Ok(self.allow(id, principal, action, key)?)
    }

    /// The scope that provides `key` as seen from `id`, and its signal.
    pub fn lookup(&mut self, id: ScopeKey, key: &str) -> Option<(ScopeKey, Signal<Slot>)> {
        let data = self.scopes.get(id)?;
        if let Some(slot) = data.values.get(key) {
            return Some((id, *slot));
        }
        if let Some(cached) = data.resolved.get(key) {
            let provider = (*cached)?;
            if let Some(slot) = self.scopes.get(provider).and_then(|p| p.values.get(key)) {
                return Some((provider, *slot));
            }
        }
        let mut found = None;
        let mut cur = data.parent;
        while let Some(c) = cur {
            let d = &self.scopes[c];
            if let Some(slot) = d.values.get(key) {
                found = Some((c, *slot));
                break;
            }
            cur = d.parent;
        }
        self.scopes[id]
            .resolved
            .insert(Rc::from(key), found.map(|(p, _)| p));
        found
    }

    /// The trigger of `key` in `id`, created on first use.
    pub fn trigger(&mut self, id: ScopeKey, key: &str) -> Option<Signal<()>> {
        let data = self.scopes.get_mut(id)?;
        if let Some(t) = data.triggers.get(key) {
            return Some(*t);
        }
        let t = data.owner.run_in(|| Signal::new(()));
        data.triggers.insert(Rc::from(key), t);
        Some(t)
    }

    /// `id` gained or lost `key`: drops the cached lookups of `key` in the part of its subtree
    /// that sees `id`'s value (a descendant holding `key` itself hides its own subtree) and
    /// returns the triggers to notify there.
    pub fn invalidate(&mut self, id: ScopeKey, key: &str) -> Vec<Signal<()>> {
        let mut triggers = Vec::new();
        let mut stack = vec![id];
        while let Some(s) = stack.pop() {
            let d = &mut self.scopes[s];
            d.resolved.remove(key);
            if let Some(t) = d.triggers.get(key) {
                triggers.push(*t);
            }
            let children = &self.scopes[s].children;
            stack.extend(
                children
                    .iter()
                    .copied()
                    .filter(|c| !self.scopes[*c].values.contains_key(key)),
            );
        }
        triggers
    }

    /// Drops the cached rights in `id`'s subtree (its policy changed).
    pub fn clear_access(&mut self, id: ScopeKey) {
        for s in self.subtree(id) {
            self.scopes[s].access.clear();
        }
    }

    /// `id` and its descendants, parents before children, siblings in creation order.
    pub fn subtree(&self, id: ScopeKey) -> Vec<ScopeKey> {
        let mut out = Vec::new();
        let mut stack = vec![id];
        while let Some(s) = stack.pop() {
            let Some(d) = self.scopes.get(s) else {
                continue;
            };
            out.push(s);
            stack.extend(d.children.iter().rev());
        }
        out
    }

    /// The chain from the root down to `id`.
    pub fn ancestry(&self, id: ScopeKey) -> Vec<ScopeKey> {
        let mut chain = Vec::new();
        let mut cur = Some(id);
        while let Some(c) = cur {
            let Some(d) = self.scopes.get(c) else { break };
            chain.push(c);
            cur = d.parent;
        }
        chain.reverse();
        chain
    }

    pub fn child_named(&self, id: ScopeKey, name: &str) -> Option<ScopeKey> {
        self.scopes
            .get(id)?
            .children
            .iter()
            .copied()
            .find(|c| self.scopes.get(*c).is_some_and(|d| &*d.name == name))
    }
}

/// Why the registry refused an operation: shared by the scope and event modules, each of which
/// turns it into its own error type.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// The scope was disposed (its id, for the message).
    Disposed(String),
    Denied(AccessDenied),
}

/// How a disposed scope is named in errors (its path is gone with it).
pub(crate) fn disposed_name(id: ScopeKey) -> String {
    format!("{id:?}")
}

pub(crate) fn disposed(id: ScopeKey) -> ScopeError {
    ScopeError::Disposed {
        scope: disposed_name(id),
    }
}

/// Checks a scope or key name: non-empty, no `/` (the path separator), no control characters.
pub(crate) fn check_name(name: &str) -> Result<(), ScopeError> {
    let reason = if name.is_empty() {
        "a name must not be empty"
    } else if name.contains('/') {
        "a name must not contain '/'"
    } else if name.chars().any(char::is_control) {
        "a name must not contain control characters"
    } else {
        return Ok(());
    };
    Err(ScopeError::InvalidName {
        name: name.to_owned(),
        reason,
    })
}
