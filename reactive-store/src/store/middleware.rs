//! Interception of commits: the [`Middleware`] trait, what it sees ([`Proposal`], [`Commit`]),
//! and the kinds of commit ([`CommitKind`]).

use std::fmt;
use std::sync::Arc;

use crate::veto::Veto;
use reactive_state::Patch;
use reactive_state::Snapshot;

/// What made a commit.
///
/// ```
/// use reactive_store::{CommitKind, Store};
/// let store = Store::new(0);
/// assert_eq!(store.update(|n| *n = 1)?.kind(), CommitKind::Transaction);
/// assert_eq!(store.apply_snapshot(&2)?.kind(), CommitKind::ApplySnapshot);
/// assert_eq!(store.jump_to(0)?.kind(), CommitKind::Jump);
/// # Ok::<(), reactive_store::StoreError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommitKind {
    /// A transaction ([`Store::update`](crate::Store::update) and friends).
    Transaction,
    /// [`Store::undo`](crate::Store::undo).
    Undo,
    /// [`Store::redo`](crate::Store::redo).
    Redo,
    /// [`Store::jump_to`](crate::Store::jump_to).
    Jump,
    /// [`Store::apply_snapshot`](crate::Store::apply_snapshot).
    ApplySnapshot,
    /// [`Store::apply_patches`](crate::Store::apply_patches) or
    /// [`Store::commit_patches`](crate::Store::commit_patches).
    ApplyPatches,
}

/// A change about to be committed, as a middleware sees it: validated, not yet visible.
///
/// ```
/// use reactive_store::{CommitKind, Middleware, Proposal, Store, Veto};
/// struct OnlyGrow;
/// impl Middleware<Vec<u8>> for OnlyGrow {
///     fn before_commit(&self, p: &Proposal<'_, Vec<u8>>) -> Result<(), Veto> {
///         match p.kind == CommitKind::Transaction && p.after.len() < p.before.len() {
///             true => Err(Veto::new("only-grow", format!("{} would shrink ({} patches)", p.label, p.patches.len()))),
///             false => Ok(()),
///         }
///     }
/// }
/// let store = Store::new(vec![1]);
/// store.add_middleware(OnlyGrow);
/// assert!(store.update(|v| v.push(2)).is_ok());
/// assert!(store.update(|v| v.clear()).is_err());
/// ```
#[derive(Debug)]
pub struct Proposal<'a, S> {
    /// The transaction's label.
    pub label: &'a str,
    /// What made it.
    pub kind: CommitKind,
    /// The current state.
    pub before: &'a Snapshot<S>,
    /// The state it would become.
    pub after: &'a Snapshot<S>,
    /// The patches from `before` to `after`.
    pub patches: &'a [Patch],
}

/// A committed change: the states before and after, and the patches between them.
///
/// ```
/// use reactive_store::{path, CommitKind, Patch, Store};
/// let store = Store::new(vec![1]);
/// let commit = store.transaction("push").update(|v| v.push(2))?;
/// assert_eq!(commit.label(), "push");
/// assert_eq!(commit.kind(), CommitKind::Transaction);
/// assert_eq!(commit.patches(), [Patch::add(path!([1]), 2.into())]);
/// assert_eq!((commit.before().len(), commit.after().len()), (1, 2));
/// # Ok::<(), reactive_store::StoreError>(())
/// ```
pub struct Commit<S> {
    pub(crate) seq: u64,
    pub(crate) label: Arc<str>,
    pub(crate) kind: CommitKind,
    pub(crate) before: Snapshot<S>,
    pub(crate) after: Snapshot<S>,
    pub(crate) patches: Arc<[Patch]>,
}

impl<S> Commit<S> {
    /// The commit's number in this store (0 for a transaction that changed nothing).
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(0);
    /// assert_eq!(store.update(|n| *n += 1)?.seq(), 1);
    /// assert_eq!(store.update(|_| {})?.seq(), 0);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The label given to the transaction.
    ///
    /// ```
    /// use reactive_store::Store;
    /// assert_eq!(Store::new(0).update(|n| *n = 1)?.label(), "update");
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn label(&self) -> &str {
        &self.label
    }

    /// What made the commit.
    ///
    /// ```
    /// use reactive_store::{CommitKind, Store};
    /// let store = Store::new(0);
    /// store.update(|n| *n = 1)?;
    /// assert_eq!(store.undo()?.unwrap().kind(), CommitKind::Undo);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn kind(&self) -> CommitKind {
        self.kind
    }

    /// The state before.
    ///
    /// ```
    /// use reactive_store::Store;
    /// assert_eq!(**Store::new(0).update(|n| *n = 1)?.before(), 0);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn before(&self) -> &Snapshot<S> {
        &self.before
    }

    /// The state after.
    ///
    /// ```
    /// use reactive_store::Store;
    /// assert_eq!(**Store::new(0).update(|n| *n = 1)?.after(), 1);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn after(&self) -> &Snapshot<S> {
        &self.after
    }

    /// The patches from before to after, in the order they apply.
    ///
    /// ```
    /// use reactive_store::Store;
    /// assert_eq!(Store::new(0).update(|n| *n = 1)?.patches().len(), 1);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn patches(&self) -> &[Patch] {
        &self.patches
    }

    /// Whether nothing changed (nothing was published, no history step was made).
    ///
    /// ```
    /// use reactive_store::Store;
    /// assert!(Store::new(0).update(|n| *n = 0)?.is_empty());
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn is_empty(&self) -> bool {
        self.patches.is_empty()
    }
}

impl<S> Clone for Commit<S> {
    fn clone(&self) -> Self {
        Commit {
            seq: self.seq,
            label: self.label.clone(),
            kind: self.kind,
            before: self.before.clone(),
            after: self.after.clone(),
            patches: self.patches.clone(),
        }
    }
}

impl<S> fmt::Debug for Commit<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Commit")
            .field("seq", &self.seq)
            .field("label", &self.label)
            .field("kind", &self.kind)
            .field("patches", &self.patches)
            .finish_non_exhaustive()
    }
}

/// Code that runs around every commit of a store, like MobX-State-Tree middleware: logging,
/// extra checks, vetoes, persistence, devtools.
///
/// `before_commit` runs for each middleware in registration order once the transaction has run
/// and its result is valid; the first `Err` cancels the commit (the state stays as it was) and
/// the caller gets [`StoreError::Vetoed`](crate::StoreError::Vetoed).
/// `after_commit` runs in reverse order once the new state is visible and effects have run.
///
/// A middleware must not start a transaction on the same store from `before_commit` (that is
/// reported as [`StoreError::Reentrant`](crate::StoreError::Reentrant)); from
/// `after_commit` it may.
///
/// ```
/// use reactive_store::{Commit, Middleware, Proposal, Store, StoreError, Veto};
/// use std::{cell::RefCell, rc::Rc};
///
/// struct ReadOnly;
/// impl Middleware<u32> for ReadOnly {
///     fn before_commit(&self, p: &Proposal<'_, u32>) -> Result<(), Veto> {
///         if p.label == "reset" { Err(Veto::new("read-only", "no resets")) } else { Ok(()) }
///     }
/// }
///
/// struct Logger(Rc<RefCell<Vec<String>>>);
/// impl Middleware<u32> for Logger {
///     fn after_commit(&self, c: &Commit<u32>) {
///         self.0.borrow_mut().push(format!("{}: {} -> {}", c.label(), **c.before(), **c.after()));
///     }
/// }
///
/// let store = Store::new(1u32);
/// let log = Rc::new(RefCell::new(Vec::new()));
/// store.add_middleware(ReadOnly);
/// store.add_middleware(Logger(log.clone()));
/// store.transaction("double").update(|n| *n *= 2)?;
/// let err = store.transaction("reset").update(|n| *n = 0).unwrap_err();
/// assert!(matches!(err, StoreError::Vetoed(_)));
/// assert_eq!(*log.borrow(), ["double: 1 -> 2"]);
/// # Ok::<(), StoreError>(())
/// ```
pub trait Middleware<S>: 'static {
    /// Inspects a proposed commit; `Err` cancels it.
    ///
    /// # Errors
    /// The middleware's [`Veto`].
    fn before_commit(&self, proposal: &Proposal<'_, S>) -> Result<(), Veto> {
        let _ = proposal;
        Ok(())
    }

    /// Sees a commit once it is visible.
    fn after_commit(&self, commit: &Commit<S>) {
        let _ = commit;
    }
}

/// A middleware made of an `after_commit` closure ([`Store::on_commit`](crate::Store::on_commit)).
pub(crate) struct OnCommit<F>(pub F);

impl<S, F: Fn(&Commit<S>) + 'static> Middleware<S> for OnCommit<F> {
    fn after_commit(&self, commit: &Commit<S>) {
        (self.0)(commit)
    }
}
