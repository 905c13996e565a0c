//! Typed events on the scope tree: emit into a scope, subscribe by topic pattern and type,
//! capture and bubble along the ancestors, intercept, log, and read the last event as a signal.

//!
//! The `Scope` methods of the bus ([`Scope::emit`], [`Scope::on`], …) are declared in
//! `scope.rs` with the rest of the `Scope` API; the functions here are their bodies. The bus
//! keeps its own tables (`table.rs`), keyed by scope, beside the scope registry.

mod dispatch;
mod error;
mod log;
mod subscribe;
mod table;
mod topic;

use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::cell::Cell;
use std::marker::PhantomData;
use std::rc::Rc;

use reactive_core::{ReadSignal, Signal, try_on_cleanup};

pub use error::EventError;
pub use log::{EventLog, EventOutcome, LoggedEvent};
pub use subscribe::{EventSubscription, Subscribe};
pub(crate) use table::{forget_scope, table_count};

use crate::scope::{Action, Principal, Scope, ScopeKey, with_registry};
use crate::veto::Veto;
use dispatch::Queued;
use table::{with_existing_table, with_table, with_tables};
use topic::check_topic;

/// Which part of its journey an event is on when a handler sees it (as in the DOM).
///
/// ```
/// use reactive_store::{Phase, Scope};
/// use std::{cell::Cell, rc::Rc};
/// let app = Scope::root("app")?;
/// let seen = Rc::new(Cell::new(None));
/// let s = seen.clone();
/// app.on::<()>("x").handle(move |cx, _| s.set(Some(cx.phase())))?;
/// app.child("c")?.emit("x", ())?;
/// assert_eq!(seen.get(), Some(Phase::Bubble));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Going down from the root to the scope it was emitted in (handlers registered with
    /// [`capture`](Subscribe::capture)).
    Capture,
    /// At the scope it was emitted in.
    Target,
    /// Going up from there to the root.
    Bubble,
}

/// What a handler knows about the event it is handling.
///
/// ```
/// use reactive_store::{Phase, Scope};
/// use std::{cell::RefCell, rc::Rc};
/// let app = Scope::root("app")?;
/// let doc = app.child("doc")?;
/// let seen = Rc::new(RefCell::new(String::new()));
/// let s = seen.clone();
/// app.on::<u8>("doc.*").handle(move |cx, n| {
///     *s.borrow_mut() = format!(
///         "#{} {} from {} at {} ({:?}, {}, replay: {}): {n}",
///         cx.seq(), cx.topic(), cx.origin().path().unwrap(), cx.scope().path().unwrap(),
///         cx.phase(), cx.type_name(), cx.is_replay(),
///     );
/// })?;
/// doc.emit("doc.saved", 3u8)?;
/// assert_eq!(*seen.borrow(), "#1 doc.saved from app/doc at app (Bubble, u8, replay: false): 3");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct EventContext<'a> {
    seq: u64,
    topic: &'a str,
    origin: Scope,
    emitter: Principal,
    scope: Scope,
    phase: Phase,
    type_name: &'a str,
    replay: bool,
    stopped: &'a Cell<bool>,
}

impl EventContext<'_> {
    /// The event's number on this thread: events are numbered in emission order.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The topic it was emitted with.
    pub fn topic(&self) -> &str {
        self.topic
    }

    /// The scope it was emitted in, acting as the *handler's* principal (never with the
    /// emitter's rights: a handler reads no more through it than through [`scope`](Self::scope)).
    pub fn origin(&self) -> Scope {
        self.origin
    }

    /// Who emitted the event: shown, not lent (no handle acts for it).
    ///
    /// ```
    /// use reactive_store::{Principal, Scope};
    /// use std::{cell::Cell, rc::Rc};
    /// let app = Scope::root("app")?;
    /// let seen = Rc::new(Cell::new(None));
    /// let s = seen.clone();
    /// let bob = Principal::new("bob");
    /// app.as_principal(bob)?.on::<()>("x").handle(move |cx, _| s.set(Some((cx.emitter(), cx.origin().principal()))))?;
    /// app.emit("x", ())?;
    /// assert_eq!(seen.get(), Some((Principal::system(), bob)));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn emitter(&self) -> Principal {
        self.emitter
    }

    /// The scope the handler is registered on (acting as the subscriber): emit follow-up events
    /// here. They are queued and delivered after this one, never inside this handler.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// use std::{cell::RefCell, rc::Rc};
    /// let app = Scope::root("app")?;
    /// let order = Rc::new(RefCell::new(Vec::new()));
    /// let o = order.clone();
    /// app.on::<&str>("step").handle(move |cx, name| {
    ///     o.borrow_mut().push(format!("start {name}"));
    ///     if *name == "a" {
    ///         cx.scope().emit("step", "b").unwrap(); // queued, not run inside this handler
    ///     }
    ///     o.borrow_mut().push(format!("end {name}"));
    /// })?;
    /// app.emit("step", "a")?;
    /// assert_eq!(*order.borrow(), ["start a", "end a", "start b", "end b"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// Capture, target or bubble.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The payload's type name ([`std::any::type_name`], or the name given with
    /// [`EmitOptions::type_name`]).
    pub fn type_name(&self) -> &str {
        self.type_name
    }

    /// Whether the event is a replay ([`EmitOptions::replay`]).
    pub fn is_replay(&self) -> bool {
        self.replay
    }

    /// Stops the event here: the other handlers of this scope and phase still run, no further
    /// scope sees it.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// use std::{cell::Cell, rc::Rc};
    /// let app = Scope::root("app")?;
    /// let child = app.child("c")?;
    /// let reached_root = Rc::new(Cell::new(false));
    /// let r = reached_root.clone();
    /// app.on::<()>("click").handle(move |_, _| r.set(true))?;
    /// child.on::<()>("click").handle(|cx, _| cx.stop_propagation())?;
    /// child.emit("click", ())?;
    /// assert!(!reached_root.get());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stop_propagation(&self) {
        self.stopped.set(true);
    }
}

/// An event as an interceptor sees it: its `origin` acts for the interceptor's principal.
///
/// ```
/// use reactive_store::{EventInfo, EventInterceptor, Scope, Veto};
/// struct Print;
/// impl EventInterceptor for Print {
///     fn before(&self, e: &EventInfo<'_>) -> Result<(), Veto> {
///         println!("#{} {} ({}) from {:?}, replay: {}", e.seq, e.topic, e.type_name, e.origin, e.replay);
///         assert!(e.payload.is::<u8>());
///         Ok(())
///     }
/// }
/// let app = Scope::root("app")?;
/// app.add_interceptor(Print)?;
/// app.emit("x", 1u8)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct EventInfo<'a> {
    /// Its number (emission order).
    pub seq: u64,
    /// Its topic.
    pub topic: &'a str,
    /// The scope it was emitted in, acting for the principal that added the interceptor.
    pub origin: Scope,
    /// Who emitted it.
    pub emitter: Principal,
    /// The payload's type name.
    pub type_name: &'a str,
    /// Whether it is a replay.
    pub replay: bool,
    /// The payload.
    pub payload: &'a dyn Any,
}

/// Code that runs around the delivery of every event emitted in a scope's subtree: logging,
/// validation, veto (like MobX-State-Tree middleware, for events).
///
/// `before` runs for the interceptors of the root first, down to those of the event's scope;
/// the first `Err` stops the event (no handler runs; the outcome is
/// [`EventOutcome::Vetoed`], and the `emit` that delivered it returns [`EventError::Vetoed`]).
/// `after` runs in reverse order, with the outcome. Interceptors may emit: those events are
/// delivered after this one. An interceptor sees (and can veto) only the events of scopes that
/// the principal of the handle that added it may read.
///
/// ```
/// use reactive_store::{EventError, EventInfo, EventInterceptor, Scope, Veto};
/// use std::{cell::Cell, rc::Rc};
///
/// struct NoNegative;
/// impl EventInterceptor for NoNegative {
///     fn before(&self, e: &EventInfo<'_>) -> Result<(), Veto> {
///         match e.payload.downcast_ref::<i32>() {
///             Some(n) if *n < 0 => Err(Veto::new("no-negative", format!("{n} < 0"))),
///             _ => Ok(()),
///         }
///     }
/// }
///
/// let app = Scope::root("app")?;
/// app.add_interceptor(NoNegative)?;
/// let total = Rc::new(Cell::new(0));
/// let t = total.clone();
/// app.on::<i32>("add").handle(move |_, n| t.set(t.get() + n))?;
/// app.emit("add", 5)?;
/// assert!(matches!(app.emit("add", -100), Err(EventError::Vetoed { .. })));
/// assert_eq!(total.get(), 5);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait EventInterceptor: 'static {
    /// Inspects an event before delivery; `Err` stops it.
    ///
    /// # Errors
    /// The interceptor's [`Veto`].
    fn before(&self, event: &EventInfo<'_>) -> Result<(), Veto> {
        let _ = event;
        Ok(())
    }

    /// Sees an event after delivery (or veto).
    fn after(&self, event: &EventInfo<'_>, outcome: &EventOutcome) {
        let _ = (event, outcome);
    }
}

/// Options of [`Scope::emit_with`].
///
/// ```
/// use reactive_store::{EmitOptions, Scope};
/// use std::{cell::Cell, rc::Rc};
/// let app = Scope::root("app")?;
/// let child = app.child("c")?;
/// let seen = Rc::new(Cell::new(0));
/// let s = seen.clone();
/// app.on::<u8>("x").handle(move |_, _| s.set(s.get() + 1))?;
/// child.emit_with("x", 1u8, EmitOptions::new().bubbles(false))?;
/// assert_eq!(seen.get(), 0); // did not bubble to the parent
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmitOptions {
    bubbles: bool,
    replay: bool,
    type_name: Option<Cow<'static, str>>,
}

impl Default for EmitOptions {
    fn default() -> Self {
        EmitOptions::new()
    }
}

impl EmitOptions {
    /// Bubbling, not a replay, the payload's Rust type name.
    ///
    /// ```
    /// use reactive_store::EmitOptions;
    /// assert_eq!(EmitOptions::new(), EmitOptions::default());
    /// ```
    pub fn new() -> EmitOptions {
        EmitOptions {
            bubbles: true,
            replay: false,
            type_name: None,
        }
    }

    /// Whether the event goes up to the ancestors' (non-capturing) handlers. Default: yes.
    ///
    /// ```
    /// use reactive_store::EmitOptions;
    /// let o = EmitOptions::new().bubbles(false);
    /// # let _ = o;
    /// ```
    pub fn bubbles(mut self, bubbles: bool) -> EmitOptions {
        self.bubbles = bubbles;
        self
    }

    /// Marks the event as a replay (rebuilding state from a log): only handlers subscribed
    /// with [`Subscribe::include_replay`] see it, so side effects do not run again.
    ///
    /// ```
    /// use reactive_store::EmitOptions;
    /// let o = EmitOptions::new().replay(true);
    /// # let _ = o;
    /// ```
    pub fn replay(mut self, replay: bool) -> EmitOptions {
        self.replay = replay;
        self
    }

    /// The event's type name, when it must be stable across builds (for a stored event log)
    /// rather than [`std::any::type_name`].
    ///
    /// ```
    /// use reactive_store::{EmitOptions, Scope};
    /// use std::{cell::RefCell, rc::Rc};
    /// let app = Scope::root("app")?;
    /// let name = Rc::new(RefCell::new(String::new()));
    /// let n = name.clone();
    /// app.on::<u8>("x").handle(move |cx, _| *n.borrow_mut() = cx.type_name().to_string())?;
    /// app.emit_with("x", 1u8, EmitOptions::new().type_name("ItemAdded"))?;
    /// assert_eq!(*name.borrow(), "ItemAdded");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn type_name(mut self, name: impl Into<Cow<'static, str>>) -> EmitOptions {
        self.type_name = Some(name.into());
        self
    }
}

/// Identifies an interceptor, to remove it with [`Scope::remove_interceptor`].
///
/// ```
/// use reactive_store::{EventInterceptor, InterceptorId, Scope};
/// struct Nothing;
/// impl EventInterceptor for Nothing {}
/// let app = Scope::root("app")?;
/// let id: InterceptorId = app.add_interceptor(Nothing)?;
/// assert!(app.remove_interceptor(id));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InterceptorId {
    scope: ScopeKey,
    id: u64,
}

/// The body of [`Scope::emit_with`].
pub(crate) fn emit<T: 'static>(
    scope: Scope,
    topic: &str,
    event: T,
    options: EmitOptions,
) -> Result<u64, EventError> {
    check_topic(topic)?;
    with_registry(|r| r.allow(scope.key, scope.principal, Action::Emit, Some(topic)))?;
    let (seq, outcome) = dispatch::emit(Queued {
        seq: 0,
        origin: scope.key,
        origin_principal: scope.principal,
        topic: Rc::from(topic),
        type_id: TypeId::of::<T>(),
        type_name: options
            .type_name
            .unwrap_or(Cow::Borrowed(std::any::type_name::<T>())),
        payload: Rc::new(event),
        bubbles: options.bubbles,
        replay: options.replay,
    });
    match outcome {
        Some(EventOutcome::Vetoed(veto)) => Err(EventError::Vetoed {
            seq,
            topic: topic.to_owned(),
            veto,
        }),
        _ => Ok(seq),
    }
}

/// The body of [`Scope::on`] and [`Scope::on_any`].
pub(crate) fn subscribe<T: ?Sized>(scope: Scope, pattern: &str) -> Subscribe<T> {
    Subscribe {
        scope,
        pattern: pattern.to_owned(),
        capture: false,
        include_replay: false,
        filter: None,
        _type: PhantomData,
    }
}

/// The body of [`Scope::last_event`].
pub(crate) fn last_event<T: Clone + 'static>(
    scope: Scope,
    pattern: &str,
) -> Result<ReadSignal<Option<T>>, EventError> {
    let last = Signal::new(None::<T>);
    let subscription = subscribe::<T>(scope, pattern).handle(move |_, e| {
        if !last.is_disposed() {
            last.set(Some(e.clone()));
        }
    });
    match subscription {
        Ok(_) => Ok(last.read_only()),
        Err(e) => {
            last.dispose();
            Err(e)
        }
    }
}

/// The body of [`Scope::enable_event_log`].
pub(crate) fn enable_log(scope: Scope, capacity: usize) -> Result<EventLog, EventError> {
    let owner = with_registry(|r| {
        r.allow(scope.key, scope.principal, Action::Read, None)?;
        Ok::<_, EventError>(r.scopes[scope.key].owner)
    })?;
    // One log per principal: a log enabled by a principal holds only what it may read.
    let existing = with_tables(|t| {
        let logs = &t.get(scope.key)?.logs;
        logs.iter()
            .find(|(p, _)| *p == scope.principal)
            .map(|(_, log)| *log)
    });
    let state = match existing {
        Some(state) => {
            state.update(|s| s.set_capacity(capacity));
            state
        }
        None => {
            let state = owner.run_in(|| Signal::new(log::LogState::new(capacity)));
            with_table(scope.key, |t| t.logs.push((scope.principal, state)));
            state
        }
    };
    Ok(EventLog { state })
}

/// The body of [`Scope::add_interceptor`].
pub(crate) fn add_interceptor(
    scope: Scope,
    interceptor: impl EventInterceptor,
) -> Result<InterceptorId, EventError> {
    // On error, the interceptor (user code) is dropped on return, with nothing borrowed.
    with_registry(|r| r.allow(scope.key, scope.principal, Action::Admin, None))?;
    let id = dispatch::next_id();
    let interceptor: Rc<dyn EventInterceptor> = Rc::new(interceptor);
    with_table(scope.key, |t| {
        t.interceptors.push((id, scope.principal, interceptor));
    });
    let handle = InterceptorId {
        scope: scope.key,
        id,
    };
    let _ = try_on_cleanup(move || {
        remove_interceptor(handle);
    });
    Ok(handle)
}

/// The body of [`Scope::remove_interceptor`].
pub(crate) fn remove_interceptor(id: InterceptorId) -> bool {
    let removed = with_existing_table(id.scope, |t| t.remove_interceptor(id.id));
    // Dropped here, with nothing borrowed: it is user code.
    matches!(removed, Some((Some(_), _)))
}

/// The body of [`Scope::handler_count`].
pub(crate) fn handler_count(scope: Scope) -> Result<usize, EventError> {
    if with_registry(|r| !r.scopes.contains_key(scope.key)) {
        return Err(EventError::Disposed {
            scope: crate::scope::disposed_name(scope.key),
        });
    }
    Ok(with_tables(|t| {
        t.get(scope.key).map_or(0, |t| t.handler_count())
    }))
}
