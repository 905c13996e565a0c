//! Type-erased reading: [`Derived`] (a signal, a memo or a closure behind one `Copy` handle) and
//! [`MaybeReactive`] (a parameter that may be a constant or any of those).

use std::fmt;
use std::panic::Location;

use crate::batch::untrack;
use crate::error::ReactiveError;
use crate::memo::Memo;
use crate::signal::{ReadSignal, Signal};
use crate::traits::{Reactive, Track, With, WithUntracked};

/// A read-only reactive value of type `T` whose source is a signal, a memo or a closure: one
/// `Copy` type for "anything readable", for struct fields and parameters that must not be
/// generic.
///
/// A closure is not cached: each read runs it (reading what it reads, which subscribes the
/// running memo or effect to those sources). Wrap it in a [`Memo`] first when it is costly and
/// read often. The closure is stored in the arena under the current owner, so a `Derived` made
/// from a closure is `Copy` too and lives, like every handle, until its owner is disposed.
///
/// ```
/// use reactive_core::{Derived, Get, Memo, Signal};
///
/// struct Label { text: Derived<String> }
///
/// let name = Signal::new("Ada".to_string());
/// let labels = [
///     Label { text: name.into() },                                   // a signal
///     Label { text: Memo::new(move || name.get().to_uppercase()).into() }, // a memo
///     Label { text: Derived::new(move || format!("Hi {}", name.get())) },  // a closure
/// ];
/// name.set("Grace".into());
/// let texts: Vec<String> = labels.iter().map(|l| l.text.get()).collect();
/// assert_eq!(texts, ["Grace", "GRACE", "Hi Grace"]);
/// ```
pub struct Derived<T: 'static> {
    source: Source<T>,
}

enum Source<T: 'static> {
    Signal(ReadSignal<T>),
    Memo(Memo<T>),
    Closure(Signal<StoredFn<T>>),
}

/// The closure of a [`Derived::new`], stored as a node's value.
struct StoredFn<T>(Box<dyn Fn() -> T>);

impl<T: 'static> Derived<T> {
    /// A derived value computed by `f` on every read, stored under the current owner.
    ///
    /// ```
    /// use reactive_core::{Derived, Get, Signal};
    /// let n = Signal::new(2);
    /// let squared = Derived::new(move || n.get() * n.get());
    /// n.set(3);
    /// assert_eq!(squared.get(), 9);
    /// ```
    #[track_caller]
    pub fn new(f: impl Fn() -> T + 'static) -> Self {
        let holder = Signal::new(StoredFn(Box::new(f))).named("derived closure");
        Derived {
            source: Source::Closure(holder),
        }
    }

    /// Whether the node behind it (the signal, the memo or the stored closure) was disposed.
    ///
    /// ```
    /// use reactive_core::{Derived, Signal};
    /// let s = Signal::new(1);
    /// let d = Derived::from(s);
    /// s.dispose();
    /// assert!(d.is_disposed());
    /// ```
    pub fn is_disposed(&self) -> bool {
        match self.source {
            Source::Signal(s) => s.is_disposed(),
            Source::Memo(m) => m.is_disposed(),
            Source::Closure(c) => c.is_disposed(),
        }
    }
}

impl<T: 'static> Clone for Derived<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Derived<T> {}

impl<T: 'static> Clone for Source<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for Source<T> {}

impl<T: 'static> fmt::Debug for Derived<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.source {
            Source::Signal(s) => f.debug_tuple("Derived").field(&s).finish(),
            Source::Memo(m) => f.debug_tuple("Derived").field(&m).finish(),
            Source::Closure(c) => f.debug_tuple("Derived::closure").field(&c.id()).finish(),
        }
    }
}

impl<T: 'static> Reactive for Derived<T> {
    type Value = T;
}

impl<T: 'static> Track for Derived<T> {
    /// Tracks the signal or memo; a closure is run (its reads subscribe) and its value dropped.
    #[track_caller]
    fn try_track(&self) -> Result<(), ReactiveError> {
        match self.source {
            Source::Signal(s) => s.try_track(),
            Source::Memo(m) => m.try_track(),
            Source::Closure(c) => c.try_with_untracked(|f| drop((f.0)())),
        }
    }
}

impl<T: 'static> WithUntracked for Derived<T> {
    #[track_caller]
    fn try_with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R, ReactiveError> {
        match self.source {
            Source::Signal(s) => s.try_with_untracked(f),
            Source::Memo(m) => m.try_with_untracked(f),
            Source::Closure(c) => {
                let at = Location::caller();
                untrack(|| {
                    c.try_with_untracked(|stored| (stored.0)())
                        .map_err(|e| relocate(e, at))
                })
                .map(|v| f(&v))
            }
        }
    }
}

impl<T: 'static> With for Derived<T> {
    #[track_caller]
    fn try_with<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R, ReactiveError> {
        match self.source {
            Source::Signal(s) => s.try_with(f),
            Source::Memo(m) => m.try_with(f),
            // The holder is read untracked (it never changes); the closure's own reads track.
            Source::Closure(c) => c.try_with_untracked(|stored| (stored.0)()).map(|v| f(&v)),
        }
    }
}

/// `untrack` is not `#[track_caller]`: report the caller of the outer method instead.
fn relocate(err: ReactiveError, caller: &'static Location<'static>) -> ReactiveError {
    match err {
        ReactiveError::Disposed { id, created_at, .. } => ReactiveError::Disposed {
            id,
            created_at,
            at: caller,
        },
        other => other,
    }
}

impl<T: 'static> From<Signal<T>> for Derived<T> {
    fn from(s: Signal<T>) -> Self {
        Derived {
            source: Source::Signal(s.read_only()),
        }
    }
}

impl<T: 'static> From<ReadSignal<T>> for Derived<T> {
    fn from(s: ReadSignal<T>) -> Self {
        Derived {
            source: Source::Signal(s),
        }
    }
}

impl<T: 'static> From<Memo<T>> for Derived<T> {
    fn from(m: Memo<T>) -> Self {
        Derived {
            source: Source::Memo(m),
        }
    }
}

/// A parameter that may be a constant or reactive: reading it tracks what is reactive and
/// nothing else.
///
/// A function taking `impl Into<MaybeReactive<T>>` accepts a plain value, a [`Signal`], a
/// [`ReadSignal`], a [`Memo`] or a [`Derived`]; one taking `impl IntoMaybeReactive<T, M>` (with
/// a generic `M` the compiler infers) accepts a closure `Fn() -> T` as well. A closure cannot go
/// through `Into`: `From<T>` for every `T` would overlap with `From<F>` for every closure.
///
/// ```
/// use reactive_core::{Get, IntoMaybeReactive, Memo, MaybeReactive, Signal};
///
/// fn width_px<M>(width: impl IntoMaybeReactive<u32, M>) -> Memo<String> {
///     let width = width.into_maybe_reactive();
///     Memo::new(move || format!("{}px", width.get()))
/// }
/// let w = Signal::new(10);
/// assert_eq!(width_px(5).get(), "5px");
/// assert_eq!(width_px(w).get(), "10px");
/// assert_eq!(width_px(move || w.get() * 2).get(), "20px");
///
/// fn opacity(value: impl Into<MaybeReactive<f32>>) -> f32 {
///     value.into().get()
/// }
/// assert_eq!(opacity(0.5), 0.5);
/// assert_eq!(opacity(Signal::new(1.0)), 1.0);
/// ```
#[derive(Clone, Copy, Debug)]
pub enum MaybeReactive<T: 'static> {
    /// A value that never changes; reading it tracks nothing.
    Constant(T),
    /// A signal, memo or closure.
    Reactive(Derived<T>),
}

impl<T: 'static> MaybeReactive<T> {
    /// Whether it is a constant (reading it never subscribes anyone).
    ///
    /// ```
    /// use reactive_core::{MaybeReactive, Signal};
    /// assert!(MaybeReactive::<i32>::from(3).is_constant());
    /// // With `T` unknown, a signal could be a constant `MaybeReactive<Signal<_>>`: name `T`.
    /// assert!(!MaybeReactive::<i32>::from(Signal::new(3)).is_constant());
    /// ```
    pub fn is_constant(&self) -> bool {
        matches!(self, MaybeReactive::Constant(_))
    }
}

impl<T: Default + 'static> Default for MaybeReactive<T> {
    /// The constant `T::default()`.
    fn default() -> Self {
        MaybeReactive::Constant(T::default())
    }
}

impl<T: 'static> Reactive for MaybeReactive<T> {
    type Value = T;
}

impl<T: 'static> Track for MaybeReactive<T> {
    #[track_caller]
    fn try_track(&self) -> Result<(), ReactiveError> {
        match self {
            MaybeReactive::Constant(_) => Ok(()),
            MaybeReactive::Reactive(d) => d.try_track(),
        }
    }
}

impl<T: 'static> WithUntracked for MaybeReactive<T> {
    #[track_caller]
    fn try_with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R, ReactiveError> {
        match self {
            MaybeReactive::Constant(v) => Ok(f(v)),
            MaybeReactive::Reactive(d) => d.try_with_untracked(f),
        }
    }
}

impl<T: 'static> With for MaybeReactive<T> {
    #[track_caller]
    fn try_with<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R, ReactiveError> {
        match self {
            MaybeReactive::Constant(v) => Ok(f(v)),
            MaybeReactive::Reactive(d) => d.try_with(f),
        }
    }
}

impl<T: 'static> From<T> for MaybeReactive<T> {
    fn from(value: T) -> Self {
        MaybeReactive::Constant(value)
    }
}

impl From<&str> for MaybeReactive<String> {
    fn from(value: &str) -> Self {
        MaybeReactive::Constant(value.to_owned())
    }
}

impl<T: 'static> From<Derived<T>> for MaybeReactive<T> {
    fn from(d: Derived<T>) -> Self {
        MaybeReactive::Reactive(d)
    }
}

impl<T: 'static> From<Signal<T>> for MaybeReactive<T> {
    fn from(s: Signal<T>) -> Self {
        MaybeReactive::Reactive(s.into())
    }
}

impl<T: 'static> From<ReadSignal<T>> for MaybeReactive<T> {
    fn from(s: ReadSignal<T>) -> Self {
        MaybeReactive::Reactive(s.into())
    }
}

impl<T: 'static> From<Memo<T>> for MaybeReactive<T> {
    fn from(m: Memo<T>) -> Self {
        MaybeReactive::Reactive(m.into())
    }
}

/// Converts into a [`MaybeReactive<T>`]: everything that is `Into<MaybeReactive<T>>`, and
/// closures `Fn() -> T` (stored as a [`Derived`] under the current owner).
///
/// `M` is a marker the compiler infers ([`marker::ViaInto`] or [`marker::ViaClosure`]); it only
/// keeps the two blanket implementations apart. Write functions as `fn f<M>(x: impl
/// IntoMaybeReactive<T, M>)`.
///
/// ```
/// use reactive_core::{IntoMaybeReactive, MaybeReactive, Signal, With};
/// fn describe<M>(n: impl IntoMaybeReactive<i32, M>) -> String {
///     let n: MaybeReactive<i32> = n.into_maybe_reactive();
///     n.with(|v| format!("{v} ({})", if n.is_constant() { "constant" } else { "reactive" }))
/// }
/// assert_eq!(describe(1), "1 (constant)");
/// assert_eq!(describe(|| 2), "2 (reactive)");
/// assert_eq!(describe(Signal::new(3)), "3 (reactive)");
/// ```
pub trait IntoMaybeReactive<T: 'static, M> {
    /// The conversion.
    ///
    /// ```
    /// use reactive_core::{IntoMaybeReactive, MaybeReactive};
    /// let m: MaybeReactive<u8> = 7.into_maybe_reactive();
    /// assert!(m.is_constant());
    /// ```
    #[track_caller]
    fn into_maybe_reactive(self) -> MaybeReactive<T>;
}

impl<T: 'static, I: Into<MaybeReactive<T>>> IntoMaybeReactive<T, marker::ViaInto> for I {
    fn into_maybe_reactive(self) -> MaybeReactive<T> {
        self.into()
    }
}

impl<T: 'static, F: Fn() -> T + 'static> IntoMaybeReactive<T, marker::ViaClosure> for F {
    #[track_caller]
    fn into_maybe_reactive(self) -> MaybeReactive<T> {
        MaybeReactive::Reactive(Derived::new(self))
    }
}

/// The markers that tell [`IntoMaybeReactive`]'s two blanket implementations apart. They are
/// never constructed (they have no values) and never named by callers.
pub mod marker {
    /// The conversion of an `Into<MaybeReactive<T>>` value: a constant, a signal, a memo, a
    /// [`Derived`](crate::Derived).
    ///
    /// ```
    /// use reactive_core::{marker::ViaInto, IntoMaybeReactive, MaybeReactive};
    /// let m: MaybeReactive<i32> = IntoMaybeReactive::<i32, ViaInto>::into_maybe_reactive(1);
    /// assert!(m.is_constant());
    /// ```
    #[derive(Debug)]
    pub enum ViaInto {}

    /// The conversion of a closure `Fn() -> T`.
    ///
    /// ```
    /// use reactive_core::{marker::ViaClosure, IntoMaybeReactive, MaybeReactive};
    /// let m: MaybeReactive<i32> =
    ///     IntoMaybeReactive::<i32, ViaClosure>::into_maybe_reactive(|| 1);
    /// assert!(!m.is_constant());
    /// ```
    #[derive(Debug)]
    pub enum ViaClosure {}
}

impl<T: 'static, F: Fn() -> T + 'static> From<F> for Derived<T> {
    /// [`Derived::new`].
    #[track_caller]
    fn from(f: F) -> Self {
        Derived::new(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::traits::{Get, GetUntracked};
    use crate::{Effect, create_root};
    use std::cell::Cell;
    use std::rc::Rc;

    #[test]
    fn a_derived_closure_subscribes_its_reader_to_what_it_reads() {
        let s = Signal::new(1);
        let seen = Rc::new(Cell::new(0));
        let ((), root) = create_root(|| {
            let d = Derived::new(move || s.get() + 100);
            let seen = seen.clone();
            Effect::new(move || seen.set(d.get()));
        });
        s.set(2);
        assert_eq!(seen.get(), 102);
        root.dispose();
    }

    #[test]
    fn an_untracked_read_of_a_derived_closure_subscribes_nothing() {
        let s = Signal::new(1);
        let runs = Rc::new(Cell::new(0));
        let ((), root) = create_root(|| {
            let d = Derived::new(move || s.get());
            let runs = runs.clone();
            Effect::new(move || {
                d.get_untracked();
                runs.set(runs.get() + 1);
            });
        });
        s.set(2);
        assert_eq!(runs.get(), 1);
        root.dispose();
    }

    #[test]
    fn tracking_a_derived_closure_subscribes_to_its_sources() {
        let s = Signal::new(1);
        let runs = Rc::new(Cell::new(0));
        let ((), root) = create_root(|| {
            let d = Derived::new(move || s.get());
            let runs = runs.clone();
            Effect::new(move || {
                d.track();
                runs.set(runs.get() + 1);
            });
        });
        s.set(2);
        assert_eq!(runs.get(), 2);
        root.dispose();
    }

    #[test]
    fn a_derived_closure_dies_with_its_owner() {
        let (d, root) = create_root(|| Derived::new(|| 1));
        assert_eq!(d.try_get(), Ok(1));
        root.dispose();
        assert!(d.is_disposed());
        assert!(matches!(d.try_get(), Err(ReactiveError::Disposed { .. })));
        assert!(matches!(
            d.try_get_untracked(),
            Err(ReactiveError::Disposed { .. })
        ));
        assert!(matches!(d.try_track(), Err(ReactiveError::Disposed { .. })));
    }

    #[test]
    fn an_untracked_read_of_a_disposed_closure_names_the_callers_line() {
        let d = Derived::new(|| 1);
        if let Source::Closure(holder) = d.source {
            holder.dispose();
        }
        let line = line!() + 1;
        match d.try_get_untracked() {
            Err(ReactiveError::Disposed { at, .. }) => assert_eq!(at.line(), line),
            other => panic!("expected Disposed, got {other:?}"),
        }
    }

    #[test]
    fn derived_from_a_memo_or_a_read_signal_reads_through() {
        let s = Signal::new(2);
        let m = Memo::new(move || s.get() * 3);
        let from_memo = Derived::from(m);
        let from_read = Derived::from(s.read_only());
        s.set(3);
        assert_eq!((from_memo.get(), from_read.get()), (9, 3));
    }

    #[test]
    fn a_constant_maybe_reactive_subscribes_nothing() {
        let runs = Rc::new(Cell::new(0));
        let c: MaybeReactive<i32> = 5.into();
        let r = runs.clone();
        let (e, root) = create_root(|| {
            Effect::new(move || {
                c.track();
                assert_eq!(c.get(), 5);
                r.set(r.get() + 1);
            })
        });
        assert_eq!(runs.get(), 1);
        assert!(
            crate::Runtime::graph_snapshot()
                .edges
                .iter()
                .all(|edge| edge.target != e.id())
        );
        root.dispose();
    }

    #[test]
    fn a_reactive_maybe_reactive_rereads_on_change() {
        let s = Signal::new(String::from("a"));
        let m: MaybeReactive<String> = s.into();
        let seen = Rc::new(std::cell::RefCell::new(Vec::new()));
        let ((), root) = create_root(|| {
            let seen = seen.clone();
            Effect::new(move || seen.borrow_mut().push(m.get()));
        });
        s.set("b".into());
        assert_eq!(*seen.borrow(), ["a", "b"]);
        root.dispose();
    }

    #[test]
    fn a_str_converts_to_a_constant_string() {
        let m: MaybeReactive<String> = "hi".into();
        assert_eq!(m.get_untracked(), "hi");
    }
}
