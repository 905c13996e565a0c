//! The event tables: per scope, its handlers (by exact topic, plus one list of wildcard
//! patterns), interceptors and log. They live here, in a per-thread side table keyed by
//! [`ScopeKey`], not in the scope registry: the scope tree knows nothing of events, and the
//! event bus reads the tree only to find a scope's ancestors and rights.
//!
//! **Lifetime.** A scope's table is made when its first handler, interceptor or log arrives,
//! dropped when its last one goes, and taken out by [`forget_scope`] when the scope is
//! disposed (the scope's disposal path calls it). The side table therefore never holds an
//! entry for a disposed scope.
//!
//! **Borrowing.** Like the registry, the side table is a `RefCell` in a thread-local that is
//! never borrowed while user code runs: handlers and interceptors (user closures) are taken
//! out and dropped after it is released.

use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

use reactive_core::Signal;
use slotmap::SecondaryMap;

use super::log::LogState;
use super::topic::TopicPattern;
use super::{EventContext, EventInterceptor};
use crate::scope::{KeyMap, Principal, ScopeKey};

/// A subscription's predicate on the payload.
pub(crate) type EventFilter = Box<dyn Fn(&dyn Any) -> bool>;

/// A handler's body, typed or not (typed ones downcast inside).
pub(crate) type Callback = Box<dyn FnMut(&EventContext<'_>, &dyn Any)>;

/// A registered handler.
pub(crate) struct Handler {
    /// Registration order (global on this thread): delivery order within a scope.
    pub id: u64,
    /// Only events whose payload has this type; `None`: any.
    pub type_id: Option<TypeId>,
    pub pattern: TopicPattern,
    pub capture: bool,
    pub include_replay: bool,
    /// Who subscribed: must be allowed to read the event's scope.
    pub principal: Principal,
    pub filter: Option<EventFilter>,
    pub callback: RefCell<Callback>,
    pub alive: Cell<bool>,
}

/// Handlers in registration order, shared with deliveries in flight (copied on write).
pub(crate) type HandlerList = Rc<Vec<Rc<Handler>>>;

/// A scope's handlers, interceptors and log.
#[derive(Default)]
pub(crate) struct EventTable {
    /// Handlers whose pattern has no wildcard, by topic.
    pub exact: KeyMap<HandlerList>,
    /// Handlers whose pattern has wildcards.
    pub wild: HandlerList,
    /// Each with the principal of the handle that added it.
    pub interceptors: Vec<(u64, Principal, Rc<dyn EventInterceptor>)>,
    /// One log per principal that enabled one here: each records only what it may read.
    pub logs: Vec<(Principal, Signal<LogState>)>,
}

impl EventTable {
    pub fn add(&mut self, handler: Rc<Handler>) {
        if handler.pattern.is_exact() {
            let list = self.exact.entry(handler.pattern.text.clone()).or_default();
            Rc::make_mut(list).push(handler);
        } else {
            Rc::make_mut(&mut self.wild).push(handler);
        }
    }

    /// Removes a handler; it is returned so that it is dropped outside the registry.
    pub fn remove(&mut self, id: u64) -> Option<Rc<Handler>> {
        if let Some(i) = self.wild.iter().position(|h| h.id == id) {
            return Some(Rc::make_mut(&mut self.wild).remove(i));
        }
        let (topic, i) = self.exact.iter().find_map(|(topic, list)| {
            list.iter()
                .position(|h| h.id == id)
                .map(|i| (topic.clone(), i))
        })?;
        let list = self.exact.get_mut(&topic)?;
        let handler = Rc::make_mut(list).remove(i);
        if list.is_empty() {
            self.exact.remove(&topic);
        }
        Some(handler)
    }

    /// Removes an interceptor; it is returned so that it is dropped outside the side table.
    pub fn remove_interceptor(&mut self, id: u64) -> Option<Rc<dyn EventInterceptor>> {
        let i = self.interceptors.iter().position(|(x, _, _)| *x == id)?;
        Some(self.interceptors.remove(i).2)
    }

    /// Whether the handler `id` is registered here.
    pub fn has_handler(&self, id: u64) -> bool {
        self.wild.iter().any(|h| h.id == id)
            || self.exact.values().any(|l| l.iter().any(|h| h.id == id))
    }

    /// Whether nothing is registered (the table can go).
    fn is_empty(&self) -> bool {
        self.handler_count() == 0 && self.interceptors.is_empty() && self.logs.is_empty()
    }

    pub fn handler_count(&self) -> usize {
        self.wild.len() + self.exact.values().map(|l| l.len()).sum::<usize>()
    }

    /// The handlers whose pattern matches `topic`, in registration order.
    pub(super) fn matching(&self, topic: &str, segments: &[&str]) -> Option<Handlers> {
        let exact = self.exact.get(topic);
        let wild: Vec<Rc<Handler>> = self
            .wild
            .iter()
            .filter(|h| h.pattern.matches(segments))
            .cloned()
            .collect();
        match (exact, wild.is_empty()) {
            (None, true) => None,
            (Some(list), true) => Some(Handlers::Shared(list.clone())),
            (None, false) => Some(Handlers::Owned(wild)),
            (Some(list), false) => {
                let mut all: Vec<Rc<Handler>> = list.iter().cloned().chain(wild).collect();
                all.sort_by_key(|h| h.id);
                Some(Handlers::Owned(all))
            }
        }
    }
}

/// The handlers of one scope that an event's topic matches.
pub(super) enum Handlers {
    /// One exact-topic list, as registered.
    Shared(HandlerList),
    /// Handlers with wildcard patterns (merged with the exact ones in registration order).
    Owned(Vec<Rc<Handler>>),
}

impl Handlers {
    pub(super) fn as_slice(&self) -> &[Rc<Handler>] {
        match self {
            Handlers::Shared(list) => list,
            Handlers::Owned(list) => list,
        }
    }
}

thread_local! {
    static TABLES: RefCell<SecondaryMap<ScopeKey, EventTable>> = RefCell::new(SecondaryMap::new());
}

/// Runs `f` with this thread's event tables.
pub(crate) fn with_tables<R>(f: impl FnOnce(&mut SecondaryMap<ScopeKey, EventTable>) -> R) -> R {
    TABLES.with(|t| {
        let mut tables = t.try_borrow_mut().expect(
            "reactive-store: the event tables were re-entered while borrowed (a bug in reactive-store)",
        );
        f(&mut tables)
    })
}

/// Runs `f` with the table of `scope`, made if it has none. The caller has checked, with no
/// user code run since, that the scope is alive.
pub(crate) fn with_table<R>(scope: ScopeKey, f: impl FnOnce(&mut EventTable) -> R) -> R {
    with_tables(|t| {
        if !t.contains_key(scope) {
            t.insert(scope, EventTable::default());
        }
        f(&mut t[scope])
    })
}

/// Runs `f` with the table of `scope`, if it has one, and takes the table out if `f` left it
/// empty. What `f` returns (a removed handler, interceptor) and the emptied table are for the
/// caller to drop, after the side table is released.
pub(crate) fn with_existing_table<R>(
    scope: ScopeKey,
    f: impl FnOnce(&mut EventTable) -> R,
) -> Option<(R, Option<EventTable>)> {
    with_tables(|t| {
        let table = t.get_mut(scope)?;
        let r = f(table);
        let emptied = if table.is_empty() {
            t.remove(scope)
        } else {
            None
        };
        Some((r, emptied))
    })
}

/// Takes out the table of a scope being disposed. Its handlers are marked dead (a delivery
/// in flight skips them) and returned, to be dropped by the caller outside every borrow.
pub(crate) fn forget_scope(scope: ScopeKey) -> Option<EventTable> {
    let table = with_tables(|t| t.remove(scope))?;
    for h in table
        .wild
        .iter()
        .chain(table.exact.values().flat_map(|l| l.iter()))
    {
        h.alive.set(false);
    }
    Some(table)
}

/// Number of scopes that have an event table on this thread.
pub(crate) fn table_count() -> usize {
    with_tables(|t| t.len())
}
