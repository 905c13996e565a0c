//! The given/when/then aggregate harness (`testing::AggregateTest`): passing expectations pass,
//! wrong ones panic with expected and actual side by side.

use reactive_sourcing::testing::AggregateTest;
use reactive_sourcing::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum Event {
    Opened { owner: String },
    Deposited(u32),
    Withdrawn(u32),
}

impl DomainEvent for Event {
    const TYPES: &'static [(&'static str, u32)] =
        &[("Opened", 1), ("Deposited", 1), ("Withdrawn", 1)];
}

#[derive(Debug)]
enum Command {
    Open(String),
    Deposit(u32),
    Withdraw(u32),
}

#[derive(Debug, PartialEq)]
enum Refused {
    NotOpen,
    AlreadyOpen,
    Overdrawn { balance: u32, asked: u32 },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Account {
    owner: Option<String>,
    balance: u32,
}

struct Bank;

impl Aggregate for Bank {
    type State = Account;
    type Event = Event;
    type Command = Command;
    type Error = Refused;

    fn apply(account: &mut Account, event: &Event) {
        match event {
            Event::Opened { owner } => account.owner = Some(owner.clone()),
            Event::Deposited(n) => account.balance += n,
            Event::Withdrawn(n) => account.balance -= n,
        }
    }

    fn handle(account: &Account, command: Command) -> Result<Vec<Event>, Refused> {
        match (command, &account.owner) {
            (Command::Open(owner), None) => Ok(vec![Event::Opened { owner }]),
            (Command::Open(_), Some(_)) => Err(Refused::AlreadyOpen),
            (_, None) => Err(Refused::NotOpen),
            (Command::Deposit(0), Some(_)) => Ok(vec![]),
            (Command::Deposit(n), Some(_)) => Ok(vec![Event::Deposited(n)]),
            (Command::Withdraw(n), Some(_)) if n > account.balance => Err(Refused::Overdrawn {
                balance: account.balance,
                asked: n,
            }),
            (Command::Withdraw(n), Some(_)) => Ok(vec![Event::Withdrawn(n)]),
        }
    }
}

fn opened() -> Event {
    Event::Opened {
        owner: "ada".into(),
    }
}

#[test]
fn given_events_are_folded_into_the_state() {
    let test = AggregateTest::<Bank>::given([opened(), Event::Deposited(7), Event::Withdrawn(2)]);
    assert_eq!(
        *test.state(),
        Account {
            owner: Some("ada".into()),
            balance: 5
        }
    );
}

#[test]
fn then_expect_returns_the_state_after_the_produced_events() {
    let account = AggregateTest::<Bank>::given([opened(), Event::Deposited(10)])
        .when(Command::Withdraw(4))
        .then_expect([Event::Withdrawn(4)]);
    assert_eq!(account.balance, 6);
}

#[test]
fn a_new_aggregate_is_given_no_events() {
    let account = AggregateTest::<Bank>::given([])
        .when(Command::Open("ada".into()))
        .then_expect([opened()]);
    assert_eq!(account.owner.as_deref(), Some("ada"));
}

#[test]
fn a_command_that_produces_nothing_expects_no_events() {
    let account = AggregateTest::<Bank>::given([opened()])
        .when(Command::Deposit(0))
        .then_expect([]);
    assert_eq!(account.balance, 0);
}

#[test]
fn an_expected_error_passes_when_equal() {
    AggregateTest::<Bank>::given([opened(), Event::Deposited(3)])
        .when(Command::Withdraw(5))
        .then_expect_error(Refused::Overdrawn {
            balance: 3,
            asked: 5,
        });
}

#[test]
fn an_error_matcher_passes_when_it_accepts_the_error() {
    AggregateTest::<Bank>::given([opened()])
        .when(Command::Open("bob".into()))
        .then_expect_error_matching(|error| *error == Refused::AlreadyOpen);
}

#[test]
#[should_panic(
    expected = "aggregate test failed: the command produced other events than expected\n  \
                           given:    [Opened { owner: \"ada\" }, Deposited(10)]\n  \
                           when:     Withdraw(4)\n  \
                           expected: [Withdrawn(5)]\n  \
                           actual:   [Withdrawn(4)]"
)]
fn wrong_expected_events_panic_with_expected_and_actual() {
    AggregateTest::<Bank>::given([opened(), Event::Deposited(10)])
        .when(Command::Withdraw(4))
        .then_expect([Event::Withdrawn(5)]);
}

#[test]
#[should_panic(expected = "the command failed, but events were expected")]
fn expecting_events_from_a_refused_command_panics() {
    AggregateTest::<Bank>::given([])
        .when(Command::Deposit(1))
        .then_expect([Event::Deposited(1)]);
}

#[test]
#[should_panic(expected = "actual:   error NotOpen")]
fn the_panic_shows_the_actual_error() {
    AggregateTest::<Bank>::given([])
        .when(Command::Deposit(1))
        .then_expect([Event::Deposited(1)]);
}

#[test]
#[should_panic(
    expected = "another error than expected\n  given:    []\n  when:     Withdraw(1)\n  \
                           expected: error AlreadyOpen\n  actual:   error NotOpen"
)]
fn a_different_error_panics_with_both_errors() {
    AggregateTest::<Bank>::given([])
        .when(Command::Withdraw(1))
        .then_expect_error(Refused::AlreadyOpen);
}

#[test]
#[should_panic(expected = "the command succeeded, but an error was expected")]
fn expecting_an_error_from_a_successful_command_panics() {
    AggregateTest::<Bank>::given([opened()])
        .when(Command::Deposit(2))
        .then_expect_error(Refused::NotOpen);
}

#[test]
#[should_panic(expected = "the command failed with an error the matcher refused")]
fn an_error_the_matcher_refuses_panics() {
    AggregateTest::<Bank>::given([opened()])
        .when(Command::Withdraw(9))
        .then_expect_error_matching(|error| matches!(error, Refused::NotOpen));
}

#[test]
fn the_panic_points_at_the_test_not_the_harness() {
    // `#[track_caller]`: the panic's location, as a panic hook sees it, is this file. (Other
    // tests of this file panic concurrently; their locations are this file too, unless the
    // harness is broken, which this test would then see as well.)
    let location = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let seen = location.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if let Some(at) = info.location() {
            *seen.lock().unwrap() = at.file().to_owned();
        }
    }));
    let _ = std::panic::catch_unwind(|| {
        AggregateTest::<Bank>::given([])
            .when(Command::Withdraw(1))
            .then_expect_error(Refused::AlreadyOpen);
    });
    std::panic::set_hook(previous);
    assert!(
        location.lock().unwrap().ends_with("harness.rs"),
        "panic located at {}",
        location.lock().unwrap()
    );
}
