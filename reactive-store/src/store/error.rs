//! [`StoreError`]: why a change to a store did not happen; [`ReadAtError`]: why a typed read
//! at a path found nothing of the type asked for.

use std::convert::Infallible;

use crate::store::validate::ValidationError;
use crate::veto::Veto;
use reactive_state::{MigrationError, PatchError, Path};

/// Why a transaction (or an undo, redo, jump, or applied snapshot) was not committed. In every
/// case the state is exactly as it was before.
///
/// `E` is the error type of the transaction's own closure ([`Store::try_update`]); it is
/// [`Infallible`] for closures that cannot fail.
///
/// [`Store::try_update`]: crate::Store::try_update
///
/// ```
/// use reactive_store::{Store, StoreError};
///
/// let store = Store::new(10u32);
/// let result = store.try_update(|n| {
///     *n -= 3;
///     if *n < 8 { return Err("too low") }
///     Ok(())
/// });
/// assert!(matches!(result, Err(StoreError::Aborted("too low"))));
/// assert_eq!(*store.snapshot_untracked(), 10); // unchanged
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError<E = Infallible> {
    /// The transaction's closure returned an error.
    #[error("the transaction was aborted: {0}")]
    Aborted(E),
    /// The new state broke validation rules; every violation is listed.
    #[error(transparent)]
    Invalid(ValidationError),
    /// A middleware refused the change.
    #[error(transparent)]
    Vetoed(Veto),
    /// A patch could not be encoded (diffing) or applied ([`Store::apply_patches`]).
    ///
    /// [`Store::apply_patches`]: crate::Store::apply_patches
    #[error(transparent)]
    Patch(PatchError),
    /// A transaction on this store was started while another one was running on it (from its
    /// closure, a validator or a middleware). Its changes would have been lost when the outer
    /// one committed.
    #[error(
        "a transaction on this store was started while another was running on it (from its closure, a validator or a middleware)"
    )]
    Reentrant,
    /// A saved snapshot could not be read or brought to the current schema version
    /// ([`Store::restore_json`](crate::Store::restore_json)).
    #[error(transparent)]
    Migration(MigrationError),
    /// The store was disposed.
    #[error("the store was disposed")]
    Disposed,
    /// Undo, redo or jump was called inside [`Store::group`](crate::Store::group).
    #[error("cannot move in history while an undo group is open")]
    GroupOpen,
    /// [`Store::jump_to`](crate::Store::jump_to) an index past the history.
    #[error("no history step {index} (the history has {len} steps)")]
    NoSuchStep {
        /// The index asked for.
        index: usize,
        /// The number of steps.
        len: usize,
    },
}

impl StoreError<Infallible> {
    /// The same error, typed for a closure error type `F` (it cannot be `Aborted`).
    pub(crate) fn widen<F>(self) -> StoreError<F> {
        self.map_aborted(|never| match never {})
    }
}

impl<E> StoreError<E> {
    /// The same error with an `Aborted` turned into another error by `f`.
    pub(crate) fn map_aborted<F>(self, f: impl FnOnce(E) -> StoreError<F>) -> StoreError<F> {
        match self {
            StoreError::Aborted(e) => f(e),
            StoreError::Invalid(v) => StoreError::Invalid(v),
            StoreError::Vetoed(v) => StoreError::Vetoed(v),
            StoreError::Patch(p) => StoreError::Patch(p),
            StoreError::Reentrant => StoreError::Reentrant,
            StoreError::Migration(m) => StoreError::Migration(m),
            StoreError::Disposed => StoreError::Disposed,
            StoreError::GroupOpen => StoreError::GroupOpen,
            StoreError::NoSuchStep { index, len } => StoreError::NoSuchStep { index, len },
        }
    }
}

impl<E> From<PatchError> for StoreError<E> {
    fn from(e: PatchError) -> Self {
        StoreError::Patch(e)
    }
}

/// Why [`Store::get_at_untracked`](crate::Store::get_at_untracked) returned no value.
///
/// ```
/// use reactive_store::{path, ReadAtError, Store};
/// let store = Store::new(vec![String::from("a")]);
/// let err = store.get_at_untracked::<u32>(&path!([0])).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "the value at /0 is a `alloc::string::String`, not the `u32` asked for"
/// );
/// assert!(matches!(store.get_at_untracked::<String>(&path!([5])), Err(ReadAtError::NoSuchPath { .. })));
/// ```
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReadAtError {
    /// Nothing is at the path (a missing field or element, a `None` option).
    #[error("nothing at {path}")]
    NoSuchPath {
        /// The path read.
        path: Path,
    },
    /// The value at the path is of another type than the one asked for.
    #[error("the value at {path} is a `{found}`, not the `{expected}` asked for")]
    WrongType {
        /// The path read.
        path: Path,
        /// The type asked for ([`std::any::type_name`]).
        expected: &'static str,
        /// The type of the value there ([`Node::type_name`](reactive_state::Node::type_name)).
        found: &'static str,
    },
    /// The store was disposed.
    #[error("the store was disposed")]
    Disposed,
}

/// The panic message of a typed access at a path that found a value of another type:
/// `what` (`select_at(/a/b)`, …) at `at` expects `expected`, but the value is a `found`.
pub(crate) fn wrong_type_message(
    what: &str,
    at: &std::panic::Location<'_>,
    expected: &str,
    found: &str,
) -> String {
    format!(
        "reactive-store: {what} at {at} expects a `{expected}`, but the value there is a `{found}`"
    )
}
