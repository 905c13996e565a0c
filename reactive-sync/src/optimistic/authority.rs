//! The server's side of optimistic commands: the confirmed document, on which commands run
//! for real.

use std::collections::HashMap;
use std::rc::Rc;

use loro::{LoroDoc, VersionVector};
use reactive_state::{Diff, State};

use super::{Command, CommandId, CommandRegistry, CommandResult};
use crate::doc::{DocChanges, DocWriter, SyncError, SyncSchema, decode_state};

/// Whoever has the last word on commands: runs each one on the confirmed state and accepts or
/// rejects it. [`ServerDoc`] is the in-process one; a network client forwards to a server
/// that holds a `ServerDoc`.
pub trait Authority {
    /// Runs `command` on the confirmed state (at most once per [`CommandId`]: a command seen
    /// before gets its first answer again).
    fn execute(&mut self, command: &Command) -> CommandResult;
}

/// The confirmed state of one document on the server: a Loro document, the state it decodes
/// to, and the commands that may change it.
///
/// After [`execute`](Authority::execute), send every client
/// [`updates_since`](ServerDoc::updates_since) its version, **then** the command's result to
/// its client, in that order on one ordered connection: a client drops an accepted command
/// from its pending layer when the answer arrives, so the effect must already be confirmed.
///
/// ```
/// use reactive_sync::{Authority, Command, CommandId, CommandRegistry, CommandResult, ServerDoc, SyncSchema};
/// use std::collections::BTreeMap;
///
/// let mut registry = CommandRegistry::<BTreeMap<String, i64>>::new();
/// registry.register("set", |s: &mut BTreeMap<String, i64>, (k, v): (String, i64)| {
///     s.insert(k, v);
///     Ok(())
/// });
/// let mut server = ServerDoc::new(BTreeMap::new(), SyncSchema::new(), registry.into())?;
/// let cmd = Command::new(CommandId { client: 1, seq: 1 }, "set", &("a".to_string(), 1i64)).unwrap();
/// assert_eq!(server.execute(&cmd), CommandResult::Accepted);
/// assert_eq!(server.state()["a"], 1);
/// # Ok::<(), reactive_sync::SyncError>(())
/// ```
pub struct ServerDoc<S: State> {
    doc: LoroDoc,
    schema: SyncSchema,
    registry: Rc<CommandRegistry<S>>,
    state: S,
    changes: DocChanges,
    answered: HashMap<CommandId, CommandResult>,
}

impl<S: State> ServerDoc<S> {
    /// A new document holding `initial`.
    ///
    /// # Errors
    /// [`SyncError::NotAnObject`] or [`SyncError::Mismatch`] if `initial` does not fit the
    /// schema.
    pub fn new(
        initial: S,
        schema: SyncSchema,
        registry: Rc<CommandRegistry<S>>,
    ) -> Result<ServerDoc<S>, SyncError> {
        let doc = LoroDoc::new();
        let value = serde_json::to_value(&initial).map_err(|e| SyncError::Codec(e.to_string()))?;
        DocWriter::new(&doc, &schema).write_state(&value)?;
        doc.commit();
        ServerDoc::from_doc(doc, schema, registry)
    }

    /// The confirmed document `doc` (loaded from storage).
    ///
    /// # Errors
    /// [`SyncError::Decode`] if it does not decode into `S`.
    pub fn from_doc(
        doc: LoroDoc,
        schema: SyncSchema,
        registry: Rc<CommandRegistry<S>>,
    ) -> Result<ServerDoc<S>, SyncError> {
        let state = decode_state(&doc, &schema)?;
        let changes = DocChanges::new(&doc);
        Ok(ServerDoc {
            doc,
            schema,
            registry,
            state,
            changes,
            answered: HashMap::new(),
        })
    }

    /// The confirmed document.
    pub fn doc(&self) -> &LoroDoc {
        &self.doc
    }

    /// The confirmed state.
    pub fn state(&self) -> &S {
        &self.state
    }

    /// The document's version vector.
    pub fn version(&self) -> VersionVector {
        self.doc.oplog_vv()
    }

    /// What a replica at `version` lacks, as Loro update bytes.
    ///
    /// # Errors
    /// [`SyncError::Codec`] if Loro cannot encode them.
    pub fn updates_since(&self, version: &VersionVector) -> Result<Vec<u8>, SyncError> {
        crate::doc::updates_since(&self.doc, version)
    }

    /// Imports plain Loro updates (edits made outside commands) into the confirmed state.
    ///
    /// # Errors
    /// [`SyncError::Loro`] for bytes Loro refuses; [`SyncError::Decode`] if the result is
    /// not a value of `S`.
    pub fn import(&mut self, bytes: &[u8]) -> Result<(), SyncError> {
        self.doc.import(bytes)?;
        let patches = self.changes.take_patches(&self.schema, &self.state);
        let mut next = self.state.clone();
        match patches.iter().try_for_each(|p| next.apply_patch(p)) {
            Ok(()) => self.state = next,
            Err(_) => self.state = decode_state(&self.doc, &self.schema)?,
        }
        Ok(())
    }
}

impl<S: State> Authority for ServerDoc<S> {
    fn execute(&mut self, command: &Command) -> CommandResult {
        if let Some(answer) = self.answered.get(&command.id) {
            return answer.clone();
        }
        let mut next = self.state.clone();
        let answer = match self.registry.run(&mut next, command) {
            Err(e) => CommandResult::Rejected(e.to_string()),
            Ok(()) => match self.record(&next) {
                Ok(()) => {
                    self.state = next;
                    CommandResult::Accepted
                }
                Err(e) => CommandResult::Rejected(format!("the server could not record it: {e}")),
            },
        };
        self.answered.insert(command.id, answer.clone());
        answer
    }
}

impl<S: State> ServerDoc<S> {
    /// Writes the change from the confirmed state to `next` into the document.
    fn record(&self, next: &S) -> Result<(), SyncError> {
        self.changes
            .muted(|| write_change(&self.doc, &self.schema, &self.state, next))
    }
}

/// Writes the change from `before` (what `doc` holds) to `next` into `doc` as Loro operations,
/// and commits them as one change.
pub(crate) fn write_change<S: State>(
    doc: &LoroDoc,
    schema: &SyncSchema,
    before: &S,
    next: &S,
) -> Result<(), SyncError> {
    let patches = Diff::patches(next, before).map_err(|e| SyncError::Codec(e.to_string()))?;
    let writer = DocWriter::new(doc, schema);
    let written = patches.iter().try_for_each(|p| writer.apply(p));
    if written.is_err() {
        // Bring the document to `next` whole: it may hold part of the patches.
        let value = serde_json::to_value(next).map_err(|e| SyncError::Codec(e.to_string()))?;
        writer.write_state(&value)?;
    }
    doc.commit();
    Ok(())
}
