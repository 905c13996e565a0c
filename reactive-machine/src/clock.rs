//! Clocks for delayed events: [`SystemClock`] (real time, the default) and [`ManualClock`]
//! (time moves only when a test says so).

use std::cell::Cell;
use std::rc::Rc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of the current time in milliseconds. Delayed events are due at the clock's time
/// when they were sent plus their delay; [`Machine::run_timers`](crate::Machine::run_timers)
/// fires those whose time has come.
pub trait Clock {
    /// The current time in milliseconds. It must never go backwards.
    fn now_ms(&self) -> u64;
}

/// Wall-clock time: milliseconds since the Unix epoch, so a snapshot's due times stay
/// meaningful across processes.
#[derive(Clone, Copy, Default, Debug)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0)
    }
}

/// A clock that moves only when told: for tests and simulations. Clones share one time.
///
/// ```
/// use reactive_machine::{Clock, ManualClock};
/// let clock = ManualClock::new();
/// let seen_by_machine = clock.clone();
/// clock.advance(250);
/// assert_eq!(seen_by_machine.now_ms(), 250);
/// ```
#[derive(Clone, Default, Debug)]
pub struct ManualClock {
    now: Rc<Cell<u64>>,
}

impl ManualClock {
    /// A clock at time 0.
    pub fn new() -> ManualClock {
        ManualClock::default()
    }

    /// Moves the time forward by `ms`.
    pub fn advance(&self, ms: u64) {
        self.now.set(self.now.get().saturating_add(ms));
    }

    /// Sets the time.
    ///
    /// # Panics
    /// If `ms` is earlier than the current time (time never goes backwards).
    #[track_caller]
    pub fn set(&self, ms: u64) {
        assert!(
            ms >= self.now.get(),
            "ManualClock::set({ms}): the clock is already at {}",
            self.now.get()
        );
        self.now.set(ms);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.now.get()
    }
}
