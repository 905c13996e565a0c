//! Optimistic updates with server authority: commands run at once on a pending layer over the
//! confirmed state; the server runs them too and has the last word.
//!
//! The command types are plain data (`serde`), so a transport carries them as they are:
//! [`Command`] from client to server, [`CommandResult`] back, Loro update bytes for the
//! confirmed state.

mod authority;
#[cfg(feature = "store")]
mod client;
#[cfg(feature = "server")]
mod executor;

use std::collections::HashMap;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use authority::{Authority, ServerDoc};
#[cfg(feature = "store")]
pub use client::Optimistic;
#[cfg(feature = "server")]
pub use executor::RegistryExecutor;

/// A command's identity: the client that issued it and its sequence number there. Unique per
/// client; the server uses it to answer and to ignore a command it already ran.
///
/// ```
/// use reactive_sync::CommandId;
/// assert!(CommandId { client: 1, seq: 1 } < CommandId { client: 1, seq: 2 });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CommandId {
    /// The issuing client's id.
    pub client: u64,
    /// Its position in that client's commands, from 1.
    pub seq: u64,
}

/// What the user asked for: a registered command's name and its serialised arguments.
///
/// ```
/// use reactive_sync::{Command, CommandId};
/// let c = Command::new(CommandId { client: 7, seq: 1 }, "deposit", &25i64).unwrap();
/// assert_eq!(c.decode_args::<i64>().unwrap(), 25);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// Which command this is.
    pub id: CommandId,
    /// The name it was registered under.
    pub name: String,
    /// Its arguments (postcard, see [`Command::new`]).
    pub args: Vec<u8>,
}

impl Command {
    /// A command with `args` encoded (postcard: compact, the same on every platform).
    ///
    /// # Errors
    /// [`CommandError::BadArgs`] if `args` cannot be encoded.
    pub fn new<A: Serialize>(id: CommandId, name: &str, args: &A) -> Result<Command, CommandError> {
        Ok(Command {
            id,
            name: name.to_owned(),
            args: encode_args(args)?,
        })
    }

    /// The arguments, decoded.
    ///
    /// # Errors
    /// [`CommandError::BadArgs`] if they are not an `A`.
    pub fn decode_args<A: DeserializeOwned>(&self) -> Result<A, CommandError> {
        postcard::from_bytes(&self.args).map_err(|e| CommandError::BadArgs {
            name: self.name.clone(),
            reason: e.to_string(),
        })
    }
}

/// The server's answer to a command.
///
/// ```
/// use reactive_sync::CommandResult;
/// assert!(CommandResult::Accepted.is_accepted());
/// assert!(!CommandResult::Rejected("no funds".into()).is_accepted());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommandResult {
    /// It ran on the confirmed state; its effect arrives with the confirmed updates.
    Accepted,
    /// It did not run (the reason is for people); its local effect is rolled back.
    Rejected(String),
}

impl CommandResult {
    /// Whether the command was accepted.
    pub fn is_accepted(&self) -> bool {
        matches!(self, CommandResult::Accepted)
    }
}

impl From<crate::protocol::CommandOutcome> for CommandResult {
    fn from(outcome: crate::protocol::CommandOutcome) -> CommandResult {
        match outcome {
            crate::protocol::CommandOutcome::Accepted => CommandResult::Accepted,
            crate::protocol::CommandOutcome::Rejected(why) => CommandResult::Rejected(why),
        }
    }
}

impl From<CommandResult> for crate::protocol::CommandOutcome {
    fn from(result: CommandResult) -> crate::protocol::CommandOutcome {
        match result {
            CommandResult::Accepted => crate::protocol::CommandOutcome::Accepted,
            CommandResult::Rejected(why) => crate::protocol::CommandOutcome::Rejected(why),
        }
    }
}

/// Why a command could not run.
///
/// ```
/// use reactive_sync::CommandError;
/// let e = CommandError::Unknown("fly".into());
/// assert!(e.to_string().contains("fly"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// No command is registered under this name.
    #[error("no command is registered as {0:?}")]
    Unknown(String),
    /// The arguments do not decode (or encode).
    #[error("command {name:?}: bad arguments: {reason}")]
    BadArgs {
        /// The command.
        name: String,
        /// What was wrong.
        reason: String,
    },
    /// The command refused to run on this state (its handler returned an error).
    #[error("command {name:?} refused: {reason}")]
    Refused {
        /// The command.
        name: String,
        /// The handler's reason.
        reason: String,
    },
}

/// A command's handler: changes the state, or refuses with a reason. `Send + Sync`, so one
/// registry serves the client's pending layer and, shared, the server's worker threads.
type Handler<S> = Arc<dyn Fn(&mut S, &[u8]) -> Result<(), CommandError> + Send + Sync>;

/// The commands a client and the server both know, by name. Handlers must be deterministic
/// (the same state and arguments give the same result), since the client runs them
/// optimistically and again on every rebase, and the server runs them for real (through
/// `RegistryExecutor`, feature `server`). Handlers are `Send + Sync` for that reason.
///
/// ```
/// use reactive_sync::{Command, CommandId, CommandRegistry};
/// let mut registry = CommandRegistry::<i64>::new();
/// registry.register("withdraw", |balance: &mut i64, amount: i64| {
///     if *balance < amount {
///         return Err(format!("balance {balance} < {amount}"));
///     }
///     *balance -= amount;
///     Ok(())
/// });
/// let mut balance = 10;
/// let cmd = Command::new(CommandId { client: 1, seq: 1 }, "withdraw", &4i64).unwrap();
/// registry.run(&mut balance, &cmd).unwrap();
/// assert_eq!(balance, 6);
/// let too_much = Command::new(CommandId { client: 1, seq: 2 }, "withdraw", &40i64).unwrap();
/// assert!(registry.run(&mut balance, &too_much).is_err());
/// assert_eq!(balance, 6);
/// ```
pub struct CommandRegistry<S> {
    handlers: HashMap<String, Handler<S>>,
}

impl<S> Default for CommandRegistry<S> {
    fn default() -> Self {
        CommandRegistry {
            handlers: HashMap::new(),
        }
    }
}

impl<S: Clone> CommandRegistry<S> {
    /// An empty registry.
    pub fn new() -> CommandRegistry<S> {
        CommandRegistry::default()
    }

    /// Registers `handler` as the command `name`, with arguments of type `A` (decoded with
    /// postcard). A second registration under one name replaces the first.
    pub fn register<A: DeserializeOwned + 'static>(
        &mut self,
        name: &str,
        handler: impl Fn(&mut S, A) -> Result<(), String> + Send + Sync + 'static,
    ) -> &mut Self {
        let owned = name.to_owned();
        self.handlers.insert(
            name.to_owned(),
            Arc::new(move |state: &mut S, args: &[u8]| {
                let args: A = postcard::from_bytes(args).map_err(|e| CommandError::BadArgs {
                    name: owned.clone(),
                    reason: e.to_string(),
                })?;
                handler(state, args).map_err(|reason| CommandError::Refused {
                    name: owned.clone(),
                    reason,
                })
            }),
        );
        self
    }

    /// Whether a command is registered as `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.handlers.contains_key(name)
    }

    /// Runs `command` on `state`. On an error `state` is unchanged (the handler runs on a
    /// copy).
    ///
    /// # Errors
    /// [`CommandError::Unknown`], [`CommandError::BadArgs`], or the handler's
    /// [`CommandError::Refused`].
    pub fn run(&self, state: &mut S, command: &Command) -> Result<(), CommandError> {
        let handler = self
            .handlers
            .get(&command.name)
            .ok_or_else(|| CommandError::Unknown(command.name.clone()))?;
        let mut draft = state.clone();
        handler(&mut draft, &command.args)?;
        *state = draft;
        Ok(())
    }
}

fn encode_args<A: Serialize>(args: &A) -> Result<Vec<u8>, CommandError> {
    postcard::to_allocvec(args).map_err(|e| CommandError::BadArgs {
        name: String::new(),
        reason: e.to_string(),
    })
}
