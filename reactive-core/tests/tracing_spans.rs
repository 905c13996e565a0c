//! The `tracing` feature is a runtime observer: a `TracingObserver`, installed on each thread,
//! turns runs and flushes into spans and the rest into events (issue 11, item 7).
#![cfg(feature = "tracing")]

use std::sync::{Arc, Mutex};

use reactive_core::*;
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A subscriber that keeps, in order, span creations, entries and exits (by span name) and
/// event messages' callsite names.
#[derive(Clone, Default)]
struct Recording(Arc<Mutex<Vec<String>>>);

impl Recording {
    fn push(&self, line: String) {
        self.0.lock().expect("not poisoned").push(line);
    }
    fn lines(&self) -> Vec<String> {
        self.0.lock().expect("not poisoned").clone()
    }
}

struct Recorder {
    log: Recording,
    names: Mutex<Vec<&'static str>>,
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut names = self.names.lock().expect("not poisoned");
        names.push(span.metadata().name());
        Id::from_u64(names.len() as u64)
    }
    fn record(&self, _: &Id, _: &Record<'_>) {}
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, event: &Event<'_>) {
        struct Message(String);
        impl tracing::field::Visit for Message {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                if field.name() == "message" {
                    self.0 = format!("{value:?}");
                }
            }
        }
        let mut message = Message(String::new());
        event.record(&mut message);
        self.log.push(format!("event {}", message.0));
    }
    fn enter(&self, span: &Id) {
        let name = self.names.lock().expect("not poisoned")[span.into_u64() as usize - 1];
        self.log.push(format!("enter {name}"));
    }
    fn exit(&self, span: &Id) {
        let name = self.names.lock().expect("not poisoned")[span.into_u64() as usize - 1];
        self.log.push(format!("exit {name}"));
    }
}

/// `tracing` caches per call site whether anyone listens; the two tests run on two threads, one
/// with a scoped subscriber and one with none, so they take turns.
static SERIAL: Mutex<()> = Mutex::new(());

#[test]
fn with_the_feature_runs_and_flushes_are_spans_and_writes_are_events() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    assert!(Runtime::has_observer(), "the tracing observer is installed");
    let log = Recording::default();
    let subscriber = Recorder {
        log: log.clone(),
        names: Mutex::new(Vec::new()),
    };
    tracing::subscriber::with_default(subscriber, || {
        // A call site first reached on the other test's thread, where nobody listened, may
        // have cached "never": ask every call site again now that this subscriber listens.
        tracing::callsite::rebuild_interest_cache();
        let s = Signal::new(1);
        let m = Memo::new(move || s.get() * 2);
        Effect::new(move || {
            m.get();
        });
        s.set(2);
    });
    let lines = log.lines();
    let tail: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .skip_while(|l| *l != "event written")
        .collect();
    assert_eq!(
        tail,
        [
            "event written",
            "enter reactive.flush",
            // The effect is checked first: its memo recomputes, changes, then the effect runs.
            "enter reactive.memo",
            "event run finished",
            "exit reactive.memo",
            "enter reactive.effect",
            "event run finished",
            "exit reactive.effect",
            "event flush finished",
            "exit reactive.flush",
        ],
        "{lines:#?}"
    );
    assert!(lines.iter().any(|l| l == "event created"));
}

#[test]
fn an_observer_of_your_own_replaces_the_tracing_one_and_can_forward_to_it() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let tracing_observer = TracingObserver::default();
    let forwarded = std::rc::Rc::new(std::cell::Cell::new(0));
    let f = forwarded.clone();
    let previous = Runtime::set_observer(move |event: &RuntimeEvent| {
        f.set(f.get() + 1);
        tracing_observer.on_event(event);
    });
    assert!(
        previous.is_some(),
        "the default tracing observer was replaced"
    );
    Signal::new(0).set(1);
    Runtime::clear_observer();
    assert_eq!(forwarded.get(), 2); // created, written
}
