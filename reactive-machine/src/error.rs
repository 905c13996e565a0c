//! The errors of loading a definition, starting a machine and restoring a snapshot.

use thiserror::Error;

/// A definition (XState JSON, SCXML, builder) that cannot become a chart, or a chart whose
/// named guards, actions or delays are not all supplied. `path` locates the problem in the
/// source: a JSON path such as `states.cart.on.NEXT[0].target`, or `line 12` in an SCXML file.
#[derive(Clone, PartialEq, Eq, Debug, Error)]
pub enum DefinitionError {
    /// The source is not well-formed JSON or XML.
    #[error("cannot parse the definition: {0}")]
    Syntax(String),
    /// A field has the wrong type or value.
    #[error("at {path}: {message}")]
    Invalid {
        /// Where in the definition.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A field or element the runtime does not implement (it is never skipped silently).
    #[error("at {path}: `{name}` is not supported")]
    Unsupported {
        /// Where in the definition.
        path: String,
        /// The field or element.
        name: String,
    },
    /// A transition or initial target that names no state.
    #[error("at {path}: no state `{target}`")]
    UnknownTarget {
        /// Where in the definition.
        path: String,
        /// The target as written.
        target: String,
    },
    /// Two states with one id.
    #[error("at {path}: the id `{id}` is already used")]
    DuplicateId {
        /// Where the second one is.
        path: String,
        /// The id.
        id: String,
    },
    /// A guard, action or delay referred to by name that the [`Setup`](crate::Setup) lacks.
    #[error("at {path}: no {kind} named `{name}` in the setup")]
    UnknownName {
        /// `"guard"`, `"action"` or `"delay"`.
        kind: &'static str,
        /// The name.
        name: String,
        /// The first place it is used.
        path: String,
    },
}

/// Something that went wrong while a machine ran.
#[derive(Clone, PartialEq, Eq, Debug, Error)]
pub enum RunError {
    /// A macrostep did not settle: eventless transitions or raised events kept firing.
    #[error(
        "the machine did not settle after {microsteps} microsteps (a cycle of eventless transitions or raised events)"
    )]
    Livelock {
        /// How many microsteps ran before giving up.
        microsteps: usize,
    },
    /// The machine reached a top-level final state and accepts no more events.
    #[error("the machine is done")]
    Done,
}

/// A snapshot that cannot be restored into a machine.
#[derive(Debug, Error)]
pub enum RestoreError {
    /// The snapshot could not be decoded or migrated.
    #[error(transparent)]
    Migration(#[from] reactive_state::MigrationError),
    /// The snapshot names a state the chart lacks (it was taken from another chart).
    #[error("the snapshot names the state `{0}`, which this chart does not have")]
    UnknownState(String),
    /// The snapshot's configuration is not a legal configuration of the chart.
    #[error("the snapshot's configuration is not legal for this chart: {0}")]
    IllegalConfiguration(String),
    /// The setup lacks a name the chart uses.
    #[error(transparent)]
    Start(StartError),
}

/// Why a machine could not start.
#[derive(Clone, PartialEq, Eq, Debug, Error)]
pub enum StartError {
    /// The chart uses a name the setup does not supply.
    #[error(transparent)]
    Definition(#[from] DefinitionError),
    /// The initial macrostep did not settle.
    #[error(transparent)]
    Run(#[from] RunError),
}

/// Why a step driven through a `ScopedMachine` (feature `store`) or a `MachineRecorder`
/// (feature `sourcing`) did not complete as asked.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StepError {
    /// The machine refused the event or did not settle (a recorder records the step all the
    /// same: a replay reproduces it).
    #[error(transparent)]
    Run(#[from] RunError),
    /// The event store did not take the record (the machine has made the step).
    #[cfg(feature = "sourcing")]
    #[error("recording the step failed: {0}")]
    Record(#[from] reactive_sourcing::EventStoreError),
}
