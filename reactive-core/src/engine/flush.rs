//! The effect queue: batching and the flush loop.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::time::Instant;

use super::{Engine, Node, NodeId, flags};
use crate::error::ReactiveError;
use crate::observer::RuntimeEvent;

/// How many flush rounds may follow one write before the loop is declared unsettled. A round
/// runs every effect queued by the previous one; only effects that keep writing what they (or
/// each other) read need more than a few.
pub(crate) const MAX_FLUSH_ROUNDS: usize = 1000;

impl Engine {
    /// Adds an effect to the queue. Its key orders the round: internal effects first, then
    /// creation order (so an owner runs before what it owns).
    #[inline]
    pub(crate) fn enqueue(&self, node: &Node, id: NodeId) {
        let key = if node.flags & flags::SYSTEM != 0 {
            node.seq
        } else {
            node.seq | (1 << 63)
        };
        let mut queue = self.queue.borrow_mut();
        if queue.last().is_some_and(|&(last, _)| last > key) {
            self.queue_sorted.set(false);
        }
        queue.push((key, id));
    }

    /// Runs queued effects unless a batch or a flush is already in progress.
    #[inline]
    pub(crate) fn flush_if_idle(&self) -> Result<(), ReactiveError> {
        if self.batch_depth.get() > 0 || self.flushing.get() || self.queue.borrow().is_empty() {
            return Ok(());
        }
        self.flush()
    }

    /// Runs effects round by round until none is queued. Within a round, internal effects run
    /// first, then user effects in creation order (so an owner runs before what it owns, and an
    /// effect disposed by an earlier one in the same round does not run).
    fn flush(&self) -> Result<(), ReactiveError> {
        if self.hooked.get() {
            return self.flush_observed();
        }
        self.flush_rounds(&mut 0)
    }

    /// [`flush`](Self::flush) told to the runtime observer.
    #[cold]
    #[inline(never)]
    fn flush_observed(&self) -> Result<(), ReactiveError> {
        let started = Instant::now();
        self.emit(|_| RuntimeEvent::FlushStarted);
        let mut rounds = 0;
        let outcome = catch_unwind(AssertUnwindSafe(|| self.flush_rounds(&mut rounds)));
        self.emit(|_| RuntimeEvent::FlushFinished {
            rounds,
            duration: started.elapsed(),
        });
        outcome.unwrap_or_else(|panic| resume_unwind(panic))
    }

    /// The flush loop; counts the rounds it starts in `rounds`.
    fn flush_rounds(&self, rounds: &mut usize) -> Result<(), ReactiveError> {
        self.flushing.set(true);
        let _guard = FlushGuard { engine: self };
        loop {
            {
                let mut queue = self.queue.borrow_mut();
                if queue.is_empty() {
                    return Ok(());
                }
                let mut running = self.running.borrow_mut();
                running.clear();
                std::mem::swap(&mut *queue, &mut *running);
            }
            self.running_pos.set(0);
            *rounds += 1;
            if *rounds > MAX_FLUSH_ROUNDS {
                return Err(self.unsettled(*rounds - 1));
            }
            if !self.queue_sorted.replace(true) {
                self.running
                    .borrow_mut()
                    .sort_unstable_by_key(|&(key, _)| key);
            }
            loop {
                let pos = self.running_pos.get();
                let Some((_, id)) = self.running.borrow().get(pos).copied() else {
                    break;
                };
                self.running_pos.set(pos + 1);
                self.run_queued_effect(id)?;
            }
            self.running.borrow_mut().clear();
            self.running_pos.set(0);
        }
    }

    /// Runs one dequeued effect if a source really changed.
    fn run_queued_effect(&self, id: NodeId) -> Result<(), ReactiveError> {
        let g = self.graph.borrow_mut();
        if self.run_dequeued(g, id) {
            let at = std::panic::Location::caller();
            if self.check(id, at)? {
                self.run_computation(id);
            }
        }
        Ok(())
    }

    /// Gives up on a flush that does not settle: the effects still queued are left idle (they
    /// run again when one of their sources changes) and named in the error.
    fn unsettled(&self, rounds: usize) -> ReactiveError {
        let mut g = self.graph.borrow_mut();
        let ids: Vec<NodeId> = self
            .running
            .borrow_mut()
            .drain(..)
            .map(|(_, id)| id)
            .collect();
        let mut nodes = Vec::new();
        for id in ids {
            if let Some(n) = g.nodes.get_mut(id) {
                n.flags &= !(flags::DIRTY | flags::PENDING | flags::QUEUED);
                nodes.push(id);
            }
        }
        let nodes = nodes.into_iter().map(|id| self.info(&g, id)).collect();
        ReactiveError::Unsettled { rounds, nodes }
    }
}

/// Ends the flush, also on unwind: effects of the interrupted round that did not run yet go back
/// to the front of the queue, so nothing scheduled is lost; they run at the next flush.
struct FlushGuard<'a> {
    engine: &'a Engine,
}

impl Drop for FlushGuard<'_> {
    fn drop(&mut self) {
        let e = self.engine;
        e.flushing.set(false);
        let (Ok(mut running), Ok(mut queue)) =
            (e.running.try_borrow_mut(), e.queue.try_borrow_mut())
        else {
            return;
        };
        let pos = e.running_pos.get().min(running.len());
        if pos < running.len() {
            let rest: Vec<(u64, NodeId)> = running.drain(pos..).collect();
            queue.splice(0..0, rest);
            e.queue_sorted.set(false);
        }
        running.clear();
        e.running_pos.set(0);
    }
}
