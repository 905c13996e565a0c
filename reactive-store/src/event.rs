//! Typed events on the scope tree: emit into a scope, subscribe by topic pattern and type,
//! capture and bubble along the ancestors, intercept, log, and read the last event as a signal.

mod dispatch;
mod log;
mod topic;

use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::rc::Rc;

use reactive_core::{ReadSignal, Signal, try_on_cleanup};

pub(crate) use dispatch::EventTable;
pub use log::{EventLog, EventOutcome, LoggedEvent};

use crate::scope::{Action, Scope, ScopeError, ScopeKey, with_registry};
use crate::veto::Veto;
use dispatch::{Callback, EventFilter, Handler, Queued};
use topic::{TopicPattern, check_topic};

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
/// # Ok::<(), reactive_store::ScopeError>(())
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
/// # Ok::<(), reactive_store::ScopeError>(())
/// ```
pub struct EventContext<'a> {
    seq: u64,
    topic: &'a str,
    origin: Scope,
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

    /// The scope it was emitted in (acting as the emitter).
    pub fn origin(&self) -> Scope {
        self.origin
    }

    /// The scope the handler is registered on (acting as the subscriber): emit follow-up events
    /// here, they are delivered after this one.
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
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn stop_propagation(&self) {
        self.stopped.set(true);
    }
}

/// An event as interceptors see it.
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
/// # Ok::<(), reactive_store::ScopeError>(())
/// ```
pub struct EventInfo<'a> {
    /// Its number (emission order).
    pub seq: u64,
    /// Its topic.
    pub topic: &'a str,
    /// The scope it was emitted in.
    pub origin: Scope,
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
/// [`EventOutcome::Vetoed`]). `after` runs in reverse order, with the outcome. Interceptors
/// may emit: those events are delivered after this one.
///
/// ```
/// use reactive_store::{EventInfo, EventInterceptor, Scope, Veto};
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
/// app.emit("add", -100)?; // vetoed
/// assert_eq!(total.get(), 5);
/// # Ok::<(), reactive_store::ScopeError>(())
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
/// # Ok::<(), reactive_store::ScopeError>(())
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
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn type_name(mut self, name: impl Into<Cow<'static, str>>) -> EmitOptions {
        self.type_name = Some(name.into());
        self
    }
}

/// A subscription being set up: made by [`Scope::on`] (typed) or [`Scope::on_any`].
///
/// ```
/// use reactive_store::Scope;
/// let app = Scope::root("app")?;
/// let sub = app.on::<u32>("score.**").capture().filter(|s| *s > 0).handle(|_, _| {})?;
/// assert!(sub.is_active());
/// # Ok::<(), reactive_store::ScopeError>(())
/// ```
#[must_use = "a subscription does nothing until `handle` is called"]
pub struct Subscribe<T: ?Sized> {
    scope: Scope,
    pattern: String,
    capture: bool,
    include_replay: bool,
    filter: Option<EventFilter>,
    _type: PhantomData<fn(&T)>,
}

impl<T: ?Sized> Subscribe<T> {
    /// Handles the event on its way down (before the scope it was emitted in), not on its way
    /// up.
    ///
    /// ```
    /// use reactive_store::{Phase, Scope};
    /// use std::{cell::RefCell, rc::Rc};
    /// let app = Scope::root("app")?;
    /// let child = app.child("c")?;
    /// let order = Rc::new(RefCell::new(Vec::new()));
    /// let (a, b, c) = (order.clone(), order.clone(), order.clone());
    /// app.on::<()>("go").handle(move |cx, _| a.borrow_mut().push(cx.phase()))?;
    /// app.on::<()>("go").capture().handle(move |cx, _| b.borrow_mut().push(cx.phase()))?;
    /// child.on::<()>("go").handle(move |cx, _| c.borrow_mut().push(cx.phase()))?;
    /// child.emit("go", ())?;
    /// assert_eq!(*order.borrow(), [Phase::Capture, Phase::Target, Phase::Bubble]);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn capture(mut self) -> Self {
        self.capture = true;
        self
    }

    /// Also handles replayed events ([`EmitOptions::replay`]): for handlers that rebuild
    /// state. Handlers with side effects should not.
    ///
    /// ```
    /// use reactive_store::{EmitOptions, Scope};
    /// use std::{cell::Cell, rc::Rc};
    /// let app = Scope::root("app")?;
    /// let (state, emails) = (Rc::new(Cell::new(0)), Rc::new(Cell::new(0)));
    /// let (s, e) = (state.clone(), emails.clone());
    /// app.on::<i32>("deposit").include_replay().handle(move |_, n| s.set(s.get() + n))?;
    /// app.on::<i32>("deposit").handle(move |_, _| e.set(e.get() + 1))?;
    /// app.emit_with("deposit", 10, EmitOptions::new().replay(true))?;
    /// assert_eq!((state.get(), emails.get()), (10, 0));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn include_replay(mut self) -> Self {
        self.include_replay = true;
        self
    }

    fn register(
        self,
        type_id: Option<TypeId>,
        callback: Callback,
    ) -> Result<Subscription, ScopeError> {
        let pattern = TopicPattern::parse(&self.pattern)?;
        let scope = self.scope;
        let id = dispatch::next_id();
        let handler = Rc::new(Handler {
            id,
            type_id,
            pattern,
            capture: self.capture,
            include_replay: self.include_replay,
            principal: scope.principal,
            filter: self.filter,
            callback: RefCell::new(callback),
            alive: Cell::new(true),
        });
        let mut handler = Some(handler);
        let added = with_registry(|r| {
            r.check(
                scope.key,
                scope.principal,
                Action::Read,
                Some(&self.pattern),
            )?;
            if let Some(h) = handler.take() {
                r.scopes[scope.key].events.add(h);
            }
            Ok::<_, ScopeError>(())
        });
        // On error, the handler (a user closure) is dropped here, outside the registry.
        drop(handler);
        added?;
        let subscription = Subscription {
            scope: scope.key,
            id,
        };
        let _ = try_on_cleanup(move || {
            subscription.unsubscribe();
        });
        Ok(subscription)
    }
}

impl<T: 'static> Subscribe<T> {
    /// Only events for which `predicate` holds.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// use std::{cell::Cell, rc::Rc};
    /// let app = Scope::root("app")?;
    /// let big = Rc::new(Cell::new(0));
    /// let b = big.clone();
    /// app.on::<u32>("hit").filter(|dmg| *dmg > 10).handle(move |_, _| b.set(b.get() + 1))?;
    /// for dmg in [5u32, 50, 8, 12] { app.emit("hit", dmg)?; }
    /// assert_eq!(big.get(), 2);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn filter(mut self, predicate: impl Fn(&T) -> bool + 'static) -> Self {
        self.filter = Some(Box::new(move |e: &dyn Any| {
            e.downcast_ref::<T>().is_some_and(&predicate)
        }));
        self
    }

    /// Registers `handler` for events of type `T` whose topic matches. The subscription is
    /// removed when the owner current now is disposed (an effect re-running, a component
    /// unmounting), when the scope is disposed, or with [`Subscription::unsubscribe`].
    ///
    /// # Errors
    /// [`ScopeError::InvalidTopic`] for a malformed pattern, [`ScopeError::AccessDenied`]
    /// without [`Action::Read`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// use std::{cell::RefCell, rc::Rc};
    /// #[derive(Debug, PartialEq)]
    /// struct Damaged { amount: u32 }
    /// let game = Scope::root("game")?;
    /// let hits = Rc::new(RefCell::new(Vec::new()));
    /// let h = hits.clone();
    /// game.on::<Damaged>("player.*.damaged").handle(move |cx, d| {
    ///     h.borrow_mut().push((cx.topic().to_string(), d.amount));
    /// })?;
    /// game.emit("player.7.damaged", Damaged { amount: 3 })?;
    /// game.emit("player.7.healed", Damaged { amount: 9 })?; // another topic
    /// game.emit("player.7.damaged", 42u32)?;                // another type
    /// assert_eq!(*hits.borrow(), [("player.7.damaged".to_string(), 3)]);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn handle(
        self,
        mut handler: impl FnMut(&EventContext<'_>, &T) + 'static,
    ) -> Result<Subscription, ScopeError> {
        self.register(
            Some(TypeId::of::<T>()),
            Box::new(move |cx, e| {
                if let Some(e) = e.downcast_ref::<T>() {
                    handler(cx, e);
                }
            }),
        )
    }
}

impl Subscribe<dyn Any> {
    /// Only events for which `predicate` holds.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// use std::{cell::Cell, rc::Rc};
    /// let app = Scope::root("app")?;
    /// let n = Rc::new(Cell::new(0));
    /// let c = n.clone();
    /// app.on_any("**").filter(|e| e.is::<u8>()).handle(move |_, _| c.set(c.get() + 1))?;
    /// app.emit("a", 1u8)?;
    /// app.emit("b", "text")?;
    /// assert_eq!(n.get(), 1);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn filter(mut self, predicate: impl Fn(&dyn Any) -> bool + 'static) -> Self {
        self.filter = Some(Box::new(predicate));
        self
    }

    /// Registers `handler` for events of any type whose topic matches (devtools, loggers,
    /// bridges that persist events).
    ///
    /// # Errors
    /// As [`Subscribe::handle`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// use std::{cell::RefCell, rc::Rc};
    /// let app = Scope::root("app")?;
    /// let seen = Rc::new(RefCell::new(Vec::new()));
    /// let s = seen.clone();
    /// app.on_any("**").handle(move |cx, _| s.borrow_mut().push(cx.type_name().to_string()))?;
    /// app.emit("a", 1u8)?;
    /// assert_eq!(*seen.borrow(), ["u8"]);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn handle(
        self,
        handler: impl FnMut(&EventContext<'_>, &dyn Any) + 'static,
    ) -> Result<Subscription, ScopeError> {
        self.register(None, Box::new(handler))
    }
}

/// A registered handler; removing it is idempotent.
///
/// ```
/// use reactive_store::Scope;
/// let app = Scope::root("app")?;
/// let sub = app.on::<()>("x").handle(|_, _| {})?;
/// sub.unsubscribe();
/// assert_eq!(app.handler_count()?, 0);
/// # Ok::<(), reactive_store::ScopeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Subscription {
    scope: ScopeKey,
    id: u64,
}

impl Subscription {
    /// Removes the handler. Returns whether it was still registered.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let sub = app.on::<()>("x").handle(|_, _| {})?;
    /// assert!(sub.is_active());
    /// assert!(sub.unsubscribe());
    /// assert!(!sub.unsubscribe());
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn unsubscribe(&self) -> bool {
        let removed = with_registry(|r| r.scopes.get_mut(self.scope)?.events.remove(self.id));
        match removed {
            Some(handler) => {
                handler.alive.set(false);
                // The handler (a user closure) is dropped here, outside the registry.
                drop(handler);
                true
            }
            None => false,
        }
    }

    /// Whether the handler is still registered.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let sub = app.on::<()>("x").handle(|_, _| {})?;
    /// app.dispose()?;
    /// assert!(!sub.is_active());
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn is_active(&self) -> bool {
        with_registry(|r| {
            r.scopes.get(self.scope).is_some_and(|d| {
                d.events.wild.iter().any(|h| h.id == self.id)
                    || d.events
                        .exact
                        .values()
                        .any(|l| l.iter().any(|h| h.id == self.id))
            })
        })
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
/// # Ok::<(), reactive_store::ScopeError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct InterceptorId {
    scope: ScopeKey,
    id: u64,
}

impl Scope {
    /// Emits `event` with `topic` in this scope. Handlers run in emission order: now if no
    /// event is being delivered, otherwise right after the current one. Returns the event's
    /// number.
    ///
    /// # Errors
    /// [`ScopeError::InvalidTopic`], [`ScopeError::AccessDenied`] without [`Action::Emit`],
    /// [`ScopeError::Disposed`].
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
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn emit<T: 'static>(&self, topic: &str, event: T) -> Result<u64, ScopeError> {
        self.emit_with(topic, event, EmitOptions::new())
    }

    /// Emits with [`EmitOptions`] (bubbling, replay, a stable type name).
    ///
    /// # Errors
    /// As [`emit`](Scope::emit).
    ///
    /// ```
    /// use reactive_store::{EmitOptions, Scope};
    /// let app = Scope::root("app")?;
    /// assert!(app.emit_with("x", 1u8, EmitOptions::new().replay(true))? > 0);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn emit_with<T: 'static>(
        &self,
        topic: &str,
        event: T,
        options: EmitOptions,
    ) -> Result<u64, ScopeError> {
        check_topic(topic)?;
        with_registry(|r| r.check(self.key, self.principal, Action::Emit, Some(topic)))?;
        Ok(dispatch::emit(Queued {
            seq: 0,
            origin: self.key,
            origin_principal: self.principal,
            topic: Rc::from(topic),
            type_id: TypeId::of::<T>(),
            type_name: options
                .type_name
                .unwrap_or(Cow::Borrowed(std::any::type_name::<T>())),
            payload: Rc::new(event),
            bubbles: options.bubbles,
            replay: options.replay,
        }))
    }

    /// Subscribes to events of type `T` whose topic matches `pattern` (`*`: one segment, `**`:
    /// any number), emitted here or in a descendant; see [`Subscribe`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// use std::{cell::Cell, rc::Rc};
    /// let app = Scope::root("app")?;
    /// let editor = app.child("editor")?;
    /// let saves = Rc::new(Cell::new(0));
    /// let s = saves.clone();
    /// app.on::<String>("doc.saved").handle(move |_, _| s.set(s.get() + 1))?;
    /// editor.emit("doc.saved", "notes.md".to_string())?; // bubbles up to `app`
    /// assert_eq!(saves.get(), 1);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn on<T: 'static>(&self, pattern: &str) -> Subscribe<T> {
        Subscribe {
            scope: *self,
            pattern: pattern.to_owned(),
            capture: false,
            include_replay: false,
            filter: None,
            _type: PhantomData,
        }
    }

    /// Subscribes to events of any type whose topic matches `pattern`.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let sub = app.on_any("**").handle(|cx, _| println!("{} ({})", cx.topic(), cx.type_name()))?;
    /// # let _ = sub;
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn on_any(&self, pattern: &str) -> Subscribe<dyn Any> {
        Subscribe {
            scope: *self,
            pattern: pattern.to_owned(),
            capture: false,
            include_replay: false,
            filter: None,
            _type: PhantomData,
        }
    }

    /// The last event of type `T` matching `pattern` as a signal (`None` until the first).
    /// The signal and its subscription belong to the current owner.
    ///
    /// # Errors
    /// As [`Subscribe::handle`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let last = app.last_event::<u32>("score.*")?;
    /// assert_eq!(last.get(), None);
    /// app.emit("score.alice", 10u32)?;
    /// app.emit("score.bob", 7u32)?;
    /// assert_eq!(last.get(), Some(7));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn last_event<T: Clone + 'static>(
        &self,
        pattern: &str,
    ) -> Result<ReadSignal<Option<T>>, ScopeError> {
        let last = Signal::new(None::<T>);
        let subscription = self.on::<T>(pattern).handle(move |_, e| {
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

    /// Keeps a reactive log of the last `capacity` events emitted here or in a descendant (see
    /// [`EventLog`]). Enabling it again changes the capacity and returns the same log.
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Read`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let log = app.enable_event_log(100)?;
    /// assert_eq!(app.enable_event_log(10)?, log);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn enable_event_log(&self, capacity: usize) -> Result<EventLog, ScopeError> {
        let existing = with_registry(|r| {
            r.check(self.key, self.principal, Action::Read, None)?;
            let d = &mut r.scopes[self.key];
            Ok::<_, ScopeError>(match d.events.log {
                Some(state) => Ok(state),
                None => Err(d.owner),
            })
        })?;
        let state = match existing {
            Ok(state) => {
                state.update(|s| s.set_capacity(capacity));
                state
            }
            Err(owner) => {
                let state = owner.run_in(|| Signal::new(log::LogState::new(capacity)));
                with_registry(|r| {
                    if let Some(d) = r.scopes.get_mut(self.key) {
                        d.events.log = Some(state);
                    }
                });
                state
            }
        };
        Ok(EventLog { state })
    }

    /// Adds an [`EventInterceptor`] for the events emitted here or in a descendant. It is
    /// removed when the owner current now is disposed, with the scope, or with
    /// [`remove_interceptor`](Scope::remove_interceptor).
    ///
    /// # Errors
    /// [`ScopeError::AccessDenied`] without [`Action::Admin`], [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::{EventInterceptor, Scope};
    /// struct Quiet;
    /// impl EventInterceptor for Quiet {}
    /// let app = Scope::root("app")?;
    /// let id = app.add_interceptor(Quiet)?;
    /// assert!(app.remove_interceptor(id));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn add_interceptor(
        &self,
        interceptor: impl EventInterceptor,
    ) -> Result<InterceptorId, ScopeError> {
        let id = dispatch::next_id();
        let mut interceptor: Option<Rc<dyn EventInterceptor>> = Some(Rc::new(interceptor));
        let added = with_registry(|r| {
            r.check(self.key, self.principal, Action::Admin, None)?;
            if let Some(i) = interceptor.take() {
                r.scopes[self.key].events.interceptors.push((id, i));
            }
            Ok::<_, ScopeError>(())
        });
        drop(interceptor);
        added?;
        let handle = InterceptorId {
            scope: self.key,
            id,
        };
        let scope = *self;
        let _ = try_on_cleanup(move || {
            scope.remove_interceptor(handle);
        });
        Ok(handle)
    }

    /// Removes an interceptor; returns whether it was registered.
    ///
    /// ```
    /// use reactive_store::{EventInterceptor, Scope};
    /// struct Quiet;
    /// impl EventInterceptor for Quiet {}
    /// let app = Scope::root("app")?;
    /// let id = app.add_interceptor(Quiet)?;
    /// assert!(app.remove_interceptor(id));
    /// assert!(!app.remove_interceptor(id));
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn remove_interceptor(&self, id: InterceptorId) -> bool {
        let removed = with_registry(|r| {
            let list = &mut r.scopes.get_mut(id.scope)?.events.interceptors;
            let i = list.iter().position(|(x, _)| *x == id.id)?;
            Some(list.remove(i))
        });
        // Dropped outside the registry: it is user code.
        removed.is_some()
    }

    /// Number of event handlers registered on this scope (for leak checks).
    ///
    /// # Errors
    /// [`ScopeError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// app.on::<()>("x").handle(|_, _| {})?;
    /// assert_eq!(app.handler_count()?, 1);
    /// # Ok::<(), reactive_store::ScopeError>(())
    /// ```
    pub fn handler_count(&self) -> Result<usize, ScopeError> {
        with_registry(|r| Ok(r.data(self.key)?.events.handler_count()))
    }
}
