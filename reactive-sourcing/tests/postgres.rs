//! The PostgreSQL event store against a real server: the conformance suite, migrations, the
//! unique constraint under a writer that bypasses the lock, LISTEN/NOTIFY subscriptions, K
//! processes appending to overlapping streams, and a differential test against the memory store.
//!
//! Needs `REACTIVE_POSTGRES_URL` (see the README: `eval "$(.ci/postgres.sh start)"`); without it
//! each test says it is skipped, unless `REACTIVE_REQUIRE_POSTGRES=1`, which makes that a
//! failure (CI sets it). Each test works in a schema of its own, so they run in parallel.
//! Server restarts are in `postgres_restart.rs`, a test binary of their own: cargo runs test
//! binaries one at a time, so a restart never cuts another test's connection.

#[macro_use]
#[path = "shared/conformance_cases.rs"]
mod conformance_cases;

#[path = "postgres/concurrency.rs"]
mod concurrency;
#[path = "postgres/conformance.rs"]
mod conformance;
#[path = "postgres/differential.rs"]
mod differential;
#[path = "postgres/store.rs"]
mod store;
#[path = "postgres/support.rs"]
mod support;
