//! # reactive-testing
//!
//! Helpers for testing code built on the reactive framework, each small enough to read in a
//! minute:
//!
//! | you want to assert | use |
//! |---|---|
//! | how often an effect or memo ran | [`RunCounter`], [`counted_memo`] |
//! | which values an effect saw, in order | [`ValueLog`], [`record_effect`] |
//! | which patches a change produced | [`assert_patches!`] (JSON Patch objects written inline) |
//! | that a test disposed every node it created | [`LeakCheck`], [`no_leaks`] |
//! | that delayed events fire when time says so | [`ManualClock`] (feature `machine`, default) |
//! | a law over many values of a `State` type | `strategy::state_like` (feature `proptest`) |
//! | an aggregate's decisions: given events, when a command, then events | `AggregateTest` (feature `sourcing`) |
//!
//! ```
//! use reactive_core::{create_root, Get, Set, Signal};
//! use reactive_testing::{counted_memo, no_leaks, record_effect, RunCounter};
//!
//! no_leaks(|| {
//!     let runs = RunCounter::new();
//!     let ((count, log), root) = create_root(|| {
//!         let count = Signal::new(1);
//!         let double = counted_memo(&runs, move || count.get() * 2);
//!         let (_effect, log) = record_effect(move || double.get());
//!         (count, log)
//!     });
//!     count.set(5);
//!     assert_eq!(log.take(), [2, 10]);
//!     assert_eq!(runs.take(), 2);
//!     root.dispose();
//! });
//! ```
//!
//! ## Design
//!
//! - Recorders are `Rc`-shared handles: clone one into the closure under test, keep the other.
//!   `take` returns what happened since the last `take`, so each step of a test asserts only its
//!   own effects.
//! - The leak check compares node *identities* from [`reactive_core::Runtime::graph_snapshot`]
//!   taken before and after, so it names the leaked nodes (kind, name, where created) and is not
//!   fooled by a test that disposes old nodes while leaking new ones. It needs nothing from the
//!   engine beyond its public diagnostics.
//! - The manual clock is `reactive-machine`'s own [`ManualClock`] re-exported, not a copy:
//!   one clock drives statecharts' timers and whatever else a test times. `reactive-machine`
//!   does not depend on this crate, so there is no cycle.
//! - `assert_patches!` compares patches as JSON (their serialised form, RFC 6902 plus `old`),
//!   member by member, so a test writes only the members it cares about.

mod leak;
mod patches;
mod recorder;
#[cfg(feature = "proptest")]
pub mod strategy;

pub use leak::{Leak, LeakCheck, no_leaks};
pub use patches::{PatchMismatch, assert_patches_match, match_patches};
pub use recorder::{RunCounter, ValueLog, counted_memo, record_effect};

/// A clock that moves only when a test says so, shared with statecharts' delayed events
/// (`reactive-machine`'s clock, re-exported).
///
/// ```
/// use reactive_testing::{Clock, ManualClock};
/// let clock = ManualClock::new();
/// let machine_side = clock.clone();
/// clock.advance(1_500);
/// assert_eq!(machine_side.now_ms(), 1_500);
/// ```
#[cfg(feature = "machine")]
pub use reactive_machine::ManualClock;

/// The clock trait [`ManualClock`] implements (`reactive-machine`'s, re-exported).
#[cfg(feature = "machine")]
pub use reactive_machine::Clock;

/// The given/when/then aggregate harness of `reactive-sourcing`, re-exported (feature
/// `sourcing`).
#[cfg(feature = "sourcing")]
pub use reactive_sourcing::testing::{AggregateOutcome, AggregateTest};

/// What [`assert_patches!`] expands to. Not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use reactive_state::Patch;
    pub use serde_json::json;
}

/// The README's example, run as a doc test so it never rots.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
