//! Edges: dependency tracking and the intrusive link lists.
//!
//! A computation's sources are re-collected on every run without allocating: a cursor
//! (`deps_tail`) walks the previous run's sources list, and a read of the source the cursor
//! expects next simply confirms that link. Only a different read inserts a link; the links
//! left after the cursor when the run ends are the sources no longer read, and are unlinked.

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

fn alloc_link(g: &mut Graph, link: Link) -> u32 {
    g.live_links += 1;
    if g.free_link != NONE {
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

fn free_link(g: &mut Graph, id: u32) {
    g.live_links -= 1;
    let l = &mut g.links[id as usize];
    l.next_dep = g.free_link;
    l.prev_dep = NONE;
    l.next_sub = NONE;
    l.prev_sub = NONE;
    g.free_link = id;
}
