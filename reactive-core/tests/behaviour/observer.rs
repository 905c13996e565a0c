//! The runtime observer: every kind of event, with its node, triggers and outcome
//! (issue 11, item 7).

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;
use std::time::Duration;

use reactive_core::*;

use super::common::Counter;

/// Installs an observer that keeps every event; uninstalled when dropped.
struct Recorder(Rc<RefCell<Vec<RuntimeEvent>>>);

impl Recorder {
    fn install() -> Self {
        let events = Rc::new(RefCell::new(Vec::new()));
        let e = events.clone();
        Runtime::set_observer(move |event: &RuntimeEvent| e.borrow_mut().push(event.clone()));
        Recorder(events)
    }
    fn take(&self) -> Vec<RuntimeEvent> {
        std::mem::take(&mut self.0.borrow_mut())
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        Runtime::clear_observer();
    }
}

/// The runs (node, triggers, outcome) among `events`, in the order they finished.
fn runs(events: &[RuntimeEvent]) -> Vec<(NodeId, Vec<NodeId>, RunOutcome)> {
    events
        .iter()
        .filter_map(|e| match e {
            RuntimeEvent::RunFinished {
                node,
                triggered_by,
                outcome,
                ..
            } => Some((node.id, triggered_by.clone(), *outcome)),
            _ => None,
        })
        .collect()
}

#[test]
fn creation_is_reported_with_kind_and_owner() {
    let rec = Recorder::install();
    let owner = Owner::new();
    let (s, m) = owner.run_in(|| (Signal::new(1), Memo::new(|| 2)));
    let created: Vec<(NodeId, NodeKind, Option<NodeId>)> = rec
        .take()
        .into_iter()
        .filter_map(|e| match e {
            RuntimeEvent::Created { node, owner } => Some((node.id, node.kind, owner)),
            _ => None,
        })
        .collect();
    assert_eq!(
        created,
        [
            (owner.id(), NodeKind::Owner, None),
            (s.id(), NodeKind::Signal, Some(owner.id())),
            (m.id(), NodeKind::Memo, Some(owner.id())),
        ]
    );
}

#[test]
fn disposal_is_reported_for_each_node_with_its_name_after_its_cleanups() {
    let order = Rc::new(RefCell::new(Vec::new()));
    let o = order.clone();
    Runtime::set_observer(move |e: &RuntimeEvent| {
        if let RuntimeEvent::Disposed { node } = e {
            o.borrow_mut().push(format!("disposed {:?}", node.name));
        }
    });
    let owner = Owner::new();
    let o = order.clone();
    owner.run_in(|| {
        Signal::new(0).named("inner");
        on_cleanup(move || o.borrow_mut().push("cleanup".into()));
    });
    owner.dispose();
    Runtime::clear_observer();
    assert_eq!(
        *order.borrow(),
        ["cleanup", "disposed Some(\"inner\")", "disposed None"]
    );
}

#[test]
fn writes_are_reported_with_whether_they_changed_anything() {
    let s = Signal::new(1).named("s");
    let rec = Recorder::install();
    s.set_if_changed(1);
    s.set_if_changed(2);
    s.set(2);
    s.notify();
    let writes: Vec<(NodeId, Option<String>, bool)> = rec
        .take()
        .into_iter()
        .filter_map(|e| match e {
            RuntimeEvent::Written { signal, changed } => {
                Some((signal.id, signal.name.map(|n| n.into_owned()), changed))
            }
            _ => None,
        })
        .collect();
    let name = Some("s".to_string());
    assert_eq!(
        writes,
        [
            (s.id(), name.clone(), false),
            (s.id(), name.clone(), true),
            (s.id(), name.clone(), true),
            (s.id(), name, true),
        ]
    );
}

#[test]
fn runs_name_the_sources_that_triggered_them_and_how_they_ended() {
    let (a, b) = (Signal::new(1), Signal::new(1));
    let parity = Memo::new(move || a.get() % 2);
    let effect = Effect::new(move || {
        parity.get();
        b.get();
    });
    let rec = Recorder::install();
    a.set(3); // the memo recomputes to an equal value: the effect does not run
    assert_eq!(
        runs(&rec.take()),
        [(parity.id(), vec![a.id()], RunOutcome::Unchanged)]
    );
    a.set(4);
    assert_eq!(
        runs(&rec.take()),
        [
            (parity.id(), vec![a.id()], RunOutcome::Changed),
            (effect.id(), vec![parity.id()], RunOutcome::Changed),
        ]
    );
    batch(|| {
        a.set(5);
        b.set(2);
    });
    // The effect was dirty (b changed) before it ran; the memo it read recomputed inside its
    // run, so the memo's change is not what started the run.
    assert_eq!(
        runs(&rec.take()),
        [
            (parity.id(), vec![a.id()], RunOutcome::Changed),
            (effect.id(), vec![b.id()], RunOutcome::Changed),
        ]
    );
}

#[test]
fn a_first_run_has_no_trigger_and_runs_nest_inside_the_run_that_read_them() {
    let rec = Recorder::install();
    let m = Memo::new(|| 1);
    let effect = Effect::new(move || {
        m.get();
    });
    let order: Vec<String> = rec
        .take()
        .into_iter()
        .filter_map(|e| match e {
            RuntimeEvent::RunStarted { node, triggered_by } => {
                assert!(triggered_by.is_empty());
                Some(format!("start {:?}", node.kind))
            }
            RuntimeEvent::RunFinished { node, .. } => Some(format!("end {:?}", node.kind)),
            _ => None,
        })
        .collect();
    assert_eq!(
        order,
        ["start Effect", "start Memo", "end Memo", "end Effect"]
    );
    assert!(!effect.is_disposed());
}

#[test]
fn a_run_reports_how_long_it_took() {
    let s = Signal::new(0);
    Effect::new(move || {
        if s.get() == 1 {
            std::thread::sleep(Duration::from_millis(3));
        }
    });
    let rec = Recorder::install();
    s.set(1);
    let durations: Vec<Duration> = rec
        .take()
        .into_iter()
        .filter_map(|e| match e {
            RuntimeEvent::RunFinished { duration, .. } => Some(duration),
            _ => None,
        })
        .collect();
    assert_eq!(durations.len(), 1);
    assert!(durations[0] >= Duration::from_millis(3), "{durations:?}");
}

#[test]
fn a_panicking_run_is_reported_as_such_and_the_panic_continues() {
    let s = Signal::new(0);
    let effect = Effect::new(move || assert!(s.get() != 1, "failing on purpose"));
    let rec = Recorder::install();
    assert!(catch_unwind(AssertUnwindSafe(|| s.set(1))).is_err());
    assert_eq!(
        runs(&rec.take()),
        [(effect.id(), vec![s.id()], RunOutcome::Panicked)]
    );
    s.set(2);
    assert_eq!(
        runs(&rec.take()),
        [(effect.id(), vec![s.id()], RunOutcome::Changed)]
    );
}

#[test]
fn flushes_are_reported_with_their_rounds() {
    let (a, b) = (Signal::new(0), Signal::new(0));
    Effect::new(move || b.set(a.get()));
    Effect::new(move || {
        b.get();
    });
    let rec = Recorder::install();
    a.set(1);
    let flushes: Vec<String> = rec
        .take()
        .into_iter()
        .filter_map(|e| match e {
            RuntimeEvent::FlushStarted => Some("start".into()),
            RuntimeEvent::FlushFinished { rounds, .. } => Some(format!("end after {rounds}")),
            _ => None,
        })
        .collect();
    assert_eq!(flushes, ["start", "end after 2"]);
}

#[test]
fn settling_a_reverted_signal_is_reported_and_nothing_runs() {
    let a = Signal::new(0);
    let effect = Effect::new(move || {
        a.get();
    });
    let rec = Recorder::install();
    batch(|| {
        a.set_if_changed(1);
        a.set_if_changed(0);
    });
    let events = rec.take();
    assert!(runs(&events).is_empty());
    assert!(events.iter().any(|e| matches!(
        e,
        RuntimeEvent::Settled { signal, changed: false } if signal.id == a.id()
    )));
    batch(|| a.set_if_changed(2));
    let events = rec.take();
    assert_eq!(
        runs(&events),
        [(effect.id(), vec![a.id()], RunOutcome::Changed)]
    );
}

#[test]
fn what_the_observer_reads_subscribes_nothing_and_what_it_causes_is_not_reported() {
    let watched = Signal::new(0);
    let count = Rc::new(RefCell::new(0));
    let c = count.clone();
    Runtime::set_observer(move |_: &RuntimeEvent| {
        *c.borrow_mut() += 1;
        watched.get();
        // Creating a node from the observer raises an event that is not reported back.
        Signal::new(0).dispose();
    });
    let runs = Counter::default();
    let r = runs.clone();
    let s = Signal::new(0);
    Effect::new(move || {
        s.get();
        r.hit();
        // Reported while the effect runs: the observer's read must not subscribe the effect.
        Signal::new(0);
    });
    let reported = *count.borrow();
    watched.set(1);
    Runtime::clear_observer();
    assert_eq!(
        runs.get(),
        1,
        "the observer's read subscribed the running effect"
    );
    // Created (s), Created + RunStarted + Created (inner) + RunFinished (effect).
    assert_eq!(reported, 5);
    assert_eq!(*count.borrow(), 6); // and Written (watched)
}

#[test]
fn once_cleared_the_observer_hears_nothing() {
    let rec = Recorder::install();
    assert!(Runtime::has_observer());
    let previous = Runtime::clear_observer();
    assert!(previous.is_some());
    let s = Signal::new(0);
    Effect::new(move || {
        s.get();
    });
    s.set(1);
    assert!(rec.take().is_empty());
}
