//! # reactive-sourcing
//!
//! Event sourcing for reactive applications: every change to the state is an event that is
//! stored, can be audited, replayed to debug, and evolved over years of schema changes without
//! losing one. An aggregate's state is the fold of its events and is read as a signal of
//! `reactive-core`, so views follow it like any other reactive value.
//!
//! Use it when the history matters as much as the current state (money, stock, audit trails,
//! anything you must explain later). For application state you only undo, save and diff, a
//! `reactive_store::Store` is simpler.
//!
//! ```
//! use reactive_sourcing::{
//!     Aggregate, AllowAll, CommandContext, DomainEvent, Repository, ReplayTo, Schema, verify_chain,
//! };
//! # #[cfg(feature = "sqlite")] {
//! use reactive_sourcing::SqliteStore;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Clone, Default, Serialize, Deserialize)]
//! struct Stock { on_hand: u32 }
//!
//! #[derive(Debug, Serialize, Deserialize)]
//! enum StockEvent { Received(u32), Shipped(u32) }
//! impl DomainEvent for StockEvent {
//!     const TYPES: &'static [(&'static str, u32)] = &[("Received", 1), ("Shipped", 1)];
//! }
//!
//! struct Item;
//! impl Aggregate for Item {
//!     type State = Stock;
//!     type Event = StockEvent;
//!     type Command = StockEvent; // commands mirror events in this tiny model
//!     type Error = String;
//!     fn apply(stock: &mut Stock, event: &StockEvent) {
//!         match *event {
//!             StockEvent::Received(n) => stock.on_hand += n,
//!             StockEvent::Shipped(n) => stock.on_hand -= n,
//!         }
//!     }
//!     fn handle(stock: &Stock, command: StockEvent) -> Result<Vec<StockEvent>, String> {
//!         match command {
//!             StockEvent::Shipped(n) if n > stock.on_hand => Err(format!("only {} on hand", stock.on_hand)),
//!             command => Ok(vec![command]),
//!         }
//!     }
//! }
//!
//! let dir = tempfile::tempdir()?;
//! let path = dir.path().join("inventory.sqlite");
//! {
//!     let repository = Repository::new(SqliteStore::open(&path)?, Schema::new());
//!     let widget = repository.load::<Item>("widget")?;
//!     let clerk = CommandContext::new().principal("clerk");
//!     repository.execute(&widget, StockEvent::Received(10), &clerk)?;
//!     repository.execute(&widget, StockEvent::Shipped(3), &clerk)?;
//!     assert!(repository.execute(&widget, StockEvent::Shipped(30), &clerk).is_err());
//!     assert_eq!(widget.state().get_untracked().on_hand, 7);
//! }
//! // Reopened: the state survived, the audit chain verifies, and the past is one call away.
//! let repository = Repository::new(SqliteStore::open(&path)?, Schema::new());
//! assert_eq!(repository.load::<Item>("widget")?.state().get_untracked().on_hand, 7);
//! assert_eq!(verify_chain(repository.store())?.events, 2);
//! let past = repository.state_at::<Item>("widget", ReplayTo::Sequence(1), &AllowAll)?;
//! assert_eq!(past.state.on_hand, 10);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The pieces
//!
//! | you want to | use |
//! |---|---|
//! | define a model whose state is the fold of its events | [`Aggregate`] + a [`DomainEvent`] enum |
//! | load it (reactive state), run commands, take snapshots | [`Repository`], [`Sourced`] |
//! | store events | an [`EventStore`]: [`MemoryStore`], [`JsonlStore`], `SqliteStore` (feature `sqlite`, default), `PostgresStore` (feature `postgres`) |
//! | append with optimistic concurrency and idempotency | [`Append`], [`ExpectedVersion`], [`EventStoreError::Conflict`] |
//! | read any amount of history in bounded memory | [`Events`] (paged) |
//! | follow the log and remember the position | [`CatchUpSubscription`], [`EventProcessor::run`]; `PostgresSubscription` (woken by `LISTEN/NOTIFY`, feature `postgres`) |
//! | evolve event schemas | [`Schema`] (upcasters), [`Schema::check`], [`assert_all_readable`] |
//! | rebuild read models, debug the past | [`replay`], [`EventProcessor::replay`], [`Repository::state_at`], [`ReplayTo`] |
//! | keep the log small | [`Repository::compact`] (archive + stubs), [`read_archive`], [`verify_archive`] |
//! | prove nothing was altered, see who did what | [`verify_chain`], [`AuditQuery`] |
//! | test an aggregate's decisions: given events, when a command, then events or an error | `testing::AggregateTest` (feature `testing`) |
//! | check that a backend of your own keeps the store contract | `conformance::run_all` (feature `testing`) |
//! | replay under the scope tree's access policies | `ScopedStreams`, `ReadPolicy` for `reactive_store::Scope` (feature `scopes`) |
//!
//! ## The record of an event
//!
//! Each [`RecordedEvent`] has its stream id and version within the stream (1, 2, 3, …), a
//! global sequence number (1, 2, 3, … across all streams, no gaps), its type name and schema
//! version, a JSON payload, [`Metadata`] (timestamp, principal, causation and correlation ids),
//! the idempotency key of the append that wrote it, and two hashes: its predecessor's and its
//! own. The hash covers the predecessor's hash and every field, so the log is a hash chain:
//! altering, removing or reordering any event breaks every link after it, and
//! [`verify_chain`] names the first broken one.
//!
//! ## Guarantees
//!
//! - **Atomic, checked appends.** A batch is written entirely or not at all. With
//!   [`ExpectedVersion::Exact`], a concurrent writer makes the append fail with
//!   [`EventStoreError::Conflict`] and nothing is written. An idempotency key is stored in the same
//!   transaction as the events, forever: a retried append is a no-op returning the first
//!   result. An empty batch writes nothing.
//! - **No silent loss.** Every decode problem is a typed error naming stream, sequence, type
//!   and version: [`EventStoreError::UnknownEventType`], [`EventStoreError::UnsupportedVersion`],
//!   [`EventStoreError::Undecodable`]. Damage is [`EventStoreError::Corrupt`] with the [`Position`]
//!   where it starts; recovery keeps every intact event before it and sets the rest aside.
//! - **Durability.** The JSON Lines store `fsync`s every batch; SQLite runs in WAL mode with
//!   `synchronous=FULL`; PostgreSQL commits with the server's `synchronous_commit` (on by
//!   default). An append returns only once the batch is durable.
//! - **Replays are pure and authorised.** Replays run projections only (reactions are off,
//!   [`is_replaying`] is true) and pass every event through a [`ReadPolicy`] that the caller
//!   must supply: with the feature `scopes`, a `reactive_store::Scope` handle (the scope
//!   tree's policies, for the handle's principal) or `ScopedStreams` (a scope per stream); a
//!   closure; or [`AllowAll`] as an explicit choice.
//!
//! ## Choosing a backend
//!
//! | backend | durable | processes | reads | for |
//! |---|---|---|---|---|
//! | [`MemoryStore`] | no | one | from memory | tests, caches |
//! | [`JsonlStore`] | yes (fsync per batch) | one (locked: a second open is [`EventStoreError::Locked`]) | seek by an in-memory offset index | small apps, logs you can `grep` |
//! | `SqliteStore` | yes (WAL, `synchronous=FULL`) | many (optimistic concurrency across processes) | indexed | the embedded default |
//! | `PostgresStore` | yes (the server's commit) | many, on many machines (appends serialised by an advisory lock, versions guarded by a unique constraint) | indexed, over the network | more than one machine; subscriptions woken by `LISTEN/NOTIFY` |
//!
//! Every backend answers appends through the same code: the rules above (expected version,
//! idempotency keys, sealing into the hash chain) are written once, and a backend only stores
//! and fetches under its own lock or transaction.
//!
//! ## Features
//!
//! | feature | default | adds |
//! |---|---|---|
//! | `sqlite` | yes | `SqliteStore` (`rusqlite`, SQLite compiled in) |
//! | `postgres` | no | `PostgresStore`, `PostgresSubscription` (the blocking `postgres` client) |
//! | `scopes` | no | replays under `reactive-store`'s scope policies: `ReadPolicy` for `Scope`, `ScopedStreams` |
//! | `testing` | no | the backend conformance suite (`conformance`) and the aggregate test harness (`testing`) |

mod aggregate;
mod append;
mod archive;
mod audit;
mod chain;
#[cfg(feature = "testing")]
pub mod conformance;
mod error;
mod event;
mod jsonl;
mod line;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
mod replay;
mod schema;
#[cfg(feature = "scopes")]
mod scopes;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod stored;
mod subscription;
#[cfg(feature = "testing")]
pub mod testing;

pub use aggregate::{
    Aggregate, CommandContext, CommandError, Executed, PastState, Repository, SnapshotOutcome,
    Sourced,
};
pub use archive::{ArchiveWriter, read_archive, verify_archive};
pub use audit::{AuditEntry, AuditQuery};
pub use chain::{ChainReport, verify_chain};
pub use error::{BrokenLink, Damage, EventStoreError, LinkFault, Position, RecoveryReport};
pub use event::{
    Append, Appended, CompactedEvent, EventHash, ExpectedVersion, LogEntry, Metadata, NewEvent,
    RecordedEvent,
};
pub use jsonl::{JsonlStore, OpenReport, TornTail};
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::{DEFAULT_SCHEMA, PostgresStore, PostgresSubscription};
pub use replay::{
    AllowAll, EventProcessor, Projection, Reaction, ReadPolicy, ReplayReport, ReplayTo,
    is_replaying, replay,
};
pub use schema::{DomainEvent, Schema, Unreadable, Upcaster, assert_all_readable};
#[cfg(feature = "scopes")]
pub use scopes::ScopedStreams;
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;
pub use store::{Compaction, DEFAULT_PAGE_SIZE, EventStore, Events, StreamSnapshot};
pub use subscription::CatchUpSubscription;
