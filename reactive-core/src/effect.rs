//! Effects: the leaves of the graph, where changes turn into work.

use std::any::Any;
use std::panic::Location;
use std::rc::Rc;

use crate::engine::{Compute, NodeId, NodeKind, flags, with_engine};
use crate::handle::Raw;

/// A side effect that runs once when created, then again after each change of what it read.
///
/// Effects run after the outermost write or [`batch`](crate::batch) has finished, when the whole
/// graph is consistent; each runs at most once per write or batch, owners before what they own,
/// then in creation order. Before each re-run, everything the previous run created is disposed
/// and its [`on_cleanup`](crate::on_cleanup) callbacks run.
///
/// Writing signals inside an effect is allowed: the effects this triggers run in the same flush,
/// in a following round. A cycle of effects that never settles is stopped after a bounded number
/// of rounds with [`ReactiveError::Unsettled`](crate::ReactiveError::Unsettled).
///
/// ```
/// use reactive_core::{Effect, Signal};
/// use std::{cell::RefCell, rc::Rc};
///
/// let hp = Signal::new(10);
/// let log = Rc::new(RefCell::new(Vec::new()));
/// let l = log.clone();
/// Effect::new(move || l.borrow_mut().push(hp.get()));
/// hp.set(7);
/// hp.set(3);
/// assert_eq!(*log.borrow(), [10, 7, 3]);
/// ```
#[derive(Clone, Copy)]
pub struct Effect {
    raw: Raw,
}

impl Effect {
    /// Creates an effect owned by the current owner and runs it once now.
    ///
    /// # Panics
    /// A panic in `f` propagates to the caller; the effect stays alive and re-runs when a
    /// source it read before the panic changes. Also panics if writes made by its first run
    /// trigger effects that never settle.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let s = Signal::new(1);
    /// let e = Effect::new(move || { s.get(); });
    /// # let _ = e;
    /// ```
    #[track_caller]
    pub fn new(f: impl FnMut() + 'static) -> Self {
        Self::create(f, 0, Location::caller())
    }

    /// Creates an internal effect that runs before user effects in each flush round.
    #[track_caller]
    pub(crate) fn new_system(f: impl FnMut() + 'static, at: &'static Location<'static>) -> Self {
        Self::create(f, flags::SYSTEM, at)
    }

    #[track_caller]
    fn create(f: impl FnMut() + 'static, extra: u8, at: &'static Location<'static>) -> Self {
        let compute: Box<dyn Compute> = Box::new(EffectCompute(f));
        let id = with_engine(|e| {
            let id = e.create_node(
                NodeKind::Effect,
                None,
                Some(compute),
                flags::DIRTY | extra,
                false,
                at,
            );
            // Writes made by the first run are flushed once it has finished.
            e.batched(|| e.run_computation(id))
                .unwrap_or_else(|err| crate::error::fail(err));
            id
        });
        Effect {
            raw: Raw::new(id, at),
        }
    }

    /// Names the effect for diagnostics. Returns `self`.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let e = Effect::new(|| {}).named("logger");
    /// # let _ = e;
    /// ```
    pub fn named(self, name: impl Into<std::borrow::Cow<'static, str>>) -> Self {
        with_engine(|e| e.set_name(self.raw.id, name.into()));
        self
    }

    /// Stops the effect: runs its cleanups and disposes what it created. Idempotent.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let s = Signal::new(1);
    /// let e = Effect::new(move || { s.get(); });
    /// e.dispose();
    /// assert!(e.is_disposed());
    /// s.set(2); // the effect no longer runs
    /// ```
    pub fn dispose(self) {
        with_engine(|e| e.dispose_batched(self.raw.id));
    }

    /// Whether the effect was disposed.
    ///
    /// ```
    /// # use reactive_core::*;
    /// assert!(!Effect::new(|| {}).is_disposed());
    /// ```
    pub fn is_disposed(&self) -> bool {
        !with_engine(|e| e.contains(self.raw.id))
    }

    /// The effect's node id.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let e = Effect::new(|| {});
    /// assert!(Runtime::graph_snapshot().nodes.iter().any(|n| n.id == e.id()));
    /// ```
    pub fn id(&self) -> NodeId {
        self.raw.id
    }
}

impl PartialEq for Effect {
    fn eq(&self, other: &Self) -> bool {
        self.raw.id == other.raw.id
    }
}

impl Eq for Effect {}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Effect").field(&self.raw.id).finish()
    }
}

struct EffectCompute<F>(F);

impl<F: FnMut()> Compute for EffectCompute<F> {
    fn run(&mut self, _value: &mut Option<Rc<dyn Any>>) -> bool {
        (self.0)();
        true
    }
}
