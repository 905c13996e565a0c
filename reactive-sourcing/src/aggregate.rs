//! Event-sourced models: the [`Aggregate`] trait (commands, events, `apply`), the
//! [`Repository`] that loads, executes and snapshots them, and [`Sourced`], a loaded aggregate
//! whose state is a reactive signal.

use std::cell::{Cell, RefCell};
use std::fmt;

use reactive_core::{ReadSignal, Signal, try_batch};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::EventStoreError;
use crate::event::{Appended, EventHash, Metadata};
use crate::schema::DomainEvent;

mod repository;

pub use repository::{PastState, Repository};

/// An event-sourced model: its state is the fold of its events.
///
/// `handle` decides (pure: it reads the state and returns events or a refusal); `apply`
/// changes the state (pure and total: an event that was stored has happened, so `apply` must
/// not fail).
///
/// ```
/// use reactive_sourcing::{Aggregate, DomainEvent};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
/// struct Counter { value: i64 }
///
/// #[derive(Debug, Serialize, Deserialize)]
/// enum CounterEvent { Added(i64) }
/// impl DomainEvent for CounterEvent {
///     const TYPES: &'static [(&'static str, u32)] = &[("Added", 1)];
/// }
///
/// struct CounterModel;
/// impl Aggregate for CounterModel {
///     type State = Counter;
///     type Event = CounterEvent;
///     type Command = i64;
///     type Error = String;
///     fn apply(state: &mut Counter, event: &CounterEvent) {
///         match event { CounterEvent::Added(n) => state.value += n }
///     }
///     fn handle(state: &Counter, add: i64) -> Result<Vec<CounterEvent>, String> {
///         if state.value + add < 0 { return Err("would go negative".into()) }
///         Ok(vec![CounterEvent::Added(add)])
///     }
/// }
/// # let mut state = Counter::default();
/// # CounterModel::apply(&mut state, &CounterEvent::Added(2));
/// # assert_eq!(state.value, 2);
/// ```
pub trait Aggregate: 'static {
    /// The state folded from the events (`Default` is the state before the first event).
    type State: Clone + Default + Serialize + DeserializeOwned + 'static;
    /// The events.
    type Event: DomainEvent;
    /// What callers ask for.
    type Command;
    /// Why a command is refused.
    type Error;

    /// The format version of `State` in snapshots: bump it when `State` changes shape, and old
    /// snapshots are ignored (the state is rebuilt from events).
    const STATE_VERSION: u32 = 1;

    /// Folds one event into the state.
    fn apply(state: &mut Self::State, event: &Self::Event);

    /// Decides what happens for a command: the events to append, or a refusal.
    ///
    /// # Errors
    ///
    /// The domain's reason to refuse the command.
    fn handle(state: &Self::State, command: Self::Command)
    -> Result<Vec<Self::Event>, Self::Error>;
}

/// Who issues a command, and the key that makes retrying it safe.
///
/// ```
/// use reactive_sourcing::CommandContext;
/// let context = CommandContext::new().principal("alice").idempotency_key("transfer-77");
/// assert_eq!(context.metadata.principal.as_deref(), Some("alice"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommandContext {
    /// Metadata for the events (the timestamp is set when the command executes, if 0).
    pub metadata: Metadata,
    /// The append's idempotency key.
    pub idempotency_key: Option<String>,
}

impl CommandContext {
    /// An anonymous context without a key.
    ///
    /// ```
    /// assert!(reactive_sourcing::CommandContext::new().idempotency_key.is_none());
    /// ```
    pub fn new() -> Self {
        CommandContext::default()
    }

    /// Sets the principal.
    ///
    /// ```
    /// let context = reactive_sourcing::CommandContext::new().principal("bob");
    /// assert_eq!(context.metadata.principal.as_deref(), Some("bob"));
    /// ```
    #[must_use]
    pub fn principal(mut self, principal: impl Into<String>) -> Self {
        self.metadata.principal = Some(principal.into());
        self
    }

    /// Sets the correlation id.
    ///
    /// ```
    /// let context = reactive_sourcing::CommandContext::new().correlation_id("req-1");
    /// assert_eq!(context.metadata.correlation_id.as_deref(), Some("req-1"));
    /// ```
    #[must_use]
    pub fn correlation_id(mut self, id: impl Into<String>) -> Self {
        self.metadata.correlation_id = Some(id.into());
        self
    }

    /// Sets the causation id.
    ///
    /// ```
    /// let context = reactive_sourcing::CommandContext::new().causation_id("msg-1");
    /// assert_eq!(context.metadata.causation_id.as_deref(), Some("msg-1"));
    /// ```
    #[must_use]
    pub fn causation_id(mut self, id: impl Into<String>) -> Self {
        self.metadata.causation_id = Some(id.into());
        self
    }

    /// Sets the idempotency key: executing the same command again with this key appends
    /// nothing.
    ///
    /// ```
    /// let context = reactive_sourcing::CommandContext::new().idempotency_key("k-1");
    /// assert_eq!(context.idempotency_key.as_deref(), Some("k-1"));
    /// ```
    #[must_use]
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
}

/// Why a command did not execute.
///
/// ```
/// use reactive_sourcing::{CommandError, EventStoreError};
/// let refused: CommandError<String> = CommandError::Rejected("insufficient funds".into());
/// assert_eq!(refused.to_string(), "command rejected: insufficient funds");
/// ```
#[derive(Debug)]
pub enum CommandError<E> {
    /// The aggregate refused it (`handle` returned an error). Nothing was appended.
    Rejected(E),
    /// The store failed, e.g. [`EventStoreError::Conflict`]: another writer appended first; call
    /// [`Repository::refresh`] and retry.
    Store(EventStoreError),
}

impl<E: fmt::Display> fmt::Display for CommandError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::Rejected(reason) => write!(f, "command rejected: {reason}"),
            CommandError::Store(error) => write!(f, "{error}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for CommandError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CommandError::Rejected(_) => None,
            CommandError::Store(error) => Some(error),
        }
    }
}

impl<E> From<EventStoreError> for CommandError<E> {
    fn from(error: EventStoreError) -> Self {
        CommandError::Store(error)
    }
}

/// What happened to the snapshot after a command.
///
/// ```
/// use reactive_sourcing::SnapshotOutcome;
/// assert_eq!(SnapshotOutcome::Saved { version: 100 }, SnapshotOutcome::Saved { version: 100 });
/// ```
#[derive(Debug)]
pub enum SnapshotOutcome {
    /// No snapshot was due.
    NotDue,
    /// A snapshot at this version was saved.
    Saved {
        /// The version it covers.
        version: u64,
    },
    /// Saving the snapshot failed. The events are committed all the same; loading is just not
    /// sped up until a later snapshot succeeds.
    Failed(EventStoreError),
}

impl PartialEq for SnapshotOutcome {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (SnapshotOutcome::NotDue, SnapshotOutcome::NotDue) => true,
            (SnapshotOutcome::Saved { version: a }, SnapshotOutcome::Saved { version: b }) => {
                a == b
            }
            _ => false,
        }
    }
}

/// What [`Repository::execute`] did.
#[derive(Debug)]
pub struct Executed {
    /// The append (with `duplicate: true` when the idempotency key had been used).
    pub appended: Appended,
    /// The snapshot taken, if one was due.
    pub snapshot: SnapshotOutcome,
}

/// A loaded aggregate: its stream, and its state and version as reactive signals that change
/// each time events are applied (one notification per command, not per event).
///
/// Handles are `!Send` like every reactive handle; the store need not be.
pub struct Sourced<A: Aggregate> {
    stream: String,
    state: Signal<A::State>,
    version: Signal<u64>,
    last_hash: Cell<EventHash>,
    last_snapshot: Cell<u64>,
    /// Serialises `execute` and `refresh` on this handle (re-entrant use from an effect would
    /// otherwise interleave two folds).
    busy: RefCell<()>,
}

impl<A: Aggregate> fmt::Debug for Sourced<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sourced")
            .field("stream", &self.stream)
            .field("version", &self.version.try_get_untracked().ok())
            .finish_non_exhaustive()
    }
}

impl<A: Aggregate> Sourced<A> {
    /// The stream (aggregate id).
    ///
    /// See [`Repository`] for a full example.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// The state, as a read-only signal: effects and memos that read it re-run when events
    /// are applied.
    ///
    /// See [`Repository`] for a full example.
    pub fn state(&self) -> ReadSignal<A::State> {
        self.state.read_only()
    }

    /// The version (number of events folded), as a read-only signal.
    ///
    /// See [`Repository`] for a full example.
    pub fn version(&self) -> ReadSignal<u64> {
        self.version.read_only()
    }

    /// Disposes the state and version signals (readers see them as disposed). Handles created
    /// under an owner are also disposed with it; this is for handles loaded outside one.
    ///
    /// ```
    /// use reactive_sourcing::{Aggregate, DomainEvent, MemoryStore, Repository, Schema};
    /// # #[derive(serde::Serialize, serde::Deserialize)] enum Ev { Added(i64) }
    /// # impl DomainEvent for Ev { const TYPES: &'static [(&'static str, u32)] = &[("Added", 1)]; }
    /// # struct Counter;
    /// # impl Aggregate for Counter {
    /// #     type State = i64; type Event = Ev; type Command = i64; type Error = String;
    /// #     fn apply(s: &mut i64, Ev::Added(n): &Ev) { *s += n }
    /// #     fn handle(_: &i64, n: i64) -> Result<Vec<Ev>, String> { Ok(vec![Ev::Added(n)]) }
    /// # }
    /// let repository = Repository::new(MemoryStore::new(), Schema::new());
    /// let counter = repository.load::<Counter>("c")?;
    /// counter.dispose();
    /// assert!(counter.state().try_get_untracked().is_err());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn dispose(&self) {
        self.state.dispose();
        self.version.dispose();
    }

    fn fold(&self, events: &[(A::Event, u64, EventHash)]) -> Result<(), EventStoreError> {
        let Some(&(_, version, hash)) = events.last() else {
            return Ok(());
        };
        try_batch(|| {
            self.state.try_update(|state| {
                for (event, _, _) in events {
                    A::apply(state, event);
                }
            })?;
            self.version.try_set(version)
        })??;
        self.last_hash.set(hash);
        Ok(())
    }
}
