//! Running a computation (a memo's or an effect's body), with tracking, ownership and recovery
//! from panics.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::rc::Rc;

use std::time::Instant;

use std::cell::RefMut;

use super::{Caller, Compute, Engine, Graph, NodeId, NodeKind, flags};
use crate::error::ReactiveError;
use crate::observer::{RunOutcome, RuntimeEvent};

/// A computation starts on a new stack segment when less than this is left: the room a memo
/// or effect body is guaranteed for itself and for reaching the next nested run.
const STACK_RED_ZONE: usize = 128 * 1024;

/// The size of each new stack segment (a spawned thread's default stack). A nested memo
/// evaluation takes about 1 KiB of stack in release builds.
const STACK_SEGMENT: usize = 2 * 1024 * 1024;

impl Engine {
    /// Runs the computation of `id` now: disposes what its previous run created and runs its
    /// cleanups, re-collects its sources, and (for a memo whose value changed) marks its
    /// subscribers. Returns whether the value changed.
    ///
    /// If the body panics, the panic continues to the caller after the runtime is restored: the
    /// node keeps its previous value and all of its previous sources, a memo is left `FAILED`
    /// (recomputed on its next read) and an effect is left idle until a source changes.
    pub(crate) fn run_computation(&self, id: NodeId) -> bool {
        if self.hooked.get() {
            return self.run_observed(id);
        }
        self.run_plain(id)
    }

    /// [`run_computation`](Self::run_computation) with no observer to tell.
    #[inline(always)]
    fn run_plain(&self, id: NodeId) -> bool {
        match self.run_plain_borrowed::<false>(self.graph.borrow_mut(), id) {
            Started::Ran(changed) => changed,
            Started::NotDirty => false,
        }
    }

    /// Runs the effect `id` that the flush loop just dequeued, in the arena borrow `g` the loop
    /// takes for it: clears `QUEUED`, runs the effect if it is `DIRTY`, and returns whether it
    /// is only `PENDING` (then the caller checks its sources first). One borrow and one lookup
    /// per effect run.
    #[inline(always)]
    pub(crate) fn run_dequeued<'a>(&'a self, g: RefMut<'a, Graph>, id: NodeId) -> bool {
        if self.hooked.get() {
            return self.dequeue_observed(g, id);
        }
        matches!(self.run_plain_borrowed::<true>(g, id), Started::NotDirty)
    }

    /// [`run_dequeued`](Self::run_dequeued) told to the runtime observer.
    #[cold]
    #[inline(never)]
    fn dequeue_observed(&self, mut g: RefMut<'_, Graph>, id: NodeId) -> bool {
        let Some(node) = g.nodes.get_mut(id) else {
            return false;
        };
        node.flags &= !flags::QUEUED;
        let f = node.flags;
        drop(g);
        if f & flags::DIRTY != 0 {
            self.run_observed(id);
            false
        } else {
            f & flags::PENDING != 0
        }
    }

    /// [`run_plain`](Self::run_plain), starting in the arena borrow `g`. With `DEQUEUED`, the
    /// node is an effect just taken from the queue: `QUEUED` is cleared, and it runs only if
    /// `DIRTY` (else [`Started::NotDirty`], when `PENDING`, tells the caller to check).
    ///
    /// The body (and a memo's value) is lent out of the node for the run, and put back by
    /// [`finish_run`](Self::finish_run): inline when the body returns, from [`UnwindGuard`]
    /// when it panics.
    #[inline(always)]
    fn run_plain_borrowed<'a, const DEQUEUED: bool>(
        &'a self,
        mut g: RefMut<'a, Graph>,
        id: NodeId,
    ) -> Started {
        let Some(mut node) = g.nodes.get_mut(id) else {
            return Started::Ran(false);
        };
        if DEQUEUED {
            node.flags &= !flags::QUEUED;
            if node.flags & flags::DIRTY == 0 {
                return if node.flags & flags::PENDING != 0 {
                    Started::NotDirty
                } else {
                    Started::Ran(false)
                };
            }
        }
        if node.flags & flags::COMPUTING != 0 {
            return Started::Ran(false);
        }
        if node.first_child.is_some()
            || node.extras.as_ref().is_some_and(|e| !e.cleanups.is_empty())
        {
            drop(g);
            self.dispose_owned(id);
            g = self.graph.borrow_mut();
            match g.nodes.get_mut(id) {
                Some(n) => node = n,
                None => return Started::Ran(false),
            }
        }
        node.flags = (node.flags
            & !(flags::DIRTY | flags::PENDING | flags::FAILED | flags::QUEUED))
            | flags::COMPUTING;
        node.epoch = node.epoch.wrapping_add(1);
        node.deps_tail = super::NONE;
        let kind = node.kind;
        let mut lent = Lent {
            compute: node.compute.take(),
            // Only a memo has a value to lend its body.
            value: if kind == NodeKind::Memo {
                node.value.take()
            } else {
                None
            },
        };
        drop(g);
        let prev = Prev {
            observer: self.observer.replace(Some(id)),
            owner: self.owner.replace(Some(id)),
            memo: self
                .computing_memo
                .replace((kind == NodeKind::Memo).then_some(id)),
        };
        let guard = UnwindGuard {
            engine: self,
            id,
            kind,
            prev,
            lent: &mut lent,
        };
        let changed = match guard.lent.compute.as_mut() {
            Some(c) => {
                // The first read of a memo runs its closure, which reads its sources, whose
                // first reads run their closures: that recursion is in user code, so no
                // explicit stack can replace it. Instead each run checks the room left (a
                // thread-local load and a compare) and, when it is short, continues on a new
                // heap-allocated segment.
                let value = &mut guard.lent.value;
                stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || c.run(value))
            }
            None => false,
        };
        // The body returned: finish here, inline (the guard only acts on unwind).
        std::mem::forget(guard);
        self.restore(prev);
        self.finish_run(id, kind, lent, true, changed);
        Started::Ran(changed)
    }

    /// Puts back the runtime state a run replaced.
    #[inline(always)]
    fn restore(&self, prev: Prev) {
        self.observer.set(prev.observer);
        self.owner.set(prev.owner);
        self.computing_memo.set(prev.memo);
    }

    /// Ends a run of `id`, whether its body returned (`finished`) or unwound, in one borrow of
    /// the arena: puts the lent body and value back, clears `COMPUTING`, and after a finished
    /// run unlinks the sources it no longer read and (a memo whose value changed) marks its
    /// subscribers. A memo whose body panicked keeps all of its sources and is left `FAILED`.
    #[inline(always)]
    fn finish_run(&self, id: NodeId, kind: NodeKind, lent: Lent, finished: bool, changed: bool) {
        let Ok(mut g) = self.graph.try_borrow_mut() else {
            return;
        };
        let Some(node) = g.nodes.get_mut(id) else {
            // Disposed during its own run: drop the body and value once the arena is released.
            drop(g);
            drop(lent);
            return;
        };
        node.compute = lent.compute;
        if kind == NodeKind::Memo {
            node.value = lent.value;
        }
        node.flags &= !flags::COMPUTING;
        if finished {
            // Sources left after the cursor were not read this run: unlink them (looked up
            // here, in the node already at hand; usually there are none).
            let cursor = node.deps_tail;
            let stale = if cursor == super::NONE {
                node.deps_head
            } else {
                g.links[cursor as usize].next_dep
            };
            if stale != super::NONE {
                self.truncate_deps(&mut g, id);
            }
            if changed && kind == NodeKind::Memo {
                self.memo_changed(&mut g, id);
            }
        } else if kind == NodeKind::Memo {
            // Keep every source (old and new) so that any change reaches it again.
            node.flags = (node.flags & !(flags::DIRTY | flags::PENDING)) | flags::FAILED;
        }
    }

    /// [`run_plain`](Self::run_plain) told to the runtime observer: why it runs (the sources
    /// recorded when it was marked), how it ended and how long it took.
    #[cold]
    #[inline(never)]
    fn run_observed(&self, id: NodeId) -> bool {
        let runnable = match self.graph.borrow().nodes.get(id) {
            Some(n) => n.flags & flags::COMPUTING == 0,
            None => false,
        };
        if !runnable {
            return false;
        }
        let triggered_by = self.triggers.borrow_mut().remove(id).unwrap_or_default();
        let node = self.info_of(id);
        let started = Instant::now();
        // The node is marked running and its body taken out: a panicking observer must not
        // strand it, so the run goes ahead and that panic continues after it.
        let told = catch_unwind(AssertUnwindSafe(|| {
            self.emit(|_| RuntimeEvent::RunStarted {
                node: node.clone(),
                triggered_by: triggered_by.clone(),
            })
        }));
        let outcome = catch_unwind(AssertUnwindSafe(|| self.run_plain(id)));
        let run = match outcome {
            Ok(true) => RunOutcome::Changed,
            // A memo equal to its previous value (or, for either kind, a node its own cleanups
            // disposed before its body could run).
            Ok(false) => RunOutcome::Unchanged,
            Err(_) => RunOutcome::Panicked,
        };
        self.emit(|_| RuntimeEvent::RunFinished {
            node,
            triggered_by,
            outcome: run,
            duration: started.elapsed(),
        });
        match (outcome, told) {
            (Err(panic), _) | (Ok(_), Err(panic)) => resume_unwind(panic),
            (Ok(changed), Ok(())) => changed,
        }
    }
}

/// The payload of a cycle error raised by a panicking read (`get`, `with`) nested inside a read
/// that brings a memo up to date: that outer read catches it and returns the error, so the
/// `try_` reads never panic with a cycle. Raised with `resume_unwind` (no panic message is
/// printed) only while such an outer read is on the stack; otherwise the read panics with the
/// error's message as usual.
pub(crate) struct CycleUnwind(pub ReactiveError);

impl Engine {
    /// Brings the memo `id` up to date for a read. A memo that reads itself, directly or
    /// through others, is found at the inner read, deep inside user code; when that read is a
    /// panicking one it unwinds to here as a [`CycleUnwind`] and becomes this read's error.
    /// The memos it unwound through are left `FAILED`, as after any panic.
    pub(crate) fn update_memo_for_read(&self, id: NodeId, at: Caller) -> Result<(), ReactiveError> {
        self.cycle_catchers.set(self.cycle_catchers.get() + 1);
        let outcome = catch_unwind(AssertUnwindSafe(|| self.update_memo(id, at)));
        self.cycle_catchers.set(self.cycle_catchers.get() - 1);
        match outcome {
            Ok(result) => result,
            Err(panic) => match panic.downcast::<CycleUnwind>() {
                Ok(cycle) => Err(cycle.0),
                Err(panic) => resume_unwind(panic),
            },
        }
    }
}

/// How a run began: it ran (and whether the value changed), or the dequeued effect was only
/// `PENDING` and must be checked first.
enum Started {
    Ran(bool),
    NotDirty,
}

/// What a run lends its body: the body itself and, for a memo, the node's value.
struct Lent {
    compute: Option<Box<dyn Compute>>,
    value: Option<Rc<dyn Any>>,
}

/// The runtime state a run replaces: the observer, the owner and the memo being computed.
#[derive(Clone, Copy)]
struct Prev {
    observer: Option<NodeId>,
    owner: Option<NodeId>,
    memo: Option<NodeId>,
}

/// Restores the runtime if a body panics: puts back `prev` and what was lent, and leaves a
/// memo `FAILED`. Forgotten when the body returns (the run then finishes inline).
struct UnwindGuard<'a> {
    engine: &'a Engine,
    id: NodeId,
    kind: NodeKind,
    prev: Prev,
    lent: &'a mut Lent,
}

impl Drop for UnwindGuard<'_> {
    fn drop(&mut self) {
        let e = self.engine;
        e.restore(self.prev);
        let lent = Lent {
            compute: self.lent.compute.take(),
            value: self.lent.value.take(),
        };
        e.finish_run(self.id, self.kind, lent, false, false);
    }
}
