//! A typed builder for writing charts in Rust, with the events as an enum: [`ChartBuilder`],
//! [`StateBuilder`], [`Transition`] and the [`MachineEvent`] trait.
//!
//! The builder writes the same structure an XState JSON config describes and loads it through
//! the same loader, so a built chart follows the same rules, reports the same errors (with the
//! same paths) and exports back to XState JSON.

use std::marker::PhantomData;

use serde_json::Value;

use crate::chart::{Chart, HistoryDepth};
use crate::error::DefinitionError;
use crate::event::Event;
use crate::xstate::json::Json;

/// An enum of the events a machine accepts; each variant has its event name.
///
/// ```
/// use reactive_machine::MachineEvent;
/// #[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// enum Door { Open, Close }
/// impl MachineEvent for Door {
///     fn name(self) -> &'static str {
///         match self { Door::Open => "OPEN", Door::Close => "CLOSE" }
///     }
/// }
/// let e: reactive_machine::Event = Door::Open.into();
/// assert_eq!(e.name(), "OPEN");
/// ```
pub trait MachineEvent: Copy + 'static {
    /// The event's name.
    fn name(self) -> &'static str;
}

impl<E: MachineEvent> From<E> for Event {
    fn from(e: E) -> Event {
        Event::new(e.name())
    }
}

/// A transition being written: where it goes, its guard, its actions.
#[derive(Clone, Debug, Default)]
pub struct Transition {
    target: Option<Vec<String>>,
    guard: Option<String>,
    actions: Vec<String>,
    reenter: bool,
}

impl Transition {
    /// A transition to `target`: a sibling's key (`"b"`), a child (`".child"`) or `"#id"`.
    pub fn to(target: &str) -> Transition {
        Transition {
            target: Some(vec![target.to_owned()]),
            ..Transition::default()
        }
    }

    /// A transition to several states at once (in different parallel regions).
    pub fn to_all(targets: &[&str]) -> Transition {
        Transition {
            target: Some(targets.iter().map(|t| (*t).to_owned()).collect()),
            ..Transition::default()
        }
    }

    /// A transition without a target: it runs its actions and leaves the state as it is.
    pub fn stay() -> Transition {
        Transition::default()
    }

    /// Taken only when the setup's guard `name` holds.
    pub fn guard(mut self, name: &str) -> Transition {
        self.guard = Some(name.to_owned());
        self
    }

    /// Runs the setup's action `name` (after those added before).
    pub fn action(mut self, name: &str) -> Transition {
        self.actions.push(name.to_owned());
        self
    }

    /// Exits and re-enters the source even when the target is the source or inside it.
    pub fn reenter(mut self) -> Transition {
        self.reenter = true;
        self
    }

    fn to_json(&self) -> Json {
        let mut o = Vec::new();
        if let Some(t) = &self.target {
            o.push((
                "target".into(),
                Json::Array(t.iter().cloned().map(Json::String).collect()),
            ));
        }
        if let Some(g) = &self.guard {
            o.push(("guard".into(), Json::String(g.clone())));
        }
        if !self.actions.is_empty() {
            o.push((
                "actions".into(),
                Json::Array(self.actions.iter().cloned().map(Json::String).collect()),
            ));
        }
        if self.reenter {
            o.push(("reenter".into(), Json::Bool(true)));
        }
        Json::Object(o)
    }
}

/// A state being written. Child states keep the order they are added in (document order).
pub struct StateBuilder<E> {
    fields: Vec<(String, Json)>,
    on: Vec<(String, Vec<Json>)>,
    after: Vec<(String, Vec<Json>)>,
    always: Vec<Json>,
    on_done: Vec<Json>,
    states: Vec<(String, Json)>,
    _events: PhantomData<E>,
}

impl<E: MachineEvent> StateBuilder<E> {
    fn new() -> StateBuilder<E> {
        StateBuilder {
            fields: Vec::new(),
            on: Vec::new(),
            after: Vec::new(),
            always: Vec::new(),
            on_done: Vec::new(),
            states: Vec::new(),
            _events: PhantomData,
        }
    }

    fn field(mut self, key: &str, value: Json) -> StateBuilder<E> {
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((key.to_owned(), value)),
        }
        self
    }

    fn push_action(mut self, key: &str, name: &str) -> StateBuilder<E> {
        match self.fields.iter_mut().find(|(k, _)| k == key) {
            Some((_, Json::Array(a))) => a.push(Json::String(name.to_owned())),
            _ => self.fields.push((
                key.to_owned(),
                Json::Array(vec![Json::String(name.to_owned())]),
            )),
        }
        self
    }

    /// The child state entered by default (required when the state has children).
    pub fn initial(self, key: &str) -> StateBuilder<E> {
        self.field("initial", Json::String(key.to_owned()))
    }

    /// Runs the setup's action `name` on entry (after those added before).
    pub fn entry(self, name: &str) -> StateBuilder<E> {
        self.push_action("entry", name)
    }

    /// Runs the setup's action `name` on exit (after those added before).
    pub fn exit(self, name: &str) -> StateBuilder<E> {
        self.push_action("exit", name)
    }

    /// On `event`, go to `target` (see [`Transition::to`]).
    pub fn on(self, event: E, target: &str) -> StateBuilder<E> {
        self.on_with(event, Transition::to(target))
    }

    /// On `event`, take `t` if its guard holds (transitions for one event are tried in the
    /// order they were added).
    pub fn on_with(mut self, event: E, t: Transition) -> StateBuilder<E> {
        let json = t.to_json();
        match self.on.iter_mut().find(|(k, _)| k == event.name()) {
            Some((_, list)) => list.push(json),
            None => self.on.push((event.name().to_owned(), vec![json])),
        }
        self
    }

    /// An eventless transition, taken as soon as its guard holds.
    pub fn always(mut self, t: Transition) -> StateBuilder<E> {
        self.always.push(t.to_json());
        self
    }

    /// Taken `ms` milliseconds after the state was entered, unless it was left before.
    pub fn after(mut self, ms: u64, t: Transition) -> StateBuilder<E> {
        let key = ms.to_string();
        match self.after.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(t.to_json()),
            None => self.after.push((key, vec![t.to_json()])),
        }
        self
    }

    /// Taken when the state completes (a final child reached; every region, for a parallel
    /// state).
    pub fn on_done(mut self, t: Transition) -> StateBuilder<E> {
        self.on_done.push(t.to_json());
        self
    }

    /// Adds a child state `key`, written by `f`.
    pub fn state(
        mut self,
        key: &str,
        f: impl FnOnce(StateBuilder<E>) -> StateBuilder<E>,
    ) -> StateBuilder<E> {
        self.states
            .push((key.to_owned(), f(StateBuilder::new()).into_json()));
        self
    }

    /// Adds a parallel child state `key`: its children are regions, all active together.
    pub fn parallel(
        mut self,
        key: &str,
        f: impl FnOnce(StateBuilder<E>) -> StateBuilder<E>,
    ) -> StateBuilder<E> {
        let child = f(StateBuilder::new()).field("type", Json::String("parallel".into()));
        self.states.push((key.to_owned(), child.into_json()));
        self
    }

    /// Adds a final child state `key`.
    pub fn final_state(mut self, key: &str) -> StateBuilder<E> {
        self.states.push((
            key.to_owned(),
            Json::Object(vec![("type".into(), Json::String("final".into()))]),
        ));
        self
    }

    /// Adds a history child state `key`; with nothing recorded it leads to `default` (a
    /// sibling's key), or to the parent's initial state when `None`.
    pub fn history(
        mut self,
        key: &str,
        depth: HistoryDepth,
        default: Option<&str>,
    ) -> StateBuilder<E> {
        let d = if depth == HistoryDepth::Deep {
            "deep"
        } else {
            "shallow"
        };
        let mut o = vec![
            ("type".into(), Json::String("history".into())),
            ("history".into(), Json::String(d.into())),
        ];
        if let Some(t) = default {
            o.push(("target".into(), Json::String(t.to_owned())));
        }
        self.states.push((key.to_owned(), Json::Object(o)));
        self
    }

    fn into_json(self) -> Json {
        let mut o = self.fields;
        let group = |list: Vec<(String, Vec<Json>)>| {
            Json::Object(list.into_iter().map(|(k, v)| (k, Json::Array(v))).collect())
        };
        if !self.on.is_empty() {
            o.push(("on".into(), group(self.on)));
        }
        if !self.after.is_empty() {
            o.push(("after".into(), group(self.after)));
        }
        if !self.always.is_empty() {
            o.push(("always".into(), Json::Array(self.always)));
        }
        if !self.on_done.is_empty() {
            o.push(("onDone".into(), Json::Array(self.on_done)));
        }
        if !self.states.is_empty() {
            o.push(("states".into(), Json::Object(self.states)));
        }
        Json::Object(o)
    }
}

/// Writes a chart in Rust: the root state's builder plus the machine's id and context.
///
/// ```
/// use reactive_machine::{ChartBuilder, Machine, MachineEvent, Setup, Transition};
///
/// #[derive(Clone, Copy, Debug, PartialEq, Eq)]
/// enum Light { Next, Fault }
/// impl MachineEvent for Light {
///     fn name(self) -> &'static str {
///         match self { Light::Next => "NEXT", Light::Fault => "FAULT" }
///     }
/// }
///
/// let chart = ChartBuilder::<Light>::new("light")
///     .root(|s| s
///         .initial("green")
///         .on(Light::Fault, ".blinking")
///         .state("green", |s| s.on(Light::Next, "yellow"))
///         .state("yellow", |s| s.on(Light::Next, "red"))
///         .state("red", |s| s.on_with(Light::Next, Transition::to("green").action("count")))
///         .state("blinking", |s| s))
///     .build()?;
/// let setup = Setup::new().action("count", |_| {});
/// let mut m = Machine::new(chart, &setup)?;
/// m.send(Light::Next)?;
/// assert_eq!(m.value(), "yellow");
/// m.send(Light::Fault)?;
/// assert!(m.matches("blinking"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ChartBuilder<E> {
    id: String,
    context: Option<Value>,
    root: StateBuilder<E>,
}

impl<E: MachineEvent> ChartBuilder<E> {
    /// A chart whose machine id is `id`.
    pub fn new(id: &str) -> ChartBuilder<E> {
        ChartBuilder {
            id: id.to_owned(),
            context: None,
            root: StateBuilder::new(),
        }
    }

    /// The initial context (a JSON object).
    pub fn context(mut self, context: Value) -> ChartBuilder<E> {
        self.context = Some(context);
        self
    }

    /// Writes the root state.
    pub fn root(mut self, f: impl FnOnce(StateBuilder<E>) -> StateBuilder<E>) -> ChartBuilder<E> {
        self.root = f(self.root);
        self
    }

    /// Makes the root a parallel state, then writes it.
    pub fn parallel_root(
        mut self,
        f: impl FnOnce(StateBuilder<E>) -> StateBuilder<E>,
    ) -> ChartBuilder<E> {
        self.root = f(self.root).field("type", Json::String("parallel".into()));
        self
    }

    /// The chart.
    ///
    /// # Errors
    /// The [`DefinitionError`]s of [`Chart::from_xstate_json`], with paths in the same form
    /// (`states.red.on.NEXT[0].target`): an unknown target, a missing `initial`, a context
    /// that is not an object.
    pub fn build(self) -> Result<Chart, DefinitionError> {
        let mut root = self.root.field("id", Json::String(self.id));
        if let Some(c) = self.context {
            root = root.field("context", Json::from_value(&c));
        }
        Chart::from_xstate(&root.into_json())
    }
}
