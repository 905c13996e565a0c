//! Given/when/then tests of an [`Aggregate`]'s decisions, without a store (feature `testing`).
//!
//! An aggregate's behaviour is two pure functions: [`Aggregate::apply`] folds events into the
//! state and [`Aggregate::handle`] decides which events a command produces. A test states it
//! in the domain's own words: *given* these past events, *when* this command arrives, *then*
//! these events are produced (or this error).
//!
//! ```
//! use reactive_sourcing::testing::AggregateTest;
//! use reactive_sourcing::{Aggregate, DomainEvent};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, PartialEq, Serialize, Deserialize)]
//! enum Event { Deposited(u32), Withdrawn(u32) }
//! impl DomainEvent for Event {
//!     const TYPES: &'static [(&'static str, u32)] = &[("Deposited", 1), ("Withdrawn", 1)];
//! }
//!
//! #[derive(Debug)]
//! enum Command { Deposit(u32), Withdraw(u32) }
//!
//! #[derive(Debug, PartialEq)]
//! enum Refused { Overdrawn { balance: u32 } }
//!
//! struct Account;
//! impl Aggregate for Account {
//!     type State = u32; // the balance
//!     type Event = Event;
//!     type Command = Command;
//!     type Error = Refused;
//!     fn apply(balance: &mut u32, event: &Event) {
//!         match *event {
//!             Event::Deposited(n) => *balance += n,
//!             Event::Withdrawn(n) => *balance -= n,
//!         }
//!     }
//!     fn handle(balance: &u32, command: Command) -> Result<Vec<Event>, Refused> {
//!         match command {
//!             Command::Deposit(n) => Ok(vec![Event::Deposited(n)]),
//!             Command::Withdraw(n) if n > *balance => Err(Refused::Overdrawn { balance: *balance }),
//!             Command::Withdraw(n) => Ok(vec![Event::Withdrawn(n)]),
//!         }
//!     }
//! }
//!
//! // The events produced, and the state they lead to.
//! let balance = AggregateTest::<Account>::given([Event::Deposited(10)])
//!     .when(Command::Withdraw(4))
//!     .then_expect([Event::Withdrawn(4)]);
//! assert_eq!(balance, 6);
//!
//! // A refusal, compared with the expected error...
//! AggregateTest::<Account>::given([Event::Deposited(10)])
//!     .when(Command::Withdraw(40))
//!     .then_expect_error(Refused::Overdrawn { balance: 10 });
//!
//! // ...or checked by a pattern when only its kind matters.
//! AggregateTest::<Account>::given([])
//!     .when(Command::Withdraw(1))
//!     .then_expect_error_matching(|error| matches!(error, Refused::Overdrawn { .. }));
//! ```
//!
//! A failed expectation panics at the test's line (`#[track_caller]`) with the given events,
//! the command, and what was expected beside what happened:
//!
//! ```text
//! aggregate test failed: the command produced other events than expected
//!   given:    [Deposited(10)]
//!   when:     Withdraw(4)
//!   expected: [Withdrawn(5)]
//!   actual:   [Withdrawn(4)]
//! ```

use std::fmt::{self, Debug};

use crate::aggregate::Aggregate;

/// The *given* step: an aggregate's state folded from past events. Start with
/// [`AggregateTest::given`].
///
/// See the [module docs](self) for a full example.
pub struct AggregateTest<A: Aggregate> {
    given: Vec<A::Event>,
    state: A::State,
}

impl<A: Aggregate> AggregateTest<A> {
    /// The state after `events`, applied in order to the default state with
    /// [`Aggregate::apply`]. `given([])` starts from a new aggregate.
    ///
    /// ```
    /// # use reactive_sourcing::{testing::AggregateTest, Aggregate, DomainEvent};
    /// # #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)] enum Added { Added(u32) }
    /// # impl DomainEvent for Added { const TYPES: &'static [(&'static str, u32)] = &[("Added", 1)]; }
    /// # struct Counter;
    /// # impl Aggregate for Counter {
    /// #     type State = u32; type Event = Added; type Command = u32; type Error = ();
    /// #     fn apply(n: &mut u32, Added::Added(by): &Added) { *n += by }
    /// #     fn handle(_: &u32, by: u32) -> Result<Vec<Added>, ()> { Ok(vec![Added::Added(by)]) }
    /// # }
    /// let test = AggregateTest::<Counter>::given([Added::Added(2), Added::Added(3)]);
    /// assert_eq!(*test.state(), 5);
    /// ```
    pub fn given(events: impl IntoIterator<Item = A::Event>) -> Self {
        let given: Vec<A::Event> = events.into_iter().collect();
        let mut state = A::State::default();
        for event in &given {
            A::apply(&mut state, event);
        }
        AggregateTest { given, state }
    }

    /// The state the given events lead to.
    ///
    /// See [`AggregateTest::given`] for an example.
    pub fn state(&self) -> &A::State {
        &self.state
    }

    /// The *when* step: runs [`Aggregate::handle`] on the state with `command`. Nothing is
    /// checked yet; a `then_…` method states the expectation.
    ///
    /// See the [module docs](self) for a full example.
    pub fn when(self, command: A::Command) -> AggregateOutcome<A>
    where
        A::Command: Debug,
    {
        let when = format!("{command:?}");
        let result = A::handle(&self.state, command);
        AggregateOutcome {
            given: self.given,
            state: self.state,
            when,
            result,
        }
    }
}

impl<A: Aggregate> Debug for AggregateTest<A>
where
    A::Event: Debug,
    A::State: Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AggregateTest")
            .field("given", &self.given)
            .field("state", &self.state)
            .finish()
    }
}

/// What a command did, waiting for a *then* step: [`then_expect`](Self::then_expect),
/// [`then_expect_error`](Self::then_expect_error) or
/// [`then_expect_error_matching`](Self::then_expect_error_matching).
///
/// See the [module docs](self) for a full example.
#[must_use = "an outcome checks nothing until a `then_expect…` method is called"]
pub struct AggregateOutcome<A: Aggregate> {
    given: Vec<A::Event>,
    state: A::State,
    when: String,
    result: Result<Vec<A::Event>, A::Error>,
}

impl<A: Aggregate> AggregateOutcome<A>
where
    A::Event: Debug,
{
    /// Asserts that the command succeeded with exactly `expected` (same events, same order),
    /// and returns the state after applying them, for further checks.
    ///
    /// # Panics
    ///
    /// If the command failed, or produced other events; the message shows the given events,
    /// the command, the expected and the actual outcome.
    ///
    /// See the [module docs](self) for a full example.
    #[track_caller]
    pub fn then_expect(self, expected: impl IntoIterator<Item = A::Event>) -> A::State
    where
        A::Event: PartialEq,
        A::Error: Debug,
    {
        let expected: Vec<A::Event> = expected.into_iter().collect();
        match &self.result {
            Ok(actual) if *actual == expected => {}
            Ok(actual) => self.fail(
                "the command produced other events than expected",
                format!("{expected:?}"),
                format!("{actual:?}"),
            ),
            Err(error) => self.fail(
                "the command failed, but events were expected",
                format!("{expected:?}"),
                format!("error {error:?}"),
            ),
        }
        let mut state = self.state;
        for event in &expected {
            A::apply(&mut state, event);
        }
        state
    }

    /// Asserts that the command failed with an error equal to `expected`.
    ///
    /// # Panics
    ///
    /// If the command succeeded, or failed with another error; the message shows the given
    /// events, the command, the expected and the actual outcome.
    ///
    /// See the [module docs](self) for a full example.
    #[track_caller]
    pub fn then_expect_error(self, expected: A::Error)
    where
        A::Error: PartialEq + Debug,
    {
        match &self.result {
            Err(actual) if *actual == expected => {}
            Err(actual) => self.fail(
                "the command failed with another error than expected",
                format!("error {expected:?}"),
                format!("error {actual:?}"),
            ),
            Ok(events) => self.fail(
                "the command succeeded, but an error was expected",
                format!("error {expected:?}"),
                format!("{events:?}"),
            ),
        }
    }

    /// Asserts that the command failed with an error for which `matcher` returns true: for
    /// errors without `PartialEq`, or when only the kind of error matters.
    ///
    /// # Panics
    ///
    /// If the command succeeded, or `matcher` refused its error; the message shows the given
    /// events, the command and the actual outcome.
    ///
    /// See the [module docs](self) for a full example.
    #[track_caller]
    pub fn then_expect_error_matching(self, matcher: impl FnOnce(&A::Error) -> bool)
    where
        A::Error: Debug,
    {
        match &self.result {
            Err(actual) if matcher(actual) => {}
            Err(actual) => self.fail(
                "the command failed with an error the matcher refused",
                "an error the matcher accepts".to_owned(),
                format!("error {actual:?}"),
            ),
            Ok(events) => self.fail(
                "the command succeeded, but an error was expected",
                "an error the matcher accepts".to_owned(),
                format!("{events:?}"),
            ),
        }
    }

    #[track_caller]
    fn fail(&self, what: &str, expected: String, actual: String) -> ! {
        panic!(
            "aggregate test failed: {what}\n  given:    {given:?}\n  when:     {when}\n  \
             expected: {expected}\n  actual:   {actual}",
            given = self.given,
            when = self.when,
        )
    }
}

impl<A: Aggregate> Debug for AggregateOutcome<A>
where
    A::Event: Debug,
    A::Error: Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AggregateOutcome")
            .field("given", &self.given)
            .field("when", &self.when)
            .field("result", &self.result)
            .finish()
    }
}
