//! Adapter for `alien-signals` 0.1 (the Rust port of the JavaScript alien-signals).
//!
//! - Its runtime is one process-wide static, not one per thread, and it is not thread-safe: the
//!   crate's tests hold [`LOCK`] while they use it (the report runs one library at a time on
//!   one thread anyway).
//! - A root is an `EffectScope`. The scope's node type is not exported, so the adapter keeps,
//!   for [`run_in`](Reactive::run_in), a closure that makes the scope the active subscriber
//!   again (captured inside the scope's own body with `get_active_sub`).
//! - `Signal::new` and `Computed::new` compare with `PartialEq`, so a write of the current value
//!   notifies nothing and an unchanged memo stops propagation, as the cases need; memos are
//!   lazy. `untrack` sets the active subscriber to none around the read, `batch` is
//!   `start_batch` / `end_batch`.
//! - Its arenas never free: disposing a root unlinks the nodes but keeps their memory.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Mutex;

use alien_signals::{
    Computed, Effect, EffectScope, Signal, end_batch, set_active_sub, start_batch,
};

use super::{Reactive, Value};

/// Held by the tests while they use alien-signals, whose runtime is a process-wide static.
pub static LOCK: Mutex<()> = Mutex::new(());

/// Runs a closure with the root's scope as the active subscriber.
type Enter = Box<dyn Fn(&mut dyn FnMut())>;

/// `alien-signals` 0.1 (Rust).
pub struct AlienSignals;

/// A root: the scope, and how to make it current again.
pub struct AlienRoot {
    scope: EffectScope,
    enter: Enter,
}

impl Reactive for AlienSignals {
    const NAME: &'static str = "alien-signals (Rust)";
    const LAZY_MEMOS: bool = true;
    const MARKS_EVERY_PATH: bool = false;

    type Signal<T: Value> = Signal<T>;
    type Memo<T: Value> = Computed<T>;
    type Root = AlienRoot;

    #[inline]
    fn signal<T: Value>(value: T) -> Self::Signal<T> {
        Signal::new(value)
    }

    #[inline]
    fn read<T: Value>(signal: Self::Signal<T>) -> T {
        signal.get()
    }

    #[inline]
    fn write<T: Value>(signal: Self::Signal<T>, value: T) {
        signal.set(value);
    }

    #[inline]
    fn memo<T: Value>(compute: impl Fn() -> T + 'static) -> Self::Memo<T> {
        Computed::new(move |_| compute())
    }

    #[inline]
    fn read_memo<T: Value>(memo: Self::Memo<T>) -> T {
        memo.get()
    }

    #[inline]
    fn effect(run: impl Fn() + 'static) {
        // The handle only disposes the effect early; the root's scope disposes it.
        let _ = Effect::new(run);
    }

    #[inline]
    fn batch(writes: impl FnOnce()) {
        start_batch();
        writes();
        end_batch();
    }

    #[inline]
    fn untrack<R>(read: impl FnOnce() -> R) -> R {
        let previous = set_active_sub(None);
        let value = read();
        set_active_sub(previous);
        value
    }

    fn root<R>(build: impl FnOnce() -> R) -> (R, Self::Root) {
        let slot: Rc<RefCell<Option<Enter>>> = Rc::new(RefCell::new(None));
        let filled = Rc::clone(&slot);
        let scope = EffectScope::new(move || {
            let node = alien_signals::get_active_sub();
            let enter: Enter = Box::new(move |body: &mut dyn FnMut()| {
                let previous = set_active_sub(node);
                body();
                set_active_sub(previous);
            });
            *filled.borrow_mut() = Some(enter);
        });
        let enter = slot
            .borrow_mut()
            .take()
            .expect("the scope runs its closure at once");
        let root = AlienRoot { scope, enter };
        (Self::run_in(&root, build), root)
    }

    fn run_in<R>(root: &Self::Root, build: impl FnOnce() -> R) -> R {
        let mut build = Some(build);
        let mut value = None;
        (root.enter)(&mut || value = build.take().map(|build| build()));
        value.expect("the root runs the closure once")
    }

    fn dispose(root: Self::Root) {
        root.scope.dispose();
    }
}
