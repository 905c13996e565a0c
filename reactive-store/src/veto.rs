//! [`Veto`]: a middleware's or interceptor's refusal, shared by transactions and events.

use std::borrow::Cow;

/// A refusal by a store middleware or an event interceptor, naming who refused and why.
///
/// ```
/// use reactive_store::Veto;
/// let v = Veto::new("read-only mode", "saving is disabled");
/// assert_eq!(v.to_string(), "vetoed by read-only mode: saving is disabled");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("vetoed by {by}: {reason}")]
pub struct Veto {
    /// Who refused (a middleware's name).
    pub by: Cow<'static, str>,
    /// Why.
    pub reason: String,
}

impl Veto {
    /// A veto by `by`, for `reason`.
    ///
    /// ```
    /// use reactive_store::Veto;
    /// assert_eq!(Veto::new("guard", "no").by, "guard");
    /// ```
    pub fn new(by: impl Into<Cow<'static, str>>, reason: impl Into<String>) -> Veto {
        Veto {
            by: by.into(),
            reason: reason.into(),
        }
    }
}
