//! A room: one document in memory, its subscribers (each with a bounded outgoing queue) and
//! their presence. Every change goes through [`Room::apply_update`] or [`Room::run_command`]
//! under the room's lock: import into the document, append to SQLite, then fan out, so the
//! order clients see is the order the log holds.

use std::collections::HashMap;
use std::sync::Arc;

use loro::{ExportMode, LoroDoc, VersionVector};
use tokio::sync::{mpsc, oneshot};

use super::storage::{CommandKey, DocumentStorage, StorageError};
use super::{CommandExecutor, ScopePolicy, UpdateHook};
use crate::protocol::{CommandOutcome, ErrorCode, Frame};
use crate::{ScopeGate, ScopeWriteDenied};

/// An encoded frame, shared by every subscriber it is fanned out to.
pub(crate) type Outgoing = Arc<Vec<u8>>;

/// A connection in the room.
pub(crate) struct Subscriber {
    pub(crate) principal: String,
    pub(crate) queue: mpsc::Sender<Outgoing>,
    /// Fired (with the reason) when the server drops the subscriber: its queue overflowed or
    /// the room failed. The connection then sends the error frame and closes.
    pub(crate) kick: Option<oneshot::Sender<ErrorCode>>,
}

pub(crate) struct Room {
    pub(crate) document: String,
    pub(crate) doc: LoroDoc,
    /// SQLite failed after the document changed in memory: the room is replaced on the next
    /// join by one loaded from what was stored.
    pub(crate) failed: bool,
    /// Called with every update once it is stored (a cluster publishes it to the other nodes).
    pub(crate) on_stored: Option<UpdateHook>,
    last_seq: i64,
    since_compaction: usize,
    next_session: u64,
    pub(crate) subscribers: HashMap<u64, Subscriber>,
    presence: HashMap<u64, (String, Vec<u8>)>,
    /// The copy updates are tried on when the server enforces scope policies (made on the
    /// first update checked).
    scope_gate: Option<ScopeGate>,
}

/// A client's command, as the room runs it.
pub(crate) struct CommandCall<'a> {
    pub(crate) client: u64,
    pub(crate) id: u64,
    pub(crate) name: &'a str,
    pub(crate) args: &'a [u8],
}

/// Why an update or command was not applied.
pub(crate) enum ApplyError {
    /// Loro refused the bytes: nothing changed.
    BadUpdate(String),
    /// SQLite failed after the document changed in memory: the room must be dropped (and
    /// reloaded from what was stored) and nothing acknowledged.
    Storage(StorageError),
    /// The update writes a replicated scope value its sender may not write: nothing changed.
    ScopeDenied(ScopeWriteDenied),
}

impl Room {
    pub(crate) fn load(
        storage: &dyn DocumentStorage,
        document: &str,
    ) -> Result<Room, StorageError> {
        let stored = storage.load(document)?;
        let doc = LoroDoc::new();
        // What the log holds was imported once already, before it was stored: a failure here
        // means a damaged file, and the room starts from what could be read.
        if let Some(snapshot) = &stored.snapshot {
            let _ = doc.import(snapshot);
        }
        if !stored.updates.is_empty() {
            let _ = doc.import_batch(&stored.updates);
        }
        Ok(Room {
            document: document.to_owned(),
            doc,
            failed: false,
            on_stored: None,
            last_seq: stored.last_seq,
            since_compaction: stored.updates.len(),
            next_session: 1,
            subscribers: HashMap::new(),
            presence: HashMap::new(),
            scope_gate: None,
        })
    }

    /// Adds a subscriber; returns its session, the welcome frame and the presence of the
    /// others (to send after the welcome).
    pub(crate) fn join(
        &mut self,
        subscriber: Subscriber,
        can_write: bool,
        client_vv: &VersionVector,
    ) -> (u64, Frame, Vec<Frame>) {
        let session = self.next_session;
        self.next_session += 1;
        let updates = if client_vv.includes_vv(&self.doc.oplog_vv()) {
            Vec::new()
        } else {
            self.doc
                .export(ExportMode::updates(client_vv))
                .unwrap_or_default()
        };
        let welcome = Frame::Welcome {
            session,
            principal: subscriber.principal.clone(),
            can_write,
            version_vector: self.doc.oplog_vv().encode(),
            updates,
        };
        let others = self
            .presence
            .iter()
            .map(|(s, (principal, state))| Frame::Presence {
                session: *s,
                principal: principal.clone(),
                state: state.clone(),
            })
            .collect();
        self.subscribers.insert(session, subscriber);
        (session, welcome, others)
    }

    /// Removes a subscriber and tells the others it left (if it had presence).
    pub(crate) fn leave(&mut self, session: u64) {
        if let Some(subscriber) = self.subscribers.remove(&session)
            && self.presence.remove(&session).is_some()
        {
            let gone = Frame::Presence {
                session,
                principal: subscriber.principal,
                state: vec![],
            };
            self.fan_out(Some(session), &gone);
        }
    }

    /// Sends `frame` to every subscriber but `except`. A full queue drops its subscriber
    /// (told to resync), so a slow client costs at most its queue's bound.
    pub(crate) fn fan_out(&mut self, except: Option<u64>, frame: &Frame) {
        let bytes: Outgoing = Arc::new(frame.encode());
        let mut dropped = Vec::new();
        for (session, subscriber) in &self.subscribers {
            if Some(*session) == except {
                continue;
            }
            match subscriber.queue.try_send(bytes.clone()) {
                Ok(()) => {}
                Err(mpsc::error::TrySendError::Full(_)) => {
                    dropped.push((*session, ErrorCode::ResyncRequired))
                }
                Err(mpsc::error::TrySendError::Closed(_)) => {
                    dropped.push((*session, ErrorCode::Internal))
                }
            }
        }
        for (session, code) in dropped {
            self.kick(session, code);
        }
    }

    /// Drops a subscriber now, asking its connection to send `code` and close.
    pub(crate) fn kick(&mut self, session: u64, code: ErrorCode) {
        if let Some(mut subscriber) = self.subscribers.remove(&session) {
            if let Some(kick) = subscriber.kick.take() {
                let _ = kick.send(code);
            }
            if self.presence.remove(&session).is_some() {
                let gone = Frame::Presence {
                    session,
                    principal: subscriber.principal,
                    state: vec![],
                };
                self.fan_out(Some(session), &gone);
            }
        }
    }

    /// Sends `frame` to one subscriber through its queue (an overflow kicks it).
    pub(crate) fn send_to(&mut self, session: u64, frame: &Frame) {
        let Some(subscriber) = self.subscribers.get(&session) else {
            return;
        };
        if subscriber.queue.try_send(Arc::new(frame.encode())).is_err() {
            self.kick(session, ErrorCode::ResyncRequired);
        }
    }

    /// Records and fans out a session's presence.
    pub(crate) fn set_presence(&mut self, session: u64, state: Vec<u8>) {
        let Some(subscriber) = self.subscribers.get(&session) else {
            return;
        };
        let principal = subscriber.principal.clone();
        let frame = Frame::Presence {
            session,
            principal: principal.clone(),
            state: state.clone(),
        };
        if state.is_empty() {
            self.presence.remove(&session);
        } else {
            self.presence.insert(session, (principal, state));
        }
        self.fan_out(Some(session), &frame);
    }

    /// Imports, persists and fans out a client's update; returns the server's version vector
    /// to acknowledge with. Nothing is fanned out or acknowledged unless it is stored.
    pub(crate) fn apply_update(
        &mut self,
        storage: &dyn DocumentStorage,
        from: u64,
        bytes: Vec<u8>,
        compact_every: usize,
        scope_policy: Option<&dyn ScopePolicy>,
    ) -> Result<Vec<u8>, ApplyError> {
        if let Some(policy) = scope_policy {
            let principal = self
                .subscribers
                .get(&from)
                .map(|s| s.principal.clone())
                .unwrap_or_default();
            let document = &self.document;
            let gate = self
                .scope_gate
                .get_or_insert_with(|| ScopeGate::new(&self.doc));
            gate.check(&self.doc, &bytes, &principal, |scope, key| {
                policy.may_write(&principal, document, scope, key)
            })
            .map_err(ApplyError::ScopeDenied)?;
        }
        let before = self.doc.oplog_vv();
        let status = self.doc.import(&bytes).map_err(|e| {
            self.scope_gate = None; // it took what the document refused
            ApplyError::BadUpdate(e.to_string())
        })?;
        let changed = self.doc.oplog_vv() != before || status.pending.is_some();
        if changed {
            self.persist(storage, &bytes, compact_every)?;
            self.fan_out(Some(from), &Frame::Update { id: 0, bytes });
        }
        Ok(self.doc.oplog_vv().encode())
    }

    /// Runs a command with the executor, at most once per (principal, client, id): a command
    /// seen before gets its stored answer (and no updates: its effect is in the document). An
    /// accepted command's changes are persisted with its answer, fanned out to the others, and
    /// returned for the sender's answer.
    pub(crate) fn run_command(
        &mut self,
        storage: &dyn DocumentStorage,
        executor: Option<&dyn CommandExecutor>,
        from: u64,
        command: CommandCall<'_>,
        compact_every: usize,
    ) -> Result<(CommandOutcome, Vec<u8>), ApplyError> {
        let Some(executor) = executor else {
            return Ok((
                CommandOutcome::Rejected("this server runs no commands".into()),
                Vec::new(),
            ));
        };
        let principal = self
            .subscribers
            .get(&from)
            .map(|s| s.principal.clone())
            .unwrap_or_default();
        let key = CommandKey {
            document: &self.document,
            principal: &principal,
            client: command.client,
            id: command.id,
        };
        if let Some(outcome) = storage.command_outcome(&key).map_err(ApplyError::Storage)? {
            return Ok((outcome, Vec::new()));
        }
        let before = self.doc.oplog_vv();
        let outcome = match executor.execute(&self.doc, &principal, command.name, command.args) {
            Ok(()) => CommandOutcome::Accepted,
            Err(why) => CommandOutcome::Rejected(why),
        };
        self.doc.commit();
        let bytes = if self.doc.oplog_vv() != before {
            self.doc
                .export(ExportMode::updates(&before))
                .map_err(|e| ApplyError::BadUpdate(e.to_string()))?
        } else {
            Vec::new()
        };
        let update = (!bytes.is_empty()).then_some(bytes.as_slice());
        if let (Some(gate), Some(update)) = (&mut self.scope_gate, update) {
            gate.admit(&self.doc, update);
        }
        if let Some(seq) = storage
            .append_command(&key, &outcome, update)
            .map_err(ApplyError::Storage)?
        {
            self.after_append(storage, seq, &bytes, compact_every);
            self.fan_out(
                Some(from),
                &Frame::Update {
                    id: 0,
                    bytes: bytes.clone(),
                },
            );
        }
        Ok((outcome, bytes))
    }

    fn persist(
        &mut self,
        storage: &dyn DocumentStorage,
        bytes: &[u8],
        compact_every: usize,
    ) -> Result<(), ApplyError> {
        let seq = storage
            .append(&self.document, bytes)
            .map_err(ApplyError::Storage)?;
        self.after_append(storage, seq, bytes, compact_every);
        Ok(())
    }

    /// Counts a stored update, hands it to the cluster's hook (other nodes import it), and
    /// compacts the log when it is due.
    fn after_append(
        &mut self,
        storage: &dyn DocumentStorage,
        seq: i64,
        bytes: &[u8],
        compact_every: usize,
    ) {
        self.last_seq = seq;
        if let Some(on_stored) = &self.on_stored {
            on_stored(&self.document, bytes);
        }
        self.since_compaction += 1;
        if self.since_compaction >= compact_every {
            // A failed compaction loses nothing: the updates stay in the log.
            let _ = self.compact(storage);
        }
    }

    /// Folds the room's update log into one snapshot.
    pub(crate) fn compact(&mut self, storage: &dyn DocumentStorage) -> Result<(), StorageError> {
        if self.since_compaction == 0 {
            return Ok(());
        }
        let Ok(snapshot) = self.doc.export(ExportMode::Snapshot) else {
            return Ok(());
        };
        storage.compact(&self.document, &snapshot, self.last_seq)?;
        self.since_compaction = 0;
        Ok(())
    }
}
