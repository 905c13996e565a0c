//! One store per log: an exclusive lock on `<log>.lock`, held for the store's lifetime.
//!
//! The lock lives on a file of its own, not on the log, because compaction replaces the log by
//! renaming a new file over it: a lock on the old file would no longer guard the new one. The
//! operating system releases the lock when the process ends, however it ends, so a lock file
//! left behind by a crash does not block the next open.
//!
//! A busy lock is retried for a short while before giving up: a child process that this
//! process is starting holds a copy of every descriptor between `fork` and `exec`, the lock's
//! too, so a store dropped and reopened while another thread spawns a process can find its own
//! lock briefly held.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::{Duration, Instant};

use super::sidecar::sibling;
use crate::error::EventStoreError;

/// How long a busy lock is retried before [`EventStoreError::Locked`].
const PATIENCE: Duration = Duration::from_millis(500);

/// The held lock; dropping it releases the lock.
#[derive(Debug)]
pub(crate) struct LogLock {
    _file: File,
}

impl LogLock {
    /// Takes the lock of the log at `log`, or fails with [`EventStoreError::Locked`] if another
    /// store (in this process or another) holds it.
    pub(crate) fn acquire(log: &Path) -> Result<Self, EventStoreError> {
        let path = sibling(log, "lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|error| EventStoreError::io(&path, error))?;
        let deadline = Instant::now() + PATIENCE;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(LogLock { _file: file }),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5));
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(EventStoreError::Locked {
                        path: log.to_owned(),
                    });
                }
                Err(TryLockError::Error(error)) => return Err(EventStoreError::io(&path, error)),
            }
        }
    }
}
