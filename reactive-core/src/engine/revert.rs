//! The revert rule: a signal written and written back inside one batch is no change.
//!
//! The first comparing write (`set_if_changed`, `update_if_changed`) of a signal with readers
//! inside a batch keeps the value its readers last saw (`before`, with the comparison of its
//! type) and marks the signal `DIRTY`. The write marks the readers `PENDING`, not `DIRTY`: they
//! are not sure to recompute, only to check. Later comparing writes in the same batch just
//! replace the current value. The signal is *settled* the first time anything needs the answer:
//! a check reaching it among a reader's sources (a flush, or a read of a downstream memo), or a
//! tracked read by a computation. Settling compares the current value with `before`; only if
//! they differ are the `PENDING` readers made `DIRTY`. So `a = 1; a = 0` inside one batch, with
//! `a == 0` before it, runs no effect and recomputes no memo.
//!
//! A tracked read settles first because the reading computation then sees the current value:
//! from then on `before` is no longer what *every* reader last saw. Untracked reads (outside any
//! computation, or in `untrack`) do not settle: nobody's view of the signal changes.
//!
//! A write that does not compare (`set`, `update`, `notify`) is a change by definition: it drops
//! `before` and marks the readers `DIRTY`, as outside a batch.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::rc::Rc;

use super::{Engine, Graph, NodeId, NodeKind, flags};
use crate::observer::RuntimeEvent;

/// Compares two values of a signal's type (both are that type, see `handle::downcast`).
pub(crate) type SameValue = fn(&dyn Any, &dyn Any) -> bool;

/// What the readers of a signal written in this batch last saw.
pub(crate) struct Before {
    pub value: Rc<dyn Any>,
    pub same: SameValue,
}

impl Engine {
    /// The first comparing write of `id` in this batch changed its value: keeps `before` (the
    /// value replaced), marks the signal written and its readers `PENDING`.
    pub(crate) fn keep_before(&self, g: &mut Graph, id: NodeId, before: Before) {
        let mut befores = self.befores.borrow_mut();
        let node = &mut g.nodes[id];
        node.flags |= flags::DIRTY;
        node.epoch = u32::try_from(befores.len()).expect("fewer than 4 billion signals");
        befores.push((id, before));
        drop(befores);
        self.propagate(g, id, flags::PENDING);
    }

    /// Takes the `before` of signal `id`, kept at `index` (its `epoch`). The last entry moves
    /// into the gap, and its signal's `epoch` follows it, so the list never holds more than the
    /// signals not settled yet.
    pub(crate) fn take_before(&self, g: &mut Graph, id: NodeId, index: u32) -> Option<Before> {
        let mut befores = self.befores.borrow_mut();
        let index = index as usize;
        if befores.get(index).is_none_or(|&(owner, _)| owner != id) {
            return None;
        }
        let (_, before) = befores.swap_remove(index);
        if let Some(&(moved, _)) = befores.get(index) {
            if let Some(n) = g.nodes.get_mut(moved) {
                n.epoch = index as u32;
            }
        }
        Some(before)
    }

    /// A write of `id` that changed its value: marks its readers. A comparing write of a signal
    /// keeping `before` marks them `PENDING` (settling decides); any other write marks them
    /// `DIRTY` and drops `before`, which is returned to be dropped once the arena is released.
    pub(crate) fn mark_written(&self, g: &mut Graph, id: NodeId, compared: bool) -> Option<Before> {
        let node = &mut g.nodes[id];
        if node.flags & flags::DIRTY == 0 {
            self.propagate(g, id, flags::DIRTY);
            return None;
        }
        if compared {
            self.propagate(g, id, flags::PENDING);
            return None;
        }
        node.flags &= !flags::DIRTY;
        let index = node.epoch;
        let before = self.take_before(g, id, index);
        self.propagate(g, id, flags::DIRTY);
        before
    }

    /// Settles the written signal `id`: compares its value with what its readers last saw and,
    /// if they differ, makes its `PENDING` readers `DIRTY`. Returns whether it changed. A
    /// panicking comparison counts as a change (the panic then continues).
    pub(crate) fn settle(&self, id: NodeId) -> bool {
        let (before, current) = {
            let mut g = self.graph.borrow_mut();
            let Some(node) = g.nodes.get_mut(id) else {
                return false;
            };
            if node.kind != NodeKind::Signal || node.flags & flags::DIRTY == 0 {
                return false;
            }
            node.flags &= !flags::DIRTY;
            let (current, index) = (node.value.clone(), node.epoch);
            (self.take_before(&mut g, id, index), current)
        };
        let compared = match (&before, &current) {
            (Some(b), Some(c)) => catch_unwind(AssertUnwindSafe(|| (b.same)(&*b.value, &**c))),
            // The value is lent to an `update` closure right now: count it as changed.
            _ => Ok(false),
        };
        let changed = !matches!(compared, Ok(true));
        if changed {
            let mut g = self.graph.borrow_mut();
            self.memo_changed(&mut g, id);
        }
        drop((before, current));
        if self.hooked.get() {
            self.emit(|e| RuntimeEvent::Settled {
                signal: e.info_of(id),
                changed,
            });
        }
        if let Err(panic) = compared {
            resume_unwind(panic);
        }
        changed
    }
}

/// The comparison of values of type `T`, type-erased.
pub(crate) fn same_value<T: PartialEq + 'static>(a: &dyn Any, b: &dyn Any) -> bool {
    crate::handle::downcast::<T>(a) == crate::handle::downcast::<T>(b)
}
