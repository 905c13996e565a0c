//! [`AnyMemo`]: a memo whose value type is known only at run time, for code that keeps memos of
//! different types together and reads each back with the type it knows.

use std::any::TypeId;
use std::panic::Location;

use crate::engine::{NodeId, with_engine};
use crate::error::ReactiveError;
use crate::handle::Raw;
use crate::memo::Memo;

/// A [`Memo`] of any value type: the memo's node and the [`TypeId`] of its value.
///
/// It is `Copy`, like every handle, and is read back as a `Memo<T>` with
/// [`downcast`](Self::downcast), which checks the type once. Tracking and disposing need no type.
///
/// ```
/// use reactive_core::{AnyMemo, Memo, Signal};
///
/// let n = Signal::new(2);
/// let memos = [AnyMemo::from(Memo::new(move || n.get() * 10)), Memo::new(|| "two").into()];
/// assert_eq!(memos[0].downcast::<i32>().map(|m| m.get()), Some(20));
/// assert_eq!(memos[1].downcast::<&str>().map(|m| m.get()), Some("two"));
/// assert!(memos[1].downcast::<i32>().is_none(), "not an i32 memo");
/// ```
#[derive(Clone, Copy)]
pub struct AnyMemo {
    raw: Raw,
    value_type: TypeId,
}

impl AnyMemo {
    /// The memo as a `Memo<T>`, if its value is a `T`.
    #[inline]
    pub fn downcast<T: 'static>(self) -> Option<Memo<T>> {
        (self.value_type == TypeId::of::<T>()).then(|| Memo::from_raw(self.raw))
    }

    /// Whether the memo's value is a `T`.
    ///
    /// ```
    /// # use reactive_core::*;
    /// assert!(AnyMemo::from(Memo::new(|| 1_u8)).is::<u8>());
    /// ```
    pub fn is<T: 'static>(self) -> bool {
        self.value_type == TypeId::of::<T>()
    }

    /// The node of the memo.
    pub fn id(self) -> NodeId {
        self.raw.id
    }

    /// Subscribes the running memo or effect to the memo, computing it first if it never ran
    /// (a memo not computed yet has no sources, so nothing would notify its readers).
    ///
    /// # Panics
    /// As [`try_track`](Self::try_track) fails.
    #[track_caller]
    pub fn track(self) {
        self.try_track().unwrap_or_else(|e| crate::error::fail(e))
    }

    /// Fallible [`track`](Self::track): [`ReactiveError::Disposed`] or [`ReactiveError::Cycle`].
    ///
    /// ```
    /// # use reactive_core::*;
    /// let m = AnyMemo::from(Memo::new(|| 1));
    /// assert_eq!(m.try_track(), Ok(()));
    /// m.dispose();
    /// assert!(matches!(m.try_track(), Err(ReactiveError::Disposed { .. })));
    /// ```
    #[track_caller]
    pub fn try_track(self) -> Result<(), ReactiveError> {
        let at = Location::caller();
        with_engine(|e| e.value_for_read(self.raw.id, true, at))
            .map(drop)
            .map_err(|e| e.with_created_at(self.raw.defined_at()))
    }

    /// Disposes the memo, as [`Memo::dispose`].
    pub fn dispose(self) {
        with_engine(|e| e.dispose_batched(self.raw.id));
    }

    /// Whether the memo was disposed.
    pub fn is_disposed(self) -> bool {
        !with_engine(|e| e.contains(self.raw.id))
    }
}

impl<T: 'static> From<Memo<T>> for AnyMemo {
    fn from(memo: Memo<T>) -> Self {
        AnyMemo {
            raw: memo.raw,
            value_type: TypeId::of::<T>(),
        }
    }
}

impl PartialEq for AnyMemo {
    /// Identity: the same memo.
    fn eq(&self, other: &Self) -> bool {
        self.raw.id == other.raw.id
    }
}

impl Eq for AnyMemo {}

impl std::hash::Hash for AnyMemo {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.raw.id.hash(state)
    }
}

impl std::fmt::Debug for AnyMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("AnyMemo").field(&self.raw.id).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Effect, Signal};
    use proptest::prelude::*;
    use std::cell::Cell;
    use std::rc::Rc;

    /// A memo's value in the reference model: which type, and the value.
    #[derive(Clone, Debug, PartialEq)]
    enum Value {
        Int(u32),
        Flag(bool),
        Text(String),
    }

    fn erase(value: &Value) -> AnyMemo {
        match value.clone() {
            Value::Int(n) => Memo::new(move || n).into(),
            Value::Flag(b) => Memo::new(move || b).into(),
            Value::Text(t) => Memo::new(move || t.clone()).into(),
        }
    }

    proptest! {
        /// Memos of mixed types kept together read back exactly as a list of their values does,
        /// and a downcast to any other type is refused.
        #[test]
        fn mixed_memos_read_back_as_their_own_type_only(
            values in prop::collection::vec(
                prop_oneof![
                    any::<u32>().prop_map(Value::Int),
                    any::<bool>().prop_map(Value::Flag),
                    "[a-z]{0,4}".prop_map(Value::Text),
                ],
                0..12,
            )
        ) {
            let memos: Vec<AnyMemo> = values.iter().map(erase).collect();
            for (memo, value) in memos.iter().zip(&values) {
                let int = memo.downcast::<u32>().map(|m| Value::Int(m.get()));
                let flag = memo.downcast::<bool>().map(|m| Value::Flag(m.get()));
                let text = memo.downcast::<String>().map(|m| Value::Text(m.get()));
                let read: Vec<Value> = [int, flag, text].into_iter().flatten().collect();
                prop_assert_eq!(read, vec![value.clone()]);
            }
            memos.iter().for_each(|memo| memo.dispose());
            prop_assert!(memos.iter().all(|memo| memo.is_disposed()));
        }
    }

    #[test]
    fn a_downcast_to_the_memo_type_reads_the_same_memo() {
        let n = Signal::new(1);
        let memo = Memo::new(move || n.get() + 1);
        let any = AnyMemo::from(memo);
        assert_eq!(any.downcast::<i32>(), Some(memo));
        assert_eq!(any.id(), AnyMemo::from(memo).id());
        n.set(5);
        assert_eq!(any.downcast::<i32>().map(|m| m.get()), Some(6));
        assert_eq!(any.downcast::<u32>(), None);
        assert!(any.is::<i32>() && !any.is::<i64>());
    }

    #[test]
    fn tracking_a_memo_never_read_subscribes_to_its_sources() {
        let n = Signal::new(1);
        let any = AnyMemo::from(Memo::new(move || n.get() * 2));
        let runs = Rc::new(Cell::new(0));
        let counted = Rc::clone(&runs);
        let _effect = Effect::new(move || {
            any.track();
            counted.set(counted.get() + 1);
        });
        assert_eq!(runs.get(), 1);
        n.set(2);
        assert_eq!(runs.get(), 2, "the memo changed: the effect re-ran");
    }

    #[test]
    fn disposing_the_erased_memo_disposes_the_memo() {
        let memo = Memo::new(|| 1);
        let any = AnyMemo::from(memo);
        assert!(!any.is_disposed());
        any.dispose();
        assert!(any.is_disposed() && memo.is_disposed());
        assert!(matches!(
            any.try_track(),
            Err(ReactiveError::Disposed { .. })
        ));
    }
}
