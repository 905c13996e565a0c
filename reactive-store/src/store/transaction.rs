//! Changing a store: transactions, applied snapshots and patches, undo, redo, jumps, groups.
//!
//! Every change goes through the same pipeline:
//!
//! 1. copy the current state (cheap: it shares its structure) and let the closure change the
//!    copy; an error or a panic drops the copy, so the store is untouched;
//! 2. diff the copy against the current state into patches (nothing changed: stop here);
//! 3. run the validators (transactions only), then each middleware's `before_commit`;
//! 4. publish in one reactive batch: the new snapshot, the history position, and the
//!    selections the patches touch; effects run once, after the batch;
//! 5. run each middleware's `after_commit`.

use std::cell::{Cell, RefCell};
use std::convert::Infallible;
use std::rc::Rc;
use std::sync::Arc;

use reactive_core::batch;

use super::history::Record;
use super::validate::{Violations, affected_instances};
use super::{Commit, CommitKind, Inner, Proposal, Store, StoreError, ValidationError};
use reactive_state::Path;
use reactive_state::Snapshot;
use reactive_state::{Diff, State, node_at, node_at_mut};
use reactive_state::{Patch, PatchError};

/// A transaction being set up: a label for the history and middleware, and whether it makes an
/// undo step. Made by [`Store::transaction`].
///
/// ```
/// use reactive_store::Store;
/// let store = Store::new(0);
/// store.transaction("select item").without_history().update(|n| *n = 3)?;
/// assert!(!store.history_status().can_undo);
/// # Ok::<(), reactive_store::StoreError>(())
/// ```
#[must_use = "a transaction does nothing until `update` or `try_update` is called"]
pub struct Transaction<S: 'static> {
    store: Store<S>,
    label: Arc<str>,
    record: Record,
}

impl<S: State> Store<S> {
    /// Starts setting up a transaction labelled `label`.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(0);
    /// assert_eq!(store.transaction("inc").update(|n| *n += 1)?.label(), "inc");
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn transaction(&self, label: &str) -> Transaction<S> {
        Transaction {
            store: *self,
            label: Arc::from(label),
            record: Record::Step,
        }
    }

    /// Runs a transaction labelled `"update"`: `f` changes a copy of the state, which is then
    /// validated and committed as one change (one undo step, one reactive batch).
    ///
    /// If `f` panics, the panic propagates and the state is unchanged.
    ///
    /// # Errors
    /// [`StoreError`]: invalid state, veto, disposed store, a transaction already running
    /// on this store. The state is then unchanged.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(vec![1]);
    /// let commit = store.update(|v| v.push(2))?;
    /// assert_eq!(commit.patches().len(), 1);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn update(&self, f: impl FnOnce(&mut S)) -> Result<Commit<S>, StoreError> {
        self.transaction("update").update(f)
    }

    /// Runs a transaction on the value at `path` only, which must be a `T`: `f` changes it in
    /// place and only it is compared afterwards, so the cost follows the depth of `path`, not
    /// the size of the state — the fast path for a hot edit in a large state (a diff of the
    /// whole state walks every leaf chunk of a large `imbl::Vector`).
    ///
    /// # Errors
    /// [`StoreError::Patch`] with [`PatchError::NoSuchPath`] if nothing is at `path`; as
    /// [`update`](Store::update) otherwise.
    ///
    /// # Panics
    /// If the value at `path` is not a `T` (the message names the path and the type).
    ///
    /// ```
    /// use reactive_store::{path, Patch, Store};
    /// let store = Store::new(vec![vec![1u32, 2], vec![3]]);
    /// let commit = store.update_at(path!([0][1]), |n: &mut u32| *n += 40)?;
    /// assert_eq!(commit.patches(), [Patch::replace(path!([0][1]), 2.into(), 42.into())]);
    /// assert!(store.update_at(path!([5]), |_: &mut Vec<u32>| {}).is_err());
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    #[track_caller]
    pub fn update_at<T: State>(
        &self,
        path: Path,
        f: impl FnOnce(&mut T),
    ) -> Result<Commit<S>, StoreError> {
        self.transaction("update").update_at(path, f)
    }

    /// Runs a transaction whose closure may fail: an `Err` aborts it, leaving the state
    /// unchanged, and is returned as [`StoreError::Aborted`].
    ///
    /// # Errors
    /// As [`update`](Store::update), plus `Aborted`.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(5u32);
    /// let (old, _) = store.try_update(|n| {
    ///     let old = *n;
    ///     *n = n.checked_sub(1).ok_or("underflow")?;
    ///     Ok::<_, &str>(old)
    /// })?;
    /// assert_eq!(old, 5);
    /// # Ok::<(), reactive_store::StoreError<&str>>(())
    /// ```
    pub fn try_update<R, E>(
        &self,
        f: impl FnOnce(&mut S) -> Result<R, E>,
    ) -> Result<(R, Commit<S>), StoreError<E>> {
        self.transaction("update").try_update(f)
    }

    /// Makes the state equal to `incoming` (a snapshot read from a file, a server, another
    /// store), writing only what differs: the patches are the diff, and the new state shares
    /// every unchanged part with the current one. Validated and undoable like a transaction.
    ///
    /// # Errors
    /// As [`update`](Store::update).
    ///
    /// ```
    /// use reactive_store::{Snapshot, Store};
    /// let store = Store::new(vec![1, 2, 3]);
    /// let saved = Snapshot::<Vec<i32>>::from_json("[1, 2, 4]").unwrap();
    /// let commit = store.apply_snapshot(&saved)?;
    /// assert_eq!(commit.patches().len(), 1); // only the last element was written
    /// assert_eq!(*store.snapshot_untracked(), [1, 2, 4]);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn apply_snapshot(&self, incoming: &S) -> Result<Commit<S>, StoreError> {
        let label = Arc::from("apply snapshot");
        run(
            *self,
            label,
            CommitKind::ApplySnapshot,
            Record::Step,
            |draft| {
                let patches = Diff::patches(incoming, draft)?;
                for p in &patches {
                    draft.apply_patch(p)?;
                }
                if draft != incoming {
                    // A hand-written `State` whose diff and apply disagree: still end up equal.
                    *draft = incoming.clone();
                }
                Ok(())
            },
        )
        .map(|((), c)| c)
        .map_err(patch_error)
    }

    /// Applies patches in order as one transaction (for example, patches received from
    /// another process, or the inverse of a commit's patches).
    ///
    /// # Errors
    /// [`StoreError::Patch`] if a patch does not apply (the state is then unchanged), or
    /// as [`update`](Store::update).
    ///
    /// ```
    /// use reactive_store::{invert, Store};
    /// let store = Store::new(vec![1, 2]);
    /// let commit = store.update(|v| v.push(3))?;
    /// store.apply_patches(&invert(commit.patches()))?;
    /// assert_eq!(*store.snapshot_untracked(), [1, 2]);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn apply_patches(&self, patches: &[Patch]) -> Result<Commit<S>, StoreError> {
        let label = Arc::from("apply patches");
        run(
            *self,
            label,
            CommitKind::ApplyPatches,
            Record::Step,
            |draft| patches.iter().try_for_each(|p| draft.apply_patch(p)),
        )
        .map(|((), c)| c)
        .map_err(patch_error)
    }

    /// Commits `patches`, which describe a change exactly, **without diffing** the state: for
    /// a caller that already knows what changed (a synced document's remote update, a
    /// replayed change). The patches are applied in order to a copy of the state and become
    /// the commit's patches as given; the commit is then validated, shown to middleware (which
    /// may veto it), recorded as one undo step and published in one batch, like
    /// [`apply_patches`](Store::apply_patches). Its kind is [`CommitKind::ApplyPatches`].
    ///
    /// The cost follows the patches, not the state: [`apply_patches`](Store::apply_patches)
    /// diffs the whole new state against the old one to find the real changes (and the `old`
    /// values), which on a large state costs more than the change itself.
    ///
    /// What the caller vouches for, since nothing is recomputed: the patches are the change
    /// (a patch that writes the value already there still counts, and still notifies the
    /// selections at its path), and their `old` values are kept as given (give them if the
    /// commit's patches are to be inverted with [`invert`](crate::invert); undo does not need
    /// them, it restores snapshots). An empty list commits nothing (`seq` 0).
    ///
    /// # Errors
    /// [`StoreError::Patch`] if a patch does not apply (the state is then unchanged), or as
    /// [`update`](Store::update): a validator, a middleware's veto, a disposed store, a
    /// transaction already running.
    ///
    /// ```
    /// use reactive_store::{path, Patch, Store};
    /// let store = Store::new(vec![1, 2]);
    /// let commit = store.commit_patches(vec![Patch::replace(path!([1]), 2.into(), 5.into())])?;
    /// assert_eq!(commit.patches(), [Patch::replace(path!([1]), 2.into(), 5.into())]);
    /// assert_eq!(*store.snapshot_untracked(), [1, 5]);
    /// store.undo()?;
    /// assert_eq!(*store.snapshot_untracked(), [1, 2]);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn commit_patches(&self, patches: Vec<Patch>) -> Result<Commit<S>, StoreError> {
        // Applied by the first closure, then handed over whole as the commit's patches.
        let given = RefCell::new(patches);
        run_with(
            *self,
            Arc::from("apply patches"),
            CommitKind::ApplyPatches,
            Record::Step,
            |draft| given.borrow().iter().try_for_each(|p| draft.apply_patch(p)),
            |_, _| Ok(given.take()),
        )
        .map(|((), c)| c)
        .map_err(patch_error)
    }

    /// Goes back one step. `Ok(None)` when there is nothing to undo.
    ///
    /// # Errors
    /// [`StoreError::GroupOpen`] inside [`group`](Store::group); a middleware's veto;
    /// [`StoreError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(0);
    /// store.update(|n| *n = 1)?;
    /// assert_eq!(**store.undo()?.unwrap().after(), 0);
    /// assert!(store.undo()?.is_none());
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn undo(&self) -> Result<Option<Commit<S>>, StoreError> {
        let inner = self.try_inner()?;
        let cursor = inner.history.borrow().cursor();
        if cursor == 0 {
            return self.check_group(&inner).map(|()| None);
        }
        let label = step_label(&inner, cursor);
        move_to(
            &inner,
            cursor - 1,
            CommitKind::Undo,
            format!("undo {label}"),
        )
        .map(Some)
    }

    /// Goes forward one step after an undo. `Ok(None)` when there is nothing to redo.
    ///
    /// # Errors
    /// As [`undo`](Store::undo).
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(0);
    /// store.update(|n| *n = 1)?;
    /// store.undo()?;
    /// assert_eq!(**store.redo()?.unwrap().after(), 1);
    /// assert!(store.redo()?.is_none());
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn redo(&self) -> Result<Option<Commit<S>>, StoreError> {
        let inner = self.try_inner()?;
        let (cursor, len) = {
            let h = inner.history.borrow();
            (h.cursor(), h.len())
        };
        if cursor + 1 >= len {
            return self.check_group(&inner).map(|()| None);
        }
        let label = step_label(&inner, cursor + 1);
        move_to(
            &inner,
            cursor + 1,
            CommitKind::Redo,
            format!("redo {label}"),
        )
        .map(Some)
    }

    /// Time travel: makes step `index` of [`history`](Store::history) the current state.
    /// Later steps stay available to jump or redo to, until the next transaction.
    ///
    /// # Errors
    /// [`StoreError::NoSuchStep`], or as [`undo`](Store::undo).
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(0);
    /// for i in 1..=3 { store.update(|n| *n = i)?; }
    /// store.jump_to(1)?;
    /// assert_eq!(*store.snapshot_untracked(), 1);
    /// store.jump_to(3)?;
    /// assert_eq!(*store.snapshot_untracked(), 3);
    /// assert!(store.jump_to(9).is_err());
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn jump_to(&self, index: usize) -> Result<Commit<S>, StoreError> {
        let inner = self.try_inner()?;
        let len = inner.history.borrow().len();
        if index >= len {
            return Err(StoreError::NoSuchStep { index, len });
        }
        let label = step_label(&inner, index);
        move_to(&inner, index, CommitKind::Jump, format!("jump to {label}"))
    }

    /// Runs `f`, folding every transaction it commits on this store into one undo step labelled
    /// `label` (a drag made of many moves, a "replace all"). Groups nest: the outermost one
    /// makes the step. When it ends, the step's patches are recomputed as one diff.
    ///
    /// # Panics
    /// If the store was disposed.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(0);
    /// store.group("drag", || {
    ///     for x in 1..=10 {
    ///         store.update(|n| *n = x).unwrap();
    ///     }
    /// });
    /// let steps = store.history();
    /// assert_eq!((steps.len(), steps[1].label.as_ref(), steps[1].patches.len()), (2, "drag", 1));
    /// store.undo()?;
    /// assert_eq!(*store.snapshot_untracked(), 0);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    #[track_caller]
    pub fn group<R>(&self, label: &str, f: impl FnOnce() -> R) -> R {
        let inner = self.inner();
        inner.history.borrow_mut().open_group(label);
        let _close = CloseGroup(&inner);
        f()
    }

    fn check_group(&self, inner: &Inner<S>) -> Result<(), StoreError> {
        match inner.history.borrow().group_open() {
            true => Err(StoreError::GroupOpen),
            false => Ok(()),
        }
    }
}

impl<S: State> Transaction<S> {
    /// Makes no undo step: the change is folded into the current step, so undoing that step
    /// undoes this change too. For state that should not be undone on its own (a selection, a
    /// scroll position). Like any change, it clears the redo steps.
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new((0, 0));
    /// store.update(|s| s.0 = 1)?;
    /// store.transaction("scroll").without_history().update(|s| s.1 = 50)?;
    /// assert_eq!(store.history().len(), 2);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn without_history(mut self) -> Self {
        self.record = Record::Amend;
        self
    }

    /// Runs the transaction; see [`Store::update`].
    ///
    /// # Errors
    /// As [`Store::update`].
    ///
    /// ```
    /// use reactive_store::Store;
    /// let store = Store::new(1);
    /// store.transaction("double").update(|n| *n *= 2)?;
    /// assert_eq!(*store.snapshot_untracked(), 2);
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    pub fn update(self, f: impl FnOnce(&mut S)) -> Result<Commit<S>, StoreError> {
        self.try_update(|s| {
            f(s);
            Ok::<(), Infallible>(())
        })
        .map(|((), c)| c)
    }

    /// Runs the transaction on the value at `path`; see [`Store::update_at`].
    ///
    /// # Errors
    /// As [`Store::update_at`].
    ///
    /// # Panics
    /// As [`Store::update_at`].
    ///
    /// ```
    /// use reactive_store::{path, Store};
    /// let store = Store::new((String::from("a"), 1u8));
    /// let c = store.transaction("rename").update_at(path!([0]), |s: &mut String| s.push('b'))?;
    /// assert_eq!((c.label(), c.patches().len()), ("rename", 1));
    /// # Ok::<(), reactive_store::StoreError>(())
    /// ```
    #[track_caller]
    pub fn update_at<T: State>(
        self,
        path: Path,
        f: impl FnOnce(&mut T),
    ) -> Result<Commit<S>, StoreError> {
        let at = std::panic::Location::caller();
        let mismatch = move |path: &Path, found: &str| -> ! {
            panic!(
                "{}",
                super::error::wrong_type_message(
                    &format!("update_at({path})"),
                    at,
                    std::any::type_name::<T>(),
                    found
                )
            )
        };
        let missing = |path: &Path| PatchError::NoSuchPath { path: path.clone() };
        let segments = path.segments().to_vec();
        let target = path.clone();
        run_with(
            self.store,
            self.label,
            CommitKind::Transaction,
            self.record,
            |draft: &mut S| {
                let node = node_at_mut(draft, &segments).ok_or_else(|| missing(&target))?;
                let found = node.type_name();
                let value = (node as &mut dyn std::any::Any)
                    .downcast_mut::<T>()
                    .unwrap_or_else(|| mismatch(&target, found));
                f(value);
                Ok::<(), PatchError>(())
            },
            |new: &S, old: &S| {
                let (Some(n), Some(o)) =
                    (node_at(new, path.segments()), node_at(old, path.segments()))
                else {
                    return Diff::patches(new, old);
                };
                let (Some(n), Some(o)) = (
                    (n as &dyn std::any::Any).downcast_ref::<T>(),
                    (o as &dyn std::any::Any).downcast_ref::<T>(),
                ) else {
                    return Diff::patches(new, old);
                };
                let mut out = Vec::new();
                let mut cx = Diff::at(path.clone(), &mut out);
                n.diff(o, &mut cx);
                cx.finish().map(|()| out)
            },
        )
        .map(|((), c)| c)
        .map_err(patch_error)
    }

    /// Runs the transaction with a fallible closure; see [`Store::try_update`].
    ///
    /// # Errors
    /// As [`Store::try_update`].
    ///
    /// ```
    /// use reactive_store::{Store, StoreError};
    /// let store = Store::new(1);
    /// let r = store.transaction("fail").try_update(|_| Err::<(), _>("no"));
    /// assert_eq!(r.unwrap_err(), StoreError::Aborted("no"));
    /// ```
    pub fn try_update<R, E>(
        self,
        f: impl FnOnce(&mut S) -> Result<R, E>,
    ) -> Result<(R, Commit<S>), StoreError<E>> {
        run(
            self.store,
            self.label,
            CommitKind::Transaction,
            self.record,
            f,
        )
    }
}

/// A patch error from an apply closure is a [`StoreError::Patch`], not an abort.
fn patch_error(e: StoreError<PatchError>) -> StoreError {
    e.map_aborted(StoreError::Patch)
}

fn step_label<S>(inner: &Inner<S>, index: usize) -> Arc<str> {
    inner
        .history
        .borrow()
        .step(index)
        .map_or_else(|| Arc::from(""), |(_, label)| label)
}

/// Marks the store busy for the duration of a transaction; cleared on drop, also on unwind.
struct Busy<'a>(&'a Cell<bool>);

impl<'a> Busy<'a> {
    fn enter(flag: &'a Cell<bool>) -> Option<Busy<'a>> {
        match flag.replace(true) {
            true => None,
            false => Some(Busy(flag)),
        }
    }
}

impl Drop for Busy<'_> {
    fn drop(&mut self) {
        self.0.set(false);
    }
}

/// The transaction pipeline (see the module docs), diffing the whole state.
fn run<S: State, R, E>(
    store: Store<S>,
    label: Arc<str>,
    kind: CommitKind,
    record: Record,
    f: impl FnOnce(&mut S) -> Result<R, E>,
) -> Result<(R, Commit<S>), StoreError<E>> {
    run_with(store, label, kind, record, f, |new, old| {
        Diff::patches(new, old)
    })
}

/// The transaction pipeline, with the diff given (whole state, or one path).
fn run_with<S: State, R, E>(
    store: Store<S>,
    label: Arc<str>,
    kind: CommitKind,
    record: Record,
    f: impl FnOnce(&mut S) -> Result<R, E>,
    diff: impl FnOnce(&S, &S) -> Result<Vec<Patch>, PatchError>,
) -> Result<(R, Commit<S>), StoreError<E>> {
    let inner = store.try_inner().map_err(StoreError::widen)?;
    let busy = Busy::enter(&inner.busy).ok_or(StoreError::Reentrant)?;
    let before = inner
        .snapshot
        .try_get_untracked()
        .map_err(|_| StoreError::Disposed)?;
    let mut draft = S::clone(&before);
    let value = f(&mut draft).map_err(StoreError::Aborted)?;
    let patches = diff(&draft, &before)?;
    if patches.is_empty() {
        let commit = Commit {
            seq: 0,
            label,
            kind,
            after: before.clone(),
            before,
            patches: Arc::from([]),
        };
        return Ok((value, commit));
    }
    let after = Snapshot::new(draft);
    validate(&inner, &after, &patches).map_err(StoreError::Invalid)?;
    let commit = publish(&inner, busy, label, kind, record, before, after, patches)
        .map_err(StoreError::widen)?;
    Ok((value, commit))
}

/// Runs every validator on the new state; all violations are collected.
fn validate<S: State>(
    inner: &Inner<S>,
    after: &S,
    patches: &[Patch],
) -> Result<(), ValidationError> {
    let (validators, path_validators) = {
        let hooks = inner.hooks.borrow();
        (hooks.validators.clone(), hooks.path_validators.clone())
    };
    let mut violations = Vec::new();
    for (_, validator) in validators.iter() {
        let mut found = Violations::at(Path::root());
        validator(after, &mut found);
        violations.extend(found.into_vec());
    }
    for (_, validator) in path_validators.iter() {
        for path in affected_instances(&validator.pattern, after, patches) {
            if let Some(node) = node_at(after, path.segments()) {
                let mut found = Violations::at(path);
                (validator.check)(node, &mut found);
                violations.extend(found.into_vec());
            }
        }
    }
    match violations.is_empty() {
        true => Ok(()),
        false => Err(ValidationError { violations }),
    }
}

/// Moves to history step `index`: publishes its snapshot.
fn move_to<S: State>(
    inner: &Rc<Inner<S>>,
    index: usize,
    kind: CommitKind,
    label: String,
) -> Result<Commit<S>, StoreError> {
    let busy = Busy::enter(&inner.busy).ok_or(StoreError::Reentrant)?;
    let target = {
        let h = inner.history.borrow();
        if h.group_open() {
            return Err(StoreError::GroupOpen);
        }
        h.step(index).map(|(snapshot, _)| snapshot)
    };
    let len = inner.history.borrow().len();
    let target = target.ok_or(StoreError::NoSuchStep { index, len })?;
    let before = inner
        .snapshot
        .try_get_untracked()
        .map_err(|_| StoreError::Disposed)?;
    let patches = Diff::patches(&*target, &*before)?;
    let label = Arc::from(label);
    publish(
        inner,
        busy,
        label,
        kind,
        Record::MoveTo(index),
        before,
        target,
        patches,
    )
}

/// Steps 3 (middleware) to 5 of the pipeline.
#[allow(clippy::too_many_arguments)] // the parts of one commit, passed once from two callers
fn publish<S: State>(
    inner: &Rc<Inner<S>>,
    busy: Busy<'_>,
    label: Arc<str>,
    kind: CommitKind,
    record: Record,
    before: Snapshot<S>,
    after: Snapshot<S>,
    patches: Vec<Patch>,
) -> Result<Commit<S>, StoreError> {
    let middleware = inner.hooks.borrow().middleware.clone();
    let proposal = Proposal {
        label: &label,
        kind,
        before: &before,
        after: &after,
        patches: &patches,
    };
    for (_, m) in middleware.iter() {
        m.before_commit(&proposal).map_err(StoreError::Vetoed)?;
    }
    let seq = inner.seq.get() + 1;
    inner.seq.set(seq);
    let commit = Commit {
        seq,
        label,
        kind,
        before,
        after,
        patches: patches.into(),
    };
    let status = {
        let mut history = inner.history.borrow_mut();
        history.record(record, &commit.label, &commit.after, &commit.patches);
        history.status()
    };
    let mut triggers = Vec::new();
    inner
        .watchers
        .borrow()
        .affected(&commit.patches, &mut triggers);
    // Effects run when the batch ends; they may start transactions of their own.
    drop(busy);
    batch(|| {
        inner.snapshot.set(commit.after.clone());
        inner.status.set_if_changed(status);
        for t in triggers {
            if !t.is_disposed() {
                t.notify();
            }
        }
    });
    for (_, m) in middleware.iter().rev() {
        m.after_commit(&commit);
    }
    Ok(commit)
}

/// Closes a [`Store::group`] level, also on unwind, and recomputes the group step's patches.
struct CloseGroup<'a, S: State>(&'a Rc<Inner<S>>);

impl<S: State> Drop for CloseGroup<'_, S> {
    fn drop(&mut self) {
        let Ok(mut history) = self.0.history.try_borrow_mut() else {
            return;
        };
        let closed = history.close_group();
        drop(history);
        if std::thread::panicking() {
            return;
        }
        if let Some((index, before, after)) = closed {
            compact(self.0, index, &before, &after);
        }
    }
}

/// Replaces the patches of a closed group's step with one diff (user `Serialize` code runs
/// here, with nothing borrowed).
fn compact<S: State>(inner: &Inner<S>, index: usize, before: &Snapshot<S>, after: &Snapshot<S>) {
    let Ok(patches) = Diff::patches(&**after, &**before) else {
        return;
    };
    let status = {
        let Ok(mut h) = inner.history.try_borrow_mut() else {
            return;
        };
        h.set_patches(index, after, patches);
        h.status()
    };
    inner.status.set_if_changed(status);
}
