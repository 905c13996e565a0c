//! The server's hooks: who a token stands for ([`Authenticator`]), what that principal may do
//! to a document ([`DocumentPolicy`]), and how a command runs with server authority
//! ([`CommandExecutor`]).
//!
//! Rights are reactive-store's [`Access`] flags (`READ` to join a document, `WRITE` to send
//! updates and commands). reactive-store's `Principal` and `Policy` are not used: a `Principal`
//! is interned per thread, and the server's connections run on a multi-threaded runtime, so the
//! same name would be different values on different workers. A principal here is its name.

use std::collections::HashMap;

use loro::LoroDoc;
pub use reactive_store::{Access, Action};

/// Turns a handshake's token into a principal's name, or refuses it.
pub trait Authenticator: Send + Sync + 'static {
    /// The principal `token` stands for, or why it is refused.
    fn authenticate(&self, token: &str) -> Result<String, String>;
}

/// Development and demos: every token is accepted and *is* the principal's name (an empty
/// token is refused).
#[derive(Clone, Copy, Debug, Default)]
pub struct TokenIsPrincipal;

impl Authenticator for TokenIsPrincipal {
    fn authenticate(&self, token: &str) -> Result<String, String> {
        if token.is_empty() {
            Err("empty token".into())
        } else {
            Ok(token.to_owned())
        }
    }
}

/// A fixed table of tokens and the principals they stand for.
///
/// ```
/// # #[cfg(feature = "server")] {
/// use reactive_sync::server::{Authenticator, TokenTable};
/// let tokens = TokenTable::default().with("s3cret", "alice");
/// assert_eq!(tokens.authenticate("s3cret"), Ok("alice".to_string()));
/// assert!(tokens.authenticate("guess").is_err());
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct TokenTable {
    tokens: HashMap<String, String>,
}

impl TokenTable {
    /// Adds `token` for `principal`.
    pub fn with(mut self, token: &str, principal: &str) -> TokenTable {
        self.tokens.insert(token.to_owned(), principal.to_owned());
        self
    }
}

impl Authenticator for TokenTable {
    fn authenticate(&self, token: &str) -> Result<String, String> {
        self.tokens
            .get(token)
            .cloned()
            .ok_or_else(|| "unknown token".to_owned())
    }
}

/// What a principal may do to a document.
pub trait DocumentPolicy: Send + Sync + 'static {
    /// The principal's rights on `document` (`Access::READ` to join, `Access::WRITE` to change).
    fn access(&self, principal: &str, document: &str) -> Access;
}

/// Per-document grants over a default: the first match of (document, principal), then the
/// document's default, then the server-wide default.
///
/// ```
/// # #[cfg(feature = "server")] {
/// use reactive_sync::server::{Access, Action, DocumentPolicies, DocumentPolicy};
/// let policy = DocumentPolicies::new(Access::NONE)
///     .document("plan", Access::READ)
///     .grant("plan", "alice", Access::READ | Access::WRITE);
/// assert!(policy.access("alice", "plan").allows(Action::Write));
/// assert_eq!(policy.access("bob", "plan"), Access::READ);
/// assert_eq!(policy.access("bob", "secret"), Access::NONE);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct DocumentPolicies {
    default: Access,
    documents: HashMap<String, (Access, HashMap<String, Access>)>,
}

impl DocumentPolicies {
    /// Every principal gets `default` on documents not configured otherwise.
    pub fn new(default: Access) -> DocumentPolicies {
        DocumentPolicies {
            default,
            documents: HashMap::new(),
        }
    }

    /// Everyone gets `access` on `document` unless granted otherwise.
    pub fn document(mut self, document: &str, access: Access) -> DocumentPolicies {
        self.documents
            .entry(document.to_owned())
            .or_insert_with(|| (access, HashMap::new()))
            .0 = access;
        self
    }

    /// `principal` gets `access` on `document`.
    pub fn grant(mut self, document: &str, principal: &str, access: Access) -> DocumentPolicies {
        let default = self.default;
        self.documents
            .entry(document.to_owned())
            .or_insert_with(|| (default, HashMap::new()))
            .1
            .insert(principal.to_owned(), access);
        self
    }
}

impl Default for DocumentPolicies {
    /// Read and write for everyone.
    fn default() -> DocumentPolicies {
        DocumentPolicies::new(Access::READ | Access::WRITE)
    }
}

impl DocumentPolicy for DocumentPolicies {
    fn access(&self, principal: &str, document: &str) -> Access {
        match self.documents.get(document) {
            Some((default, grants)) => grants.get(principal).copied().unwrap_or(*default),
            None => self.default,
        }
    }
}

/// Runs a client's `Command` frame with server authority, on the room's document.
///
/// `Ok(())` accepts the command: whatever it changed in `doc` is persisted, broadcast to every
/// client of the room (the sender included) and answered `Accepted`. `Err(reason)` rejects it:
/// the client is answered `Rejected(reason)`. A rejecting executor must leave `doc` unchanged
/// (a CRDT cannot retract operations: changes made anyway are kept and broadcast).
pub trait CommandExecutor: Send + Sync + 'static {
    /// Runs command `name` with `args` for `principal`.
    fn execute(
        &self,
        doc: &LoroDoc,
        principal: &str,
        name: &str,
        args: &[u8],
    ) -> Result<(), String>;
}
