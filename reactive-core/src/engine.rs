//! The per-thread engine: the node arena, the link arena and the scheduling state.
//!
//! Everything here is crate-private. The public handles (`Signal`, `Memo`, `Effect`, `Owner`)
//! are generational keys into [`Graph::nodes`]; all user code (closures, `Clone`, `PartialEq`,
//! `Drop` of values) runs while no `RefCell` of the engine is borrowed, so user code may freely
//! call back into the runtime.

mod dispose;
mod flush;
mod graph;
mod propagate;
pub(crate) mod revert;
mod run;

use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::panic::Location;
use std::rc::Rc;

use slotmap::{SecondaryMap, SlotMap, new_key_type};

use crate::error::{NodeInfo, ReactiveError};
use crate::observer::{RuntimeEvent, RuntimeObserver};

pub(crate) use revert::{Before, same_value};
pub(crate) use run::CycleUnwind;

new_key_type! {
    /// Identifies a node (signal, memo, effect or owner) in this thread's arena.
    ///
    /// The key is generational: once its node is disposed, the key never names another node, so
    /// a stale handle is detected and reported as [`ReactiveError::Disposed`].
    pub struct NodeId;
}

/// "No link": the end of an intrusive link list.
pub(crate) const NONE: u32 = u32::MAX;

/// What a node is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
pub enum NodeKind {
    /// A source of values, written from outside ([`Signal`](crate::Signal)).
    Signal,
    /// A cached derived value ([`Memo`](crate::Memo)).
    Memo,
    /// A side effect that re-runs when what it read changes ([`Effect`](crate::Effect)).
    Effect,
    /// A pure owner: a root or a child scope ([`Owner`](crate::Owner)).
    Owner,
}

/// Node state bits.
pub(crate) mod flags {
    /// A direct source changed: the node must recompute. On a signal: written in a batch by a
    /// comparing write, not settled yet (see `engine/revert.rs`).
    pub const DIRTY: u8 = 1;
    /// A transitive source may have changed: check the sources, in order, before recomputing.
    pub const PENDING: u8 = 1 << 1;
    /// The last computation panicked. Reads recompute; marking passes through as if clean.
    pub const FAILED: u8 = 1 << 2;
    /// The node's computation is running now.
    pub const COMPUTING: u8 = 1 << 3;
    /// The effect is in the flush queue.
    pub const QUEUED: u8 = 1 << 4;
    /// An internal effect that runs before user effects in each flush round.
    pub const SYSTEM: u8 = 1 << 5;
}

/// A type-erased computation: the body of a memo or an effect.
pub(crate) trait Compute {
    /// Runs the computation; `value` is the node's current value (`None` before the first run).
    /// Returns whether the value changed (effects always return `true`).
    fn run(&mut self, value: &mut Option<Rc<dyn Any>>) -> bool;
}

/// One node of the graph. Untyped: values are `Rc<dyn Any>` so reads can hand out a borrow
/// without holding the arena borrowed (user code may run during a `with`).
pub(crate) struct Node {
    /// What the node is.
    pub kind: NodeKind,
    /// State bits, see [`flags`].
    pub flags: u8,
    /// Counts this node's runs; links confirmed during the current run carry the same number.
    /// A signal never runs: while it is written in a batch and not settled (`DIRTY`), this is
    /// the index of what its readers last saw in [`Engine::befores`].
    pub epoch: u32,
    /// The current value (signals, memos). Taken out while a computation or `update` runs.
    pub value: Option<Rc<dyn Any>>,
    /// The computation (memos, effects). Taken out while it runs.
    pub compute: Option<Box<dyn Compute>>,
    /// First link of the sources list, in reading order.
    pub deps_head: u32,
    /// While running: the last source confirmed in this run (the tracking cursor).
    /// Otherwise: the last link of the sources list.
    pub deps_tail: u32,
    /// First link of the subscribers list.
    pub subs_head: u32,
    /// Last link of the subscribers list.
    pub subs_tail: u32,
    /// The owner that disposes this node; `None` for roots and detached nodes.
    pub owner: Option<NodeId>,
    /// Most recently created owned node (children are prepended: disposal runs newest first).
    pub first_child: Option<NodeId>,
    /// Previous node in the owner's children list.
    pub prev_sibling: Option<NodeId>,
    /// Next node in the owner's children list.
    pub next_sibling: Option<NodeId>,
    /// Creation order; orders effects within a flush round (owner before owned).
    pub seq: u64,
    /// Rarely used data, boxed so that plain nodes stay small.
    pub extras: Option<Box<Extras>>,
    /// Where the node was created (debug builds).
    #[cfg(debug_assertions)]
    pub created_at: &'static Location<'static>,
}

/// Per-node data that most nodes never need.
#[derive(Default)]
pub(crate) struct Extras {
    /// Name for diagnostics.
    pub name: Option<Cow<'static, str>>,
    /// Cleanups to run before the next run and on disposal.
    pub cleanups: Vec<Box<dyn FnOnce()>>,
    /// Context values provided by this owner.
    pub contexts: Vec<(TypeId, Rc<dyn Any>)>,
}

/// An edge `dep → sub`, threaded through two intrusive doubly linked lists: the sources list of
/// `sub` and the subscribers list of `dep`. Links live in [`Graph::links`] and are recycled.
#[derive(Clone, Copy)]
pub(crate) struct Link {
    pub dep: NodeId,
    pub sub: NodeId,
    pub prev_dep: u32,
    pub next_dep: u32,
    pub prev_sub: u32,
    pub next_sub: u32,
    /// The `epoch` of `sub` when the link was last confirmed.
    pub epoch: u32,
}

/// The arenas: nodes and links.
pub(crate) struct Graph {
    pub nodes: SlotMap<NodeId, Node>,
    pub links: Vec<Link>,
    /// Head of the free list threaded through `Link::next_dep` of free links (whose `dep` is
    /// the null key).
    pub free_link: u32,
    /// Number of links in use.
    pub live_links: usize,
    /// Links freed since the free list was last put in address order.
    pub frees_since_sort: usize,
    /// The work-list of marking (links whose subscribers are still to be marked `PENDING`).
    /// Marking runs inside one arena borrow and calls no user code, so it never nests: it takes
    /// this list out and puts it back, allocating nothing in steady state and borrowing no
    /// pool.
    pub mark_stack: Vec<u32>,
}

/// The per-thread runtime state.
pub(crate) struct Engine {
    pub graph: RefCell<Graph>,
    /// The computation whose reads are being tracked.
    pub observer: Cell<Option<NodeId>>,
    /// The owner of nodes created now.
    pub owner: Cell<Option<NodeId>>,
    /// The innermost memo being computed (writes are refused while it is set).
    pub computing_memo: Cell<Option<NodeId>>,
    /// Reads bringing a memo up to date on the stack now: a cycle found inside one of them
    /// unwinds to it quietly and becomes its error (see `Engine::update_memo_for_read`).
    pub cycle_catchers: Cell<u32>,
    /// Depth of nested `batch` calls.
    pub batch_depth: Cell<u32>,
    /// For each signal written in a batch and not settled yet: what its readers last saw, at
    /// the index its `epoch` holds (kept dense: a removal moves the last entry into the gap).
    pub befores: RefCell<Vec<(NodeId, Before)>>,
    /// Boxes of settled values kept for reuse, with their type (`engine/revert.rs`).
    pub spare_values: RefCell<Vec<(TypeId, Rc<dyn Any>)>>,
    /// Whether an observer is installed: the one check event sites make when none is.
    pub hooked: Cell<bool>,
    /// The runtime observer.
    pub hook: RefCell<Option<Rc<dyn RuntimeObserver>>>,
    /// The observer is running (events it causes are not reported to it).
    pub in_hook: Cell<bool>,
    /// While an observer is installed: for each node marked dirty, the sources that did it.
    /// Dense (indexed by slot, like the arena), so its memory follows the arena's.
    pub triggers: RefCell<SecondaryMap<NodeId, Vec<NodeId>>>,
    /// A flush loop is running on the stack.
    pub flushing: Cell<bool>,
    /// Effects waiting for the next flush round, with their run-order keys.
    pub queue: RefCell<Vec<(u64, NodeId)>>,
    /// Whether `queue` is in run order (pushes usually arrive in order: no sort needed).
    pub queue_sorted: Cell<bool>,
    /// The flush round being run, and how far it got (for recovery after a panic).
    pub running: RefCell<Vec<(u64, NodeId)>>,
    pub running_pos: Cell<usize>,
    /// Next creation sequence number.
    pub next_seq: Cell<u64>,
    /// Reusable work-lists for checks (which nest: a check may run a memo whose body reads
    /// another memo), so pulling allocates nothing in steady state.
    pub check_stacks: RefCell<Vec<Vec<(NodeId, u32)>>>,
}

thread_local! {
    static ENGINE: Engine = Engine::new();
}

/// Runs `f` with this thread's engine.
#[inline]
pub(crate) fn with_engine<R>(f: impl FnOnce(&Engine) -> R) -> R {
    ENGINE.with(f)
}

/// The caller's source location, recorded by `#[track_caller]` entry points.
pub(crate) type Caller = &'static Location<'static>;

impl Engine {
    fn new() -> Self {
        Engine {
            graph: RefCell::new(Graph {
                nodes: SlotMap::with_key(),
                links: Vec::new(),
                free_link: NONE,
                live_links: 0,
                frees_since_sort: 0,
                mark_stack: Vec::new(),
            }),
            observer: Cell::new(None),
            owner: Cell::new(None),
            computing_memo: Cell::new(None),
            cycle_catchers: Cell::new(0),
            batch_depth: Cell::new(0),
            befores: RefCell::new(Vec::new()),
            spare_values: RefCell::new(Vec::new()),
            hooked: Cell::new(cfg!(feature = "tracing")),
            #[cfg(feature = "tracing")]
            hook: RefCell::new(Some(Rc::new(crate::observer::TracingObserver::default()))),
            #[cfg(not(feature = "tracing"))]
            hook: RefCell::new(None),
            in_hook: Cell::new(false),
            triggers: RefCell::new(SecondaryMap::new()),
            flushing: Cell::new(false),
            queue: RefCell::new(Vec::new()),
            queue_sorted: Cell::new(true),
            running: RefCell::new(Vec::new()),
            running_pos: Cell::new(0),
            next_seq: Cell::new(0),
            check_stacks: RefCell::new(Vec::new()),
        }
    }

    /// Inserts a node owned by the current owner (or detached when `detached`).
    pub fn create_node(
        &self,
        kind: NodeKind,
        value: Option<Rc<dyn Any>>,
        compute: Option<Box<dyn Compute>>,
        node_flags: u8,
        detached: bool,
        created_at: Caller,
    ) -> NodeId {
        #[cfg(not(debug_assertions))]
        let _ = created_at;
        let seq = self.next_seq.get();
        self.next_seq.set(seq + 1);
        let mut g = self.graph.borrow_mut();
        let owner = if detached {
            None
        } else {
            self.owner.get().filter(|o| g.nodes.contains_key(*o))
        };
        let first_sibling = owner.and_then(|o| g.nodes[o].first_child);
        let id = g.nodes.insert(Node {
            kind,
            flags: node_flags,
            epoch: 0,
            value,
            compute,
            deps_head: NONE,
            deps_tail: NONE,
            subs_head: NONE,
            subs_tail: NONE,
            owner,
            first_child: None,
            prev_sibling: None,
            next_sibling: first_sibling,
            seq,
            extras: None,
            #[cfg(debug_assertions)]
            created_at,
        });
        if let Some(o) = owner {
            if let Some(s) = first_sibling {
                g.nodes[s].prev_sibling = Some(id);
            }
            g.nodes[o].first_child = Some(id);
        }
        drop(g);
        if self.hooked.get() {
            self.emit(|e| RuntimeEvent::Created {
                node: e.info_of(id),
                owner,
            });
        }
        id
    }

    /// Describes a live node for an error message.
    pub fn info(&self, g: &Graph, id: NodeId) -> NodeInfo {
        match g.nodes.get(id) {
            Some(n) => NodeInfo {
                id,
                kind: n.kind,
                name: n.extras.as_ref().and_then(|e| e.name.clone()),
                #[cfg(debug_assertions)]
                created_at: Some(n.created_at),
                #[cfg(not(debug_assertions))]
                created_at: None,
            },
            None => NodeInfo {
                id,
                kind: NodeKind::Signal,
                name: None,
                created_at: None,
            },
        }
    }

    /// Describes a node by id, borrowing the graph briefly.
    pub fn info_of(&self, id: NodeId) -> NodeInfo {
        self.info(&self.graph.borrow(), id)
    }

    /// The extras of a live node, created on first use.
    pub fn extras_mut(g: &mut Graph, id: NodeId) -> Option<&mut Extras> {
        let node = g.nodes.get_mut(id)?;
        Some(node.extras.get_or_insert_with(Default::default))
    }

    /// Reads a node's value for `with`/`get`: tracks it (when `track`), brings a memo up to date,
    /// and returns a shared handle to the value so the arena is not borrowed while the caller
    /// looks at it.
    #[inline]
    pub fn value_for_read(
        &self,
        id: NodeId,
        track: bool,
        at: Caller,
    ) -> Result<Rc<dyn Any>, ReactiveError> {
        // Fast path: a signal not written in this batch, or a memo that is up to date.
        {
            let mut g = self.graph.borrow_mut();
            if let Some(node) = g.nodes.get(id) {
                if node.flags & (flags::DIRTY | flags::PENDING | flags::FAILED) == 0 {
                    if let Some(value) = &node.value {
                        let value = value.clone();
                        if track {
                            self.track(&mut g, id);
                        }
                        return Ok(value);
                    }
                }
            }
        }
        self.value_for_read_slow(id, track, at)
    }

    /// The rest of [`value_for_read`](Self::value_for_read): stale memos, and every error.
    #[inline(never)]
    fn value_for_read_slow(
        &self,
        id: NodeId,
        track: bool,
        at: Caller,
    ) -> Result<Rc<dyn Any>, ReactiveError> {
        if track && self.observer.get().is_some() {
            // A signal written in this batch: the reader will see its current value, so settle
            // it first (see `engine/revert.rs`).
            self.settle(id);
        }
        {
            let mut g = self.graph.borrow_mut();
            let Some(node) = g.nodes.get(id) else {
                return Err(ReactiveError::disposed(id, at));
            };
            let ready = node.kind != NodeKind::Memo
                || node.flags & (flags::DIRTY | flags::PENDING | flags::FAILED) == 0;
            let value = if ready { node.value.clone() } else { None };
            if track {
                self.track(&mut g, id);
            }
            if let Some(value) = value {
                return Ok(value);
            }
            if ready {
                let node = &g.nodes[id];
                return Err(if node.flags & flags::COMPUTING != 0 {
                    ReactiveError::Cycle {
                        node: self.info(&g, id),
                        at,
                    }
                } else {
                    ReactiveError::Borrowed {
                        node: self.info(&g, id),
                        at,
                    }
                });
            }
        }
        self.update_memo_for_read(id, at)?;
        let g = self.graph.borrow();
        match g.nodes.get(id) {
            Some(node) => match &node.value {
                Some(v) => Ok(v.clone()),
                None => Err(ReactiveError::Cycle {
                    node: self.info(&g, id),
                    at,
                }),
            },
            None => Err(ReactiveError::disposed(id, at)),
        }
    }

    /// Takes a signal's value out for writing, refusing writes inside a memo. Also says whether
    /// a comparing write that changes the value must keep the old one (`engine/revert.rs`):
    /// inside a batch, when the signal has readers and keeps none yet.
    pub fn take_for_write(
        &self,
        id: NodeId,
        at: Caller,
    ) -> Result<(Rc<dyn Any>, bool), ReactiveError> {
        let mut g = self.graph.borrow_mut();
        if let Some(memo) = self.computing_memo.get() {
            if g.nodes.contains_key(id) {
                return Err(ReactiveError::WriteInsideMemo {
                    signal: self.info(&g, id),
                    memo: self.info(&g, memo),
                    at,
                });
            }
        }
        let Some(node) = g.nodes.get_mut(id) else {
            return Err(ReactiveError::disposed(id, at));
        };
        let keep =
            self.batch_depth.get() > 0 && node.subs_head != NONE && node.flags & flags::DIRTY == 0;
        match node.value.take() {
            Some(v) => Ok((v, keep)),
            None => Err(ReactiveError::Borrowed {
                node: self.info(&g, id),
                at,
            }),
        }
    }

    /// Puts a value taken by [`take_for_write`](Self::take_for_write) back and, when
    /// `changed`, notifies subscribers and flushes (unless batching). `compared`: the write
    /// compared values (`set_if_changed`), so a revert within the batch can undo it; `before`:
    /// the value replaced, kept by the first such write of the batch.
    pub fn put_back(
        &self,
        id: NodeId,
        value: Rc<dyn Any>,
        changed: bool,
        compared: bool,
        before: Option<Before>,
    ) -> Result<(), ReactiveError> {
        {
            let mut g = self.graph.borrow_mut();
            let Some(node) = g.nodes.get_mut(id) else {
                drop(g);
                drop(value);
                return Ok(());
            };
            node.value = Some(value);
            if changed {
                let dropped = match before {
                    Some(before) => {
                        self.keep_before(&mut g, id, before);
                        None
                    }
                    None => self.mark_written(&mut g, id, compared),
                };
                drop(g);
                drop(dropped);
            }
        }
        if self.hooked.get() {
            self.emit(|e| RuntimeEvent::Written {
                signal: e.info_of(id),
                changed,
            });
        }
        if changed {
            self.flush_if_idle()
        } else {
            Ok(())
        }
    }

    /// Marks the subscribers of `id` as if it changed and flushes (unless batching).
    pub fn notify(&self, id: NodeId, at: Caller) -> Result<(), ReactiveError> {
        {
            let mut g = self.graph.borrow_mut();
            if !g.nodes.contains_key(id) {
                return Err(ReactiveError::disposed(id, at));
            }
            if let Some(memo) = self.computing_memo.get() {
                return Err(ReactiveError::WriteInsideMemo {
                    signal: self.info(&g, id),
                    memo: self.info(&g, memo),
                    at,
                });
            }
            let before = self.mark_written(&mut g, id, false);
            drop(g);
            drop(before);
        }
        if self.hooked.get() {
            self.emit(|e| RuntimeEvent::Written {
                signal: e.info_of(id),
                changed: true,
            });
        }
        self.flush_if_idle()
    }

    /// Tracks `id` as a source of the current observer, if it is live.
    pub fn track_only(&self, id: NodeId, at: Caller) -> Result<(), ReactiveError> {
        let mut g = self.graph.borrow_mut();
        if !g.nodes.contains_key(id) {
            return Err(ReactiveError::disposed(id, at));
        }
        self.track(&mut g, id);
        Ok(())
    }

    /// Whether `id` names a live node.
    pub fn contains(&self, id: NodeId) -> bool {
        self.graph.borrow().nodes.contains_key(id)
    }

    /// Sets the diagnostic name of a node.
    pub fn set_name(&self, id: NodeId, name: Cow<'static, str>) {
        let mut g = self.graph.borrow_mut();
        if let Some(extras) = Self::extras_mut(&mut g, id) {
            extras.name = Some(name);
        }
    }

    /// Runs `f` with `observer` as the tracking observer.
    pub fn with_observer<R>(&self, observer: Option<NodeId>, f: impl FnOnce() -> R) -> R {
        struct Restore<'a>(&'a Cell<Option<NodeId>>, Option<NodeId>);
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                self.0.set(self.1);
            }
        }
        let _restore = Restore(&self.observer, self.observer.replace(observer));
        f()
    }

    /// Runs `f` with `owner` as the owner of new nodes (and no observer).
    pub fn with_owner<R>(&self, owner: Option<NodeId>, f: impl FnOnce() -> R) -> R {
        struct Restore<'a>(&'a Engine, Option<NodeId>, Option<NodeId>);
        impl Drop for Restore<'_> {
            fn drop(&mut self) {
                self.0.owner.set(self.1);
                self.0.observer.set(self.2);
            }
        }
        let _restore = Restore(self, self.owner.replace(owner), self.observer.replace(None));
        f()
    }
}

/// Pooled work-list: taken from the engine, returned (cleared) when dropped.
pub(crate) struct Pooled<'a, T> {
    pool: &'a RefCell<Vec<Vec<T>>>,
    pub list: Vec<T>,
}

impl<'a, T> Pooled<'a, T> {
    pub fn take(pool: &'a RefCell<Vec<Vec<T>>>) -> Self {
        let list = pool.borrow_mut().pop().unwrap_or_default();
        Pooled { pool, list }
    }
}

impl<T> Drop for Pooled<'_, T> {
    fn drop(&mut self) {
        let mut list = std::mem::take(&mut self.list);
        list.clear();
        self.pool.borrow_mut().push(list);
    }
}
