//! Replays under the scope tree's policies (feature `scopes`): a
//! [`Scope`](reactive_store::Scope) handle as a [`ReadPolicy`], and [`ScopedStreams`], a scope
//! per stream.

use std::fmt;

use reactive_store::{Action, Scope};

use crate::event::RecordedEvent;
use crate::replay::ReadPolicy;

/// Replaying through a scope applies the scope tree's policies: every event needs
/// [`Action::Read`](reactive_store::Action::Read) on the scope, for the principal the handle acts as
/// ([`Scope::as_principal`](reactive_store::Scope::as_principal)).
///
/// ```
/// use reactive_store::{Access, Policy, Principal, Scope};
/// use reactive_sourcing::{
///     replay, Append, DomainEvent, EventStore, ExpectedVersion, MemoryStore, NewEvent, Projection,
///     RecordedEvent, ReplayTo, Schema, EventStoreError,
/// };
/// # #[derive(serde::Serialize, serde::Deserialize)] enum Ev { Added(i64) }
/// # impl DomainEvent for Ev { const TYPES: &'static [(&'static str, u32)] = &[("Added", 1)]; }
/// # #[derive(Default)] struct Total(i64);
/// # impl Projection for Total {
/// #     type Event = Ev;
/// #     fn apply(&mut self, Ev::Added(n): &Ev, _: &RecordedEvent) { self.0 += n }
/// # }
/// let ledger = Scope::root("ledger")?;
/// ledger.set_policy(Policy::new(Access::NONE).grant(Principal::new("auditor"), Access::READ))?;
/// let store = MemoryStore::new();
/// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::from_domain(&Ev::Added(5))?))?;
///
/// let as_auditor = ledger.as_principal(Principal::new("auditor"))?;
/// replay(&store, &Schema::new(), &mut Total::default(), ReplayTo::End, &as_auditor)?;
/// let as_guest = ledger.as_principal(Principal::new("guest"))?;
/// let refused = replay(&store, &Schema::new(), &mut Total::default(), ReplayTo::End, &as_guest);
/// assert!(matches!(refused, Err(EventStoreError::Denied { sequence: 1, .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
impl ReadPolicy for Scope {
    fn check(&self, _: &RecordedEvent) -> Result<(), String> {
        Scope::check(self, Action::Read).map_err(|error| error.to_string())
    }
}

/// A read policy that finds the scope governing each event's stream: the replay needs
/// [`Action::Read`](reactive_store::Action::Read) there. A stream that no scope governs is refused.
///
/// ```
/// use reactive_store::{Access, Policy, Principal, Scope};
/// use reactive_sourcing::{ReadPolicy, ScopedStreams};
/// let bank = Scope::root("bank")?;
/// let accounts = bank.child("accounts")?;
/// accounts.set_policy(Policy::new(Access::NONE).grant(Principal::new("teller"), Access::READ))?;
/// // Streams named `account-…` live in `bank/accounts`; the replay acts as the teller.
/// let teller = accounts.as_principal(Principal::new("teller"))?;
/// let policy = ScopedStreams::new(move |stream: &str| stream.starts_with("account-").then_some(teller));
/// # fn takes(_: &dyn ReadPolicy) {}
/// takes(&policy);
/// # Ok::<(), reactive_store::ScopeError>(())
/// ```
pub struct ScopedStreams<F> {
    scope_of: F,
}

impl<F: Fn(&str) -> Option<Scope>> ScopedStreams<F> {
    /// A policy that asks `scope_of` which scope (a handle acting for the replaying principal)
    /// governs a stream.
    ///
    /// See [`ScopedStreams`] for a full example.
    pub fn new(scope_of: F) -> Self {
        ScopedStreams { scope_of }
    }
}

impl<F> fmt::Debug for ScopedStreams<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ScopedStreams")
    }
}

impl<F: Fn(&str) -> Option<Scope>> ReadPolicy for ScopedStreams<F> {
    fn check(&self, event: &RecordedEvent) -> Result<(), String> {
        match (self.scope_of)(&event.stream) {
            Some(scope) => ReadPolicy::check(&scope, event),
            None => Err(format!("no scope governs stream `{}`", event.stream)),
        }
    }
}
