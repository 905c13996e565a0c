//! A machine living in a `reactive_store::Scope`, driven by the scope's event bus (feature
//! `store`).

use std::cell::{OnceCell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use reactive_store::{EventError, EventSubscription, Scope};

use crate::{Event, Machine, MachineView, StepError};

/// A machine driven by the events of type [`Event`] emitted on a [`Scope`] (or a descendant,
/// as events bubble) whose topic matches a pattern: each one is sent to the machine, in the
/// order emitted.
///
/// The handle is cheap to clone: provide it in the scope ([`Scope::provide`]) for the code
/// below to find. Its subscription belongs to the scope, so disposing the scope stops it. An
/// event emitted while the machine is stepping (by an effect that follows the machine, say)
/// is queued and sent once the step is over. The bus has no caller to hand an error to, so a
/// step's error is kept for [`take_errors`](ScopedMachine::take_errors).
///
/// With the `sourcing` feature, [`record_to`](ScopedMachine::record_to) records every step.
///
/// ```
/// use reactive_machine::{Chart, Event, Machine, ScopedMachine, Setup};
/// use reactive_store::Scope;
///
/// let chart = Chart::from_xstate_json(
///     r#"{"id":"light","initial":"green","states":{"green":{"on":{"NEXT":"red"}},"red":{"on":{"NEXT":"green"}}}}"#,
/// )?;
/// let app = Scope::root("app")?;
/// let crossing = app.child("crossing")?;
/// let light = ScopedMachine::new(Machine::new(chart, &Setup::new())?, &app, "light")?;
/// crossing.emit("light", Event::new("NEXT"))?; // bubbles up to `app`
/// assert!(light.view().matches("red"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct ScopedMachine {
    inner: Rc<Inner>,
}

struct Inner {
    machine: RefCell<Machine>,
    view: MachineView,
    /// Events received and not yet sent.
    queue: RefCell<VecDeque<Event>>,
    errors: RefCell<Vec<StepError>>,
    subscription: OnceCell<EventSubscription>,
    #[cfg(feature = "sourcing")]
    recorder: RefCell<Option<Box<dyn Record>>>,
}

/// A recorder with its store's type erased.
#[cfg(feature = "sourcing")]
trait Record {
    fn send(&mut self, machine: &mut Machine, event: Event) -> Result<(), StepError>;
    fn run_timers(&mut self, machine: &mut Machine) -> Result<usize, StepError>;
}

#[cfg(feature = "sourcing")]
impl<S: reactive_sourcing::EventStore> Record for crate::MachineRecorder<S> {
    fn send(&mut self, machine: &mut Machine, event: Event) -> Result<(), StepError> {
        crate::MachineRecorder::send(self, machine, event)
    }
    fn run_timers(&mut self, machine: &mut Machine) -> Result<usize, StepError> {
        crate::MachineRecorder::run_timers(self, machine)
    }
}

impl Inner {
    /// Sends the queued events, unless a step is already running (it will send them).
    fn drain(&self) {
        let Ok(mut machine) = self.machine.try_borrow_mut() else {
            return;
        };
        loop {
            let Some(event) = self.queue.borrow_mut().pop_front() else {
                break;
            };
            if let Err(e) = self.send(&mut machine, event) {
                self.errors.borrow_mut().push(e);
            }
        }
    }

    fn send(&self, machine: &mut Machine, event: Event) -> Result<(), StepError> {
        #[cfg(feature = "sourcing")]
        if let Some(recorder) = self.recorder.borrow_mut().as_mut() {
            return recorder.send(machine, event);
        }
        Ok(machine.send(event)?)
    }
}

impl ScopedMachine {
    /// Moves `machine` into `scope`: from now on every [`Event`] emitted on `scope` or a
    /// descendant under a topic matching `pattern` (`*`: one segment, `**`: any number) is
    /// sent to it.
    ///
    /// # Errors
    /// As [`Subscribe::handle`](reactive_store::Subscribe::handle): an invalid pattern, a
    /// principal that may not read, a disposed scope.
    pub fn new(
        machine: Machine,
        scope: &Scope,
        pattern: &str,
    ) -> Result<ScopedMachine, EventError> {
        let inner = Rc::new(Inner {
            view: machine.view(),
            machine: RefCell::new(machine),
            queue: RefCell::new(VecDeque::new()),
            errors: RefCell::new(Vec::new()),
            subscription: OnceCell::new(),
            #[cfg(feature = "sourcing")]
            recorder: RefCell::new(None),
        });
        let weak = Rc::downgrade(&inner);
        let subscription = scope.on::<Event>(pattern).handle(move |_, event| {
            if let Some(inner) = weak.upgrade() {
                inner.queue.borrow_mut().push_back(event.clone());
                inner.drain();
            }
        })?;
        let _ = inner.subscription.set(subscription);
        Ok(ScopedMachine { inner })
    }

    /// The machine's signals.
    pub fn view(&self) -> MachineView {
        self.inner.view.clone()
    }

    /// Runs `f` on the machine (to read it, run its timers, snapshot it), then sends the
    /// events that arrived meanwhile.
    ///
    /// # Panics
    /// When called while the machine is stepping (from an effect that one of its steps
    /// triggered): the machine is not in a state to be handed out then.
    #[track_caller]
    pub fn with<R>(&self, f: impl FnOnce(&mut Machine) -> R) -> R {
        let out = {
            let Ok(mut machine) = self.inner.machine.try_borrow_mut() else {
                panic!(
                    "ScopedMachine::with called while the machine is stepping (from an effect \
                     run by one of its steps); emit an event on the scope instead"
                );
            };
            f(&mut machine)
        };
        self.inner.drain();
        out
    }

    /// Fires the delayed events that are due ([`Machine::run_timers`]), recorded when a
    /// recorder is attached.
    ///
    /// # Errors
    /// As [`Machine::run_timers`], and the recorder's store error.
    ///
    /// # Panics
    /// As [`with`](ScopedMachine::with).
    #[track_caller]
    pub fn run_timers(&self) -> Result<usize, StepError> {
        #[cfg(feature = "sourcing")]
        {
            let inner = &self.inner;
            let result = self.with(|machine| {
                let mut recorder = inner.recorder.borrow_mut();
                recorder.as_mut().map(|r| r.run_timers(machine))
            });
            if let Some(result) = result {
                return result;
            }
        }
        self.with(|machine| Ok(machine.run_timers()?))
    }

    /// The errors of the steps the bus drove since the last call, oldest first.
    pub fn take_errors(&self) -> Vec<StepError> {
        std::mem::take(&mut *self.inner.errors.borrow_mut())
    }

    /// Stops following the scope's events; returns whether it was following them.
    pub fn detach(&self) -> bool {
        self.inner
            .subscription
            .get()
            .is_some_and(EventSubscription::unsubscribe)
    }

    /// Records every step from now on (see [`MachineRecorder`](crate::MachineRecorder)),
    /// replacing the recorder attached before, if any. Start the recorder on this machine
    /// ([`with`](ScopedMachine::with) hands it out).
    #[cfg(feature = "sourcing")]
    pub fn record_to<S: reactive_sourcing::EventStore + 'static>(
        &self,
        recorder: crate::MachineRecorder<S>,
    ) {
        *self.inner.recorder.borrow_mut() = Some(Box::new(recorder));
    }
}
