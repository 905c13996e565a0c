//! Seeing inside: [`Runtime`] statistics and [`GraphSnapshot`]s (serialisable, or drawn as
//! Graphviz DOT).

use std::fmt::Write as _;

use crate::engine::{NONE, NodeId, NodeKind, flags, with_engine};

/// This thread's reactive runtime, seen from outside: counts and snapshots of the graph.
///
/// There is one runtime per thread, created on first use. Handles are `!Send`, so a node is
/// always used on the thread that created it.
///
/// ```
/// use reactive_core::{create_root, Runtime, Signal};
///
/// let before = Runtime::node_count();
/// let ((), root) = create_root(|| { Signal::new(1); });
/// assert_eq!(Runtime::node_count(), before + 2); // the root and the signal
/// root.dispose();
/// assert_eq!(Runtime::node_count(), before);
/// ```
#[derive(Debug)]
pub struct Runtime {
    _private: (),
}

impl Runtime {
    /// Number of live nodes (signals, memos, effects, owners) in this thread's arena.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let n = Runtime::node_count();
    /// let s = Signal::new(());
    /// assert_eq!(Runtime::node_count(), n + 1);
    /// s.dispose();
    /// ```
    pub fn node_count() -> usize {
        with_engine(|e| e.graph.borrow().nodes.len())
    }

    /// Number of live dependency edges.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let s = Signal::new(1);
    /// let before = Runtime::edge_count();
    /// let m = Memo::new(move || s.get());
    /// m.get();
    /// assert_eq!(Runtime::edge_count(), before + 1);
    /// ```
    pub fn edge_count() -> usize {
        with_engine(|e| e.graph.borrow().live_links)
    }

    /// A consistent picture of the whole graph now: nodes, dependency edges and the owner
    /// tree.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let a = Signal::new(1).named("a");
    /// let double = Memo::new(move || a.get() * 2).named("double");
    /// double.get();
    /// let snap = Runtime::graph_snapshot();
    /// assert!(snap.edges.iter().any(|e| e.source == a.id() && e.target == double.id()));
    /// assert!(snap.to_dot().contains("double"));
    /// ```
    pub fn graph_snapshot() -> GraphSnapshot {
        with_engine(|e| {
            let g = e.graph.borrow();
            let mut nodes = Vec::with_capacity(g.nodes.len());
            let mut edges = Vec::new();
            for (id, n) in &g.nodes {
                let state = if n.flags & flags::COMPUTING != 0 {
                    NodeState::Running
                } else if n.flags & flags::FAILED != 0 {
                    NodeState::Failed
                } else if n.flags & flags::DIRTY != 0 {
                    NodeState::Dirty
                } else if n.flags & flags::PENDING != 0 {
                    NodeState::Check
                } else {
                    NodeState::Clean
                };
                let info = e.info(&g, id);
                nodes.push(NodeSnapshot {
                    id,
                    kind: n.kind,
                    name: info.name.map(|n| n.into_owned()),
                    state,
                    created_at: info.created_at.map(|l| l.to_string()),
                    owner: n.owner,
                });
                let mut link = n.deps_head;
                while link != NONE {
                    let l = &g.links[link as usize];
                    edges.push(EdgeSnapshot {
                        source: l.dep,
                        target: id,
                    });
                    link = l.next_dep;
                }
            }
            GraphSnapshot { nodes, edges }
        })
    }
}

/// The state of a node in a [`GraphSnapshot`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum NodeState {
    /// Up to date.
    Clean,
    /// A transitive source may have changed: sources are checked before the next read.
    Check,
    /// A direct source changed: recomputes on the next read (memo) or flush (effect).
    Dirty,
    /// The last computation panicked: recomputes on the next read.
    Failed,
    /// Its computation is running now.
    Running,
}

/// One node of a [`GraphSnapshot`].
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct NodeSnapshot {
    /// The node's id.
    #[cfg_attr(feature = "serde", serde(serialize_with = "ser_id"))]
    pub id: NodeId,
    /// Signal, memo, effect or owner.
    pub kind: NodeKind,
    /// Name given with `named`.
    pub name: Option<String>,
    /// Clean, check, dirty, failed or running.
    pub state: NodeState,
    /// `file:line:column` where it was created (debug builds).
    pub created_at: Option<String>,
    /// The owner that disposes it.
    #[cfg_attr(feature = "serde", serde(serialize_with = "ser_opt_id"))]
    pub owner: Option<NodeId>,
}

/// A dependency edge of a [`GraphSnapshot`]: `target` read `source` in its last run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct EdgeSnapshot {
    /// The node that was read.
    #[cfg_attr(feature = "serde", serde(serialize_with = "ser_id"))]
    pub source: NodeId,
    /// The memo or effect that read it.
    #[cfg_attr(feature = "serde", serde(serialize_with = "ser_id"))]
    pub target: NodeId,
}

/// The graph at one moment, from [`Runtime::graph_snapshot`]. With the `serde` feature it
/// serialises (ids as integers) for tools; [`to_dot`](GraphSnapshot::to_dot) draws it.
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GraphSnapshot {
    /// Every live node, in arena order.
    pub nodes: Vec<NodeSnapshot>,
    /// Every dependency edge, grouped by target in reading order.
    pub edges: Vec<EdgeSnapshot>,
}

impl GraphSnapshot {
    /// Graphviz DOT: solid arrows are data flow (source → reader), dashed grey arrows are
    /// ownership (owner → owned).
    ///
    /// ```
    /// # use reactive_core::*;
    /// let s = Signal::new(0).named("count");
    /// let dot = Runtime::graph_snapshot().to_dot();
    /// assert!(dot.starts_with("digraph reactive {") && dot.contains("count"));
    /// # let _ = s;
    /// ```
    pub fn to_dot(&self) -> String {
        let mut out = String::from("digraph reactive {\n  rankdir=LR;\n");
        for n in &self.nodes {
            let shape = match n.kind {
                NodeKind::Signal => "ellipse",
                NodeKind::Memo => "box",
                NodeKind::Effect => "doubleoctagon",
                NodeKind::Owner => "folder",
            };
            let mut label = format!("{:?} {}", n.kind, id_num(n.id));
            if let Some(name) = &n.name {
                let _ = write!(label, "\\n{}", escape(name));
            }
            if n.state != NodeState::Clean {
                let _ = write!(label, "\\n[{:?}]", n.state);
            }
            let _ = writeln!(
                out,
                "  n{} [shape={shape}, label=\"{label}\"];",
                id_num(n.id)
            );
        }
        for e in &self.edges {
            let _ = writeln!(out, "  n{} -> n{};", id_num(e.source), id_num(e.target));
        }
        for n in &self.nodes {
            if let Some(o) = n.owner {
                let _ = writeln!(
                    out,
                    "  n{} -> n{} [style=dashed, color=grey, arrowhead=none];",
                    id_num(o),
                    id_num(n.id)
                );
            }
        }
        out.push_str("}\n");
        out
    }
}

fn id_num(id: NodeId) -> u64 {
    slotmap::Key::data(&id).as_ffi()
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

#[cfg(feature = "serde")]
fn ser_id<S: serde::Serializer>(id: &NodeId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(id_num(*id))
}

#[cfg(feature = "serde")]
fn ser_opt_id<S: serde::Serializer>(id: &Option<NodeId>, s: S) -> Result<S::Ok, S::Error> {
    match id {
        Some(id) => s.serialize_some(&id_num(*id)),
        None => s.serialize_none(),
    }
}
