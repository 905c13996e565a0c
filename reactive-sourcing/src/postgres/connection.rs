//! The store's connection: the client, the statements prepared on it, and the append
//! transaction opened together with its advisory lock.
//!
//! Round trips are what an append costs beyond the commit's flush, so each statement is parsed
//! and planned once per connection (a statement given as text would be prepared again on every
//! call: one more round trip each), and the append transaction's `BEGIN` travels with the lock
//! it takes.

use std::collections::HashMap;

use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Row, Statement, Transaction};

use crate::error::EventStoreError;

/// A connection in the store's schema, with the statements prepared on it.
pub(super) struct Connection {
    client: Client,
    /// Statements prepared on `client`, by their text. Prepared statements belong to the
    /// connection: a new connection starts with none.
    statements: HashMap<&'static str, Statement>,
}

impl Connection {
    /// `client`, with the search path set to `schema` (which passed `check_schema_name`, so
    /// it needs no escaping).
    pub(super) fn new(mut client: Client, schema: &str) -> Result<Self, EventStoreError> {
        client.batch_execute(&format!("SET search_path TO \"{schema}\""))?;
        Ok(Connection {
            client,
            statements: HashMap::new(),
        })
    }

    /// Whether the server closed the connection.
    pub(super) fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    /// `sql`, prepared on this connection the first time it is asked for.
    fn statement(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    /// Runs the prepared `sql` and returns its rows.
    pub(super) fn query(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query(&statement, params)
    }

    /// Runs the prepared `sql`, which returns exactly one row.
    pub(super) fn query_one(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query_one(&statement, params)
    }

    /// Runs the prepared `sql`, which returns at most one row.
    pub(super) fn query_opt(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Option<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query_opt(&statement, params)
    }

    /// Runs the prepared `sql` and returns how many rows it changed.
    pub(super) fn execute(
        &mut self,
        sql: &'static str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<u64, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.execute(&statement, params)
    }

    /// A plain transaction (for the rare writes other than appends).
    pub(super) fn transaction(&mut self) -> Result<Transaction<'_>, postgres::Error> {
        self.client.transaction()
    }

    /// Begins a transaction and takes the transaction-level advisory lock `lock_key` in it, in
    /// one round trip. The lock is released when the transaction ends; dropping the returned
    /// guard without [`LockedTransaction::commit`] rolls it back.
    ///
    /// The lock must be taken by a statement of its own, before anything the transaction
    /// reads: a statement's snapshot is taken when it starts, so a read in the statement that
    /// waited for the lock would not see what the lock's previous holder committed.
    pub(super) fn begin_locked(
        &mut self,
        lock_key: i64,
    ) -> Result<LockedTransaction<'_>, postgres::Error> {
        // `lock_key` is a number: formatting it into the text is safe.
        self.client
            .batch_execute(&format!("BEGIN; SELECT pg_advisory_xact_lock({lock_key})"))
            .inspect_err(|_| {
                // Failing after `BEGIN` leaves the transaction open: end it (if the
                // connection is gone this fails too, and the server rolls back).
                let _ = self.client.batch_execute("ROLLBACK");
            })?;
        Ok(LockedTransaction {
            connection: self,
            open: true,
        })
    }
}

/// An open transaction holding an advisory lock, begun by [`Connection::begin_locked`]; its
/// statements run through [`LockedTransaction::connection`]. Dropped without
/// [`commit`](LockedTransaction::commit), it rolls back.
pub(super) struct LockedTransaction<'c> {
    connection: &'c mut Connection,
    open: bool,
}

impl LockedTransaction<'_> {
    /// The connection, inside the transaction.
    pub(super) fn connection(&mut self) -> &mut Connection {
        self.connection
    }

    /// Commits (releasing the lock).
    pub(super) fn commit(mut self) -> Result<(), postgres::Error> {
        self.open = false;
        self.connection.client.batch_execute("COMMIT")
    }
}

impl Drop for LockedTransaction<'_> {
    fn drop(&mut self) {
        if self.open {
            // An error here means the connection is gone, and the server rolls back then.
            let _ = self.connection.client.batch_execute("ROLLBACK");
        }
    }
}

/// Whether `error` means the connection is gone (as opposed to a refused statement): closed,
/// an I/O error on its socket, or the server shutting it down.
pub(super) fn connection_lost(error: &postgres::Error) -> bool {
    error.is_closed()
        || std::error::Error::source(error).is_some_and(|source| source.is::<std::io::Error>())
        || matches!(
            error.code(),
            Some(&SqlState::ADMIN_SHUTDOWN | &SqlState::CRASH_SHUTDOWN)
        )
}
