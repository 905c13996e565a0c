//! Runtime events: the observers told what the engine does ([`Runtime::add_observer`],
//! [`Runtime::set_observer`]).
//!
//! The engine keeps one observer slot per thread, checked through one flag at each event site.
//! Several observers share the slot through a fan-out kept here: [`Runtime::add_observer`]
//! installs one (taking in whatever observer was already set) and each [`ObserverHandle`]
//! removes its own observer; when the last goes, the slot is emptied and events cost nothing
//! again.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use std::time::Duration;

use crate::diagnostics::Runtime;
use crate::engine::{Engine, Graph, NONE, NodeId, flags, with_engine};
use crate::error::NodeInfo;

/// Receives the [`RuntimeEvent`]s of this thread's runtime, once installed with
/// [`Runtime::add_observer`] (beside any others) or [`Runtime::set_observer`]. Closures `Fn(&RuntimeEvent)` are observers.
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
    /// Installs `observer` as this thread's only runtime observer and returns what it replaces
    /// (all the observers added with [`add_observer`](Runtime::add_observer), as one that
    /// forwards to them, if that is what was installed). To observe beside the others (the
    /// `tracing` one, the devtools), use [`add_observer`](Runtime::add_observer).
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

    /// Removes every observer (events cost nothing again) and returns what was installed.
    /// The [`ObserverHandle`]s of the observers added before are left with nothing to remove.
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

    /// Whether any observer is installed.
    ///
    /// ```
    /// # use reactive_core::*;
    /// Runtime::clear_observer();
    /// assert!(!Runtime::has_observer());
    /// ```
    pub fn has_observer() -> bool {
        with_engine(|e| e.hooked.get())
    }

    /// Adds `observer` beside the thread's other runtime observers; each event reaches them
    /// all, in the order they were added (one installed with
    /// [`set_observer`](Runtime::set_observer), such as the `tracing` feature's, comes first
    /// and stays). Dropping the returned handle removes this observer, and only it; when no
    /// observer is left, events cost nothing again.
    ///
    /// ```
    /// use reactive_core::{Runtime, RuntimeEvent, Signal};
    /// use std::{cell::Cell, rc::Rc};
    /// # Runtime::clear_observer(); // the `tracing` feature's, when on
    ///
    /// let (a, b) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    /// let (seen_a, seen_b) = (a.clone(), b.clone());
    /// let first = Runtime::add_observer(move |_: &RuntimeEvent| seen_a.set(seen_a.get() + 1));
    /// let second = Runtime::add_observer(move |_: &RuntimeEvent| seen_b.set(seen_b.get() + 1));
    /// let s = Signal::new(0); // created: both are told
    /// drop(first);
    /// s.set(1); // written: only the second is told
    /// assert_eq!((a.get(), b.get()), (1, 2));
    /// drop(second);
    /// assert!(!Runtime::has_observer());
    /// ```
    pub fn add_observer(observer: impl RuntimeObserver + 'static) -> ObserverHandle {
        let observer: Rc<dyn RuntimeObserver> = Rc::new(observer);
        let fan_out = with_engine(|e| {
            let installed = e.hook.borrow().clone();
            let ours = FAN_OUT.with_borrow(Weak::upgrade).filter(|fan_out| {
                installed
                    .as_ref()
                    .is_some_and(|hook| Rc::as_ptr(hook).cast::<()>() == Rc::as_ptr(fan_out).cast())
            });
            match ours {
                Some(fan_out) => fan_out,
                None => {
                    // Whatever was set alone (say, the tracing observer) becomes the first entry.
                    let fan_out = Rc::new(FanOut::default());
                    if let Some(previous) = installed {
                        fan_out.push(previous);
                    }
                    FAN_OUT.with_borrow_mut(|current| *current = Rc::downgrade(&fan_out));
                    e.hook.replace(Some(fan_out.clone()));
                    e.hooked.set(true);
                    fan_out
                }
            }
        });
        let id = fan_out.push(observer);
        ObserverHandle {
            fan_out: Rc::downgrade(&fan_out),
            id,
        }
    }
}

thread_local! {
    /// The fan-out [`Runtime::add_observer`] installed on this thread, to find it again (it is
    /// in use only while the engine's slot still holds it).
    static FAN_OUT: RefCell<Weak<FanOut>> = const { RefCell::new(Weak::new()) };
}

/// Forwards each event to the observers added with [`Runtime::add_observer`].
#[derive(Default)]
struct FanOut {
    /// The observers, in the order they were added, under the id their handle removes.
    entries: RefCell<Vec<(u64, Rc<dyn RuntimeObserver>)>>,
    next_id: Cell<u64>,
}

impl FanOut {
    fn push(&self, observer: Rc<dyn RuntimeObserver>) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.entries.borrow_mut().push((id, observer));
        id
    }
}

impl RuntimeObserver for FanOut {
    fn on_event(&self, event: &RuntimeEvent) {
        // One entry at a time, borrowed only to clone it: an observer may add or remove
        // observers while it is told (the change applies from the next event on).
        let mut index = 0;
        loop {
            let Some(observer) = self.entries.borrow().get(index).map(|(_, o)| o.clone()) else {
                break;
            };
            observer.on_event(event);
            index += 1;
        }
    }
}

/// An observer added with [`Runtime::add_observer`]: dropping the handle removes it (and only
/// it). If [`Runtime::set_observer`] or [`Runtime::clear_observer`] replaced the thread's
/// observers since, there is nothing left to remove and dropping it does nothing.
///
/// It belongs to the thread whose runtime it observes (it is `!Send`).
#[must_use = "dropping the handle removes the observer at once"]
pub struct ObserverHandle {
    fan_out: Weak<FanOut>,
    id: u64,
}

impl std::fmt::Debug for ObserverHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ObserverHandle")
            .field("id", &self.id)
            .field("installed", &self.is_installed())
            .finish()
    }
}

impl ObserverHandle {
    /// Whether the observer is still told events (false once [`Runtime::set_observer`] or
    /// [`Runtime::clear_observer`] replaced the observers it was added beside).
    pub fn is_installed(&self) -> bool {
        let Some(fan_out) = self.fan_out.upgrade() else {
            return false;
        };
        let in_slot = with_engine(|e| {
            e.hook
                .borrow()
                .as_ref()
                .is_some_and(|hook| Rc::as_ptr(hook).cast::<()>() == Rc::as_ptr(&fan_out).cast())
        });
        in_slot
            && fan_out
                .entries
                .borrow()
                .iter()
                .any(|(id, _)| *id == self.id)
    }
}

impl Drop for ObserverHandle {
    fn drop(&mut self) {
        let Some(fan_out) = self.fan_out.upgrade() else {
            return;
        };
        let (removed, last) = {
            let mut entries = fan_out.entries.borrow_mut();
            let removed = entries
                .iter()
                .position(|(id, _)| *id == self.id)
                .map(|at| entries.remove(at));
            (removed, entries.is_empty())
        };
        // Dropped after the borrow ends: an observer's own drop may add or remove observers.
        let Some(removed) = removed else {
            return;
        };
        drop(removed);
        if !last {
            return;
        }
        // The last observer went: empty the slot if it still holds this fan-out (the fan-out is
        // alive, so the slot, and the runtime holding it, still are).
        with_engine(|e| {
            let ours =
                e.hook.borrow().as_ref().is_some_and(|hook| {
                    Rc::as_ptr(hook).cast::<()>() == Rc::as_ptr(&fan_out).cast()
                });
            if ours {
                e.hooked.set(false);
                e.triggers.borrow_mut().clear();
                e.hook.replace(None);
            }
        });
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

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::rc::Rc;

    use proptest::prelude::*;

    use crate::{ObserverHandle, Runtime, RuntimeEvent, Signal};

    /// An observer that logs `(its tag, whether the event was a write)` into `log`.
    fn tagged(
        log: &Rc<RefCell<Vec<usize>>>,
        tag: usize,
    ) -> impl Fn(&RuntimeEvent) + 'static + use<> {
        let log = log.clone();
        move |event: &RuntimeEvent| {
            if matches!(event, RuntimeEvent::Written { .. }) {
                log.borrow_mut().push(tag);
            }
        }
    }

    /// Starts a test from a thread with no observer (with the `tracing` feature each thread
    /// starts with the `TracingObserver`).
    fn unobserved() {
        Runtime::clear_observer();
        assert!(!Runtime::has_observer());
    }

    #[test]
    fn an_added_observer_keeps_the_one_set_before_and_removing_it_leaves_that_one() {
        let log = Rc::new(RefCell::new(Vec::new()));
        Runtime::set_observer(tagged(&log, 0));
        let s = Signal::new(0);
        let added = Runtime::add_observer(tagged(&log, 1));
        s.set(1);
        assert_eq!(*log.borrow(), [0, 1]);
        drop(added);
        s.set(2);
        assert_eq!(*log.borrow(), [0, 1, 0]);
        assert!(Runtime::has_observer(), "the observer set first stays");
        Runtime::clear_observer();
    }

    #[test]
    fn set_observer_replaces_the_added_ones_and_their_handles_then_remove_nothing() {
        unobserved();
        let log = Rc::new(RefCell::new(Vec::new()));
        let added = Runtime::add_observer(tagged(&log, 1));
        Runtime::set_observer(tagged(&log, 2));
        assert!(!added.is_installed());
        drop(added);
        let s = Signal::new(0);
        s.set(1);
        assert_eq!(*log.borrow(), [2]);
        Runtime::clear_observer();
        assert!(!Runtime::has_observer());
    }

    #[test]
    fn an_observer_may_remove_itself_while_it_is_told_an_event() {
        unobserved();
        let handle: Rc<RefCell<Option<ObserverHandle>>> = Rc::default();
        let slot = handle.clone();
        let told = Rc::new(RefCell::new(0));
        let count = told.clone();
        *handle.borrow_mut() = Some(Runtime::add_observer(move |_: &RuntimeEvent| {
            *count.borrow_mut() += 1;
            slot.borrow_mut().take();
        }));
        let s = Signal::new(0);
        s.set(1);
        assert_eq!(*told.borrow(), 1);
        assert!(!Runtime::has_observer());
    }

    #[derive(Clone, Debug)]
    enum Op {
        Add,
        Remove(usize),
        Write,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            Just(Op::Add),
            (0..8usize).prop_map(Op::Remove),
            Just(Op::Write)
        ]
    }

    proptest! {
        /// Random adds, removals and writes: each write reaches exactly the observers added and
        /// not yet removed, in the order they were added (the reference is a plain list), and
        /// the runtime is observed exactly while that list is not empty.
        #[test]
        fn writes_reach_exactly_the_live_observers_in_order(ops in prop::collection::vec(op(), 0..40)) {
            unobserved();
            let log = Rc::new(RefCell::new(Vec::new()));
            let s = Signal::new(0);
            let mut handles: Vec<(usize, ObserverHandle)> = Vec::new();
            let mut expected = Vec::new();
            let mut next = 0;
            for op in ops {
                match op {
                    Op::Add => {
                        handles.push((next, Runtime::add_observer(tagged(&log, next))));
                        next += 1;
                    }
                    Op::Remove(i) => {
                        if !handles.is_empty() {
                            let at = i % handles.len();
                            drop(handles.remove(at));
                        }
                    }
                    Op::Write => {
                        s.update(|n| *n += 1);
                        expected.extend(handles.iter().map(|(tag, _)| *tag));
                    }
                }
                prop_assert_eq!(Runtime::has_observer(), !handles.is_empty());
            }
            prop_assert_eq!(&*log.borrow(), &expected);
            drop(handles);
            prop_assert!(!Runtime::has_observer());
        }
    }
}
