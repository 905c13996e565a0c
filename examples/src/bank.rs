//! The bank account's event-sourced state (`cargo run -p examples --bin bank`): the account, its
//! events with their schema versions, the commands, and the aggregate that decides and folds.

use reactive::sourcing::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

/// The account's state: the fold of its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    /// Who opened it (`None` until it is opened).
    pub owner: Option<String>,
    /// The balance, in cents.
    pub balance_cents: i64,
    /// How many events it has seen.
    pub transactions: u32,
}

/// What happens to an account: the events of its stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AccountEvent {
    /// The account was opened for `owner`.
    Opened {
        /// The account holder.
        owner: String,
    },
    /// Money came in.
    Deposited {
        /// How much, in cents.
        cents: i64,
        /// What for.
        memo: String,
    },
    /// Money went out.
    Withdrawn {
        /// How much, in cents.
        cents: i64,
        /// What for.
        memo: String,
    },
}

impl DomainEvent for AccountEvent {
    const TYPES: &'static [(&'static str, u32)] =
        &[("Opened", 1), ("Deposited", 1), ("Withdrawn", 1)];
}

/// What a teller asks of an account.
pub enum Command {
    /// Open it for `owner`.
    Open {
        /// The account holder.
        owner: String,
    },
    /// Put money in.
    Deposit {
        /// How much, in cents.
        cents: i64,
        /// What for.
        memo: String,
    },
    /// Take money out.
    Withdraw {
        /// How much, in cents.
        cents: i64,
        /// What for.
        memo: String,
    },
}

/// The account aggregate: refuses what the rules forbid, folds the events into [`Account`].
pub struct BankAccount;

impl Aggregate for BankAccount {
    type State = Account;
    type Event = AccountEvent;
    type Command = Command;
    type Error = String;

    fn apply(account: &mut Account, event: &AccountEvent) {
        match event {
            AccountEvent::Opened { owner } => account.owner = Some(owner.clone()),
            AccountEvent::Deposited { cents, .. } => account.balance_cents += cents,
            AccountEvent::Withdrawn { cents, .. } => account.balance_cents -= cents,
        }
        account.transactions += 1;
    }

    fn handle(account: &Account, command: Command) -> Result<Vec<AccountEvent>, String> {
        match command {
            Command::Open { .. } if account.owner.is_some() => Err("already open".into()),
            Command::Open { owner } => Ok(vec![AccountEvent::Opened { owner }]),
            _ if account.owner.is_none() => Err("the account is not open".into()),
            Command::Deposit { cents, .. } | Command::Withdraw { cents, .. } if cents <= 0 => {
                Err("amounts must be positive".into())
            }
            Command::Deposit { cents, memo } => Ok(vec![AccountEvent::Deposited { cents, memo }]),
            Command::Withdraw { cents, .. } if cents > account.balance_cents => Err(format!(
                "insufficient funds: {} available",
                money(account.balance_cents)
            )),
            Command::Withdraw { cents, memo } => Ok(vec![AccountEvent::Withdrawn { cents, memo }]),
        }
    }
}

/// Cents as `units.cents`.
///
/// ```
/// assert_eq!(examples::bank::money(14_900), "149.00");
/// ```
pub fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, (cents % 100).abs())
}
