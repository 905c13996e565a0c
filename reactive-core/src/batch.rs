//! Batching writes and reading without tracking.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use crate::engine::{Engine, with_engine};
use crate::error::{ReactiveError, fail};

/// Runs `f`, deferring effects until it returns: however many writes `f` makes, each affected
/// effect runs once, after the outermost `batch` ends. Reads inside the batch see the new values
/// (memos are brought up to date on read).
///
/// If `f` panics, the writes it made stand and the effects they scheduled still run (when this
/// is the outermost batch), then the panic continues to the caller. If one of those effects
/// panics too, the first panic (the closure's) is the one that continues, and the effects not
/// run yet stay queued for the next flush.
///
/// # Panics
/// If the effects never settle ([`ReactiveError::Unsettled`]); see [`try_batch`].
///
/// ```
/// use reactive_core::{batch, Effect, Signal};
/// use std::{cell::Cell, rc::Rc};
///
/// let (a, b) = (Signal::new(1), Signal::new(2));
/// let runs = Rc::new(Cell::new(0));
/// let r = runs.clone();
/// Effect::new(move || { a.get(); b.get(); r.set(r.get() + 1); });
/// batch(|| { a.set(10); b.set(20); });
/// assert_eq!(runs.get(), 2); // once on creation, once for the batch
/// ```
#[track_caller]
pub fn batch<R>(f: impl FnOnce() -> R) -> R {
    try_batch(f).unwrap_or_else(|e| fail(e))
}

/// Fallible [`batch`]: the flush error, if any, is returned (the closure's result is lost then).
/// A panic of the closure is handled as in [`batch`]: the pending effects run, then the panic
/// continues.
///
/// ```
/// # use reactive_core::*;
/// let s = Signal::new(0);
/// assert_eq!(try_batch(|| { s.set(1); 5 }), Ok(5));
/// ```
pub fn try_batch<R>(f: impl FnOnce() -> R) -> Result<R, ReactiveError> {
    with_engine(|e| e.batched(f))
}

impl Engine {
    /// Runs `f` as a batch: effects it schedules run when the outermost batch ends.
    ///
    /// If `f` panics, the effects it made pending are flushed anyway (catch, flush, resume), so a
    /// panic does not leave work scheduled that nothing would run until some unrelated write. A
    /// panic or error of that flush gives way to `f`'s panic, which is the cause; the effects it
    /// did not reach stay queued (the flush loop puts them back) for the next flush.
    pub(crate) fn batched<R>(&self, f: impl FnOnce() -> R) -> Result<R, ReactiveError> {
        let outcome = {
            let _depth = BatchDepth::enter(self);
            catch_unwind(AssertUnwindSafe(f))
        };
        match outcome {
            Ok(value) => self.flush_if_idle().map(|()| value),
            Err(panic) => {
                let _ = catch_unwind(AssertUnwindSafe(|| self.flush_if_idle()));
                resume_unwind(panic)
            }
        }
    }
}

/// Increments the batch depth; decrements it when dropped, also on unwind.
struct BatchDepth<'a>(&'a Engine);

impl<'a> BatchDepth<'a> {
    fn enter(e: &'a Engine) -> Self {
        e.batch_depth.set(e.batch_depth.get() + 1);
        BatchDepth(e)
    }
}

impl Drop for BatchDepth<'_> {
    fn drop(&mut self) {
        self.0.batch_depth.set(self.0.batch_depth.get() - 1);
    }
}

/// Runs `f` without tracking: what it reads does not become a source of the current memo or
/// effect.
///
/// ```
/// use reactive_core::{untrack, Effect, Signal};
/// use std::{cell::Cell, rc::Rc};
///
/// let (tracked, ignored) = (Signal::new(0), Signal::new(0));
/// let runs = Rc::new(Cell::new(0));
/// let r = runs.clone();
/// Effect::new(move || { tracked.get(); untrack(|| ignored.get()); r.set(r.get() + 1); });
/// ignored.set(1);
/// assert_eq!(runs.get(), 1);
/// tracked.set(1);
/// assert_eq!(runs.get(), 2);
/// ```
pub fn untrack<R>(f: impl FnOnce() -> R) -> R {
    with_engine(|e| e.with_observer(None, f))
}
