//! Versioned snapshots: a state written with the schema version of the code that wrote it,
//! and [`Migrations`], the chain of functions that brings an older version to the current one.
//!
//! Stored form (JSON): `{"version": 3, "state": …}`. Migrations work on the JSON value of the
//! state (`serde_json::Value`), as the old Rust type no longer exists when the new code reads
//! it. A postcard snapshot is the version (a varint) followed by the state's postcard bytes;
//! postcard is not self-describing, so only a postcard snapshot of the current version can be
//! read — keep JSON for anything that must survive a schema change.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::snapshot::CodecError;

/// A state stored with its schema version.
///
/// ```
/// use reactive_state::Versioned;
/// let v = Versioned { version: 2, state: "x" };
/// assert_eq!(serde_json::to_string(&v)?, r#"{"version":2,"state":"x"}"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Versioned<S> {
    /// The schema version of the code that wrote `state`.
    pub version: u32,
    /// The state.
    pub state: S,
}

type StepFn = Box<dyn Fn(Value) -> Result<Value, String>>;

/// One migration: from a version to a later one.
struct Step {
    to: u32,
    run: StepFn,
}

/// The schema version of a state type and the migrations that bring older snapshots to it.
///
/// Each step goes from one version to a later one; reading a snapshot of version `v` runs the
/// step that starts at `v`, then the one that starts where it ended, and so on up to the
/// current version: in numeric order, whatever order the steps were declared in (version 10
/// runs after 2, never before). A snapshot newer than the code is refused with
/// [`MigrationError::FutureVersion`]: nothing is guessed.
///
/// ```
/// use reactive_state::{Migrations, MigrationError};
/// use serde::{Deserialize, Serialize};
/// use serde_json::{json, Value};
///
/// // Version 2 of a settings type; version 1 called the field `dark`, version 0 had none.
/// #[derive(Serialize, Deserialize, PartialEq, Debug)]
/// struct Settings { theme: String }
///
/// let migrations = Migrations::new(2)
///     .step(1, 2, |mut v: Value| {
///         let dark = v["dark"].take().as_bool().unwrap_or(false);
///         Ok::<_, String>(json!({ "theme": if dark { "dark" } else { "light" } }))
///     })
///     .step(0, 1, |_| Ok::<_, String>(json!({ "dark": false })));
///
/// let old = r#"{"version":1,"state":{"dark":true}}"#;
/// assert_eq!(migrations.decode_json::<Settings>(old)?, Settings { theme: "dark".into() });
///
/// let written = migrations.encode_json(&Settings { theme: "light".into() })?;
/// assert_eq!(written, r#"{"version":2,"state":{"theme":"light"}}"#);
///
/// let future = r#"{"version":3,"state":{}}"#;
/// assert!(matches!(
///     migrations.decode_json::<Settings>(future),
///     Err(MigrationError::FutureVersion { found: 3, current: 2 })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Migrations {
    current: u32,
    steps: BTreeMap<u32, Step>,
}

impl Migrations {
    /// No migrations yet; states are written at version `current`.
    ///
    /// ```
    /// use reactive_state::Migrations;
    /// assert_eq!(Migrations::new(4).current(), 4);
    /// ```
    pub fn new(current: u32) -> Migrations {
        Migrations {
            current,
            steps: BTreeMap::new(),
        }
    }

    /// Adds the step from version `from` to version `to`.
    ///
    /// # Panics
    /// When `to` is not after `from`, `to` is after the current version, or a step from `from`
    /// was already declared: these are mistakes in the code, not in the data.
    ///
    /// ```
    /// use reactive_state::Migrations;
    /// let m = Migrations::new(1).step(0, 1, Ok::<_, String>);
    /// assert_eq!(m.steps(), [(0, 1)]);
    /// ```
    #[track_caller]
    pub fn step<E: fmt::Display>(
        mut self,
        from: u32,
        to: u32,
        migrate: impl Fn(Value) -> Result<Value, E> + 'static,
    ) -> Migrations {
        assert!(from < to, "a migration goes forward: {from} -> {to}");
        assert!(
            to <= self.current,
            "a migration to version {to} is past the current version {}",
            self.current
        );
        let run: StepFn = Box::new(move |v| migrate(v).map_err(|e| e.to_string()));
        let previous = self.steps.insert(from, Step { to, run });
        assert!(previous.is_none(), "two migrations start at version {from}");
        self
    }

    /// The version states are written at.
    ///
    /// ```
    /// use reactive_state::Migrations;
    /// assert_eq!(Migrations::new(0).current(), 0);
    /// ```
    pub fn current(&self) -> u32 {
        self.current
    }

    /// The declared steps as `(from, to)`, in numeric order.
    ///
    /// ```
    /// use reactive_state::Migrations;
    /// let m = Migrations::new(10)
    ///     .step(2, 10, Ok::<_, String>)
    ///     .step(0, 2, Ok::<_, String>);
    /// assert_eq!(m.steps(), [(0, 2), (2, 10)]);
    /// ```
    pub fn steps(&self) -> Vec<(u32, u32)> {
        self.steps.iter().map(|(from, s)| (*from, s.to)).collect()
    }

    /// Brings `state`, written at `version`, to the current version.
    ///
    /// # Errors
    /// [`MigrationError::FutureVersion`], [`MigrationError::NoMigration`] when no step starts
    /// at a version on the way, [`MigrationError::Failed`] when a step returns an error.
    ///
    /// ```
    /// use reactive_state::Migrations;
    /// use serde_json::json;
    /// let m = Migrations::new(1).step(0, 1, |v| Ok::<_, String>(json!([v])));
    /// assert_eq!(m.migrate(0, json!(5))?, json!([5]));
    /// assert_eq!(m.migrate(1, json!(5))?, json!(5));
    /// # Ok::<(), reactive_state::MigrationError>(())
    /// ```
    pub fn migrate(&self, version: u32, mut state: Value) -> Result<Value, MigrationError> {
        if version > self.current {
            return Err(MigrationError::FutureVersion {
                found: version,
                current: self.current,
            });
        }
        let mut at = version;
        while at < self.current {
            let step = self.steps.get(&at).ok_or(MigrationError::NoMigration {
                from: at,
                current: self.current,
            })?;
            state = (step.run)(state).map_err(|message| MigrationError::Failed {
                from: at,
                to: step.to,
                message,
            })?;
            at = step.to;
        }
        Ok(state)
    }

    /// The state with the current version, as a JSON value (to embed in a larger document).
    ///
    /// # Errors
    /// [`CodecError::Json`] when the state cannot be written as JSON.
    ///
    /// ```
    /// use reactive_state::Migrations;
    /// assert_eq!(Migrations::new(3).to_value(&true)?, serde_json::json!({"version": 3, "state": true}));
    /// # Ok::<(), reactive_state::CodecError>(())
    /// ```
    pub fn to_value<S: Serialize>(&self, state: &S) -> Result<Value, CodecError> {
        let state = serde_json::to_value(state).map_err(|e| CodecError::Json(e.to_string()))?;
        Ok(serde_json::json!({ "version": self.current, "state": state }))
    }

    /// Reads a versioned JSON value, migrating it if it is older.
    ///
    /// # Errors
    /// See [`decode_json`](Migrations::decode_json).
    ///
    /// ```
    /// use reactive_state::Migrations;
    /// let m = Migrations::new(0);
    /// assert_eq!(m.from_value::<u8>(serde_json::json!({"version": 0, "state": 7}))?, 7);
    /// # Ok::<(), reactive_state::MigrationError>(())
    /// ```
    pub fn from_value<S: DeserializeOwned>(&self, value: Value) -> Result<S, MigrationError> {
        let stored: Versioned<Value> = serde_json::from_value(value)
            .map_err(|e| MigrationError::Codec(CodecError::Json(e.to_string())))?;
        let state = self.migrate(stored.version, stored.state)?;
        serde_json::from_value(state).map_err(|e| MigrationError::Decode {
            version: self.current,
            message: e.to_string(),
        })
    }

    /// Writes `{"version": current, "state": …}`.
    ///
    /// # Errors
    /// [`CodecError::Json`] when the state cannot be written as JSON.
    ///
    /// ```
    /// use reactive_state::Migrations;
    /// assert_eq!(Migrations::new(1).encode_json(&[1, 2])?, r#"{"version":1,"state":[1,2]}"#);
    /// # Ok::<(), reactive_state::CodecError>(())
    /// ```
    pub fn encode_json<S: Serialize>(&self, state: &S) -> Result<String, CodecError> {
        serde_json::to_string(&Versioned {
            version: self.current,
            state,
        })
        .map_err(|e| CodecError::Json(e.to_string()))
    }

    /// Reads a versioned JSON snapshot, migrating it if it is older.
    ///
    /// # Errors
    /// [`MigrationError::Codec`] for text that is not a versioned snapshot;
    /// [`MigrationError::FutureVersion`], [`MigrationError::NoMigration`],
    /// [`MigrationError::Failed`]; [`MigrationError::Decode`] when the migrated state does not
    /// fit the type.
    ///
    /// ```
    /// use reactive_state::{Migrations, MigrationError};
    /// let m = Migrations::new(1);
    /// assert!(matches!(m.decode_json::<u8>(r#"{"version":0,"state":1}"#), Err(MigrationError::NoMigration { from: 0, current: 1 })));
    /// assert!(matches!(m.decode_json::<u8>("7"), Err(MigrationError::Codec(_))));
    /// ```
    pub fn decode_json<S: DeserializeOwned>(&self, json: &str) -> Result<S, MigrationError> {
        let value: Value = serde_json::from_str(json)
            .map_err(|e| MigrationError::Codec(CodecError::Json(e.to_string())))?;
        self.from_value(value)
    }

    /// Writes the current version (a varint) followed by the state in `postcard`.
    ///
    /// # Errors
    /// [`CodecError::Postcard`] when the state cannot be encoded.
    ///
    /// ```
    /// use reactive_state::Migrations;
    /// assert_eq!(Migrations::new(2).encode_postcard(&300u32)?, [2, 0xac, 0x02]);
    /// # Ok::<(), reactive_state::CodecError>(())
    /// ```
    pub fn encode_postcard<S: Serialize>(&self, state: &S) -> Result<Vec<u8>, CodecError> {
        postcard::to_allocvec(&Versioned {
            version: self.current,
            state,
        })
        .map_err(|e| CodecError::Postcard(e.to_string()))
    }

    /// Reads a postcard snapshot of the current version.
    ///
    /// # Errors
    /// [`MigrationError::FutureVersion`] for a newer one;
    /// [`MigrationError::NotSelfDescribing`] for an older one (postcard cannot be migrated
    /// without the old type: keep JSON for data that must outlive a schema change);
    /// [`MigrationError::Codec`] for bytes that do not decode, or trailing bytes.
    ///
    /// ```
    /// use reactive_state::{Migrations, MigrationError};
    /// let m = Migrations::new(2);
    /// assert_eq!(m.decode_postcard::<u32>(&[2, 0xac, 0x02])?, 300);
    /// assert!(matches!(m.decode_postcard::<u32>(&[1, 7]), Err(MigrationError::NotSelfDescribing { found: 1, .. })));
    /// # Ok::<(), MigrationError>(())
    /// ```
    pub fn decode_postcard<S: DeserializeOwned>(&self, bytes: &[u8]) -> Result<S, MigrationError> {
        let codec = |e: String| MigrationError::Codec(CodecError::Postcard(e));
        let (version, rest) =
            postcard::take_from_bytes::<u32>(bytes).map_err(|e| codec(e.to_string()))?;
        if version > self.current {
            return Err(MigrationError::FutureVersion {
                found: version,
                current: self.current,
            });
        }
        if version < self.current {
            return Err(MigrationError::NotSelfDescribing {
                found: version,
                current: self.current,
            });
        }
        match postcard::take_from_bytes(rest) {
            Ok((state, [])) => Ok(state),
            Ok((_, left)) => Err(codec(format!(
                "{} bytes left over after the value",
                left.len()
            ))),
            Err(e) => Err(codec(e.to_string())),
        }
    }
}

impl fmt::Debug for Migrations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Migrations")
            .field("current", &self.current)
            .field("steps", &self.steps())
            .finish()
    }
}

/// A versioned snapshot that could not be brought to the current version.
///
/// ```
/// use reactive_state::{MigrationError, Migrations};
/// let err = Migrations::new(1).decode_json::<u8>(r#"{"version":5,"state":0}"#).unwrap_err();
/// assert_eq!(err.to_string(), "the snapshot has schema version 5, newer than this code's 1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MigrationError {
    /// Written by newer code: refused rather than misread.
    #[error("the snapshot has schema version {found}, newer than this code's {current}")]
    FutureVersion {
        /// The snapshot's version.
        found: u32,
        /// The code's version.
        current: u32,
    },
    /// No migration starts at a version on the way to the current one.
    #[error("no migration from schema version {from} (the current version is {current})")]
    NoMigration {
        /// The version no step starts at.
        from: u32,
        /// The code's version.
        current: u32,
    },
    /// A migration step returned an error.
    #[error("the migration from version {from} to {to} failed: {message}")]
    Failed {
        /// Its start.
        from: u32,
        /// Its end.
        to: u32,
        /// The step's error.
        message: String,
    },
    /// An older postcard snapshot: postcard data cannot be migrated without the old type.
    #[error(
        "a postcard snapshot of schema version {found} cannot be migrated to {current}: postcard is not self-describing; store JSON to migrate"
    )]
    NotSelfDescribing {
        /// The snapshot's version.
        found: u32,
        /// The code's version.
        current: u32,
    },
    /// The input is not a versioned snapshot.
    #[error("not a versioned snapshot: {0}")]
    Codec(CodecError),
    /// The (migrated) state does not fit the type.
    #[error("the state does not fit the type of schema version {version}: {message}")]
    Decode {
        /// The version it was read as.
        version: u32,
        /// The deserialiser's message.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Thirteen versions, 0 to 12, declared in a shuffled order; each step appends its start
    /// version to a list in the state, so the list is the order they ran in.
    fn chain(ran: Rc<RefCell<Vec<u32>>>) -> Migrations {
        let mut m = Migrations::new(12);
        for from in [10u32, 2, 11, 0, 7, 1, 5, 3, 9, 4, 8, 6] {
            let ran = ran.clone();
            m = m.step(from, from + 1, move |mut v: Value| {
                ran.borrow_mut().push(from);
                v["trail"]
                    .as_array_mut()
                    .ok_or("no trail")?
                    .push(json!(from));
                Ok::<_, String>(v)
            });
        }
        m
    }

    #[test]
    fn migrations_from_0_to_12_run_in_numeric_order() {
        let ran = Rc::default();
        let m = chain(Rc::clone(&ran));
        let state: Value = m
            .decode_json(r#"{"version":0,"state":{"trail":[]}}"#)
            .unwrap();
        let expected: Vec<u32> = (0..12).collect();
        assert_eq!(*ran.borrow(), expected);
        assert_eq!(state["trail"], json!(expected));
    }

    #[test]
    fn a_snapshot_in_the_middle_runs_only_the_later_steps() {
        let ran = Rc::default();
        let m = chain(Rc::clone(&ran));
        let _: Value = m
            .decode_json(r#"{"version":9,"state":{"trail":[]}}"#)
            .unwrap();
        assert_eq!(*ran.borrow(), [9, 10, 11]);
    }

    #[test]
    fn a_snapshot_from_the_future_is_refused_and_no_step_runs() {
        let ran = Rc::default();
        let m = chain(Rc::clone(&ran));
        let err = m
            .decode_json::<Value>(r#"{"version":13,"state":{"trail":[]}}"#)
            .unwrap_err();
        assert_eq!(
            err,
            MigrationError::FutureVersion {
                found: 13,
                current: 12
            }
        );
        assert!(ran.borrow().is_empty());
    }

    #[test]
    fn a_failing_step_names_its_versions() {
        let m = Migrations::new(2)
            .step(0, 1, Ok::<_, String>)
            .step(1, 2, |_| Err("bad data"));
        let err = m.migrate(0, json!(null)).unwrap_err();
        assert_eq!(
            err,
            MigrationError::Failed {
                from: 1,
                to: 2,
                message: "bad data".into()
            }
        );
    }

    #[test]
    #[should_panic(expected = "two migrations start at version 1")]
    fn two_steps_from_one_version_are_a_programming_error() {
        let _ = Migrations::new(3)
            .step(1, 2, Ok::<_, String>)
            .step(1, 3, Ok::<_, String>);
    }

    #[test]
    fn postcard_round_trips_at_the_current_version_and_rejects_trailing_bytes() {
        let m = Migrations::new(7);
        let mut bytes = m.encode_postcard(&("a".to_string(), 5u8)).unwrap();
        assert_eq!(
            m.decode_postcard::<(String, u8)>(&bytes).unwrap(),
            ("a".into(), 5)
        );
        bytes.push(0);
        assert!(matches!(
            m.decode_postcard::<(String, u8)>(&bytes),
            Err(MigrationError::Codec(CodecError::Postcard(_)))
        ));
    }
}
