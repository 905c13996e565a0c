//! Memos: lazy, cached derived values with an equality cut-off.

use std::any::Any;
use std::marker::PhantomData;
use std::rc::Rc;

use crate::engine::{Compute, NodeId, NodeKind, flags, with_engine};
use crate::error::ReactiveError;
use crate::handle::{Raw, handle_impls, read_methods};

/// A derived value, computed from signals and other memos.
///
/// A memo is **lazy**: it computes on its first read, not when created, and a memo nobody reads
/// is never recomputed. It is **cached**: reading it again returns the stored value until a
/// source actually changes. And it **cuts off**: when a recomputation yields a value equal to
/// the previous one, nothing downstream re-runs.
///
/// ```
/// use reactive_core::{Memo, Signal};
///
/// let first = Signal::new("Ada".to_string());
/// let last = Signal::new("Lovelace".to_string());
/// let full = Memo::new(move || format!("{} {}", first.get(), last.get()));
/// assert_eq!(full.get(), "Ada Lovelace");
/// last.set("Byron".into());
/// assert_eq!(full.get(), "Ada Byron");
/// ```
pub struct Memo<T: 'static> {
    pub(crate) raw: Raw,
    _type: PhantomData<fn() -> T>,
}

handle_impls!(Memo);
read_methods!(Memo, "let x = Memo::new(|| 1);");

impl<T: 'static> Memo<T> {
    /// Creates a memo whose subscribers are notified only when its value changes (`!=`).
    ///
    /// ```
    /// # use reactive_core::*;
    /// let n = Signal::new(3);
    /// let parity = Memo::new(move || n.get() % 2);
    /// assert_eq!(parity.get(), 1);
    /// ```
    #[track_caller]
    pub fn new(f: impl FnMut() -> T + 'static) -> Self
    where
        T: PartialEq,
    {
        Self::with_compute(f, T::eq, std::panic::Location::caller())
    }

    /// Creates a memo with a custom equality test: subscribers are notified when
    /// `equal(old, new)` is false.
    ///
    /// ```
    /// # use reactive_core::*;
    /// use std::rc::Rc;
    /// let n = Signal::new(1);
    /// // Compare by identity: every recomputation counts as a change.
    /// let list = Memo::new_with_compare(move || Rc::new(vec![n.get()]), Rc::ptr_eq);
    /// assert_eq!(list.get()[0], 1);
    /// ```
    #[track_caller]
    pub fn new_with_compare(
        f: impl FnMut() -> T + 'static,
        equal: impl Fn(&T, &T) -> bool + 'static,
    ) -> Self {
        Self::with_compute(f, equal, std::panic::Location::caller())
    }

    /// Creates a memo without an equality cut-off: every recomputation notifies subscribers.
    /// For values that are costly or impossible to compare.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let n = Signal::new(1);
    /// let m = Memo::new_always(move || n.get() / 2);
    /// assert_eq!(m.get(), 0);
    /// ```
    #[track_caller]
    pub fn new_always(f: impl FnMut() -> T + 'static) -> Self {
        Self::with_compute(f, |_, _| false, std::panic::Location::caller())
    }

    fn with_compute(
        f: impl FnMut() -> T + 'static,
        equal: impl Fn(&T, &T) -> bool + 'static,
        at: &'static std::panic::Location<'static>,
    ) -> Self {
        let compute: Box<dyn Compute> = Box::new(MemoCompute {
            f,
            equal,
            _type: PhantomData,
        });
        let id = with_engine(|e| {
            e.create_node(NodeKind::Memo, None, Some(compute), flags::DIRTY, false, at)
        });
        Memo {
            raw: Raw::new(id, at),
            _type: PhantomData,
        }
    }

    /// The typed handle of a memo node; only [`AnyMemo::downcast`](crate::AnyMemo::downcast)
    /// calls it, after checking that the node's value is a `T`.
    pub(crate) fn from_raw(raw: Raw) -> Self {
        Memo {
            raw,
            _type: PhantomData,
        }
    }

    /// Names the memo for diagnostics. Returns `self`.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let m = Memo::new(|| 1).named("one");
    /// # let _ = m;
    /// ```
    pub fn named(self, name: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        with_engine(|e| e.set_name(self.raw.id, name.into()));
        self
    }

    /// Disposes the memo and what its computation created; runs its cleanups.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let m = Memo::new(|| 1);
    /// m.dispose();
    /// assert!(m.is_disposed());
    /// ```
    pub fn dispose(self) {
        with_engine(|e| e.dispose_batched(self.raw.id));
    }
}

struct MemoCompute<T, F, C> {
    f: F,
    equal: C,
    _type: PhantomData<fn() -> T>,
}

impl<T: 'static, F: FnMut() -> T, C: Fn(&T, &T) -> bool> Compute for MemoCompute<T, F, C> {
    fn run(&mut self, value: &mut Option<Rc<dyn Any>>) -> bool {
        let new = (self.f)();
        match value {
            None => {
                *value = Some(Rc::new(new));
                true
            }
            Some(slot) => {
                if let Some(old) = Rc::get_mut(slot) {
                    // Steady state: the value is not lent out, overwrite it in place.
                    let old = crate::handle::downcast_mut::<T>(old);
                    if (self.equal)(old, &new) {
                        return false;
                    }
                    *old = new;
                    return true;
                }
                let old = crate::handle::downcast::<T>(&**slot);
                if (self.equal)(old, &new) {
                    return false;
                }
                // A reader's `with` still holds the old value: leave it to that reader.
                *slot = Rc::new(new);
                true
            }
        }
    }
}
