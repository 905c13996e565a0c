//! Finding the test server, and a fresh schema per test so tests run in parallel.

use std::sync::atomic::{AtomicU64, Ordering};

use reactive_sourcing::PostgresStore;

/// The connection string of the test server.
pub const URL_ENV: &str = "REACTIVE_POSTGRES_URL";
/// Set to 1 (as CI does) to make a missing server a failure instead of a skip.
pub const REQUIRE_ENV: &str = "REACTIVE_REQUIRE_POSTGRES";

/// The server's connection string, or `None` (after saying why the test is skipped) when
/// there is none. Panics when there is none and `REACTIVE_REQUIRE_POSTGRES=1`.
pub fn server_url(test: &str) -> Option<String> {
    match std::env::var(URL_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var(REQUIRE_ENV).as_deref() != Ok("1"),
                "{test}: {URL_ENV} is not set but {REQUIRE_ENV}=1: start a server with \
                 `eval \"$(.ci/postgres.sh start)\"` (see the README)"
            );
            eprintln!(
                "SKIPPED {test}: no PostgreSQL server ({URL_ENV} is not set; start one with \
                 `eval \"$(.ci/postgres.sh start)\"`, see the README)"
            );
            None
        }
    }
}

/// A schema name no other test, process or earlier run uses.
pub fn unique_schema(test: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.subsec_nanos())
        .unwrap_or(0);
    let mut prefix: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    prefix.truncate(24);
    format!(
        "t_{prefix}_{}_{}_{nanos}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A store in a schema of its own, dropped (with its tables) when the test ends.
pub struct TestStore {
    pub store: PostgresStore,
    pub url: String,
}

impl TestStore {
    /// A fresh store, or `None` when the test is skipped (see [`server_url`]).
    pub fn fresh(test: &str) -> Option<TestStore> {
        let url = server_url(test)?;
        let store = PostgresStore::connect_schema(&url, &unique_schema(test))
            .expect("open a store in a fresh schema");
        Some(TestStore { store, url })
    }

    /// Another store on the same schema (another connection, as another process would have).
    pub fn reopen(&self) -> PostgresStore {
        PostgresStore::connect_schema(&self.url, self.store.schema()).expect("reopen")
    }

    /// A plain client whose `search_path` is the store's schema.
    pub fn raw_client(&self) -> postgres::Client {
        raw_client(&self.url, self.store.schema())
    }
}

/// A plain client whose `search_path` is `schema`.
pub fn raw_client(url: &str, schema: &str) -> postgres::Client {
    let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
    client
        .batch_execute(&format!("SET search_path TO \"{schema}\""))
        .expect("search_path");
    client
}

impl Drop for TestStore {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.url, postgres::NoTls) {
            // Best effort: a leftover schema in a throwaway server harms nothing.
            let _ = client.batch_execute(&format!(
                "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
                self.store.schema()
            ));
        }
    }
}
