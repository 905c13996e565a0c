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
        self.run_plain_borrowed(self.graph.borrow_mut(), id)
    }

    /// Runs the effect `id` that the flush loop just dequeued, in the arena borrow `g` the loop
    /// already holds (one borrow and one lookup fewer per effect run).
    #[inline(always)]
    pub(crate) fn run_dequeued<'a>(&'a self, g: RefMut<'a, Graph>, id: NodeId) -> bool {
        if self.hooked.get() {
            drop(g);
            return self.run_observed(id);
        }
        self.run_plain_borrowed(g, id)
    }

    /// [`run_plain`](Self::run_plain), starting in the arena borrow `g`.
    #[inline(always)]
    fn run_plain_borrowed<'a>(&'a self, mut g: RefMut<'a, Graph>, id: NodeId) -> bool {
        let (compute, value, kind) = {
            let Some(mut node) = g.nodes.get_mut(id) else {
                return false;
            };
            if node.flags & flags::COMPUTING != 0 {
                return false;
            }
            if node.first_child.is_some()
                || node.extras.as_ref().is_some_and(|e| !e.cleanups.is_empty())
            {
                drop(g);
                self.dispose_owned(id);
                g = self.graph.borrow_mut();
                match g.nodes.get_mut(id) {
                    Some(n) => node = n,
                    None => return false,
                }
            }
            node.flags = (node.flags
                & !(flags::DIRTY | flags::PENDING | flags::FAILED | flags::QUEUED))
                | flags::COMPUTING;
            node.epoch = node.epoch.wrapping_add(1);
            node.deps_tail = super::NONE;
            let taken = (node.compute.take(), node.value.take(), node.kind);
            drop(g);
            taken
        };
        let mut guard = RunGuard {
            engine: self,
            id,
            kind,
            compute,
            value,
            prev_observer: self.observer.replace(Some(id)),
            prev_owner: self.owner.replace(Some(id)),
            prev_memo: self
                .computing_memo
                .replace((kind == NodeKind::Memo).then_some(id)),
            finished: false,
            changed: false,
        };
        if let Some(c) = guard.compute.as_mut() {
            // The first read of a memo runs its closure, which reads its sources, whose first
            // reads run their closures: that recursion is in user code, so no explicit stack
            // can replace it. Instead each run checks the room left (a thread-local load and a
            // compare) and, when it is short, continues on a new heap-allocated segment.
            let value = &mut guard.value;
            guard.changed = stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || c.run(value));
        }
        guard.finished = true;
        let changed = guard.changed;
        drop(guard);
        changed
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

/// Restores the runtime after a run, whether it returned or unwound, in one borrow of the arena.
struct RunGuard<'a> {
    engine: &'a Engine,
    id: NodeId,
    kind: NodeKind,
    compute: Option<Box<dyn Compute>>,
    value: Option<Rc<dyn Any>>,
    prev_observer: Option<NodeId>,
    prev_owner: Option<NodeId>,
    prev_memo: Option<NodeId>,
    finished: bool,
    changed: bool,
}

impl Drop for RunGuard<'_> {
    fn drop(&mut self) {
        let e = self.engine;
        e.observer.set(self.prev_observer);
        e.owner.set(self.prev_owner);
        e.computing_memo.set(self.prev_memo);
        let Ok(mut g) = e.graph.try_borrow_mut() else {
            return;
        };
        let Some(node) = g.nodes.get_mut(self.id) else {
            // Disposed during its own run: drop the body and value once the arena is released.
            drop(g);
            self.compute = None;
            self.value = None;
            return;
        };
        node.compute = self.compute.take();
        node.value = self.value.take();
        node.flags &= !flags::COMPUTING;
        if self.finished {
            // Sources left after the cursor were not read this run: unlink them (looked up
            // here, in the node already at hand; usually there are none).
            let cursor = node.deps_tail;
            let stale = if cursor == super::NONE {
                node.deps_head
            } else {
                g.links[cursor as usize].next_dep
            };
            if stale != super::NONE {
                e.truncate_deps(&mut g, self.id);
            }
            if self.changed && self.kind == NodeKind::Memo {
                e.memo_changed(&mut g, self.id);
            }
        } else if self.kind == NodeKind::Memo {
            // Keep every source (old and new) so that any change reaches it again.
            node.flags = (node.flags & !(flags::DIRTY | flags::PENDING)) | flags::FAILED;
        }
    }
}
