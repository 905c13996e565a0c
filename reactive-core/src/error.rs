//! Errors: [`ReactiveError`] and the [`NodeInfo`] that names a node in messages.

use std::borrow::Cow;
use std::fmt;
use std::panic::Location;

use crate::engine::{NodeId, NodeKind};

/// Identifies a node in an error or a diagnostic: its id, kind, optional name and (in debug
/// builds) where it was created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeInfo {
    /// The node's id.
    pub id: NodeId,
    /// What kind of node it is.
    pub kind: NodeKind,
    /// The name given with `named`, if any.
    pub name: Option<Cow<'static, str>>,
    /// Where the node was created (recorded in debug builds only).
    pub created_at: Option<&'static Location<'static>>,
}

impl fmt::Display for NodeInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            NodeKind::Signal => "signal",
            NodeKind::Memo => "memo",
            NodeKind::Effect => "effect",
            NodeKind::Owner => "owner",
        };
        write!(f, "{kind}")?;
        if let Some(name) = &self.name {
            write!(f, " '{name}'")?;
        }
        write!(f, " {:?}", self.id)?;
        if let Some(at) = self.created_at {
            write!(f, " (created at {at})")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong when using the reactive graph.
///
/// Every panicking method has a `try_` twin that returns this error instead. The panics of the
/// panicking methods carry the same message, prefixed with what was being done.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReactiveError {
    /// The node behind a handle was disposed (its owner was disposed, or `dispose` was called).
    #[error("{} was used at {at} after it was disposed{}", describe_disposed(.id, *.created_at), created_suffix(*.created_at))]
    Disposed {
        /// The stale id.
        id: NodeId,
        /// Where the handle's node was created (debug builds).
        created_at: Option<&'static Location<'static>>,
        /// Where it was used.
        at: &'static Location<'static>,
    },
    /// A memo was read while it was being computed: it depends on itself, directly or
    /// through other memos. A `try_` read of a memo returns it wherever the cycle was found
    /// below it, even by a panicking `get` inside a computation.
    #[error("cycle: {node} was read at {at} while it was being computed (it depends on itself)")]
    Cycle {
        /// The memo that closes the cycle.
        node: NodeInfo,
        /// Where it was read.
        at: &'static Location<'static>,
    },
    /// A signal was written while a memo was being computed. Memos must be pure: derive the
    /// value instead, or write from an effect.
    #[error(
        "{signal} was written at {at} inside the computation of {memo}; memos must not write signals"
    )]
    WriteInsideMemo {
        /// The signal written.
        signal: NodeInfo,
        /// The memo being computed.
        memo: NodeInfo,
        /// Where the write happened.
        at: &'static Location<'static>,
    },
    /// A signal's value was accessed at `at` while an `update` of the same signal was running
    /// (the value is lent out to the update closure).
    #[error("{node} was accessed at {at} while its own update() closure was running")]
    Borrowed {
        /// The signal.
        node: NodeInfo,
        /// Where it was accessed.
        at: &'static Location<'static>,
    },
    /// Effects kept re-triggering each other and did not settle.
    #[error("effects did not settle after {rounds} flush rounds; still re-running: {}", list(.nodes))]
    Unsettled {
        /// Rounds run before giving up.
        rounds: usize,
        /// The effects still scheduled in the last round.
        nodes: Vec<NodeInfo>,
    },
    /// An operation that needs an owner (such as `provide_context`) ran outside any owner.
    #[error(
        "{what} at {at} needs an owner, but none is active (call it inside create_root, an effect or a memo)"
    )]
    NoOwner {
        /// What was attempted.
        what: &'static str,
        /// Where.
        at: &'static Location<'static>,
    },
}

impl ReactiveError {
    pub(crate) fn disposed(id: NodeId, at: &'static Location<'static>) -> Self {
        ReactiveError::Disposed {
            id,
            created_at: None,
            at,
        }
    }

    /// Fills in where the handle's node was created, if the error is about it and not known yet.
    pub(crate) fn with_created_at(mut self, created: Option<&'static Location<'static>>) -> Self {
        if let ReactiveError::Disposed { created_at, .. } = &mut self {
            if created_at.is_none() {
                *created_at = created;
            }
        }
        self
    }
}

fn describe_disposed(id: &NodeId, _created: Option<&'static Location<'static>>) -> String {
    format!("node {id:?}")
}

fn created_suffix(created: Option<&'static Location<'static>>) -> String {
    match created {
        Some(at) => format!(" (it was created at {at})"),
        None => String::new(),
    }
}

fn list(nodes: &[NodeInfo]) -> String {
    nodes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Panics with the error's message; used by every panicking method.
///
/// A cycle found while an outer read is bringing a memo up to date unwinds to that read
/// instead, which returns it as its error (`Engine::update_memo_for_read`): so `try_get` of a
/// memo that reads itself returns [`ReactiveError::Cycle`] however the inner read was made.
#[track_caller]
#[cold]
pub(crate) fn fail(err: ReactiveError) -> ! {
    if matches!(err, ReactiveError::Cycle { .. })
        && crate::engine::with_engine(|e| e.cycle_catchers.get() > 0)
    {
        std::panic::resume_unwind(Box::new(crate::engine::CycleUnwind(err)));
    }
    panic!("reactive: {err}")
}
