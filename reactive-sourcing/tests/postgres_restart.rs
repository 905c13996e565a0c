//! The PostgreSQL store across a server restart (the command in `REACTIVE_POSTGRES_RESTART`;
//! `.ci/postgres.sh start` exports one that runs `pg_ctl restart -m immediate`: the server stops
//! like a crash and recovers from its WAL): a subscription misses nothing, and writers retrying
//! with their idempotency keys lose and duplicate nothing that was acknowledged.
//!
//! A test binary of its own, so that restarting the server never cuts another test's
//! connection (cargo runs test binaries one at a time); the two tests here take turns.

#[path = "postgres/support.rs"]
#[allow(
    dead_code,
    reason = "shared with tests/postgres.rs, which uses all of it"
)]
mod support;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reactive_sourcing::{
    Append, Appended, EventStore, EventStoreError, ExpectedVersion, NewEvent, PostgresStore,
    verify_chain,
};
use serde_json::json;
use support::TestStore;

/// The tests restart the one server in turn.
static SERVER: Mutex<()> = Mutex::new(());

const RESTART_ENV: &str = "REACTIVE_POSTGRES_RESTART";

/// A fresh store and the restart command, or `None` when the test is skipped.
fn setup(test: &str) -> Option<(TestStore, String)> {
    let fresh = TestStore::fresh(test)?;
    match std::env::var(RESTART_ENV) {
        Ok(command) if !command.is_empty() => Some((fresh, command)),
        _ => {
            assert!(
                std::env::var(support::REQUIRE_ENV).as_deref() != Ok("1"),
                "{test}: {RESTART_ENV} is not set but {}=1",
                support::REQUIRE_ENV
            );
            eprintln!(
                "SKIPPED {test}: {RESTART_ENV} is not set (`.ci/postgres.sh start` exports it)"
            );
            None
        }
    }
}

fn restart_server(command: &str) {
    let status = std::process::Command::new("sh")
        .args(["-c", command])
        .status()
        .expect("run the restart command");
    assert!(status.success(), "`{command}` failed: {status}");
}

/// Appends `batch` until it is acknowledged: a failure of the connection (the server is
/// restarting) is retried with the same idempotency key, so a batch that committed before
/// the connection dropped answers as a duplicate instead of being written again.
fn append_until_acknowledged(store: &PostgresStore, batch: impl Fn() -> Append) -> Appended {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        match store.append(batch()) {
            Ok(appended) => return appended,
            Err(EventStoreError::Postgres(error)) => {
                assert!(
                    Instant::now() < deadline,
                    "the server did not come back: {error}"
                );
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(other) => panic!("an append failed otherwise than by the connection: {other}"),
        }
    }
}

/// Writers append on three threads while the server restarts under them; every append they
/// were told succeeded is in the log exactly once, where they were told.
#[test]
fn a_server_restart_mid_run_loses_no_acknowledged_append() {
    let _turn = SERVER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some((fresh, restart)) = setup("restart_loses_nothing") else {
        return;
    };
    const WRITERS: usize = 3;
    const PER_WRITER: u64 = 60;
    let progress = AtomicU64::new(0);
    let acknowledged: Vec<Vec<(String, Appended)>> = std::thread::scope(|scope| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (fresh, progress) = (&fresh, &progress);
                scope.spawn(move || {
                    let store = fresh.reopen();
                    (0..PER_WRITER)
                        .map(|n| {
                            let key = format!("w{writer}-{n}");
                            let appended = append_until_acknowledged(&store, || {
                                Append::new(format!("account-{writer}"), ExpectedVersion::Any)
                                    .event(NewEvent::new("Deposited", 1, json!({ "n": n })))
                                    .idempotency_key(key.clone())
                            });
                            progress.fetch_add(1, Ordering::Relaxed);
                            (key, appended)
                        })
                        .collect()
                })
            })
            .collect();
        // Restart once the writers are well under way (a third of the appends acknowledged).
        while progress.load(Ordering::Relaxed) < (WRITERS as u64 * PER_WRITER) / 3 {
            std::thread::sleep(Duration::from_millis(2));
        }
        restart_server(&restart);
        writers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let log = fresh.store.read_all(1, usize::MAX).unwrap();
    let by_key: BTreeMap<&str, Vec<u64>> = log.iter().fold(BTreeMap::new(), |mut map, event| {
        let key = event
            .idempotency_key
            .as_deref()
            .expect("every append had a key");
        map.entry(key).or_insert_with(Vec::new).push(event.sequence);
        map
    });
    let acknowledged: Vec<&(String, Appended)> = acknowledged.iter().flatten().collect();
    assert_eq!(acknowledged.len(), WRITERS * PER_WRITER as usize);
    for (key, appended) in &acknowledged {
        assert_eq!(
            by_key.get(key.as_str()),
            Some(&vec![appended.sequences.start]),
            "append {key}: acknowledged at {:?}",
            appended.sequences
        );
    }
    assert_eq!(
        log.len(),
        acknowledged.len(),
        "nothing unacknowledged was written twice"
    );
    assert!(log.iter().map(|e| e.sequence).eq(1..=log.len() as u64));
    assert_eq!(verify_chain(&fresh.store).unwrap().events, log.len() as u64);
}

/// A subscription follows a writer while the server restarts; it reads every event once, in
/// order, after listening again on a new connection.
#[test]
fn a_subscription_across_a_server_restart_misses_nothing() {
    let _turn = SERVER
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some((fresh, restart)) = setup("subscription_across_restart") else {
        return;
    };
    const EVENTS: u64 = 150;
    let writer = fresh.reopen();
    let written = AtomicU64::new(0);
    let finished = AtomicBool::new(false);
    let mut subscription = fresh.store.subscribe("follower").unwrap();
    let seen = std::thread::scope(|scope| {
        let writing = scope.spawn(|| {
            for n in 1..=EVENTS {
                append_until_acknowledged(&writer, || {
                    Append::new("s", ExpectedVersion::Any)
                        .event(NewEvent::new("E", 1, json!(n)))
                        .idempotency_key(format!("e{n}"))
                });
                written.store(n, Ordering::Relaxed);
                if n % 10 == 0 {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            finished.store(true, Ordering::Relaxed);
        });
        let restarting = scope.spawn(|| {
            while written.load(Ordering::Relaxed) < EVENTS / 3 {
                std::thread::sleep(Duration::from_millis(2));
            }
            restart_server(&restart);
        });
        let mut seen = Vec::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        while (seen.len() as u64) < EVENTS {
            assert!(
                Instant::now() < deadline,
                "the subscription stopped at {}",
                seen.len()
            );
            match subscription.next_page(Duration::from_secs(10)) {
                Ok(page) => seen.extend(page.iter().map(|e| e.payload.as_u64().unwrap())),
                // The server is down for longer than the wait: keep waiting.
                Err(EventStoreError::Postgres(_)) => {}
                Err(other) => panic!("{other}"),
            }
        }
        writing.join().unwrap();
        restarting.join().unwrap();
        seen
    });
    assert!(finished.load(Ordering::Relaxed));
    assert_eq!(
        seen,
        (1..=EVENTS).collect::<Vec<_>>(),
        "every event once, in order"
    );
    assert!(
        subscription.reconnects() >= 1,
        "the restart cut the listening connection"
    );
    assert!(
        subscription
            .next_page(Duration::from_millis(50))
            .unwrap()
            .is_empty()
    );
}
