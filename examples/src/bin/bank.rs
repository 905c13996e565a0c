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
//! directory); `--postgres URL` keeps the events in PostgreSQL instead (schema
//! `reactive_sourcing`), where several processes and machines can share them. `--replay-to N` refuses an `N` beyond the last event, saying how many there are.

use examples::outln;
use std::cell::Cell;
use std::path::PathBuf;
use std::process::ExitCode;
use std::rc::Rc;

use examples::bank::{BankAccount, Command, money};
use reactive::sourcing::{
    AllowAll, AuditQuery, CommandContext, CommandError, EventStore, EventStoreError, PostgresStore,
    ReplayTo, Repository, Schema, SqliteStore, verify_chain,
};
use reactive::{Effect, Memo, create_root};

const ACCOUNT: &str = "account-0001";

/// The store the bank runs on: SQLite (the default) or PostgreSQL (`--postgres`).
type Store = Box<dyn EventStore>;

struct Options {
    db: PathBuf,
    postgres: Option<String>,
    replay_to: Option<u64>,
    history: bool,
    reset: bool,
}

const USAGE: &str = "\
usage: bank [--db PATH | --postgres URL] [--replay-to N | --history | --reset]

  (no flag)        a day of business (run it twice: the state survives)
  --replay-to N    the account as it was after event N
  --history        who changed it, and when (UTC)
  --reset          start over (removes the database)
  --db PATH        the SQLite file (default: reactive-bank.sqlite in the temporary directory)
  --postgres URL   keep the events in PostgreSQL instead (schema reactive_sourcing), e.g.
                   'host=127.0.0.1 user=postgres dbname=postgres' 
  -h, --help       this text";

/// What the command line asks for.
enum Invocation {
    Run(Options),
    Help,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Invocation, String> {
    let mut options = Options {
        db: std::env::temp_dir().join("reactive-bank.sqlite"),
        postgres: None,
        replay_to: None,
        history: false,
        reset: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--db" => options.db = args.next().ok_or("--db needs a path")?.into(),
            "--postgres" => {
                options.postgres = Some(args.next().ok_or("--postgres needs a connection string")?);
            }
            "--replay-to" => {
                let n = args.next().ok_or("--replay-to needs an event number")?;
                let n = n
                    .parse()
                    .map_err(|_| format!("--replay-to: `{n}` is not a number"))?;
                options.replay_to = Some(n);
            }
            "--history" => options.history = true,
            "--reset" => options.reset = true,
            "--help" | "-h" => return Ok(Invocation::Help),
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(Invocation::Run(options))
}

fn main() -> ExitCode {
    let outcome = parse(std::env::args().skip(1)).and_then(|invocation| match invocation {
        Invocation::Help => {
            outln!("{USAGE}");
            Ok(())
        }
        Invocation::Run(options) => run(&options),
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bank: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    if options.reset && options.postgres.is_some() {
        return Err(
            "--reset removes the SQLite file; in PostgreSQL, drop the schema `reactive_sourcing` \
             (DROP SCHEMA reactive_sourcing CASCADE)"
                .into(),
        );
    }
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
        outln!("removed {}", options.db.display());
        return Ok(());
    }
    let store: Store = match &options.postgres {
        Some(url) => {
            let store = PostgresStore::connect(url).map_err(|e| e.to_string())?;
            outln!("event store: PostgreSQL, schema {}", store.schema());
            Box::new(store)
        }
        None => {
            let store = SqliteStore::open(&options.db).map_err(|e| e.to_string())?;
            outln!("event store: {}", options.db.display());
            Box::new(store)
        }
    };
    let repository = Repository::new(store, Schema::new()).snapshot_every(10);
    if let Some(sequence) = options.replay_to {
        return show_past(&repository, sequence);
    }
    if options.history {
        return show_history(repository.store());
    }
    business_day(&repository).map_err(|e| e.to_string())?;
    let chain = verify_chain(repository.store()).map_err(|e| e.to_string())?;
    outln!(
        "audit chain verified: {} events, head {}",
        chain.events,
        &chain.head.to_string()[..16]
    );
    outln!("run again: the balance carries over; `--replay-to 2` shows the past");
    Ok(())
}

/// Loads the account (reactive), prints the balance whenever it changes, and does some
/// business.
fn business_day(repository: &Repository<Store>) -> Result<(), EventStoreError> {
    let account = repository.load::<BankAccount>(ACCOUNT)?;
    let changes = Rc::new(Cell::new(0));
    let (_, root) = create_root(|| {
        let state = account.state();
        let balance = Memo::new(move || state.with(|a| a.balance_cents));
        let changes = changes.clone();
        Effect::new(move || {
            changes.set(changes.get() + 1);
            outln!("  balance: {}", money(balance.get()));
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
            Ok(done) => outln!(
                "{what}: ok (event {})",
                done.appended.sequences.end.saturating_sub(1)
            ),
            Err(CommandError::Rejected(reason)) => outln!("{what}: refused, {reason}"),
            Err(CommandError::Store(error)) => return Err(error),
        }
    }
    let state = account.state().get_untracked();
    outln!(
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
fn show_past(repository: &Repository<Store>, sequence: u64) -> Result<(), String> {
    let head = repository.store().head().map_err(|e| e.to_string())?;
    if sequence > head {
        return Err(format!(
            "--replay-to {sequence}: the store holds {head} events; choose a number from 0 to {head}"
        ));
    }
    let past = repository
        .state_at::<BankAccount>(ACCOUNT, ReplayTo::Sequence(sequence), &AllowAll)
        .map_err(|e| e.to_string())?;
    outln!(
        "after event {sequence} of {head}: {} had {} ({} transactions, stream version {})",
        past.state.owner.as_deref().unwrap_or("nobody"),
        money(past.state.balance_cents),
        past.state.transactions,
        past.version
    );
    let now = repository
        .load::<BankAccount>(ACCOUNT)
        .map_err(|e| e.to_string())?;
    outln!("now: {}", money(now.state().get_untracked().balance_cents));
    Ok(())
}

fn show_history(store: &dyn EventStore) -> Result<(), String> {
    let trail = AuditQuery::stream(ACCOUNT)
        .run(store)
        .map_err(|e| e.to_string())?;
    outln!("{:>5}  {:<10} {:<8} when", "event", "type", "by");
    for entry in trail {
        outln!(
            "{:>5}  {:<10} {:<8} {}",
            entry.sequence,
            entry.event_type,
            entry.principal.as_deref().unwrap_or("-"),
            utc_date_time(entry.timestamp_ms)
        );
    }
    Ok(())
}

/// Milliseconds since the Unix epoch as `YYYY-MM-DD HH:MM:SS UTC` (the milliseconds dropped).
fn utc_date_time(epoch_ms: u64) -> String {
    let seconds = epoch_ms / 1000;
    let (days, second_of_day) = (seconds / 86_400, seconds % 86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

/// The proleptic Gregorian date `days` days after 1970-01-01 (Howard Hinnant's
/// `civil_from_days`, for non-negative days): counted in 400-year eras of 146,097 days, each
/// year starting on 1 March so the leap day is the last day of its year.
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let days = days + 719_468; // days from 0000-03-01 to 1970-01-01
    let era = days / 146_097;
    let day_of_era = days % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|arg| arg.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn help_is_an_answer_not_an_error() {
        assert!(matches!(parse(args(&["--help"])), Ok(Invocation::Help)));
        assert!(matches!(parse(args(&["-h"])), Ok(Invocation::Help)));
        assert!(USAGE.starts_with("usage: bank"));
        assert!(parse(args(&["--frobnicate"])).is_err());
        assert!(
            parse(args(&["--postgres"])).is_err(),
            "a connection string is required"
        );
    }

    #[test]
    fn replaying_past_the_last_event_is_refused_with_the_number_of_events() {
        let db =
            std::env::temp_dir().join(format!("reactive-bank-test-{}.sqlite", std::process::id()));
        let outcome = (|| {
            let store: Store = Box::new(SqliteStore::open(&db).map_err(|e| e.to_string())?);
            let repository = Repository::new(store, Schema::new());
            business_day(&repository).map_err(|e| e.to_string())?;
            let head = repository.store().head().map_err(|e| e.to_string())?;
            assert!(
                show_past(&repository, head).is_ok(),
                "the last event is in range"
            );
            Ok::<_, String>((head, show_past(&repository, 99_999)))
        })();
        for suffix in ["", "-wal", "-shm"] {
            let mut path = db.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
        let (head, refused) = outcome.expect("a day of business");
        assert_eq!(head, 3, "open, deposit, withdraw; the yacht is refused");
        assert_eq!(
            refused.unwrap_err(),
            "--replay-to 99999: the store holds 3 events; choose a number from 0 to 3"
        );
    }

    #[test]
    fn dates_are_utc_calendar_dates() {
        assert_eq!(utc_date_time(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_date_time(999), "1970-01-01 00:00:00 UTC");
        assert_eq!(utc_date_time(86_399_000), "1970-01-01 23:59:59 UTC");
        // 2000 is a leap year (divisible by 400), 1900 and 2100 are not.
        assert_eq!(utc_date_time(951_782_400_000), "2000-02-29 00:00:00 UTC");
        assert_eq!(utc_date_time(951_868_800_000), "2000-03-01 00:00:00 UTC");
        assert_eq!(utc_date_time(1_700_000_000_123), "2023-11-14 22:13:20 UTC");
        assert_eq!(utc_date_time(4_107_542_400_000), "2100-03-01 00:00:00 UTC");
        assert_eq!(utc_date_time(4_107_542_399_000), "2100-02-28 23:59:59 UTC");
    }

    #[test]
    fn every_day_follows_the_one_before() {
        // Walk 500 years day by day: each date is the successor of the previous one.
        let month_length = |year: u64, month: u64| match month {
            2 if year.is_multiple_of(4)
                && (!year.is_multiple_of(100) || year.is_multiple_of(400)) =>
            {
                29
            }
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        let mut previous = civil_from_days(0);
        assert_eq!(previous, (1970, 1, 1));
        for days in 1..500 * 366 {
            let (year, month, day) = previous;
            let expected = if day < month_length(year, month) {
                (year, month, day + 1)
            } else if month < 12 {
                (year, month + 1, 1)
            } else {
                (year + 1, 1, 1)
            };
            let date = civil_from_days(days);
            assert_eq!(date, expected, "day {days}");
            previous = date;
        }
    }
}
