//! # reactive-codegen
//!
//! Rust types from JSON Schema (draft 2020-12): structs, string enums and `oneOf`/`anyOf`
//! enums with `#[derive(State)]`, serde attributes, doc comments from `title`/`description`,
//! and a `validate` method per struct and union for the constraints types cannot express
//! (`minimum`, `maximum`, `minLength`, `maxLength`, `const`, `pattern`, at any depth). A keyword outside the supported list is
//! an error naming it and its schema path, never silently dropped.
//!
//! ```
//! use reactive_codegen::{generate, Options};
//! use serde_json::json;
//!
//! let schema = json!({
//!     "title": "A task",
//!     "type": "object",
//!     "properties": {
//!         "title": { "type": "string", "minLength": 1 },
//!         "priority": { "enum": ["low", "high"] }
//!     },
//!     "required": ["title"]
//! });
//! let source = generate(&schema, &Options::new("Task"))?;
//! assert!(source.contains("pub struct Task {"));
//! assert!(source.contains("pub priority: Option<TaskPriority>,"));
//! assert!(source.contains("keyword: \"minLength\""));
//! # Ok::<(), reactive_codegen::CodegenError>(())
//! ```
//!
//! ## Supported keywords
//!
//! `type` (one type, or one type and `"null"`), `properties`, `required` (others become
//! `Option`), `additionalProperties: false` (`deny_unknown_fields`), `items`, `enum` (of
//! strings), `$ref` (to `#/$defs/Name`) and `$defs`, `minimum`, `maximum`, `minLength`,
//! `maxLength`, `const` (of a string, number or boolean), `pattern` (with the `regex` crate)
//! (validators), `oneOf`/`anyOf` (tagged enums when every branch has a distinct required string
//! `const` property of one name, untagged otherwise), and the annotations `title`, `description`, `default`, `format`,
//! `examples`, `readOnly`, `writeOnly`, `deprecated`, `$schema`, `$id`, `$comment` (doc comments
//! or ignored; `format` is not checked).
//! `allOf`, `not`, `minItems`, `exclusiveMinimum` and the rest are errors
//! ([`CodegenError::Unsupported`]).
//!
//! ## Design
//!
//! A hand-written generator over `serde_json::Value` in two passes: `schema` reads the document
//! into a small type model (checking every keyword), `emit` writes source text. The derive is
//! named by path ([`Options::derive_path`]) so the output works with the `reactive` facade or
//! with `reactive-state` alone. `typify` was tried first: it drops `minimum`/`maximum` without
//! a trace in some positions, emits types `State` cannot take (`NonZeroU64`, newtypes, structs
//! without `PartialEq`), and its checks report no path (details in `ARCHITECTURE.md`).

mod docs;
mod emit;
mod from_model;
mod migration;
mod schema;

pub use docs::{
    DocCatalog, DocComputed, DocEventType, DocEvents, DocField, DocFieldKind, DocModel,
    DocStatechart, DocValidator, ModelDocs, model_docs,
};
pub use from_model::{ModelSchema, schema_of_model};
#[cfg(feature = "sqlite")]
pub use migration::dry_run_sqlite;
pub use migration::{
    DryRunEntry, DryRunOutcome, FieldChange, compare_schemas, dry_run, scaffold_migration,
    snapshots_in_dir,
};

use std::path::Path;

use serde_json::Value;

/// How to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// The Rust name of the root schema's type.
    pub root_name: String,
    /// The path of the `State` derive (`reactive::state::State` by default; with
    /// `reactive-state` and `reactive-macros` alone, `reactive_macros::State`).
    pub derive_path: String,
    /// The path of the `serde` crate in the generated code.
    pub serde_path: String,
    /// The path of the `regex` crate in the generated code, used only by the checks of
    /// `pattern` (a crate whose schemas have a `pattern` depends on `regex`).
    pub regex_path: String,
    /// Which derive `derive_path` names: `State` goes on structs and enums, `Model` on structs
    /// only (an enum is then a plain value a model's field holds).
    pub target: Target,
    /// Where the generated code finds `SchemaViolation`, the error its `validate` methods
    /// return. `None` (the default) defines it in the file, which then stands alone. `Some(path)`
    /// defines it nowhere and re-exports it from `path` (`pub use path;`), so that the files of
    /// several schemas share one type: put [`schema_violation_source`]'s text once in a module
    /// of the crate and name it here (`crate::schemas::SchemaViolation`).
    pub violation_path: Option<String>,
}

/// The definition of `SchemaViolation` that generated files contain, for a module that several
/// generated files share (see [`Options::violation_path`]).
///
/// ```
/// use reactive_codegen::{generate, schema_violation_source, Options};
/// let shared = Options { violation_path: Some("super::SchemaViolation".into()), ..Options::new("A") };
/// let source = generate(&serde_json::json!({"type": "object", "properties": {}}), &shared)?;
/// assert!(source.contains("pub use super::SchemaViolation;"));
/// assert!(!source.contains("pub struct SchemaViolation"));
/// assert!(schema_violation_source().contains("pub struct SchemaViolation {"));
/// # Ok::<(), reactive_codegen::CodegenError>(())
/// ```
pub fn schema_violation_source() -> &'static str {
    emit::VIOLATION
}

/// The derive the generated structs carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Target {
    /// `#[derive(State)]`: values for stores, diffed field by field.
    #[default]
    State,
    /// `#[derive(Model)]`: structs as per-field signals.
    Model,
}

impl Options {
    /// Defaults, with the root type named `root_name`.
    ///
    /// ```
    /// let o = reactive_codegen::Options::new("Config");
    /// assert_eq!(o.derive_path, "reactive::state::State");
    /// ```
    pub fn new(root_name: &str) -> Options {
        Options {
            root_name: root_name.into(),
            derive_path: "reactive::state::State".into(),
            serde_path: "serde".into(),
            regex_path: "regex".into(),
            target: Target::State,
            violation_path: None,
        }
    }

    /// Options for `#[derive(Model)]` structs (`reactive::model::Model`), the root named
    /// `root_name`.
    ///
    /// ```
    /// let o = reactive_codegen::Options::model("Shop");
    /// assert_eq!(o.derive_path, "reactive::model::Model");
    /// ```
    pub fn model(root_name: &str) -> Options {
        Options {
            derive_path: "reactive::model::Model".into(),
            target: Target::Model,
            ..Options::new(root_name)
        }
    }
}

/// Why a schema could not be turned into Rust.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodegenError {
    /// A keyword (or a form of one) the generator does not support.
    #[error("unsupported keyword `{keyword}` at {path}: {reason}")]
    Unsupported {
        /// The keyword.
        keyword: String,
        /// Its schema position, as a JSON Pointer fragment (`#/properties/name`).
        path: String,
        /// What is not supported about it.
        reason: String,
    },
    /// A `$ref` to a definition that does not exist.
    #[error("`$ref` to `{reference}` at {path}: no such definition")]
    UnresolvedRef {
        /// The reference.
        reference: String,
        /// Where it is.
        path: String,
    },
    /// The schema is not well formed.
    #[error("invalid schema at {path}: {message}")]
    Invalid {
        /// Where.
        path: String,
        /// What is wrong.
        message: String,
    },
}

/// Rust source for `schema`: the root type, its `$defs` and the types nested in them.
///
/// ```
/// use reactive_codegen::{generate, CodegenError, Options};
/// let err = generate(&serde_json::json!({"type": "string", "multipleOf": 2}), &Options::new("A"));
/// assert!(matches!(err, Err(CodegenError::Unsupported { keyword, path, .. }) if keyword == "multipleOf" && path == "#"));
/// ```
pub fn generate(schema: &Value, options: &Options) -> Result<String, CodegenError> {
    let items = schema::read(schema, &options.root_name)?;
    Ok(emit::file(&items, options))
}

/// Why [`generate_file`] failed.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// Reading the schema or writing the output.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        source: std::io::Error,
    },
    /// The schema is not JSON.
    #[error("{path}: not JSON: {source}")]
    Json {
        /// The file.
        path: String,
        /// The error.
        source: serde_json::Error,
    },
    /// The schema cannot be generated.
    #[error("{path}: {source}")]
    Codegen {
        /// The file.
        path: String,
        /// The error.
        source: CodegenError,
    },
}

/// For `build.rs`: generates `schema` into `out` and tells Cargo to rerun when the schema
/// changes. Include the result with `include!(concat!(env!("OUT_DIR"), "/task.rs"));`.
///
/// ```no_run
/// // build.rs
/// let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("task.rs");
/// reactive_codegen::generate_file("schemas/task.json".as_ref(), &out, &reactive_codegen::Options::new("Task")).unwrap();
/// ```
pub fn generate_file(schema: &Path, out: &Path, options: &Options) -> Result<(), BuildError> {
    let shown = schema.display().to_string();
    println!("cargo:rerun-if-changed={shown}");
    let text = std::fs::read_to_string(schema).map_err(|source| BuildError::Io {
        path: shown.clone(),
        source,
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|source| BuildError::Json {
        path: shown.clone(),
        source,
    })?;
    let source = generate(&value, options).map_err(|source| BuildError::Codegen {
        path: shown.clone(),
        source,
    })?;
    std::fs::write(out, source).map_err(|source| BuildError::Io {
        path: out.display().to_string(),
        source,
    })
}

/// The README's examples, run as doc tests so they never rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
