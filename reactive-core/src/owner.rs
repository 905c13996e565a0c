//! Owners: roots and scopes that dispose what was created under them; cleanups; context.

use std::any::{Any, TypeId};
use std::panic::Location;
use std::rc::Rc;

use crate::engine::{Engine, NodeId, NodeKind, with_engine};
use crate::error::{ReactiveError, fail};

/// Owns the nodes created under it, and disposes them all at once.
///
/// Every signal, memo and effect is created under the current owner: a root made with
/// [`create_root`], a child scope made with [`Owner::new`], or the effect or memo whose run
/// created it (which disposes it before its next run). Disposing an owner runs the cleanups of
/// its whole subtree, drops the values and frees the slots for reuse, so memory stays flat when
/// components mount and unmount forever.
///
/// ```
/// use reactive_core::{create_root, Signal};
///
/// let (count, root) = create_root(|| Signal::new(0));
/// count.set(1);
/// root.dispose();
/// assert!(count.is_disposed());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Owner {
    id: NodeId,
    _not_send: std::marker::PhantomData<*const ()>,
}

/// Runs `f` under a new root owner and returns its result with the root.
///
/// The root is detached: it is not owned by the current owner, and lives until
/// [`Owner::dispose`] is called. Context provided outside it is not visible inside it.
///
/// ```
/// # use reactive_core::*;
/// let ((), root) = create_root(|| {
///     let s = Signal::new(1);
///     Effect::new(move || { s.get(); });
/// });
/// root.dispose();
/// ```
#[track_caller]
pub fn create_root<R>(f: impl FnOnce() -> R) -> (R, Owner) {
    let at = Location::caller();
    let owner =
        with_engine(|e| Owner::from_id(e.create_node(NodeKind::Owner, None, None, 0, true, at)));
    (owner.run_in(f), owner)
}

impl Owner {
    fn from_id(id: NodeId) -> Self {
        Owner {
            id,
            _not_send: std::marker::PhantomData,
        }
    }

    /// Creates a child scope of the current owner: disposed with it, sees its context.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let ((), root) = create_root(|| {
    ///     provide_context(7u8);
    ///     let child = Owner::new();
    ///     assert_eq!(child.run_in(use_context::<u8>), Some(7));
    ///     child.dispose();
    /// });
    /// root.dispose();
    /// ```
    #[track_caller]
    #[allow(clippy::new_without_default)] // creating an owner has effects; `Default` would hide that
    pub fn new() -> Self {
        let at = Location::caller();
        with_engine(|e| Owner::from_id(e.create_node(NodeKind::Owner, None, None, 0, false, at)))
    }

    /// The owner of nodes created now (the running effect or memo, or the scope entered last).
    ///
    /// ```
    /// # use reactive_core::*;
    /// let (inner, root) = create_root(Owner::current);
    /// assert_eq!(inner, Some(root));
    /// ```
    pub fn current() -> Option<Owner> {
        with_engine(|e| e.owner.get()).map(Owner::from_id)
    }

    /// Runs `f` with this as the current owner (and no tracking).
    ///
    /// ```
    /// # use reactive_core::*;
    /// let ((), root) = create_root(|| {});
    /// let s = root.run_in(|| Signal::new(1));
    /// root.dispose();
    /// assert!(s.is_disposed());
    /// ```
    pub fn run_in<R>(&self, f: impl FnOnce() -> R) -> R {
        with_engine(|e| e.with_owner(Some(self.id), f))
    }

    /// Disposes everything created under this owner, runs their cleanups, and the owner
    /// itself. Idempotent.
    ///
    /// # Panics
    /// If a cleanup panics, after everything has been disposed.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let (s, root) = create_root(|| Signal::new(1));
    /// root.dispose();
    /// root.dispose();
    /// assert!(s.is_disposed());
    /// ```
    pub fn dispose(self) {
        with_engine(|e| e.dispose_batched(self.id));
    }

    /// Whether this owner was disposed.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let ((), root) = create_root(|| {});
    /// root.dispose();
    /// assert!(root.is_disposed());
    /// ```
    pub fn is_disposed(&self) -> bool {
        !with_engine(|e| e.contains(self.id))
    }

    /// The owner's node id.
    ///
    /// ```
    /// # use reactive_core::*;
    /// let ((), root) = create_root(|| {});
    /// assert!(Runtime::graph_snapshot().nodes.iter().any(|n| n.id == root.id()));
    /// ```
    pub fn id(&self) -> NodeId {
        self.id
    }
}

/// Registers `f` to run when the current owner re-runs (an effect or memo) or is disposed.
/// Cleanups of one owner run newest first.
///
/// Outside any owner there is nothing to attach to: `f` is dropped without running (use
/// [`try_on_cleanup`] to be told).
///
/// ```
/// # use reactive_core::*;
/// use std::{cell::Cell, rc::Rc};
/// let cleaned = Rc::new(Cell::new(0));
/// let c = cleaned.clone();
/// let ((), root) = create_root(move || on_cleanup(move || c.set(c.get() + 1)));
/// root.dispose();
/// assert_eq!(cleaned.get(), 1);
/// ```
#[track_caller]
pub fn on_cleanup(f: impl FnOnce() + 'static) {
    let _ = try_on_cleanup(f);
}

/// Like [`on_cleanup`], but reports [`ReactiveError::NoOwner`] outside any owner.
///
/// ```
/// # use reactive_core::*;
/// assert!(matches!(try_on_cleanup(|| {}), Err(ReactiveError::NoOwner { .. })));
/// ```
#[track_caller]
pub fn try_on_cleanup(f: impl FnOnce() + 'static) -> Result<(), ReactiveError> {
    let at = Location::caller();
    with_engine(|e| {
        let mut g = e.graph.borrow_mut();
        let owner = e.owner.get().filter(|o| g.nodes.contains_key(*o));
        match owner.and_then(|o| Engine::extras_mut(&mut g, o)) {
            Some(extras) => {
                extras.cleanups.push(Box::new(f));
                Ok(())
            }
            None => Err(ReactiveError::NoOwner {
                what: "on_cleanup",
                at,
            }),
        }
    })
}

/// Makes `value` available to [`use_context`] calls under the current owner (and everything
/// it owns), replacing a value of the same type provided by this owner before.
///
/// # Panics
/// Outside any owner; see [`try_provide_context`].
///
/// ```
/// # use reactive_core::*;
/// #[derive(Clone, PartialEq, Debug)]
/// struct Theme(&'static str);
/// let ((), root) = create_root(|| {
///     provide_context(Theme("dark"));
///     Effect::new(|| assert_eq!(use_context::<Theme>(), Some(Theme("dark"))));
/// });
/// root.dispose();
/// ```
#[track_caller]
pub fn provide_context<T: 'static>(value: T) {
    try_provide_context(value).unwrap_or_else(|e| fail(e))
}

/// Fallible [`provide_context`].
///
/// ```
/// # use reactive_core::*;
/// assert!(try_provide_context(1u32).is_err());
/// ```
#[track_caller]
pub fn try_provide_context<T: 'static>(value: T) -> Result<(), ReactiveError> {
    let at = Location::caller();
    with_engine(|e| {
        let mut g = e.graph.borrow_mut();
        let owner = e.owner.get().filter(|o| g.nodes.contains_key(*o));
        let Some(extras) = owner.and_then(|o| Engine::extras_mut(&mut g, o)) else {
            return Err(ReactiveError::NoOwner {
                what: "provide_context",
                at,
            });
        };
        let value: Rc<dyn Any> = Rc::new(value);
        let ty = TypeId::of::<T>();
        let old = match extras.contexts.iter_mut().find(|(t, _)| *t == ty) {
            Some((_, slot)) => Some(std::mem::replace(slot, value)),
            None => {
                extras.contexts.push((ty, value));
                None
            }
        };
        drop(g);
        drop(old);
        Ok(())
    })
}

/// Finds the nearest value of type `T` provided by the current owner or one of its ancestors.
///
/// ```
/// # use reactive_core::*;
/// let ((), root) = create_root(|| {
///     provide_context(1u32);
///     let inner = Owner::new();
///     inner.run_in(|| provide_context(2u32)); // shadows the outer value below `inner`
///     assert_eq!(inner.run_in(use_context::<u32>), Some(2));
///     assert_eq!(use_context::<u32>(), Some(1));
///     assert_eq!(use_context::<String>(), None);
/// });
/// root.dispose();
/// ```
pub fn use_context<T: Clone + 'static>() -> Option<T> {
    let found = with_engine(|e| {
        let g = e.graph.borrow();
        let ty = TypeId::of::<T>();
        let mut owner = e.owner.get();
        while let Some(id) = owner {
            let node = g.nodes.get(id)?;
            if let Some(extras) = &node.extras {
                if let Some((_, v)) = extras.contexts.iter().find(|(t, _)| *t == ty) {
                    return Some(v.clone());
                }
            }
            owner = node.owner;
        }
        None
    })?;
    found.downcast_ref::<T>().cloned()
}

/// Like [`use_context`], but panics with a clear message when no value of type `T` is provided.
///
/// ```
/// # use reactive_core::*;
/// let ((), root) = create_root(|| {
///     provide_context(3i64);
///     assert_eq!(expect_context::<i64>(), 3);
/// });
/// root.dispose();
/// ```
#[track_caller]
pub fn expect_context<T: Clone + 'static>() -> T {
    match use_context::<T>() {
        Some(v) => v,
        None => panic!(
            "reactive: expect_context::<{}>() at {}: no owner above provides this type",
            std::any::type_name::<T>(),
            Location::caller()
        ),
    }
}
