//! Distributed scopes enforced on the server: who may write which replicated scope value
//! ([`ScopePolicy`]), checked on every incoming update of a document before it is applied.

use std::collections::HashMap;

use super::{Access, Action};

/// Whether a principal may write a replicated scope value (an entry of a scope's map under
/// the document's `SCOPES_MAP`). With one set ([`SyncServer::scope_policy`](super::SyncServer::scope_policy)),
/// the server tries every incoming update on a copy of the document first: an update that
/// writes a value its sender may not write gets `ErrorCode::ScopeWriteDenied` and a closed
/// connection, and is not applied, stored or broadcast.
pub trait ScopePolicy: Send + Sync + 'static {
    /// Whether `principal` may write `key` (`"*"`: the whole scope, added or replaced) of the
    /// scope at `scope` (its path, `app/doc-1`) in `document`.
    fn may_write(&self, principal: &str, document: &str, scope: &str, key: &str) -> bool;
}

/// Per-scope grants over a default, as [`DocumentPolicies`](super::DocumentPolicies) is per
/// document: the grant of (scope path, principal), then the scope's default, then the
/// server-wide default. Rights are reactive-store's [`Access`]; writing needs `WRITE`.
///
/// ```
/// # #[cfg(feature = "server")] {
/// use reactive_sync::server::{Access, ScopeGrants, ScopePolicy};
/// let policy = ScopeGrants::new(Access::READ | Access::WRITE)
///     .scope("app/settings", Access::READ)
///     .grant("app/settings", "admin", Access::READ | Access::WRITE);
/// assert!(policy.may_write("admin", "doc", "app/settings", "theme"));
/// assert!(!policy.may_write("bob", "doc", "app/settings", "theme"));
/// assert!(policy.may_write("bob", "doc", "app/notes", "draft"));
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct ScopeGrants {
    default: Access,
    scopes: HashMap<String, (Access, HashMap<String, Access>)>,
}

impl ScopeGrants {
    /// Every principal gets `default` on scopes not configured otherwise.
    pub fn new(default: Access) -> ScopeGrants {
        ScopeGrants {
            default,
            scopes: HashMap::new(),
        }
    }

    /// Everyone gets `access` on the scope at `path` unless granted otherwise.
    pub fn scope(mut self, path: &str, access: Access) -> ScopeGrants {
        self.scopes
            .entry(path.to_owned())
            .or_insert_with(|| (access, HashMap::new()))
            .0 = access;
        self
    }

    /// `principal` gets `access` on the scope at `path`.
    pub fn grant(mut self, path: &str, principal: &str, access: Access) -> ScopeGrants {
        let default = self.default;
        self.scopes
            .entry(path.to_owned())
            .or_insert_with(|| (default, HashMap::new()))
            .1
            .insert(principal.to_owned(), access);
        self
    }

    fn access(&self, principal: &str, scope: &str) -> Access {
        match self.scopes.get(scope) {
            Some((default, grants)) => grants.get(principal).copied().unwrap_or(*default),
            None => self.default,
        }
    }
}

impl ScopePolicy for ScopeGrants {
    fn may_write(&self, principal: &str, _document: &str, scope: &str, _key: &str) -> bool {
        self.access(principal, scope).allows(Action::Write)
    }
}
