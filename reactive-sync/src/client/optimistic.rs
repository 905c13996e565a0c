//! Optimistic commands over the wire: an [`Optimistic`] pending layer fed by a [`SyncClient`].

use std::path::{Path, PathBuf};
use std::rc::Rc;

use loro::LoroDoc;
use reactive_state::State;
use reactive_store::Store;
use serde::Serialize;
use tokio::sync::mpsc;

use super::{ClientConfig, Delivery, SyncClient};
use crate::doc::{SyncError, SyncSchema};
use crate::optimistic::{Command, CommandId, CommandRegistry, Optimistic};

/// A store driven by optimistic commands that a server runs with authority (Replicache-style),
/// over a [`SyncClient`] connection.
///
/// - [`run`](OptimisticClient::run) shows a command in the store at once, writes the pending
///   queue to its file (if it has one), and sends the command.
/// - [`next`](OptimisticClient::next) waits for what the server sent and shows it in **one**
///   store commit: confirmed updates, and answers that take commands off the pending layer (a
///   rejected command's effect vanishes). The server sends a command's effect together with
///   its answer, so the store never shows an accepted command twice or not at all.
/// - After a reconnect the client sends the unanswered commands again; the server runs each
///   at most once (it remembers answered command ids per client, in its database) and answers
///   a repeat with its first answer.
/// - With a queue file, a restart of the client ([`start`](OptimisticClient::start) with the
///   same file and client id) restores the pending commands, shows them, and sends them again.
///
/// The server needs a `RegistryExecutor` (feature `server`) over the same
/// [`CommandRegistry`], and the store starts from the state the executor takes for an empty
/// document (`RegistryExecutor::initial`).
///
/// `!Send` (the store lives on its reactive thread): use it from a current-thread runtime or
/// a `LocalSet`, inside a reactive root.
///
/// ```no_run
/// # async fn run() -> Result<(), reactive_sync::SyncError> {
/// use reactive_store::Store;
/// use reactive_sync::client::{ClientConfig, OptimisticClient};
/// use reactive_sync::{CommandRegistry, SyncSchema};
/// use std::collections::BTreeMap;
///
/// let mut registry = CommandRegistry::<BTreeMap<String, i64>>::new();
/// registry.register("set", |s: &mut BTreeMap<String, i64>, n: i64| {
///     s.insert("n".into(), n);
///     Ok(())
/// });
/// let store = Store::new(BTreeMap::new());
/// let config = ClientConfig::new("ws://127.0.0.1:9000", "alice", "counter");
/// let mut client = OptimisticClient::start(config, store, SyncSchema::new(), registry.into(), 1, None)?;
/// client.run("set", &7i64)?; // shown at once
/// client.settled().await?; // the server answered everything
/// # Ok(()) }
/// ```
pub struct OptimisticClient<S: State> {
    optimistic: Optimistic<S>,
    sync: SyncClient,
    deliveries: mpsc::UnboundedReceiver<Delivery>,
    queue_file: Option<PathBuf>,
    commits: u64,
}

impl<S: State> OptimisticClient<S> {
    /// Connects as client `client` (an identity unique among the server's clients, and the
    /// same after a restart) and shows the document in `store`. If `queue_file` exists, the
    /// pending commands saved there are restored, shown and sent again.
    ///
    /// # Errors
    /// [`SyncError::Io`] or [`SyncError::Codec`] for a queue file that cannot be read;
    /// [`SyncError::Store`] if the store refuses the restored commands.
    ///
    /// # Panics
    /// Outside a tokio runtime.
    #[track_caller]
    pub fn start(
        config: ClientConfig,
        store: Store<S>,
        schema: SyncSchema,
        registry: Rc<CommandRegistry<S>>,
        client: u64,
        queue_file: Option<&Path>,
    ) -> Result<OptimisticClient<S>, SyncError> {
        // The pending layer's confirmed document is its own copy, changed only by what the
        // connection delivers: it never runs ahead of the answers.
        let optimistic = Optimistic::new(store, LoroDoc::new(), schema, registry, client)?;
        if let Some(path) = queue_file
            && path.exists()
        {
            optimistic.restore_pending_from(path)?;
        }
        let (sync, deliveries) = SyncClient::start_delivering(config, LoroDoc::new());
        for command in optimistic.pending() {
            sync.send_command(command);
        }
        Ok(OptimisticClient {
            optimistic,
            sync,
            deliveries,
            queue_file: queue_file.map(Path::to_path_buf),
            commits: 0,
        })
    }

    /// Runs command `name` on the store at once, saves the pending queue, and sends the
    /// command; returns its id.
    ///
    /// # Errors
    /// [`SyncError::Command`] if it is unknown, its arguments do not encode, or it refuses to
    /// run on the current state (nothing changed, nothing is sent); [`SyncError::Io`] or
    /// [`SyncError::Codec`] if the queue could not be saved (the command is shown and sent
    /// anyway, but would not survive a restart).
    pub fn run<A: Serialize>(&self, name: &str, args: &A) -> Result<CommandId, SyncError> {
        let command: Command = self.optimistic.run(name, args)?;
        let id = command.id;
        let saved = self.save();
        self.sync.send_command(command);
        saved.map(|()| id)
    }

    /// Waits for what the server sends next, then shows it and everything else already
    /// received in one store commit. Returns `false` once the connection's task has ended.
    ///
    /// # Errors
    /// As `Optimistic::settle`; [`SyncError::Io`] if the queue file cannot be written.
    pub async fn next(&mut self) -> Result<bool, SyncError> {
        let Some(first) = self.deliveries.recv().await else {
            return Ok(false);
        };
        self.apply(first)?;
        Ok(true)
    }

    /// Shows what the server has sent so far, in one store commit, without waiting. Returns
    /// whether there was anything.
    ///
    /// # Errors
    /// As [`next`](OptimisticClient::next).
    pub fn poll(&mut self) -> Result<bool, SyncError> {
        match self.deliveries.try_recv() {
            Ok(first) => {
                self.apply(first)?;
                Ok(true)
            }
            Err(_) => Ok(false),
        }
    }

    /// Waits until no command is pending (every one answered and shown).
    ///
    /// # Errors
    /// As [`next`](OptimisticClient::next).
    pub async fn settled(&mut self) -> Result<(), SyncError> {
        while !self.optimistic.pending().is_empty() {
            if !self.next().await? {
                break;
            }
        }
        Ok(())
    }

    fn apply(&mut self, first: Delivery) -> Result<(), SyncError> {
        let mut all = first;
        while let Ok(more) = self.deliveries.try_recv() {
            all.extend(more);
        }
        self.optimistic.settle(&all.updates, &all.answers)?;
        self.commits += 1;
        if !all.answers.is_empty() {
            self.save()?;
        }
        Ok(())
    }

    fn save(&self) -> Result<(), SyncError> {
        match &self.queue_file {
            Some(path) => self.optimistic.save_pending_to(path),
            None => Ok(()),
        }
    }

    /// The commands not yet answered, oldest first.
    pub fn pending(&self) -> Vec<Command> {
        self.optimistic.pending()
    }

    /// The pending layer (the confirmed state, the document).
    pub fn optimistic(&self) -> &Optimistic<S> {
        &self.optimistic
    }

    /// The connection (status, presence, going offline, reconnecting).
    pub fn connection(&self) -> &SyncClient {
        &self.sync
    }

    /// How many times what the server sent was shown (one store commit each, at most).
    pub fn deliveries_applied(&self) -> u64 {
        self.commits
    }

    /// Closes the connection. The pending queue stays in its file.
    pub async fn shutdown(self) {
        self.sync.shutdown().await;
    }
}
