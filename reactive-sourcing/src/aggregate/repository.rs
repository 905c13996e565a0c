//! [`Repository`]: loading aggregates (from a snapshot, then their events), executing
//! commands, taking snapshots, compacting, and rebuilding a state of the past.

use std::cell::{Cell, RefCell};
use std::fmt;

use reactive_core::Signal;

use super::{Aggregate, CommandContext, CommandError, Executed, SnapshotOutcome, Sourced};
use crate::archive::ArchiveWriter;
use crate::error::EventStoreError;
use crate::event::{Append, EventHash, ExpectedVersion, NewEvent, now_ms};
use crate::replay::{ReadPolicy, ReplayTo};
use crate::schema::Schema;
use crate::store::{Compaction, EventStore, Events, StreamSnapshot};

/// Loads, executes and snapshots aggregates over an [`EventStore`].
///
/// ```
/// use reactive_core::{create_root, Effect};
/// use reactive_sourcing::{Aggregate, CommandContext, DomainEvent, MemoryStore, Repository, Schema};
/// use serde::{Deserialize, Serialize};
/// use std::{cell::RefCell, rc::Rc};
///
/// #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
/// struct Account { balance: i64 }
/// #[derive(Debug, Serialize, Deserialize)]
/// enum AccountEvent { Deposited { amount: i64 }, Withdrawn { amount: i64 } }
/// impl DomainEvent for AccountEvent {
///     const TYPES: &'static [(&'static str, u32)] = &[("Deposited", 1), ("Withdrawn", 1)];
/// }
/// enum Command { Deposit(i64), Withdraw(i64) }
/// struct Bank;
/// impl Aggregate for Bank {
///     type State = Account;
///     type Event = AccountEvent;
///     type Command = Command;
///     type Error = String;
///     fn apply(state: &mut Account, event: &AccountEvent) {
///         match event {
///             AccountEvent::Deposited { amount } => state.balance += amount,
///             AccountEvent::Withdrawn { amount } => state.balance -= amount,
///         }
///     }
///     fn handle(state: &Account, command: Command) -> Result<Vec<AccountEvent>, String> {
///         match command {
///             Command::Deposit(amount) => Ok(vec![AccountEvent::Deposited { amount }]),
///             Command::Withdraw(amount) if amount > state.balance => Err("insufficient funds".into()),
///             Command::Withdraw(amount) => Ok(vec![AccountEvent::Withdrawn { amount }]),
///         }
///     }
/// }
///
/// let repository = Repository::new(MemoryStore::new(), Schema::new()).snapshot_every(100);
/// let account = repository.load::<Bank>("account-1")?;
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let (_, root) = create_root(|| {
///     let (seen, state) = (seen.clone(), account.state());
///     Effect::new(move || seen.borrow_mut().push(state.with(|a| a.balance)));
/// });
/// repository.execute(&account, Command::Deposit(50), &CommandContext::new().principal("alice"))?;
/// assert!(repository.execute(&account, Command::Withdraw(80), &CommandContext::new()).is_err());
/// assert_eq!(*seen.borrow(), [0, 50]); // the effect re-ran once, for the accepted command
/// assert_eq!(account.version().get_untracked(), 1);
///
/// // Another handle, loaded from the store, has the same state.
/// assert_eq!(repository.load::<Bank>("account-1")?.state().get_untracked().balance, 50);
/// root.dispose();
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Repository<S> {
    store: S,
    schema: Schema,
    snapshot_every: u64,
}

impl<S: fmt::Debug> fmt::Debug for Repository<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repository")
            .field("store", &self.store)
            .field("schema", &self.schema)
            .field("snapshot_every", &self.snapshot_every)
            .finish()
    }
}

/// A state rebuilt up to a point of the past, with where it stops.
///
/// ```
/// use reactive_sourcing::PastState;
/// let past = PastState { state: 5, version: 2, sequence: 7 };
/// assert_eq!(past.version, 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastState<T> {
    /// The state.
    pub state: T,
    /// The stream version it reflects.
    pub version: u64,
    /// The global sequence of the last event folded (0 if none).
    pub sequence: u64,
}

impl<S: EventStore> Repository<S> {
    /// A repository over `store`; `schema` supplies upcasters (an aggregate's own event types
    /// need not be registered: their current versions come from the event enum).
    ///
    /// Snapshots are off until [`snapshot_every`](Repository::snapshot_every) is set.
    ///
    /// See [`Repository`] for a full example.
    pub fn new(store: S, schema: Schema) -> Self {
        Repository {
            store,
            schema,
            snapshot_every: 0,
        }
    }

    /// Takes a snapshot each time a stream's version crosses a multiple of `every` (0: never).
    ///
    /// See [`Repository`] for a full example.
    #[must_use]
    pub fn snapshot_every(mut self, every: u64) -> Self {
        self.snapshot_every = every;
        self
    }

    /// The store.
    ///
    /// ```
    /// use reactive_sourcing::{EventStore, MemoryStore, Repository, Schema};
    /// let repository = Repository::new(MemoryStore::new(), Schema::new());
    /// assert_eq!(repository.store().head()?, 0);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The schema.
    ///
    /// ```
    /// use reactive_sourcing::{MemoryStore, Repository, Schema};
    /// let repository = Repository::new(MemoryStore::new(), Schema::new());
    /// assert_eq!(repository.schema().current_version("X"), None);
    /// ```
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Loads an aggregate: from its latest usable snapshot, then the events after it.
    ///
    /// Its signals are created under the current owner, so they are disposed with it (or with
    /// [`Sourced::dispose`]).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Compacted`] if events were compacted and no snapshot covers them; decode
    /// errors ([`EventStoreError::UnknownEventType`], [`EventStoreError::UnsupportedVersion`],
    /// [`EventStoreError::Undecodable`]) naming the event; read errors.
    ///
    /// See [`Repository`] for a full example.
    pub fn load<A: Aggregate>(&self, stream: &str) -> Result<Sourced<A>, EventStoreError> {
        let (state, version, last_hash, snapshot_version) = self.load_snapshot::<A>(stream)?;
        let sourced = Sourced {
            stream: stream.to_owned(),
            state: Signal::new(state),
            version: Signal::new(version),
            last_hash: Cell::new(last_hash),
            last_snapshot: Cell::new(snapshot_version),
            busy: RefCell::new(()),
        };
        self.catch_up(&sourced)?;
        Ok(sourced)
    }

    /// The starting point of a load: the snapshot's state if it is usable, else the default
    /// state (checking that the events it would need are still there).
    fn load_snapshot<A: Aggregate>(
        &self,
        stream: &str,
    ) -> Result<(A::State, u64, EventHash, u64), EventStoreError> {
        let compacted = self.store.compacted_through(stream)?;
        if let Some(snapshot) = self.store.load_snapshot(stream)?
            && let Some(state) = self.usable_snapshot::<A>(&snapshot, compacted)?
        {
            return Ok((
                state,
                snapshot.version,
                snapshot.event_hash,
                snapshot.version,
            ));
        }
        if compacted > 0 {
            return Err(EventStoreError::Compacted {
                stream: stream.to_owned(),
                through_version: compacted,
                needed: format!(
                    "loading it needs a snapshot at or after that version with state version {}",
                    A::STATE_VERSION
                ),
            });
        }
        Ok((A::State::default(), 0, EventHash::GENESIS, 0))
    }

    /// The snapshot's state, if it has the current state format, decodes, and matches the log.
    fn usable_snapshot<A: Aggregate>(
        &self,
        snapshot: &StreamSnapshot,
        compacted: u64,
    ) -> Result<Option<A::State>, EventStoreError> {
        if snapshot.state_version != A::STATE_VERSION || snapshot.version < compacted {
            return Ok(None);
        }
        if snapshot.version > compacted {
            // The event the snapshot ends at is still live: it must be the one it was taken at.
            let at = self
                .store
                .read_stream(&snapshot.stream, snapshot.version, 1)?;
            match at.first() {
                Some(event)
                    if event.version == snapshot.version && event.hash == snapshot.event_hash => {}
                _ => return Ok(None),
            }
        }
        match serde_json::from_value(snapshot.state.clone()) {
            Ok(state) => Ok(Some(state)),
            // With the events compacted there is nothing to rebuild from: report it.
            Err(error) if compacted > 0 => Err(EventStoreError::Corrupt {
                path: None,
                position: crate::error::Position::Header,
                reason: format!(
                    "the snapshot of stream `{}` at version {} does not decode: {error}",
                    snapshot.stream, snapshot.version
                ),
            }),
            Err(_) => Ok(None),
        }
    }

    /// Applies the events appended to the aggregate's stream since it was loaded or last
    /// refreshed (by other handles or processes). Returns how many were applied.
    ///
    /// # Errors
    ///
    /// Decode and read errors, as for [`load`](Repository::load).
    ///
    /// ```
    /// # use reactive_sourcing::{Aggregate, CommandContext, DomainEvent, MemoryStore, Repository, Schema};
    /// # #[derive(serde::Serialize, serde::Deserialize)] enum Ev { Added(i64) }
    /// # impl DomainEvent for Ev { const TYPES: &'static [(&'static str, u32)] = &[("Added", 1)]; }
    /// # struct Counter;
    /// # impl Aggregate for Counter {
    /// #     type State = i64; type Event = Ev; type Command = i64; type Error = String;
    /// #     fn apply(s: &mut i64, Ev::Added(n): &Ev) { *s += n }
    /// #     fn handle(_: &i64, n: i64) -> Result<Vec<Ev>, String> { Ok(vec![Ev::Added(n)]) }
    /// # }
    /// let repository = Repository::new(MemoryStore::new(), Schema::new());
    /// let first = repository.load::<Counter>("c")?;
    /// let second = repository.load::<Counter>("c")?;
    /// repository.execute(&first, 5, &CommandContext::new())?;
    /// assert_eq!(repository.refresh(&second)?, 1);
    /// assert_eq!(second.state().get_untracked(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn refresh<A: Aggregate>(&self, sourced: &Sourced<A>) -> Result<u64, EventStoreError> {
        self.catch_up(sourced)
    }

    fn catch_up<A: Aggregate>(&self, sourced: &Sourced<A>) -> Result<u64, EventStoreError> {
        let _busy = sourced
            .busy
            .try_borrow_mut()
            .map_err(|_| EventStoreError::InvalidInput {
                reason: format!(
                    "stream `{}` is being refreshed or executed already (re-entrant call)",
                    sourced.stream
                ),
            })?;
        let mut applied = 0;
        let from = sourced.version.try_get_untracked()? + 1;
        let mut events = Events::stream(&self.store, &sourced.stream, from);
        loop {
            // Fold page by page: one notification per page, bounded memory.
            let mut page = Vec::new();
            for event in events.by_ref().take(crate::store::DEFAULT_PAGE_SIZE) {
                let event = event?;
                let (version, hash) = (event.version, event.hash);
                let decoded = self.schema.decode::<A::Event>(&event)?;
                page.push((decoded, version, hash));
            }
            if page.is_empty() {
                return Ok(applied);
            }
            applied += page.len() as u64;
            sourced.fold(&page)?;
        }
    }

    /// Executes a command: `handle` on the current state, then an append that expects the
    /// aggregate's version (so a concurrent writer makes it fail with
    /// [`EventStoreError::Conflict`] instead of interleaving), then `apply`, then a snapshot if one
    /// is due.
    ///
    /// With an idempotency key that was used before, nothing is appended and the handle
    /// catches up with the store instead.
    ///
    /// # Errors
    ///
    /// [`CommandError::Rejected`] with the aggregate's reason, or [`CommandError::Store`].
    ///
    /// See [`Repository`] for a full example.
    pub fn execute<A: Aggregate>(
        &self,
        sourced: &Sourced<A>,
        command: A::Command,
        context: &CommandContext,
    ) -> Result<Executed, CommandError<A::Error>> {
        let events =
            {
                let _busy = sourced.busy.try_borrow_mut().map_err(|_| {
                    EventStoreError::InvalidInput {
                        reason: format!(
                            "stream `{}` is being refreshed or executed already (re-entrant call)",
                            sourced.stream
                        ),
                    }
                })?;
                let handled = sourced
                    .state
                    .try_with_untracked(|state| A::handle(state, command))
                    .map_err(EventStoreError::from)?;
                handled.map_err(CommandError::Rejected)?
            };
        let version = sourced
            .version
            .try_get_untracked()
            .map_err(EventStoreError::from)?;
        let mut metadata = context.metadata.clone();
        if metadata.timestamp_ms == 0 {
            metadata.timestamp_ms = now_ms();
        }
        let mut batch = Append::new(sourced.stream.clone(), ExpectedVersion::Exact(version));
        for event in &events {
            batch = batch.event(NewEvent::from_domain(event)?.with_metadata(metadata.clone()));
        }
        if let Some(key) = &context.idempotency_key {
            batch = batch.idempotency_key(key.clone());
        }
        let appended = self.store.append(batch)?;
        if appended.duplicate || appended.sequences.is_empty() {
            self.catch_up(sourced)?;
        } else {
            // The appended events carry their hashes; reading the last one back is cheaper
            // than recomputing and keeps one source of truth.
            let last = self.store.read_all(appended.sequences.end - 1, 1)?;
            let hash = last.first().map_or(EventHash::GENESIS, |event| event.hash);
            let folded: Vec<_> = (version + 1..)
                .zip(events)
                .map(|(version, event)| (event, version, hash))
                .collect();
            sourced.fold(&folded)?;
        }
        let snapshot = self.snapshot_if_due(sourced);
        Ok(Executed { appended, snapshot })
    }

    fn snapshot_if_due<A: Aggregate>(&self, sourced: &Sourced<A>) -> SnapshotOutcome {
        let every = self.snapshot_every;
        let version = match sourced.version.try_get_untracked() {
            Ok(version) => version,
            Err(error) => return SnapshotOutcome::Failed(error.into()),
        };
        if every == 0 || version / every <= sourced.last_snapshot.get() / every {
            return SnapshotOutcome::NotDue;
        }
        match self.snapshot(sourced) {
            Ok(snapshot) => SnapshotOutcome::Saved {
                version: snapshot.version,
            },
            Err(error) => SnapshotOutcome::Failed(error),
        }
    }

    /// Saves a snapshot of the aggregate's current state now.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Encode`] if the state does not serialise, or a write error.
    ///
    /// ```
    /// # use reactive_sourcing::{Aggregate, CommandContext, DomainEvent, EventStore, MemoryStore, Repository, Schema};
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
    /// repository.execute(&counter, 5, &CommandContext::new())?;
    /// let snapshot = repository.snapshot(&counter)?;
    /// assert_eq!((snapshot.version, snapshot.state.clone()), (1, 5.into()));
    /// assert_eq!(repository.store().load_snapshot("c")?, Some(snapshot));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn snapshot<A: Aggregate>(
        &self,
        sourced: &Sourced<A>,
    ) -> Result<StreamSnapshot, EventStoreError> {
        let state = sourced
            .state
            .try_with_untracked(|state| serde_json::to_value(state))?
            .map_err(|error| EventStoreError::Encode {
                what: format!("the state of stream `{}`", sourced.stream),
                reason: error.to_string(),
            })?;
        let snapshot = StreamSnapshot {
            stream: sourced.stream.clone(),
            version: sourced.version.try_get_untracked()?,
            state_version: A::STATE_VERSION,
            event_hash: sourced.last_hash.get(),
            state,
            taken_at_ms: now_ms(),
        };
        self.store.save_snapshot(&snapshot)?;
        sourced.last_snapshot.set(snapshot.version);
        Ok(snapshot)
    }

    /// Compaction behind the latest snapshot: archives and removes the events of `stream` that
    /// its latest snapshot covers (see [`EventStore::compact`]).
    ///
    /// # Errors
    ///
    /// [`EventStoreError::InvalidInput`] if the stream has no snapshot usable by `A` (nothing is
    /// compacted then), or the errors of [`EventStore::compact`].
    ///
    /// ```
    /// # use reactive_sourcing::{Aggregate, ArchiveWriter, CommandContext, DomainEvent, EventStore, MemoryStore, Repository, Schema};
    /// # #[derive(serde::Serialize, serde::Deserialize)] enum Ev { Added(i64) }
    /// # impl DomainEvent for Ev { const TYPES: &'static [(&'static str, u32)] = &[("Added", 1)]; }
    /// # struct Counter;
    /// # impl Aggregate for Counter {
    /// #     type State = i64; type Event = Ev; type Command = i64; type Error = String;
    /// #     fn apply(s: &mut i64, Ev::Added(n): &Ev) { *s += n }
    /// #     fn handle(_: &i64, n: i64) -> Result<Vec<Ev>, String> { Ok(vec![Ev::Added(n)]) }
    /// # }
    /// # let dir = tempfile::tempdir()?;
    /// let repository = Repository::new(MemoryStore::new(), Schema::new()).snapshot_every(10);
    /// let counter = repository.load::<Counter>("c")?;
    /// for _ in 0..25 {
    ///     repository.execute(&counter, 1, &CommandContext::new())?;
    /// }
    /// let mut archive = ArchiveWriter::open(dir.path().join("c.archive.jsonl"))?;
    /// let done = repository.compact::<Counter>("c", &mut archive)?;
    /// assert_eq!(done.archived, 20); // the snapshot is at version 20
    /// assert_eq!(repository.load::<Counter>("c")?.state().get_untracked(), 25);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compact<A: Aggregate>(
        &self,
        stream: &str,
        archive: &mut ArchiveWriter,
    ) -> Result<Compaction, EventStoreError> {
        let compacted = self.store.compacted_through(stream)?;
        let snapshot = self.store.load_snapshot(stream)?;
        let usable = match &snapshot {
            Some(snapshot) => self.usable_snapshot::<A>(snapshot, compacted)?.is_some(),
            None => false,
        };
        match snapshot {
            Some(snapshot) if usable => self.store.compact(stream, snapshot.version, archive),
            _ => Err(EventStoreError::InvalidInput {
                reason: format!(
                    "stream `{stream}` has no usable snapshot to compact behind (take one first)"
                ),
            }),
        }
    }

    /// Time travel: the aggregate's state as it was at `to` (a global sequence number or a
    /// time), rebuilt from the log through `policy`. Nothing reactive is created and nothing is
    /// written.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Denied`] if the policy refuses an event, [`EventStoreError::Compacted`]
    /// if the history was compacted, decode and read errors.
    ///
    /// ```
    /// # use reactive_sourcing::{Aggregate, CommandContext, DomainEvent, MemoryStore, Repository, Schema};
    /// use reactive_sourcing::{AllowAll, ReplayTo};
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
    /// for n in [1, 10, 100] {
    ///     repository.execute(&counter, n, &CommandContext::new())?;
    /// }
    /// let past = repository.state_at::<Counter>("c", ReplayTo::Sequence(2), &AllowAll)?;
    /// assert_eq!((past.state, past.version), (11, 2));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn state_at<A: Aggregate>(
        &self,
        stream: &str,
        to: ReplayTo,
        policy: &dyn ReadPolicy,
    ) -> Result<PastState<A::State>, EventStoreError> {
        let compacted = self.store.compacted_through(stream)?;
        if compacted > 0 {
            return Err(EventStoreError::Compacted {
                stream: stream.to_owned(),
                through_version: compacted,
                needed: "time travel needs the full history (read the archive)".to_owned(),
            });
        }
        let mut past = PastState {
            state: A::State::default(),
            version: 0,
            sequence: 0,
        };
        for event in Events::stream(&self.store, stream, 1) {
            let event = event?;
            if to.stops_before(&event) {
                // Time stamps are the writers' clocks; a stream is read up to the first event
                // past the target, so the result is a prefix of the stream, never a mix.
                break;
            }
            policy
                .check(&event)
                .map_err(|reason| EventStoreError::Denied {
                    stream: event.stream.clone(),
                    sequence: event.sequence,
                    reason,
                })?;
            let (version, sequence) = (event.version, event.sequence);
            let decoded = self.schema.decode::<A::Event>(&event)?;
            A::apply(&mut past.state, &decoded);
            past.version = version;
            past.sequence = sequence;
        }
        Ok(past)
    }
}
