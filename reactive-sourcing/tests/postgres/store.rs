//! What is particular to the PostgreSQL store: migrations, the unique constraint, text it
//! cannot hold, reconnecting, and subscriptions woken by notifications.

use std::time::{Duration, Instant};

use reactive_sourcing::{
    Append, EventStore, EventStoreError, ExpectedVersion, NewEvent, PostgresStore,
};
use serde_json::json;

use super::support::{TestStore, server_url, unique_schema};

fn event(n: i64) -> NewEvent {
    NewEvent::new("Happened", 1, json!({ "n": n }))
}

fn index_exists(client: &mut postgres::Client, schema: &str, index: &str) -> bool {
    client
        .query_one(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = $1 AND indexname = $2",
            &[&schema, &index],
        )
        .expect("pg_indexes")
        .get::<_, i64>(0)
        == 1
}

#[test]
fn a_new_schema_is_created_at_the_latest_version_with_every_migration_recorded() {
    let Some(fresh) = TestStore::fresh("new_schema_latest_version") else {
        return;
    };
    assert_eq!(fresh.store.schema_version().unwrap(), 2);
    let mut client = fresh.raw_client();
    let recorded: Vec<i32> = client
        .query("SELECT version FROM schema_version ORDER BY version", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(recorded, [1, 2]);
    assert!(index_exists(
        &mut client,
        fresh.store.schema(),
        "events_by_type"
    ));
}

#[test]
fn an_older_schema_is_upgraded_on_open_and_keeps_its_events() {
    let Some(fresh) = TestStore::fresh("older_schema_upgraded") else {
        return;
    };
    fresh
        .store
        .append(Append::new("s", ExpectedVersion::NoStream).event(event(1)))
        .unwrap();
    // Take the schema back to version 1, as a store written by the first release left it.
    let mut client = fresh.raw_client();
    client
        .batch_execute("DROP INDEX events_by_type; DELETE FROM schema_version WHERE version = 2")
        .unwrap();
    assert!(!index_exists(
        &mut client,
        fresh.store.schema(),
        "events_by_type"
    ));

    let reopened = fresh.reopen();
    assert_eq!(reopened.schema_version().unwrap(), 2);
    assert!(index_exists(
        &mut client,
        fresh.store.schema(),
        "events_by_type"
    ));
    assert_eq!(
        reopened.read_stream("s", 1, 10).unwrap()[0].payload,
        json!({ "n": 1 })
    );
}

#[test]
fn a_schema_newer_than_the_code_is_refused() {
    let Some(fresh) = TestStore::fresh("newer_schema_refused") else {
        return;
    };
    fresh
        .raw_client()
        .execute(
            "INSERT INTO schema_version (version, description) VALUES (3, 'from the future')",
            &[],
        )
        .unwrap();
    let error = PostgresStore::connect_schema(&fresh.url, fresh.store.schema()).unwrap_err();
    assert!(
        matches!(&error, EventStoreError::Corrupt { reason, .. } if reason.contains("version 3")),
        "{error}"
    );
}

#[test]
fn a_schema_holding_another_applications_tables_is_refused_untouched() {
    let Some(url) = server_url("foreign_schema_refused") else {
        return;
    };
    let schema = unique_schema("foreign_schema_refused");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    client
        .batch_execute(&format!(
            "CREATE SCHEMA \"{schema}\"; CREATE TABLE \"{schema}\".orders (id int)"
        ))
        .unwrap();
    let error = PostgresStore::connect_schema(&url, &schema).unwrap_err();
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1",
            &[&schema],
        )
        .unwrap()
        .get(0);
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .unwrap();
    assert!(
        matches!(&error, EventStoreError::InvalidInput { reason } if reason.contains("orders")),
        "{error}"
    );
    assert_eq!(tables, 1, "nothing was created beside the foreign table");
}

#[test]
fn processes_opening_a_new_schema_together_all_succeed() {
    let Some(url) = server_url("opening_together") else {
        return;
    };
    let schema = unique_schema("opening_together");
    let opened: Vec<Result<PostgresStore, EventStoreError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..6)
            .map(|_| scope.spawn(|| PostgresStore::connect_schema(&url, &schema)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let recorded: i64 = client
        .query_one(
            &format!("SELECT count(*) FROM \"{schema}\".schema_version"),
            &[],
        )
        .unwrap()
        .get(0);
    let versions: Vec<u32> = opened
        .into_iter()
        .map(|store| {
            store
                .expect("every opener succeeds")
                .schema_version()
                .unwrap()
        })
        .collect();
    client
        .batch_execute(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .unwrap();
    assert_eq!(versions, [2; 6]);
    assert_eq!(recorded, 2, "each migration applied once");
}

#[test]
fn schema_names_that_are_not_plain_identifiers_are_invalid_input() {
    // Refused before any connection is made: no server needed.
    for bad in ["", "Tenant", "a;drop", "pg_temp"] {
        assert!(
            matches!(
                PostgresStore::connect_schema("host=127.0.0.1", bad),
                Err(EventStoreError::InvalidInput { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn a_malformed_connection_string_is_invalid_input() {
    assert!(matches!(
        PostgresStore::connect("postgresql://[::1"),
        Err(EventStoreError::InvalidInput { .. })
    ));
}

#[test]
fn text_with_a_nul_character_is_invalid_input_and_writes_nothing() {
    let Some(fresh) = TestStore::fresh("nul_character") else {
        return;
    };
    let store = &fresh.store;
    let bad_stream = Append::new("a\0b", ExpectedVersion::Any).event(event(1));
    let mut metadata = reactive_sourcing::Metadata::now();
    metadata.principal = Some("eve\0".into());
    let bad_principal =
        Append::new("s", ExpectedVersion::Any).event(event(1).with_metadata(metadata));
    for batch in [bad_stream, bad_principal] {
        assert!(matches!(
            store.append(batch),
            Err(EventStoreError::InvalidInput { .. })
        ));
    }
    assert_eq!(store.head().unwrap(), 0);
    // A NUL inside the payload is escaped JSON: it is stored and read back.
    store
        .append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("E", 1, json!("a\0b"))))
        .unwrap();
    assert_eq!(store.read_all(1, 1).unwrap()[0].payload, json!("a\0b"));
}

/// A writer that inserts a row by hand, without the store's lock, takes version 1 of `s`
/// and holds its transaction open. The store's append reads version 0 (the row is not
/// committed), so its own check passes; the unique constraint on `(stream, version)` makes it
/// wait for the other transaction, and once that commits, refuses it: a typed `Conflict`, and
/// no second version 1.
#[test]
fn the_unique_constraint_turns_a_writer_that_bypassed_the_lock_into_a_conflict() {
    let Some(fresh) = TestStore::fresh("unique_constraint_conflict") else {
        return;
    };
    let mut intruder = fresh.raw_client();
    let mut transaction = intruder.transaction().unwrap();
    transaction
        .execute(
            "INSERT INTO events (sequence, stream, version, event_type, schema_version, payload, \
             timestamp_ms, prev_hash, hash) VALUES (1000, 's', 1, 'Intruded', 1, '{}', 0, \
             '\\x00'::bytea, '\\x00'::bytea)",
            &[],
        )
        .unwrap();
    let mut watcher = fresh.raw_client();
    let outcome = std::thread::scope(|scope| {
        let append = scope.spawn(|| {
            fresh
                .store
                .append(Append::new("s", ExpectedVersion::NoStream).event(event(1)))
        });
        // Wait until the append is blocked on the intruder's row lock (not a timing guess:
        // the server says so), then let the intruder commit.
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let waiting: i64 = watcher
                .query_one(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' \
                     AND query LIKE '%INSERT INTO events%'",
                    &[],
                )
                .unwrap()
                .get(0);
            if waiting > 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the append never reached the insert"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        transaction.commit().unwrap();
        append.join().unwrap()
    });
    match outcome {
        Err(EventStoreError::Conflict {
            stream,
            expected,
            actual,
        }) => {
            assert_eq!(
                (stream.as_str(), expected, actual),
                ("s", ExpectedVersion::NoStream, 1)
            );
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let versions: Vec<i64> = watcher
        .query("SELECT version FROM events WHERE stream = 's'", &[])
        .unwrap()
        .iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(versions, [1], "only the intruder's version 1");
}

/// Ends the server side of every connection that last ran something naming `schema`.
fn terminate_connections_of(url: &str, schema: &str) -> i64 {
    let mut admin = postgres::Client::connect(url, postgres::NoTls).unwrap();
    admin
        .query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE pid <> pg_backend_pid() AND query LIKE '%' || $1 || '%'",
            &[&schema],
        )
        .unwrap()
        .len() as i64
}

#[test]
fn a_read_after_the_server_dropped_the_connection_is_answered_on_a_new_one() {
    let Some(fresh) = TestStore::fresh("read_after_drop") else {
        return;
    };
    fresh
        .store
        .append(Append::new("s", ExpectedVersion::Any).event(event(1)))
        .unwrap();
    let store = fresh.reopen(); // its connection last ran `SET search_path TO "<schema>"`
    assert!(terminate_connections_of(&fresh.url, store.schema()) >= 1);
    assert_eq!(store.read_all(1, 10).unwrap().len(), 1);
}

#[test]
fn an_append_cut_off_by_a_dropped_connection_is_retried_with_its_key_exactly_once() {
    let Some(fresh) = TestStore::fresh("append_after_drop") else {
        return;
    };
    let store = fresh.reopen();
    assert!(terminate_connections_of(&fresh.url, store.schema()) >= 1);
    let batch = || {
        Append::new("s", ExpectedVersion::Any)
            .event(event(1))
            .idempotency_key("deposit-1")
    };
    let appended = match store.append(batch()) {
        Ok(appended) => appended,
        Err(EventStoreError::Postgres(_)) => store.append(batch()).unwrap(),
        Err(other) => panic!("{other}"),
    };
    assert_eq!(appended.sequences, 1..2);
    assert!(store.append(batch()).unwrap().duplicate);
    assert_eq!(store.head().unwrap(), 1);
}

#[test]
fn a_subscription_is_woken_by_an_append_in_another_connection() {
    let Some(fresh) = TestStore::fresh("subscription_woken") else {
        return;
    };
    fresh
        .store
        .append(Append::new("s", ExpectedVersion::Any).event(event(1)))
        .unwrap();
    let mut subscription = fresh.store.subscribe("follower").unwrap();
    assert_eq!(subscription.next_page(Duration::ZERO).unwrap().len(), 1);
    // Caught up: a short wait with nothing appended returns nothing.
    assert!(
        subscription
            .next_page(Duration::from_millis(50))
            .unwrap()
            .is_empty()
    );

    let writer = fresh.reopen();
    let page = std::thread::scope(|scope| {
        let follower = scope.spawn(|| subscription.next_page(Duration::from_secs(60)));
        // The follower may or may not be asleep yet: either way the event reaches it (read
        // directly, or announced by the notification it listens for).
        writer
            .append(Append::new("t", ExpectedVersion::Any).event(event(2)))
            .unwrap();
        follower.join().unwrap().unwrap()
    });
    assert_eq!(page.len(), 1);
    assert_eq!(
        (page[0].sequence, page[0].payload.clone()),
        (2, json!({ "n": 2 }))
    );
    assert_eq!(subscription.position(), 3);
    subscription.checkpoint().unwrap();
    assert_eq!(fresh.store.load_checkpoint("follower").unwrap(), Some(3));
}

#[test]
fn a_subscription_whose_listening_connection_is_dropped_listens_again_and_misses_nothing() {
    let Some(fresh) = TestStore::fresh("subscription_relisten") else {
        return;
    };
    let mut subscription = fresh.store.subscribe("follower").unwrap();
    assert!(subscription.next_page(Duration::ZERO).unwrap().is_empty());
    // The listener's last statement was `LISTEN "<schema>.events"`; the store's own
    // connection is dropped too, and both are replaced.
    assert!(terminate_connections_of(&fresh.url, fresh.store.schema()) >= 1);
    // Nothing to read: it waits, finds its listening connection gone, and listens again.
    assert!(
        subscription
            .next_page(Duration::from_millis(300))
            .unwrap()
            .is_empty()
    );
    assert_eq!(subscription.reconnects(), 1, "it listened again once");
    let writer = fresh.reopen();
    for n in 1..=3 {
        writer
            .append(Append::new("s", ExpectedVersion::Any).event(event(n)))
            .unwrap();
    }
    let mut seen = Vec::new();
    while seen.len() < 3 {
        let page = subscription.next_page(Duration::from_secs(60)).unwrap();
        assert!(!page.is_empty(), "the events were appended before the wait");
        seen.extend(page.iter().map(|e| e.sequence));
    }
    assert_eq!(seen, [1, 2, 3]);
}
