//! Path-keyed change notification for [`Store::select_at`](crate::Store::select_at): a trie of
//! trigger signals, one per selection, found from a commit's patches.
//!
//! A commit notifies the watchers of each patch's path, of its ancestors (their value contains
//! it) and of its descendants (their value is inside it). An `add` or `remove` in a list also
//! shifts the elements after it, so the watchers of those are notified too. Nothing else is
//! visited: the cost of a commit follows its patches, not the number of selections.

use std::collections::HashMap;

use reactive_core::Signal;

use reactive_state::{Patch, PatchOp};
use reactive_state::{Path, Segment};

#[derive(Default)]
struct WatchNode {
    children: HashMap<Segment, WatchNode>,
    watchers: Vec<(u64, Signal<()>)>,
}

/// Dropped iteratively: a selection's path, hence the trie, may be very deep.
impl Drop for WatchNode {
    fn drop(&mut self) {
        let mut stack: Vec<WatchNode> = self.children.drain().map(|(_, c)| c).collect();
        while let Some(mut node) = stack.pop() {
            stack.extend(node.children.drain().map(|(_, c)| c));
        }
    }
}

impl WatchNode {
    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.children.is_empty() && self.watchers.is_empty()
    }

    /// Every watcher in this subtree (an explicit stack: paths may be deep).
    fn collect_subtree(&self, out: &mut Vec<Signal<()>>) {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            out.extend(node.watchers.iter().map(|(_, s)| *s));
            stack.extend(node.children.values());
        }
    }
}

/// The watchers of one store.
#[derive(Default)]
pub(crate) struct WatchTree {
    root: WatchNode,
    next_id: u64,
    len: usize,
}

impl WatchTree {
    /// Registers `trigger` to be notified when the value at `path` may have changed.
    pub fn add(&mut self, path: &Path, trigger: Signal<()>) -> u64 {
        let mut node = &mut self.root;
        for s in path.segments() {
            node = node.children.entry(s.clone()).or_default();
        }
        self.next_id += 1;
        node.watchers.push((self.next_id, trigger));
        self.len += 1;
        self.next_id
    }

    /// Removes a watcher, and the trie nodes left empty. Iterative: a path may be long.
    pub fn remove(&mut self, path: &Path, id: u64) {
        let segments = path.segments();
        let mut node = &mut self.root;
        for s in segments {
            match node.children.get_mut(s) {
                Some(child) => node = child,
                None => return,
            }
        }
        let before = node.watchers.len();
        node.watchers.retain(|(w, _)| *w != id);
        if node.watchers.len() == before {
            return;
        }
        self.len -= 1;
        // The shallowest depth from which the path is a chain of nodes holding nothing else.
        let mut chain = Vec::with_capacity(segments.len() + 1);
        let mut node = &self.root;
        chain.push(node);
        for s in segments {
            node = &node.children[s];
            chain.push(node);
        }
        let mut prune_from = None;
        for depth in (1..chain.len()).rev() {
            let n = chain[depth];
            let only_the_path = n.watchers.is_empty()
                && match segments.get(depth) {
                    Some(next) => n.children.len() == 1 && n.children.contains_key(next),
                    None => n.children.is_empty(),
                };
            if !only_the_path {
                break;
            }
            prune_from = Some(depth);
        }
        if let Some(depth) = prune_from {
            let mut node = &mut self.root;
            for s in &segments[..depth - 1] {
                node = node.children.get_mut(s).expect("walked above");
            }
            node.children.remove(&segments[depth - 1]);
        }
    }

    /// Number of watchers.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The triggers to notify for a commit with these patches.
    pub fn affected(&self, patches: &[Patch], out: &mut Vec<Signal<()>>) {
        for patch in patches {
            self.affected_by(patch, out);
        }
    }

    fn affected_by(&self, patch: &Patch, out: &mut Vec<Signal<()>>) {
        if let (PatchOp::Move, Some(from)) = (patch.op, &patch.from)
            && *from != patch.path
        {
            // A move between two places: a removal there and an addition here.
            self.affected_by(&Patch::remove(from.clone(), serde_json::Value::Null), out);
            self.affected_by(
                &Patch::add(patch.path.clone(), serde_json::Value::Null),
                out,
            );
            return;
        }
        let segs = patch.path.segments();
        let mut node = &self.root;
        for (depth, s) in segs.iter().enumerate() {
            // Ancestors of the patch: their value contains the change.
            out.extend(node.watchers.iter().map(|(_, t)| *t));
            let last = depth + 1 == segs.len();
            if let (true, PatchOp::Add | PatchOp::Remove, Segment::Index(i)) = (last, patch.op, s) {
                // The element at `i` and every later one now sit at another index.
                for (key, child) in &node.children {
                    if key.as_index().is_some_and(|j| j >= *i) {
                        child.collect_subtree(out);
                    }
                }
                return;
            }
            match node.children.get(s) {
                Some(child) => node = child,
                None => return,
            }
        }
        // The patch's own path and everything below it.
        node.collect_subtree(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactive_state::path;
    use serde_json::json;

    fn ids(tree: &WatchTree, patch: Patch, triggers: &[(Path, Signal<()>)]) -> Vec<String> {
        let mut out = Vec::new();
        tree.affected(&[patch], &mut out);
        let mut names: Vec<String> = triggers
            .iter()
            .filter(|(_, t)| out.contains(t))
            .map(|(p, _)| p.to_string())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_patch_reaches_ancestors_descendants_and_shifted_siblings_only() {
        let mut tree = WatchTree::default();
        let paths = [
            path!(),
            path!(todos),
            path!(todos[3].title),
            path!(todos[5].title),
            path!(todos[5]),
            path!(filter),
        ];
        let triggers: Vec<_> = paths
            .iter()
            .map(|p| {
                let t = Signal::new(());
                tree.add(p, t);
                (p.clone(), t)
            })
            .collect();
        assert_eq!(
            ids(
                &tree,
                Patch::replace(path!(todos[5].title), json!(1), json!(2)),
                &triggers
            ),
            ["", "/todos", "/todos/5", "/todos/5/title"]
        );
        assert_eq!(
            ids(&tree, Patch::add(path!(todos[4]), json!(1)), &triggers),
            ["", "/todos", "/todos/5", "/todos/5/title"]
        );
        assert_eq!(
            ids(
                &tree,
                Patch::replace(path!(todos), json!(1), json!(2)),
                &triggers
            ),
            ["", "/todos", "/todos/3/title", "/todos/5", "/todos/5/title"]
        );
    }

    #[test]
    fn removing_watchers_prunes_the_trie() {
        let mut tree = WatchTree::default();
        let id = tree.add(&path!(a.b.c), Signal::new(()));
        let keep = tree.add(&path!(a.x), Signal::new(()));
        assert_eq!(tree.len(), 2);
        tree.remove(&path!(a.b.c), id);
        assert_eq!(tree.len(), 1);
        assert!(
            !tree.root.children[&Segment::field("a")]
                .children
                .contains_key(&Segment::field("b"))
        );
        tree.remove(&path!(a.x), keep);
        assert!(tree.root.is_empty());
    }

    #[test]
    fn a_watcher_on_a_very_long_path_is_added_and_removed_without_recursion() {
        let mut tree = WatchTree::default();
        let long = Path::from_segments((0..200_000).map(Segment::Index));
        let id = tree.add(&long, Signal::new(()));
        let mut out = Vec::new();
        tree.affected(
            &[Patch::replace(Path::root(), json!(0), json!(1))],
            &mut out,
        );
        assert_eq!(out.len(), 1);
        tree.remove(&long, id);
        assert!(tree.root.is_empty());
    }
}
