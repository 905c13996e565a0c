//! Push-pull propagation.
//!
//! **Push.** A write marks the direct subscribers `DIRTY` and their transitive subscribers
//! `PENDING`, and queues the effects it reaches. Marking stops at a node that is already marked:
//! the invariant is that every subscriber of a marked node is marked too (or running), so a
//! write costs in proportion to the nodes it affects and each is visited once.
//!
//! **Pull.** Reading a `PENDING` memo (or flushing a `PENDING` effect) walks its sources in the
//! order they were read, bringing each `PENDING` memo source up to date first (depth first, with
//! an explicit stack: no recursion proportional to the depth of the graph). A source memo that
//! recomputes to a different value marks its subscribers `DIRTY`; the node recomputes only if
//! that happened. A memo whose new value equals the old one stops propagation there.
//!
//! Because a node is only ever computed after all of its sources are up to date, and effects
//! run only after the outermost write or batch has finished marking, no computation sees a mix
//! of old and new values (glitch freedom), and each runs at most once per write or batch.

use super::{Caller, Engine, Graph, NONE, NodeId, NodeKind, Pooled, flags};
use crate::error::ReactiveError;

impl Engine {
    /// Marks everything downstream of `source`, which just changed: its direct subscribers
    /// with `level` (`DIRTY`, or `PENDING` when the change may yet be undone in the batch).
    pub(crate) fn propagate(&self, g: &mut Graph, source: NodeId, level: u8) {
        if self.hooked.get() && level == flags::DIRTY {
            self.record_triggers(g, source);
        }
        let mut stack = std::mem::take(&mut g.mark_stack);
        let mut link = g.nodes[source].subs_head;
        while link != NONE {
            let l = &g.links[link as usize];
            let (sub, next) = (l.sub, l.next_sub);
            self.mark(g, sub, level, &mut stack);
            link = next;
        }
        self.mark_pending(g, &mut stack);
        g.mark_stack = stack;
    }

    /// Marks the subscribers reachable from the links on `stack` `PENDING`.
    fn mark_pending(&self, g: &mut Graph, stack: &mut Vec<u32>) {
        while let Some(link) = stack.pop() {
            let l = &g.links[link as usize];
            let (sub, next) = (l.sub, l.next_sub);
            if next != NONE {
                stack.push(next);
            }
            self.mark(g, sub, flags::PENDING, stack);
        }
    }

    /// Marks one node with `level` (`DIRTY` or `PENDING`); if it was unmarked, queues it (an
    /// effect) or schedules its subscribers for `PENDING` marking (a memo).
    #[inline]
    fn mark(&self, g: &mut Graph, id: NodeId, level: u8, stack: &mut Vec<u32>) {
        let node = &mut g.nodes[id];
        let old = node.flags;
        if old & (flags::DIRTY | flags::PENDING) != 0 {
            node.flags = old | level;
            return;
        }
        // `FAILED` stays: a memo whose last run panicked recomputes when next needed, even if
        // a check then finds its sources unchanged.
        node.flags = old | level;
        match node.kind {
            NodeKind::Effect => {
                if old & flags::QUEUED == 0 {
                    node.flags |= flags::QUEUED;
                    self.enqueue(node, id);
                }
            }
            NodeKind::Memo => {
                if node.subs_head != NONE {
                    stack.push(node.subs_head);
                }
            }
            NodeKind::Signal | NodeKind::Owner => {}
        }
    }

    /// A memo recomputed to a new value: its subscribers that were waiting on a check must now
    /// recompute. A subscriber that is running right now is reading the new value already.
    #[inline(always)]
    pub(crate) fn memo_changed(&self, g: &mut Graph, memo: NodeId) {
        let Some(node) = g.nodes.get(memo) else {
            return;
        };
        let mut link = node.subs_head;
        if self.hooked.get() {
            self.record_triggers(g, memo);
        }
        while link != NONE {
            let l = &g.links[link as usize];
            let (sub, next) = (l.sub, l.next_sub);
            let f = g.nodes[sub].flags;
            if f & flags::PENDING != 0 {
                g.nodes[sub].flags = f | flags::DIRTY;
            } else if f & (flags::DIRTY | flags::COMPUTING) == 0 {
                // Only after a panic can a subscriber of a recomputing memo be unmarked.
                let mut stack = std::mem::take(&mut g.mark_stack);
                self.mark(g, sub, flags::DIRTY, &mut stack);
                self.mark_pending(g, &mut stack);
                g.mark_stack = stack;
            }
            link = next;
        }
    }

    /// Brings a memo up to date (the pull half of propagation).
    pub(crate) fn update_memo(&self, id: NodeId, at: Caller) -> Result<(), ReactiveError> {
        let f = {
            let g = self.graph.borrow();
            let Some(node) = g.nodes.get(id) else {
                return Err(ReactiveError::disposed(id, at));
            };
            if node.flags & flags::COMPUTING != 0 {
                return Err(ReactiveError::Cycle {
                    node: self.info(&g, id),
                    at,
                });
            }
            if node.value.is_none() {
                flags::DIRTY
            } else {
                node.flags
            }
        };
        if f & (flags::DIRTY | flags::FAILED) != 0
            || (f & flags::PENDING != 0 && self.check(id, at)?)
        {
            self.run_computation(id);
        }
        Ok(())
    }

    /// Decides whether the `PENDING` node `root` must recompute, bringing its `PENDING` memo
    /// sources up to date in reading order. Clears `PENDING` on every node found unchanged.
    pub(crate) fn check(&self, root: NodeId, at: Caller) -> Result<bool, ReactiveError> {
        let mut guard = CheckGuard {
            engine: self,
            stack: Pooled::take(&self.check_stacks),
            node: root,
            armed: true,
        };
        let result = self.check_loop(&mut guard, at);
        if result.is_ok() {
            guard.armed = false;
        }
        result
    }

    fn check_loop(&self, s: &mut CheckGuard<'_>, at: Caller) -> Result<bool, ReactiveError> {
        let mut g = self.graph.borrow_mut();
        let mut link = match g.nodes.get(s.node) {
            Some(n) => n.deps_head,
            None => return Ok(false),
        };
        loop {
            // A source recomputed by nested user code (a memo reading another memo) may have
            // found a change and marked this node dirty already.
            if g.nodes
                .get(s.node)
                .is_none_or(|n| n.flags & flags::DIRTY != 0)
            {
                drop(g);
                match self.unwind_dirty(s)? {
                    Some(l) => link = l,
                    None => return Ok(true),
                }
                g = self.graph.borrow_mut();
                continue;
            }
            if link == NONE {
                // Every source is up to date and none changed: clean without recomputing.
                g.nodes[s.node].flags &= !flags::PENDING;
                match s.stack.list.pop() {
                    None => return Ok(false),
                    Some((parent, plink)) => {
                        s.node = parent;
                        link = next_dep_checked(&mut g, plink, parent);
                    }
                }
                continue;
            }
            let l = &g.links[link as usize];
            let (dep, next) = (l.dep, l.next_dep);
            match g.nodes.get(dep) {
                None => g.nodes[s.node].flags |= flags::DIRTY,
                Some(d) if d.kind != NodeKind::Memo => {
                    if d.flags & flags::DIRTY == 0 {
                        link = next;
                    } else {
                        // A signal written in this batch: settle it (it marks this node
                        // `DIRTY` if its value really changed).
                        drop(g);
                        self.settle(dep);
                        g = self.graph.borrow_mut();
                        link = next_dep_checked(&mut g, link, s.node);
                    }
                }
                Some(d) if d.flags & flags::COMPUTING != 0 => {
                    return Err(ReactiveError::Cycle {
                        node: self.info(&g, dep),
                        at,
                    });
                }
                Some(d) if d.flags & (flags::DIRTY | flags::FAILED) != 0 || d.value.is_none() => {
                    drop(g);
                    self.run_computation(dep);
                    g = self.graph.borrow_mut();
                    link = next_dep_checked(&mut g, link, s.node);
                }
                Some(d) if d.flags & flags::PENDING != 0 => {
                    s.stack.list.push((s.node, link));
                    s.node = dep;
                    link = d.deps_head;
                }
                Some(_) => link = next,
            }
        }
    }

    /// `s.node` is dirty: recompute it and the stacked nodes above it, for as long as each
    /// recomputation changes its value. Returns where to continue checking, or `None` when the
    /// root itself must recompute.
    fn unwind_dirty(&self, s: &mut CheckGuard<'_>) -> Result<Option<u32>, ReactiveError> {
        loop {
            let Some((parent, plink)) = s.stack.list.pop() else {
                return Ok(None);
            };
            self.run_computation(s.node);
            s.node = parent;
            let mut g = self.graph.borrow_mut();
            if g.nodes
                .get(parent)
                .is_some_and(|n| n.flags & flags::DIRTY == 0)
            {
                return Ok(Some(next_dep_checked(&mut g, plink, parent)));
            }
        }
    }
}

/// The link after `link` in `owner`'s sources list; if user code disposed that edge meanwhile,
/// marks `owner` dirty (recomputing is always safe) and ends its list there.
fn next_dep_checked(g: &mut Graph, link: u32, owner: NodeId) -> u32 {
    let l = g.links[link as usize];
    let in_list = l.sub == owner
        && (l.prev_dep != NONE || g.nodes.get(owner).is_some_and(|n| n.deps_head == link));
    if in_list {
        l.next_dep
    } else {
        if let Some(n) = g.nodes.get_mut(owner) {
            n.flags |= flags::DIRTY;
        }
        NONE
    }
}

/// The state of a check. If it is abandoned (a panic in a memo, or a cycle), every node still on
/// the stack is left `FAILED`: reads recompute it, and later writes mark through it, so no node
/// is stranded in a marked state that nothing will ever clear.
struct CheckGuard<'a> {
    engine: &'a Engine,
    stack: Pooled<'a, (NodeId, u32)>,
    node: NodeId,
    armed: bool,
}

impl Drop for CheckGuard<'_> {
    fn drop(&mut self) {
        if !self.armed {
            return;
        }
        let Ok(mut g) = self.engine.graph.try_borrow_mut() else {
            return;
        };
        let nodes = self.stack.list.iter().map(|&(n, _)| n).chain([self.node]);
        for id in nodes {
            if let Some(n) = g.nodes.get_mut(id) {
                n.flags &= !(flags::DIRTY | flags::PENDING);
                if n.kind == NodeKind::Memo {
                    n.flags |= flags::FAILED;
                }
            }
        }
    }
}
