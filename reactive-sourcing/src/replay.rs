//! Replay and time travel: rebuilding [`Projection`]s from the log up to any point, with
//! side-effect handlers ([`Reaction`]s) switched off and every event passed through a
//! [`ReadPolicy`].

use std::cell::Cell;
use std::fmt;

use crate::error::EventStoreError;
use crate::event::RecordedEvent;
use crate::schema::{DomainEvent, Schema};
use crate::store::{EventStore, Events};
use crate::subscription::CatchUpSubscription;

/// How far a replay goes.
///
/// ```
/// use reactive_sourcing::ReplayTo;
/// assert_ne!(ReplayTo::End, ReplayTo::Sequence(10));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayTo {
    /// The whole log.
    End,
    /// Up to and including this global sequence number.
    Sequence(u64),
    /// Up to and including the last event stamped at or before this time (milliseconds since
    /// the Unix epoch). The replay stops at the first later event, so the result is always a
    /// prefix of the log, even if writers' clocks disagree.
    Time(u64),
}

impl ReplayTo {
    /// Whether the replay stops before `event`.
    ///
    /// ```
    /// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent, ReplayTo};
    /// let store = MemoryStore::new();
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 0.into())))?;
    /// let event = store.read_all(1, 1)?.remove(0);
    /// assert!(!ReplayTo::Sequence(1).stops_before(&event));
    /// assert!(ReplayTo::Sequence(0).stops_before(&event));
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn stops_before(&self, event: &RecordedEvent) -> bool {
        match *self {
            ReplayTo::End => false,
            ReplayTo::Sequence(last) => event.sequence > last,
            ReplayTo::Time(last) => event.metadata.timestamp_ms > last,
        }
    }
}

/// Decides whether an event may be read during a replay.
///
/// Replays never bypass access rules: each event goes through the caller's policy before it is
/// decoded, and a refusal stops the replay with [`EventStoreError::Denied`] (skipping it would
/// silently produce a wrong state). With the feature `scopes`, the scope tree's policies are
/// read policies: a `reactive_store::Scope` handle (acting for a principal) requires read
/// access to it, and `ScopedStreams` maps each stream to the scope that governs it. Closures
/// `Fn(&RecordedEvent) -> Result<(), String>` are policies too; [`AllowAll`] is the explicit
/// choice of trusted code.
///
/// ```
/// use reactive_sourcing::{ReadPolicy, RecordedEvent};
/// let only_accounts = |event: &RecordedEvent| {
///     if event.stream.starts_with("account-") { Ok(()) } else { Err("not an account".to_owned()) }
/// };
/// # fn takes(_: &dyn ReadPolicy) {}
/// takes(&only_accounts);
/// ```
pub trait ReadPolicy {
    /// `Ok` to allow reading `event`, `Err(reason)` to refuse.
    ///
    /// # Errors
    ///
    /// The reason for refusing.
    fn check(&self, event: &RecordedEvent) -> Result<(), String>;
}

impl<F: Fn(&RecordedEvent) -> Result<(), String>> ReadPolicy for F {
    fn check(&self, event: &RecordedEvent) -> Result<(), String> {
        self(event)
    }
}

/// The policy that allows everything: for trusted code (tests, administration tools).
///
/// ```
/// use reactive_sourcing::{AllowAll, ReadPolicy};
/// # fn takes(_: &dyn ReadPolicy) {}
/// takes(&AllowAll);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct AllowAll;

impl ReadPolicy for AllowAll {
    fn check(&self, _: &RecordedEvent) -> Result<(), String> {
        Ok(())
    }
}

/// A pure read model built from events: a balance list, a report, a search index in memory.
///
/// Projections run during replays; they must not have side effects (send mail, call services)
/// — put those in a [`Reaction`].
///
/// ```
/// use reactive_sourcing::{DomainEvent, Projection, RecordedEvent};
/// # #[derive(serde::Serialize, serde::Deserialize)] enum Ev { Added(i64) }
/// # impl DomainEvent for Ev { const TYPES: &'static [(&'static str, u32)] = &[("Added", 1)]; }
/// #[derive(Default)]
/// struct Total(i64);
/// impl Projection for Total {
///     type Event = Ev;
///     fn apply(&mut self, event: &Ev, _: &RecordedEvent) {
///         let Ev::Added(n) = event;
///         self.0 += n;
///     }
/// }
/// ```
pub trait Projection {
    /// The events it reads; events of other types are not its concern and are skipped.
    type Event: DomainEvent;

    /// Folds one event.
    fn apply(&mut self, event: &Self::Event, record: &RecordedEvent);
}

impl<P: Projection + ?Sized> Projection for &mut P {
    type Event = P::Event;

    fn apply(&mut self, event: &Self::Event, record: &RecordedEvent) {
        (**self).apply(event, record);
    }
}

/// A side-effect handler: runs for live events only, never during a replay.
///
/// ```
/// use reactive_sourcing::{DomainEvent, Reaction, RecordedEvent};
/// # #[derive(serde::Serialize, serde::Deserialize)] enum Ev { Added(i64) }
/// # impl DomainEvent for Ev { const TYPES: &'static [(&'static str, u32)] = &[("Added", 1)]; }
/// struct Mailer { sent: Vec<String> }
/// impl Reaction for Mailer {
///     type Event = Ev;
///     fn react(&mut self, _: &Ev, record: &RecordedEvent) -> Result<(), String> {
///         self.sent.push(format!("event {} happened", record.sequence));
///         Ok(())
///     }
/// }
/// ```
pub trait Reaction {
    /// The events it reacts to.
    type Event: DomainEvent;

    /// Does the side effect.
    ///
    /// # Errors
    ///
    /// A failure stops processing at this event (it is processed again after a restart, from
    /// the last checkpoint).
    fn react(&mut self, event: &Self::Event, record: &RecordedEvent) -> Result<(), String>;
}

impl<R: Reaction + ?Sized> Reaction for &mut R {
    type Event = R::Event;

    fn react(&mut self, event: &Self::Event, record: &RecordedEvent) -> Result<(), String> {
        (**self).react(event, record)
    }
}

thread_local! {
    static REPLAY_DEPTH: Cell<u32> = const { Cell::new(0) };
}

/// Whether the current thread is inside a replay: code deep inside a projection can check it
/// before doing anything that must not happen twice (logging to an external system, say).
///
/// ```
/// assert!(!reactive_sourcing::is_replaying());
/// ```
pub fn is_replaying() -> bool {
    REPLAY_DEPTH.with(|depth| depth.get() > 0)
}

/// Marks the thread as replaying for its lifetime (also on unwind).
struct ReplayingGuard;

impl ReplayingGuard {
    fn enter() -> Self {
        REPLAY_DEPTH.with(|depth| depth.set(depth.get() + 1));
        ReplayingGuard
    }
}

impl Drop for ReplayingGuard {
    fn drop(&mut self) {
        REPLAY_DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
    }
}

/// What a replay did.
///
/// ```
/// let report = reactive_sourcing::ReplayReport::default();
/// assert_eq!(report.applied, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplayReport {
    /// Events decoded and applied.
    pub applied: u64,
    /// Events of types the projections do not read.
    pub skipped: u64,
    /// The sequence of the last event read (0 if none).
    pub last_sequence: u64,
}

/// Decodes `record` for a handler of `E` events: `None` if the type is not the handler's but is
/// known to the schema, an error if nobody knows it.
fn decode_for<E: DomainEvent>(
    schema: &Schema,
    record: &RecordedEvent,
) -> Result<Option<E>, EventStoreError> {
    if E::current_version(&record.event_type).is_some() {
        return schema.decode::<E>(record).map(Some);
    }
    if schema.current_version(&record.event_type).is_some() {
        return Ok(None);
    }
    Err(EventStoreError::UnknownEventType {
        stream: record.stream.clone(),
        sequence: record.sequence,
        event_type: record.event_type.clone(),
    })
}

/// Rebuilds `projection` from the log, up to `to`, reading in pages (memory stays bounded by
/// the page size, whatever the length of the log). Every event goes through `policy` first.
///
/// Events of types the projection does not read are skipped if the schema knows them; an event
/// nobody knows is [`EventStoreError::UnknownEventType`].
///
/// # Errors
///
/// [`EventStoreError::Denied`], decode errors naming the event, read errors.
///
/// ```
/// use reactive_sourcing::{
///     replay, AllowAll, Append, DomainEvent, EventStore, ExpectedVersion, MemoryStore, NewEvent, Projection,
///     RecordedEvent, ReplayTo, Schema,
/// };
/// # #[derive(serde::Serialize, serde::Deserialize)] enum Ev { Added(i64) }
/// # impl DomainEvent for Ev { const TYPES: &'static [(&'static str, u32)] = &[("Added", 1)]; }
/// # #[derive(Default)] struct Total(i64);
/// # impl Projection for Total {
/// #     type Event = Ev;
/// #     fn apply(&mut self, Ev::Added(n): &Ev, _: &RecordedEvent) { self.0 += n }
/// # }
/// let store = MemoryStore::new();
/// for n in [1, 2, 3] {
///     store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::from_domain(&Ev::Added(n))?))?;
/// }
/// let mut total = Total::default();
/// let report = replay(&store, &Schema::new(), &mut total, ReplayTo::Sequence(2), &AllowAll)?;
/// assert_eq!((total.0, report.applied, report.last_sequence), (3, 2, 2));
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
pub fn replay<S: EventStore + ?Sized, P: Projection>(
    store: &S,
    schema: &Schema,
    projection: &mut P,
    to: ReplayTo,
    policy: &dyn ReadPolicy,
) -> Result<ReplayReport, EventStoreError> {
    let mut processor = EventProcessor::new();
    processor.projection(projection);
    processor.replay(store, schema, to, policy)
}

/// A handler, type-erased: `Ok(true)` if the event was its concern.
type HandlerFn<'a> = Box<dyn FnMut(&Schema, &RecordedEvent) -> Result<bool, EventStoreError> + 'a>;

/// One registered handler.
struct Handler<'a> {
    side_effect: bool,
    run: HandlerFn<'a>,
}

/// Dispatches events to projections (pure) and reactions (side effects).
///
/// Live ([`process`](EventProcessor::process), [`run`](EventProcessor::run)) every handler
/// runs; in a [`replay`](EventProcessor::replay) only projections do, and
/// [`is_replaying`] is true.
///
/// ```
/// use reactive_sourcing::{
///     AllowAll, Append, DomainEvent, EventProcessor, EventStore, ExpectedVersion, MemoryStore, NewEvent,
///     Projection, Reaction, RecordedEvent, ReplayTo, Schema,
/// };
/// # #[derive(serde::Serialize, serde::Deserialize)] enum Ev { Added(i64) }
/// # impl DomainEvent for Ev { const TYPES: &'static [(&'static str, u32)] = &[("Added", 1)]; }
/// # #[derive(Default)] struct Total(i64);
/// # impl Projection for Total {
/// #     type Event = Ev;
/// #     fn apply(&mut self, Ev::Added(n): &Ev, _: &RecordedEvent) { self.0 += n }
/// # }
/// #[derive(Default)]
/// struct Mailer(u32);
/// impl Reaction for Mailer {
///     type Event = Ev;
///     fn react(&mut self, _: &Ev, _: &RecordedEvent) -> Result<(), String> { self.0 += 1; Ok(()) }
/// }
///
/// let store = MemoryStore::new();
/// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::from_domain(&Ev::Added(5))?))?;
/// let (mut total, mut mailer) = (Total::default(), Mailer::default());
/// let mut processor = EventProcessor::new();
/// processor.projection(&mut total).reaction(&mut mailer);
/// processor.replay(&store, &Schema::new(), ReplayTo::End, &AllowAll)?;
/// drop(processor);
/// assert_eq!((total.0, mailer.0), (5, 0)); // no mail was sent by the replay
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
#[derive(Default)]
pub struct EventProcessor<'a> {
    handlers: Vec<Handler<'a>>,
}

impl fmt::Debug for EventProcessor<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reactions = self.handlers.iter().filter(|h| h.side_effect).count();
        f.debug_struct("EventProcessor")
            .field("projections", &(self.handlers.len() - reactions))
            .field("reactions", &reactions)
            .finish()
    }
}

impl<'a> EventProcessor<'a> {
    /// A processor without handlers.
    ///
    /// See [`EventProcessor`] for a full example.
    pub fn new() -> Self {
        EventProcessor::default()
    }

    /// Adds a projection (pass `&mut projection` to keep reading it afterwards).
    ///
    /// See [`EventProcessor`] for a full example.
    pub fn projection<P: Projection + 'a>(&mut self, mut projection: P) -> &mut Self {
        self.handlers.push(Handler {
            side_effect: false,
            run: Box::new(move |schema, record| {
                Ok(match decode_for::<P::Event>(schema, record)? {
                    Some(event) => {
                        projection.apply(&event, record);
                        true
                    }
                    None => false,
                })
            }),
        });
        self
    }

    /// Adds a reaction (side effect); it never runs during a replay.
    ///
    /// See [`EventProcessor`] for a full example.
    pub fn reaction<R: Reaction + 'a>(&mut self, mut reaction: R) -> &mut Self {
        self.handlers.push(Handler {
            side_effect: true,
            run: Box::new(move |schema, record| {
                Ok(match decode_for::<R::Event>(schema, record)? {
                    Some(event) => {
                        reaction.react(&event, record).map_err(|reason| {
                            EventStoreError::Handler {
                                sequence: record.sequence,
                                reason,
                            }
                        })?;
                        true
                    }
                    None => false,
                })
            }),
        });
        self
    }

    /// Runs every handler (projections and reactions) for one live event.
    ///
    /// # Errors
    ///
    /// Decode errors, or a reaction's failure.
    ///
    /// ```
    /// # use reactive_sourcing::{Append, EventProcessor, EventStore, ExpectedVersion, MemoryStore, NewEvent, Schema};
    /// let store = MemoryStore::new();
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, 0.into())))?;
    /// let mut processor = EventProcessor::new(); // no handlers: nothing to do
    /// processor.process(&Schema::new(), &store.read_all(1, 1)?[0])?;
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn process(
        &mut self,
        schema: &Schema,
        record: &RecordedEvent,
    ) -> Result<(), EventStoreError> {
        for handler in &mut self.handlers {
            (handler.run)(schema, record)?;
        }
        Ok(())
    }

    /// Replays the log up to `to` through the projections only (reactions are switched off),
    /// checking every event against `policy` first.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Denied`], decode errors naming the event, read errors.
    ///
    /// See [`EventProcessor`] for a full example.
    pub fn replay<S: EventStore + ?Sized>(
        &mut self,
        store: &S,
        schema: &Schema,
        to: ReplayTo,
        policy: &dyn ReadPolicy,
    ) -> Result<ReplayReport, EventStoreError> {
        let _replaying = ReplayingGuard::enter();
        let mut report = ReplayReport::default();
        for record in Events::all(store, 1) {
            let record = record?;
            if to.stops_before(&record) {
                break;
            }
            policy
                .check(&record)
                .map_err(|reason| EventStoreError::Denied {
                    stream: record.stream.clone(),
                    sequence: record.sequence,
                    reason,
                })?;
            let mut applied = false;
            for handler in self.handlers.iter_mut().filter(|h| !h.side_effect) {
                applied |= (handler.run)(schema, &record)?;
            }
            if applied {
                report.applied += 1;
            } else {
                report.skipped += 1;
            }
            report.last_sequence = record.sequence;
        }
        Ok(report)
    }

    /// Catches `subscription` up (history, then whatever was appended since), running every
    /// handler for each event and checkpointing after each page. Call it again to process
    /// events appended later. Returns how many events were processed.
    ///
    /// Delivery is at least once: after a crash, the events since the last checkpoint are
    /// processed again, so reactions should be idempotent (e.g. keyed by sequence).
    ///
    /// # Errors
    ///
    /// Decode errors, a reaction's failure (the checkpoint stays before the failing page), or
    /// store errors.
    ///
    /// ```
    /// # use reactive_sourcing::{Append, EventProcessor, EventStore, ExpectedVersion, MemoryStore, NewEvent, Schema, CatchUpSubscription};
    /// let store = MemoryStore::new();
    /// let mut subscription = CatchUpSubscription::open(&store, "reports")?;
    /// let mut processor = EventProcessor::new();
    /// assert_eq!(processor.run(&mut subscription, &Schema::new())?, 0);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn run<S: EventStore + ?Sized>(
        &mut self,
        subscription: &mut CatchUpSubscription<'_, S>,
        schema: &Schema,
    ) -> Result<u64, EventStoreError> {
        subscription.catch_up(|record| self.process(schema, record))
    }
}
