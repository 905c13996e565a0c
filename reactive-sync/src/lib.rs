//! Multi-client state sync on the Loro CRDT.
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
