//! Delivering events: the per-thread queue, and the dispatch of one event through capture,
//! target and bubble phases.
//!
//! **Ordering.** Events are delivered in emission order. An event emitted while another is
//! being delivered (by a handler, an interceptor, or an effect the delivery triggers) is queued
//! and delivered after it: a handler never runs inside another handler's `emit`. Only the
//! outermost `emit` drains the queue. If a handler panics, the panic reaches that `emit`'s
//! caller; the events still queued are delivered by the next `emit`.
//!
//! **One batch per event.** Every handler of one event runs inside one reactive batch: the
//! state changes it causes are seen by effects as one change, after the last handler.
//!
//! **Plan, then run.** The handler lists an event reaches are found (by topic, per scope and
//! phase: the chain of scopes from the registry, the lists from the event tables beside it),
//! then run with both released, so handlers may subscribe,
//! unsubscribe, emit and change scopes. A handler removed during a delivery is skipped; one
//! added during it sees the next events. Lists are shared copy-on-write (`Rc<Vec<_>>`): an
//! event to 1,000 handlers of one topic clones one `Rc`, not 1,000; the per-handler checks
//! (type, phase, read access, filter) are a few branches as each handler comes up.

use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use reactive_core::{Signal, batch};

use super::log::{EventOutcome, LogState, LoggedEvent};
use super::table::{Handlers, with_tables};
use super::{EventContext, EventInfo, EventInterceptor, Phase};
use crate::scope::{Action, Principal, Scope, ScopeKey, with_registry};

/// An event waiting in the queue.
pub(crate) struct Queued {
    pub seq: u64,
    pub origin: ScopeKey,
    pub origin_principal: Principal,
    pub topic: Rc<str>,
    pub type_id: TypeId,
    pub type_name: Cow<'static, str>,
    pub payload: Rc<dyn Any>,
    pub bubbles: bool,
    pub replay: bool,
}

#[derive(Default)]
struct Bus {
    queue: VecDeque<Queued>,
    dispatching: bool,
    next_seq: u64,
    next_id: u64,
}

thread_local! {
    static BUS: RefCell<Bus> = RefCell::new(Bus::default());
}

/// A fresh id for a handler or an interceptor.
pub(crate) fn next_id() -> u64 {
    BUS.with(|b| {
        let mut b = b.borrow_mut();
        b.next_id += 1;
        b.next_id
    })
}

/// Queues an event (its `seq` is assigned here) and, unless a delivery is under way, delivers
/// everything queued. Returns the event's `seq`, and its outcome if it was delivered during
/// this call (`None`: queued behind the event being delivered, or its scope went first).
pub(crate) fn emit(mut event: Queued) -> (u64, Option<EventOutcome>) {
    let (seq, drain) = BUS.with(|b| {
        let mut b = b.borrow_mut();
        b.next_seq += 1;
        event.seq = b.next_seq;
        b.queue.push_back(event);
        let drain = !b.dispatching;
        b.dispatching = true;
        (b.next_seq, drain)
    });
    let mut own = None;
    if drain {
        let _done = Dispatching;
        while let Some(event) = BUS.with(|b| b.borrow_mut().queue.pop_front()) {
            let this = event.seq;
            let outcome = deliver(event);
            if this == seq {
                own = outcome;
            }
        }
    }
    (seq, own)
}

/// Clears the "dispatching" flag when the drain ends, also on unwind.
struct Dispatching;

impl Drop for Dispatching {
    fn drop(&mut self) {
        BUS.with(|b| b.borrow_mut().dispatching = false);
    }
}

/// Where an event goes, decided with the registry borrowed.
struct Plan {
    /// Per scope and phase, in delivery order: the handler lists the topic matches.
    segments: Vec<(ScopeKey, Phase, Handlers)>,
    /// With the principal that added each: it sees the event only if it may read its scope.
    interceptors: Vec<(Principal, Rc<dyn EventInterceptor>)>,
    /// With the principal that enabled each: it records the event only if it may read its scope.
    logs: Vec<(Principal, Signal<LogState>)>,
    origin_path: Option<String>,
}

fn plan(event: &Queued) -> Option<Plan> {
    let segments: Vec<&str> = event.topic.split('.').collect();
    let chain = with_registry(|r| {
        // `None`: the scope was disposed after the event was queued.
        r.scopes
            .contains_key(event.origin)
            .then(|| r.ancestry(event.origin))
    })?;
    let (ancestors, _) = chain.split_at(chain.len() - 1);
    let mut plan = with_tables(|tables| {
        let mut planned = Vec::new();
        let mut add = |key: ScopeKey, phase: Phase| {
            if let Some(h) = tables
                .get(key)
                .and_then(|t| t.matching(&event.topic, &segments))
            {
                planned.push((key, phase, h));
            }
        };
        for key in ancestors {
            add(*key, Phase::Capture);
        }
        add(event.origin, Phase::Target);
        if event.bubbles {
            for key in ancestors.iter().rev() {
                add(*key, Phase::Bubble);
            }
        }
        let interceptors = chain
            .iter()
            .filter_map(|k| tables.get(*k))
            .flat_map(|t| t.interceptors.iter().map(|(_, p, i)| (*p, i.clone())))
            .collect();
        let logs: Vec<_> = chain
            .iter()
            .filter_map(|k| tables.get(*k))
            .flat_map(|t| t.logs.iter().copied())
            .collect();
        Plan {
            segments: planned,
            interceptors,
            logs,
            origin_path: None,
        }
    });
    // Only a log needs the origin's path (formatting it costs an allocation per event).
    if !plan.logs.is_empty() {
        plan.origin_path = Some(with_registry(|r| r.path(event.origin)));
    }
    Some(plan)
}

/// Delivers one event; its outcome, or `None` if its scope was disposed while it was queued.
fn deliver(event: Queued) -> Option<EventOutcome> {
    let plan = plan(&event)?;
    let mut readers = Readers::new(event.origin);
    // Interceptors whose principal may not read the event's scope neither see nor veto it.
    let interceptors: Vec<_> = plan
        .interceptors
        .iter()
        .filter(|(p, _)| readers.may_read(*p))
        .map(|(p, i)| (info(&event, *p), i))
        .collect();
    let mut outcome = EventOutcome::Delivered { handlers: 0 };
    for (info, i) in &interceptors {
        if let Err(veto) = i.before(info) {
            outcome = EventOutcome::Vetoed(veto);
            break;
        }
    }
    batch(|| {
        if let EventOutcome::Delivered { handlers } = &mut outcome {
            *handlers = run_handlers(&event, &plan.segments, &mut readers);
        }
        if let Some(origin_path) = &plan.origin_path {
            let entry = LoggedEvent {
                seq: event.seq,
                topic: event.topic.clone(),
                origin: origin_path.clone(),
                type_name: event.type_name.clone(),
                replay: event.replay,
                outcome: outcome.clone(),
                payload: event.payload.clone(),
            };
            for (principal, log) in &plan.logs {
                if !log.is_disposed() && readers.may_read(*principal) {
                    log.update(|l| l.push(entry.clone()));
                }
            }
        }
    });
    for (info, i) in interceptors.iter().rev() {
        i.after(info, &outcome);
    }
    Some(outcome)
}

/// The event as an interceptor acting for `principal` sees it (its `origin` acts for it too).
fn info(event: &Queued, principal: Principal) -> EventInfo<'_> {
    EventInfo {
        seq: event.seq,
        topic: &event.topic,
        origin: Scope {
            key: event.origin,
            principal,
        },
        emitter: event.origin_principal,
        type_name: &event.type_name,
        replay: event.replay,
        payload: &*event.payload,
    }
}

/// Whether principals may read the scope an event comes from: handlers, interceptors and logs
/// see an event only if theirs may. Asked once per principal and event (usually one or two).
struct Readers {
    origin: ScopeKey,
    known: Vec<(Principal, bool)>,
}

impl Readers {
    fn new(origin: ScopeKey) -> Readers {
        Readers {
            origin,
            known: Vec::new(),
        }
    }

    fn may_read(&mut self, p: Principal) -> bool {
        if p.is_system() {
            return true;
        }
        if let Some((_, ok)) = self.known.iter().find(|(q, _)| *q == p) {
            return *ok;
        }
        let ok = with_registry(|r| r.access(self.origin, p).allows(Action::Read));
        self.known.push((p, ok));
        ok
    }
}

/// Runs the planned handlers; returns how many ran.
fn run_handlers(
    event: &Queued,
    segments: &[(ScopeKey, Phase, Handlers)],
    readers: &mut Readers,
) -> usize {
    let stopped = Cell::new(false);
    let mut ran = 0;
    for (key, phase, handlers) in segments {
        // `stop_propagation` lets the other handlers of the same scope and phase finish.
        if stopped.get() {
            break;
        }
        for handler in handlers.as_slice() {
            let wanted = match phase {
                Phase::Capture => handler.capture,
                Phase::Target => true,
                Phase::Bubble => !handler.capture,
            } && handler.type_id.is_none_or(|t| t == event.type_id)
                && handler.alive.get()
                && (handler.include_replay || !event.replay);
            // A handler sees an event only if its subscriber may read the scope it came from.
            if !wanted || !readers.may_read(handler.principal) {
                continue;
            }
            if let Some(filter) = &handler.filter
                && !filter(&*event.payload)
            {
                continue;
            }
            // Both handles act for the subscriber: the emitter's rights are not lent out.
            let cx = EventContext {
                seq: event.seq,
                topic: &event.topic,
                origin: Scope {
                    key: event.origin,
                    principal: handler.principal,
                },
                emitter: event.origin_principal,
                scope: Scope {
                    key: *key,
                    principal: handler.principal,
                },
                phase: *phase,
                type_name: &event.type_name,
                replay: event.replay,
                stopped: &stopped,
            };
            // A handler is never re-entered: events emitted while it runs are queued.
            let mut callback = handler.callback.try_borrow_mut().expect(
                "reactive-store: an event handler was re-entered (a bug in reactive-store)",
            );
            callback(&cx, &*event.payload);
            ran += 1;
        }
    }
    ran
}
