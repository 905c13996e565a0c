//! [`MachineSnapshot`]: a running machine written down — configuration, context, history and
//! **pending delayed events with their due times** — and restored to continue where it was.

use std::collections::BTreeMap;
use std::rc::Rc;

use reactive_state::{MigrationError, Migrations};
use serde::{Deserialize, Serialize};

use crate::chart::{Chart, StateKind, Sx};
use crate::clock::Clock;
use crate::error::{RestoreError, StartError};
use crate::event::Event;
use crate::interpreter::{Resolved, Run, Timer};
use crate::machine::Machine;
use crate::setup::{Context, Setup};

/// The schema version of [`MachineSnapshot`]'s JSON form.
pub const SNAPSHOT_VERSION: u32 = 1;

/// A delayed event waiting in a snapshot.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct PendingEvent {
    /// The event.
    pub event: Event,
    /// Its send id (what cancels it), if any.
    pub id: Option<String>,
    /// Clock time (ms) when it is due.
    pub due: u64,
}

/// A machine's state at rest (between macrosteps), serialisable.
///
/// Due times are clock times: restored on a [`SystemClock`](crate::SystemClock), a timer fires
/// when it would have fired had the process never stopped, or on the first
/// [`Machine::run_timers`] if that moment has passed. To pause timers while the machine was
/// stored instead, [`MachineSnapshot::resume_at`] shifts them.
///
/// ```
/// use reactive_machine::{Chart, Machine, MachineSnapshot, ManualClock, Setup};
///
/// let chart = std::rc::Rc::new(Chart::from_xstate_json(
///     r#"{"initial":"a","states":{"a":{"after":{"1000":"b"}},"b":{}}}"#,
/// )?);
/// let clock = ManualClock::new();
/// let machine = Machine::with_clock(chart.clone(), &Setup::new(), clock.clone())?;
/// clock.advance(400);
/// let json = machine.snapshot().to_json()?;
///
/// // Later, elsewhere:
/// let snapshot = MachineSnapshot::from_json(&json)?;
/// let mut again = Machine::restore(chart, &Setup::new(), clock.clone(), &snapshot)?;
/// clock.advance(600);
/// again.run_timers()?;
/// assert_eq!(again.value(), "b");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct MachineSnapshot {
    /// The id of the chart it was taken from.
    pub chart: String,
    /// The active states' paths, in the order they were entered.
    pub configuration: Vec<String>,
    /// The context.
    pub context: Context,
    /// Each history state's path and the paths it recorded.
    pub history: BTreeMap<String, Vec<String>>,
    /// Delayed events not yet fired, earliest first.
    pub pending: Vec<PendingEvent>,
    /// Whether the machine had completed.
    pub done: bool,
    /// The clock time (ms) when the snapshot was taken.
    pub taken_at: u64,
}

impl MachineSnapshot {
    /// The snapshot as versioned JSON (`{"version": 1, "state": …}`).
    ///
    /// # Errors
    /// If a context value cannot be encoded.
    pub fn to_json(&self) -> Result<String, reactive_state::CodecError> {
        Migrations::new(SNAPSHOT_VERSION).encode_json(self)
    }

    /// Reads a snapshot written by [`MachineSnapshot::to_json`] of this or an earlier version.
    ///
    /// # Errors
    /// [`MigrationError`] if it is malformed or from a newer version.
    pub fn from_json(json: &str) -> Result<MachineSnapshot, MigrationError> {
        Migrations::new(SNAPSHOT_VERSION).decode_json(json)
    }

    /// Shifts every pending event by the time between `taken_at` and `now`, so timers resume
    /// with the time they had left rather than counting the time the machine was stored.
    pub fn resume_at(mut self, now: u64) -> MachineSnapshot {
        let shift = now.saturating_sub(self.taken_at);
        for p in &mut self.pending {
            p.due = p.due.saturating_add(shift);
        }
        self.taken_at = now;
        self
    }
}

impl Machine {
    /// The machine's state, ready to store.
    pub fn snapshot(&self) -> MachineSnapshot {
        let chart = self.chart();
        let path = |s: &Sx| chart.states[*s].path.clone();
        MachineSnapshot {
            chart: chart.id().to_owned(),
            configuration: self.run.entered.iter().map(path).collect(),
            context: self.run.context.clone(),
            history: self
                .run
                .history
                .iter()
                .map(|(h, v)| (path(h), v.iter().map(path).collect()))
                .collect(),
            pending: self
                .run
                .timers
                .iter()
                .map(|t| PendingEvent {
                    event: t.event.clone(),
                    id: t.id.clone(),
                    due: t.due,
                })
                .collect(),
            done: self.run.done,
            taken_at: self.clock.now_ms(),
        }
    }

    /// A machine of `chart` in the state `snapshot` describes, on `clock`. Nothing runs on
    /// restore: no entry actions, no eventless transitions; overdue timers fire on the next
    /// [`Machine::run_timers`].
    ///
    /// # Errors
    /// [`RestoreError::UnknownState`] or [`RestoreError::IllegalConfiguration`] if the snapshot
    /// does not fit the chart; [`RestoreError::Start`] if the setup lacks a name.
    pub fn restore(
        chart: impl Into<Rc<Chart>>,
        setup: &Setup,
        clock: impl Clock + 'static,
        snapshot: &MachineSnapshot,
    ) -> Result<Machine, RestoreError> {
        let chart = chart.into();
        let fns = Resolved::new(&chart, setup)
            .map_err(|e| RestoreError::Start(StartError::Definition(e)))?;
        let find = |p: &String| {
            chart
                .lookup(p)
                .ok_or_else(|| RestoreError::UnknownState(p.clone()))
        };
        let mut run = Run::new(&chart);
        for p in &snapshot.configuration {
            let s = find(p)?;
            if !run.active[s] {
                run.active[s] = true;
                run.entered.push(s);
            }
        }
        check_configuration(&chart, &run.active).map_err(RestoreError::IllegalConfiguration)?;
        for (h, recorded) in &snapshot.history {
            let hs = find(h)?;
            if !chart.is_history(hs) {
                return Err(RestoreError::IllegalConfiguration(format!(
                    "`{h}` is not a history state"
                )));
            }
            run.history
                .insert(hs, recorded.iter().map(find).collect::<Result<_, _>>()?);
        }
        run.context = snapshot.context.clone();
        run.done = snapshot.done;
        for (seq, p) in snapshot.pending.iter().enumerate() {
            run.timers.push(Timer {
                due: p.due,
                seq: seq as u64,
                id: p.id.clone(),
                event: p.event.clone(),
            });
        }
        run.timers.sort_by_key(|t| (t.due, t.seq));
        run.next_seq = run.timers.len() as u64;
        run.context_touched = false;
        run.unclosed = run
            .entered
            .iter()
            .any(|&s| chart.states[s].parent.is_some_and(|p| !run.active[p]));
        Ok(Machine::unstarted(chart, fns, Rc::new(clock), Some(run)))
    }
}

/// Checks that `active` is a legal configuration: the root is active; no history state is;
/// and (SCXML) an active compound state has exactly one active child, an active parallel
/// state all of its children, and no other state is active. For the XState dialect only the
/// first two hold (see the comment inside).
fn check_configuration(chart: &Chart, active: &[bool]) -> Result<(), String> {
    if !active[0] {
        return Err("the root is not active".into());
    }
    for (s, node) in chart.states.iter().enumerate() {
        let path = if node.path.is_empty() {
            "(root)"
        } else {
            node.path.as_str()
        };
        let children: Vec<Sx> = chart.real_children(s).collect();
        let on = children.iter().filter(|&&c| active[c]).count();
        if !active[s] {
            // XState can leave an ancestor out of its configuration (see `machine::closed`);
            // such a snapshot restores as it was.
            if on > 0 && chart.dialect == crate::chart::Dialect::Scxml {
                return Err(format!("`{path}` has an active child but is not active"));
            }
            continue;
        }
        match node.kind {
            StateKind::History(_) => return Err(format!("the history state `{path}` is active")),
            // XState keeps some configurations SCXML forbids, and a machine of its dialect
            // reproduces them: a transition that re-enters its own atomic source in place (no
            // `reenter`) taken in the same step as one from another region that exits that
            // source leaves the source active beside its parent's new child (XState shows the
            // first), or under an exited parent. Such a snapshot restores as it was, so the
            // machine continues exactly as XState's would.
            _ if chart.dialect == crate::chart::Dialect::XState => {}
            StateKind::Compound if on != 1 => {
                return Err(format!("`{path}` has {on} active children, not 1"));
            }
            StateKind::Parallel if on != children.len() => {
                return Err(format!(
                    "the parallel state `{path}` has {on} of its {} regions active",
                    children.len()
                ));
            }
            _ => {}
        }
    }
    Ok(())
}
