//! # reactive-sync
//!
//! Multi-client state sync on the [Loro](https://loro.dev) CRDT. A `Store` (from
//! `reactive-store`) is bound to a Loro document: a local commit becomes Loro operations, a
//! remote update becomes patches applied as **one** store commit, so effects run once per remote
//! update and never see half of it. Replicas converge whatever the network does, because Loro
//! merges; this crate only translates between the workspace's vocabulary of change
//! (`reactive-state` paths and patches) and Loro's containers.
//!
//! ```
//! use loro::LoroDoc;
//! use reactive_core::{create_root, Effect};
//! use reactive_store::{imbl, State, Store};
//! use reactive_sync::{StoreBinding, SyncSchema};
//! use serde::{Deserialize, Serialize};
//! use std::{cell::Cell, rc::Rc};
//!
//! #[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
//! struct Todo { id: String, title: String, done: bool }
//! #[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
//! struct Board { votes: i64, #[state(keyed = "id")] todos: imbl::Vector<Todo> }
//!
//! // Todos are a keyed collection (a Loro movable list), titles are collaborative text,
//! // votes a counter; every other field is a map entry or a last-writer-wins value.
//! let schema = SyncSchema::new().keyed("/todos", "id").text("/todos/*/title").counter("/votes");
//! let todo = |id: &str| Todo { id: id.into(), title: "milk".into(), done: false };
//!
//! let (_, owner) = create_root(|| -> Result<(), Box<dyn std::error::Error>> {
//!     let alice = Store::new(Board { votes: 0, todos: imbl::Vector::new() });
//!     let a = StoreBinding::new(alice, LoroDoc::new(), schema.clone())?;
//!     a.doc().set_peer_id(1)?;
//!     alice.update(|b| b.todos.push_back(todo("t1")))?;
//!
//!     // Bob starts from Alice's document (in an app: the server's snapshot).
//!     let bob = Store::new(Board { votes: 0, todos: imbl::Vector::new() });
//!     let b = StoreBinding::new(bob, a.doc().fork(), schema.clone())?;
//!     b.doc().set_peer_id(2)?;
//!     let runs = Rc::new(Cell::new(0));
//!     let r = runs.clone();
//!     Effect::new(move || { bob.with(|s| (s.votes, s.todos.len())); r.set(r.get() + 1); });
//!
//!     // Concurrent edits: both vote, Alice types, Bob ticks the todo off.
//!     let (seen_a, seen_b) = (a.version(), b.version());
//!     alice.update(|s| { s.votes += 1; s.todos[0].title.push_str(" and eggs"); })?;
//!     bob.update(|s| { s.votes += 1; s.todos[0].done = true; })?;
//!     a.import(&b.updates_since(&seen_a)?)?;
//!     b.import(&a.updates_since(&seen_b)?)?; // one commit: Bob's effect runs once
//!
//!     assert_eq!(*alice.snapshot_untracked(), *bob.snapshot_untracked());
//!     assert_eq!(bob.snapshot_untracked().votes, 2);
//!     assert_eq!(bob.snapshot_untracked().todos[0].title, "milk and eggs");
//!     assert!(bob.snapshot_untracked().todos[0].done);
//!     assert_eq!(runs.get(), 3); // the first run, Bob's own edit, Alice's update
//!     Ok(())
//! });
//! owner.dispose();
//! ```
//!
//! ## Which construct do I choose?
//!
//! | you want to | use |
//! |---|---|
//! | say which fields are keyed lists, collaborative text, counters | [`SyncSchema`] |
//! | keep a `Store` in step with a Loro document | `StoreBinding` (feature `store`, on by default) |
//! | write patches into a document yourself / read what changed as patches | [`DocWriter`] / [`DocChanges`] |
//! | edits that the server may refuse, shown at once (Replicache-style) | `Optimistic` (client, feature `store`), [`ServerDoc`] (server), [`CommandRegistry`] (both) |
//! | scope values replicated, and refused on the server without `write` | `ReplicatedScope` and `check_scope_update` (feature `store`) |
//!
//! ## How state maps onto Loro
//!
//! | in the state | in the document |
//! |---|---|
//! | the root (a struct or a string-keyed map) | the root map [`ROOT_MAP`] |
//! | a struct or map field | a `LoroMap` (a mergeable child: replicas that create it concurrently share it) |
//! | a keyed collection (`#[state(keyed = "id")]`, marked with [`SyncSchema::keyed`]) | a `LoroMovableList` of maps; items found by key; a move is a Loro move |
//! | a string marked with [`SyncSchema::text`] | a `LoroText`, merged character by character |
//! | a number marked with [`SyncSchema::counter`] | a `LoroCounter`: concurrent increments add up |
//! | anything else (numbers, strings, `Vec`s without keys, `None`) | a plain value: the last writer wins |
//!
//! ## Design decisions
//!
//! - **Integrate a CRDT, do not write one.** Loro gives maps, movable lists, text, counters,
//!   version vectors and compact updates; the hard part, convergence, is its job.
//! - **A hand-written schema, not type metadata.** `State` diffs and applies but does not
//!   describe its fields, and whether a string is edited together is a collaboration decision:
//!   [`SyncSchema`] marks paths with patterns (`/todos/*/title`).
//! - **Events say where, the document says what.** Loro's events only tell which containers
//!   and map entries changed; the values are read from the document as it is now. Several
//!   imports before one look merge into one set of patches on the final state, and a keyed
//!   list's change is recomputed as removes, moves and adds by key.
//! - **Remote changes are one store commit, of the patches as they are.** `commit_patches` (one
//!   transaction, one batch, validated and recorded like any commit) takes the patches the
//!   events gave without diffing the whole state again; if a patch does not apply, the store
//!   reloads the whole document (counted in `BindingStats`, zero in every simulation run).
//! - **Local commits are written from their patches.** Each patch goes to the container its
//!   path names; keyed items are found through checked position hints, not a scan per patch;
//!   the document is not read back into the state.
//! - **Plain data on the wire.** Updates are Loro's own bytes; commands are [`Command`] (a
//!   [`CommandId`], a name, postcard arguments) answered by a [`CommandResult`].

//!
//! ## Protocol, server and client
//!
//! Documents travel as Loro's own bytes: updates (`LoroDoc::export(ExportMode::updates(&vv))`),
//! snapshots and version vectors, framed by [`protocol`] and carried over WebSocket.
//!
//! | module | feature | what it is for |
//! |---|---|---|
//! | [`protocol`] | always | the binary frames and their checked decoder |
//! | `server` | `server` | `SyncServer` and the `reactive-sync-server` binary: rooms, SQLite persistence before acknowledgement, compaction, auth and per-document rights, limits, backpressure, commands |
//! | `client` | `client` | `SyncClient` (tokio): sync by version vectors, reconnect and resume, presence, commands |
//! | `server::PostgresStorage` | `postgres` | documents in PostgreSQL, shared by the nodes of a cluster (`--postgres URL`) |
//! | `server::Cluster` | `cluster` | several server nodes serving the same documents: stored updates fan out between them over NATS (`--nats URL`) |
//!
//! A session: the client says `Hello` with its version vector; the server answers `Welcome`
//! with its own and the updates the client lacks; the client sends what the server lacks;
//! then each side streams updates, the server acknowledging each one only once it is stored.
//! After a drop the client resumes the same way, so nothing acknowledged is sent twice and
//! nothing unacknowledged is lost while the document lives.
//!
//! ```no_run
//! # #[cfg(all(feature = "server", feature = "client"))]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use reactive_sync::client::{ClientConfig, SyncClient};
//! use reactive_sync::server::{SqliteStorage, SyncServer};
//!
//! let server = SyncServer::new(SqliteStorage::open("sync.sqlite")?).spawn("127.0.0.1:0").await?;
//! let doc = loro::LoroDoc::new();
//! let client = SyncClient::start(ClientConfig::new(&server.url(), "alice", "todo"), doc.clone());
//! doc.get_list("items").push("buy milk")?;
//! doc.commit();
//! client.wait_acknowledged().await; // stored in SQLite by now
//! # Ok(()) }
//! ```
//!
//! ## Past one machine: a cluster
//!
//! Several `reactive-sync-server` processes can serve the same documents: they share their
//! storage (`PostgresStorage`, feature `postgres`) and link through NATS (`Cluster`, feature
//! `cluster`). Each node stores an update before acknowledging it, as alone, then publishes it
//! on the document's subject; the other nodes import it into their room of that document and
//! forward it to their clients. PostgreSQL is the durable log and NATS only the fast path:
//! what NATS loses (a restart, a disconnection) every node recovers by re-reading its loaded
//! documents from PostgreSQL after it reconnects and periodically, so core NATS suffices and
//! JetStream is not used. A client whose node dies connects to another and resumes by version
//! vectors; nothing acknowledged is lost, since it was in PostgreSQL before the ack.
//!
//! ```sh
//! reactive-sync-server --listen 127.0.0.1:9001 --postgres "host=127.0.0.1 user=postgres" --nats nats://127.0.0.1:4222
//! reactive-sync-server --listen 127.0.0.1:9002 --postgres "host=127.0.0.1 user=postgres" --nats nats://127.0.0.1:4222
//! ```
//!
//! Fan-out latency between two nodes (a client on each): `benches/cluster_fanout.rs`.

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
#[cfg(feature = "server")]
pub use optimistic::RegistryExecutor;
#[cfg(feature = "store")]
mod replicated_scope;
#[cfg(feature = "store")]
pub use replicated_scope::{
    ReplicatedScope, SCOPES_MAP, ScopeGate, ScopeSyncError, ScopeWriteDenied, check_scope_update,
};

#[cfg(feature = "model")]
mod model_binding;
#[cfg(feature = "model")]
pub use model_binding::{ModelBinding, ModelBindingStats};

pub mod protocol;

#[cfg(feature = "server")]
pub mod server;

#[cfg(feature = "client")]
pub mod client;

/// The CRDT documents are Loro's: `LoroDoc`, its containers and version vectors.
pub use loro;

/// The async runtime the client and server run on, for applications that have no other.
#[cfg(any(feature = "client", feature = "server"))]
pub use tokio;
