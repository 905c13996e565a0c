//! Where a room's document lives between loads: an append-only log of Loro updates per
//! document, and at most one snapshot per document that earlier updates were compacted into.
//!
//! The server appends an update *before* it acknowledges it, so what a client saw acknowledged
//! survives the server's crash; a document is loaded as its snapshot plus the updates left in
//! the log. Two implementations of [`DocumentStorage`]: [`SqliteStorage`] (one file, the
//! single-node default) and, with the `postgres` feature, `PostgresStorage` (one database
//! shared by the nodes of a cluster).

#[cfg(feature = "postgres")]
mod postgres;
mod sqlite;

#[cfg(feature = "postgres")]
pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

use crate::protocol::CommandOutcome;

/// A failure of the document storage. The server answers it with `ErrorCode::Internal`,
/// reloads the room from what was stored, and acknowledges nothing that was not stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// SQLite refused or failed.
    #[error("sync storage (SQLite): {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused or failed (the connection is re-opened on the next call).
    #[cfg(feature = "postgres")]
    #[error("sync storage (PostgreSQL): {0}")]
    Postgres(#[from] ::postgres::Error),
    /// The storage could not be reached at all (its worker stopped, or it cannot connect).
    #[error("sync storage unavailable: {0}")]
    Unavailable(String),
}

/// What a document's log holds: the latest snapshot (if compacted) and the updates after it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredDocument {
    /// The snapshot earlier updates were folded into, if the document was ever compacted.
    pub snapshot: Option<Vec<u8>>,
    /// The updates still in the log, in the order they were appended.
    pub updates: Vec<Vec<u8>>,
    /// The sequence number of the last update read (or the snapshot's, if none): compaction
    /// covers the log up to it.
    pub last_seq: i64,
}

/// The durable home of the server's documents.
///
/// Implementations are called synchronously from the room under its lock, so that the order
/// of a room's log is the order its clients receive; each call should be one short
/// transaction. Every method's failure is a [`StorageError`].
///
/// The contract the server relies on:
/// - [`append`](DocumentStorage::append) returns only once the update is durable (it is then
///   acknowledged to the client);
/// - [`load`](DocumentStorage::load) returns a snapshot and updates that together hold every
///   update whose `append` returned before the load began;
/// - [`compact`](DocumentStorage::compact) never loses an update: a storage that several
///   processes share merges what it holds into the snapshot it is given.
///
/// ```
/// # #[cfg(feature = "server")] {
/// use reactive_sync::server::{DocumentStorage, SqliteStorage};
/// let storage = SqliteStorage::in_memory().unwrap();
/// let doc = loro::LoroDoc::new();
/// doc.get_text("t").insert(0, "hi").unwrap();
/// let update = doc.export(loro::ExportMode::all_updates()).unwrap();
/// let seq = storage.append("notes", &update).unwrap();
/// assert_eq!(storage.load("notes").unwrap().updates, vec![update]);
/// storage.compact("notes", &doc.export(loro::ExportMode::Snapshot).unwrap(), seq).unwrap();
/// assert_eq!(storage.update_count("notes").unwrap(), 0);
/// assert!(storage.has_snapshot("notes").unwrap());
/// # }
/// ```
pub trait DocumentStorage: Send + Sync + 'static {
    /// The document's snapshot and the updates after it (an unknown document is empty).
    fn load(&self, document: &str) -> Result<StoredDocument, StorageError>;

    /// Appends one update durably; returns its sequence number (increasing per storage).
    fn append(&self, document: &str, bytes: &[u8]) -> Result<i64, StorageError>;

    /// Replaces the document's snapshot by `snapshot`, which holds every update up to
    /// `through_seq` the caller appended or loaded, and drops those updates from the log.
    fn compact(
        &self,
        document: &str,
        snapshot: &[u8],
        through_seq: i64,
    ) -> Result<(), StorageError>;

    /// How many updates of `document` are in the log (compaction folds them in).
    fn update_count(&self, document: &str) -> Result<usize, StorageError>;

    /// Whether `document` has a snapshot.
    fn has_snapshot(&self, document: &str) -> Result<bool, StorageError>;

    /// The answer the command `key` got, if it ran before (the server runs a command at most
    /// once per principal, client and id, and answers a resend with its first answer).
    fn command_outcome(&self, key: &CommandKey<'_>)
    -> Result<Option<CommandOutcome>, StorageError>;

    /// Records the command's answer and, if it changed the document, its update, in one
    /// transaction (after a crash both are stored or neither); returns the update's sequence
    /// number.
    fn append_command(
        &self,
        key: &CommandKey<'_>,
        outcome: &CommandOutcome,
        update: Option<&[u8]>,
    ) -> Result<Option<i64>, StorageError>;

    /// How many command answers are remembered for `document`.
    fn command_count(&self, document: &str) -> Result<usize, StorageError>;
}

/// A command's identity in a document's command log: who sent it (principal and client) and
/// the client's number for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CommandKey<'a> {
    /// The document the command ran on.
    pub document: &'a str,
    /// The principal the sender authenticated as.
    pub principal: &'a str,
    /// The sending client's id.
    pub client: u64,
    /// The client's number for the command.
    pub id: u64,
}

/// A command's answer as stored: `None` when accepted, the reason when rejected.
fn rejection(outcome: &CommandOutcome) -> Option<&str> {
    match outcome {
        CommandOutcome::Accepted => None,
        CommandOutcome::Rejected(why) => Some(why.as_str()),
    }
}

/// The answer a stored rejection (or its absence) stands for.
fn outcome_of(rejected: Option<String>) -> CommandOutcome {
    match rejected {
        None => CommandOutcome::Accepted,
        Some(why) => CommandOutcome::Rejected(why),
    }
}

/// A boxed storage is a storage (to choose one at run time).
impl<S: DocumentStorage + ?Sized> DocumentStorage for Box<S> {
    fn load(&self, document: &str) -> Result<StoredDocument, StorageError> {
        (**self).load(document)
    }

    fn append(&self, document: &str, bytes: &[u8]) -> Result<i64, StorageError> {
        (**self).append(document, bytes)
    }

    fn compact(
        &self,
        document: &str,
        snapshot: &[u8],
        through_seq: i64,
    ) -> Result<(), StorageError> {
        (**self).compact(document, snapshot, through_seq)
    }

    fn update_count(&self, document: &str) -> Result<usize, StorageError> {
        (**self).update_count(document)
    }

    fn has_snapshot(&self, document: &str) -> Result<bool, StorageError> {
        (**self).has_snapshot(document)
    }

    fn command_outcome(
        &self,
        key: &CommandKey<'_>,
    ) -> Result<Option<CommandOutcome>, StorageError> {
        (**self).command_outcome(key)
    }

    fn append_command(
        &self,
        key: &CommandKey<'_>,
        outcome: &CommandOutcome,
        update: Option<&[u8]>,
    ) -> Result<Option<i64>, StorageError> {
        (**self).append_command(key, outcome, update)
    }

    fn command_count(&self, document: &str) -> Result<usize, StorageError> {
        (**self).command_count(document)
    }
}
