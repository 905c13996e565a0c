//! Edges: dependency tracking and the intrusive link lists.
//!
//! A computation's sources are re-collected on every run without allocating: a cursor
//! (`deps_tail`) walks the previous run's sources list, and a read of the source the cursor
//! expects next simply confirms that link. Only a different read inserts a link; the links
//! left after the cursor when the run ends are the sources no longer read, and are unlinked.

use slotmap::Key;

use super::{Engine, Graph, Link, NONE, NodeId};

impl Engine {
    /// Records that the current observer read `dep`.
    #[inline]
    pub(crate) fn track(&self, g: &mut Graph, dep: NodeId) {
        let Some(sub) = self.observer.get() else {
            return;
        };
        if sub == dep {
            // A memo reading itself: reported as a cycle by the read; never an edge.
            return;
        }
        let Graph { nodes, links, .. } = g;
        let Some(sub_node) = nodes.get_mut(sub) else {
            return;
        };
        let cursor = sub_node.deps_tail;
        let epoch = sub_node.epoch;
        let next = if cursor == NONE {
            sub_node.deps_head
        } else {
            let c = &links[cursor as usize];
            // The same source read twice in a row.
            if c.dep == dep {
                return;
            }
            c.next_dep
        };
        // The source the previous run read at this position: confirm the link.
        if next != NONE {
            let n = &mut links[next as usize];
            if n.dep == dep {
                n.epoch = epoch;
                sub_node.deps_tail = next;
                return;
            }
        }
        // Already read earlier in this run (its newest subscriber link is ours, confirmed now).
        let dep_tail = g.nodes[dep].subs_tail;
        if dep_tail != NONE {
            let l = &g.links[dep_tail as usize];
            if l.sub == sub && l.epoch == epoch {
                return;
            }
        }
        let id = alloc_link(
            g,
            Link {
                dep,
                sub,
                prev_dep: cursor,
                next_dep: next,
                prev_sub: dep_tail,
                next_sub: NONE,
                epoch,
            },
        );
        if cursor == NONE {
            g.nodes[sub].deps_head = id;
        } else {
            g.links[cursor as usize].next_dep = id;
        }
        if next != NONE {
            g.links[next as usize].prev_dep = id;
        }
        if dep_tail == NONE {
            g.nodes[dep].subs_head = id;
        } else {
            g.links[dep_tail as usize].next_sub = id;
        }
        g.nodes[dep].subs_tail = id;
        g.nodes[sub].deps_tail = id;
    }

    /// Ends a successful run of `sub`: unlinks the sources after the cursor (not read this run).
    pub(crate) fn truncate_deps(&self, g: &mut Graph, sub: NodeId) {
        let Some(node) = g.nodes.get(sub) else { return };
        let cursor = node.deps_tail;
        let first_stale = if cursor == NONE {
            node.deps_head
        } else {
            g.links[cursor as usize].next_dep
        };
        if first_stale == NONE {
            return;
        }
        if cursor == NONE {
            g.nodes[sub].deps_head = NONE;
        } else {
            g.links[cursor as usize].next_dep = NONE;
        }
        self.unlink_chain(g, first_stale);
    }

    /// Unlinks every source of `sub` (on disposal).
    pub(crate) fn unlink_all_deps(&self, g: &mut Graph, sub: NodeId) {
        let Some(node) = g.nodes.get_mut(sub) else {
            return;
        };
        let head = node.deps_head;
        node.deps_head = NONE;
        node.deps_tail = NONE;
        if head != NONE {
            self.unlink_chain(g, head);
        }
    }

    /// Unlinks a chain of source links starting at `first` (already cut from its sub's list),
    /// removing each from its source's subscribers list.
    ///
    /// A memo that loses its last subscriber this way keeps its own sources: its cached value
    /// stays valid and is reused if a reader comes back, so a memo still computes at most once
    /// per write however readers come and go. It is only marked (cheaply) by writes until then.
    fn unlink_chain(&self, g: &mut Graph, first: u32) {
        let mut link = first;
        while link != NONE {
            let l = g.links[link as usize];
            remove_sub_link(g, &l);
            free_link(g, link);
            link = l.next_dep;
        }
    }

    /// Unlinks every subscriber of `dep` (on disposal): they no longer depend on it.
    pub(crate) fn unlink_all_subs(&self, g: &mut Graph, dep: NodeId) {
        let Some(node) = g.nodes.get_mut(dep) else {
            return;
        };
        let mut link = node.subs_head;
        node.subs_head = NONE;
        node.subs_tail = NONE;
        while link != NONE {
            let l = g.links[link as usize];
            // Remove from the subscriber's sources list, keeping its cursor valid.
            if let Some(sub) = g.nodes.get_mut(l.sub) {
                if sub.deps_tail == link {
                    sub.deps_tail = l.prev_dep;
                }
                if l.prev_dep == NONE {
                    sub.deps_head = l.next_dep;
                }
            }
            if l.prev_dep != NONE {
                g.links[l.prev_dep as usize].next_dep = l.next_dep;
            }
            if l.next_dep != NONE {
                g.links[l.next_dep as usize].prev_dep = l.prev_dep;
            }
            free_link(g, link);
            link = l.next_sub;
        }
    }
}

/// Removes `link` (a copy of which is `l`) from its source's subscribers list.
fn remove_sub_link(g: &mut Graph, l: &Link) {
    if l.prev_sub != NONE {
        g.links[l.prev_sub as usize].next_sub = l.next_sub;
    } else if let Some(dep) = g.nodes.get_mut(l.dep) {
        dep.subs_head = l.next_sub;
    }
    if l.next_sub != NONE {
        g.links[l.next_sub as usize].prev_sub = l.prev_sub;
    } else if let Some(dep) = g.nodes.get_mut(l.dep) {
        dep.subs_tail = l.prev_sub;
    }
}

/// Takes a link slot: the head of the free list, or a new slot at the end.
///
/// Freed slots are reused last-freed first, which keeps the churn of dynamic graphs in cache.
/// After a large disposal, though, that order is the disposal's order, scattered over the
/// arena, and building a new graph would chase it from slot to slot. So once most of the
/// arena is free and most of it was freed since the last time, the free list is put back in
/// address order first (see [`sort_free_links`]): creation then fills the arena front to back
/// whatever ran before.
fn alloc_link(g: &mut Graph, link: Link) -> u32 {
    g.live_links += 1;
    if g.free_link != NONE {
        let free = g.links.len() - g.live_links;
        if g.frees_since_sort >= SORT_AFTER_FREES
            && 2 * g.frees_since_sort >= g.links.len()
            && free > g.live_links
        {
            sort_free_links(g);
        }
        let id = g.free_link;
        g.free_link = g.links[id as usize].next_dep;
        g.links[id as usize] = link;
        id
    } else {
        let id = u32::try_from(g.links.len())
            .ok()
            .filter(|&id| id != NONE)
            .expect("reactive graph: more than 4 billion edges");
        g.links.push(link);
        id
    }
}

/// Frees below this many are never worth re-threading the free list for.
const SORT_AFTER_FREES: usize = 1024;

/// Re-threads the free list in ascending slot order: one pass over the arena, paid for by the
/// (at least half an arena of) frees since the last pass, so O(1) amortised per free.
fn sort_free_links(g: &mut Graph) {
    let mut head = NONE;
    for (id, l) in g.links.iter_mut().enumerate().rev() {
        if l.dep.is_null() {
            l.next_dep = head;
            head = id as u32;
        }
    }
    g.free_link = head;
    g.frees_since_sort = 0;
}

fn free_link(g: &mut Graph, id: u32) {
    g.live_links -= 1;
    g.frees_since_sort += 1;
    let l = &mut g.links[id as usize];
    l.dep = NodeId::null();
    l.next_dep = g.free_link;
    l.prev_dep = NONE;
    l.next_sub = NONE;
    l.prev_sub = NONE;
    g.free_link = id;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::with_engine;
    use crate::{Effect, Owner, Signal};

    fn free_slots_in_list_order() -> Vec<u32> {
        with_engine(|e| {
            let g = e.graph.borrow();
            let mut order = Vec::new();
            let mut id = g.free_link;
            while id != NONE {
                order.push(id);
                id = g.links[id as usize].next_dep;
            }
            order
        })
    }

    #[test]
    fn links_freed_by_a_large_disposal_are_reused_front_to_back() {
        // Build a graph whose links are freed in a scattered order: each effect reads a
        // different, interleaved set of signals.
        let root = Owner::new();
        root.run_in(|| {
            let signals: Vec<_> = (0..64).map(Signal::new).collect();
            for i in 0..64usize {
                let reads: Vec<_> = (0..64).map(|j| signals[(i * 7 + j * 13) % 64]).collect();
                Effect::new(move || {
                    for s in &reads {
                        s.get();
                    }
                });
            }
        });
        root.dispose();
        let scattered = free_slots_in_list_order();
        assert!(scattered.len() >= 64 * 64);
        assert!(
            !scattered.windows(2).all(|w| w[0] < w[1]),
            "the disposal left the free list out of address order"
        );

        // The next creation takes the slots in address order.
        let root = Owner::new();
        let first = root.run_in(|| {
            let s = Signal::new(0);
            Effect::new(move || {
                s.get();
            });
            free_slots_in_list_order()
        });
        assert!(
            first.windows(2).all(|w| w[0] < w[1]),
            "free slots are threaded in ascending order after the sort"
        );
        let lowest_free = *scattered.iter().min().expect("free slots");
        assert!(
            !first.contains(&lowest_free),
            "the lowest free slot was the one reused"
        );
        root.dispose();
    }
}
