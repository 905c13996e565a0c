//! The trait layer: reading and writing anything reactive through one vocabulary
//! ([`Track`], [`WithUntracked`], [`With`], [`GetUntracked`], [`Get`], [`Set`], [`Update`]),
//! implemented here for the engine's handles.
//!
//! Two traits carry the reading: [`WithUntracked`] lends the value to a closure, and [`With`]
//! does the same while subscribing the running memo or effect. [`Get`] and [`GetUntracked`] are
//! blanket extensions that clone. Writing is [`Set`] (replace) and [`Update`] (change in place).
//! Every method has a `try_` twin that returns [`ReactiveError`] instead of panicking, and the
//! panicking forms are `#[track_caller]`, so a message names the line that used the handle.

use std::panic::Location;

use crate::error::{ReactiveError, fail};
use crate::memo::Memo;
use crate::signal::{ReadSignal, Signal, WriteSignal};

/// What every reactive handle of the trait layer has: the type of the value behind it.
///
/// It is the one `Value` of all the other traits, so generic code can say
/// `S: Get<Value = T> + Set` and `s.set(s.get())` type-checks without naming the trait twice.
///
/// ```
/// use reactive_core::{Reactive, Signal};
/// fn value_type_name<S: Reactive>(_: &S) -> &'static str {
///     std::any::type_name::<S::Value>()
/// }
/// assert_eq!(value_type_name(&Signal::new(1u8)), "u8");
/// ```
pub trait Reactive {
    /// The type of the value.
    type Value;
}

/// Subscribes the running memo or effect to a source without reading its value.
///
/// ```
/// use reactive_core::{Effect, Signal, Track};
/// use std::{cell::Cell, rc::Rc};
///
/// fn rerun_on(source: impl Track + 'static, runs: Rc<Cell<u32>>) {
///     Effect::new(move || { source.track(); runs.set(runs.get() + 1); });
/// }
/// let tick = Signal::new(());
/// let runs = Rc::new(Cell::new(0));
/// rerun_on(tick, runs.clone());
/// tick.set(());
/// assert_eq!(runs.get(), 2);
/// ```
pub trait Track {
    /// Fallible [`track`](Track::track): [`ReactiveError::Disposed`] when the node is gone.
    ///
    /// ```
    /// use reactive_core::{ReactiveError, Signal, Track};
    /// let s = Signal::new(1);
    /// s.dispose();
    /// assert!(matches!(Track::try_track(&s), Err(ReactiveError::Disposed { .. })));
    /// ```
    #[track_caller]
    fn try_track(&self) -> Result<(), ReactiveError>;

    /// Subscribes the running memo or effect (if any) to this source.
    ///
    /// # Panics
    /// If the node was disposed; the message names where it was created and where it was used.
    ///
    /// ```
    /// use reactive_core::{Memo, Signal, Track};
    /// let s = Signal::new(1);
    /// Track::track(&Memo::new(|| 2)); // outside a computation, tracking does nothing
    /// Track::track(&s);
    /// ```
    #[track_caller]
    fn track(&self) {
        self.try_track().unwrap_or_else(|e| fail(e))
    }
}

/// Lends the value to a closure without subscribing anyone.
///
/// ```
/// use reactive_core::{Signal, WithUntracked};
/// fn length(text: &impl WithUntracked<Value = String>) -> usize {
///     text.with_untracked(String::len)
/// }
/// assert_eq!(length(&Signal::new("four".to_string())), 4);
/// ```
pub trait WithUntracked: Reactive {
    /// Fallible [`with_untracked`](WithUntracked::with_untracked).
    ///
    /// ```
    /// use reactive_core::{Signal, WithUntracked};
    /// let s = Signal::new(2);
    /// assert_eq!(WithUntracked::try_with_untracked(&s, |v| v * 2), Ok(4));
    /// ```
    #[track_caller]
    fn try_with_untracked<R>(&self, f: impl FnOnce(&Self::Value) -> R) -> Result<R, ReactiveError>;

    /// Calls `f` with a borrow of the value, without tracking.
    ///
    /// # Panics
    /// If the node was disposed, or (a memo) depends on itself.
    ///
    /// ```
    /// use reactive_core::{Memo, WithUntracked};
    /// assert_eq!(WithUntracked::with_untracked(&Memo::new(|| 3), |v| v + 1), 4);
    /// ```
    #[track_caller]
    fn with_untracked<R>(&self, f: impl FnOnce(&Self::Value) -> R) -> R {
        self.try_with_untracked(f).unwrap_or_else(|e| fail(e))
    }
}

/// Lends the value to a closure and subscribes the running memo or effect to it.
///
/// ```
/// use reactive_core::{Memo, Signal, With};
/// fn total_len(items: impl With<Value = Vec<String>> + 'static) -> Memo<usize> {
///     Memo::new(move || items.with(|v| v.iter().map(String::len).sum()))
/// }
/// let items = Signal::new(vec!["ab".to_string()]);
/// let len = total_len(items);
/// items.update(|v| v.push("cde".into()));
/// assert_eq!(len.get(), 5);
/// ```
pub trait With: WithUntracked + Track {
    /// Fallible [`with`](With::with).
    ///
    /// ```
    /// use reactive_core::{Signal, With};
    /// assert_eq!(With::try_with(&Signal::new(2), |v| v + 1), Ok(3));
    /// ```
    #[track_caller]
    fn try_with<R>(&self, f: impl FnOnce(&Self::Value) -> R) -> Result<R, ReactiveError>;

    /// Calls `f` with a borrow of the value, tracking it.
    ///
    /// # Panics
    /// If the node was disposed, or (a memo) depends on itself.
    ///
    /// ```
    /// use reactive_core::{Signal, With};
    /// assert!(With::with(&Signal::new(vec![1, 2]), |v| v.contains(&2)));
    /// ```
    #[track_caller]
    fn with<R>(&self, f: impl FnOnce(&Self::Value) -> R) -> R {
        self.try_with(f).unwrap_or_else(|e| fail(e))
    }
}

/// Clones the value out without tracking. Implemented for everything that is
/// [`WithUntracked`].
///
/// ```
/// use reactive_core::{GetUntracked, Signal};
/// fn snapshot<T: Clone>(source: &impl GetUntracked<Value = T>) -> T {
///     source.get_untracked()
/// }
/// assert_eq!(snapshot(&Signal::new('x')), 'x');
/// ```
pub trait GetUntracked: WithUntracked {
    /// Fallible [`get_untracked`](GetUntracked::get_untracked).
    ///
    /// ```
    /// use reactive_core::{GetUntracked, Signal};
    /// assert_eq!(GetUntracked::try_get_untracked(&Signal::new(1)), Ok(1));
    /// ```
    #[track_caller]
    fn try_get_untracked(&self) -> Result<Self::Value, ReactiveError>
    where
        Self::Value: Clone,
    {
        self.try_with_untracked(Clone::clone)
    }

    /// A clone of the value, without tracking.
    ///
    /// # Panics
    /// Like [`WithUntracked::with_untracked`].
    ///
    /// ```
    /// use reactive_core::{GetUntracked, Memo};
    /// assert_eq!(GetUntracked::get_untracked(&Memo::new(|| 5)), 5);
    /// ```
    #[track_caller]
    fn get_untracked(&self) -> Self::Value
    where
        Self::Value: Clone,
    {
        self.with_untracked(Clone::clone)
    }
}

impl<S: WithUntracked + ?Sized> GetUntracked for S {}

/// Clones the value out and subscribes the running memo or effect to it. Implemented for
/// everything that is [`With`]: a function that takes `impl Get<Value = T>` accepts a signal, a
/// memo, a [`Derived`](crate::Derived) or a [`MaybeReactive`](crate::MaybeReactive).
///
/// ```
/// use reactive_core::{Derived, Get, Memo, Signal};
/// fn doubled(n: impl Get<Value = i32> + 'static) -> Memo<i32> {
///     Memo::new(move || n.get() * 2)
/// }
/// let n = Signal::new(2);
/// assert_eq!(doubled(n).get(), 4);
/// assert_eq!(doubled(Memo::new(move || n.get() + 1)).get(), 6);
/// assert_eq!(doubled(Derived::new(move || n.get() * 10)).get(), 40);
/// ```
pub trait Get: With {
    /// Fallible [`get`](Get::get).
    ///
    /// ```
    /// use reactive_core::{Get, ReactiveError, Signal};
    /// let s = Signal::new(1);
    /// assert_eq!(Get::try_get(&s), Ok(1));
    /// s.dispose();
    /// assert!(matches!(Get::try_get(&s), Err(ReactiveError::Disposed { .. })));
    /// ```
    #[track_caller]
    fn try_get(&self) -> Result<Self::Value, ReactiveError>
    where
        Self::Value: Clone,
    {
        self.try_with(Clone::clone)
    }

    /// A clone of the value, tracking it.
    ///
    /// # Panics
    /// Like [`With::with`].
    ///
    /// ```
    /// use reactive_core::{Get, Signal};
    /// assert_eq!(Get::get(&Signal::new("a")), "a");
    /// ```
    #[track_caller]
    fn get(&self) -> Self::Value
    where
        Self::Value: Clone,
    {
        self.with(Clone::clone)
    }
}

impl<S: With + ?Sized> Get for S {}

/// Replaces the value and notifies subscribers.
///
/// ```
/// use reactive_core::{Set, Signal};
/// fn reset<T: Default>(target: &impl Set<Value = T>) {
///     target.set(T::default());
/// }
/// let (read, write) = Signal::new(7).split();
/// reset(&write);
/// assert_eq!(read.get(), 0);
/// ```
pub trait Set: Reactive {
    /// Fallible [`set`](Set::set): [`ReactiveError::Disposed`], [`ReactiveError::WriteInsideMemo`]
    /// or [`ReactiveError::Unsettled`] (the value was written then).
    ///
    /// ```
    /// use reactive_core::{ReactiveError, Set, Signal};
    /// let s = Signal::new(1);
    /// s.dispose();
    /// assert!(matches!(Set::try_set(&s, 2), Err(ReactiveError::Disposed { .. })));
    /// ```
    #[track_caller]
    fn try_set(&self, value: Self::Value) -> Result<(), ReactiveError>;

    /// Replaces the value and notifies subscribers (even if equal).
    ///
    /// # Panics
    /// Like [`Signal::set`].
    ///
    /// ```
    /// use reactive_core::{Set, Signal};
    /// let s = Signal::new(1);
    /// Set::set(&s, 2);
    /// assert_eq!(s.get(), 2);
    /// ```
    #[track_caller]
    fn set(&self, value: Self::Value) {
        self.try_set(value).unwrap_or_else(|e| fail(e))
    }
}

/// Changes the value in place and notifies subscribers; the closure's result is returned.
///
/// ```
/// use reactive_core::{Signal, Update};
/// fn push_and_count<T>(list: &impl Update<Value = Vec<T>>, item: T) -> usize {
///     list.update(|v| { v.push(item); v.len() })
/// }
/// let list = Signal::new(vec![1]);
/// assert_eq!(push_and_count(&list.write_only(), 2), 2);
/// assert_eq!(list.get(), [1, 2]);
/// ```
pub trait Update: Reactive {
    /// Fallible [`update`](Update::update): [`ReactiveError::Disposed`],
    /// [`ReactiveError::WriteInsideMemo`], [`ReactiveError::Borrowed`] (the closure of an
    /// update of the same signal is running) or [`ReactiveError::Unsettled`] (the value was
    /// changed then, and the closure's result is lost).
    ///
    /// ```
    /// use reactive_core::{Signal, Update};
    /// let s = Signal::new(1);
    /// assert_eq!(Update::try_update(&s, |v| { *v += 1; *v }), Ok(2));
    /// ```
    #[track_caller]
    fn try_update<R>(&self, f: impl FnOnce(&mut Self::Value) -> R) -> Result<R, ReactiveError>;

    /// Changes the value in place, notifies subscribers, and returns what `f` returned.
    ///
    /// # Panics
    /// Like [`Signal::update`]: if `f` panics, what it changed stays and subscribers are
    /// notified before the panic continues.
    ///
    /// ```
    /// use reactive_core::{Signal, Update};
    /// let s = Signal::new(String::from("a"));
    /// let len = Update::update(&s, |v| { v.push('b'); v.len() });
    /// assert_eq!((len, s.get()), (2, "ab".to_string()));
    /// ```
    #[track_caller]
    fn update<R>(&self, f: impl FnOnce(&mut Self::Value) -> R) -> R {
        self.try_update(f).unwrap_or_else(|e| fail(e))
    }
}

/// Implements the read traits for a handle type by delegating to its inherent methods (which
/// take precedence in method calls, so both forms behave alike).
///
/// A signal is tracked by linking it; a memo is read (brought up to date) as well, because a
/// memo that never computed knows no sources yet, so nothing would ever tell it, or its new
/// reader, of a change.
macro_rules! read_traits {
    ($ty:ident, track: signal) => {
        impl<T: 'static> Track for $ty<T> {
            #[track_caller]
            fn try_track(&self) -> Result<(), ReactiveError> {
                let at = Location::caller();
                crate::engine::with_engine(|e| e.track_only(self.raw.id, at))
                    .map_err(|e| e.with_created_at(self.raw.defined_at()))
            }
        }
        read_traits!($ty);
    };
    ($ty:ident, track: memo) => {
        impl<T: 'static> Track for $ty<T> {
            #[track_caller]
            fn try_track(&self) -> Result<(), ReactiveError> {
                crate::handle::read(&self.raw, true, Location::caller(), |_: &T| ())
            }
        }
        read_traits!($ty);
    };
    ($ty:ident) => {
        impl<T: 'static> Reactive for $ty<T> {
            type Value = T;
        }
        impl<T: 'static> WithUntracked for $ty<T> {
            #[track_caller]
            fn try_with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R, ReactiveError> {
                crate::handle::read(&self.raw, false, Location::caller(), f)
            }
        }
        impl<T: 'static> With for $ty<T> {
            #[track_caller]
            fn try_with<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R, ReactiveError> {
                crate::handle::read(&self.raw, true, Location::caller(), f)
            }
        }
    };
}

/// Implements the write traits for a handle type (`Reactive` is implemented by `read_traits!`
/// for `Signal`, and here for the write-only handle).
macro_rules! write_traits {
    ($ty:ident) => {
        impl<T: 'static> Set for $ty<T> {
            #[track_caller]
            fn try_set(&self, value: T) -> Result<(), ReactiveError> {
                crate::handle::replace(&self.raw, value, |_, _| false, None, Location::caller())
                    .map(|_| ())
            }
        }
        impl<T: 'static> Update for $ty<T> {
            #[track_caller]
            fn try_update<R>(&self, f: impl FnOnce(&mut T) -> R) -> Result<R, ReactiveError> {
                let mut out = None;
                crate::handle::update(
                    &self.raw,
                    |v: &mut T| {
                        out = Some(f(v));
                        (true, None)
                    },
                    None,
                    Location::caller(),
                )?;
                Ok(out.expect("the update closure ran: the update succeeded"))
            }
        }
    };
}

read_traits!(Signal, track: signal);
read_traits!(ReadSignal, track: signal);
read_traits!(Memo, track: memo);
write_traits!(Signal);
write_traits!(WriteSignal);

impl<T: 'static> Reactive for WriteSignal<T> {
    type Value = T;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Effect, create_root};
    use std::cell::Cell;
    use std::rc::Rc;

    fn sum_of(a: &impl Get<Value = i32>, b: &impl Get<Value = i32>) -> i32 {
        a.get() + b.get()
    }

    #[test]
    fn generic_reads_accept_signals_read_signals_and_memos() {
        let s = Signal::new(1);
        let m = Memo::new(move || s.get() * 10);
        assert_eq!(sum_of(&s, &m), 11);
        assert_eq!(sum_of(&s.read_only(), &m), 11);
    }

    #[test]
    fn a_generic_with_inside_an_effect_subscribes_it() {
        fn watch(source: impl With<Value = i32> + 'static, seen: Rc<Cell<i32>>) {
            Effect::new(move || seen.set(source.with(|v| *v)));
        }
        let s = Signal::new(1);
        let seen = Rc::new(Cell::new(0));
        let ((), root) = create_root(|| watch(s.read_only(), seen.clone()));
        s.set(5);
        assert_eq!(seen.get(), 5);
        root.dispose();
    }

    #[test]
    fn a_generic_untracked_read_does_not_subscribe() {
        let s = Signal::new(1);
        let runs = Rc::new(Cell::new(0));
        let r = runs.clone();
        let ((), root) = create_root(|| {
            Effect::new(move || {
                GetUntracked::get_untracked(&s);
                r.set(r.get() + 1);
            });
        });
        s.set(2);
        assert_eq!(runs.get(), 1);
        root.dispose();
    }

    #[test]
    fn generic_track_subscribes_without_reading() {
        let s = Signal::new(1);
        let runs = Rc::new(Cell::new(0));
        let r = runs.clone();
        let ((), root) = create_root(|| {
            Effect::new(move || {
                Track::track(&s.read_only());
                r.set(r.get() + 1);
            });
        });
        s.set(2);
        assert_eq!(runs.get(), 2);
        root.dispose();
    }

    #[test]
    fn tracking_a_memo_that_never_computed_still_reruns_on_its_sources_changes() {
        let s = Signal::new(1);
        let m = Memo::new(move || s.get() * 2);
        let runs = Rc::new(Cell::new(0));
        let r = runs.clone();
        let ((), root) = create_root(|| {
            Effect::new(move || {
                m.track();
                r.set(r.get() + 1);
            });
        });
        s.set(2);
        assert_eq!(runs.get(), 2);
        root.dispose();
    }

    #[test]
    fn generic_writes_through_set_and_update_notify_readers() {
        let s = Signal::new(vec![1]);
        let len = Memo::new(move || s.with(Vec::len));
        Set::set(&s.write_only(), vec![1, 2]);
        assert_eq!(len.get(), 2);
        let returned = Update::update(&s, |v| {
            v.push(3);
            v.len() * 100
        });
        assert_eq!((returned, len.get()), (300, 3));
    }

    #[test]
    fn every_try_method_reports_a_disposed_handle_as_disposed_at_the_caller() {
        let s = Signal::new(1);
        let m = Memo::new(|| 1);
        s.dispose();
        m.dispose();
        let line = line!() + 2;
        let results: Vec<ReactiveError> = vec![
            Track::try_track(&s).unwrap_err(),
            WithUntracked::try_with_untracked(&s, |_| ()).unwrap_err(),
            With::try_with(&s.read_only(), |_| ()).unwrap_err(),
            GetUntracked::try_get_untracked(&m).unwrap_err(),
            Get::try_get(&m).unwrap_err(),
            Set::try_set(&s.write_only(), 2).unwrap_err(),
            Update::try_update(&s, |v| *v += 1).unwrap_err(),
        ];
        for (i, err) in results.into_iter().enumerate() {
            match err {
                ReactiveError::Disposed { at, .. } => {
                    assert_eq!(at.line(), line + i as u32, "{i}");
                    assert_eq!(at.file(), file!());
                }
                other => panic!("expected Disposed, got {other:?}"),
            }
        }
    }

    #[test]
    fn a_panicking_trait_method_on_a_disposed_handle_names_the_callers_line() {
        let s = Signal::new(1);
        s.dispose();
        let message = |f: &dyn Fn()| {
            *std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
                .expect_err("a disposed handle panics")
                .downcast::<String>()
                .expect("a formatted message")
        };
        let line = line!() + 2;
        let messages = [
            message(&|| _ = Get::get(&s)),
            message(&|| _ = GetUntracked::get_untracked(&s)),
            message(&|| Track::track(&s)),
            message(&|| Set::set(&s, 2)),
            message(&|| Update::update(&s, |v| *v += 1)),
        ];
        for (i, m) in messages.iter().enumerate() {
            assert!(m.contains("after it was disposed"), "{m}");
            let at = format!("{}:{}:", file!(), line + i as u32);
            assert!(m.contains(&at), "{m} should name {at}");
        }
    }

    #[test]
    fn a_trait_update_of_a_signal_being_updated_is_borrowed() {
        let s = Signal::new(1);
        let inner = Update::update(&s, |_| Update::try_update(&s, |v| *v += 1));
        assert!(matches!(inner, Err(ReactiveError::Borrowed { .. })));
    }

    #[test]
    fn a_trait_write_inside_a_memo_is_refused() {
        let s = Signal::new(0);
        let m = Memo::new(move || Set::try_set(&s, 1));
        assert!(matches!(
            m.get(),
            Err(ReactiveError::WriteInsideMemo { .. })
        ));
    }
}
