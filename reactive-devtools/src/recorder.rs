//! The [`Recorder`]: turns what happens on the reactive thread (runtime events, store commits,
//! scope trees, events) into [`Message`]s for the [`Outbox`], keeps the graph model (run
//! counts and times per node), and applies the page's [`Command`]s when the app pumps it.

mod attach;

pub use attach::AttachError;

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::rc::Rc;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use reactive_core::{
    NodeId, NodeInfo, NodeKind, NodeState, ObserverHandle, RunOutcome, Runtime, RuntimeEvent,
    RuntimeObserver, WithUntracked,
};
use reactive_store::Scope;

use crate::outbox::Outbox;
use crate::protocol::{Command, GraphNode, Message, WireId};

/// A node's id as an integer, as the protocol carries it.
///
/// ```
/// use reactive_core::Signal;
/// use reactive_devtools::{node_from_wire, wire_id};
/// let s = Signal::new(1);
/// assert_eq!(node_from_wire(wire_id(s.id())), s.id());
/// ```
pub fn wire_id(id: NodeId) -> WireId {
    slotmap::Key::data(&id).as_ffi()
}

/// The node id a wire id stands for (it may be stale: using it reports `Disposed`).
pub fn node_from_wire(id: WireId) -> NodeId {
    slotmap::KeyData::from_ffi(id).into()
}

fn kind_name(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Signal => "signal",
        NodeKind::Memo => "memo",
        NodeKind::Effect => "effect",
        NodeKind::Owner => "owner",
    }
}

fn state_name(state: NodeState) -> &'static str {
    match state {
        NodeState::Clean => "clean",
        NodeState::Check => "check",
        NodeState::Dirty => "dirty",
        NodeState::Failed => "failed",
        NodeState::Running => "running",
    }
}

/// Run statistics of one node.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Runs seen.
    pub runs: u64,
    /// Duration of the last one, in nanoseconds.
    pub last_ns: u64,
    /// Total duration, in nanoseconds.
    pub total_ns: u64,
}

/// Reads a node's value as text, for the inspector.
type Inspector = Rc<dyn Fn() -> Option<String>>;
/// Makes step `n` of a store's history current.
type Jumper = Rc<dyn Fn(usize) -> Result<(), String>>;

#[derive(Default)]
struct Model {
    stats: HashMap<WireId, RunStats>,
    run_seq: u64,
    graph_dirty: bool,
    last_graph: Option<Instant>,
    last_scopes: Option<Instant>,
    inspectors: HashMap<WireId, Inspector>,
    values_dirty: HashSet<WireId>,
    stores: HashMap<String, Jumper>,
    scopes: Vec<(Scope, Option<Message>)>,
    /// Records scope access decisions once a scope tree is attached.
    access_log: Option<reactive_store::AccessLog>,
    /// Event stores watched: each polled by `pump` for what was appended since.
    event_stores: Vec<EventStorePoll>,
}

/// Reads the events appended to a watched event store since the last call.
type EventStorePoll = Rc<dyn Fn() -> Vec<Message>>;

struct Inner {
    outbox: Outbox,
    commands: Option<Receiver<Command>>,
    interval: Duration,
    model: RefCell<Model>,
    /// The recorder's place among the thread's runtime observers, while installed.
    installed: RefCell<Option<ObserverHandle>>,
}

/// The reactive thread's half of the devtools: records what happens into messages for an
/// [`Outbox`] and applies commands when [`pump`](Recorder::pump)ed. `!Send`: it lives on the
/// thread whose runtime it observes. `Devtools` (from [`serve`](crate::serve)) wraps one;
/// use a bare recorder to send the messages elsewhere (a file, a test).
///
/// ```
/// use reactive_core::{Effect, Signal};
/// use reactive_devtools::{Message, Outbox, Recorder};
/// use std::time::Duration;
///
/// let (outbox, inbox) = Outbox::bounded(1024);
/// let recorder = Recorder::new(outbox, None, Duration::ZERO);
/// recorder.install();
/// let count = Signal::new(0).named("count");
/// Effect::new(move || { count.get(); });
/// count.set(1);
/// recorder.pump();
/// recorder.uninstall();
/// let messages: Vec<Message> = inbox.try_iter().map(|m| serde_json::from_str(&m).unwrap()).collect();
/// assert!(messages.iter().any(|m| matches!(m, Message::Run { triggered_by, .. } if triggered_by == &[reactive_devtools::wire_id(count.id())])));
/// assert!(messages.iter().any(|m| matches!(m, Message::Graph { .. })));
/// ```
#[derive(Clone)]
pub struct Recorder {
    inner: Rc<Inner>,
}

impl Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("dropped", &self.inner.outbox.dropped())
            .finish_non_exhaustive()
    }
}

struct Observer(Rc<Inner>);

impl RuntimeObserver for Observer {
    fn on_event(&self, event: &RuntimeEvent) {
        self.0.record(event);
    }
}

impl Inner {
    fn send(&self, message: &Message) {
        self.outbox.send(message);
    }

    fn record(&self, event: &RuntimeEvent) {
        match event {
            RuntimeEvent::Created { node, owner } => {
                self.model.borrow_mut().graph_dirty = true;
                self.send(&Message::NodeCreated {
                    id: wire_id(node.id),
                    kind: kind_name(node.kind).into(),
                    name: node.name.as_ref().map(|n| n.to_string()),
                    owner: owner.map(wire_id),
                    created_at: node.created_at.map(|l| l.to_string()),
                });
            }
            RuntimeEvent::Disposed { node } => {
                let id = wire_id(node.id);
                {
                    let mut model = self.model.borrow_mut();
                    model.graph_dirty = true;
                    model.stats.remove(&id);
                    model.inspectors.remove(&id);
                    model.values_dirty.remove(&id);
                }
                self.send(&Message::NodeDisposed { id });
            }
            RuntimeEvent::Written { signal, changed } => {
                let id = wire_id(signal.id);
                if *changed {
                    self.mark_value(id);
                }
                self.send(&Message::Written {
                    id,
                    changed: *changed,
                });
            }
            RuntimeEvent::RunFinished {
                node,
                triggered_by,
                outcome,
                duration,
            } => self.record_run(node, triggered_by, *outcome, *duration),
            RuntimeEvent::FlushFinished { rounds, duration } => self.send(&Message::Flush {
                rounds: *rounds,
                duration_ns: nanos(*duration),
            }),
            _ => {}
        }
    }

    fn mark_value(&self, id: WireId) {
        let mut model = self.model.borrow_mut();
        if model.inspectors.contains_key(&id) {
            model.values_dirty.insert(id);
        }
    }

    fn record_run(
        &self,
        node: &NodeInfo,
        triggered_by: &[NodeId],
        outcome: RunOutcome,
        duration: Duration,
    ) {
        let id = wire_id(node.id);
        let ns = nanos(duration);
        let seq = {
            let mut model = self.model.borrow_mut();
            model.graph_dirty = true;
            let stats = model.stats.entry(id).or_default();
            stats.runs += 1;
            stats.last_ns = ns;
            stats.total_ns = stats.total_ns.saturating_add(ns);
            model.run_seq += 1;
            model.run_seq
        };
        if outcome == RunOutcome::Changed {
            self.mark_value(id);
        }
        let outcome = match outcome {
            RunOutcome::Changed => "changed",
            RunOutcome::Unchanged => "unchanged",
            RunOutcome::Panicked => "panicked",
            _ => "unknown",
        };
        self.send(&Message::Run {
            seq,
            id,
            triggered_by: triggered_by.iter().copied().map(wire_id).collect(),
            outcome: outcome.into(),
            duration_ns: ns,
        });
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Recorder {
    /// A recorder sending to `outbox`, taking page commands from `commands` (if any), and
    /// sending the whole graph (and attached scope trees) at most once per `interval` when they
    /// changed. Not yet installed: see [`install`](Recorder::install).
    pub fn new(
        outbox: Outbox,
        commands: Option<Receiver<Command>>,
        interval: Duration,
    ) -> Recorder {
        Recorder {
            inner: Rc::new(Inner {
                outbox,
                commands,
                interval,
                model: RefCell::new(Model {
                    graph_dirty: true,
                    ..Model::default()
                }),
                installed: RefCell::new(None),
            }),
        }
    }

    /// Adds this recorder to the thread's runtime observers, beside the others (the `tracing`
    /// one, an observer of the app's own): `reactive_core::Runtime::add_observer`. Installing
    /// an installed recorder does nothing.
    ///
    /// ```
    /// # use reactive_core::*; use reactive_devtools::*; use std::{cell::Cell, rc::Rc, time::Duration};
    /// let writes = Rc::new(Cell::new(0));
    /// let counted = writes.clone();
    /// let _mine = Runtime::add_observer(move |e: &RuntimeEvent| {
    ///     if matches!(e, RuntimeEvent::Written { .. }) { counted.set(counted.get() + 1) }
    /// });
    /// let (outbox, _inbox) = Outbox::bounded(64);
    /// let recorder = Recorder::new(outbox, None, Duration::ZERO);
    /// recorder.install();
    /// let s = Signal::new(0);
    /// let m = Memo::new(move || s.get());
    /// m.get();
    /// s.set(1);
    /// m.get();
    /// recorder.uninstall(); // removes the recorder only
    /// s.set(2);
    /// assert_eq!((recorder.stats(m.id()).runs, writes.get()), (2, 2));
    /// ```
    pub fn install(&self) {
        let mut installed = self.inner.installed.borrow_mut();
        if installed.as_ref().is_none_or(|h| !h.is_installed()) {
            *installed = Some(Runtime::add_observer(Observer(self.inner.clone())));
        }
    }

    /// Removes this recorder from the thread's runtime observers (the others stay; with none
    /// left, events cost nothing again).
    pub fn uninstall(&self) {
        let handle = self.inner.installed.borrow_mut().take();
        drop(handle);
    }

    /// Messages dropped so far because the queue to the server was full.
    pub fn dropped(&self) -> u64 {
        self.inner.outbox.dropped()
    }

    /// Run statistics of a node, as recorded since installation.
    ///
    /// ```
    /// # use reactive_core::*; use reactive_devtools::*; use std::time::Duration;
    /// let (outbox, _inbox) = Outbox::bounded(64);
    /// let recorder = Recorder::new(outbox, None, Duration::ZERO);
    /// recorder.install();
    /// let s = Signal::new(1);
    /// let m = Memo::new(move || s.get() + 1);
    /// m.get();
    /// s.set(2);
    /// m.get();
    /// assert_eq!(recorder.stats(m.id()).runs, 2);
    /// # recorder.uninstall();
    /// ```
    pub fn stats(&self, id: NodeId) -> RunStats {
        let model = self.inner.model.borrow();
        model.stats.get(&wire_id(id)).copied().unwrap_or_default()
    }

    /// Registers a node whose value the page may read (its `{:#?}`): a signal, memo, or
    /// anything readable, under the node id `id`. Its value is sent again whenever it changes.
    ///
    /// ```
    /// # use reactive_core::*; use reactive_devtools::*; use std::time::Duration;
    /// let (outbox, inbox) = Outbox::bounded(64);
    /// let recorder = Recorder::new(outbox, None, Duration::ZERO);
    /// let count = Signal::new(41);
    /// recorder.inspect(count.id(), count);
    /// assert_eq!(recorder.value_of(wire_id(count.id())).as_deref(), Some("41"));
    /// ```
    pub fn inspect<R>(&self, id: NodeId, node: R)
    where
        R: WithUntracked + 'static,
        R::Value: Debug,
    {
        let read: Inspector = Rc::new(move || node.try_with_untracked(|v| format!("{v:#?}")).ok());
        let id = wire_id(id);
        let mut model = self.inner.model.borrow_mut();
        model.inspectors.insert(id, read);
        model.values_dirty.insert(id);
        model.graph_dirty = true;
    }

    /// The value of a node registered with [`inspect`](Recorder::inspect), as text; `None`
    /// for a node not registered, or gone.
    pub fn value_of(&self, id: WireId) -> Option<String> {
        let read = self.inner.model.borrow().inspectors.get(&id).cloned()?;
        // Called without the model borrowed: reading a memo may recompute it, which the
        // observer records.
        read()
    }

    /// Applies the commands the page sent since the last call, then sends what changed: the
    /// values of inspectable nodes, the graph and the attached scope trees (at most once per
    /// interval). Call it from the app's loop, on the thread the recorder lives on; it never
    /// waits. Returns the number of commands applied.
    pub fn pump(&self) -> usize {
        self.send_decisions();
        let commands: Vec<Command> = match &self.inner.commands {
            Some(rx) => rx.try_iter().collect(),
            None => Vec::new(),
        };
        let applied = commands.len();
        for command in commands {
            self.apply(command);
        }
        self.send_values();
        let now = Instant::now();
        let due = |last: Option<Instant>| {
            last.is_none_or(|t| now.duration_since(t) >= self.inner.interval)
        };
        let graph_due = {
            let model = self.inner.model.borrow();
            model.graph_dirty && due(model.last_graph)
        };
        if graph_due {
            self.send_graph();
            let mut model = self.inner.model.borrow_mut();
            model.graph_dirty = false;
            model.last_graph = Some(now);
        }
        let polls: Vec<EventStorePoll> = self.inner.model.borrow().event_stores.clone();
        for poll in polls {
            for message in poll() {
                self.inner.send(&message);
            }
        }
        let scopes_due = due(self.inner.model.borrow().last_scopes);
        if scopes_due {
            self.send_scopes();
            self.inner.model.borrow_mut().last_scopes = Some(now);
        }
        // What the recorder itself read of the scope trees is not the app's doing.
        self.forget_decisions();
        applied
    }

    /// Applies one command now (as [`pump`](Recorder::pump) does for the page's). Failures
    /// are reported to the page as [`Message::CommandFailed`].
    pub fn apply(&self, command: Command) {
        match command {
            Command::Inspect { id } => {
                let value = self.value_of(id);
                self.inner.send(&Message::Value { id, value });
            }
            Command::Jump { store, step } => {
                let jump = self.inner.model.borrow().stores.get(&store).cloned();
                let result = match jump {
                    Some(jump) => jump(step),
                    None => Err(format!("no store attached as {store:?}")),
                };
                if let Err(message) = result {
                    self.inner.send(&Message::CommandFailed { message });
                }
            }
        }
    }

    fn send_values(&self) {
        let dirty: Vec<(WireId, Inspector)> = {
            let mut model = self.inner.model.borrow_mut();
            let ids: Vec<WireId> = model.values_dirty.drain().collect();
            ids.into_iter()
                .filter_map(|id| model.inspectors.get(&id).map(|r| (id, r.clone())))
                .collect()
        };
        for (id, read) in dirty {
            let value = read();
            self.inner.send(&Message::Value { id, value });
        }
    }

    fn send_graph(&self) {
        let snapshot = Runtime::graph_snapshot();
        let model = self.inner.model.borrow();
        let nodes = snapshot
            .nodes
            .iter()
            .map(|n| {
                let id = wire_id(n.id);
                let stats = model.stats.get(&id).copied().unwrap_or_default();
                GraphNode {
                    id,
                    kind: kind_name(n.kind).into(),
                    name: n.name.clone(),
                    state: state_name(n.state).into(),
                    owner: n.owner.map(wire_id),
                    created_at: n.created_at.clone(),
                    runs: stats.runs,
                    last_ns: stats.last_ns,
                    total_ns: stats.total_ns,
                    inspectable: model.inspectors.contains_key(&id),
                }
            })
            .collect();
        let edges = snapshot
            .edges
            .iter()
            .map(|e| [wire_id(e.source), wire_id(e.target)])
            .collect();
        drop(model);
        self.inner.send(&Message::Graph { nodes, edges });
    }
}

#[cfg(test)]
mod tests;
