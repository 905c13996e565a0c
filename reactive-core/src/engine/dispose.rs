//! Disposal: freeing an owner's subtree, running cleanups, dropping values.
//!
//! User code (cleanups, `Drop` of values and closures) runs after the arena borrow is released.
//! A panicking cleanup or destructor does not stop the disposal: everything is still freed,
//! and the first panic is resumed afterwards.

use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use super::{Engine, Graph, NodeId, NodeKind, flags};
use crate::observer::RuntimeEvent;

type Garbage = Box<dyn Any>;

impl Engine {
    /// Disposes `id` and everything it owns, as a batch: effects triggered by cleanups run once
    /// the disposal is complete.
    pub(crate) fn dispose_batched(&self, id: NodeId) {
        self.batched(|| self.dispose_node(id))
            .unwrap_or_else(|e| crate::error::fail(e));
    }

    /// Disposes `id` and everything it owns.
    pub(crate) fn dispose_node(&self, id: NodeId) {
        let mut order = Vec::new();
        {
            let mut g = self.graph.borrow_mut();
            if !g.nodes.contains_key(id) {
                return;
            }
            detach_from_owner(&mut g, id);
            collect_subtree(&g, id, &mut order);
        }
        self.dispose_collected(order, None);
    }

    /// Before a re-run: disposes what `id` created last time, then runs its own cleanups.
    pub(crate) fn dispose_owned(&self, id: NodeId) {
        let mut order = Vec::new();
        let cleanups = {
            let mut g = self.graph.borrow_mut();
            let Some(node) = g.nodes.get_mut(id) else {
                return;
            };
            let first = node.first_child.take();
            let cleanups = node
                .extras
                .as_mut()
                .map(|e| std::mem::take(&mut e.cleanups))
                .unwrap_or_default();
            let mut child = first;
            while let Some(c) = child {
                let n = &mut g.nodes[c];
                child = n.next_sibling;
                n.owner = None;
                n.prev_sibling = None;
                n.next_sibling = None;
                collect_subtree(&g, c, &mut order);
            }
            cleanups
        };
        if order.is_empty() && cleanups.is_empty() {
            return;
        }
        self.dispose_collected(order, Some(cleanups));
    }

    /// Disposes the nodes in `order` (owners before what they own). First every cleanup runs,
    /// owners first, while the whole subtree is still alive and readable (so a cleanup may
    /// read or save what its owner created); then the nodes are unlinked and freed, newest
    /// first. `own_cleanups` (those of a node about to re-run) run before all of them.
    ///
    /// Cleanups and destructors run untracked and ownerless, whoever triggered the disposal: a
    /// cleanup reading a signal must not subscribe the effect or memo that happens to be running
    /// (the one re-running, or one that disposed an owner), and a node a cleanup creates belongs
    /// to no one rather than to whatever was running.
    fn dispose_collected(&self, order: Vec<NodeId>, own_cleanups: Option<Vec<Box<dyn FnOnce()>>>) {
        self.with_owner(None, || {
            self.dispose_collected_untracked(order, own_cleanups)
        });
    }

    fn dispose_collected_untracked(
        &self,
        order: Vec<NodeId>,
        own_cleanups: Option<Vec<Box<dyn FnOnce()>>>,
    ) {
        let mut first_panic = None;
        let mut run_cleanups = |cleanups: Vec<Box<dyn FnOnce()>>| {
            for cleanup in cleanups.into_iter().rev() {
                if let Err(p) = catch_unwind(AssertUnwindSafe(cleanup)) {
                    first_panic.get_or_insert(p);
                }
            }
        };
        if let Some(cleanups) = own_cleanups {
            run_cleanups(cleanups);
        }
        for &id in &order {
            let cleanups = {
                let mut g = self.graph.borrow_mut();
                g.nodes
                    .get_mut(id)
                    .and_then(|n| n.extras.as_mut())
                    .map(|e| std::mem::take(&mut e.cleanups))
                    .unwrap_or_default()
            };
            run_cleanups(cleanups);
        }
        for &id in order.iter().rev() {
            let mut disposed = None;
            let garbage: Option<[Option<Garbage>; 4]> = {
                let mut g = self.graph.borrow_mut();
                if self.hooked.get() {
                    disposed = g.nodes.contains_key(id).then(|| self.info(&g, id));
                    self.triggers.borrow_mut().remove(id);
                }
                self.unlink_all_deps(&mut g, id);
                self.unlink_all_subs(&mut g, id);
                g.nodes.remove(id).map(|n| {
                    let before = if n.kind == NodeKind::Signal && n.flags & flags::DIRTY != 0 {
                        self.take_before(&mut g, id, n.epoch)
                    } else {
                        None
                    };
                    [
                        n.value.map(|v| Box::new(v) as Garbage),
                        n.compute.map(|c| Box::new(c) as Garbage),
                        n.extras.map(|e| e as Garbage),
                        before.map(|b| Box::new(b) as Garbage),
                    ]
                })
            };
            if let Some(node) = disposed {
                let event = || self.emit(|_| RuntimeEvent::Disposed { node });
                if let Err(p) = catch_unwind(AssertUnwindSafe(event)) {
                    first_panic.get_or_insert(p);
                }
            }
            if let Err(p) = catch_unwind(AssertUnwindSafe(move || drop(garbage))) {
                first_panic.get_or_insert(p);
            }
        }
        if let Some(p) = first_panic {
            resume_unwind(p);
        }
    }
}

/// Removes `id` from its owner's children list.
fn detach_from_owner(g: &mut Graph, id: NodeId) {
    let node = &mut g.nodes[id];
    let (owner, prev, next) = (
        node.owner.take(),
        node.prev_sibling.take(),
        node.next_sibling.take(),
    );
    if let Some(p) = prev {
        if let Some(n) = g.nodes.get_mut(p) {
            n.next_sibling = next;
        }
    } else if let Some(o) = owner {
        if let Some(n) = g.nodes.get_mut(o) {
            n.first_child = next;
        }
    }
    if let Some(nx) = next {
        if let Some(n) = g.nodes.get_mut(nx) {
            n.prev_sibling = prev;
        }
    }
}

/// Appends `root` and everything it owns, parents before children.
fn collect_subtree(g: &Graph, root: NodeId, order: &mut Vec<NodeId>) {
    let start = order.len();
    order.push(root);
    let mut i = start;
    while i < order.len() {
        let mut child = g.nodes[order[i]].first_child;
        while let Some(c) = child {
            order.push(c);
            child = g.nodes[c].next_sibling;
        }
        i += 1;
    }
}
