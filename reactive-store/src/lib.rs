//! # reactive-store
//!
//! Reactive application state built on `reactive-core`.
//!
//! ## Event sourcing
//!
//! [`sourcing`] turns every change into a stored event: event-sourced aggregates whose state is
//! reactive, versioned events with upcasters, replay and time travel, snapshots and compaction,
//! a tamper-evident audit chain, and three [`sourcing::EventStore`] backends (in memory, JSON
//! Lines, and SQLite, the embedded default).

mod event;
mod patch;
mod path;
mod scope;
mod snapshot;
mod state;
mod store;
mod veto;

pub mod sourcing;

pub use event::{
    EmitOptions, EventContext, EventInfo, EventInterceptor, EventLog, EventOutcome, InterceptorId,
    LoggedEvent, Phase, Subscribe, Subscription,
};
pub use patch::{Patch, PatchError, PatchOp, invert};
pub use path::{IntoSegment, Path, PathError, PathPattern, PatternSegment, Segment};
pub use scope::{
    Access, AccessDenied, Action, PersistError, Policy, Principal, Scope, ScopeError, ScopeSnapshot,
};
pub use snapshot::{CodecError, Snapshot};
pub use state::{Diff, MapKey, Node, State, apply_whole, node_at};
pub use store::{
    Commit, CommitKind, HistoryLimits, HistoryStatus, HistoryStep, HookId, Middleware, Proposal,
    Store, Transaction, TransactionError, ValidationError, Violation, Violations,
};
pub use veto::Veto;

pub use imbl;
