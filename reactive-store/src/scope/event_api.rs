//! The events part of [`Scope`]'s API: emitting, subscribing, the last-event signal, the log
//! and interceptors. The routing itself lives in `crate::event`.

use std::any::Any;

use reactive_core::ReadSignal;

#[cfg(doc)]
use super::Action;
use super::Scope;
use crate::event::{
    self, EmitOptions, EventError, EventInterceptor, EventLog, InterceptorId, Subscribe,
};

/// Events (see [`Subscribe`], [`EventContext`](crate::EventContext) and
/// [`EventInterceptor`] for the details).
impl Scope {
    /// Emits `event` with `topic` in this scope: capture down from the root, target, bubble up.
    /// Handlers run in emission order: now if no event is being delivered, otherwise right
    /// after the current one (an event emitted by a handler is queued, never nested: see
    /// [`EventContext::scope`](crate::EventContext::scope)). Returns the event's number.
    ///
    /// # Errors
    /// [`EventError::InvalidTopic`], [`EventError::AccessDenied`] without [`Action::Emit`],
    /// [`EventError::Disposed`]; [`EventError::Vetoed`] if an interceptor refused it while this
    /// call delivered it.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let last = app.last_event::<u32>("score")?;
    /// assert!(app.child("c")?.emit("score", 7u32)? > 0);
    /// assert_eq!(last.get(), Some(7));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn emit<T: 'static>(&self, topic: &str, event: T) -> Result<u64, EventError> {
        event::emit(*self, topic, event, EmitOptions::new())
    }

    /// Emits with [`EmitOptions`] (bubbling, replay, a stable type name: each option has an
    /// example there).
    ///
    /// # Errors
    /// As [`emit`](Scope::emit).
    pub fn emit_with<T: 'static>(
        &self,
        topic: &str,
        event: T,
        options: EmitOptions,
    ) -> Result<u64, EventError> {
        event::emit(*self, topic, event, options)
    }

    /// Subscribes to events of type `T` whose topic matches `pattern` (`*`: one segment, `**`:
    /// any number), emitted here or in a descendant; finish with [`Subscribe::handle`].
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn on<T: 'static>(&self, pattern: &str) -> Subscribe<T> {
        event::subscribe(*self, pattern)
    }

    /// Subscribes to events of any type whose topic matches `pattern` (devtools, loggers,
    /// bridges that persist events); [`Subscribe<dyn Any>::handle`](Subscribe::handle) has an
    /// example.
    pub fn on_any(&self, pattern: &str) -> Subscribe<dyn Any> {
        event::subscribe(*self, pattern)
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
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn last_event<T: Clone + 'static>(
        &self,
        pattern: &str,
    ) -> Result<ReadSignal<Option<T>>, EventError> {
        event::last_event(*self, pattern)
    }

    /// Keeps a reactive log of the last `capacity` events emitted here or in a descendant that
    /// this principal may read ([`EventLog`]); enabling it again changes its capacity.
    ///
    /// # Errors
    /// [`EventError::AccessDenied`] without [`Action::Read`], [`EventError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let log = app.enable_event_log(100)?;
    /// assert_eq!(app.enable_event_log(10)?, log);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn enable_event_log(&self, capacity: usize) -> Result<EventLog, EventError> {
        event::enable_log(*self, capacity)
    }

    /// Adds an [`EventInterceptor`] for the events emitted here or in a descendant. It is
    /// removed when the owner current now is disposed, with the scope, or with
    /// [`remove_interceptor`](Scope::remove_interceptor).
    ///
    /// # Errors
    /// [`EventError::AccessDenied`] without [`Action::Admin`], [`EventError::Disposed`].
    ///
    /// ```
    /// use reactive_store::{EventInterceptor, Scope};
    /// struct Quiet;
    /// impl EventInterceptor for Quiet {}
    /// let app = Scope::root("app")?;
    /// let id = app.add_interceptor(Quiet)?;
    /// assert!(app.remove_interceptor(id));
    /// assert!(!app.remove_interceptor(id));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn add_interceptor(
        &self,
        interceptor: impl EventInterceptor,
    ) -> Result<InterceptorId, EventError> {
        event::add_interceptor(*self, interceptor)
    }

    /// Removes an interceptor; returns whether it was registered (see
    /// [`add_interceptor`](Scope::add_interceptor) for an example).
    pub fn remove_interceptor(&self, id: InterceptorId) -> bool {
        event::remove_interceptor(id)
    }

    /// Number of event handlers registered on this scope (for leak checks).
    /// # Errors
    /// [`EventError::Disposed`].
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// app.on::<()>("x").handle(|_, _| {})?;
    /// assert_eq!(app.handler_count()?, 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn handler_count(&self) -> Result<usize, EventError> {
        event::handler_count(*self)
    }

    /// Number of scopes on this thread that have event handlers, interceptors or a log (for
    /// leak checks: the event bus keeps nothing for a disposed scope).
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let before = Scope::live_event_tables();
    /// let app = Scope::root("app")?;
    /// app.on::<()>("x").handle(|_, _| {})?;
    /// assert_eq!(Scope::live_event_tables(), before + 1);
    /// app.dispose()?;
    /// assert_eq!(Scope::live_event_tables(), before);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn live_event_tables() -> usize {
        event::table_count()
    }
}
