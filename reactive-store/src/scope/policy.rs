//! Access control: [`Principal`]s, the [`Access`] rights they hold, the [`Policy`] a scope
//! carries, and the [`AccessDenied`] error.
//!
//! A scope's effective rights for a principal are its own policy's grant *intersected* with
//! its parent's effective rights; a scope without a policy of its own inherits its parent's.
//! So a child can narrow what its parent allows, never widen it: no escalation by creating or
//! re-configuring a child.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::{BitAnd, BitOr, Not};
use std::rc::Rc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::registry::with_registry;
use super::{Scope, ScopeError};

/// Who is acting: a user, a plugin, a remote peer. Interned per thread, so it is `Copy` and
/// compares in O(1). [`Principal::system`] is the application itself: policies do not restrict
/// it.
///
/// The system principal is not a name: no string makes it, so a user or a remote peer called
/// `"system"` is an ordinary principal (and a saved policy naming `"system"` restores as that
/// ordinary principal).
///
/// ```
/// use reactive_store::Principal;
/// let alice = Principal::new("alice");
/// assert_eq!(alice, Principal::new("alice"));
/// assert_eq!(alice.name().as_ref(), "alice");
/// assert!(Principal::system().is_system());
/// assert_ne!(Principal::new("system"), Principal::system());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Principal(Who);

/// The inside of a [`Principal`]: the system is a variant of its own, never an interned name.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Who {
    System,
    Named(u32),
}

thread_local! {
    static PRINCIPALS: RefCell<Interner> = RefCell::new(Interner::default());
}

/// The names of the named principals (the system principal has none here).
#[derive(Default)]
struct Interner {
    names: Vec<Rc<str>>,
    ids: HashMap<Rc<str>, u32>,
}

impl Principal {
    /// The principal named `name` (the same value for the same name, on this thread). It is
    /// never [`Principal::system`], whatever the name.
    ///
    /// ```
    /// use reactive_store::Principal;
    /// assert!(!Principal::new("system").is_system());
    /// ```
    pub fn new(name: &str) -> Principal {
        PRINCIPALS.with(|p| {
            let mut p = p.borrow_mut();
            if let Some(id) = p.ids.get(name) {
                return Principal(Who::Named(*id));
            }
            let id = u32::try_from(p.names.len())
                .expect("reactive-store: more than 4 billion principals");
            let name: Rc<str> = Rc::from(name);
            p.names.push(name.clone());
            p.ids.insert(name, id);
            Principal(Who::Named(id))
        })
    }

    /// The application itself: every access is allowed. Only [`Scope::root`] (and
    /// [`Scope::restore_root`]) hand out handles acting for it.
    ///
    /// ```
    /// use reactive_store::Principal;
    /// assert_eq!(Principal::system().name().as_ref(), "system");
    /// ```
    pub fn system() -> Principal {
        Principal(Who::System)
    }

    /// Whether this is [`Principal::system`].
    ///
    /// ```
    /// use reactive_store::Principal;
    /// assert!(!Principal::new("bob").is_system());
    /// ```
    pub fn is_system(&self) -> bool {
        self.0 == Who::System
    }

    /// The principal's name (`"system"` for [`Principal::system`], which an ordinary
    /// principal may also be called: compare principals, not names).
    ///
    /// ```
    /// use reactive_store::Principal;
    /// assert_eq!(Principal::new("bob").name().as_ref(), "bob");
    /// ```
    pub fn name(&self) -> Rc<str> {
        match self.0 {
            Who::System => Rc::from("system"),
            Who::Named(id) => PRINCIPALS.with(|p| p.borrow().names[id as usize].clone()),
        }
    }
}

/// `Principal::system`, or `Principal("alice")`.
impl fmt::Debug for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Who::System => f.write_str("Principal::system"),
            Who::Named(_) => write!(f, "Principal({:?})", self.name()),
        }
    }
}

impl fmt::Display for Principal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

/// One kind of access a policy can grant.
///
/// ```
/// use reactive_store::{Access, Action};
/// assert!(Access::from(Action::Emit).allows(Action::Emit));
/// assert_eq!(Action::CreateChild.to_string(), "create_child");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Read values, subscribe to events, save the scope.
    Read,
    /// Set and remove values (also needed to restore saved ones, as children or in place).
    Write,
    /// Emit events.
    Emit,
    /// Create child scopes (and restore saved ones as children).
    CreateChild,
    /// Change the policy, add event interceptors, restore in place, dispose.
    Admin,
}

impl Action {
    const ALL: [Action; 5] = [
        Action::Read,
        Action::Write,
        Action::Emit,
        Action::CreateChild,
        Action::Admin,
    ];

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Action::Read => "read",
            Action::Write => "write",
            Action::Emit => "emit",
            Action::CreateChild => "create_child",
            Action::Admin => "admin",
        })
    }
}

/// A set of [`Action`]s. Combine with `|`, intersect with `&`.
///
/// ```
/// use reactive_store::{Access, Action};
/// let rw = Access::READ | Access::WRITE;
/// assert!(rw.allows(Action::Write));
/// assert!(!(rw & Access::READ).allows(Action::Write));
/// assert_eq!(Access::ALL & !Access::ADMIN, Access::READ | Access::WRITE | Access::EMIT | Access::CREATE_CHILD);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Access(u8);

impl Access {
    /// Nothing.
    pub const NONE: Access = Access(0);
    /// [`Action::Read`].
    pub const READ: Access = Access(1);
    /// [`Action::Write`].
    pub const WRITE: Access = Access(1 << 1);
    /// [`Action::Emit`].
    pub const EMIT: Access = Access(1 << 2);
    /// [`Action::CreateChild`].
    pub const CREATE_CHILD: Access = Access(1 << 3);
    /// [`Action::Admin`].
    pub const ADMIN: Access = Access(1 << 4);
    /// Everything.
    pub const ALL: Access = Access(0b1_1111);

    /// Whether `action` is in the set.
    ///
    /// ```
    /// use reactive_store::{Access, Action};
    /// assert!(Access::ALL.allows(Action::Admin));
    /// assert!(!Access::NONE.allows(Action::Read));
    /// ```
    pub fn allows(self, action: Action) -> bool {
        self.0 & action.bit() != 0
    }

    /// The actions in the set.
    ///
    /// ```
    /// use reactive_store::{Access, Action};
    /// assert_eq!((Access::READ | Access::EMIT).actions().collect::<Vec<_>>(), [Action::Read, Action::Emit]);
    /// ```
    pub fn actions(self) -> impl Iterator<Item = Action> {
        Action::ALL.into_iter().filter(move |a| self.allows(*a))
    }
}

impl From<Action> for Access {
    fn from(a: Action) -> Access {
        Access(a.bit())
    }
}

impl BitOr for Access {
    type Output = Access;
    fn bitor(self, rhs: Access) -> Access {
        Access(self.0 | rhs.0)
    }
}

impl BitAnd for Access {
    type Output = Access;
    fn bitand(self, rhs: Access) -> Access {
        Access(self.0 & rhs.0)
    }
}

impl Not for Access {
    type Output = Access;
    fn not(self) -> Access {
        Access(!self.0 & Access::ALL.0)
    }
}

/// `all`, `none`, or the actions joined by `|`: `read|write`.
impl fmt::Debug for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Access::ALL => f.write_str("all"),
            Access::NONE => f.write_str("none"),
            _ => {
                for (i, a) in self.actions().enumerate() {
                    if i > 0 {
                        f.write_str("|")?;
                    }
                    write!(f, "{a}")?;
                }
                Ok(())
            }
        }
    }
}

/// Written as the list of action names: `["read", "write"]`.
impl Serialize for Access {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.actions())
    }
}

impl<'de> Deserialize<'de> for Access {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let actions = Vec::<Action>::deserialize(deserializer)?;
        Ok(actions.into_iter().fold(Access::NONE, |a, b| a | b.into()))
    }
}

/// Who may do what in a scope: a grant per principal, and a default for the others.
///
/// ```
/// use reactive_store::{Access, Policy, Principal};
/// let alice = Principal::new("alice");
/// let policy = Policy::new(Access::READ).grant(alice, Access::ALL);
/// assert_eq!(policy.access_for(alice), Access::ALL);
/// assert_eq!(policy.access_for(Principal::new("mallory")), Access::READ);
/// ```
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Policy {
    default: Access,
    grants: Vec<(Principal, Access)>,
}

impl Policy {
    /// A policy granting `default` to every principal.
    ///
    /// ```
    /// use reactive_store::{Access, Policy, Principal};
    /// assert_eq!(Policy::new(Access::NONE).access_for(Principal::new("x")), Access::NONE);
    /// ```
    pub fn new(default: Access) -> Policy {
        Policy {
            default,
            grants: Vec::new(),
        }
    }

    /// Grants exactly `access` to `principal` (replacing an earlier grant to it).
    ///
    /// ```
    /// use reactive_store::{Access, Policy, Principal};
    /// let bob = Principal::new("bob");
    /// let p = Policy::new(Access::NONE).grant(bob, Access::ALL).grant(bob, Access::READ);
    /// assert_eq!(p.access_for(bob), Access::READ);
    /// ```
    pub fn grant(mut self, principal: Principal, access: Access) -> Policy {
        match self.grants.iter_mut().find(|(p, _)| *p == principal) {
            Some((_, a)) => *a = access,
            None => self.grants.push((principal, access)),
        }
        self
    }

    /// What this policy alone grants `principal`.
    ///
    /// ```
    /// use reactive_store::{Access, Policy, Principal};
    /// assert_eq!(Policy::new(Access::EMIT).access_for(Principal::new("x")), Access::EMIT);
    /// ```
    pub fn access_for(&self, principal: Principal) -> Access {
        self.grants
            .iter()
            .find(|(p, _)| *p == principal)
            .map_or(self.default, |(_, a)| *a)
    }

    /// The default grant.
    ///
    /// ```
    /// use reactive_store::{Access, Policy};
    /// assert_eq!(Policy::new(Access::READ).default_access(), Access::READ);
    /// ```
    pub fn default_access(&self) -> Access {
        self.default
    }

    /// The grants to named principals.
    ///
    /// ```
    /// use reactive_store::{Access, Policy, Principal};
    /// let p = Policy::new(Access::NONE).grant(Principal::new("a"), Access::READ);
    /// assert_eq!(p.grants().len(), 1);
    /// ```
    pub fn grants(&self) -> &[(Principal, Access)] {
        &self.grants
    }
}

/// The persisted form: principals by name. A grant to [`Principal::system`] is left out: it
/// has no effect, and restored by name it would be a grant to an ordinary principal.
#[derive(Serialize, Deserialize)]
struct PolicyRecord {
    default: Access,
    #[serde(default)]
    grants: BTreeMap<String, Access>,
}

impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        PolicyRecord {
            default: self.default,
            grants: self
                .grants
                .iter()
                .filter(|(p, _)| !p.is_system())
                .map(|(p, a)| (p.name().to_string(), *a))
                .collect(),
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Policy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let record = PolicyRecord::deserialize(deserializer)?;
        Ok(Policy {
            default: record.default,
            grants: record
                .grants
                .iter()
                .map(|(name, a)| (Principal::new(name), *a))
                .collect(),
        })
    }
}

/// A principal tried something its effective policy does not allow.
///
/// ```
/// use reactive_store::{Access, Action, Key, Policy, Principal, Scope, ScopeError};
/// let app = Scope::root("app")?;
/// app.set_policy(Policy::new(Access::READ))?;
/// let guest = app.as_principal(Principal::new("guest"))?;
/// const THEME: Key<String> = Key::new("theme");
/// let Err(ScopeError::AccessDenied(denied)) = guest.set(THEME, "dark".into()) else { panic!() };
/// assert_eq!((denied.action, denied.scope.as_str(), denied.key.as_deref()), (Action::Write, "app", Some("theme")));
/// assert_eq!(denied.to_string(), "guest may not write 'theme' in scope 'app'");
/// # Ok::<(), ScopeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{principal} may not {action} {}in scope '{scope}'", key.as_ref().map(|k| format!("'{k}' ")).unwrap_or_default())]
pub struct AccessDenied {
    /// Who tried.
    pub principal: String,
    /// The scope's path.
    pub scope: String,
    /// The key (or event topic, or child name) concerned, if any.
    pub key: Option<String>,
    /// What was refused.
    pub action: Action,
}

// The bodies of the policy methods of `Scope` (declared in `scope.rs`).

pub(super) fn set_policy(scope: Scope, policy: Option<Policy>) -> Result<(), ScopeError> {
    with_registry(|r| {
        r.check(scope.key, scope.principal, Action::Admin, None)?;
        r.scopes[scope.key].policy = policy;
        r.clear_access(scope.key);
        Ok(())
    })
}

pub(super) fn own_policy(scope: Scope) -> Result<Option<Policy>, ScopeError> {
    with_registry(|r| Ok(r.data(scope.key)?.policy.clone()))
}

pub(super) fn effective_access(scope: Scope) -> Result<Access, ScopeError> {
    with_registry(|r| {
        r.data(scope.key)?;
        Ok(r.access(scope.key, scope.principal))
    })
}

pub(super) fn check(scope: Scope, action: Action) -> Result<(), ScopeError> {
    with_registry(|r| r.check(scope.key, scope.principal, action, None))
}
