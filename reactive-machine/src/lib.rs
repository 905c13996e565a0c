//! # reactive-machine
//!
//! Statecharts that run XState v5 machine configs and SCXML documents with the W3C SCXML
//! algorithm's semantics, whose state lives on the reactive graph: the configuration, each `matches(...)` answer and
//! each context field are signals, so effects and memos follow a machine without polling.
//!
//! ```
//! use reactive_core::Effect;
//! use reactive_machine::{Chart, Machine, ManualClock, Setup};
//! use std::{cell::RefCell, rc::Rc};
//!
//! let chart = Chart::from_xstate_json(r#"{
//!     "id": "checkout", "initial": "cart", "context": { "attempts": 0 },
//!     "states": {
//!         "cart": { "on": { "CHECKOUT": "paying" } },
//!         "paying": {
//!             "entry": ["countAttempt"],
//!             "after": { "30000": "cart" },
//!             "on": { "PAID": "done", "FAILED": { "target": "paying", "reenter": true } }
//!         },
//!         "done": { "type": "final" }
//!     }
//! }"#)?;
//! let setup = Setup::new().action("countAttempt", |a| {
//!     let n = a.context["attempts"].as_i64().unwrap_or(0);
//!     a.context.insert("attempts".into(), (n + 1).into());
//! });
//! let clock = ManualClock::new();
//! let mut machine = Machine::with_clock(chart, &setup, clock.clone())?;
//!
//! let view = machine.view();
//! let shown = Rc::new(RefCell::new(Vec::new()));
//! let log = shown.clone();
//! Effect::new(move || log.borrow_mut().push(view.value()));
//!
//! machine.send("CHECKOUT")?;
//! machine.send("FAILED")?;
//! assert_eq!(machine.field("attempts"), 2);
//! clock.advance(30_000); // no payment in time: back to the cart
//! machine.run_timers()?;
//! assert_eq!(*shown.borrow(), ["cart", "paying", "cart"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## The pieces
//!
//! | you want | use |
//! |---|---|
//! | a definition from XState JSON (or to write one back, or draw it) | [`Chart::from_xstate_json`], [`Chart::to_xstate_json`], [`Chart::to_mermaid`] |
//! | a definition from an SCXML document | [`Chart::from_scxml`] |
//! | to write a definition in Rust, events as an enum | [`ChartBuilder`], [`MachineEvent`] |
//! | the guards, actions and delays it names | [`Setup`] |
//! | to run it | [`Machine`]: [`send`](Machine::send), [`run_timers`](Machine::run_timers) |
//! | to follow it from effects and memos | [`MachineView`]: `matches`, `value`, `field`, `context`, `is_done` |
//! | time under test control | [`ManualClock`] (the default is [`SystemClock`]) |
//! | to stop and resume it, timers included | [`Machine::snapshot`], [`Machine::restore`] |
//! | to drive it by a scope's event bus (feature `store`) | `ScopedMachine` |
//! | to record a run as events and replay it (feature `sourcing`) | `MachineRecorder`, `replay_machine` |
//!
//! ## Semantics
//!
//! The interpreter follows the W3C SCXML "Algorithm for SCXML Interpretation": atomic,
//! compound, parallel and final states; shallow and deep history; transitions selected in
//! document order, a descendant's transition preempting its ancestor's; target sets;
//! eventless transitions; raised events on an internal queue processed before any external
//! event (one external event and all it causes is a macrostep); exit actions deepest first,
//! then transition actions, then entry actions outermost first; `done.state.<id>` events and
//! machine completion; delayed events on a [`Clock`]. An XState chart follows XState v5 where
//! it departs from SCXML (see [`Dialect`]); the differential test in `tests/differential.rs`
//! runs random machines on both and compares every step.
//!
//! ## SCXML's data model
//!
//! SCXML documents run without ECMAScript: variables (`<data id expr>`) hold integers, strings,
//! booleans or null; expressions are literals, variables, `+ - * / %`, comparisons, `&&`, `||`,
//! `!`, parentheses and `In('state')`; executable content is `<raise>`, `<send>` to the machine
//! itself (with `delay`), `<cancel>`, `<assign>`, `<log>` (read with
//! [`Machine::take_logs`]) and `<if>`. A failing expression raises `error.execution`. Any other
//! element, attribute or expression is a [`DefinitionError::Unsupported`] naming it and its
//! line. The crate README reports the W3C tests this expresses and passes.
//!
//! ## Features
//!
//! | feature | default | adds |
//! |---|---|---|
//! | `store` | no | `ScopedMachine`: a machine in a `reactive_store::Scope`, driven by its event bus |
//! | `sourcing` | no | `MachineRecorder` and `replay_machine`: a run recorded to a `reactive_sourcing` event stream, and replayed |
//!
//! ## Design
//!
//! - A [`Chart`] is immutable and shared: states in document order in one vector, so
//!   document order is index order. Names of guards and actions are interned when the chart is
//!   loaded and resolved against the [`Setup`] once, when a machine starts: an unknown name is
//!   an error naming where it is used, and running never looks a name up.
//! - The interpreter works on plain data and publishes to signals once per macrostep, in one
//!   batch, setting only the per-state triggers of states that were entered or exited and the
//!   fields that changed. A per-state trigger exists only once someone has asked about that
//!   state.
//! - Time is read from an injectable [`Clock`]; a machine never starts threads or timers of
//!   its own: [`Machine::run_timers`] fires what is due, and [`Machine::next_due`] says when
//!   to call it next.

mod builder;
mod chart;
mod clock;
mod error;
mod event;
mod interpreter;
mod machine;
#[cfg(feature = "store")]
mod scope;
mod scxml;
mod setup;
mod snapshot;
#[cfg(feature = "sourcing")]
mod sourcing;
mod xstate;

pub use builder::{ChartBuilder, MachineEvent, StateBuilder, Transition};
pub use chart::{Chart, Dialect, HistoryDepth, StateKind};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{DefinitionError, RestoreError, RunError, StartError, StepError};
pub use event::{DescriptorSyntax, Event, EventDescriptor};
pub use machine::{Machine, MachineView};
#[cfg(feature = "store")]
pub use scope::ScopedMachine;
pub use setup::{ActionArgs, Context, GuardArgs, Setup};
pub use snapshot::{MachineSnapshot, PendingEvent, SNAPSHOT_VERSION};
#[cfg(feature = "sourcing")]
pub use sourcing::{MachineRecorder, ReplayError, SENT, STARTED, TIMERS, replay_machine};
