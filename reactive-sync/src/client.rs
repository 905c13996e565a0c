//! The sync client (feature `client`, tokio): keeps a `LoroDoc` in sync with a server's room.
//!
//! [`SyncClient::start`] returns at once and works offline: a background task connects,
//! handshakes with the document's version vector, imports what the server sent that it lacked,
//! sends what the server lacks, then streams local updates (as the document commits them) and
//! applies remote ones. When the connection drops it reconnects with backoff and resumes the
//! same way: updates the server acknowledged are never sent again, and the ones it did not
//! acknowledge are covered by what the server's version vector lacks.
//!
//! ```no_run
//! # #[cfg(feature = "client")]
//! # async fn run() {
//! use reactive_sync::client::{ClientConfig, SyncClient};
//! let doc = loro::LoroDoc::new();
//! let client = SyncClient::start(ClientConfig::new("ws://127.0.0.1:9000", "alice", "todo"), doc.clone());
//! doc.get_list("items").push("buy milk").unwrap();
//! doc.commit(); // the client sends it
//! client.wait_acknowledged().await; // the server has stored it
//! # }
//! ```

#[cfg(feature = "store")]
mod optimistic;
mod session;

#[cfg(feature = "store")]
pub use optimistic::OptimisticClient;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use loro::{LoroDoc, VersionVector};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinHandle;

use crate::optimistic::{Command, CommandId, CommandResult};
use crate::protocol::{CommandOutcome, ErrorCode, MAX_FRAME_BYTES};

/// Where and as whom to connect.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The server's `ws://host:port` URL.
    pub url: String,
    /// The credential for the server's auth hook.
    pub token: String,
    /// The document (room) to sync.
    pub document: String,
    /// The first wait before reconnecting; it doubles per failure up to `reconnect_max`.
    pub reconnect_min: Duration,
    /// The longest wait before reconnecting.
    pub reconnect_max: Duration,
    /// The longest frame accepted from the server.
    pub max_message_bytes: usize,
}

impl ClientConfig {
    /// A configuration with default reconnect timing (50 ms doubling to 2 s).
    pub fn new(url: &str, token: &str, document: &str) -> ClientConfig {
        ClientConfig {
            url: url.to_owned(),
            token: token.to_owned(),
            document: document.to_owned(),
            reconnect_min: Duration::from_millis(50),
            reconnect_max: Duration::from_secs(2),
            max_message_bytes: MAX_FRAME_BYTES,
        }
    }
}

/// The connection's state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    /// Connecting or waiting to reconnect.
    Connecting,
    /// In the room.
    Online {
        /// This connection's session number (presence is keyed by it).
        session: u64,
        /// The principal the server took the token for.
        principal: String,
        /// Whether the server accepts this client's changes.
        can_write: bool,
    },
    /// Offline on request ([`SyncClient::set_online`]); local edits accumulate.
    Offline,
    /// The server refused for good (unauthorised, forbidden, another protocol version); the
    /// client does not retry.
    Failed {
        /// The server's code.
        code: ErrorCode,
        /// Its message.
        message: String,
    },
}

/// What the client knows, published on every change ([`SyncClient::watch_status`]).
#[derive(Clone, Debug)]
pub struct ClientStatus {
    /// The connection.
    pub connection: Connection,
    /// The server's version vector as of its last welcome or acknowledgement: everything in
    /// it is persisted.
    pub acknowledged: VersionVector,
    /// Update frames sent to the server (initial catch-ups and incremental updates).
    pub updates_sent: u64,
    /// Update frames received from the server and imported.
    pub updates_received: u64,
    /// Bytes of frames written to and read from the server.
    pub bytes_sent: u64,
    /// See `bytes_sent`.
    pub bytes_received: u64,
    /// Successful handshakes so far (1 after the first connection, +1 per resume).
    pub sessions: u64,
}

/// Another session's presence in the room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PeerPresence {
    /// Its principal.
    pub principal: String,
    /// The state it published.
    pub state: Vec<u8>,
}

/// Why a command got no verdict.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoVerdict {
    /// The connection dropped (or the client went offline) before the server answered: the
    /// command may or may not have run; replay it by its own identity if it matters.
    #[error("disconnected before the server answered")]
    Disconnected,
    /// The client was shut down.
    #[error("the client is shut down")]
    ShutDown,
}

/// What the server sent, handed to the application in one piece (see
/// [`SyncClient::start_delivering`]): the Loro updates imported into the client's document,
/// in order, and the answers to the optimistic commands sent with
/// [`SyncClient::send_command`]. Apply it in one go (`Optimistic::settle`) and the user sees
/// one consistent change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Loro updates, in the order they were imported.
    pub updates: Vec<Vec<u8>>,
    /// Commands answered, with their answers.
    pub answers: Vec<(CommandId, CommandResult)>,
}

impl Delivery {
    /// Whether it carries nothing.
    pub fn is_empty(&self) -> bool {
        self.updates.is_empty() && self.answers.is_empty()
    }

    /// Appends `later` (what arrived after this).
    pub fn extend(&mut self, later: Delivery) {
        self.updates.extend(later.updates);
        self.answers.extend(later.answers);
    }
}

pub(crate) enum Control {
    LocalUpdate(Vec<u8>),
    Presence(Vec<u8>),
    Command {
        name: String,
        args: Vec<u8>,
        reply: oneshot::Sender<Result<CommandOutcome, NoVerdict>>,
    },
    Optimistic(Command),
    SetOnline(bool),
    Reconnect,
    Shutdown,
}

pub(crate) struct Inner {
    pub(crate) config: ClientConfig,
    pub(crate) doc: LoroDoc,
    pub(crate) status: watch::Sender<ClientStatus>,
    pub(crate) presence: Mutex<HashMap<u64, PeerPresence>>,
    /// Bumped on every remote change applied and every presence change (for re-rendering).
    pub(crate) changes: watch::Sender<u64>,
    /// Where what the server sent goes, for an application that shows it itself.
    pub(crate) deliveries: Option<mpsc::UnboundedSender<Delivery>>,
    /// The client identity of commands sent with [`SyncClient::command`] (random per start).
    pub(crate) plain_client: u64,
}

impl Inner {
    pub(crate) fn update_status(&self, f: impl FnOnce(&mut ClientStatus)) {
        self.status.send_modify(f);
    }

    pub(crate) fn bump_changes(&self) {
        self.changes.send_modify(|n| *n += 1);
    }
}

/// A running client: dropping it (or [`SyncClient::shutdown`]) stops the background task.
pub struct SyncClient {
    inner: Arc<Inner>,
    control: mpsc::UnboundedSender<Control>,
    task: Option<JoinHandle<()>>,
    _local_updates: loro::Subscription,
}

impl SyncClient {
    /// Starts syncing `doc` (a handle: the caller keeps editing its clone) in a background
    /// task on the current tokio runtime.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    #[track_caller]
    pub fn start(config: ClientConfig, doc: LoroDoc) -> SyncClient {
        SyncClient::start_with(config, doc, None)
    }

    /// Like [`start`](SyncClient::start), and also hands every update the client imports and
    /// every answer to a command sent with [`send_command`](SyncClient::send_command) to the
    /// returned receiver, grouped so that a command's effect and its answer arrive together.
    /// `OptimisticClient` (feature `store`) is built on it.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    #[track_caller]
    pub fn start_delivering(
        config: ClientConfig,
        doc: LoroDoc,
    ) -> (SyncClient, mpsc::UnboundedReceiver<Delivery>) {
        let (deliveries, receiver) = mpsc::unbounded_channel();
        (
            SyncClient::start_with(config, doc, Some(deliveries)),
            receiver,
        )
    }

    #[track_caller]
    fn start_with(
        config: ClientConfig,
        doc: LoroDoc,
        deliveries: Option<mpsc::UnboundedSender<Delivery>>,
    ) -> SyncClient {
        let (control, rx) = mpsc::unbounded_channel();
        let forward = control.clone();
        let subscription = doc.subscribe_local_update(Box::new(move |bytes| {
            forward.send(Control::LocalUpdate(bytes.clone())).is_ok()
        }));
        let status = ClientStatus {
            connection: Connection::Connecting,
            acknowledged: VersionVector::default(),
            updates_sent: 0,
            updates_received: 0,
            bytes_sent: 0,
            bytes_received: 0,
            sessions: 0,
        };
        let inner = Arc::new(Inner {
            config,
            doc,
            status: watch::channel(status).0,
            presence: Mutex::new(HashMap::new()),
            changes: watch::channel(0).0,
            deliveries,
            plain_client: random_client_id(),
        });
        let task = tokio::spawn(session::run(inner.clone(), rx));
        SyncClient {
            inner,
            control,
            task: Some(task),
            _local_updates: subscription,
        }
    }

    /// The synced document.
    pub fn doc(&self) -> &LoroDoc {
        &self.inner.doc
    }

    /// The current status.
    pub fn status(&self) -> ClientStatus {
        self.inner.status.borrow().clone()
    }

    /// A receiver that sees every status change.
    pub fn watch_status(&self) -> watch::Receiver<ClientStatus> {
        self.inner.status.subscribe()
    }

    /// A counter bumped on every remote change applied to the document, every presence
    /// change, and when the connection comes up or goes down: await `changed()` on it to
    /// re-render.
    pub fn watch_changes(&self) -> watch::Receiver<u64> {
        self.inner.changes.subscribe()
    }

    /// Whether the server has acknowledged (stored) every change this document made locally
    /// (under its current peer id).
    pub fn is_acknowledged(&self) -> bool {
        let peer = self.inner.doc.peer_id();
        let local = self.inner.doc.oplog_vv().get(&peer).copied().unwrap_or(0);
        let acked = self
            .inner
            .status
            .borrow()
            .acknowledged
            .get(&peer)
            .copied()
            .unwrap_or(0);
        acked >= local
    }

    /// Waits until the client is online and the server has stored every local change.
    pub async fn wait_acknowledged(&self) {
        let mut status = self.watch_status();
        loop {
            let online = matches!(
                status.borrow_and_update().connection,
                Connection::Online { .. }
            );
            if online && self.is_acknowledged() {
                return;
            }
            if status.changed().await.is_err() {
                return;
            }
        }
    }

    /// Waits until the connection is online (or failed for good).
    pub async fn wait_online(&self) -> Connection {
        let mut status = self.watch_status();
        loop {
            let connection = status.borrow_and_update().connection.clone();
            if matches!(
                connection,
                Connection::Online { .. } | Connection::Failed { .. }
            ) {
                return connection;
            }
            if status.changed().await.is_err() {
                return connection;
            }
        }
    }

    /// Publishes this client's presence (cursor, selection, name …); an empty state clears
    /// it. Re-sent after every reconnect; never persisted.
    pub fn set_presence(&self, state: Vec<u8>) {
        let _ = self.control.send(Control::Presence(state));
    }

    /// The other sessions' presence, by session number.
    pub fn presence(&self) -> HashMap<u64, PeerPresence> {
        self.inner
            .presence
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Sends a command for the server to run with authority, and waits for its verdict. Its
    /// effects arrive as ordinary remote updates before the verdict.
    pub async fn command(&self, name: &str, args: Vec<u8>) -> Result<CommandOutcome, NoVerdict> {
        let (reply, verdict) = oneshot::channel();
        let sent = self.control.send(Control::Command {
            name: name.to_owned(),
            args,
            reply,
        });
        if sent.is_err() {
            return Err(NoVerdict::ShutDown);
        }
        verdict.await.unwrap_or(Err(NoVerdict::ShutDown))
    }

    /// Sends an optimistic command (from `Optimistic::run`) for the server to run with
    /// authority. Until it is answered it is sent again after every reconnect, and the server
    /// runs it at most once. Its answer (with its effect) arrives as a [`Delivery`] on the
    /// receiver of [`start_delivering`](SyncClient::start_delivering).
    pub fn send_command(&self, command: Command) {
        let _ = self.control.send(Control::Optimistic(command));
    }

    /// Goes offline (closing the connection; local edits accumulate) or back online (resuming
    /// by version vectors).
    pub fn set_online(&self, online: bool) {
        let _ = self.control.send(Control::SetOnline(online));
    }

    /// Drops the connection and resumes on a fresh one (a full handshake).
    pub fn reconnect(&self) {
        let _ = self.control.send(Control::Reconnect);
    }

    /// Closes the connection and ends the background task.
    pub async fn shutdown(mut self) {
        let _ = self.control.send(Control::Shutdown);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// A client identity for plain commands, different per start: hashing with a fresh
/// `RandomState` (randomly keyed per process) is enough to keep two clients apart.
fn random_client_id() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    hasher.finish()
}

impl Drop for SyncClient {
    fn drop(&mut self) {
        let _ = self.control.send(Control::Shutdown);
    }
}
