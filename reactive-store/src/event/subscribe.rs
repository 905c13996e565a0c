//! Subscribing: [`Subscribe`] (the builder made by [`Scope::on`] and [`Scope::on_any`]) and
//! [`EventSubscription`] (a registered handler).

use std::any::{Any, TypeId};
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::rc::Rc;

use reactive_core::try_on_cleanup;

use super::EventContext;
use super::dispatch;
use super::error::EventError;
use super::table::{Callback, EventFilter, Handler, with_existing_table, with_table, with_tables};
use super::topic::TopicPattern;
use crate::scope::{Action, Scope, ScopeKey, with_registry};

/// A subscription being set up: made by [`Scope::on`] (typed) or [`Scope::on_any`].
///
/// ```
/// use reactive_store::Scope;
/// let app = Scope::root("app")?;
/// let sub = app.on::<u32>("score.**").capture().filter(|s| *s > 0).handle(|_, _| {})?;
/// assert!(sub.is_active());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use = "a subscription does nothing until `handle` is called"]
pub struct Subscribe<T: ?Sized> {
    pub(super) scope: Scope,
    pub(super) pattern: String,
    pub(super) capture: bool,
    pub(super) include_replay: bool,
    pub(super) filter: Option<EventFilter>,
    pub(super) _type: PhantomData<fn(&T)>,
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn capture(mut self) -> Self {
        self.capture = true;
        self
    }

    /// Also handles replayed events ([`EmitOptions::replay`](crate::EmitOptions::replay)): for
    /// handlers that rebuild state. Handlers with side effects should not.
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn include_replay(mut self) -> Self {
        self.include_replay = true;
        self
    }

    fn register(
        self,
        type_id: Option<TypeId>,
        callback: Callback,
    ) -> Result<EventSubscription, EventError> {
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
        // On error, the handler (a user closure) is dropped on return, with nothing borrowed.
        with_registry(|r| {
            r.allow(
                scope.key,
                scope.principal,
                Action::Read,
                Some(&self.pattern),
            )
        })?;
        // No user code ran since the check: the scope is alive.
        with_table(scope.key, |t| t.add(handler));
        let subscription = EventSubscription {
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn filter(mut self, predicate: impl Fn(&T) -> bool + 'static) -> Self {
        self.filter = Some(Box::new(move |e: &dyn Any| {
            e.downcast_ref::<T>().is_some_and(&predicate)
        }));
        self
    }

    /// Registers `handler` for events of type `T` whose topic matches. The subscription is
    /// removed when the owner current now is disposed (an effect re-running, a component
    /// unmounting), when the scope is disposed, or with [`EventSubscription::unsubscribe`].
    ///
    /// # Errors
    /// [`EventError::InvalidTopic`] for a malformed pattern, [`EventError::AccessDenied`]
    /// without [`Action::Read`], [`EventError::Disposed`].
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn handle(
        self,
        mut handler: impl FnMut(&EventContext<'_>, &T) + 'static,
    ) -> Result<EventSubscription, EventError> {
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn handle(
        self,
        handler: impl FnMut(&EventContext<'_>, &dyn Any) + 'static,
    ) -> Result<EventSubscription, EventError> {
        self.register(None, Box::new(handler))
    }
}

/// A registered handler; removing it is idempotent. (Named apart from the other crates'
/// `Subscription`s, which are not event handlers.)
///
/// ```
/// use reactive_store::Scope;
/// let app = Scope::root("app")?;
/// let sub = app.on::<()>("x").handle(|_, _| {})?;
/// sub.unsubscribe();
/// assert_eq!(app.handler_count()?, 0);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EventSubscription {
    scope: ScopeKey,
    id: u64,
}

impl EventSubscription {
    /// Removes the handler. Returns whether it was still registered.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let sub = app.on::<()>("x").handle(|_, _| {})?;
    /// assert!(sub.is_active());
    /// assert!(sub.unsubscribe());
    /// assert!(!sub.unsubscribe());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn unsubscribe(&self) -> bool {
        let Some((removed, emptied)) = with_existing_table(self.scope, |t| t.remove(self.id))
        else {
            return false;
        };
        // The handler (a user closure) and an emptied table are dropped here, with nothing
        // borrowed.
        drop(emptied);
        match removed {
            Some(handler) => {
                handler.alive.set(false);
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn is_active(&self) -> bool {
        with_tables(|t| t.get(self.scope).is_some_and(|t| t.has_handler(self.id)))
    }
}
