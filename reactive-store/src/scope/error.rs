//! [`ScopeError`] and [`PersistError`]: what can go wrong with scopes, their values and saved
//! files. (Events have their own [`EventError`](crate::EventError).)

use crate::scope::policy::AccessDenied;
use crate::scope::registry::Refusal;

/// Why a scope operation failed. Nothing was changed.
///
/// ```
/// use reactive_store::{Key, Scope, ScopeError};
/// let app = Scope::root("app")?;
/// app.set(Key::new("size"), 12u32)?;
/// // Another key of the same name, of another type:
/// assert!(matches!(app.get(Key::<String>::new("size")), Err(ScopeError::TypeMismatch { .. })));
/// assert!(matches!(app.child("a/b"), Err(ScopeError::InvalidName { .. })));
/// # Ok::<(), ScopeError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScopeError {
    /// The principal may not do this here.
    #[error(transparent)]
    AccessDenied(AccessDenied),
    /// The scope was disposed.
    #[error("scope {scope} was disposed")]
    Disposed {
        /// The scope's id.
        scope: String,
    },
    /// A scope name (or a name in a saved file) that cannot be used. (A bad [`Key`](crate::Key)
    /// name panics where the key is made.)
    #[error("invalid name {name:?}: {reason}")]
    InvalidName {
        /// The name.
        name: String,
        /// Why.
        reason: &'static str,
    },
    /// A child of that name exists already.
    #[error("scope '{scope}' already has a child named '{name}'")]
    DuplicateChild {
        /// The parent scope's path.
        scope: String,
        /// The name.
        name: String,
    },
    /// The value under the key is of another type than the one asked for (two keys of one name
    /// and different types, or a restored value that does not decode as the key's type).
    #[error("key '{key}' in scope '{scope}' holds a {found}, not a {expected}")]
    TypeMismatch {
        /// The scope that holds the value (where the lookup found it).
        scope: String,
        /// The key.
        key: String,
        /// The type asked for.
        expected: &'static str,
        /// What is there.
        found: String,
    },
    /// A handle tried to act for another principal ([`Scope::as_principal`](crate::Scope::as_principal)):
    /// only a handle acting for [`Principal::system`](crate::Principal::system) may.
    #[error("{principal} may not act as {requested}: only the system may change principal")]
    CannotActAs {
        /// Whom the handle acts for.
        principal: String,
        /// Whom it asked to act for.
        requested: String,
    },
    /// Saving or restoring failed.
    #[error(transparent)]
    Persist(#[from] PersistError),
}

impl From<AccessDenied> for ScopeError {
    fn from(e: AccessDenied) -> Self {
        ScopeError::AccessDenied(e)
    }
}

impl From<Refusal> for ScopeError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Disposed(scope) => ScopeError::Disposed { scope },
            Refusal::Denied(denied) => ScopeError::AccessDenied(denied),
        }
    }
}

/// A saved scope file that cannot be restored, or a scope that cannot be saved. Restoring is
/// all or nothing: on error, no scope was created or changed.
///
/// ```
/// use reactive_store::{MigrationError, PersistError, ScopeSnapshot};
/// let future = r#"{"format":"reactive-store/scopes","version":99,"root":"app","scopes":[]}"#;
/// assert!(matches!(
///     ScopeSnapshot::from_json(future),
///     Err(PersistError::Version(MigrationError::FutureVersion { found: 99, .. }))
/// ));
/// assert!(matches!(ScopeSnapshot::from_json("{\"form"), Err(PersistError::Corrupt { .. })));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PersistError {
    /// The text is not JSON, or not shaped like a scope file.
    #[error("corrupt scope file: {message}")]
    Corrupt {
        /// The parser's message, with line and column.
        message: String,
    },
    /// A JSON document, but not a saved scope tree.
    #[error("not a scope file (format {found:?}, expected {expected:?})")]
    UnknownFormat {
        /// The `format` found.
        found: String,
        /// The one expected.
        expected: &'static str,
    },
    /// A scope file of a format version this build cannot read: newer than the build, or
    /// older with no migration to the current version.
    #[error("scope file: {0}")]
    Version(reactive_state::MigrationError),
    /// Well-formed JSON that describes an impossible tree (a child before its parent, two
    /// scopes at one path, a bad name).
    #[error("invalid scope file at '{path}': {reason}")]
    Invalid {
        /// The scope path in the file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// Restoring in place: a saved value does not fit the type of the live value it replaces.
    #[error(
        "saved value of key '{key}' in scope '{scope}' does not fit its type {expected}: {message}"
    )]
    TypeMismatch {
        /// The scope.
        scope: String,
        /// The key.
        key: String,
        /// The live value's type.
        expected: String,
        /// The deserialiser's message.
        message: String,
    },
    /// Saving: a value cannot be written as JSON.
    #[error("value of key '{key}' in scope '{scope}' cannot be written as JSON: {message}")]
    Encode {
        /// The scope.
        scope: String,
        /// The key.
        key: String,
        /// The serialiser's message.
        message: String,
    },
}
