//! Runtime events: one optional observer told what the engine does ([`Runtime::set_observer`]).

use std::rc::Rc;
use std::time::Duration;

use crate::diagnostics::Runtime;
use crate::engine::{Engine, Graph, NONE, NodeId, flags, with_engine};
use crate::error::NodeInfo;

/// Receives the [`RuntimeEvent`]s of this thread's runtime, once installed with
/// [`Runtime::set_observer`]. Closures `Fn(&RuntimeEvent)` are observers.
///
/// The observer is called synchronously, while the engine borrows nothing, untracked (what it
/// reads subscribes no computation). Events raised while it runs (say, by a node it creates) are
/// not reported to it. It is meant to record, not to act: writing signals from it works but
/// interleaves its writes with the ones it is told about. If it panics, the panic continues
/// into the code that raised the event, like a panic of any user code.
pub trait RuntimeObserver {
    /// Called for each event.
    fn on_event(&self, event: &RuntimeEvent);
}

impl<F: Fn(&RuntimeEvent)> RuntimeObserver for F {
    fn on_event(&self, event: &RuntimeEvent) {
        self(event)
    }
}

impl<O: RuntimeObserver + ?Sized> RuntimeObserver for Rc<O> {
    fn on_event(&self, event: &RuntimeEvent) {
        (**self).on_event(event)
    }
}

/// Something the runtime did, as told to the [`RuntimeObserver`].
///
/// Nodes are described by [`NodeInfo`]: id, kind, the name given with `named` (if any when the
/// event happens; a node is named after it is created) and, in debug builds, where it was
/// created.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum RuntimeEvent {
    /// A node was created.
    Created {
        /// The new node.
        node: NodeInfo,
        /// The owner that will dispose it, if any.
        owner: Option<NodeId>,
    },
    /// A node was disposed (reported as it is freed, after its cleanups ran).
    Disposed {
        /// The node, as it was.
        node: NodeInfo,
    },
    /// A signal was written (`set`, `update`, … and `notify`).
    Written {
        /// The signal.
        signal: NodeInfo,
        /// Whether the write notified readers: false for a `set_if_changed` or
        /// `update_if_changed` that left the value equal.
        changed: bool,
    },
    /// A signal written by comparing writes inside a batch was compared with the value its
    /// readers last saw (the revert rule: written and written back is no change).
    Settled {
        /// The signal.
        signal: NodeInfo,
        /// Whether its value differed: only then do its readers recompute.
        changed: bool,
    },
    /// A memo started recomputing, or an effect started running.
    RunStarted {
        /// The memo or effect.
        node: NodeInfo,
        /// The sources whose change made it run: signals written, memos whose value changed,
        /// as known when the run started (a memo source that recomputes inside this very run
        /// and changes is not listed: it was not why the run started). Empty for a first run,
        /// and for a memo read after its previous run panicked.
        triggered_by: Vec<NodeId>,
    },
    /// A run reported by [`RunStarted`](RuntimeEvent::RunStarted) ended (runs nest: a memo
    /// read by an effect recomputes inside the effect's run).
    RunFinished {
        /// The memo or effect.
        node: NodeInfo,
        /// As in `RunStarted`.
        triggered_by: Vec<NodeId>,
        /// How it ended.
        outcome: RunOutcome,
        /// Wall-clock time of the run, nested runs included.
        duration: Duration,
    },
    /// The effect queue started to be flushed.
    FlushStarted,
    /// The flush ended: no effect is queued any more, or it was interrupted (a panicking
    /// effect, [`ReactiveError::Unsettled`](crate::ReactiveError::Unsettled)).
    FlushFinished {
        /// Rounds run (effects queued by the effects of one round run in the next).
        rounds: usize,
        /// Wall-clock time of the whole flush.
        duration: Duration,
    },
}

/// How a memo or effect run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunOutcome {
    /// A memo's value changed (and its readers were marked), or an effect ran to the end.
    Changed,
    /// A memo recomputed to a value equal to the previous one: propagation stops there. (Also
    /// reported, for either kind, when the node's own cleanups disposed it before its body
    /// could run.)
    Unchanged,
    /// The computation panicked; the panic continues to the caller.
    Panicked,
}

impl Runtime {
    /// Installs `observer` as this thread's runtime observer and returns the one it replaces.
    /// There is one observer per thread; to feed several, install one that forwards.
    ///
    /// When no observer is installed, the engine checks a flag at each event site and does
    /// nothing else. With the `tracing` feature, each thread starts with a
    /// `TracingObserver` installed.
    ///
    /// ```
    /// use reactive_core::{Effect, Runtime, RuntimeEvent, Signal};
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// let runs = Rc::new(RefCell::new(Vec::new()));
    /// let seen = runs.clone();
    /// Runtime::set_observer(move |event: &RuntimeEvent| {
    ///     if let RuntimeEvent::RunFinished { node, triggered_by, .. } = event {
    ///         seen.borrow_mut().push((node.id, triggered_by.clone()));
    ///     }
    /// });
    /// let count = Signal::new(0);
    /// let effect = Effect::new(move || { count.get(); });
    /// count.set(1);
    /// Runtime::clear_observer();
    /// assert_eq!(*runs.borrow(), [(effect.id(), vec![]), (effect.id(), vec![count.id()])]);
    /// ```
    pub fn set_observer(
        observer: impl RuntimeObserver + 'static,
    ) -> Option<Rc<dyn RuntimeObserver>> {
        let observer: Rc<dyn RuntimeObserver> = Rc::new(observer);
        with_engine(|e| {
            e.hooked.set(true);
            e.hook.replace(Some(observer))
        })
    }

    /// Removes the observer (events cost nothing again) and returns it.
    ///
    /// ```
    /// # use reactive_core::*;
    /// Runtime::set_observer(|_: &RuntimeEvent| {});
    /// assert!(Runtime::clear_observer().is_some());
    /// assert!(!Runtime::has_observer());
    /// ```
    pub fn clear_observer() -> Option<Rc<dyn RuntimeObserver>> {
        with_engine(|e| {
            e.hooked.set(false);
            e.triggers.borrow_mut().clear();
            e.hook.replace(None)
        })
    }

    /// Whether an observer is installed.
    ///
    /// ```
    /// # use reactive_core::*;
    /// Runtime::clear_observer();
    /// assert!(!Runtime::has_observer());
    /// ```
    pub fn has_observer() -> bool {
        with_engine(|e| e.hooked.get())
    }
}

impl Engine {
    /// Tells the observer `event()`, unless it is running already. Called only when `hooked`.
    #[cold]
    #[inline(never)]
    pub(crate) fn emit(&self, event: impl FnOnce(&Engine) -> RuntimeEvent) {
        if self.in_hook.get() {
            return;
        }
        let Some(observer) = self.hook.borrow().clone() else {
            return;
        };
        let event = event(self);
        struct Leave<'a>(&'a Engine);
        impl Drop for Leave<'_> {
            fn drop(&mut self) {
                self.0.in_hook.set(false);
            }
        }
        self.in_hook.set(true);
        let _leave = Leave(self);
        self.with_observer(None, || observer.on_event(&event));
    }

    /// Records that `source` changed for each of its subscribers that is not running (those
    /// are about to be marked dirty by it). Only while an observer is installed.
    #[cold]
    #[inline(never)]
    pub(crate) fn record_triggers(&self, g: &Graph, source: NodeId) {
        let mut triggers = self.triggers.borrow_mut();
        let mut link = g.nodes[source].subs_head;
        while link != NONE {
            let l = &g.links[link as usize];
            link = l.next_sub;
            if g.nodes[l.sub].flags & flags::COMPUTING != 0 {
                continue;
            }
            match triggers.get_mut(l.sub) {
                Some(list) => {
                    if !list.contains(&source) {
                        list.push(source);
                    }
                }
                None => {
                    triggers.insert(l.sub, vec![source]);
                }
            }
        }
    }
}

#[cfg(feature = "tracing")]
pub use self::tracing_observer::TracingObserver;

#[cfg(feature = "tracing")]
mod tracing_observer {
    use std::cell::RefCell;

    use super::{RunOutcome, RuntimeEvent, RuntimeObserver};

    /// (Feature `tracing`.) A [`RuntimeObserver`] that turns runtime events into `tracing`
    /// spans and events at `TRACE` level: a span `reactive.memo` or `reactive.effect` around each
    /// run (fields `node`, `name`, `triggered_by`), `reactive.flush` around each flush, and
    /// events for creation, disposal, writes and settling. Installed on every thread by default
    /// when the feature is on; an observer of your own can forward to one to keep the spans.
    ///
    /// ```
    /// use reactive_core::{Runtime, RuntimeEvent, RuntimeObserver, TracingObserver};
    ///
    /// let tracing = TracingObserver::default();
    /// Runtime::set_observer(move |event: &RuntimeEvent| {
    ///     tracing.on_event(event);
    ///     // … and record the event elsewhere too.
    /// });
    /// ```
    #[derive(Default)]
    pub struct TracingObserver {
        /// The spans of the runs and flushes in progress, innermost last.
        spans: RefCell<Vec<tracing::span::EnteredSpan>>,
    }

    impl RuntimeObserver for TracingObserver {
        fn on_event(&self, event: &RuntimeEvent) {
            match event {
                RuntimeEvent::RunStarted { node, triggered_by } => {
                    let name = node.name.as_deref();
                    let span = if node.kind == crate::NodeKind::Memo {
                        tracing::trace_span!("reactive.memo", node = ?node.id, name, triggered_by = ?triggered_by)
                    } else {
                        tracing::trace_span!("reactive.effect", node = ?node.id, name, triggered_by = ?triggered_by)
                    };
                    self.spans.borrow_mut().push(span.entered());
                }
                RuntimeEvent::RunFinished {
                    outcome, duration, ..
                } => {
                    let changed = *outcome == RunOutcome::Changed;
                    let panicked = *outcome == RunOutcome::Panicked;
                    tracing::trace!(
                        changed,
                        panicked,
                        duration_ns = duration.as_nanos() as u64,
                        "run finished"
                    );
                    drop(self.spans.borrow_mut().pop());
                }
                RuntimeEvent::FlushStarted => {
                    let span = tracing::trace_span!("reactive.flush");
                    self.spans.borrow_mut().push(span.entered());
                }
                RuntimeEvent::FlushFinished { rounds, duration } => {
                    tracing::trace!(
                        rounds,
                        duration_ns = duration.as_nanos() as u64,
                        "flush finished"
                    );
                    drop(self.spans.borrow_mut().pop());
                }
                RuntimeEvent::Created { node, owner } => {
                    tracing::trace!(node = ?node.id, kind = ?node.kind, owner = ?owner, "created");
                }
                RuntimeEvent::Disposed { node } => {
                    tracing::trace!(node = ?node.id, kind = ?node.kind, name = node.name.as_deref(), "disposed");
                }
                RuntimeEvent::Written { signal, changed } => {
                    tracing::trace!(signal = ?signal.id, name = signal.name.as_deref(), changed, "written");
                }
                RuntimeEvent::Settled { signal, changed } => {
                    tracing::trace!(signal = ?signal.id, name = signal.name.as_deref(), changed, "settled");
                }
            }
        }
    }
}
