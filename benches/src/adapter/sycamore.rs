//! Adapter for `sycamore-reactive` 0.9.
//!
//! - Sycamore's plain `create_memo` has no equality check; `create_selector` is its memo with a
//!   `PartialEq` cut-off, so that is what the cases get. Memos are eager: they recompute as soon
//!   as a source changes, whether or not anything reads them.
//! - `batch` needs the thread's reactive root to be current, so it runs inside
//!   `RootHandle::run_in` of one root per thread; each benchmark root is a child scope of it,
//!   and disposing one frees its nodes.
//! - Sycamore's `set` always notifies; the adapter compares first (one untracked read).

use sycamore_reactive::{
    NodeHandle, ReadSignal, RootHandle, Signal, create_child_scope, create_effect, create_root,
    create_selector, create_signal,
};

use super::{Reactive, Value};

thread_local! {
    /// The thread's Sycamore root, under which every benchmark root is a child scope.
    static THREAD_ROOT: RootHandle = create_root(|| {});
}

/// `sycamore-reactive` 0.9.
pub struct Sycamore;

impl Reactive for Sycamore {
    const NAME: &'static str = "sycamore-reactive";
    const LAZY_MEMOS: bool = false;
    const MARKS_EVERY_PATH: bool = false;

    type Signal<T: Value> = Signal<T>;
    type Memo<T: Value> = ReadSignal<T>;
    type Root = NodeHandle;

    #[inline]
    fn signal<T: Value>(value: T) -> Self::Signal<T> {
        create_signal(value)
    }

    #[inline]
    fn read<T: Value>(signal: Self::Signal<T>) -> T {
        signal.get_clone()
    }

    #[inline]
    fn write<T: Value>(signal: Self::Signal<T>, value: T) {
        if signal.with_untracked(|old| *old != value) {
            signal.set(value);
        }
    }

    #[inline]
    fn memo<T: Value>(compute: impl Fn() -> T + 'static) -> Self::Memo<T> {
        create_selector(compute)
    }

    #[inline]
    fn read_memo<T: Value>(memo: Self::Memo<T>) -> T {
        memo.get_clone()
    }

    #[inline]
    fn effect(run: impl Fn() + 'static) {
        create_effect(run);
    }

    #[inline]
    fn batch(writes: impl FnOnce()) {
        THREAD_ROOT.with(|root| root.run_in(|| sycamore_reactive::batch(writes)));
    }

    #[inline]
    fn untrack<R>(read: impl FnOnce() -> R) -> R {
        THREAD_ROOT.with(|root| root.run_in(|| sycamore_reactive::untrack(read)))
    }

    fn root<R>(build: impl FnOnce() -> R) -> (R, Self::Root) {
        THREAD_ROOT.with(|root| {
            root.run_in(|| {
                let mut value = None;
                let scope = create_child_scope(|| value = Some(build()));
                (value.expect("the scope runs its closure"), scope)
            })
        })
    }

    fn run_in<R>(root: &Self::Root, build: impl FnOnce() -> R) -> R {
        root.run_in(build)
    }

    fn dispose(root: Self::Root) {
        root.dispose();
    }
}
