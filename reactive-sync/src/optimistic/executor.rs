//! The server's side of optimistic commands over the wire: the client's [`CommandRegistry`]
//! run with authority on a room's document, as the server's `CommandExecutor`.

use std::sync::Arc;

use loro::LoroDoc;
use reactive_state::State;

use super::authority::write_change;
use super::{Command, CommandId, CommandRegistry};
use crate::doc::decode_state;
use crate::doc::{DocWriter, ROOT_MAP, SyncSchema};
use crate::server::CommandExecutor;

/// Runs the commands of a [`CommandRegistry`] on the server: the room's document is decoded
/// into `S`, the command's handler runs on it, and the difference is written back as Loro
/// operations (which the server persists, answers and broadcasts). A handler's refusal, an
/// unknown command, bad arguments or a document that does not decode into `S` reject the
/// command and leave the document unchanged.
///
/// The same registry, given to the client's `Optimistic`, runs the commands on its pending
/// layer: one set of handlers, two places.
///
/// ```
/// use reactive_sync::{CommandRegistry, RegistryExecutor, SyncSchema};
/// use reactive_sync::server::{CommandExecutor, SqliteStorage, SyncServer};
/// use std::collections::BTreeMap;
///
/// let mut registry = CommandRegistry::<BTreeMap<String, i64>>::new();
/// registry.register("add", |s: &mut BTreeMap<String, i64>, (k, n): (String, i64)| {
///     *s.entry(k).or_default() += n;
///     Ok(())
/// });
/// let executor = RegistryExecutor::new(registry.into(), SyncSchema::new());
///
/// let doc = loro::LoroDoc::new();
/// let args = postcard::to_allocvec(&("apples".to_string(), 3i64)).unwrap();
/// executor.execute(&doc, "alice", "add", &args).unwrap();
/// assert_eq!(reactive_sync::read_json(&doc)["apples"], 3);
/// assert!(executor.execute(&doc, "alice", "fly", &[]).is_err());
///
/// let server = SyncServer::new(SqliteStorage::in_memory().unwrap()).executor(executor);
/// # drop(server);
/// ```
pub struct RegistryExecutor<S> {
    registry: Arc<CommandRegistry<S>>,
    schema: SyncSchema,
    initial: Option<S>,
}

impl<S> RegistryExecutor<S> {
    /// Runs `registry`'s commands on documents laid out by `schema`. A document nobody wrote
    /// yet decodes as its empty root (`{}`); see [`initial`](RegistryExecutor::initial).
    pub fn new(registry: Arc<CommandRegistry<S>>, schema: SyncSchema) -> RegistryExecutor<S> {
        RegistryExecutor {
            registry,
            schema,
            initial: None,
        }
    }

    /// A document whose root is empty (a new room) stands for `initial`: the first accepted
    /// command writes its result whole. Give the client's `Optimistic` a store starting from
    /// the same value.
    pub fn initial(mut self, initial: S) -> RegistryExecutor<S> {
        self.initial = Some(initial);
        self
    }
}

impl<S: State + Send + Sync + 'static> CommandExecutor for RegistryExecutor<S> {
    fn execute(
        &self,
        doc: &LoroDoc,
        _principal: &str,
        name: &str,
        args: &[u8],
    ) -> Result<(), String> {
        let fresh = doc.get_map(ROOT_MAP).is_empty();
        let before: S = match (&self.initial, fresh) {
            (Some(initial), true) => initial.clone(),
            _ => decode_state(doc, &self.schema)
                .map_err(|e| format!("the document is not a state: {e}"))?,
        };
        let command = Command {
            // The registry does not look at the id; the server deduplicates by it.
            id: CommandId { client: 0, seq: 0 },
            name: name.to_owned(),
            args: args.to_vec(),
        };
        let mut next = before.clone();
        self.registry
            .run(&mut next, &command)
            .map_err(|e| e.to_string())?;
        if fresh {
            // Nothing of `before` is in the document: write the whole state.
            let value = serde_json::to_value(&next).map_err(|e| e.to_string())?;
            DocWriter::new(doc, &self.schema)
                .write_state(&value)
                .map_err(|e| e.to_string())?;
            doc.commit();
            return Ok(());
        }
        if next == before {
            return Ok(());
        }
        write_change(doc, &self.schema, &before, &next).map_err(|e| e.to_string())
    }
}
