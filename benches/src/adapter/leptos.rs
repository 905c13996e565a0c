//! Adapter for `leptos_reactive` 0.6 (Leptos' reactive system before `reactive_graph`).
//!
//! - One runtime per thread (`create_runtime`), created on first use and kept for the thread's
//!   life, like the thread-local runtimes of the other libraries.
//! - A root is a child owner made with `as_child_of_current_owner`; dropping its `Disposer`
//!   disposes everything created under it.
//! - Effects run synchronously (the default, non-`ssr` build); `set` always notifies, so the
//!   adapter compares first (one untracked read).

use std::cell::Cell;

use leptos_reactive::{
    Disposer, Memo, Owner, RuntimeId, RwSignal, SignalGet, SignalSet, SignalWithUntracked,
    as_child_of_current_owner, create_effect, create_memo, create_runtime, with_owner,
};

use super::{Reactive, Value};

thread_local! {
    /// The thread's runtime; creating it makes it the current runtime of the thread.
    static RUNTIME: RuntimeId = create_runtime();
}

/// A `leptos_reactive` root: its owner (to create more nodes under it) and its disposer.
pub struct LeptosRoot {
    owner: Owner,
    disposer: Disposer,
}

/// `leptos_reactive` 0.6.
pub struct LeptosReactive;

impl Reactive for LeptosReactive {
    const NAME: &'static str = "leptos_reactive";
    const LAZY_MEMOS: bool = true;
    const MARKS_EVERY_PATH: bool = false;

    type Signal<T: Value> = RwSignal<T>;
    type Memo<T: Value> = Memo<T>;
    type Root = LeptosRoot;

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
        if signal.with_untracked(|old| *old != value) {
            signal.set(value);
        }
    }

    #[inline]
    fn memo<T: Value>(compute: impl Fn() -> T + 'static) -> Self::Memo<T> {
        create_memo(move |_| compute())
    }

    #[inline]
    fn read_memo<T: Value>(memo: Self::Memo<T>) -> T {
        memo.get()
    }

    #[inline]
    fn effect(run: impl Fn() + 'static) {
        create_effect(move |_| run());
    }

    #[inline]
    fn batch(writes: impl FnOnce()) {
        leptos_reactive::batch(writes);
    }

    #[inline]
    fn untrack<R>(read: impl FnOnce() -> R) -> R {
        leptos_reactive::untrack(read)
    }

    fn root<R>(build: impl FnOnce() -> R) -> (R, Self::Root) {
        RUNTIME.with(|_| ());
        // `as_child_of_current_owner` takes an `Fn`; the build closure runs exactly once.
        let build = Cell::new(Some(build));
        let in_child = as_child_of_current_owner(move |()| {
            let build = build.take().expect("a root is built once");
            let owner = Owner::current().expect("a child owner is current");
            (build(), owner)
        });
        let ((value, owner), disposer) = in_child(());
        (value, LeptosRoot { owner, disposer })
    }

    fn run_in<R>(root: &Self::Root, build: impl FnOnce() -> R) -> R {
        with_owner(root.owner, build)
    }

    fn dispose(root: Self::Root) {
        drop(root.disposer);
    }
}
