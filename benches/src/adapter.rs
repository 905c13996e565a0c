//! The adapter trait every benchmarked library implements, and the helpers the cases share.
//!
//! Each case is written once, generic over [`Reactive`], so every library runs the very same
//! workload: the same graph, the same reads and writes in the same order, the same checks.
//! An adapter maps the handful of operations the cases need onto its library's idiomatic API
//! and adds nothing of its own beyond what that API requires (each adapter's module says what).
//!
//! The peers' adapters exist only with the crate's `peers` feature; without it every case,
//! bench and test runs on [`ReactiveCore`] alone.

#[cfg(feature = "peers")]
mod alien;
#[cfg(feature = "peers")]
mod leptos;
mod reactive_core;
#[cfg(feature = "peers")]
mod reactive_graph;
#[cfg(feature = "peers")]
mod sycamore;

use std::sync::Arc;

#[cfg(feature = "peers")]
pub use self::alien::{AlienRoot, AlienSignals, LOCK as ALIEN_SIGNALS_LOCK};
#[cfg(feature = "peers")]
pub use self::leptos::LeptosReactive;
pub use self::reactive_core::ReactiveCore;
#[cfg(feature = "peers")]
pub use self::reactive_graph::ReactiveGraph;
#[cfg(feature = "peers")]
pub use self::sycamore::Sycamore;

/// What a signal or memo may hold in the benchmarks.
///
/// `Send + Sync` is required because `reactive_graph` stores values in a thread-safe arena;
/// every value the cases use (`i64`, `f64`, [`Fresh`]) satisfies it at no cost.
pub trait Value: Clone + PartialEq + Send + Sync + 'static {}

impl<T: Clone + PartialEq + Send + Sync + 'static> Value for T {}

/// The operations the benchmark cases use: signal, memo, effect, batch and root.
///
/// Semantics every adapter provides:
/// - [`write`](Reactive::write) notifies only when the new value differs from the old one
///   (`PartialEq`), like a JavaScript signal compares with `!==`. The dynamic-graph counts
///   depend on it.
/// - A memo recomputes lazily or eagerly as its library does (see
///   [`LAZY_MEMOS`](Reactive::LAZY_MEMOS)) and stops propagation when its new value equals the
///   old one.
/// - An effect runs once when created and again after each write or batch that changes what it
///   read. Libraries whose effects are scheduled (`reactive_graph`) are flushed at the end of
///   [`batch`](Reactive::batch), [`root`](Reactive::root) and [`run_in`](Reactive::run_in), so
///   the flush is part of the timed work.
/// - Every node is created under a root; disposing the root frees them.
pub trait Reactive: 'static {
    /// The library's name as shown in reports.
    const NAME: &'static str;
    /// `true` when a memo computes only when read (and only while something reads it).
    /// Cases whose checks count evaluations of memos that nothing reads need lazy memos.
    const LAZY_MEMOS: bool;
    /// `true` when marking the nodes downstream of a write visits a node once per *path* from
    /// the written signal instead of once: the work is then exponential in depth on graphs with
    /// many paths, and cases above [`PATH_VISIT_BUDGET`](crate::case::PATH_VISIT_BUDGET) are
    /// reported as not finishing instead of being run.
    const MARKS_EVERY_PATH: bool;

    /// A writable signal holding a `T`.
    type Signal<T: Value>: Copy + 'static;
    /// A memo (cached computed value) of type `T`.
    type Memo<T: Value>: Copy + 'static;
    /// A root owning every node created under it.
    type Root;

    /// Creates a signal.
    fn signal<T: Value>(value: T) -> Self::Signal<T>;
    /// Reads a signal, subscribing the running memo or effect.
    fn read<T: Value>(signal: Self::Signal<T>) -> T;
    /// Writes a signal; notifies only if the value changed.
    fn write<T: Value>(signal: Self::Signal<T>, value: T);
    /// Creates a memo with a `PartialEq` cut-off.
    fn memo<T: Value>(compute: impl Fn() -> T + 'static) -> Self::Memo<T>;
    /// Reads a memo, subscribing the running memo or effect.
    fn read_memo<T: Value>(memo: Self::Memo<T>) -> T;
    /// Creates an effect, owned by the current root.
    fn effect(run: impl Fn() + 'static);
    /// Runs `writes` as one batch: effects run once, after it.
    fn batch(writes: impl FnOnce());
    /// Runs `read` without subscribing the running memo, effect or owner to what it reads.
    fn untrack<R>(read: impl FnOnce() -> R) -> R;
    /// Creates a root, runs `build` under it, and returns its value and the root.
    fn root<R>(build: impl FnOnce() -> R) -> (R, Self::Root);
    /// Runs `build` under an existing root.
    fn run_in<R>(root: &Self::Root, build: impl FnOnce() -> R) -> R;
    /// Disposes a root and everything created under it.
    fn dispose(root: Self::Root);
}

/// A signal or a memo, read the same way; for lists that mix both (a head signal and the
/// memos that follow it).
pub enum Source<L: Reactive, T: Value> {
    /// A signal.
    Signal(L::Signal<T>),
    /// A memo.
    Memo(L::Memo<T>),
}

impl<L: Reactive, T: Value> Source<L, T> {
    /// Reads the signal or memo, subscribing the running memo or effect.
    #[inline]
    pub fn read(&self) -> T {
        match *self {
            Source::Signal(signal) => L::read(signal),
            Source::Memo(memo) => L::read_memo(memo),
        }
    }
}

impl<L: Reactive, T: Value> Clone for Source<L, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<L: Reactive, T: Value> Copy for Source<L, T> {}

/// A freshly built value that is equal only to itself (identity, like a JavaScript object
/// compared with `===`), so a memo returning one always propagates.
#[derive(Debug)]
pub struct Fresh<T>(Arc<T>);

impl<T> Fresh<T> {
    /// Wraps a newly built value.
    pub fn new(value: T) -> Self {
        Fresh(Arc::new(value))
    }
}

impl<T> std::ops::Deref for Fresh<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> Clone for Fresh<T> {
    fn clone(&self) -> Self {
        Fresh(Arc::clone(&self.0))
    }
}

impl<T> PartialEq for Fresh<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Calls `visit` once per benchmarked Rust library, in report order (reactive-core first;
/// the peers only with the `peers` feature).
pub fn for_each_library(visit: &mut impl LibraryVisitor) {
    visit.visit::<ReactiveCore>();
    #[cfg(feature = "peers")]
    {
        visit.visit::<AlienSignals>();
        visit.visit::<Sycamore>();
        visit.visit::<LeptosReactive>();
        visit.visit::<ReactiveGraph>();
    }
}

/// Something done once per library, generically; see [`for_each_library`].
pub trait LibraryVisitor {
    /// Called with each library's adapter.
    fn visit<L: Reactive>(&mut self);
}

/// The names of the Rust libraries [`for_each_library`] visits, in report order.
#[cfg(feature = "peers")]
pub const LIBRARY_NAMES: [&str; 5] = [
    ReactiveCore::NAME,
    AlienSignals::NAME,
    Sycamore::NAME,
    LeptosReactive::NAME,
    ReactiveGraph::NAME,
];

/// The names of the Rust libraries [`for_each_library`] visits, in report order.
#[cfg(not(feature = "peers"))]
pub const LIBRARY_NAMES: [&str; 1] = [ReactiveCore::NAME];

/// Declares a module `$module` with one `#[test]` per library, each calling `$check::<L>()` on
/// a big-stack thread (deep graphs recurse in some peers), so a failure names the library.
/// The peers' tests exist only with the `peers` feature.
#[cfg(test)]
#[macro_export]
macro_rules! library_tests {
    ($module:ident, $check:ident) => {
        mod $module {
            #[test]
            fn reactive_core() {
                $crate::harness::run_on_big_stack(super::$check::<$crate::adapter::ReactiveCore>);
            }

            #[cfg(feature = "peers")]
            #[test]
            fn alien_signals() {
                // Its runtime is one process-wide static: one test at a time.
                let _only_user = $crate::adapter::ALIEN_SIGNALS_LOCK
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                $crate::harness::run_on_big_stack(super::$check::<$crate::adapter::AlienSignals>);
            }

            #[cfg(feature = "peers")]
            #[test]
            fn sycamore_reactive() {
                $crate::harness::run_on_big_stack(super::$check::<$crate::adapter::Sycamore>);
            }

            #[cfg(feature = "peers")]
            #[test]
            fn leptos_reactive() {
                $crate::harness::run_on_big_stack(super::$check::<$crate::adapter::LeptosReactive>);
            }

            #[cfg(feature = "peers")]
            #[test]
            fn reactive_graph() {
                $crate::harness::run_on_big_stack(super::$check::<$crate::adapter::ReactiveGraph>);
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::rc::Rc;

    use super::*;

    /// The semantics every case relies on, pinned for every adapter.
    fn adapter_semantics<L: Reactive>() {
        let runs = Rc::new(Cell::new(0));
        let seen = Rc::new(Cell::new(0i64));
        let ((a, b, parity_evaluations), root) = L::root(|| {
            let a = L::signal(1i64);
            let b = L::signal(10i64);
            let parity_evaluations = Rc::new(Cell::new(0));
            let evaluations = Rc::clone(&parity_evaluations);
            let parity = L::memo(move || {
                evaluations.set(evaluations.get() + 1);
                L::read(a) % 2
            });
            let (runs, seen) = (Rc::clone(&runs), Rc::clone(&seen));
            L::effect(move || {
                runs.set(runs.get() + 1);
                seen.set(L::read_memo(parity) * 100 + L::read(b));
            });
            (a, b, parity_evaluations)
        });
        assert_eq!(
            (runs.get(), seen.get()),
            (1, 110),
            "effects run once on creation"
        );

        L::batch(|| L::write(b, 10));
        assert_eq!(runs.get(), 1, "writing the current value notifies nothing");

        L::batch(|| L::write(a, 3));
        assert_eq!(
            runs.get(),
            1,
            "a memo whose value is unchanged stops propagation"
        );
        assert_eq!(parity_evaluations.get(), 2);

        L::batch(|| {
            L::write(a, 4);
            L::write(b, 20);
        });
        assert_eq!(
            (runs.get(), seen.get()),
            (2, 20),
            "a batch runs effects once, after it"
        );

        assert_eq!(L::untrack(|| L::read(b)), 20);
        L::dispose(root);
    }

    crate::library_tests!(every_adapter_has_the_same_semantics, adapter_semantics);

    #[test]
    fn fresh_values_equal_only_themselves() {
        let value = Fresh::new(vec![1, 2]);
        assert!(value == value.clone());
        assert!(value != Fresh::new(vec![1, 2]));
        assert_eq!(value[1], 2);
    }
}
