//! # reactive-core
//!
//! Fine-grained reactive state for Rust: **signals** hold values, **memos** derive values from
//! them, **effects** do work when what they read changes. Dependencies are tracked
//! automatically, updates are glitch-free, and everything lives in a per-thread arena of
//! `Copy` handles, so there are no `Rc<RefCell<_>>` webs to manage and nothing leaks when a
//! component goes away.
//!
//! ```
//! use reactive_core::{batch, create_root, Effect, Memo, Signal};
//! use std::{cell::RefCell, rc::Rc};
//!
//! let log = Rc::new(RefCell::new(Vec::new()));
//! let ((hp, max_hp), root) = create_root(|| {
//!     let hp = Signal::new(30);
//!     let max_hp = Signal::new(40);
//!     let ratio = Memo::new(move || hp.get() * 100 / max_hp.get());
//!     let log = log.clone();
//!     Effect::new(move || log.borrow_mut().push(ratio.get()));
//!     (hp, max_hp)
//! });
//! batch(|| {
//!     hp.set(50);
//!     max_hp.set(100);
//! });
//! assert_eq!(*log.borrow(), [75, 50]); // one run for the whole batch, never a mix
//! root.dispose(); // disposes the signals, the memo and the effect
//! ```
//!
//! ## Which construct do I choose?
//!
//! | you have | use | re-runs readers when |
//! |---|---|---|
//! | a value you set from outside | [`Signal`] (or its [`ReadSignal`]/[`WriteSignal`] halves) | it is set (`set_if_changed`: when it differs) |
//! | a value computed from others | [`Memo`] | its computed value differs from the last one |
//! | work to do when things change (render, log, sync) | [`Effect`] | — it is the reader |
//! | "is this row the selected one?" for many rows | [`Selector`] | the answer for that row flips |
//! | a list to turn into per-item views, rows or models | [`map_keyed`] | keys enter, leave or move |
//! | a parameter or field that may be any readable value | [`Derived`] (`Copy`), [`MaybeReactive`] (or a constant) | its source changes |
//! | a lifetime for a group of nodes | [`create_root`], [`Owner`] | — disposes what it owns |
//! | a value for everything below an owner | [`provide_context`] / [`use_context`] | — |
//!
//! ## The life of a value
//!
//! 1. **Read** (`get`, `with`) inside a memo or effect subscribes it. Outside, or in
//!    [`untrack`], reading just reads.
//! 2. **Write** (`set`, `update`) marks direct readers *dirty* and everything downstream
//!    *check* — nothing is recomputed yet (push).
//! 3. **Flush**: after the outermost write or [`batch`], each affected effect checks its
//!    sources in the order it read them; a memo recomputes only if one of its own sources
//!    actually changed, and a memo that recomputes to an equal value stops propagation (pull).
//!    Every computation runs at most once and sees only new values.
//! 4. **Dispose**: when an owner goes, its nodes' cleanups run, values drop and slots are
//!    reused. A handle to a disposed node reports [`ReactiveError::Disposed`]. Cleanups run
//!    untracked and with no owner, whatever was running when they were triggered.
//!
//! ## Batches
//!
//! A [`batch`] defers effects until it ends. Two rules make batches predictable:
//!
//! - **Written and written back is no change.** A signal changed by `set_if_changed` or
//!   `update_if_changed` and then changed back within the same batch notifies nobody: no effect
//!   runs, no memo recomputes. (Until a computation has *read* the new value inside the batch:
//!   from then on it is a change for every reader. `set`, `update` and `notify` always notify.)
//! - **A panicking batch still flushes.** If the closure panics, the effects its writes made
//!   pending run, then the panic continues. If one of them panics too, the closure's panic is the
//!   one you get, and the effects not run yet stay queued for the next flush.
//!
//! ```
//! use reactive_core::{batch, Effect, Signal};
//! use std::{cell::Cell, rc::Rc};
//!
//! let volume = Signal::new(5);
//! let runs = Rc::new(Cell::new(0));
//! let r = runs.clone();
//! Effect::new(move || { volume.get(); r.set(r.get() + 1); });
//! batch(|| {
//!     volume.set_if_changed(11);
//!     volume.set_if_changed(5); // back where it was
//! });
//! assert_eq!(runs.get(), 1); // only the first run
//! ```
//!
//! ## Deliberate differences from alien-signals
//!
//! The engine follows the JavaScript signal libraries where they agree (alien-signals, Preact),
//! except in two places, on purpose:
//!
//! - **Memos may not write signals**: a write while a memo computes is
//!   [`ReactiveError::WriteInsideMemo`] (as in Svelte 5 and Angular). A memo is a cached pure
//!   function; a write from inside it would depend on when it happens to be pulled. Write from an
//!   [`Effect`] instead.
//! - **Effects skipped by a panicking flush stay dirty** and run at the next flush, whatever
//!   write causes it: a panic in one effect loses no work scheduled for the others.
//!
//! ## Seeing what the runtime does
//!
//! [`Runtime::add_observer`] adds a [`RuntimeObserver`] beside the thread's others (the
//! `tracing` one, the devtools; [`Runtime::set_observer`] replaces them all), told every
//! [`RuntimeEvent`]: nodes created and disposed, writes, memo recomputations and effect runs
//! (which sources triggered them, how they ended, how long they took), flushes. When none is
//! installed it costs a flag test. [`Runtime::graph_snapshot`] shows the graph at one moment.
//!
//! ## Reading and writing through traits
//!
//! Each handle has its own `get`, `with`, `set`… methods, and the same operations are traits,
//! so a function can take "anything readable" (`impl Get<Value = T>`) or "anything writable"
//! (`impl Set<Value = T>`). The handles' own methods come first in method calls, so importing
//! the traits changes nothing for code that names a handle type.
//!
//! | trait | what it does | fallible twin | implemented by |
//! |---|---|---|---|
//! | [`Reactive`] | names the value type (`Value`) every other trait shares | — | all below |
//! | [`Track`] | subscribes the running memo or effect, without reading | `try_track` | [`Signal`], [`ReadSignal`], [`Memo`], [`Derived`], [`MaybeReactive`] |
//! | [`WithUntracked`] | lends `&Value` to a closure, untracked | `try_with_untracked` | [`Signal`], [`ReadSignal`], [`Memo`], [`Derived`], [`MaybeReactive`] |
//! | [`With`] | lends `&Value` to a closure and subscribes | `try_with` | [`Signal`], [`ReadSignal`], [`Memo`], [`Derived`], [`MaybeReactive`] |
//! | [`GetUntracked`] | clones the value out, untracked | `try_get_untracked` | every [`WithUntracked`] (blanket) |
//! | [`Get`] | clones the value out and subscribes | `try_get` | every [`With`] (blanket) |
//! | [`Set`] | replaces the value, notifies | `try_set` | [`Signal`], [`WriteSignal`] |
//! | [`Update`] | changes the value in place, notifies, returns the closure's result | `try_update` | [`Signal`], [`WriteSignal`] |
//!
//! The `try_` methods return [`ReactiveError`] (a disposed handle is
//! [`ReactiveError::Disposed`], naming where it was used); the others panic with the same
//! message. [`Derived<T>`](Derived) erases which source it reads: a signal, a memo or a
//! closure, in one `Copy` handle. [`MaybeReactive<T>`](MaybeReactive) may also be a constant;
//! a function taking `impl Into<MaybeReactive<T>>` accepts a value, a signal, a memo or a
//! `Derived`, and one taking `impl IntoMaybeReactive<T, M>` accepts a closure too.
//!
//! ```
//! use reactive_core::{Get, Memo, Signal};
//!
//! fn percent(part: impl Get<Value = u32> + 'static, whole: impl Get<Value = u32> + 'static) -> Memo<u32> {
//!     Memo::new(move || part.get() * 100 / whole.get())
//! }
//! let hp = Signal::new(30);
//! let max_hp = Memo::new(|| 40);
//! assert_eq!(percent(hp, max_hp).get(), 75);
//! ```
//!
//! ## Errors, not surprises
//!
//! Every panicking method has a `try_` twin returning [`ReactiveError`]: use after dispose, a
//! memo that depends on itself ([`ReactiveError::Cycle`]), a write inside a memo, effects that
//! never settle. Panic messages name the node, where it was created (debug builds) and where it
//! was used. A panic inside a memo or effect unwinds to the caller of `set`/`get` and leaves the
//! runtime consistent: later reads, writes and effects work. Handles are `!Send`: using one on
//! another thread does not compile:
//!
//! ```compile_fail
//! let count = reactive_core::Signal::new(0);
//! std::thread::spawn(move || count.set(1)); // error: `*const ()` cannot be sent between threads
//! ```
//!
//! ## Performance
//!
//! Reading a clean node allocates nothing and is O(1). A write costs in proportion to the nodes
//! it affects, never to the size of the graph. Re-running a computation re-collects its sources
//! without allocating when they did not change. Propagation and disposal walk deep chains with
//! explicit stacks, never recursion proportional to their depth. The first read of a memo
//! nobody computed yet does recurse (its closure reads its sources, which compute on that read),
//! so each computation checks the stack left and continues on a new heap-allocated segment when
//! it runs short: a first read through a million uncomputed memos works too.
//!
//! ## Features
//!
//! - `serde`: `Signal<T>` (de)serialises as its value; graph snapshots serialise.
//! - `tracing`: `trace` spans around memo and effect runs and flushes, and events for the rest,
//!   from a `TracingObserver` installed on each thread (nothing is compiled when off).

mod any_memo;
mod batch;
mod derived;
mod diagnostics;
mod effect;
mod engine;
mod error;
mod handle;
mod map_keyed;
mod memo;
mod observer;
mod owner;
mod selector;
mod signal;
mod traits;

pub use any_memo::AnyMemo;
pub use batch::{batch, try_batch, untrack};
pub use derived::{Derived, IntoMaybeReactive, MaybeReactive, marker};
pub use diagnostics::{EdgeSnapshot, GraphSnapshot, NodeSnapshot, NodeState, Runtime};
pub use effect::Effect;
pub use engine::{NodeId, NodeKind};
pub use error::{NodeInfo, ReactiveError};
pub use map_keyed::map_keyed;
pub use memo::Memo;
#[cfg(feature = "tracing")]
pub use observer::TracingObserver;
pub use observer::{ObserverHandle, RunOutcome, RuntimeEvent, RuntimeObserver};
pub use owner::{
    Owner, create_root, expect_context, on_cleanup, provide_context, try_on_cleanup,
    try_provide_context, use_context,
};
pub use selector::Selector;
pub use signal::{ReadSignal, Signal, WriteSignal};
pub use traits::{Get, GetUntracked, Reactive, Set, Track, Update, With, WithUntracked};
