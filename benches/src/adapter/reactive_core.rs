//! Adapter for `reactive-core`, this workspace's engine.
//!
//! A direct mapping: `set_if_changed` is the engine's own "notify only on change" write, the
//! memo is `Memo::new` (a `PartialEq` cut-off) and a root is `create_root`.

use super::{Reactive, Value};

/// `reactive-core` (path dependency).
pub struct ReactiveCore;

impl Reactive for ReactiveCore {
    const NAME: &'static str = "reactive-core";
    const LAZY_MEMOS: bool = true;
    const MARKS_EVERY_PATH: bool = false;

    type Signal<T: Value> = reactive_core::Signal<T>;
    type Memo<T: Value> = reactive_core::Memo<T>;
    type Root = reactive_core::Owner;

    #[inline]
    fn signal<T: Value>(value: T) -> Self::Signal<T> {
        reactive_core::Signal::new(value)
    }

    #[inline]
    fn read<T: Value>(signal: Self::Signal<T>) -> T {
        signal.get()
    }

    #[inline]
    fn write<T: Value>(signal: Self::Signal<T>, value: T) {
        signal.set_if_changed(value);
    }

    #[inline]
    fn memo<T: Value>(compute: impl Fn() -> T + 'static) -> Self::Memo<T> {
        reactive_core::Memo::new(compute)
    }

    #[inline]
    fn read_memo<T: Value>(memo: Self::Memo<T>) -> T {
        memo.get()
    }

    #[inline]
    fn effect(run: impl Fn() + 'static) {
        reactive_core::Effect::new(run);
    }

    #[inline]
    fn batch(writes: impl FnOnce()) {
        reactive_core::batch(writes);
    }

    #[inline]
    fn untrack<R>(read: impl FnOnce() -> R) -> R {
        reactive_core::untrack(read)
    }

    fn root<R>(build: impl FnOnce() -> R) -> (R, Self::Root) {
        reactive_core::create_root(build)
    }

    fn run_in<R>(root: &Self::Root, build: impl FnOnce() -> R) -> R {
        root.run_in(build)
    }

    fn dispose(root: Self::Root) {
        root.dispose();
    }
}
