//! What every handle shares: a generational id, where it was created (debug builds), and the
//! read/write methods generated for each handle type.

use std::marker::PhantomData;
use std::panic::Location;

use crate::engine::NodeId;

/// The untyped part of a handle. `!Send` and `!Sync`: nodes live in a thread-local arena.
pub(crate) struct Raw {
    pub id: NodeId,
    #[cfg(debug_assertions)]
    pub defined_at: &'static Location<'static>,
    _not_send: PhantomData<*const ()>,
}

impl Raw {
    pub fn new(id: NodeId, defined_at: &'static Location<'static>) -> Self {
        #[cfg(not(debug_assertions))]
        let _ = defined_at;
        Raw {
            id,
            #[cfg(debug_assertions)]
            defined_at,
            _not_send: PhantomData,
        }
    }

    /// Where the node was created, when known.
    pub fn defined_at(&self) -> Option<&'static Location<'static>> {
        #[cfg(debug_assertions)]
        return Some(self.defined_at);
        #[cfg(not(debug_assertions))]
        None
    }
}

impl Clone for Raw {
    fn clone(&self) -> Self {
        *self
    }
}
impl Copy for Raw {}

/// Generates the `Copy`/`Eq`/`Hash`/`Debug` impls of a typed handle `$ty<T>` holding `raw: Raw`.
macro_rules! handle_impls {
    ($ty:ident) => {
        impl<T> Clone for $ty<T> {
            fn clone(&self) -> Self {
                *self
            }
        }
        impl<T> Copy for $ty<T> {}
        impl<T> PartialEq for $ty<T> {
            fn eq(&self, other: &Self) -> bool {
                self.raw.id == other.raw.id
            }
        }
        impl<T> Eq for $ty<T> {}
        impl<T> std::hash::Hash for $ty<T> {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.raw.id.hash(state)
            }
        }
        impl<T> std::fmt::Debug for $ty<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_tuple(stringify!($ty)).field(&self.raw.id).finish()
            }
        }
    };
}

/// Generates the read methods of a handle type. `$setup` is doc-test code that binds `x` to a
/// handle holding `1`.
macro_rules! read_methods {
    ($ty:ident, $setup:literal) => {
        impl<T: 'static> $ty<T> {
            /// Reads the value through a borrow, tracking it: the current memo or effect re-runs
            /// when it changes. The closure may read other nodes freely.
            ///
            /// # Panics
            /// If the node was disposed, or (for a memo) it depends on itself; the message names
            /// the node, where it was created and where it was read. See
            /// [`try_with`](Self::try_with).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert_eq!(x.with(|v| *v + 1), 2);
            /// ```
            #[track_caller]
            pub fn with<R>(&self, f: impl FnOnce(&T) -> R) -> R {
                self.try_with(f).unwrap_or_else(|e| $crate::error::fail(e))
            }

            /// Like [`with`](Self::with), without tracking.
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert_eq!(x.with_untracked(|v| *v), 1);
            /// ```
            #[track_caller]
            pub fn with_untracked<R>(&self, f: impl FnOnce(&T) -> R) -> R {
                self.try_with_untracked(f)
                    .unwrap_or_else(|e| $crate::error::fail(e))
            }

            /// Fallible [`with`](Self::with). A memo that depends on itself is
            /// [`ReactiveError::Cycle`], also when a panicking `get` or `with` inside its
            /// computation is what found the cycle.
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert_eq!(x.try_with(|v| *v), Ok(1));
            /// ```
            #[track_caller]
            pub fn try_with<R>(&self, f: impl FnOnce(&T) -> R) -> Result<R, ReactiveError> {
                $crate::handle::read(&self.raw, true, std::panic::Location::caller(), f)
            }

            /// Fallible [`with_untracked`](Self::with_untracked).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert_eq!(x.try_with_untracked(|v| *v), Ok(1));
            /// ```
            #[track_caller]
            pub fn try_with_untracked<R>(
                &self,
                f: impl FnOnce(&T) -> R,
            ) -> Result<R, ReactiveError> {
                $crate::handle::read(&self.raw, false, std::panic::Location::caller(), f)
            }

            /// Returns a clone of the value, tracking it.
            ///
            /// # Panics
            /// Like [`with`](Self::with); see [`try_get`](Self::try_get).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert_eq!(x.get(), 1);
            /// ```
            #[track_caller]
            pub fn get(&self) -> T
            where
                T: Clone,
            {
                self.with(T::clone)
            }

            /// Returns a clone of the value without tracking.
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert_eq!(x.get_untracked(), 1);
            /// ```
            #[track_caller]
            pub fn get_untracked(&self) -> T
            where
                T: Clone,
            {
                self.with_untracked(T::clone)
            }

            /// Fallible [`get`](Self::get).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert_eq!(x.try_get(), Ok(1));
            /// ```
            #[track_caller]
            pub fn try_get(&self) -> Result<T, ReactiveError>
            where
                T: Clone,
            {
                self.try_with(T::clone)
            }

            /// Fallible [`get_untracked`](Self::get_untracked).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert_eq!(x.try_get_untracked(), Ok(1));
            /// ```
            #[track_caller]
            pub fn try_get_untracked(&self) -> Result<T, ReactiveError>
            where
                T: Clone,
            {
                self.try_with_untracked(T::clone)
            }

            /// Subscribes the current memo or effect to this node without reading it (a memo
            /// is brought up to date first, so that it learns its own sources).
            ///
            /// # Panics
            /// If the node was disposed; see [`Track::try_track`](crate::Track::try_track).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// x.track();
            /// ```
            #[track_caller]
            pub fn track(&self) {
                $crate::traits::Track::try_track(self).unwrap_or_else(|e| $crate::error::fail(e))
            }

            /// The node's id (for diagnostics and graph snapshots).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert!(Runtime::graph_snapshot().nodes.iter().any(|n| n.id == x.id()));
            /// ```
            pub fn id(&self) -> NodeId {
                self.raw.id
            }

            /// Whether the node was disposed.
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert!(!x.is_disposed());
            /// ```
            pub fn is_disposed(&self) -> bool {
                !$crate::engine::with_engine(|e| e.contains(self.raw.id))
            }
        }
    };
}

/// Generates the write methods of a handle type. `$setup` binds `x` to a handle whose node holds
/// `1` and `r` to something that reads it.
macro_rules! write_methods {
    ($ty:ident, $setup:literal) => {
        impl<T: 'static> $ty<T> {
            /// Replaces the value and notifies subscribers (always, even if equal: see
            /// [`set_if_changed`](Self::set_if_changed)). Outside a batch, effects run before
            /// this returns.
            ///
            /// # Panics
            /// If the signal was disposed, if called while a memo is being computed, or if the
            /// effects it triggers never settle. See [`try_set`](Self::try_set). If dropping the
            /// old value panics, the new value is stored and subscribers are notified first,
            /// then the panic continues.
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// x.set(5);
            /// assert_eq!(r.get(), 5);
            /// ```
            #[track_caller]
            pub fn set(&self, value: T) {
                self.try_set(value)
                    .unwrap_or_else(|e| $crate::error::fail(e))
            }

            /// Fallible [`set`](Self::set). On [`ReactiveError::Unsettled`] the value was written.
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert!(x.try_set(5).is_ok());
            /// ```
            #[track_caller]
            pub fn try_set(&self, value: T) -> Result<(), ReactiveError> {
                $crate::handle::replace(
                    &self.raw,
                    value,
                    |_, _| false,
                    None,
                    std::panic::Location::caller(),
                )
                .map(|_| ())
            }

            /// Replaces the value and notifies subscribers only if it differs from the current
            /// one. Returns whether it differed.
            ///
            /// # Panics
            /// Like [`set`](Self::set).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert!(!x.set_if_changed(1));
            /// assert!(x.set_if_changed(2));
            /// ```
            #[track_caller]
            pub fn set_if_changed(&self, value: T) -> bool
            where
                T: PartialEq,
            {
                self.try_set_if_changed(value)
                    .unwrap_or_else(|e| $crate::error::fail(e))
            }

            /// Fallible [`set_if_changed`](Self::set_if_changed).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert_eq!(x.try_set_if_changed(1), Ok(false));
            /// ```
            #[track_caller]
            pub fn try_set_if_changed(&self, value: T) -> Result<bool, ReactiveError>
            where
                T: PartialEq,
            {
                $crate::handle::replace(
                    &self.raw,
                    value,
                    T::eq,
                    Some($crate::engine::same_value::<T>),
                    std::panic::Location::caller(),
                )
            }

            /// Changes the value in place and notifies subscribers.
            ///
            /// # Panics
            /// Like [`set`](Self::set); also if the closure reads this same signal (its value is
            /// lent to the closure).
            ///
            /// If the closure panics, what it changed before panicking stays (there is no copy to
            /// restore: `T` need not be `Clone`), so subscribers are notified as after any
            /// update, and readers see the value the signal now holds; then the panic continues.
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// x.update(|v| *v += 1);
            /// assert_eq!(r.get(), 2);
            /// ```
            #[track_caller]
            pub fn update(&self, f: impl FnOnce(&mut T)) {
                self.try_update(f)
                    .unwrap_or_else(|e| $crate::error::fail(e))
            }

            /// Fallible [`update`](Self::update).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert!(x.try_update(|v| *v += 1).is_ok());
            /// ```
            #[track_caller]
            pub fn try_update(&self, f: impl FnOnce(&mut T)) -> Result<(), ReactiveError> {
                $crate::handle::update(
                    &self.raw,
                    |v: &mut T| {
                        f(v);
                        (true, None)
                    },
                    None,
                    std::panic::Location::caller(),
                )
                .map(|_| ())
            }

            /// Changes the value in place, notifying subscribers only if it ends up different.
            /// Returns whether it changed.
            ///
            /// # Panics
            /// Like [`update`](Self::update), including a panic of the closure: subscribers are
            /// then notified as if the value changed.
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert!(!x.update_if_changed(|v| *v = 1));
            /// assert!(x.update_if_changed(|v| *v = 3));
            /// ```
            #[track_caller]
            pub fn update_if_changed(&self, f: impl FnOnce(&mut T)) -> bool
            where
                T: Clone + PartialEq,
            {
                self.try_update_if_changed(f)
                    .unwrap_or_else(|e| $crate::error::fail(e))
            }

            /// Fallible [`update_if_changed`](Self::update_if_changed).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// assert_eq!(x.try_update_if_changed(|v| *v = 1), Ok(false));
            /// ```
            #[track_caller]
            pub fn try_update_if_changed(
                &self,
                f: impl FnOnce(&mut T),
            ) -> Result<bool, ReactiveError>
            where
                T: Clone + PartialEq,
            {
                $crate::handle::update(
                    &self.raw,
                    |v: &mut T| {
                        let old = v.clone();
                        f(v);
                        (*v != old, Some(old))
                    },
                    Some($crate::engine::same_value::<T>),
                    std::panic::Location::caller(),
                )
            }

            /// Notifies subscribers as if the value changed, without changing it.
            ///
            /// # Panics
            /// Like [`set`](Self::set).
            ///
            /// ```
            /// # use reactive_core::*;
            #[doc = $setup]
            /// x.notify();
            /// ```
            #[track_caller]
            pub fn notify(&self) {
                let at = std::panic::Location::caller();
                $crate::engine::with_engine(|e| e.notify(self.raw.id, at))
                    .map_err(|e| e.with_created_at(self.raw.defined_at()))
                    .unwrap_or_else(|e| $crate::error::fail(e))
            }
        }
    };
}

pub(crate) use {handle_impls, read_methods, write_methods};

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use crate::engine::revert::SameValue;
use crate::engine::{Before, Caller, with_engine};
use crate::error::ReactiveError;

/// Reads the value of a node of type `T`.
pub(crate) fn read<T: 'static, R>(
    raw: &Raw,
    track: bool,
    at: Caller,
    f: impl FnOnce(&T) -> R,
) -> Result<R, ReactiveError> {
    let value = with_engine(|e| e.value_for_read(raw.id, track, at))
        .map_err(|e| e.with_created_at(raw.defined_at()))?;
    Ok(f(downcast(&*value)))
}

/// Replaces a signal's value unless `same(old, new)`; returns whether it was replaced.
/// `compared` is the type's comparison when the write compares values (`set_if_changed`): such
/// a write is undone by writing the old value back in the same batch (`engine/revert.rs`).
pub(crate) fn replace<T: 'static>(
    raw: &Raw,
    value: T,
    same: impl FnOnce(&T, &T) -> bool,
    compared: Option<SameValue>,
    at: Caller,
) -> Result<bool, ReactiveError> {
    with_engine(|e| {
        let (slot, keep) = e.take_for_write(raw.id, at)?;
        let mut guard = PutBack {
            id: raw.id,
            slot: Some(slot),
        };
        let rc = guard.slot.as_mut().expect("slot present until put back");
        let changed = !same(downcast(&**rc), &value);
        let mut old = None;
        let mut before = None;
        if changed {
            if let Some(same) = compared.filter(|_| keep) {
                // The first write of this batch: keep what the readers saw.
                let value = std::mem::replace(rc, e.boxed_value(value));
                before = Some(Before::new::<T>(value, same));
            } else {
                match std::rc::Rc::get_mut(rc) {
                    Some(v) => old = Some(std::mem::replace(downcast_mut::<T>(v), value)),
                    // An outer `with` of this signal still looks at the old value: keep it
                    // alive.
                    None => *rc = std::rc::Rc::new(value),
                }
            }
        }
        // The new value is stored: a panicking `Drop` of the old one must not skip the
        // notification. Dropped before notifying, as an in-place assignment would.
        let dropped = catch_unwind(AssertUnwindSafe(move || drop(old)));
        let slot = guard.slot.take().expect("slot present until put back");
        let notified = e.put_back(raw.id, slot, changed, compared.is_some(), before);
        if let Err(panic) = dropped {
            resume_unwind(panic);
        }
        notified.map(|()| changed)
    })
    .map_err(|e| e.with_created_at(raw.defined_at()))
}

/// Changes a signal's value in place; `f` returns whether to notify and, for a comparing
/// update (`compared` is `Some`), the value before the change.
pub(crate) fn update<T: 'static>(
    raw: &Raw,
    f: impl FnOnce(&mut T) -> (bool, Option<T>),
    compared: Option<SameValue>,
    at: Caller,
) -> Result<bool, ReactiveError> {
    with_engine(|e| {
        let (slot, keep) = e.take_for_write(raw.id, at)?;
        let mut guard = PutBack {
            id: raw.id,
            slot: Some(slot),
        };
        let outcome = {
            let rc = guard.slot.as_mut().expect("slot present until put back");
            match std::rc::Rc::get_mut(rc) {
                Some(v) => {
                    let v = downcast_mut::<T>(v);
                    catch_unwind(AssertUnwindSafe(|| f(v)))
                }
                None => {
                    let node = e.info_of(raw.id);
                    return Err(ReactiveError::Borrowed { node, at });
                }
            }
        };
        let slot = guard.slot.take().expect("slot present until put back");
        match outcome {
            Ok((changed, old)) => {
                // The first write of this batch: keep what the readers saw.
                let before = match (changed && keep, compared, old) {
                    (true, Some(same), Some(old)) => {
                        Some(Before::new::<T>(e.boxed_value(old), same))
                    }
                    _ => None,
                };
                e.put_back(raw.id, slot, changed, compared.is_some(), before)
                    .map(|()| changed)
            }
            // The closure may have changed the value in place before it panicked, and there is
            // no copy to restore (no `Clone` bound): notify, so every reader sees the value the
            // node now holds, then let the panic continue. A failure of that flush gives way to
            // the closure's panic, which is the cause.
            Err(panic) => {
                let _ = catch_unwind(AssertUnwindSafe(|| {
                    e.put_back(raw.id, slot, true, false, None)
                }));
                resume_unwind(panic)
            }
        }
    })
    .map_err(|e| e.with_created_at(raw.defined_at()))
}

/// Puts a taken value back if the update closure panics or the update is refused.
struct PutBack {
    id: NodeId,
    slot: Option<std::rc::Rc<dyn std::any::Any>>,
}

impl Drop for PutBack {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            with_engine(|e| {
                if let Ok(mut g) = e.graph.try_borrow_mut() {
                    if let Some(node) = g.nodes.get_mut(self.id) {
                        node.value = Some(slot);
                    }
                }
            });
        }
    }
}

/// Views a node's value as the `T` of the handle that reached it.
///
/// Checked in debug builds (every test run verifies the invariant below on every read);
/// unchecked in release builds, where the checked `downcast_ref`'s virtual `type_id` call cost
/// 15–30% of a read-heavy flush (benches/README.md, optimisation log).
#[inline]
#[allow(unsafe_code)] // Measured to pay; the invariant is argued below and asserted in debug.
pub(crate) fn downcast<T: 'static>(v: &dyn std::any::Any) -> &T {
    debug_assert!(v.is::<T>(), "{}", TYPE_INVARIANT);
    // SAFETY: `v` is the value of a node reached through a typed handle (`Signal<T>`,
    // `ReadSignal<T>`, `WriteSignal<T>`, `Memo<T>`), through the `MemoCompute<T>` that owns
    // the node, or by `engine::same_value::<T>` comparing a signal's current and kept values
    // (stored with that function by a write through a typed handle of the signal). Such handles are only created by the constructors that insert that node with a
    // value of type `T`, and every later write stores a `T` again (`replace`, `update`,
    // `MemoCompute::run`). Keys are generational, so a handle never reaches a later node reusing
    // the slot, and handles are `!Send`/`!Sync`, so they never reach another thread's arena.
    // Hence `v`'s concrete type is `T`, and casting the data pointer of the `dyn Any` to `*const T`
    // yields a valid, aligned reference with the same lifetime.
    unsafe { &*(v as *const dyn std::any::Any as *const T) }
}

/// Mutable twin of [`downcast`]; same invariant.
#[inline]
#[allow(unsafe_code)] // See `downcast`.
pub(crate) fn downcast_mut<T: 'static>(v: &mut dyn std::any::Any) -> &mut T {
    debug_assert!(v.is::<T>(), "{}", TYPE_INVARIANT);
    // SAFETY: as in `downcast`: the value's concrete type is `T`; the exclusive borrow of `v` is
    // handed on unchanged.
    unsafe { &mut *(v as *mut dyn std::any::Any as *mut T) }
}

const TYPE_INVARIANT: &str =
    "reactive: a node holds a value of another type than the handle that reached it";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downcast_views_the_value_with_its_own_type() {
        let mut v: Box<dyn std::any::Any> = Box::new(41u64);
        *downcast_mut::<u64>(&mut *v) += 1;
        assert_eq!(*downcast::<u64>(&*v), 42);
    }

    #[cfg(debug_assertions)]
    #[test]
    #[should_panic(expected = "another type than the handle")]
    fn downcast_to_another_type_is_caught_in_debug_builds() {
        let v: Box<dyn std::any::Any> = Box::new(1u8);
        let _ = downcast::<u64>(&*v);
    }
}
