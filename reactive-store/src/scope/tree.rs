//! The shape of the scope tree: creating roots and children, walking it, and disposing a
//! subtree. A scope's disposal runs [`forget`], which removes it from the registry and tells
//! the event bus to drop the scope's event table.

use std::fmt;
use std::rc::Rc;

use reactive_core::{Owner, on_cleanup};

use super::Scope;
use super::error::ScopeError;
use super::policy::{Action, Principal};
use super::registry::{ScopeData, ScopeKey, check_name, with_registry};

/// Registers a scope owned by `owner`, and removes it from the registry when `owner` is
/// disposed.
pub(super) fn insert(name: &str, parent: Option<ScopeKey>, owner: Owner) -> Scope {
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

/// Removes a disposed scope from the registry and its event table from the bus (run by its
/// owner's cleanup). Both are dropped after every borrow is released: values and handlers are
/// user code.
fn forget(key: ScopeKey) {
    let removed = with_registry(|r| {
        let data = r.scopes.remove(key)?;
        if let Some(parent) = data.parent.and_then(|p| r.scopes.get_mut(p)) {
            parent.children.retain(|c| *c != key);
        }
        Some(data)
    });
    let events = crate::event::forget_scope(key);
    drop(removed);
    drop(events);
}

pub(super) fn root(name: &str) -> Result<Scope, ScopeError> {
    check_name(name)?;
    let owner = Owner::new();
    Ok(insert(name, None, owner))
}

pub(super) fn child(scope: Scope, name: &str) -> Result<Scope, ScopeError> {
    check_name(name)?;
    let owner = with_registry(|r| {
        r.check(scope.key, scope.principal, Action::CreateChild, Some(name))?;
        if r.child_named(scope.key, name).is_some() {
            return Err(ScopeError::DuplicateChild {
                scope: r.path(scope.key),
                name: name.to_owned(),
            });
        }
        Ok(r.scopes[scope.key].owner)
    })?;
    let child_owner = owner.run_in(Owner::new);
    let child = insert(name, Some(scope.key), child_owner);
    Ok(Scope {
        key: child.key,
        principal: scope.principal,
    })
}

/// The body of [`Scope::as_principal`]. Acting for someone else is a capability of the system
/// handle alone: a handle given to a principal cannot become another one, least of all the
/// system.
pub(super) fn as_principal(scope: Scope, principal: Principal) -> Result<Scope, ScopeError> {
    if scope.principal != principal && !scope.principal.is_system() {
        return Err(ScopeError::CannotActAs {
            principal: scope.principal.name().to_string(),
            requested: principal.name().to_string(),
        });
    }
    Ok(Scope {
        key: scope.key,
        principal,
    })
}

pub(super) fn name(scope: Scope) -> Result<String, ScopeError> {
    with_registry(|r| Ok(r.data(scope.key)?.name.to_string()))
}

pub(super) fn path(scope: Scope) -> Result<String, ScopeError> {
    with_registry(|r| {
        r.data(scope.key)?;
        Ok(r.path(scope.key))
    })
}

pub(super) fn parent(scope: Scope) -> Result<Option<Scope>, ScopeError> {
    with_registry(|r| Ok(r.data(scope.key)?.parent)).map(|p| p.map(|key| scope.with_key(key)))
}

pub(super) fn children(scope: Scope) -> Result<Vec<Scope>, ScopeError> {
    with_registry(|r| Ok(r.data(scope.key)?.children.clone()))
        .map(|c| c.into_iter().map(|key| scope.with_key(key)).collect())
}

pub(super) fn find(scope: Scope, relative: &str) -> Result<Option<Scope>, ScopeError> {
    with_registry(|r| {
        r.data(scope.key)?;
        let mut cur = scope.key;
        for name in relative.split('/').filter(|n| !n.is_empty()) {
            match r.child_named(cur, name) {
                Some(c) => cur = c,
                None => return Ok(None),
            }
        }
        Ok(Some(scope.with_key(cur)))
    })
}

pub(super) fn dispose(scope: Scope) -> Result<(), ScopeError> {
    let owner = with_registry(|r| -> Result<_, ScopeError> {
        if !r.scopes.contains_key(scope.key) {
            return Ok(None);
        }
        r.check(scope.key, scope.principal, Action::Admin, None)?;
        Ok(Some(r.scopes[scope.key].owner))
    })?;
    if let Some(owner) = owner {
        // Runs the cleanup registered by `insert` for each scope of the subtree.
        owner.dispose();
    }
    Ok(())
}

impl Scope {
    pub(crate) fn with_key(&self, key: ScopeKey) -> Scope {
        Scope {
            key,
            principal: self.principal,
        }
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
