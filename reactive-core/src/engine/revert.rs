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

use std::any::{Any, TypeId};
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
    /// The type of `value` when it has no drop glue: once settled, its box is kept for reuse
    /// (see [`Engine::boxed_value`]) instead of freed.
    pub recycle: Option<TypeId>,
}

/// How many settled value boxes a thread keeps for reuse.
const SPARE_BOXES: usize = 16;

impl Before {
    /// What the readers last saw: `value`, boxed by [`Engine::boxed_value`].
    pub(crate) fn new<T: 'static>(value: Rc<dyn Any>, same: SameValue) -> Self {
        Before {
            value,
            same,
            recycle: (!std::mem::needs_drop::<T>()).then(TypeId::of::<T>),
        }
    }
}

impl Engine {
    /// Boxes `value` as a node value. A type without drop glue reuses the box of a value
    /// settled earlier, if one is spare: the first comparing write of a batch keeps the value
    /// its readers saw and stores the new one in another box, and settling frees the kept one,
    /// so without reuse every such write allocated and freed a box (about a quarter of the
    /// write). Only types without drop glue are reused, so no `Drop` is delayed: overwriting
    /// the spare runs no user code.
    pub(crate) fn boxed_value<T: 'static>(&self, value: T) -> Rc<dyn Any> {
        if !std::mem::needs_drop::<T>() {
            let t = TypeId::of::<T>();
            let spare = {
                let mut spares = self.spare_values.borrow_mut();
                let found = spares.iter().rposition(|(id, _)| *id == t);
                found.map(|i| spares.swap_remove(i).1)
            };
            if let Some(mut rc) = spare {
                if let Some(slot) = Rc::get_mut(&mut rc) {
                    *crate::handle::downcast_mut::<T>(slot) = value;
                    return rc;
                }
            }
        }
        Rc::new(value)
    }

    /// Done with `before`: keeps its box for [`boxed_value`](Self::boxed_value) when it can be
    /// reused, else drops it.
    fn recycle(&self, before: Before) {
        if let Some(t) = before.recycle {
            if Rc::strong_count(&before.value) == 1 {
                let mut spares = self.spare_values.borrow_mut();
                if spares.len() < SPARE_BOXES {
                    spares.push((t, before.value));
                    return;
                }
            }
        }
        drop(before);
    }

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
        drop(current);
        if let Some(before) = before {
            self.recycle(before);
        }
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
