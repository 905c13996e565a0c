//! The sync server (feature `server`): documents in rooms, updates persisted (SQLite by default,
//! PostgreSQL with the `postgres` feature) before they are acknowledged, compaction into
//! snapshots, an auth hook and per-document policies, limits on message size and rate, bounded
//! queues to slow clients, and (feature `cluster`) fan-out between server nodes over NATS.
//!
//! ```no_run
//! # #[cfg(feature = "server")]
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use reactive_sync::server::{SqliteStorage, SyncServer};
//! let server = SyncServer::new(SqliteStorage::open("sync.sqlite")?);
//! let running = server.spawn("127.0.0.1:9000").await?;
//! println!("listening on ws://{}", running.local_addr());
//! # Ok(()) }
//! ```
//!
//! Each connection is one tokio task. A room's document, subscribers and presence sit behind a
//! mutex held only for synchronous work (import, one insert, fan-out by `try_send`), so the
//! order of the room's log is the order every client receives.

mod auth;
#[cfg(feature = "cluster")]
mod cluster;
mod connection;
mod room;
mod scope_policy;
mod storage;

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use loro::VersionVector;
use tokio::net::{TcpListener, ToSocketAddrs};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use auth::{
    Access, Action, Authenticator, CommandExecutor, DocumentPolicies, DocumentPolicy,
    TokenIsPrincipal, TokenTable,
};
#[cfg(feature = "cluster")]
pub use cluster::{Cluster, ClusterError};
use room::{Room, Subscriber};
pub use scope_policy::{ScopeGrants, ScopePolicy};
#[cfg(feature = "postgres")]
pub use storage::PostgresStorage;
pub use storage::{CommandKey, DocumentStorage, SqliteStorage, StorageError, StoredDocument};

use crate::protocol::{Frame, MAX_FRAME_BYTES};

/// Limits per connection.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The longest message accepted (bytes); longer ones get `ErrorCode::TooLarge` and the
    /// connection is closed. Default 16 MiB.
    pub max_message_bytes: usize,
    /// The longest presence state (bytes). Default 4 KiB.
    pub max_presence_bytes: usize,
    /// Sustained messages per second per connection. Default 1,000.
    pub messages_per_second: u32,
    /// Messages allowed at once above the sustained rate. Default 2,000.
    pub burst: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_message_bytes: MAX_FRAME_BYTES,
            max_presence_bytes: 4096,
            messages_per_second: 1000,
            burst: 2000,
        }
    }
}

/// The server's settings.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Message size and rate limits.
    pub limits: Limits,
    /// Frames waiting for one client before it is dropped and told to resync (at least 1).
    /// Default 1,024.
    pub outgoing_queue: usize,
    /// A room's update log is compacted into a snapshot after this many updates (and when its
    /// last client leaves). Default 1,000.
    pub compact_every: usize,
    /// Time for the WebSocket upgrade and the `Hello`. Default 10 s.
    pub handshake_timeout: Duration,
    /// Time for one frame to be written to a client before it is dropped. Default 10 s.
    pub write_timeout: Duration,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            limits: Limits::default(),
            outgoing_queue: 1024,
            compact_every: 1000,
            handshake_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(10),
        }
    }
}

pub(crate) type SharedRoom = Arc<Mutex<Room>>;

/// What a room calls with each update once it is stored: `(document, update)`.
pub(crate) type UpdateHook = Arc<dyn Fn(&str, &[u8]) + Send + Sync>;

/// The loaded rooms. Lock order: this map, then a room.
#[derive(Default)]
pub(crate) struct Rooms {
    rooms: Mutex<HashMap<String, SharedRoom>>,
    /// Given to every room loaded (the cluster's publisher).
    on_stored: Option<UpdateHook>,
}

impl Rooms {
    /// The loaded, working room of `document`, if any.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))] // only the cluster looks rooms up
    pub(crate) fn get(&self, document: &str) -> Option<SharedRoom> {
        let rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        rooms
            .get(document)
            .filter(|r| !r.lock().unwrap_or_else(|p| p.into_inner()).failed)
            .cloned()
    }

    /// Every loaded room with its document.
    #[cfg_attr(not(feature = "cluster"), allow(dead_code))] // only the cluster walks them
    pub(crate) fn loaded(&self) -> Vec<(String, SharedRoom)> {
        let rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        rooms.iter().map(|(d, r)| (d.clone(), r.clone())).collect()
    }

    fn join(
        &self,
        storage: &dyn DocumentStorage,
        document: &str,
        subscriber: Subscriber,
        can_write: bool,
        client_vv: &VersionVector,
    ) -> Result<(SharedRoom, u64, Frame, Vec<Frame>), StorageError> {
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        let existing = rooms
            .get(document)
            .filter(|r| !r.lock().unwrap_or_else(|p| p.into_inner()).failed)
            .cloned();
        let room = match existing {
            Some(room) => room,
            None => {
                let mut loaded = Room::load(storage, document)?;
                loaded.on_stored = self.on_stored.clone();
                let room = Arc::new(Mutex::new(loaded));
                rooms.insert(document.to_owned(), room.clone());
                room
            }
        };
        let (session, welcome, presence) = room
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .join(subscriber, can_write, client_vv);
        Ok((room, session, welcome, presence))
    }

    /// Removes the session; the last one out compacts the room and unloads it.
    fn leave(
        &self,
        storage: &dyn DocumentStorage,
        document: &str,
        room: &SharedRoom,
        session: u64,
    ) {
        let mut rooms = self.rooms.lock().unwrap_or_else(|p| p.into_inner());
        let mut guard = room.lock().unwrap_or_else(|p| p.into_inner());
        guard.leave(session);
        if guard.subscribers.is_empty() || guard.failed {
            if !guard.failed {
                let _ = guard.compact(storage);
            }
            if guard.subscribers.is_empty()
                && rooms.get(document).is_some_and(|r| Arc::ptr_eq(r, room))
            {
                rooms.remove(document);
            }
        }
    }

    /// How many rooms are loaded.
    fn len(&self) -> usize {
        self.rooms.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// What every connection task shares.
pub(crate) struct Shared {
    pub(crate) config: ServerConfig,
    pub(crate) storage: Box<dyn DocumentStorage>,
    pub(crate) authenticator: Box<dyn Authenticator>,
    pub(crate) policy: Box<dyn DocumentPolicy>,
    pub(crate) executor: Option<Box<dyn CommandExecutor>>,
    pub(crate) scope_policy: Option<Box<dyn ScopePolicy>>,
    pub(crate) rooms: Rooms,
    pub(crate) shutdown: watch::Sender<bool>,
}

/// A sync server, configured, not yet listening.
///
/// By default every non-empty token is its own principal ([`TokenIsPrincipal`]) with read
/// and write on every document, and no commands run (each is rejected). Replace the hooks with
/// [`SyncServer::authenticator`], [`SyncServer::policy`] and [`SyncServer::executor`].
pub struct SyncServer {
    shared: Shared,
    #[cfg(feature = "cluster")]
    cluster: Option<Cluster>,
}

impl SyncServer {
    /// A server persisting to `storage` ([`SqliteStorage`] on one node; a storage every node
    /// shares, such as `PostgresStorage`, in a cluster), with the default configuration and
    /// hooks.
    pub fn new(storage: impl DocumentStorage) -> SyncServer {
        SyncServer {
            #[cfg(feature = "cluster")]
            cluster: None,
            shared: Shared {
                config: ServerConfig::default(),
                storage: Box::new(storage),
                authenticator: Box::new(TokenIsPrincipal),
                policy: Box::new(DocumentPolicies::default()),
                executor: None,
                scope_policy: None,
                rooms: Rooms::default(),
                shutdown: watch::channel(false).0,
            },
        }
    }

    /// Replaces the configuration.
    pub fn config(mut self, config: ServerConfig) -> SyncServer {
        self.shared.config = config;
        self
    }

    /// Replaces the auth hook (token → principal).
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> SyncServer {
        self.shared.authenticator = Box::new(authenticator);
        self
    }

    /// Replaces the per-document policy.
    pub fn policy(mut self, policy: impl DocumentPolicy) -> SyncServer {
        self.shared.policy = Box::new(policy);
        self
    }

    /// Sets the executor that runs clients' commands.
    pub fn executor(mut self, executor: impl CommandExecutor) -> SyncServer {
        self.shared.executor = Some(Box::new(executor));
        self
    }

    /// Enforces replicated scopes' write rights on every incoming update (see [`ScopePolicy`]).
    pub fn scope_policy(mut self, policy: impl ScopePolicy) -> SyncServer {
        self.shared.scope_policy = Some(Box::new(policy));
        self
    }

    /// Makes this server one node of `cluster` (feature `cluster`): the updates it stores are
    /// published to the other nodes, and theirs are imported into its rooms and forwarded to
    /// its clients. The nodes must share their storage (`PostgresStorage`).
    #[cfg(feature = "cluster")]
    pub fn cluster(mut self, mut cluster: Cluster) -> SyncServer {
        self.shared.rooms.on_stored = Some(cluster.publisher());
        self.cluster = Some(cluster);
        self
    }

    /// Starts the cluster's tasks (before any connection is accepted, so that no update
    /// published after a room loads can be missed).
    async fn start(self) -> io::Result<Arc<Shared>> {
        let shared = Arc::new(self.shared);
        #[cfg(feature = "cluster")]
        if let Some(cluster) = self.cluster {
            cluster
                .start(shared.clone())
                .await
                .map_err(io::Error::other)?;
        }
        Ok(shared)
    }

    /// Listens on `addr` and serves in a background task until [`RunningServer::shutdown`].
    pub async fn spawn(self, addr: impl ToSocketAddrs) -> io::Result<RunningServer> {
        let listener = TcpListener::bind(addr).await?;
        let local_addr = listener.local_addr()?;
        let shared = self.start().await?;
        let accept_shared = shared.clone();
        let task = tokio::spawn(async move { accept_loop(listener, accept_shared).await });
        Ok(RunningServer {
            local_addr,
            shared,
            task,
        })
    }

    /// Serves connections from `listener` until the process ends (an error only if the
    /// cluster cannot subscribe).
    pub async fn serve(self, listener: TcpListener) -> io::Result<()> {
        let shared = self.start().await?;
        accept_loop(listener, shared).await;
        Ok(())
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let mut shutdown = shared.shutdown.subscribe();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(connection::serve_connection(stream, shared.clone()));
                }
            }
            _ = shutdown.changed() => return,
        }
    }
}

/// A server listening in the background.
pub struct RunningServer {
    local_addr: SocketAddr,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl RunningServer {
    /// The address it listens on (useful after binding port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The `ws://` URL clients connect to.
    pub fn url(&self) -> String {
        format!("ws://{}", self.local_addr)
    }

    /// The server's storage (to inspect what was persisted).
    pub fn storage(&self) -> &dyn DocumentStorage {
        &*self.shared.storage
    }

    /// How many rooms are loaded (a room is unloaded when its last client leaves).
    pub fn loaded_rooms(&self) -> usize {
        self.shared.rooms.len()
    }

    /// Stops accepting, closes every connection, and waits for the accept loop to end.
    pub async fn shutdown(self) {
        let _ = self.shared.shutdown.send(true);
        let _ = self.task.await;
    }
}
