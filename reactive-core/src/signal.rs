//! Signals: [`Signal`], and its read-only and write-only views [`ReadSignal`], [`WriteSignal`].

use std::marker::PhantomData;
use std::rc::Rc;

use crate::engine::{NodeId, NodeKind, with_engine};
use crate::error::ReactiveError;
use crate::handle::{Raw, handle_impls, read_methods, write_methods};

/// A reactive value: reading it inside a memo or effect subscribes that computation; writing it
/// re-runs what read it.
///
/// `Signal` is a `Copy` handle (8 bytes in release builds) into the current thread's arena. It
/// lives until its owner is disposed (or [`dispose`](Signal::dispose) is called); using it after
/// that is reported as [`ReactiveError::Disposed`].
///
/// ```
/// use reactive_core::{Effect, Signal};
/// use std::{cell::Cell, rc::Rc};
///
/// let count = Signal::new(1);
/// let seen = Rc::new(Cell::new(0));
/// let s = seen.clone();
/// Effect::new(move || s.set(count.get()));
/// count.set(2);
/// assert_eq!(seen.get(), 2);
/// ```
pub struct Signal<T: 'static> {
    pub(crate) raw: Raw,
    _type: PhantomData<fn() -> T>,
}

/// The read half of a [`Signal`]: pass it to code that must not write.
///
/// ```
/// # use reactive_core::*;
/// let (read, write) = Signal::new(1).split();
/// write.set(2);
/// assert_eq!(read.get(), 2);
/// ```
pub struct ReadSignal<T: 'static> {
    pub(crate) raw: Raw,
    _type: PhantomData<fn() -> T>,
}

/// The write half of a [`Signal`]: pass it to code that must not read.
///
/// ```
/// # use reactive_core::*;
/// let (read, write) = Signal::new(1).split();
/// write.update(|v| *v *= 10);
/// assert_eq!(read.get(), 10);
/// ```
pub struct WriteSignal<T: 'static> {
    pub(crate) raw: Raw,
    _type: PhantomData<fn() -> T>,
}

handle_impls!(Signal);
handle_impls!(ReadSignal);
handle_impls!(WriteSignal);
read_methods!(Signal, "let x = Signal::new(1);");
read_methods!(ReadSignal, "let x = Signal::new(1).read_only();");
write_methods!(Signal, "let x = Signal::new(1); let r = x;");
write_methods!(WriteSignal, "let (r, x) = Signal::new(1).split();");

impl<T: 'static> Signal<T> {
    /// Creates a signal owned by the current owner (see [`Owner`](crate::Owner)).
    ///
    /// ```
    /// # use reactive_core::*;
    /// let name = Signal::new(String::from("Ada"));
    /// assert_eq!(name.with(|n| n.len()), 3);
    /// ```
    #[track_caller]
    pub fn new(value: T) -> Self {
        let at = std::panic::Location::caller();
        let id = with_engine(|e| {
            e.create_node(NodeKind::Signal, Some(Rc::new(value)), None, 0, false, at)
        });
        Signal {
            raw: Raw::new(id, at),
            _type: PhantomData,
        }
    }

    /// Names the signal for diagnostics (errors, graph snapshots). Returns `self`.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let hp = Signal::new(10).named("hp");
    /// assert!(Runtime::graph_snapshot().nodes.iter().any(|n| n.name.as_deref() == Some("hp")));
    /// # let _ = hp;
    /// ```
    pub fn named(self, name: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        with_engine(|e| e.set_name(self.raw.id, name.into()));
        self
    }

    /// A read-only view of this signal.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let s = Signal::new(1);
    /// assert_eq!(s.read_only().get(), 1);
    /// ```
    pub fn read_only(&self) -> ReadSignal<T> {
        ReadSignal {
            raw: self.raw,
            _type: PhantomData,
        }
    }

    /// A write-only view of this signal.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let s = Signal::new(1);
    /// s.write_only().set(2);
    /// assert_eq!(s.get(), 2);
    /// ```
    pub fn write_only(&self) -> WriteSignal<T> {
        WriteSignal {
            raw: self.raw,
            _type: PhantomData,
        }
    }

    /// Both views at once.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let (r, w) = Signal::new(0).split();
    /// w.set(3);
    /// assert_eq!(r.get(), 3);
    /// ```
    pub fn split(&self) -> (ReadSignal<T>, WriteSignal<T>) {
        (self.read_only(), self.write_only())
    }

    /// Disposes the signal now: its value is dropped and readers stop depending on it. Disposing
    /// twice is a no-op.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let s = Signal::new(1);
    /// s.dispose();
    /// assert!(matches!(s.try_get(), Err(ReactiveError::Disposed { .. })));
    /// ```
    pub fn dispose(self) {
        with_engine(|e| e.dispose_batched(self.raw.id));
    }
}

impl<T: Default + 'static> Default for Signal<T> {
    /// A signal holding `T::default()`.
    #[track_caller]
    fn default() -> Self {
        Signal::new(T::default())
    }
}

impl<T: 'static> From<Signal<T>> for ReadSignal<T> {
    fn from(s: Signal<T>) -> Self {
        s.read_only()
    }
}

impl<T: 'static> From<Signal<T>> for WriteSignal<T> {
    fn from(s: Signal<T>) -> Self {
        s.write_only()
    }
}

/// Serialises as the current value (untracked).
#[cfg(feature = "serde")]
impl<T: serde::Serialize + 'static> serde::Serialize for Signal<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.try_with_untracked(|v| v.serialize(serializer))
            .map_err(serde::ser::Error::custom)?
    }
}

/// Deserialises a value into a new signal owned by the current owner.
#[cfg(feature = "serde")]
impl<'de, T: serde::Deserialize<'de> + 'static> serde::Deserialize<'de> for Signal<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Signal::new)
    }
}
