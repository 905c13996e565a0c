//! Which commands a document has run, and what they were answered: the server runs a command
//! at most once per (principal, client, id), and answers one sent again with its first answer.
//!
//! The answer is written in the same SQLite transaction as the command's update, so after a
//! crash either both are stored (a resend gets the stored answer) or neither (a resend runs it).

use rusqlite::{OptionalExtension, params};

use super::storage::{SqliteStorage, StorageError};
use crate::protocol::CommandOutcome;

/// A command's identity in the log.
pub(crate) struct CommandKey<'a> {
    pub(crate) document: &'a str,
    pub(crate) principal: &'a str,
    pub(crate) client: u64,
    pub(crate) id: u64,
}

impl SqliteStorage {
    /// The answer a command got, if it ran before.
    pub(crate) fn command_outcome(
        &self,
        key: &CommandKey<'_>,
    ) -> Result<Option<CommandOutcome>, StorageError> {
        let conn = self.conn();
        let found: Option<Option<String>> = conn
            .prepare_cached(
                "SELECT rejected FROM sync_commands
                 WHERE document = ?1 AND principal = ?2 AND client = ?3 AND id = ?4",
            )?
            .query_row(
                params![
                    key.document,
                    key.principal,
                    key.client as i64,
                    key.id as i64
                ],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.map(|rejected| match rejected {
            None => CommandOutcome::Accepted,
            Some(why) => CommandOutcome::Rejected(why),
        }))
    }

    /// Records a command's answer and, if it changed the document, its update, in one
    /// transaction; returns the update's sequence number.
    pub(crate) fn append_command(
        &self,
        key: &CommandKey<'_>,
        outcome: &CommandOutcome,
        update: Option<&[u8]>,
    ) -> Result<Option<i64>, StorageError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let seq = match update {
            Some(bytes) => {
                tx.prepare_cached("INSERT INTO sync_updates (document, bytes) VALUES (?1, ?2)")?
                    .execute(params![key.document, bytes])?;
                Some(tx.last_insert_rowid())
            }
            None => None,
        };
        let rejected = match outcome {
            CommandOutcome::Accepted => None,
            CommandOutcome::Rejected(why) => Some(why.as_str()),
        };
        tx.prepare_cached(
            "INSERT OR REPLACE INTO sync_commands (document, principal, client, id, rejected)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![
            key.document,
            key.principal,
            key.client as i64,
            key.id as i64,
            rejected
        ])?;
        tx.commit()?;
        Ok(seq)
    }

    /// How many command answers are remembered for `document`.
    pub fn command_count(&self, document: &str) -> Result<usize, StorageError> {
        let n: i64 = self.conn().query_row(
            "SELECT COUNT(*) FROM sync_commands WHERE document = ?1",
            params![document],
            |row| row.get(0),
        )?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}
