//! The interpreter: the W3C SCXML "Algorithm for SCXML Interpretation" over plain data, with
//! no signals in sight. A [`Run`] is one machine's mutable state; [`Machine`](crate::Machine)
//! wraps it and publishes the result as signals after each macrostep.
//!
//! Seams: this file selects transitions and runs macrosteps and actions; `interpreter/sets.rs`
//! computes transition domains and the exit and entry sets of a microstep.

mod sets;

use std::collections::{BTreeMap, VecDeque};

use crate::chart::{Action, Chart, Delay, Dialect, Guard, StateKind, Sx, Transition};
use crate::error::RunError;
use crate::event::Event;
use crate::scxml::expr::{EvalError, Expr};
use crate::setup::{ActionArgs, ActionFn, Context, DelayFn, GuardArgs, GuardFn};

/// A macrostep that runs more microsteps than this is a livelock.
pub(crate) const MAX_MICROSTEPS: usize = 10_000;

/// The setup's functions, in the chart's interned slots.
#[derive(Clone)]
pub(crate) struct Resolved {
    pub actions: Vec<ActionFn>,
    pub guards: Vec<GuardFn>,
    pub delays: Vec<DelayFn>,
}

/// A delayed event waiting for its time.
#[derive(Clone, PartialEq, Debug)]
pub(crate) struct Timer {
    /// Clock time (ms) at which it is due.
    pub due: u64,
    /// Order of scheduling: ties on `due` fire first-scheduled first.
    pub seq: u64,
    /// The send id (`cancel` removes by it).
    pub id: Option<String>,
    pub event: Event,
}

/// One machine's mutable state.
#[derive(Clone, Debug)]
pub(crate) struct Run {
    /// Whether each state is in the configuration.
    pub active: Vec<bool>,
    /// The active states in the order they were entered (states entered in one microstep in
    /// document order). XState tries eventless transitions in this order.
    pub entered: Vec<Sx>,
    /// History state → the states it recorded when its parent was last exited.
    pub history: BTreeMap<Sx, Vec<Sx>>,
    pub context: Context,
    pub internal: VecDeque<Event>,
    /// Pending delayed events, sorted by (due, seq).
    pub timers: Vec<Timer>,
    pub next_seq: u64,
    pub done: bool,
    /// The clock's time while a macrostep runs (delays count from it), read when the
    /// macrostep schedules its first delayed event: a machine without timers never reads the
    /// clock.
    pub now: Option<u64>,
    /// States entered or exited since the signals were last published.
    pub touched: Vec<Sx>,
    /// Whether an action may have changed the context since the signals were last published.
    pub context_touched: bool,
    /// What SCXML `<log>` elements wrote: label and value.
    pub logs: Vec<(String, serde_json::Value)>,
    /// Whether the last exit recorded a history value different from the one before.
    pub history_changed: bool,
    /// Whether some active state's parent is not active (XState can get there; see
    /// `machine::closed`): selection then walks the configuration closed under ancestors.
    pub unclosed: bool,
    /// A buffer reused by each microstep (the entered order before it).
    pub spare: Vec<Sx>,
    /// The entry set's buffers, reused by each microstep.
    pub entry: sets::EntrySet,
    /// The exit set's buffer, reused by each microstep.
    pub exit: Vec<Sx>,
}

/// A borrowed interpreter: the chart, the setup's functions and one machine's state.
pub(crate) struct Interp<'a> {
    pub chart: &'a Chart,
    pub fns: &'a Resolved,
    pub run: &'a mut Run,
    /// Conditions that failed to evaluate during a selection (each raises `error.execution`).
    pub eval_errors: std::cell::Cell<usize>,
    /// The machine's clock, read once per macrostep when a delay is first scheduled.
    pub clock: &'a dyn crate::Clock,
}

impl Run {
    pub fn new(chart: &Chart) -> Run {
        Run {
            active: vec![false; chart.states.len()],
            entered: Vec::new(),
            history: BTreeMap::new(),
            context: chart.context.clone(),
            internal: VecDeque::new(),
            timers: Vec::new(),
            next_seq: 0,
            done: false,
            now: None,
            touched: Vec::new(),
            context_touched: true,
            logs: Vec::new(),
            history_changed: false,
            unclosed: false,
            spare: Vec::new(),
            entry: sets::EntrySet::default(),
            exit: Vec::new(),
        }
    }

    /// The active states in document order.
    pub fn configuration(&self) -> Vec<Sx> {
        (0..self.active.len()).filter(|&s| self.active[s]).collect()
    }
}

impl<'a> Interp<'a> {
    /// Enters the initial configuration and runs the first macrostep.
    pub fn start(&mut self) -> Result<(), RunError> {
        let init = Event::new(match self.chart.dialect {
            Dialect::XState => "xstate.init",
            Dialect::Scxml => "",
        });
        let mut set = std::mem::take(&mut self.run.entry);
        self.initial_entry_set(&mut set);
        self.enter_states(&set.enter_list, &set.default_list, &init);
        self.run.entry = set;
        self.settle(init)
    }

    /// Processes one external event: its transitions, then everything it causes.
    pub fn send(&mut self, event: Event) -> Result<(), RunError> {
        if self.run.done {
            return Err(RunError::Done);
        }
        let transitions = self.select(&event);
        self.raise_eval_errors();
        self.microstep(&transitions, &event);
        self.settle(event)
    }

    /// Runs eventless transitions and internal events until neither is left (the rest of the
    /// macrostep).
    fn settle(&mut self, mut last: Event) -> Result<(), RunError> {
        let mut try_eventless = true;
        let mut steps = 0;
        while !self.run.done {
            steps += 1;
            if steps > MAX_MICROSTEPS {
                return Err(RunError::Livelock {
                    microsteps: MAX_MICROSTEPS,
                });
            }
            let mut transitions = if try_eventless && self.chart.has_eventless {
                self.select_eventless(&last)
            } else {
                Vec::new()
            };
            self.raise_eval_errors();
            let eventless = !transitions.is_empty();
            if !eventless {
                let Some(event) = self.run.internal.pop_front() else {
                    break;
                };
                last = event;
                transitions = self.select(&last);
                self.raise_eval_errors();
            }
            // XState: after an eventless microstep that changed nothing, eventless transitions
            // are tried again only after the next internal event (otherwise a targetless
            // `always` would loop forever).
            let before = (eventless && self.chart.dialect == Dialect::XState).then(|| {
                (
                    self.run.active.clone(),
                    self.run.history.clone(),
                    self.run.context.clone(),
                )
            });
            self.microstep(&transitions, &last);
            try_eventless = match before {
                Some((active, history, context)) => {
                    active != self.run.active
                        || history != self.run.history
                        || context != self.run.context
                }
                None => true,
            };
        }
        Ok(())
    }

    /// The enabled transitions for `event`, without conflicts.
    pub fn select(&self, event: &Event) -> Vec<&'a Transition> {
        let chart: &'a Chart = self.chart;
        let mut enabled = Vec::new();
        match chart.dialect {
            Dialect::XState if self.run.unclosed => {
                let closed = crate::machine::closed(chart, self.run.entered.iter().copied());
                self.select_xstate(0, &closed, event, &mut enabled);
            }
            Dialect::XState => self.select_xstate(0, &self.run.active, event, &mut enabled),
            Dialect::Scxml => {
                for s in self.atomic_active() {
                    for st in std::iter::once(s).chain(chart.proper_ancestors(s, None)) {
                        if let Some(t) = self.first_enabled(&chart.states[st].on, event) {
                            push_unique(&mut enabled, t);
                            break;
                        }
                    }
                }
            }
        }
        self.remove_conflicting(enabled)
    }

    /// XState walks the state value: a state's own transitions count only when none of its
    /// active descendants has one.
    fn select_xstate(&self, s: Sx, closed: &[bool], event: &Event, out: &mut Vec<&'a Transition>) {
        let chart: &'a Chart = self.chart;
        let before = out.len();
        for c in chart.real_children(s) {
            if closed[c] {
                self.select_xstate(c, closed, event, out);
            }
        }
        if out.len() == before
            && let Some(t) = self.first_enabled(&chart.states[s].on, event)
        {
            push_unique(out, t);
        }
    }

    /// The first transition of `list` whose descriptor matches and whose guard holds. XState
    /// tries exact descriptors first, then wildcards from the longest.
    fn first_enabled(&self, list: &'a [Transition], event: &Event) -> Option<&'a Transition> {
        let matching = |t: &&Transition| t.events.iter().any(|d| d.matches(event.name()));
        if self.chart.dialect == Dialect::XState
            && list.iter().any(|t| t.events.iter().any(|d| !d.is_exact()))
        {
            let rank = |t: &Transition| {
                let d = t
                    .events
                    .iter()
                    .find(|d| d.matches(event.name()))
                    .expect("matching");
                if d.is_exact() {
                    usize::MAX
                } else {
                    d.as_str().len()
                }
            };
            let mut candidates: Vec<&Transition> = list.iter().filter(matching).collect();
            candidates.sort_by_key(|t| std::cmp::Reverse(rank(t)));
            return candidates
                .into_iter()
                .find(|t| self.guard_holds(t.guard.as_ref(), event));
        }
        list.iter()
            .filter(matching)
            .find(|t| self.guard_holds(t.guard.as_ref(), event))
    }

    fn select_eventless(&self, event: &Event) -> Vec<&'a Transition> {
        let chart: &'a Chart = self.chart;
        let mut enabled = Vec::new();
        for s in self.atomic_active_for_eventless() {
            for st in std::iter::once(s).chain(chart.proper_ancestors(s, None)) {
                let found = chart.states[st]
                    .always
                    .iter()
                    .find(|t| self.guard_holds(t.guard.as_ref(), event));
                if let Some(t) = found {
                    push_unique(&mut enabled, t);
                    break;
                }
            }
        }
        self.remove_conflicting(enabled)
    }

    /// The active atomic states in document order.
    fn atomic_active(&self) -> impl Iterator<Item = Sx> + '_ {
        (0..self.run.active.len()).filter(|&s| self.run.active[s] && self.chart.is_atomic(s))
    }

    /// The active atomic states in the order eventless transitions are tried: document order
    /// (SCXML), or the order they were entered (XState).
    fn atomic_active_for_eventless(&self) -> Vec<Sx> {
        match self.chart.dialect {
            Dialect::Scxml => self.atomic_active().collect(),
            Dialect::XState => self
                .run
                .entered
                .iter()
                .copied()
                .filter(|&s| self.chart.is_atomic(s))
                .collect(),
        }
    }

    pub fn guard_holds(&self, guard: Option<&Guard>, event: &Event) -> bool {
        match guard {
            None => true,
            Some(Guard::Expr(e)) => match self.eval(e) {
                Ok(v) => crate::scxml::expr::truthy(&v),
                Err(_) => {
                    // SCXML: a condition that cannot be evaluated is false and raises
                    // `error.execution` (queued once the selection is over).
                    self.eval_errors.set(self.eval_errors.get() + 1);
                    false
                }
            },
            Some(Guard::Named { slot, params }) => (self.fns.guards[*slot])(&GuardArgs {
                context: &self.run.context,
                event,
                params: params.as_ref(),
            }),
        }
    }

    /// Drops transitions whose exit sets intersect an earlier one's; a transition from a
    /// descendant wins over one from its ancestor, otherwise the earlier wins.
    fn remove_conflicting(&self, enabled: Vec<&'a Transition>) -> Vec<&'a Transition> {
        if enabled.len() < 2 {
            return enabled;
        }
        let mut filtered: Vec<(&Transition, Vec<Sx>)> = Vec::new();
        for t1 in enabled {
            let exit1 = self.exit_set(t1);
            let mut preempted = false;
            let mut remove = Vec::new();
            for (i, (t2, exit2)) in filtered.iter().enumerate() {
                if exit1.iter().any(|s| exit2.contains(s)) {
                    if self.chart.is_descendant(t1.source, t2.source) {
                        remove.push(i);
                    } else {
                        preempted = true;
                        break;
                    }
                }
            }
            if !preempted {
                for i in remove.into_iter().rev() {
                    filtered.remove(i);
                }
                filtered.push((t1, exit1));
            }
        }
        filtered.into_iter().map(|(t, _)| t).collect()
    }

    /// One microstep: exit, transition actions, enter.
    fn microstep(&mut self, transitions: &[&Transition], event: &Event) {
        if transitions.is_empty() {
            return;
        }
        let mut exit = std::mem::take(&mut self.run.exit);
        match transitions {
            // One transition's exit set comes in document order: reversed, deepest first.
            [t] => {
                self.exit_set_into(t, &mut exit);
                exit.reverse();
            }
            _ => {
                let mut flags = vec![false; self.run.active.len()];
                for t in transitions {
                    self.exit_set_into(t, &mut exit);
                    for &s in &exit {
                        flags[s] = true;
                    }
                }
                exit.clear();
                exit.extend((0..flags.len()).rev().filter(|&s| flags[s]));
            }
        }
        // XState keeps its list of active states (and so the order of eventless selection)
        // when a microstep ends with the same states and history it began with.
        let before = (self.chart.dialect == Dialect::XState && !exit.is_empty()).then(|| {
            let mut saved = std::mem::take(&mut self.run.spare);
            saved.clear();
            saved.extend_from_slice(&self.run.entered);
            saved
        });
        self.run.history_changed = false;
        self.exit_states(&exit, event);
        self.run.exit = exit;
        for t in transitions {
            self.run_actions(&t.actions, event);
        }
        let mut set = std::mem::take(&mut self.run.entry);
        self.entry_set(transitions, &mut set);
        self.enter_states(&set.enter_list, &set.default_list, event);
        self.run.entry = set;
        if let Some(mut entered) = before {
            if !self.run.history_changed
                && entered.len() == self.run.entered.len()
                && entered.iter().all(|&s| self.run.active[s])
            {
                std::mem::swap(&mut self.run.entered, &mut entered);
            }
            self.run.spare = entered;
        }
        let chart = self.chart;
        let active = &self.run.active;
        self.run.unclosed = self
            .run
            .entered
            .iter()
            .any(|&s| chart.states[s].parent.is_some_and(|p| !active[p]));
    }

    fn exit_states(&mut self, exit: &[Sx], event: &Event) {
        let chart = self.chart;
        for &s in exit {
            for &h in &chart.states[s].children {
                let StateKind::History(depth) = chart.states[h].kind else {
                    continue;
                };
                let recorded: Vec<Sx> = (0..self.run.active.len())
                    .filter(|&x| self.run.active[x])
                    .filter(|&x| match depth {
                        crate::chart::HistoryDepth::Deep => {
                            chart.is_atomic(x) && chart.is_descendant(x, s)
                        }
                        crate::chart::HistoryDepth::Shallow => chart.states[x].parent == Some(s),
                    })
                    .collect();
                if self.run.history.get(&h) != Some(&recorded) {
                    self.run.history_changed = true;
                    self.run.history.insert(h, recorded);
                }
            }
        }
        for &s in exit {
            self.run_actions(&chart.states[s].exit, event);
            self.run.active[s] = false;
            self.run.entered.retain(|&x| x != s);
            self.run.touched.push(s);
        }
    }

    fn enter_states(&mut self, enter: &[Sx], default: &[Sx], event: &Event) {
        let chart = self.chart;
        let mut completed: Vec<Sx> = Vec::new();
        for &s in enter {
            if !self.run.active[s] {
                self.run.entered.push(s);
            }
            self.run.active[s] = true;
            self.run.touched.push(s);
            let node = &chart.states[s];
            self.run_actions(&node.entry, event);
            if default.contains(&s)
                && let Some(init) = &node.initial
            {
                self.run_actions(&init.actions, event);
            }
            if node.kind != StateKind::Final {
                continue;
            }
            let Some(parent) = node.parent else {
                self.finish(event);
                return;
            };
            let parent_kind = chart.states[parent].kind;
            let mut marker = if parent_kind == StateKind::Parallel {
                Some(parent)
            } else {
                chart.states[parent].parent
            };
            if parent_kind == StateKind::Compound {
                self.raise_done(parent);
            }
            while let Some(m) = marker {
                if chart.states[m].kind != StateKind::Parallel
                    || completed.contains(&m)
                    || !self.in_final(m)
                {
                    break;
                }
                completed.push(m);
                self.raise_done(m);
                marker = chart.states[m].parent;
            }
            if marker.is_none() {
                self.finish(event);
                return;
            }
        }
    }

    fn raise_done(&mut self, s: Sx) {
        let name = format!("{}{}", self.chart.done_prefix(), self.chart.states[s].id);
        self.run.internal.push_back(Event::new(name));
    }

    /// Whether `s` is in a final configuration: a compound whose active child is final, a
    /// parallel whose regions all are.
    pub fn in_final(&self, s: Sx) -> bool {
        let chart = self.chart;
        match chart.states[s].kind {
            StateKind::Compound => chart
                .real_children(s)
                .any(|c| chart.states[c].kind == StateKind::Final && self.run.active[c]),
            StateKind::Parallel => chart.real_children(s).all(|c| self.in_final(c)),
            StateKind::Final => true,
            _ => false,
        }
    }

    /// The machine completed: exit actions of every active state run (deepest first), pending
    /// timers are dropped; the final configuration stays visible.
    fn finish(&mut self, event: &Event) {
        self.run.done = true;
        let active: Vec<Sx> = (0..self.run.active.len())
            .rev()
            .filter(|&s| self.run.active[s])
            .collect();
        for s in active {
            self.run_actions(&self.chart.states[s].exit, event);
        }
        self.run.timers.clear();
        self.run.internal.clear();
    }

    fn raise_eval_errors(&mut self) {
        for _ in 0..self.eval_errors.replace(0) {
            self.run.internal.push_back(Event::new("error.execution"));
        }
    }

    /// Evaluates an SCXML expression over the context.
    fn eval(&self, e: &Expr) -> Result<serde_json::Value, EvalError> {
        let in_state = |id: &str| self.chart.lookup(id).is_some_and(|s| self.run.active[s]);
        crate::scxml::expr::eval(e, &self.run.context, &in_state)
    }

    /// Runs a block of actions. An SCXML element that fails raises `error.execution` and ends
    /// the block.
    fn run_actions(&mut self, actions: &[Action], event: &Event) {
        if self.run_block(actions, event).is_err() {
            self.run.internal.push_back(Event::new("error.execution"));
        }
    }

    fn run_block(&mut self, actions: &[Action], event: &Event) -> Result<(), EvalError> {
        for action in actions {
            match action {
                Action::Assign { location, expr } => {
                    let v = self.eval(expr)?;
                    let slot = self.run.context.get_mut(location).ok_or(EvalError)?;
                    *slot = v;
                    self.run.context_touched = true;
                }
                Action::Log { label, expr } => {
                    let v = match expr {
                        Some(e) => self.eval(e)?,
                        None => serde_json::Value::Null,
                    };
                    self.run.logs.push((label.clone(), v));
                }
                Action::If { branches } => {
                    for (cond, body) in branches {
                        let take = match cond {
                            Some(c) => crate::scxml::expr::truthy(&self.eval(c)?),
                            None => true,
                        };
                        if take {
                            self.run_block(body, event)?;
                            break;
                        }
                    }
                }
                Action::Named { slot, params } => {
                    let mut raised = Vec::new();
                    let f = &self.fns.actions[*slot];
                    f(&mut ActionArgs::new(
                        &mut self.run.context,
                        event,
                        params.as_ref(),
                        &mut raised,
                    ));
                    self.run.internal.extend(raised);
                    self.run.context_touched = true;
                }
                Action::Raise {
                    event: name,
                    delay: None,
                    ..
                } => self.run.internal.push_back(Event::new(name.clone())),
                Action::Raise {
                    event: name,
                    delay: Some(delay),
                    id,
                    ..
                } => {
                    let ms = match delay {
                        Delay::Ms(ms) => *ms,
                        Delay::Named(slot) => (self.fns.delays[*slot])(&GuardArgs {
                            context: &self.run.context,
                            event,
                            params: None,
                        }),
                    };
                    let clock = self.clock;
                    let now = *self.run.now.get_or_insert_with(|| clock.now_ms());
                    self.schedule(Timer {
                        due: now.saturating_add(ms),
                        seq: 0,
                        id: id.clone(),
                        event: Event::new(name.clone()),
                    });
                }
                Action::Cancel { id, .. } => {
                    self.run.timers.retain(|t| t.id.as_deref() != Some(id))
                }
            }
        }
        Ok(())
    }

    /// Adds a timer in (due, seq) order.
    pub fn schedule(&mut self, mut timer: Timer) {
        timer.seq = self.run.next_seq;
        self.run.next_seq += 1;
        let at = self
            .run
            .timers
            .partition_point(|t| (t.due, t.seq) <= (timer.due, timer.seq));
        self.run.timers.insert(at, timer);
    }
}

fn push_unique<'c>(list: &mut Vec<&'c Transition>, t: &'c Transition) {
    if !list.iter().any(|x| std::ptr::eq(*x, t)) {
        list.push(t);
    }
}
