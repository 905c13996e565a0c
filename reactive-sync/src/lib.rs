//! Multi-client state sync on the Loro CRDT.

mod doc;
mod optimistic;

pub use doc::{DocChanges, DocWriter, FieldKind, ROOT_MAP, SyncError, SyncSchema, read_json};
pub use optimistic::{
    Authority, Command, CommandError, CommandId, CommandRegistry, CommandResult, ServerDoc,
};

#[cfg(feature = "store")]
mod binding;
#[cfg(feature = "store")]
pub use binding::{BindingStats, StoreBinding};
#[cfg(feature = "store")]
pub use optimistic::Optimistic;
#[cfg(feature = "store")]
mod replicated_scope;
#[cfg(feature = "store")]
pub use replicated_scope::{
    ReplicatedScope, SCOPES_MAP, ScopeSyncError, ScopeWriteDenied, check_scope_update,
};
