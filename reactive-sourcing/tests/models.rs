//! Event-sourced models end to end: reactive state, commands, conflicts, idempotency,
//! snapshots, compaction, time travel, replays with side effects off, subscriptions, audit.

use std::cell::RefCell;
use std::rc::Rc;

use reactive_core::{Effect, Memo, create_root};
use reactive_sourcing::{
    Aggregate, AllowAll, ArchiveWriter, AuditQuery, CatchUpSubscription, CommandContext,
    CommandError, DomainEvent, EventProcessor, EventStore, EventStoreError, JsonlStore,
    MemoryStore, Metadata, Projection, Reaction, RecordedEvent, ReplayTo, Repository, Schema,
    SnapshotOutcome, is_replaying, replay, verify_chain,
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Account {
    balance: i64,
    open: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
enum AccountEvent {
    Opened,
    Deposited { amount: i64 },
    Withdrawn { amount: i64 },
}

impl DomainEvent for AccountEvent {
    const TYPES: &'static [(&'static str, u32)] =
        &[("Opened", 1), ("Deposited", 1), ("Withdrawn", 1)];
}

#[derive(Debug, Clone)]
enum Command {
    Open,
    Deposit(i64),
    Withdraw(i64),
}

struct Bank;

impl Aggregate for Bank {
    type State = Account;
    type Event = AccountEvent;
    type Command = Command;
    type Error = String;

    fn apply(account: &mut Account, event: &AccountEvent) {
        match event {
            AccountEvent::Opened => account.open = true,
            AccountEvent::Deposited { amount } => account.balance += amount,
            AccountEvent::Withdrawn { amount } => account.balance -= amount,
        }
    }

    fn handle(account: &Account, command: Command) -> Result<Vec<AccountEvent>, String> {
        match command {
            Command::Open if account.open => Err("already open".into()),
            Command::Open => Ok(vec![AccountEvent::Opened]),
            _ if !account.open => Err("not open".into()),
            Command::Deposit(amount) if amount <= 0 => Err("deposit must be positive".into()),
            Command::Deposit(amount) => Ok(vec![AccountEvent::Deposited { amount }]),
            Command::Withdraw(amount) if amount > account.balance => {
                Err("insufficient funds".into())
            }
            Command::Withdraw(amount) => Ok(vec![AccountEvent::Withdrawn { amount }]),
        }
    }
}

fn anyone() -> CommandContext {
    CommandContext::new()
}

fn repository() -> Repository<MemoryStore> {
    Repository::new(MemoryStore::new(), Schema::new())
}

#[test]
fn readers_of_the_state_rerun_once_per_accepted_command() {
    let repository = repository();
    let account = repository.load::<Bank>("acc").unwrap();
    let runs = Rc::new(RefCell::new(Vec::new()));
    let (_, root) = create_root(|| {
        let state = account.state();
        let balance = Memo::new(move || state.with(|a| a.balance));
        let runs = runs.clone();
        Effect::new(move || runs.borrow_mut().push(balance.get()));
    });
    repository
        .execute(&account, Command::Open, &anyone())
        .unwrap();
    repository
        .execute(&account, Command::Deposit(30), &anyone())
        .unwrap();
    let refused = repository.execute(&account, Command::Withdraw(100), &anyone());
    assert!(
        matches!(refused, Err(CommandError::Rejected(reason)) if reason == "insufficient funds")
    );
    repository
        .execute(&account, Command::Withdraw(10), &anyone())
        .unwrap();
    // The memo cut the `Opened` change off (balance unchanged); the refusal changed nothing.
    assert_eq!(*runs.borrow(), [0, 30, 20]);
    assert_eq!(account.version().get_untracked(), 3);
    assert_eq!(repository.store().head().unwrap(), 3);
    root.dispose();
}

#[test]
fn a_stale_handle_gets_a_conflict_then_refreshes_and_retries() {
    let repository = repository();
    let first = repository.load::<Bank>("acc").unwrap();
    let second = repository.load::<Bank>("acc").unwrap();
    repository
        .execute(&first, Command::Open, &anyone())
        .unwrap();
    match repository.execute(&second, Command::Open, &anyone()) {
        Err(CommandError::Store(EventStoreError::Conflict { actual, .. })) => assert_eq!(actual, 1),
        other => panic!("{other:?}"),
    }
    assert_eq!(repository.refresh(&second).unwrap(), 1);
    assert!(second.state().get_untracked().open);
    repository
        .execute(&second, Command::Deposit(5), &anyone())
        .unwrap();
    assert_eq!(repository.store().stream_version("acc").unwrap(), 2);
}

#[test]
fn an_idempotent_command_is_applied_once_even_from_another_handle() {
    let repository = repository();
    let account = repository.load::<Bank>("acc").unwrap();
    repository
        .execute(&account, Command::Open, &anyone())
        .unwrap();
    let context = anyone().idempotency_key("deposit-req-1");
    let first = repository
        .execute(&account, Command::Deposit(50), &context)
        .unwrap();
    assert!(!first.appended.duplicate);
    let retry = repository
        .execute(&account, Command::Deposit(50), &context)
        .unwrap();
    assert!(retry.appended.duplicate);
    assert_eq!(account.state().get_untracked().balance, 50);

    // A fresh handle created before the deposit (a retry after a crash, say) catches up.
    let other = Repository::new(repository.store(), Schema::new());
    let stale = other.load::<Bank>("acc").unwrap();
    repository
        .execute(&account, Command::Deposit(1), &anyone())
        .unwrap();
    let again = other
        .execute(&stale, Command::Deposit(50), &context)
        .unwrap();
    assert!(again.appended.duplicate);
    assert_eq!(stale.state().get_untracked().balance, 51);
}

#[test]
fn snapshots_are_taken_every_n_events_and_used_to_load() {
    let repository = repository().snapshot_every(10);
    let account = repository.load::<Bank>("acc").unwrap();
    repository
        .execute(&account, Command::Open, &anyone())
        .unwrap();
    let mut saved = Vec::new();
    for _ in 0..24 {
        let executed = repository
            .execute(&account, Command::Deposit(1), &anyone())
            .unwrap();
        if let SnapshotOutcome::Saved { version } = executed.snapshot {
            saved.push(version);
        }
    }
    assert_eq!(saved, [10, 20]);
    let snapshot = repository.store().load_snapshot("acc").unwrap().unwrap();
    assert_eq!(snapshot.version, 20);
    assert_eq!(snapshot.state["balance"], 19);

    // Loading starts from the snapshot: proven by compacting the events it covers.
    let directory = tempfile::tempdir().unwrap();
    let mut archive = ArchiveWriter::open(directory.path().join("acc.jsonl")).unwrap();
    assert_eq!(
        repository
            .compact::<Bank>("acc", &mut archive)
            .unwrap()
            .archived,
        20
    );
    let loaded = repository.load::<Bank>("acc").unwrap();
    assert_eq!(loaded.state().get_untracked().balance, 24);
    assert_eq!(loaded.version().get_untracked(), 25);
    verify_chain(repository.store()).unwrap();
}

#[test]
fn a_snapshot_of_an_older_state_format_is_ignored_unless_the_events_are_gone() {
    struct BankV2;
    impl Aggregate for BankV2 {
        type State = Account;
        type Event = AccountEvent;
        type Command = Command;
        type Error = String;
        const STATE_VERSION: u32 = 2;
        fn apply(account: &mut Account, event: &AccountEvent) {
            Bank::apply(account, event);
        }
        fn handle(account: &Account, command: Command) -> Result<Vec<AccountEvent>, String> {
            Bank::handle(account, command)
        }
    }
    let repository = repository();
    let account = repository.load::<Bank>("acc").unwrap();
    repository
        .execute(&account, Command::Open, &anyone())
        .unwrap();
    repository
        .execute(&account, Command::Deposit(7), &anyone())
        .unwrap();
    let mut snapshot = repository.snapshot(&account).unwrap();
    snapshot.state["balance"] = 1_000.into(); // a snapshot that disagrees with the events
    repository.store().save_snapshot(&snapshot).unwrap();
    // The new format ignores the old snapshot and folds the events.
    let v2 = repository.load::<BankV2>("acc").unwrap();
    assert_eq!(v2.state().get_untracked().balance, 7);

    let directory = tempfile::tempdir().unwrap();
    let mut archive = ArchiveWriter::open(directory.path().join("a.jsonl")).unwrap();
    repository.compact::<Bank>("acc", &mut archive).unwrap();
    assert!(matches!(
        repository.load::<BankV2>("acc"),
        Err(EventStoreError::Compacted {
            through_version: 2,
            ..
        })
    ));
    assert!(matches!(
        repository.compact::<BankV2>("acc", &mut archive),
        Err(EventStoreError::InvalidInput { .. })
    ));
}

#[test]
fn a_snapshot_that_does_not_match_the_log_is_not_trusted() {
    let repository = repository();
    let account = repository.load::<Bank>("acc").unwrap();
    repository
        .execute(&account, Command::Open, &anyone())
        .unwrap();
    repository
        .execute(&account, Command::Deposit(7), &anyone())
        .unwrap();
    let mut snapshot = repository.snapshot(&account).unwrap();
    snapshot.state["balance"] = 1_000.into();
    snapshot.event_hash = reactive_sourcing::EventHash([9; 32]);
    repository.store().save_snapshot(&snapshot).unwrap();
    let loaded = repository.load::<Bank>("acc").unwrap();
    assert_eq!(loaded.state().get_untracked().balance, 7);
}

#[test]
fn time_travel_rebuilds_the_state_at_a_sequence_or_a_time() {
    let repository = repository();
    let account = repository.load::<Bank>("acc").unwrap();
    let at = |ms| CommandContext {
        metadata: Metadata::default().at(ms),
        idempotency_key: None,
    };
    repository
        .execute(&account, Command::Open, &at(1_000))
        .unwrap();
    repository
        .execute(&account, Command::Deposit(10), &at(2_000))
        .unwrap();
    repository
        .execute(&account, Command::Deposit(20), &at(3_000))
        .unwrap();
    repository
        .execute(&account, Command::Withdraw(5), &at(4_000))
        .unwrap();
    let balance = |to| {
        repository
            .state_at::<Bank>("acc", to, &AllowAll)
            .unwrap()
            .state
            .balance
    };
    assert_eq!(balance(ReplayTo::Sequence(2)), 10);
    assert_eq!(balance(ReplayTo::Sequence(0)), 0);
    assert_eq!(balance(ReplayTo::Time(3_500)), 30);
    assert_eq!(balance(ReplayTo::Time(999)), 0);
    assert_eq!(balance(ReplayTo::End), 25);
    // The live handle is untouched by time travel.
    assert_eq!(account.state().get_untracked().balance, 25);
}

#[test]
fn replays_go_through_the_read_policy() {
    let repository = repository();
    let account = repository.load::<Bank>("acc").unwrap();
    repository
        .execute(&account, Command::Open, &anyone().principal("alice"))
        .unwrap();
    repository
        .execute(
            &account,
            Command::Deposit(5),
            &anyone().principal("mallory"),
        )
        .unwrap();
    let alices_only = |event: &RecordedEvent| match event.metadata.principal.as_deref() {
        Some("alice") => Ok(()),
        _ => Err("only alice's events are visible".to_owned()),
    };
    match repository.state_at::<Bank>("acc", ReplayTo::End, &alices_only) {
        Err(EventStoreError::Denied {
            sequence, reason, ..
        }) => {
            assert_eq!(sequence, 2);
            assert!(reason.contains("only alice"));
        }
        other => panic!("{other:?}"),
    }
    let mut total = Total::default();
    assert!(matches!(
        replay(
            repository.store(),
            &Schema::new(),
            &mut total,
            ReplayTo::End,
            &alices_only
        ),
        Err(EventStoreError::Denied { sequence: 2, .. })
    ));
}

#[derive(Default)]
struct Total {
    deposits: i64,
    saw_replay: bool,
}

impl Projection for Total {
    type Event = AccountEvent;

    fn apply(&mut self, event: &AccountEvent, _: &RecordedEvent) {
        self.saw_replay |= is_replaying();
        if let AccountEvent::Deposited { amount } = event {
            self.deposits += amount;
        }
    }
}

#[derive(Default)]
struct Notifier {
    sent: Vec<u64>,
}

impl Reaction for Notifier {
    type Event = AccountEvent;

    fn react(&mut self, _: &AccountEvent, record: &RecordedEvent) -> Result<(), String> {
        assert!(!is_replaying(), "a reaction ran during a replay");
        self.sent.push(record.sequence);
        Ok(())
    }
}

#[test]
fn replays_run_projections_only_and_live_processing_runs_reactions_too() {
    let repository = repository();
    let account = repository.load::<Bank>("acc").unwrap();
    repository
        .execute(&account, Command::Open, &anyone())
        .unwrap();
    for amount in [10, 20, 30] {
        repository
            .execute(&account, Command::Deposit(amount), &anyone())
            .unwrap();
    }
    let (mut total, mut notifier) = (Total::default(), Notifier::default());
    {
        let mut processor = EventProcessor::new();
        processor.projection(&mut total).reaction(&mut notifier);
        let report = processor
            .replay(
                repository.store(),
                repository.schema(),
                ReplayTo::Sequence(3),
                &AllowAll,
            )
            .unwrap();
        assert_eq!((report.applied, report.last_sequence), (3, 3));
    }
    assert_eq!(total.deposits, 30);
    assert!(total.saw_replay);
    assert!(notifier.sent.is_empty(), "side effects ran during a replay");
    assert!(!is_replaying());

    let (mut live_total, mut notifier) = (Total::default(), Notifier::default());
    let mut subscription = CatchUpSubscription::open(repository.store(), "notifier").unwrap();
    let mut processor = EventProcessor::new();
    processor
        .projection(&mut live_total)
        .reaction(&mut notifier);
    assert_eq!(
        processor
            .run(&mut subscription, repository.schema())
            .unwrap(),
        4
    );
    drop(processor);
    assert_eq!(notifier.sent, [1, 2, 3, 4]);
    assert!(!live_total.saw_replay);
}

#[test]
fn a_failing_reaction_leaves_the_checkpoint_before_its_page() {
    struct Flaky;
    impl Reaction for Flaky {
        type Event = AccountEvent;
        fn react(&mut self, _: &AccountEvent, record: &RecordedEvent) -> Result<(), String> {
            if record.sequence == 3 {
                Err("mail server down".into())
            } else {
                Ok(())
            }
        }
    }
    let repository = repository();
    let account = repository.load::<Bank>("acc").unwrap();
    repository
        .execute(&account, Command::Open, &anyone())
        .unwrap();
    repository
        .execute(&account, Command::Deposit(1), &anyone())
        .unwrap();
    repository
        .execute(&account, Command::Deposit(2), &anyone())
        .unwrap();
    let mut subscription = CatchUpSubscription::open(repository.store(), "mailer")
        .unwrap()
        .page_size(2);
    let mut processor = EventProcessor::new();
    processor.reaction(Flaky);
    match processor.run(&mut subscription, repository.schema()) {
        Err(EventStoreError::Handler { sequence, reason }) => {
            assert_eq!(sequence, 3);
            assert_eq!(reason, "mail server down");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        repository.store().load_checkpoint("mailer").unwrap(),
        Some(3)
    );
}

fn durable_subscription_resumes_after_reopen(open: impl Fn() -> Box<dyn EventStore>) {
    {
        let store = open();
        let repository = Repository::new(&*store, Schema::new());
        let account = repository.load::<Bank>("acc").unwrap();
        repository
            .execute(&account, Command::Open, &anyone())
            .unwrap();
        repository
            .execute(&account, Command::Deposit(3), &anyone())
            .unwrap();
        let mut subscription = CatchUpSubscription::open(&*store, "reports").unwrap();
        assert_eq!(subscription.catch_up(|_| Ok(())).unwrap(), 2);
    }
    let store = open();
    let repository = Repository::new(&*store, Schema::new());
    let account = repository.load::<Bank>("acc").unwrap();
    assert_eq!(account.state().get_untracked().balance, 3);
    repository
        .execute(&account, Command::Deposit(4), &anyone())
        .unwrap();
    let mut seen = Vec::new();
    let mut subscription = CatchUpSubscription::open(&*store, "reports").unwrap();
    subscription
        .catch_up(|event| {
            seen.push(event.sequence);
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, [3], "only what was appended since the checkpoint");
    assert!(subscription.is_live());
}

#[test]
fn a_jsonl_subscription_resumes_from_its_checkpoint_after_reopening() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("bank.jsonl");
    durable_subscription_resumes_after_reopen(|| Box::new(JsonlStore::open(&path).unwrap()));
}

#[cfg(feature = "sqlite")]
#[test]
fn a_sqlite_subscription_resumes_from_its_checkpoint_after_reopening() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("bank.sqlite");
    durable_subscription_resumes_after_reopen(|| {
        Box::new(reactive_sourcing::SqliteStore::open(&path).unwrap())
    });
}

fn everything_survives_reopening(open: impl Fn() -> Box<dyn EventStore>) {
    let directory = tempfile::tempdir().unwrap();
    {
        let store = open();
        let repository = Repository::new(&*store, Schema::new()).snapshot_every(5);
        let account = repository.load::<Bank>("acc").unwrap();
        repository
            .execute(&account, Command::Open, &anyone().idempotency_key("open"))
            .unwrap();
        for _ in 0..11 {
            repository
                .execute(&account, Command::Deposit(2), &anyone())
                .unwrap();
        }
        let mut archive = ArchiveWriter::open(directory.path().join("archive.jsonl")).unwrap();
        repository.compact::<Bank>("acc", &mut archive).unwrap();
    }
    let store = open();
    let repository = Repository::new(&*store, Schema::new());
    let account = repository.load::<Bank>("acc").unwrap();
    assert_eq!(account.state().get_untracked().balance, 22);
    assert_eq!(store.compacted_through("acc").unwrap(), 10);
    let report = verify_chain(&*store).unwrap();
    assert_eq!((report.events, report.compacted), (2, 10));
    // The idempotency key outlived the process and the compaction of its event: the same
    // batch is a no-op, another batch with that key is refused.
    let same = reactive_sourcing::Append::new("acc", reactive_sourcing::ExpectedVersion::NoStream)
        .event(reactive_sourcing::NewEvent::from_domain(&AccountEvent::Opened).unwrap())
        .idempotency_key("open");
    let answer = store.append(same).unwrap();
    assert!(answer.duplicate);
    assert_eq!(answer.sequences, 1..2);
    let fresh = repository.load::<Bank>("fresh").unwrap();
    let reused = repository
        .execute(&fresh, Command::Open, &anyone().idempotency_key("open"))
        .unwrap_err();
    assert!(matches!(
        reused,
        CommandError::Store(EventStoreError::IdempotencyKeyReused { .. })
    ));
}

#[test]
fn a_jsonl_store_keeps_events_snapshots_compaction_and_keys_across_reopening() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("bank.jsonl");
    everything_survives_reopening(|| Box::new(JsonlStore::open(&path).unwrap()));
}

#[cfg(feature = "sqlite")]
#[test]
fn a_sqlite_store_keeps_events_snapshots_compaction_and_keys_across_reopening() {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("bank.sqlite");
    everything_survives_reopening(|| {
        Box::new(reactive_sourcing::SqliteStore::open(&path).unwrap())
    });
}

#[test]
fn the_audit_trail_answers_who_changed_what_and_when() {
    let repository = repository();
    let account = repository.load::<Bank>("acc").unwrap();
    let by = |who: &str, ms| CommandContext {
        metadata: Metadata::default().principal(who).at(ms),
        idempotency_key: None,
    };
    repository
        .execute(&account, Command::Open, &by("teller", 100))
        .unwrap();
    repository
        .execute(&account, Command::Deposit(9), &by("alice", 200))
        .unwrap();
    repository
        .execute(&account, Command::Withdraw(4), &by("bob", 300))
        .unwrap();
    let other = repository.load::<Bank>("other").unwrap();
    repository
        .execute(&other, Command::Open, &by("bob", 400))
        .unwrap();

    let who: Vec<(String, u64)> = AuditQuery::stream("acc")
        .field("/amount")
        .run(repository.store())
        .unwrap()
        .into_iter()
        .map(|entry| (entry.principal.unwrap(), entry.timestamp_ms))
        .collect();
    assert_eq!(who, [("alice".to_owned(), 200), ("bob".to_owned(), 300)]);
    let bobs = AuditQuery::all()
        .principal("bob")
        .run(repository.store())
        .unwrap();
    assert_eq!(bobs.len(), 2);
    let window = AuditQuery::all()
        .between(150, 350)
        .run(repository.store())
        .unwrap();
    assert_eq!(window.len(), 2);
    let withdrawals = AuditQuery::all()
        .event_type("Withdrawn")
        .run(repository.store())
        .unwrap();
    assert_eq!(withdrawals[0].version, 3);
}

#[test]
fn time_travel_through_scopes_obeys_the_scope_policies() {
    use reactive_sourcing::ScopedStreams;
    use reactive_store::{Access, Policy, Principal, Scope};

    let bank = Scope::root("bank").unwrap();
    let accounts = bank.child("accounts").unwrap();
    accounts
        .set_policy(Policy::new(Access::NONE).grant(Principal::new("auditor"), Access::READ))
        .unwrap();
    let repository = repository();
    let account = repository.load::<Bank>("acc").unwrap();
    repository
        .execute(&account, Command::Open, &anyone())
        .unwrap();
    repository
        .execute(&account, Command::Deposit(8), &anyone())
        .unwrap();

    let as_who = |who: &str| {
        let scope = accounts.as_principal(Principal::new(who)).unwrap();
        ScopedStreams::new(move |stream: &str| (stream == "acc").then_some(scope))
    };
    let past = repository
        .state_at::<Bank>("acc", ReplayTo::End, &as_who("auditor"))
        .unwrap();
    assert_eq!(past.state.balance, 8);
    assert!(matches!(
        repository.state_at::<Bank>("acc", ReplayTo::End, &as_who("guest")),
        Err(EventStoreError::Denied { sequence: 1, .. })
    ));
    // The application itself (the root handle's principal) is not restricted.
    assert!(
        repository
            .state_at::<Bank>("acc", ReplayTo::End, &accounts)
            .is_ok()
    );
    bank.dispose().unwrap();
}
