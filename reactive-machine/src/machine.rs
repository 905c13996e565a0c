//! [`Machine`]: a running chart whose configuration, context and completion are signals, and
//! [`MachineView`], a cheap shared handle for reading them inside effects and memos.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::rc::Rc;

use reactive_core::{Owner, Signal, batch, untrack};
use serde_json::{Map, Value};

use crate::chart::{Chart, StateKind, Sx};
use crate::clock::{Clock, SystemClock};
use crate::error::{DefinitionError, RunError, StartError};
use crate::event::Event;
use crate::interpreter::{Interp, Resolved, Run};
use crate::setup::{Context, Setup};

/// A running statechart.
///
/// Sending an event runs its whole macrostep (every microstep, eventless transition and raised
/// event it causes) and then publishes the result in one batch: effects see the configuration
/// before the event or after all of it, never in between.
///
/// ```
/// use reactive_machine::{Chart, Machine, Setup};
/// use reactive_core::Effect;
/// use std::{cell::RefCell, rc::Rc};
///
/// let chart = Chart::from_xstate_json(r#"{
///     "id": "light", "initial": "green",
///     "states": {
///         "green": { "on": { "NEXT": "yellow" } },
///         "yellow": { "on": { "NEXT": "red" } },
///         "red": { "on": { "NEXT": "green" } }
///     }
/// }"#)?;
/// let mut machine = Machine::new(chart, &Setup::new())?;
/// let view = machine.view();
/// let seen = Rc::new(RefCell::new(Vec::new()));
/// let log = seen.clone();
/// Effect::new(move || log.borrow_mut().push(view.matches("red")));
/// machine.send("NEXT")?;
/// machine.send("NEXT")?;
/// assert_eq!(machine.value(), "red");
/// assert_eq!(*seen.borrow(), [false, true]); // re-ran only when the answer flipped
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Machine {
    pub(crate) fns: Resolved,
    pub(crate) run: Run,
    pub(crate) clock: Rc<dyn Clock>,
    pub(crate) view: MachineView,
}

/// A shared, cloneable read handle on a machine's signals: what effects and memos capture.
#[derive(Clone)]
pub struct MachineView {
    inner: Rc<ViewInner>,
}

struct ViewInner {
    chart: Rc<Chart>,
    owner: Owner,
    /// The active states in document order.
    configuration: Signal<Vec<Sx>>,
    /// Per-state triggers, created when first asked about: only readers whose answer flips
    /// re-run.
    active: RefCell<HashMap<Sx, Signal<bool>>>,
    fields: RefCell<BTreeMap<String, Signal<Value>>>,
    /// Bumped when a context field appears, so readers of a missing field re-run.
    shape: Signal<u64>,
    done: Signal<bool>,
}

impl Resolved {
    pub(crate) fn new(chart: &Chart, setup: &Setup) -> Result<Resolved, DefinitionError> {
        fn look<F: Clone>(
            kind: &'static str,
            names: &[(String, String)],
            table: &HashMap<String, F>,
        ) -> Result<Vec<F>, DefinitionError> {
            names
                .iter()
                .map(|(name, path)| {
                    table
                        .get(name)
                        .cloned()
                        .ok_or_else(|| DefinitionError::UnknownName {
                            kind,
                            name: name.clone(),
                            path: path.clone(),
                        })
                })
                .collect()
        }
        Ok(Resolved {
            actions: look("action", &chart.names.actions, &setup.actions)?,
            guards: look("guard", &chart.names.guards, &setup.guards)?,
            delays: look("delay", &chart.names.delays, &setup.delays)?,
        })
    }
}

impl Machine {
    /// Starts `chart` with the names it uses supplied by `setup`, on the system clock.
    ///
    /// # Errors
    /// [`StartError::Definition`] naming the first unknown guard, action or delay and where it
    /// is used; [`StartError::Run`] if the initial macrostep does not settle.
    pub fn new(chart: impl Into<Rc<Chart>>, setup: &Setup) -> Result<Machine, StartError> {
        Machine::with_clock(chart, setup, SystemClock)
    }

    /// Starts `chart` on `clock` (a [`ManualClock`](crate::ManualClock) in tests).
    ///
    /// # Errors
    /// As [`Machine::new`].
    pub fn with_clock(
        chart: impl Into<Rc<Chart>>,
        setup: &Setup,
        clock: impl Clock + 'static,
    ) -> Result<Machine, StartError> {
        let chart = chart.into();
        let fns = Resolved::new(&chart, setup)?;
        let mut machine = Machine::unstarted(chart, fns, Rc::new(clock), None);
        machine.step(|interp| interp.start())?;
        Ok(machine)
    }

    /// A machine whose run state is `run` (or fresh), with its signals, not started.
    pub(crate) fn unstarted(
        chart: Rc<Chart>,
        fns: Resolved,
        clock: Rc<dyn Clock>,
        run: Option<Run>,
    ) -> Machine {
        let run = run.unwrap_or_else(|| Run::new(&chart));
        let owner = Owner::new();
        let (configuration, shape, done, fields) = owner.run_in(|| {
            let fields = run
                .context
                .iter()
                .map(|(k, v)| (k.clone(), Signal::new(v.clone())))
                .collect();
            (
                Signal::new(run.configuration()),
                Signal::new(0),
                Signal::new(run.done),
                fields,
            )
        });
        let view = MachineView {
            inner: Rc::new(ViewInner {
                chart,
                owner,
                configuration,
                active: RefCell::new(HashMap::new()),
                fields: RefCell::new(fields),
                shape,
                done,
            }),
        };
        Machine {
            fns,
            run,
            clock,
            view,
        }
    }

    /// Runs `f` on the interpreter, then publishes the result to the signals, all in one batch.
    pub(crate) fn step<R>(&mut self, f: impl FnOnce(&mut Interp<'_>) -> R) -> R {
        let chart = self.view.inner.chart.clone();
        batch(|| {
            self.run.now = None;
            let out = f(&mut Interp {
                chart: &chart,
                fns: &self.fns,
                run: &mut self.run,
                eval_errors: Default::default(),
                clock: &*self.clock,
            });
            self.publish();
            out
        })
    }

    /// Sends an external event and runs its macrostep.
    ///
    /// # Errors
    /// [`RunError::Done`] once the machine has completed; [`RunError::Livelock`] if the
    /// macrostep does not settle (the machine keeps the state reached so far).
    pub fn send(&mut self, event: impl Into<Event>) -> Result<(), RunError> {
        let event = event.into();
        self.step(|interp| interp.send(event))
    }

    /// Fires the delayed events that are due by the clock, earliest first (ties in the order
    /// they were sent), each as an external event with its own macrostep. Returns how many
    /// fired. A timer that comes due while these run (a delay of 0, say) fires too.
    ///
    /// # Errors
    /// As [`Machine::send`].
    pub fn run_timers(&mut self) -> Result<usize, RunError> {
        let mut fired = 0;
        loop {
            let now = self.clock.now_ms();
            match self.run.timers.first() {
                Some(t) if t.due <= now && !self.run.done => {
                    let timer = self.run.timers.remove(0);
                    fired += 1;
                    self.step(|interp| interp.send(timer.event))?;
                }
                _ => return Ok(fired),
            }
        }
    }

    /// When the next delayed event is due (clock milliseconds), if any is pending.
    pub fn next_due(&self) -> Option<u64> {
        self.run.timers.first().map(|t| t.due)
    }

    /// The pending delayed events: each event's name and when it is due.
    pub fn pending(&self) -> Vec<(String, u64)> {
        self.run
            .timers
            .iter()
            .map(|t| (t.event.name().to_owned(), t.due))
            .collect()
    }

    /// Whether `event` would select a transition that has a target or actions now (tracked:
    /// re-evaluated when the configuration or the context changes).
    pub fn can(&self, event: impl Into<Event>) -> bool {
        let event = event.into();
        self.view.inner.configuration.track();
        for f in self.view.inner.fields.borrow().values() {
            f.track();
        }
        let chart = self.view.inner.chart.clone();
        let mut run = self.run.clone();
        let interp = Interp {
            chart: &chart,
            fns: &self.fns,
            run: &mut run,
            eval_errors: Default::default(),
            clock: &*self.clock,
        };
        !self.run.done
            && untrack(|| interp.select(&event))
                .iter()
                .any(|t| t.targets.is_some() || !t.actions.is_empty())
    }

    /// Disposes the machine's signals. They belong to the owner that was current when the
    /// machine was created (they go with it, as any node does); this frees them sooner. Views
    /// read after this panic with [`ReactiveError::Disposed`](reactive_core::ReactiveError).
    pub fn dispose(self) {
        self.view.inner.owner.dispose();
    }

    /// Takes what SCXML `<log>` elements wrote since the last call: each label and value.
    pub fn take_logs(&mut self) -> Vec<(String, Value)> {
        std::mem::take(&mut self.run.logs)
    }

    /// A cloneable read handle for effects and memos.
    pub fn view(&self) -> MachineView {
        self.view.clone()
    }

    /// The chart this machine runs.
    pub fn chart(&self) -> &Rc<Chart> {
        &self.view.inner.chart
    }

    /// See [`MachineView::matches`].
    pub fn matches(&self, path: &str) -> bool {
        self.view.matches(path)
    }

    /// See [`MachineView::value`].
    pub fn value(&self) -> Value {
        self.view.value()
    }

    /// See [`MachineView::context`].
    pub fn context(&self) -> Context {
        self.view.context()
    }

    /// See [`MachineView::field`].
    pub fn field(&self, name: &str) -> Value {
        self.view.field(name)
    }

    /// See [`MachineView::is_done`].
    pub fn is_done(&self) -> bool {
        self.view.is_done()
    }

    /// See [`MachineView::configuration`].
    pub fn configuration(&self) -> Vec<String> {
        self.view.configuration()
    }

    /// Writes the run state to the signals (inside the caller's batch): only the states
    /// entered or exited and the fields that differ are set.
    fn publish(&mut self) {
        let inner = &self.view.inner;
        if !self.run.touched.is_empty() {
            // Compared and rewritten in place: no allocation per macrostep.
            let active = &self.run.active;
            let is_active = |&s: &Sx| active[s];
            let same = inner
                .configuration
                .with_untracked(|old| old.iter().copied().eq((0..active.len()).filter(is_active)));
            if !same {
                inner.configuration.update(|c| {
                    c.clear();
                    c.extend((0..active.len()).filter(is_active));
                });
            }
            let active = inner.active.borrow();
            for s in self.run.touched.drain(..) {
                if let Some(sig) = active.get(&s) {
                    sig.set_if_changed(self.run.active[s]);
                }
            }
        }
        if std::mem::take(&mut self.run.context_touched) {
            let mut fields = inner.fields.borrow_mut();
            let mut grew = false;
            for (k, v) in &self.run.context {
                match fields.get(k) {
                    Some(sig) => {
                        if sig.with_untracked(|old| old != v) {
                            sig.set(v.clone());
                        }
                    }
                    None => {
                        fields.insert(k.clone(), inner.owner.run_in(|| Signal::new(v.clone())));
                        grew = true;
                    }
                }
            }
            for (k, sig) in fields.iter() {
                if !self.run.context.contains_key(k) {
                    sig.set_if_changed(Value::Null);
                }
            }
            if grew {
                inner.shape.update(|n| *n += 1);
            }
        }
        inner.done.set_if_changed(self.run.done);
    }
}

impl MachineView {
    /// Whether the state at `path` is active: keys joined by dots from the root
    /// (`"checkout.payment"`), or `#id`. An unknown path answers `false`. Tracked through a
    /// trigger per state: a reader re-runs only when this answer flips.
    pub fn matches(&self, path: &str) -> bool {
        let inner = &self.inner;
        let Some(s) = inner.chart.lookup(path) else {
            return false;
        };
        let sig = *inner.active.borrow_mut().entry(s).or_insert_with(|| {
            let now = inner
                .configuration
                .with_untracked(|c| c.binary_search(&s).is_ok());
            inner.owner.run_in(|| Signal::new(now))
        });
        sig.get()
    }

    /// The state value in XState's shape: `"idle"`, `{"checkout": "payment"}`,
    /// `{"p": {"a": "x", "b": "y"}}`. Tracked.
    pub fn value(&self) -> Value {
        let chart = &self.inner.chart;
        self.inner
            .configuration
            .with(|config| state_value(chart, &closed(chart, config.iter().copied()), 0))
    }

    /// The active states' paths in document order (the root is `""`). Tracked.
    pub fn configuration(&self) -> Vec<String> {
        let chart = &self.inner.chart;
        self.inner
            .configuration
            .with(|c| c.iter().map(|&s| chart.states[s].path.clone()).collect())
    }

    /// The whole context. Tracks every field.
    pub fn context(&self) -> Context {
        self.inner.shape.track();
        let fields = self.inner.fields.borrow();
        fields
            .iter()
            .filter_map(|(k, s)| {
                Some(k.clone())
                    .zip(Some(s.get()))
                    .filter(|(_, v)| !v.is_null())
            })
            .collect::<Map<_, _>>()
    }

    /// One context field (`Null` when absent). Tracked: a reader re-runs when this field
    /// changes, not when others do.
    pub fn field(&self, name: &str) -> Value {
        let sig = self.inner.fields.borrow().get(name).copied();
        match sig {
            Some(s) => s.get(),
            None => {
                self.inner.shape.track();
                Value::Null
            }
        }
    }

    /// Whether the machine has reached a top-level final state. Tracked.
    pub fn is_done(&self) -> bool {
        self.inner.done.get()
    }
}

/// The configuration with every ancestor of an active state marked active too. A legal
/// configuration is already closed; XState can reach one that is not (a history state restored
/// into a region that the same microstep re-enters), and reports its value closed like this.
pub(crate) fn closed(chart: &Chart, config: impl IntoIterator<Item = Sx>) -> Vec<bool> {
    let mut flags = vec![false; chart.states.len()];
    for s in config {
        let mut at = Some(s);
        while let Some(x) = at {
            if flags[x] && x != s {
                break;
            }
            flags[x] = true;
            at = chart.states[x].parent;
        }
    }
    flags
}

/// XState's state value of `s` given the closed configuration.
fn state_value(chart: &Chart, closed: &[bool], s: Sx) -> Value {
    let active_children = || chart.real_children(s).filter(|&c| closed[c]);
    match chart.states[s].kind {
        StateKind::Compound => match active_children().next() {
            Some(c) if chart.is_atomic(c) => Value::String(chart.states[c].key.clone()),
            Some(c) => Value::Object(Map::from_iter([(
                chart.states[c].key.clone(),
                state_value(chart, closed, c),
            )])),
            None => Value::Object(Map::new()),
        },
        StateKind::Parallel => Value::Object(
            active_children()
                .map(|c| (chart.states[c].key.clone(), state_value(chart, closed, c)))
                .collect(),
        ),
        _ => Value::Object(Map::new()),
    }
}

impl fmt::Debug for Machine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Machine")
            .field("chart", &self.view.inner.chart.id())
            .field("configuration", &self.run.configuration())
            .field("context", &self.run.context)
            .field("done", &self.run.done)
            .field("pending", &self.pending())
            .finish()
    }
}

impl fmt::Debug for MachineView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MachineView")
            .field("chart", &self.inner.chart.id())
            .finish_non_exhaustive()
    }
}
