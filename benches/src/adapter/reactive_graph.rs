//! Adapter for Leptos' `reactive_graph` 0.2 (feature `effects`).
//!
//! - Effects are asynchronous tasks on the thread's local executor: the adapter initialises
//!   `any_spawner`'s futures executor once, as that crate documents, and flushes it with
//!   `Executor::poll_local()` after every batch of writes and after building under a root. The
//!   flush is part of the timed work; without it no effect would run.
//! - There is no `batch`: writes only mark nodes, and effects run at the flush.
//! - Memo closures must be `Send + Sync`; the cases' closures are wrapped in `SendWrapper`
//!   (which checks the thread on each call), the usual way to use `!Send` state with it.
//! - The write is `maybe_update`, which notifies only when the value changed.
//! - After a write, a memo marks its subscribers "check" recursively without stopping at
//!   nodes already marked (`mark_check` in `computed/inner.rs`), so marking visits every path
//!   from the written signal: exponential in depth on cellx and on the deep or wide dynamic
//!   graphs. Those cases are reported as not finishing (see `MARKS_EVERY_PATH`).

use std::sync::Once;

use any_spawner::Executor;
use reactive_graph::computed::Memo;
use reactive_graph::effect::Effect;
use reactive_graph::owner::Owner;
use reactive_graph::signal::RwSignal;
use reactive_graph::traits::{Get, Update};
use send_wrapper::SendWrapper;

use super::{Reactive, Value};

/// Initialises the futures executor once per process (it is global; its pool is per thread).
fn init_executor() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        // Another part of the process may have set it already; either way one is set.
        let _ = Executor::init_futures_executor();
    });
}

/// Leptos `reactive_graph` 0.2.
pub struct ReactiveGraph;

impl Reactive for ReactiveGraph {
    const NAME: &'static str = "reactive_graph";
    const LAZY_MEMOS: bool = true;
    const MARKS_EVERY_PATH: bool = true;

    type Signal<T: Value> = RwSignal<T>;
    type Memo<T: Value> = Memo<T>;
    type Root = Owner;

    #[inline]
    fn signal<T: Value>(value: T) -> Self::Signal<T> {
        RwSignal::new(value)
    }

    #[inline]
    fn read<T: Value>(signal: Self::Signal<T>) -> T {
        signal.get()
    }

    #[inline]
    fn write<T: Value>(signal: Self::Signal<T>, value: T) {
        signal.maybe_update(|old| {
            if *old == value {
                false
            } else {
                *old = value;
                true
            }
        });
    }

    #[inline]
    fn memo<T: Value>(compute: impl Fn() -> T + 'static) -> Self::Memo<T> {
        let compute = SendWrapper::new(compute);
        Memo::new(move |_| compute())
    }

    #[inline]
    fn read_memo<T: Value>(memo: Self::Memo<T>) -> T {
        memo.get()
    }

    #[inline]
    fn effect(run: impl Fn() + 'static) {
        Effect::new(move |_: Option<()>| run());
    }

    #[inline]
    fn batch(writes: impl FnOnce()) {
        writes();
        Executor::poll_local();
    }

    #[inline]
    fn untrack<R>(read: impl FnOnce() -> R) -> R {
        reactive_graph::graph::untrack(read)
    }

    fn root<R>(build: impl FnOnce() -> R) -> (R, Self::Root) {
        init_executor();
        let owner = Owner::new();
        let value = owner.with(build);
        Executor::poll_local();
        (value, owner)
    }

    fn run_in<R>(root: &Self::Root, build: impl FnOnce() -> R) -> R {
        let value = root.with(build);
        Executor::poll_local();
        value
    }

    fn dispose(root: Self::Root) {
        root.cleanup();
        drop(root);
        // Let the effects' tasks see that they were disposed and finish.
        Executor::poll_local();
    }
}
