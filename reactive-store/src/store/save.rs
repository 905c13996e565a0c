//! Saving a store's state as a versioned snapshot and restoring it, migrated, as a commit.

use reactive_state::{CodecError, Migrations, State};

use super::{Commit, Store, StoreError};

impl<S: State> Store<S> {
    /// The current state as a versioned JSON snapshot (`{"version": …, "state": …}`), at the
    /// current version of `migrations`.
    ///
    /// # Errors
    /// [`CodecError::Json`] when the state cannot be written as JSON.
    ///
    /// ```
    /// use reactive_store::{Migrations, Store};
    /// let store = Store::new(vec![1, 2]);
    /// assert_eq!(store.save_json(&Migrations::new(3))?, r#"{"version":3,"state":[1,2]}"#);
    /// # Ok::<(), reactive_store::CodecError>(())
    /// ```
    pub fn save_json(&self, migrations: &Migrations) -> Result<String, CodecError> {
        migrations.encode_json(&*self.snapshot_untracked())
    }

    /// Replaces the state by a versioned JSON snapshot, first brought to the current version
    /// by `migrations`. The replacement is an ordinary commit (see
    /// [`apply_snapshot`](Store::apply_snapshot)): validated, undoable, and only the parts that
    /// differ are written.
    ///
    /// # Errors
    /// [`StoreError::Migration`] when the text is not a versioned snapshot, is newer than the
    /// code, or cannot be migrated; otherwise as [`apply_snapshot`](Store::apply_snapshot).
    /// The state is unchanged on any error.
    ///
    /// ```
    /// use reactive_store::{MigrationError, Migrations, Store, StoreError};
    /// use serde_json::json;
    ///
    /// // Version 1 stored a bare number; version 2 stores a list of them.
    /// let migrations = Migrations::new(2).step(1, 2, |n| Ok::<_, String>(json!([n])));
    /// let store = Store::new(vec![0u32]);
    /// store.restore_json(r#"{"version":1,"state":7}"#, &migrations)?;
    /// assert_eq!(*store.snapshot_untracked(), [7]);
    ///
    /// let future = store.restore_json(r#"{"version":3,"state":[]}"#, &migrations);
    /// assert!(matches!(future, Err(StoreError::Migration(MigrationError::FutureVersion { .. }))));
    /// assert_eq!(*store.snapshot_untracked(), [7]);
    /// # Ok::<(), StoreError>(())
    /// ```
    pub fn restore_json(
        &self,
        json: &str,
        migrations: &Migrations,
    ) -> Result<Commit<S>, StoreError> {
        let state: S = migrations
            .decode_json(json)
            .map_err(StoreError::Migration)?;
        self.apply_snapshot(&state)
    }
}
