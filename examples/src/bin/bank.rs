//! An event-sourced bank account in a SQLite file: every change is an event, the balance is
//! reactive state, and the past is one flag away.
//!
//! ```sh
//! cargo run -p examples --bin bank                    # a day of business (run it twice: the state survives)
//! cargo run -p examples --bin bank -- --replay-to 3   # the account as it was after event 3
//! cargo run -p examples --bin bank -- --history       # who changed it, and when
//! cargo run -p examples --bin bank -- --reset         # start over
//! ```
//!
//! `--db PATH` chooses the file (default: `reactive-bank.sqlite` in the system's temporary
//! directory).

use std::cell::Cell;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use reactive::sourcing::{
    Aggregate, AllowAll, AuditQuery, CommandContext, CommandError, DomainEvent, EventStore,
    EventStoreError, ReplayTo, Repository, Schema, SqliteStore, verify_chain,
};
use reactive::{Effect, Memo, create_root};
use serde::{Deserialize, Serialize};

/// The account's state: the fold of its events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Account {
    owner: Option<String>,
    balance_cents: i64,
    transactions: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum AccountEvent {
    Opened { owner: String },
    Deposited { cents: i64, memo: String },
    Withdrawn { cents: i64, memo: String },
}

impl DomainEvent for AccountEvent {
    const TYPES: &'static [(&'static str, u32)] =
        &[("Opened", 1), ("Deposited", 1), ("Withdrawn", 1)];
}

enum Command {
    Open { owner: String },
    Deposit { cents: i64, memo: String },
    Withdraw { cents: i64, memo: String },
}

struct BankAccount;

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

const ACCOUNT: &str = "account-0001";

fn money(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, (cents % 100).abs())
}

struct Options {
    db: PathBuf,
    replay_to: Option<u64>,
    history: bool,
    reset: bool,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        db: std::env::temp_dir().join("reactive-bank.sqlite"),
        replay_to: None,
        history: false,
        reset: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--db" => options.db = args.next().ok_or("--db needs a path")?.into(),
            "--replay-to" => {
                let n = args.next().ok_or("--replay-to needs an event number")?;
                let n = n
                    .parse()
                    .map_err(|_| format!("--replay-to: `{n}` is not a number"))?;
                options.replay_to = Some(n);
            }
            "--history" => options.history = true,
            "--reset" => options.reset = true,
            "--help" | "-h" => {
                return Err("usage: bank [--db PATH] [--replay-to N | --history | --reset]".into());
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let outcome = parse(std::env::args().skip(1)).and_then(|options| run(&options));
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bank: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    if options.reset {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = options.db.clone().into_os_string();
            path.push(suffix);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
                Err(error) => return Err(format!("cannot remove {path:?}: {error}")),
            }
        }
        println!("removed {}", options.db.display());
        return Ok(());
    }
    let store = SqliteStore::open(&options.db).map_err(|e| e.to_string())?;
    println!("event store: {}", options.db.display());
    let repository = Repository::new(store, Schema::new()).snapshot_every(10);
    if let Some(sequence) = options.replay_to {
        return show_past(&repository, sequence);
    }
    if options.history {
        return show_history(repository.store());
    }
    business_day(&repository).map_err(|e| e.to_string())?;
    let chain = verify_chain(repository.store()).map_err(|e| e.to_string())?;
    println!(
        "audit chain verified: {} events, head {}",
        chain.events,
        &chain.head.to_string()[..16]
    );
    println!("run again: the balance carries over; `--replay-to 2` shows the past");
    Ok(())
}

/// Loads the account (reactive), prints the balance whenever it changes, and does some
/// business.
fn business_day(repository: &Repository<SqliteStore>) -> Result<(), EventStoreError> {
    let account = repository.load::<BankAccount>(ACCOUNT)?;
    let changes = Rc::new(Cell::new(0));
    let (_, root) = create_root(|| {
        let state = account.state();
        let balance = Memo::new(move || state.with(|a| a.balance_cents));
        let changes = changes.clone();
        Effect::new(move || {
            changes.set(changes.get() + 1);
            println!("  balance: {}", money(balance.get()));
        });
    });
    let teller = CommandContext::new().principal("teller");
    let commands = [
        Command::Open {
            owner: "Ada".into(),
        },
        Command::Deposit {
            cents: 10_000,
            memo: "salary".into(),
        },
        Command::Withdraw {
            cents: 2_550,
            memo: "groceries".into(),
        },
        Command::Withdraw {
            cents: 1_000_000,
            memo: "a yacht".into(),
        },
    ];
    for command in commands {
        let what = match &command {
            Command::Open { owner } => format!("open for {owner}"),
            Command::Deposit { cents, memo } => format!("deposit {} ({memo})", money(*cents)),
            Command::Withdraw { cents, memo } => format!("withdraw {} ({memo})", money(*cents)),
        };
        match repository.execute(&account, command, &teller) {
            Ok(done) => println!(
                "{what}: ok (event {})",
                done.appended.sequences.end.saturating_sub(1)
            ),
            Err(CommandError::Rejected(reason)) => println!("{what}: refused, {reason}"),
            Err(CommandError::Store(error)) => return Err(error),
        }
    }
    let state = account.state().get_untracked();
    println!(
        "{} has {} after {} transactions ({} balance changes seen by the effect this run)",
        state.owner.as_deref().unwrap_or("nobody"),
        money(state.balance_cents),
        state.transactions,
        changes.get()
    );
    root.dispose();
    Ok(())
}

/// Time travel: the account as it was after global event `sequence`.
fn show_past(repository: &Repository<SqliteStore>, sequence: u64) -> Result<(), String> {
    let head = repository.store().head().map_err(|e| e.to_string())?;
    let past = repository
        .state_at::<BankAccount>(ACCOUNT, ReplayTo::Sequence(sequence), &AllowAll)
        .map_err(|e| e.to_string())?;
    println!(
        "after event {sequence} of {head}: {} had {} ({} transactions, stream version {})",
        past.state.owner.as_deref().unwrap_or("nobody"),
        money(past.state.balance_cents),
        past.state.transactions,
        past.version
    );
    let now = repository
        .load::<BankAccount>(ACCOUNT)
        .map_err(|e| e.to_string())?;
    println!("now: {}", money(now.state().get_untracked().balance_cents));
    Ok(())
}

fn show_history(store: &SqliteStore) -> Result<(), String> {
    let trail = AuditQuery::stream(ACCOUNT)
        .run(store)
        .map_err(|e| e.to_string())?;
    println!(
        "{:>5}  {:<10} {:<8} {:>14}",
        "event", "type", "by", "ms since epoch"
    );
    for entry in trail {
        println!(
            "{:>5}  {:<10} {:<8} {:>14}",
            entry.sequence,
            entry.event_type,
            entry.principal.as_deref().unwrap_or("-"),
            entry.timestamp_ms
        );
    }
    Ok(())
}
