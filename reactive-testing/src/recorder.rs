//! Recorders: [`RunCounter`] counts how often something ran, [`ValueLog`] keeps what it saw;
//! [`record_effect`] and [`counted_memo`] wire them to the engine.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use reactive_core::{Effect, Memo};

/// A shared count of runs. Clones share one count, so a clone can move into a closure while the
/// test keeps the other.
///
/// ```
/// use reactive_core::{create_root, Effect, Set, Signal, Track};
/// use reactive_testing::RunCounter;
///
/// let runs = RunCounter::new();
/// let (s, root) = create_root(|| {
///     let s = Signal::new(0);
///     let runs = runs.clone();
///     Effect::new(move || { s.track(); runs.hit(); });
///     s
/// });
/// s.set(1);
/// assert_eq!(runs.take(), 2); // the first run, then the one `set` caused
/// assert_eq!(runs.get(), 0);
/// root.dispose();
/// ```
#[derive(Clone, Default)]
pub struct RunCounter(Rc<Cell<usize>>);

impl RunCounter {
    /// A counter at zero.
    pub fn new() -> RunCounter {
        RunCounter::default()
    }

    /// Counts one run.
    pub fn hit(&self) {
        self.0.set(self.0.get() + 1);
    }

    /// The runs counted so far.
    pub fn get(&self) -> usize {
        self.0.get()
    }

    /// Sets the count back to zero.
    pub fn reset(&self) {
        self.0.set(0);
    }

    /// The runs counted since the last `take` (or creation), and resets the count: a test
    /// asserts "how many runs did this step cause".
    pub fn take(&self) -> usize {
        self.0.replace(0)
    }
}

impl fmt::Debug for RunCounter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RunCounter").field(&self.get()).finish()
    }
}

/// A shared log of observed values, in the order seen. Clones share one log.
///
/// ```
/// use reactive_testing::ValueLog;
///
/// let log = ValueLog::new();
/// let writer = log.clone();
/// writer.push("a");
/// writer.push("b");
/// assert_eq!(log.take(), ["a", "b"]);
/// assert!(log.is_empty());
/// ```
pub struct ValueLog<T>(Rc<RefCell<Vec<T>>>);

impl<T> ValueLog<T> {
    /// An empty log.
    pub fn new() -> ValueLog<T> {
        ValueLog(Rc::new(RefCell::new(Vec::new())))
    }

    /// Appends a value.
    pub fn push(&self, value: T) {
        self.0.borrow_mut().push(value);
    }

    /// The values logged since the last `take` (or creation), emptying the log.
    pub fn take(&self) -> Vec<T> {
        std::mem::take(&mut self.0.borrow_mut())
    }

    /// Number of values in the log.
    pub fn len(&self) -> usize {
        self.0.borrow().len()
    }

    /// Whether the log is empty.
    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }
}

impl<T: Clone> ValueLog<T> {
    /// A copy of the values logged, leaving the log as it is.
    pub fn values(&self) -> Vec<T> {
        self.0.borrow().clone()
    }

    /// The last value logged.
    pub fn last(&self) -> Option<T> {
        self.0.borrow().last().cloned()
    }
}

impl<T> Clone for ValueLog<T> {
    fn clone(&self) -> Self {
        ValueLog(self.0.clone())
    }
}

impl<T> Default for ValueLog<T> {
    fn default() -> Self {
        ValueLog::new()
    }
}

impl<T: fmt::Debug> fmt::Debug for ValueLog<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ValueLog").field(&*self.0.borrow()).finish()
    }
}

/// An effect that logs what `read` returns each time it runs (once now, then after each change
/// of what `read` tracked). The effect belongs to the current owner, like any effect.
///
/// ```
/// use reactive_core::{create_root, Get, Set, Signal};
/// use reactive_testing::record_effect;
///
/// let ((s, log), root) = create_root(|| {
///     let s = Signal::new(1);
///     let (_effect, log) = record_effect(move || s.get() * 10);
///     (s, log)
/// });
/// s.set(2);
/// assert_eq!(log.take(), [10, 20]);
/// root.dispose();
/// ```
#[track_caller]
pub fn record_effect<T: 'static>(mut read: impl FnMut() -> T + 'static) -> (Effect, ValueLog<T>) {
    let log = ValueLog::new();
    let writer = log.clone();
    let effect = Effect::new(move || writer.push(read()));
    (effect, log)
}

/// A memo that counts its evaluations in `runs`: a test asserts that a memo recomputed only
/// when it had to.
///
/// ```
/// use reactive_core::{create_root, Get, Set, Signal};
/// use reactive_testing::{counted_memo, RunCounter};
///
/// let runs = RunCounter::new();
/// let ((), root) = create_root(|| {
///     let s = Signal::new(2);
///     let parity = counted_memo(&runs, move || s.get() % 2);
///     assert_eq!(parity.get(), 0);
///     assert_eq!(parity.get(), 0); // cached
///     s.set(4);
///     assert_eq!(parity.get(), 0);
/// });
/// assert_eq!(runs.get(), 2);
/// root.dispose();
/// ```
#[track_caller]
pub fn counted_memo<T: PartialEq + 'static>(
    runs: &RunCounter,
    mut compute: impl FnMut() -> T + 'static,
) -> Memo<T> {
    let runs = runs.clone();
    Memo::new(move || {
        runs.hit();
        compute()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reactive_core::{Signal, create_root};

    #[test]
    fn run_counter_take_reports_runs_since_the_last_take() {
        let c = RunCounter::new();
        c.hit();
        c.hit();
        assert_eq!(c.take(), 2);
        c.hit();
        assert_eq!(c.take(), 1);
        assert_eq!(c.get(), 0);
    }

    #[test]
    fn record_effect_logs_only_runs_caused_by_tracked_changes() {
        let ((a, b, log), root) = create_root(|| {
            let a = Signal::new(1);
            let b = Signal::new(100);
            let (_e, log) = record_effect(move || a.get());
            (a, b, log)
        });
        b.set(101);
        a.set(2);
        assert_eq!(log.take(), [1, 2]);
        root.dispose();
    }

    #[test]
    fn disposing_the_owner_stops_a_recorded_effect() {
        let ((s, log), root) = create_root(|| {
            let s = Signal::new(1);
            let (_e, log) = record_effect(move || s.get());
            (s, log)
        });
        root.dispose();
        let _ = s;
        assert_eq!(log.values(), [1]);
    }
}
