//! Individual access decisions, recorded while an [`AccessLog`] lives (the devtools show them):
//! who tried what where, whether it was allowed, and which rule decided.
//!
//! When no log is open, deciding an access costs one more test of an empty list.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::policy::{Action, Principal};
use super::registry::{Registry, ScopeKey, try_with_registry, with_registry};

/// The rule that decided an access: see [`AccessDecision`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecisionRule {
    /// The system principal may do anything.
    System,
    /// No scope from the root to this one has a policy: everything is allowed.
    NoPolicy,
    /// The policy of a scope decided: for a refusal, the nearest one (from the scope up to the
    /// root) that does not grant the action; for an allowed access, the nearest one (all of
    /// them grant it).
    Policy {
        /// The path of the scope whose policy decided.
        scope: String,
        /// Whether its grant to the principal decided (`false`: its default for everyone else).
        named_grant: bool,
    },
}

impl std::fmt::Display for DecisionRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecisionRule::System => f.write_str("the system may do anything"),
            DecisionRule::NoPolicy => f.write_str("no policy on the path"),
            DecisionRule::Policy {
                scope,
                named_grant: true,
            } => write!(f, "the policy of '{scope}': its grant to the principal"),
            DecisionRule::Policy {
                scope,
                named_grant: false,
            } => write!(f, "the policy of '{scope}': its default"),
        }
    }
}

/// One access decision, as recorded by an [`AccessLog`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessDecision {
    /// Who tried.
    pub principal: String,
    /// What.
    pub action: Action,
    /// The scope's path.
    pub scope: String,
    /// The key (or event topic, or child name) concerned, if any.
    pub key: Option<String>,
    /// Whether it was allowed.
    pub allowed: bool,
    /// The rule that decided.
    pub rule: DecisionRule,
}

/// Decisions kept for one log: the newest `capacity`, and how many older ones were dropped.
pub(crate) struct Buffer {
    capacity: usize,
    decisions: VecDeque<AccessDecision>,
    dropped: u64,
}

/// A log's buffer, shared with the registry while the log is open.
pub(crate) type SharedLog = Rc<RefCell<Buffer>>;

/// Records every access decision on this thread (scope values, children, policies, events)
/// while it lives: [`take`](AccessLog::take) returns those made since the previous call.
/// Several logs may be open; each sees every decision.
///
/// ```
/// use reactive_store::{Access, AccessLog, Action, DecisionRule, Key, Policy, Principal, Scope};
/// const THEME: Key<String> = Key::new("theme");
/// let app = Scope::root("app")?;
/// app.set_policy(Policy::new(Access::READ))?;
/// let log = AccessLog::open(100);
/// let guest = app.as_principal(Principal::new("guest"))?;
/// assert!(guest.set(THEME, "dark".into()).is_err());
/// let denied = log.take().pop().unwrap();
/// assert_eq!((denied.principal.as_str(), denied.action, denied.allowed), ("guest", Action::Write, false));
/// assert_eq!(denied.rule, DecisionRule::Policy { scope: "app".into(), named_grant: false });
/// # Ok::<(), reactive_store::ScopeError>(())
/// ```
pub struct AccessLog {
    buffer: SharedLog,
}

impl std::fmt::Debug for AccessLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let buffer = self.buffer.borrow();
        f.debug_struct("AccessLog")
            .field("pending", &buffer.decisions.len())
            .field("dropped", &buffer.dropped)
            .finish()
    }
}

impl AccessLog {
    /// Starts recording, keeping at most `capacity` decisions between two
    /// [`take`](AccessLog::take)s (the oldest are dropped, and counted, beyond it).
    pub fn open(capacity: usize) -> AccessLog {
        let buffer = Rc::new(RefCell::new(Buffer {
            capacity: capacity.max(1),
            decisions: VecDeque::new(),
            dropped: 0,
        }));
        with_registry(|r| r.access_logs.push(buffer.clone()));
        AccessLog { buffer }
    }

    /// The decisions made since the previous call, oldest first.
    pub fn take(&self) -> Vec<AccessDecision> {
        self.buffer.borrow_mut().decisions.drain(..).collect()
    }

    /// Decisions dropped so far because more than the capacity were waiting.
    pub fn dropped(&self) -> u64 {
        self.buffer.borrow().dropped
    }
}

impl Drop for AccessLog {
    fn drop(&mut self) {
        // At thread exit the registry may be gone already: then there is nothing to leave.
        try_with_registry(|r| {
            r.access_logs
                .retain(|buffer| !Rc::ptr_eq(buffer, &self.buffer));
        });
    }
}

impl Registry {
    /// Records a decision in the open logs (called only when there are some).
    #[cold]
    #[inline(never)]
    pub(super) fn record_decision(
        &self,
        id: ScopeKey,
        principal: Principal,
        action: Action,
        key: Option<&str>,
        allowed: bool,
    ) {
        let decision = AccessDecision {
            principal: principal.name().to_string(),
            action,
            scope: self.path(id),
            key: key.map(str::to_owned),
            allowed,
            rule: self.deciding_rule(id, principal, action, allowed),
        };
        for buffer in &self.access_logs {
            let mut buffer = buffer.borrow_mut();
            if buffer.decisions.len() == buffer.capacity {
                buffer.decisions.pop_front();
                buffer.dropped += 1;
            }
            buffer.decisions.push_back(decision.clone());
        }
    }

    fn deciding_rule(
        &self,
        id: ScopeKey,
        principal: Principal,
        action: Action,
        allowed: bool,
    ) -> DecisionRule {
        if principal.is_system() {
            return DecisionRule::System;
        }
        let mut current = Some(id);
        while let Some(c) = current {
            let Some(data) = self.scopes.get(c) else {
                break;
            };
            // Allowed: the first policy met (all of them grant it). Refused: the first policy
            // that does not grant it.
            if let Some(policy) = &data.policy
                && (allowed || !policy.access_for(principal).allows(action))
            {
                return DecisionRule::Policy {
                    scope: self.path(c),
                    named_grant: policy.grants().iter().any(|(p, _)| *p == principal),
                };
            }
            current = data.parent;
        }
        DecisionRule::NoPolicy
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::{Access, Key, Policy, Scope};

    const TITLE: Key<String> = Key::new("title");

    #[test]
    fn a_refusal_names_the_nearest_policy_that_does_not_grant_it_and_whether_a_grant_decided() {
        let app = Scope::root("decisions-nearest").unwrap();
        app.set_policy(Policy::new(Access::ALL)).unwrap();
        let doc = app.child("doc").unwrap();
        let guest = Principal::new("guest");
        doc.set_policy(Policy::new(Access::ALL).grant(guest, Access::READ))
            .unwrap();
        let log = AccessLog::open(16);
        assert!(
            doc.as_principal(guest)
                .unwrap()
                .set(TITLE, "x".into())
                .is_err()
        );
        assert!(
            app.as_principal(guest)
                .unwrap()
                .set(TITLE, "y".into())
                .is_ok()
        );
        let decisions = log.take();
        let summary: Vec<_> = decisions
            .iter()
            .filter(|d| d.principal == "guest")
            .map(|d| {
                (
                    d.scope.as_str(),
                    d.action,
                    d.key.as_deref(),
                    d.allowed,
                    d.rule.clone(),
                )
            })
            .collect();
        let rule = |scope: &str, named_grant| DecisionRule::Policy {
            scope: scope.into(),
            named_grant,
        };
        assert_eq!(
            summary,
            [
                (
                    "decisions-nearest/doc",
                    Action::Write,
                    Some("title"),
                    false,
                    rule("decisions-nearest/doc", true)
                ),
                (
                    "decisions-nearest",
                    Action::Write,
                    Some("title"),
                    true,
                    rule("decisions-nearest", false)
                ),
            ]
        );
    }

    #[test]
    fn the_system_and_scopes_without_policies_are_allowed_by_their_own_rules() {
        let app = Scope::root("decisions-open").unwrap();
        let log = AccessLog::open(16);
        app.set(TITLE, "by the system".into()).unwrap();
        let anyone = app.as_principal(Principal::new("anyone")).unwrap();
        anyone.set(TITLE, "by anyone".into()).unwrap();
        let rules: Vec<(String, DecisionRule)> = log
            .take()
            .into_iter()
            .map(|d| (d.principal, d.rule))
            .collect();
        assert!(
            rules.contains(&("system".into(), DecisionRule::System)),
            "{rules:?}"
        );
        assert!(
            rules.contains(&("anyone".into(), DecisionRule::NoPolicy)),
            "{rules:?}"
        );
    }

    #[test]
    fn a_full_log_drops_its_oldest_decisions_and_counts_them_and_a_closed_one_records_nothing() {
        let app = Scope::root("decisions-full").unwrap();
        let small = AccessLog::open(2);
        let large = AccessLog::open(100);
        for n in 0..5 {
            app.set(TITLE, n.to_string()).unwrap();
        }
        let kept = small.take();
        assert_eq!(kept.len(), 2);
        assert_eq!(small.dropped() as usize + kept.len(), large.take().len());
        drop(small);
        drop(large);
        let registry_logs = with_registry(|r| r.access_logs.len());
        assert_eq!(registry_logs, 0, "closed logs are no longer fed");
    }

    fn access() -> impl Strategy<Value = Access> {
        (0u8..32).prop_map(|bits| {
            [
                Access::READ,
                Access::WRITE,
                Access::EMIT,
                Access::CREATE_CHILD,
                Access::ADMIN,
            ]
            .into_iter()
            .enumerate()
            .filter(|(i, _)| bits & (1 << i) != 0)
            .fold(Access::NONE, |all, (_, a)| all | a)
        })
    }

    proptest! {
        /// On a chain of three scopes with random policies (or none), a write to the leaf by
        /// one of two principals: the decision says what the write did, and its rule is what a
        /// naive walk of the policies finds (the nearest policy that refuses, or the nearest
        /// policy at all when every one allows).
        #[test]
        fn each_decision_matches_the_outcome_and_a_naive_walk_of_the_policies(
            policies in prop::collection::vec(prop::option::of((access(), access())), 3),
            as_bob in any::<bool>(),
        ) {
            let bob = Principal::new("bob");
            let root = Scope::root("decisions-walk").unwrap();
            let a = root.child("a").unwrap();
            let chain = [root, a, a.child("b").unwrap()];
            for (scope, policy) in chain.iter().zip(&policies) {
                if let Some((default, for_bob)) = policy {
                    scope.set_policy(Policy::new(*default).grant(bob, *for_bob)).unwrap();
                }
            }
            let who = if as_bob { bob } else { Principal::new("carol") };
            let log = AccessLog::open(16);
            let outcome = chain[2].as_principal(who).unwrap().set(TITLE, "t".into());
            let decision = log.take().pop().expect("one decision");
            drop(log);
            root.dispose().unwrap();
            // The naive reference: walk from the leaf up.
            let paths = ["decisions-walk", "decisions-walk/a", "decisions-walk/a/b"];
            let grants = |(default, for_bob): (Access, Access)| if as_bob { for_bob } else { default };
            let allowed = policies.iter().flatten().all(|p| grants(*p).allows(Action::Write));
            let deciding = (0..3).rev().find(|&i| match policies[i] {
                Some(p) => allowed || !grants(p).allows(Action::Write),
                None => false,
            });
            let expected = match deciding {
                Some(i) => DecisionRule::Policy { scope: paths[i].into(), named_grant: as_bob },
                None => DecisionRule::NoPolicy,
            };
            prop_assert_eq!(decision.allowed, outcome.is_ok());
            prop_assert_eq!(decision.allowed, allowed);
            prop_assert_eq!(decision.rule, expected);
        }
    }
}
