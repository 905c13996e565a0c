//! Recording a machine's run to an event stream of `reactive-sourcing`, and replaying it
//! (feature `sourcing`).
//!
//! A recorded run is one stream: a [`STARTED`] event (the clock's time, the configuration and
//! the context after the initial macrostep), then one event per step: [`SENT`] (an external
//! event sent at a time) or [`TIMERS`] (delayed events fired at a time), each with the
//! configuration and context the step ended in. Replaying starts the chart on a
//! [`ManualClock`] set to the recorded start time and applies the steps at their recorded times;
//! the recorded configuration and context are checked after every step, so a replay that does
//! not reproduce the run (another chart, actions that are not deterministic) is a
//! [`ReplayError::Diverged`] naming the step, never a silently different machine.

use std::rc::Rc;

use reactive_sourcing::{Append, EventStore, EventStoreError, Events, ExpectedVersion, NewEvent};
use serde_json::{Value, json};
use thiserror::Error;

use crate::{Chart, Event, Machine, ManualClock, Setup, StartError, StepError};

/// Type of the first event of a recorded run: `{ at, configuration, context }`.
pub const STARTED: &str = "machine.started";
/// Type of the event recording an external event sent: `{ at, event, configuration, context }`.
pub const SENT: &str = "machine.sent";
/// Type of the event recording a `run_timers` that fired something:
/// `{ at, configuration, context }`.
pub const TIMERS: &str = "machine.timers";

/// Why a recorded run could not be replayed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// Reading the stream failed.
    #[error(transparent)]
    Store(#[from] EventStoreError),
    /// The stream is empty or does not begin with a [`STARTED`] event.
    #[error("stream {stream:?} holds no recorded machine run")]
    NotARun {
        /// The stream.
        stream: String,
    },
    /// The chart did not start.
    #[error(transparent)]
    Start(#[from] StartError),
    /// A recorded event this version does not understand.
    #[error("event {version} of the run is malformed: {reason}")]
    Malformed {
        /// Its version in the stream.
        version: u64,
        /// What is wrong.
        reason: String,
    },
    /// After the step recorded at `version`, the machine is not where the recording says.
    #[error("the replay diverged at event {version}: recorded {expected}, replayed {actual}")]
    Diverged {
        /// The step's version in the stream.
        version: u64,
        /// The recorded `{configuration, context}`.
        expected: Value,
        /// The replayed one.
        actual: Value,
    },
}

/// Records every step of a machine to a stream of an [`EventStore`].
///
/// Drive the machine through the recorder ([`send`](MachineRecorder::send),
/// [`run_timers`](MachineRecorder::run_timers)); a step made on the machine directly is not
/// recorded, and a replay then reports [`ReplayError::Diverged`].
///
/// ```
/// use reactive_machine::{Chart, Machine, ManualClock, MachineRecorder, Setup, replay_machine};
/// use reactive_sourcing::MemoryStore;
///
/// let chart = Chart::from_xstate_json(
///     r#"{"id":"door","initial":"shut","states":{"shut":{"on":{"OPEN":"open"}},"open":{"after":{"50":"shut"}}}}"#,
/// )?;
/// let clock = ManualClock::new();
/// let mut door = Machine::with_clock(chart.clone(), &Setup::new(), clock.clone())?;
/// let store = MemoryStore::new();
/// let mut recorder = MachineRecorder::start(&door, &store, "door-1")?;
/// recorder.send(&mut door, "OPEN")?;
/// clock.advance(50);
/// recorder.run_timers(&mut door)?;
///
/// let (replayed, _clock) = replay_machine(chart, &Setup::new(), &store, "door-1")?;
/// assert_eq!(replayed.configuration(), door.configuration());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct MachineRecorder<S> {
    store: S,
    stream: String,
    version: u64,
}

fn state_of(machine: &Machine) -> (Value, Value) {
    (
        json!(machine.configuration()),
        Value::Object(machine.context()),
    )
}

impl<S: EventStore> MachineRecorder<S> {
    /// Starts recording `machine` into `stream`, which must not exist yet: appends its
    /// [`STARTED`] event.
    ///
    /// # Errors
    /// The store's error, [`EventStoreError::Conflict`] when the stream exists.
    pub fn start(
        machine: &Machine,
        store: S,
        stream: impl Into<String>,
    ) -> Result<MachineRecorder<S>, EventStoreError> {
        let mut recorder = MachineRecorder {
            store,
            stream: stream.into(),
            version: 0,
        };
        let (configuration, context) = state_of(machine);
        recorder.append(
            STARTED,
            json!({ "at": machine.clock.now_ms(), "configuration": configuration, "context": context }),
            ExpectedVersion::NoStream,
        )?;
        Ok(recorder)
    }

    fn append(
        &mut self,
        kind: &str,
        payload: Value,
        expected: ExpectedVersion,
    ) -> Result<(), EventStoreError> {
        let appended = self.store.append(
            Append::new(self.stream.clone(), expected).event(NewEvent::new(kind, 1, payload)),
        )?;
        self.version = appended.stream_version;
        Ok(())
    }

    fn record(
        &mut self,
        kind: &str,
        at: u64,
        event: Option<&Event>,
        machine: &Machine,
    ) -> Result<(), EventStoreError> {
        let (configuration, context) = state_of(machine);
        let mut payload = json!({ "at": at, "configuration": configuration, "context": context });
        if let Some(event) = event {
            payload["event"] = serde_json::to_value(event).expect("an event serialises");
        }
        self.append(kind, payload, ExpectedVersion::Exact(self.version))
    }

    /// [`Machine::send`], recorded as a [`SENT`] event.
    ///
    /// # Errors
    /// [`StepError::Run`] as `send` (recorded all the same), [`StepError::Record`] when the
    /// store refuses the record.
    pub fn send(
        &mut self,
        machine: &mut Machine,
        event: impl Into<Event>,
    ) -> Result<(), StepError> {
        let event = event.into();
        let at = machine.clock.now_ms();
        let result = machine.send(event.clone());
        self.record(SENT, at, Some(&event), machine)?;
        Ok(result?)
    }

    /// [`Machine::run_timers`], recorded as a [`TIMERS`] event when something fired.
    ///
    /// # Errors
    /// As [`send`](MachineRecorder::send).
    pub fn run_timers(&mut self, machine: &mut Machine) -> Result<usize, StepError> {
        let at = machine.clock.now_ms();
        let result = machine.run_timers();
        if !matches!(result, Ok(0)) {
            self.record(TIMERS, at, None, machine)?;
        }
        Ok(result?)
    }

    /// The stream recorded into.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// The stream's version after the last record (1 after the start).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The store recorded into.
    pub fn store(&self) -> &S {
        &self.store
    }
}

fn field<'a>(payload: &'a Value, name: &str, version: u64) -> Result<&'a Value, ReplayError> {
    payload.get(name).ok_or_else(|| ReplayError::Malformed {
        version,
        reason: format!("no `{name}`"),
    })
}

fn time(payload: &Value, version: u64) -> Result<u64, ReplayError> {
    field(payload, "at", version)?
        .as_u64()
        .ok_or_else(|| ReplayError::Malformed {
            version,
            reason: "`at` is not a time in milliseconds".into(),
        })
}

/// Replays the run recorded in `stream`: starts `chart` with `setup` on a [`ManualClock`] and
/// applies every recorded step at its recorded time, checking the configuration and context
/// after each. Returns the machine where the run ended and its clock, set to the time of the
/// last recorded step (advance it, or
/// [`Machine::snapshot`] the machine and restore it on the system clock, to go on).
///
/// Actions are run again: a replay reproduces the run when they depend only on the context
/// and the event (as assign actions do).
///
/// # Errors
/// [`ReplayError`]: a store error, a stream that is not a run, a chart that does not start, a
/// malformed record, or a step whose outcome differs from the recording.
pub fn replay_machine<S: EventStore + ?Sized>(
    chart: impl Into<Rc<Chart>>,
    setup: &Setup,
    store: &S,
    stream: &str,
) -> Result<(Machine, ManualClock), ReplayError> {
    let mut events = Events::stream(store, stream, 1);
    let first = match events.next() {
        Some(first) => first?,
        None => {
            return Err(ReplayError::NotARun {
                stream: stream.into(),
            });
        }
    };
    if first.event_type != STARTED {
        return Err(ReplayError::NotARun {
            stream: stream.into(),
        });
    }
    let clock = ManualClock::new();
    clock.set(time(&first.payload, first.version)?);
    let mut machine = Machine::with_clock(chart, setup, clock.clone())?;
    check(&machine, &first.payload, first.version)?;
    for recorded in events {
        let recorded = recorded?;
        let (payload, version) = (&recorded.payload, recorded.version);
        clock.set(time(payload, version)?);
        // A refused or unsettled step is part of the run: its outcome is checked below.
        match recorded.event_type.as_str() {
            SENT => {
                let event: Event = serde_json::from_value(
                    field(payload, "event", version)?.clone(),
                )
                .map_err(|e| ReplayError::Malformed {
                    version,
                    reason: format!("`event`: {e}"),
                })?;
                let _ = machine.send(event);
            }
            TIMERS => {
                let _ = machine.run_timers();
            }
            other => {
                return Err(ReplayError::Malformed {
                    version,
                    reason: format!("unknown event type {other:?}"),
                });
            }
        }
        check(&machine, payload, version)?;
    }
    Ok((machine, clock))
}

fn check(machine: &Machine, payload: &Value, version: u64) -> Result<(), ReplayError> {
    let expected = json!({
        "configuration": field(payload, "configuration", version)?,
        "context": field(payload, "context", version)?,
    });
    let (configuration, context) = state_of(machine);
    let actual = json!({ "configuration": configuration, "context": context });
    if expected == actual {
        Ok(())
    } else {
        Err(ReplayError::Diverged {
            version,
            expected,
            actual,
        })
    }
}
