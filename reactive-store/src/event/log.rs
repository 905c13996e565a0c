//! [`EventLog`]: a bounded, reactive record of the events that went through a scope.

use std::any::Any;
use std::borrow::Cow;
use std::collections::VecDeque;
use std::fmt;
use std::rc::Rc;

use reactive_core::Signal;

use crate::veto::Veto;

/// What happened to an event.
///
/// ```
/// use reactive_store::{EventOutcome, Scope};
/// let app = Scope::root("app")?;
/// let log = app.enable_event_log(1)?;
/// app.on::<()>("x").handle(|_, _| {})?;
/// app.emit("x", ())?;
/// assert_eq!(log.entries()[0].outcome, EventOutcome::Delivered { handlers: 1 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventOutcome {
    /// Delivered to this many handlers (0: nobody listened).
    Delivered {
        /// Handlers that ran.
        handlers: usize,
    },
    /// An interceptor refused it: no handler ran.
    Vetoed(Veto),
}

/// One event as recorded in an [`EventLog`].
///
/// ```
/// use reactive_store::Scope;
/// let app = Scope::root("app")?;
/// let log = app.enable_event_log(1)?;
/// app.emit("greet", "hi")?;
/// let e = &log.entries()[0];
/// assert_eq!((&*e.topic, e.origin.as_str(), e.replay), ("greet", "app", false));
/// assert_eq!(e.type_name, "&str");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct LoggedEvent {
    /// The event's number on this thread (emission order).
    pub seq: u64,
    /// Its topic.
    pub topic: Rc<str>,
    /// The path of the scope it was emitted in.
    pub origin: String,
    /// The type name of its payload.
    pub type_name: Cow<'static, str>,
    /// Whether it was a replay.
    pub replay: bool,
    /// What happened to it.
    pub outcome: EventOutcome,
    pub(crate) payload: Rc<dyn Any>,
}

impl LoggedEvent {
    /// The payload, if it is a `T`.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let log = app.enable_event_log(10)?;
    /// app.emit("ping", 7u32)?;
    /// assert_eq!(log.entries()[0].payload::<u32>(), Some(&7));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn payload<T: 'static>(&self) -> Option<&T> {
        self.payload.downcast_ref()
    }
}

impl fmt::Debug for LoggedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoggedEvent")
            .field("seq", &self.seq)
            .field("topic", &self.topic)
            .field("origin", &self.origin)
            .field("type_name", &self.type_name)
            .field("replay", &self.replay)
            .field("outcome", &self.outcome)
            .finish_non_exhaustive()
    }
}

pub(crate) struct LogState {
    entries: VecDeque<LoggedEvent>,
    capacity: usize,
    total: u64,
}

impl LogState {
    pub fn new(capacity: usize) -> LogState {
        LogState {
            entries: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
            total: 0,
        }
    }

    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        while self.entries.len() > capacity {
            self.entries.pop_front();
        }
    }

    pub fn push(&mut self, entry: LoggedEvent) {
        self.total += 1;
        if self.capacity == 0 {
            return;
        }
        if self.entries.len() == self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }
}

/// The last events that were emitted in a scope or bubbled through it, oldest first, at most
/// `capacity` of them: a reactive value (reading it tracks it), for debugging panels. It
/// records only the events of scopes that the principal that enabled it may read (like its
/// handlers); each principal enabling a log on a scope gets its own.
/// Made by [`Scope::enable_event_log`](crate::Scope::enable_event_log); disposed with the scope.
///
/// ```
/// use reactive_store::{EventOutcome, Scope};
/// let app = Scope::root("app")?;
/// let log = app.enable_event_log(2)?;
/// let child = app.child("c")?;
/// for i in 0..3u8 {
///     child.emit("tick", i)?;
/// }
/// let entries = log.entries();
/// assert_eq!(entries.len(), 2); // bounded
/// assert_eq!((entries[1].origin.as_str(), entries[1].payload::<u8>()), ("app/c", Some(&2)));
/// assert_eq!(entries[1].outcome, EventOutcome::Delivered { handlers: 0 });
/// assert_eq!(log.total(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EventLog {
    pub(crate) state: Signal<LogState>,
}

impl EventLog {
    /// The recorded events, oldest first (tracked).
    ///
    /// # Panics
    /// If the scope was disposed.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let log = app.enable_event_log(5)?;
    /// assert!(log.entries().is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn entries(&self) -> Vec<LoggedEvent> {
        self.state.with(|s| s.entries.iter().cloned().collect())
    }

    /// Number of recorded events (tracked).
    ///
    /// # Panics
    /// If the scope was disposed.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let log = app.enable_event_log(5)?;
    /// app.emit("x", ())?;
    /// assert_eq!(log.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn len(&self) -> usize {
        self.state.with(|s| s.entries.len())
    }

    /// Whether no event is recorded (tracked).
    ///
    /// # Panics
    /// If the scope was disposed.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// assert!(Scope::root("app")?.enable_event_log(5)?.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Events seen since the log was enabled, including those no longer kept (tracked).
    ///
    /// # Panics
    /// If the scope was disposed.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let log = app.enable_event_log(0)?;
    /// app.emit("x", ())?;
    /// assert_eq!((log.len(), log.total()), (0, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn total(&self) -> u64 {
        self.state.with(|s| s.total)
    }

    /// Forgets the recorded events.
    ///
    /// # Panics
    /// If the scope was disposed.
    ///
    /// ```
    /// use reactive_store::Scope;
    /// let app = Scope::root("app")?;
    /// let log = app.enable_event_log(5)?;
    /// app.emit("x", ())?;
    /// log.clear();
    /// assert!(log.is_empty());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[track_caller]
    pub fn clear(&self) {
        self.state.update(|s| s.entries.clear());
    }
}
