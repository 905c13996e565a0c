//! The store's tables, created and upgraded by numbered migrations recorded in a
//! `schema_version` table, and the names derived from the store's schema (advisory lock keys,
//! the notification channel).

use postgres::Client;

use crate::error::{EventStoreError, Position};

/// One step of the schema's history. Steps are applied in order, each in the transaction that
/// records it in `schema_version`, and never edited once released: a change is a new step.
struct Migration {
    version: i32,
    description: &'static str,
    sql: &'static str,
}

/// Every step, oldest first.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "the log, idempotency keys, snapshots, checkpoints, compactions",
        // `events` keeps one row per log entry for ever: compaction clears a row's payload and
        // metadata (`compacted`) but keeps its hashes, so the chain stays whole. The payload is
        // `text`, not `jsonb`: the hash covers its exact canonical bytes, which `jsonb` would
        // not keep (it reorders keys and drops duplicates).
        sql: "
CREATE TABLE events (
    sequence        bigint  PRIMARY KEY,
    stream          text    NOT NULL,
    version         bigint  NOT NULL,
    event_type      text    NOT NULL,
    schema_version  bigint  NOT NULL,
    payload         text,
    timestamp_ms    bigint  NOT NULL,
    principal       text,
    causation_id    text,
    correlation_id  text,
    idempotency_key text,
    prev_hash       bytea   NOT NULL,
    hash            bytea   NOT NULL,
    compacted       boolean NOT NULL DEFAULT false,
    CONSTRAINT events_stream_version UNIQUE (stream, version)
);
CREATE TABLE idempotency (
    key            text   PRIMARY KEY,
    stream         text   NOT NULL,
    digest         bytea  NOT NULL,
    stream_version bigint NOT NULL,
    first_sequence bigint NOT NULL,
    end_sequence   bigint NOT NULL
);
CREATE TABLE snapshots (
    stream text PRIMARY KEY,
    body   text NOT NULL
);
CREATE TABLE checkpoints (
    name     text   PRIMARY KEY,
    position bigint NOT NULL
);
CREATE TABLE compactions (
    stream          text   PRIMARY KEY,
    through_version bigint NOT NULL
);",
    },
    Migration {
        version: 2,
        description: "an index for the distinct (type, schema version) pairs of live events",
        sql: "CREATE INDEX events_by_type ON events (event_type, schema_version) \
              WHERE NOT compacted;",
    },
];

/// The schema version this code writes and reads: the last migration's.
pub(super) const LATEST: i32 = MIGRATIONS[MIGRATIONS.len() - 1].version;

/// The longest schema name accepted: PostgreSQL's identifiers hold 63 bytes, and the
/// notification channel adds a suffix of 7.
const MAX_SCHEMA_LEN: usize = 56;

/// Checks that `schema` is a plain lower-case identifier (`[a-z_][a-z0-9_]*`, at most 56
/// bytes), so it can be quoted into SQL without escaping and names the same schema wherever it
/// appears.
pub(super) fn check_schema_name(schema: &str) -> Result<(), EventStoreError> {
    let mut bytes = schema.bytes();
    let plain = matches!(bytes.next(), Some(b'a'..=b'z' | b'_'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'));
    if plain && schema.len() <= MAX_SCHEMA_LEN && !schema.starts_with("pg_") {
        Ok(())
    } else {
        Err(EventStoreError::InvalidInput {
            reason: format!(
                "`{schema}` is not a usable schema name: use lower-case letters, digits and `_`, \
                 starting with a letter or `_` (not `pg_`), at most {MAX_SCHEMA_LEN} bytes"
            ),
        })
    }
}

/// The channel appends notify and subscriptions listen on.
pub(super) fn channel(schema: &str) -> String {
    format!("{schema}.events")
}

/// A stable 64-bit key for a transaction-level advisory lock: FNV-1a of `purpose` and the
/// schema. A collision with another application's key only makes the two wait for each other.
pub(super) fn lock_key(purpose: &str, schema: &str) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in "reactive-sourcing/"
        .bytes()
        .chain(purpose.bytes())
        .chain([b'/'])
        .chain(schema.bytes())
    {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}

/// Brings `schema` to [`LATEST`]: creates it if needed, then applies the missing migrations,
/// all in one transaction under an advisory lock, so processes opening the store together
/// neither race nor see a half-made schema. Returns the version found before.
///
/// Refuses (before changing anything) a schema that already holds tables but no
/// `schema_version` (another application's), and one newer than this code.
pub(super) fn migrate(client: &mut Client, schema: &str) -> Result<i32, EventStoreError> {
    let mut transaction = client.transaction()?;
    transaction.execute(
        "SELECT pg_advisory_xact_lock($1)",
        &[&lock_key("migrate", schema)],
    )?;
    let tables: Vec<String> = transaction
        .query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1",
            &[&schema],
        )?
        .iter()
        .map(|row| row.get(0))
        .collect();
    if !tables.is_empty() && !tables.iter().any(|name| name == "schema_version") {
        return Err(EventStoreError::InvalidInput {
            reason: format!(
                "schema `{schema}` holds tables of another application ({}); give the event \
                 store a schema of its own",
                tables.join(", ")
            ),
        });
    }
    transaction.batch_execute(&format!(
        "CREATE SCHEMA IF NOT EXISTS \"{schema}\";
         SET LOCAL search_path TO \"{schema}\";
         CREATE TABLE IF NOT EXISTS schema_version (
             version     integer     PRIMARY KEY,
             description text        NOT NULL,
             applied_at  timestamptz NOT NULL DEFAULT now()
         );"
    ))?;
    let found: i32 = transaction
        .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])?
        .get(0);
    if found > LATEST {
        return Err(EventStoreError::Corrupt {
            path: None,
            position: Position::Header,
            reason: format!(
                "schema `{schema}` is at version {found}, newer than this code (version \
                 {LATEST}); upgrade the application"
            ),
        });
    }
    for migration in MIGRATIONS.iter().filter(|m| m.version > found) {
        transaction.batch_execute(migration.sql)?;
        transaction.execute(
            "INSERT INTO schema_version (version, description) VALUES ($1, $2)",
            &[&migration.version, &migration.description],
        )?;
    }
    transaction.commit()?;
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one_from_one() {
        let versions: Vec<i32> = MIGRATIONS.iter().map(|m| m.version).collect();
        assert_eq!(versions, (1..=LATEST).collect::<Vec<_>>());
    }

    #[test]
    fn schema_names_that_would_need_quoting_are_refused() {
        for good in ["reactive_sourcing", "_t1", "a"] {
            assert!(check_schema_name(good).is_ok(), "{good}");
        }
        let too_long = "a".repeat(MAX_SCHEMA_LEN + 1);
        for bad in [
            "",
            "Upper",
            "1abc",
            "a-b",
            "a\"b",
            "pg_catalog",
            too_long.as_str(),
        ] {
            assert!(
                matches!(
                    check_schema_name(bad),
                    Err(EventStoreError::InvalidInput { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn lock_keys_differ_by_purpose_and_schema_and_are_stable() {
        assert_ne!(lock_key("append", "a"), lock_key("migrate", "a"));
        assert_ne!(lock_key("append", "a"), lock_key("append", "b"));
        assert_eq!(lock_key("append", "a"), lock_key("append", "a"));
    }
}
