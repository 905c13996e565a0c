//! The client's side of optimistic commands: a store that shows the confirmed state with the
//! pending commands applied on top.

use std::cell::{Cell, RefCell};
use std::path::Path as FsPath;
use std::rc::Rc;

use loro::{LoroDoc, VersionVector};
use reactive_state::State;
use reactive_store::Store;
use serde::{Deserialize, Serialize};

use super::{Command, CommandError, CommandId, CommandRegistry, CommandResult};
use crate::doc::decode_state;
use crate::doc::{DocChanges, ROOT_MAP, SyncError, SyncSchema};

/// A store driven by optimistic commands (Replicache-style).
///
/// - [`run`](Optimistic::run) applies a command to the store at once and queues it as
///   pending; send the returned [`Command`] to the server.
/// - [`receive`](Optimistic::receive) imports the server's confirmed updates;
///   [`resolve`](Optimistic::resolve) takes the server's answer to a command.
/// - Each time, the store becomes the confirmed state with the still-pending commands run
///   again on top, in **one** commit: the user sees one consistent change, and a rejected
///   command's effect is gone.
/// - [`save_pending`](Optimistic::save_pending) and
///   [`restore_pending`](Optimistic::restore_pending) carry the pending queue over a restart.
///
/// The store is the view: change it through commands, since a rebase replaces what was
/// written to it directly.
///
/// ```
/// use reactive_core::create_root;
/// use reactive_store::Store;
/// use reactive_sync::{Authority, CommandRegistry, CommandResult, Optimistic, ServerDoc, SyncSchema};
/// use std::collections::BTreeMap;
/// use std::rc::Rc;
///
/// type Balances = BTreeMap<String, i64>;
/// let mut registry = CommandRegistry::<Balances>::new();
/// registry.register("withdraw", |b: &mut Balances, amount: i64| {
///     let balance = b.entry("me".into()).or_default();
///     if *balance < amount { return Err("insufficient funds".into()); }
///     *balance -= amount;
///     Ok(())
/// });
/// let registry = Rc::new(registry);
/// let mut server = ServerDoc::new(Balances::from([("me".into(), 10)]), SyncSchema::new(), registry.clone())?;
///
/// let (_, owner) = create_root(|| -> Result<(), Box<dyn std::error::Error>> {
///     let store = Store::new(Balances::new());
///     let client = Optimistic::new(store, server.doc().fork(), SyncSchema::new(), registry.clone(), 1)?;
///     let cmd = client.run("withdraw", &30i64);
///     assert!(cmd.is_err()); // refused locally: never sent
///     let cmd = client.run("withdraw", &4i64)?;
///     assert_eq!(store.snapshot_untracked()["me"], 6); // at once
///
///     let seen = client.version();
///     let answer = server.execute(&cmd);
///     client.receive(&server.updates_since(&seen)?)?;
///     client.resolve(cmd.id, &answer)?;
///     assert_eq!(answer, CommandResult::Accepted);
///     assert_eq!(store.snapshot_untracked()["me"], 6);
///     assert!(client.pending().is_empty());
///     Ok(())
/// });
/// owner.dispose();
/// # Ok::<(), reactive_sync::SyncError>(())
/// ```
pub struct Optimistic<S: State> {
    store: Store<S>,
    doc: LoroDoc,
    schema: SyncSchema,
    changes: DocChanges,
    registry: Rc<CommandRegistry<S>>,
    confirmed: RefCell<S>,
    pending: RefCell<Vec<Command>>,
    client: u64,
    next_seq: Cell<u64>,
}

/// The persisted form of a pending queue.
#[derive(Serialize, Deserialize)]
struct Persisted {
    version: u32,
    client: u64,
    next_seq: u64,
    pending: Vec<Command>,
}

const PERSISTED_VERSION: u32 = 1;

impl<S: State> Optimistic<S> {
    /// A client `client` (unique among the clients of the server) showing `confirmed_doc`
    /// (the server's document, or a copy of it) in `store`. A document whose root is empty (a
    /// room nobody wrote yet) stands for the store's current state, as the server's
    /// `RegistryExecutor::initial` does.
    ///
    /// # Errors
    /// [`SyncError::Decode`] if the document does not decode into `S`; [`SyncError::Store`]
    /// if the store refuses it.
    pub fn new(
        store: Store<S>,
        confirmed_doc: LoroDoc,
        schema: SyncSchema,
        registry: Rc<CommandRegistry<S>>,
        client: u64,
    ) -> Result<Optimistic<S>, SyncError> {
        let confirmed = if confirmed_doc.get_map(ROOT_MAP).is_empty() {
            (*store.snapshot_untracked()).clone()
        } else {
            decode_state(&confirmed_doc, &schema)?
        };
        let changes = DocChanges::new(&confirmed_doc);
        let this = Optimistic {
            store,
            doc: confirmed_doc,
            schema,
            changes,
            registry,
            confirmed: RefCell::new(confirmed),
            pending: RefCell::new(Vec::new()),
            client,
            next_seq: Cell::new(1),
        };
        this.rebase()?;
        Ok(this)
    }

    /// Runs the command `name` with `args` on the store at once and queues it; returns it, to
    /// be sent to the server.
    ///
    /// # Errors
    /// [`CommandError`] if it is unknown, its arguments do not encode, or it refuses to run on
    /// the current state: then nothing changed and nothing is queued.
    pub fn run<A: Serialize>(&self, name: &str, args: &A) -> Result<Command, CommandError> {
        let id = CommandId {
            client: self.client,
            seq: self.next_seq.get(),
        };
        let command = Command::new(id, name, args)?;
        let mut visible = (*self.store.snapshot_untracked()).clone();
        self.registry.run(&mut visible, &command)?;
        self.next_seq.set(id.seq + 1);
        self.pending.borrow_mut().push(command.clone());
        // The store may refuse (a validator): the command stays pending; the server decides.
        let _ = self.store.apply_snapshot(&visible);
        Ok(command)
    }

    /// Imports the server's confirmed updates, then shows them with the pending commands on
    /// top (one commit).
    ///
    /// # Errors
    /// [`SyncError::Loro`] for bytes Loro refuses (nothing changes); [`SyncError::Decode`];
    /// [`SyncError::Store`] if the store refuses the result.
    pub fn receive(&self, bytes: &[u8]) -> Result<(), SyncError> {
        self.doc.import(bytes)?;
        self.pull_confirmed()?;
        self.rebase()
    }

    /// Takes what the server sent in one go, in **one** commit: its confirmed updates
    /// (imported in order) and its answers to commands (each answered command leaves the
    /// pending layer; a rejected one's effect is rolled back). The effects of the store run
    /// once for all of it. Answers to commands not pending are ignored.
    ///
    /// # Errors
    /// [`SyncError::Loro`] for bytes Loro refuses (the updates before them stay imported, and
    /// nothing is shown until the next successful call); [`SyncError::Decode`];
    /// [`SyncError::Store`] if the store refuses the result.
    ///
    /// ```
    /// use reactive_core::create_root;
    /// use reactive_store::Store;
    /// use reactive_sync::{Authority, CommandRegistry, CommandResult, Optimistic, ServerDoc, SyncSchema};
    /// use std::collections::BTreeMap;
    ///
    /// let mut registry = CommandRegistry::<BTreeMap<String, i64>>::new();
    /// registry.register("set", |s: &mut BTreeMap<String, i64>, n: i64| {
    ///     s.insert("n".into(), n);
    ///     Ok(())
    /// });
    /// let registry = std::rc::Rc::new(registry);
    /// let mut server = ServerDoc::new(BTreeMap::new(), SyncSchema::new(), registry.clone())?;
    /// let (_, owner) = create_root(|| -> Result<(), reactive_sync::SyncError> {
    ///     let store = Store::new(BTreeMap::new());
    ///     let client = Optimistic::new(store, server.doc().fork(), SyncSchema::new(), registry, 1)?;
    ///     let seen = client.version();
    ///     let command = client.run("set", &7i64).unwrap();
    ///     let answer = server.execute(&command);
    ///     client.settle(&[server.updates_since(&seen)?], &[(command.id, answer)])?;
    ///     assert_eq!(store.snapshot_untracked()["n"], 7);
    ///     assert!(client.pending().is_empty());
    ///     Ok(())
    /// });
    /// owner.dispose();
    /// # Ok::<(), reactive_sync::SyncError>(())
    /// ```
    pub fn settle(
        &self,
        updates: &[Vec<u8>],
        answers: &[(CommandId, CommandResult)],
    ) -> Result<(), SyncError> {
        for bytes in updates {
            self.doc.import(bytes)?;
        }
        self.pull_confirmed()?;
        self.pending
            .borrow_mut()
            .retain(|c| !answers.iter().any(|(id, _)| *id == c.id));
        self.rebase()
    }

    /// Brings the confirmed state up to the document (after imports).
    fn pull_confirmed(&self) -> Result<(), SyncError> {
        let patches = self
            .changes
            .take_patches(&self.schema, &*self.confirmed.borrow());
        let mut next = self.confirmed.borrow().clone();
        if patches
            .iter()
            .try_for_each(|p| next.apply_patch(p))
            .is_err()
        {
            next = decode_state(&self.doc, &self.schema)?;
        }
        *self.confirmed.borrow_mut() = next;
        Ok(())
    }

    /// Takes the server's answer to the command `id`: it leaves the pending layer (accepted:
    /// its effect is in the confirmed updates received before the answer; rejected: its effect
    /// is rolled back), in one commit. An answer to an unknown command changes nothing.
    ///
    /// # Errors
    /// [`SyncError::Store`] if the store refuses the result.
    pub fn resolve(&self, id: CommandId, result: &CommandResult) -> Result<(), SyncError> {
        let _ = result; // accepted or not, the command leaves the pending layer
        let removed = {
            let mut pending = self.pending.borrow_mut();
            let before = pending.len();
            pending.retain(|c| c.id != id);
            before != pending.len()
        };
        match removed {
            true => self.rebase(),
            false => Ok(()),
        }
    }

    /// The commands not yet answered, oldest first (to resend after a reconnect).
    pub fn pending(&self) -> Vec<Command> {
        self.pending.borrow().clone()
    }

    /// The confirmed state (without the pending layer).
    pub fn confirmed(&self) -> S {
        self.confirmed.borrow().clone()
    }

    /// The confirmed document's version vector: ask the server for what comes after it.
    pub fn version(&self) -> VersionVector {
        self.doc.oplog_vv()
    }

    /// The confirmed document.
    pub fn doc(&self) -> &LoroDoc {
        &self.doc
    }

    /// The pending queue (and the next sequence number) as bytes, to keep over a restart.
    ///
    /// # Errors
    /// [`SyncError::Codec`] if it cannot be encoded.
    pub fn save_pending(&self) -> Result<Vec<u8>, SyncError> {
        postcard::to_allocvec(&Persisted {
            version: PERSISTED_VERSION,
            client: self.client,
            next_seq: self.next_seq.get(),
            pending: self.pending(),
        })
        .map_err(|e| SyncError::Codec(e.to_string()))
    }

    /// [`save_pending`](Optimistic::save_pending) into a file (written whole, then renamed
    /// over the old one, so a crash leaves the old queue or the new one).
    ///
    /// # Errors
    /// [`SyncError::Io`], [`SyncError::Codec`].
    pub fn save_pending_to(&self, path: &FsPath) -> Result<(), SyncError> {
        let bytes = self.save_pending()?;
        let temporary = path.with_extension("tmp");
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, path)?;
        Ok(())
    }

    /// Restores a saved queue (after a restart): its commands join the pending layer (those
    /// already pending are not doubled) and run again on top of the confirmed state. Returns
    /// the whole pending queue, to resend to the server (which answers a command it already
    /// ran with its first answer).
    ///
    /// # Errors
    /// [`SyncError::Codec`] for bytes that are not a saved queue of this client;
    /// [`SyncError::Store`] if the store refuses the result.
    pub fn restore_pending(&self, bytes: &[u8]) -> Result<Vec<Command>, SyncError> {
        let saved: Persisted =
            postcard::from_bytes(bytes).map_err(|e| SyncError::Codec(e.to_string()))?;
        if saved.version != PERSISTED_VERSION {
            return Err(SyncError::Codec(format!(
                "a pending queue of format {}, this build reads {PERSISTED_VERSION}",
                saved.version
            )));
        }
        if saved.client != self.client {
            return Err(SyncError::Codec(format!(
                "the pending queue of client {}, not of client {}",
                saved.client, self.client
            )));
        }
        {
            let mut pending = self.pending.borrow_mut();
            for command in saved.pending {
                if !pending.iter().any(|c| c.id == command.id) {
                    pending.push(command);
                }
            }
            pending.sort_by_key(|c| c.id);
        }
        self.next_seq.set(self.next_seq.get().max(saved.next_seq));
        self.rebase()?;
        Ok(self.pending())
    }

    /// [`restore_pending`](Optimistic::restore_pending) from a file written by
    /// [`save_pending_to`](Optimistic::save_pending_to).
    ///
    /// # Errors
    /// [`SyncError::Io`], or as `restore_pending`.
    pub fn restore_pending_from(&self, path: &FsPath) -> Result<Vec<Command>, SyncError> {
        self.restore_pending(&std::fs::read(path)?)
    }

    /// The store becomes the confirmed state with the pending commands run on top (a command
    /// that no longer runs is skipped, and stays pending until the server answers).
    fn rebase(&self) -> Result<(), SyncError> {
        let mut visible = self.confirmed.borrow().clone();
        for command in self.pending.borrow().iter() {
            let _ = self.registry.run(&mut visible, command);
        }
        self.store
            .apply_snapshot(&visible)
            .map(|_| ())
            .map_err(|e| SyncError::Store(e.to_string()))
    }
}
