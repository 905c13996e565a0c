//! [`Setup`]: the guards, actions and delays a definition refers to by name, supplied from Rust
//! (XState's `setup({ guards, actions, delays })`).

use std::collections::HashMap;
use std::fmt;
use std::rc::Rc;

use serde_json::{Map, Value};

use crate::event::Event;

/// The extended state of a machine: named JSON values (XState's `context`, SCXML's data model).
pub type Context = Map<String, Value>;

/// What a named action sees and may change.
pub struct ActionArgs<'a> {
    /// The context; changes are the machine's assignments.
    pub context: &'a mut Context,
    /// The event being processed.
    pub event: &'a Event,
    /// The `params` written beside the action's name in the definition, if any.
    pub params: Option<&'a Value>,
    raised: &'a mut Vec<Event>,
}

impl<'a> ActionArgs<'a> {
    pub(crate) fn new(
        context: &'a mut Context,
        event: &'a Event,
        params: Option<&'a Value>,
        raised: &'a mut Vec<Event>,
    ) -> ActionArgs<'a> {
        ActionArgs {
            context,
            event,
            params,
            raised,
        }
    }

    /// Raises `event` on the internal queue: it is processed in this macrostep, after the
    /// current microstep and before any external event.
    pub fn raise(&mut self, event: impl Into<Event>) {
        self.raised.push(event.into());
    }
}

/// What a named guard or delay sees.
pub struct GuardArgs<'a> {
    /// The context.
    pub context: &'a Context,
    /// The event being processed.
    pub event: &'a Event,
    /// The `params` written beside the guard's name in the definition, if any.
    pub params: Option<&'a Value>,
}

pub(crate) type ActionFn = Rc<dyn Fn(&mut ActionArgs<'_>)>;
pub(crate) type GuardFn = Rc<dyn Fn(&GuardArgs<'_>) -> bool>;
pub(crate) type DelayFn = Rc<dyn Fn(&GuardArgs<'_>) -> u64>;

/// The implementations of the names a definition uses.
///
/// ```
/// use reactive_machine::Setup;
/// let setup = Setup::new()
///     .action("increment", |a| {
///         let n = a.context["count"].as_i64().unwrap_or(0);
///         a.context.insert("count".into(), (n + 1).into());
///     })
///     .guard("belowTen", |g| g.context["count"].as_i64().unwrap_or(0) < 10)
///     .delay("retry", |_| 500);
/// assert!(setup.has_action("increment") && setup.has_guard("belowTen"));
/// ```
#[derive(Clone, Default)]
pub struct Setup {
    pub(crate) actions: HashMap<String, ActionFn>,
    pub(crate) guards: HashMap<String, GuardFn>,
    pub(crate) delays: HashMap<String, DelayFn>,
}

impl Setup {
    /// An empty setup.
    pub fn new() -> Setup {
        Setup::default()
    }

    /// Adds (or replaces) the action `name`.
    pub fn action(
        mut self,
        name: impl Into<String>,
        f: impl Fn(&mut ActionArgs<'_>) + 'static,
    ) -> Setup {
        self.actions.insert(name.into(), Rc::new(f));
        self
    }

    /// Adds (or replaces) the guard `name`.
    pub fn guard(
        mut self,
        name: impl Into<String>,
        f: impl Fn(&GuardArgs<'_>) -> bool + 'static,
    ) -> Setup {
        self.guards.insert(name.into(), Rc::new(f));
        self
    }

    /// Adds (or replaces) the delay `name`, in milliseconds.
    pub fn delay(
        mut self,
        name: impl Into<String>,
        f: impl Fn(&GuardArgs<'_>) -> u64 + 'static,
    ) -> Setup {
        self.delays.insert(name.into(), Rc::new(f));
        self
    }

    /// Whether an action called `name` is supplied.
    pub fn has_action(&self, name: &str) -> bool {
        self.actions.contains_key(name)
    }

    /// Whether a guard called `name` is supplied.
    pub fn has_guard(&self, name: &str) -> bool {
        self.guards.contains_key(name)
    }

    /// Whether a delay called `name` is supplied.
    pub fn has_delay(&self, name: &str) -> bool {
        self.delays.contains_key(name)
    }
}

impl fmt::Debug for Setup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |m: Vec<&String>| {
            let mut v: Vec<_> = m.into_iter().cloned().collect();
            v.sort();
            v
        };
        f.debug_struct("Setup")
            .field("actions", &names(self.actions.keys().collect()))
            .field("guards", &names(self.guards.keys().collect()))
            .field("delays", &names(self.delays.keys().collect()))
            .finish()
    }
}
