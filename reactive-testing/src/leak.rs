//! [`LeakCheck`]: fails a test whose reactive nodes outlive it, using the engine's public
//! diagnostics ([`Runtime::node_count`], [`Runtime::graph_snapshot`]).

use std::collections::HashSet;
use std::fmt;

use reactive_core::{NodeId, NodeSnapshot, Runtime};

/// Nodes created during a [`LeakCheck`] and still alive at its end.
#[derive(Clone, Debug, PartialEq)]
pub struct Leak {
    /// The leaked nodes: kind, name and (debug builds) where each was created.
    pub nodes: Vec<NodeSnapshot>,
}

impl fmt::Display for Leak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} reactive node(s) leaked:", self.nodes.len())?;
        for n in &self.nodes {
            write!(f, "\n  {:?}", n.kind)?;
            if let Some(name) = &n.name {
                write!(f, " \"{name}\"")?;
            }
            if let Some(at) = &n.created_at {
                write!(f, " created at {at}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for Leak {}

/// Remembers which nodes of this thread's graph were alive when it was made; at the end
/// ([`finish`](LeakCheck::finish), or when dropped) any node created since and still alive is a
/// leak. Dropped without `finish`, it panics on a leak, which fails the test (it stays quiet
/// when the test is already panicking, so the first failure is the one reported).
///
/// ```
/// use reactive_core::{create_root, Signal};
/// use reactive_testing::LeakCheck;
///
/// let check = LeakCheck::new();
/// let ((), root) = create_root(|| { Signal::new(1); });
/// root.dispose();
/// check.finish()?; // everything created was disposed
///
/// let check = LeakCheck::new();
/// let forgotten = Signal::new(2); // no owner disposes it
/// let leak = check.finish().unwrap_err();
/// assert_eq!(leak.nodes[0].id, forgotten.id());
/// # forgotten.dispose();
/// # Ok::<(), reactive_testing::Leak>(())
/// ```
#[must_use = "a LeakCheck checks when it is finished or dropped"]
pub struct LeakCheck {
    before: HashSet<NodeId>,
    done: bool,
}

impl LeakCheck {
    /// Starts watching this thread's graph.
    pub fn new() -> LeakCheck {
        LeakCheck {
            before: live_nodes().into_iter().map(|n| n.id).collect(),
            done: false,
        }
    }

    /// The nodes created since [`new`](LeakCheck::new) that are still alive, or `Ok`.
    pub fn finish(mut self) -> Result<(), Leak> {
        self.done = true;
        self.leaked()
    }

    fn leaked(&self) -> Result<(), Leak> {
        // Identities, not counts: a test may dispose older nodes and leak as many new ones.
        let nodes: Vec<_> = live_nodes()
            .into_iter()
            .filter(|n| !self.before.contains(&n.id))
            .collect();
        if nodes.is_empty() {
            Ok(())
        } else {
            Err(Leak { nodes })
        }
    }
}

impl Default for LeakCheck {
    fn default() -> Self {
        LeakCheck::new()
    }
}

impl Drop for LeakCheck {
    fn drop(&mut self) {
        if self.done || std::thread::panicking() {
            return;
        }
        if let Err(leak) = self.leaked() {
            panic!("LeakCheck: {leak}");
        }
    }
}

/// Runs `test` under a [`LeakCheck`] and panics if it leaked a node: the body of a test that
/// must clean up after itself.
///
/// ```
/// use reactive_core::{create_root, Effect, Get, Signal};
/// use reactive_testing::no_leaks;
///
/// no_leaks(|| {
///     let ((), root) = create_root(|| {
///         let s = Signal::new(1);
///         Effect::new(move || { s.get(); });
///     });
///     root.dispose();
/// });
/// ```
#[track_caller]
pub fn no_leaks<R>(test: impl FnOnce() -> R) -> R {
    let check = LeakCheck::new();
    let out = test();
    if let Err(leak) = check.finish() {
        panic!("no_leaks: {leak}");
    }
    out
}

fn live_nodes() -> Vec<NodeSnapshot> {
    Runtime::graph_snapshot().nodes
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactive_core::{Memo, Signal, create_root};

    #[test]
    fn nodes_alive_before_the_check_are_not_leaks() {
        let old = Signal::new(0);
        let check = LeakCheck::new();
        assert_eq!(check.finish(), Ok(()));
        old.dispose();
    }

    #[test]
    fn a_leaked_memo_is_named_in_the_report() {
        let check = LeakCheck::new();
        let m = Memo::new(|| 1).named("orphan");
        let leak = check.finish().unwrap_err();
        assert_eq!(leak.nodes.len(), 1);
        assert!(leak.to_string().contains("\"orphan\""), "{leak}");
        m.dispose();
    }

    #[test]
    fn leaks_are_found_by_identity_when_older_nodes_were_disposed_meanwhile() {
        let old = Signal::new(0);
        let check = LeakCheck::new();
        old.dispose();
        let ((), root) = create_root(|| {
            Signal::new(1);
        });
        // Node count went down and up again: the check compares identities, not counts.
        let leak = check.finish().unwrap_err();
        assert_eq!(leak.nodes.len(), 2);
        root.dispose();
    }

    #[test]
    #[should_panic(expected = "LeakCheck: 1 reactive node(s) leaked")]
    fn dropping_a_check_with_a_leak_fails_the_test() {
        let _check = LeakCheck::new();
        let _ = Signal::new(1);
    }
}
