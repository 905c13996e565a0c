//! [`EventError`]: why emitting, subscribing or intercepting failed.

use crate::scope::{AccessDenied, Refusal};
use crate::veto::Veto;

/// Why an event operation failed. A caller can match on it; nothing was registered, and (but
/// for [`Vetoed`](EventError::Vetoed)) nothing was delivered.
///
/// ```
/// use reactive_store::{EventError, EventInfo, EventInterceptor, Scope, Veto};
///
/// struct Closed;
/// impl EventInterceptor for Closed {
///     fn before(&self, _: &EventInfo<'_>) -> Result<(), Veto> {
///         Err(Veto::new("closed", "the shop is closed"))
///     }
/// }
///
/// let app = Scope::root("app")?;
/// assert!(matches!(app.emit("a..b", ()), Err(EventError::InvalidTopic { .. })));
/// app.add_interceptor(Closed)?;
/// let Err(EventError::Vetoed { veto, .. }) = app.emit("order", 1u8) else { panic!() };
/// assert_eq!(veto.by, "closed");
/// app.dispose()?;
/// assert!(matches!(app.emit("order", 1u8), Err(EventError::Disposed { .. })));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// An emitted topic or a subscription's pattern that is not well formed.
    #[error("invalid topic {topic:?}: {reason}")]
    InvalidTopic {
        /// The topic or pattern.
        topic: String,
        /// Why.
        reason: &'static str,
    },
    /// The principal may not emit here ([`Action::Emit`](crate::Action::Emit)), subscribe
    /// ([`Action::Read`](crate::Action::Read)) or intercept
    /// ([`Action::Admin`](crate::Action::Admin)).
    #[error(transparent)]
    AccessDenied(AccessDenied),
    /// The scope was disposed.
    #[error("scope {scope} was disposed")]
    Disposed {
        /// The scope's id.
        scope: String,
    },
    /// An [`EventInterceptor`](crate::EventInterceptor) refused the event: no handler ran.
    /// Returned by the `emit` that delivered it; an event emitted while another is delivered is
    /// queued, and its veto is seen by interceptors and logs only.
    #[error("event #{seq} '{topic}' was {veto}")]
    Vetoed {
        /// The event's number.
        seq: u64,
        /// Its topic.
        topic: String,
        /// Who refused, and why.
        veto: Veto,
    },
}

impl From<AccessDenied> for EventError {
    fn from(e: AccessDenied) -> Self {
        EventError::AccessDenied(e)
    }
}

impl From<Refusal> for EventError {
    fn from(r: Refusal) -> Self {
        match r {
            Refusal::Disposed(scope) => EventError::Disposed { scope },
            Refusal::Denied(denied) => EventError::AccessDenied(denied),
        }
    }
}
