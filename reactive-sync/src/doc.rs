//! The mapping between a state's paths and a Loro document's containers: the [`SyncSchema`]
//! that says what each path is, the value conversions, and the errors.
//!
//! The writing half (patches → Loro operations) is in `doc/write.rs`, the reading half (Loro
//! events → patches) in `doc/read.rs`.

mod read;
mod write;

use loro::{LoroDoc, LoroMap, LoroValue};
use reactive_state::{Path, PathPattern, Segment};
use serde_json::Value;

pub use read::DocChanges;
pub use write::DocWriter;
#[cfg(feature = "store")]
pub(crate) use write::ItemPositions;

/// The name of the root map that holds a bound state in its document. Everything the binding
/// writes is under `doc.get_map(ROOT_MAP)`; other root containers are left alone, so a
/// document can carry more than one bound state only under different documents.
pub const ROOT_MAP: &str = "state";

/// What a place in the state is in the Loro document.
///
/// ```
/// use reactive_sync::{FieldKind, SyncSchema};
/// use reactive_state::path;
/// use serde_json::json;
///
/// let schema = SyncSchema::new().keyed("/todos", "id").text("/todos/*/title");
/// assert_eq!(schema.kind_at(&path!(todos), &json!([])), FieldKind::KeyedList { key: "id".into() });
/// assert_eq!(schema.kind_at(&"/todos/t1/title".parse()?, &json!("milk")), FieldKind::Text);
/// assert_eq!(schema.kind_at(&path!(settings), &json!({"dark": true})), FieldKind::Map);
/// assert_eq!(schema.kind_at(&path!(tags), &json!(["a"])), FieldKind::Value);
/// # Ok::<(), reactive_state::PathError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A struct or a string-keyed map: a `LoroMap`, one entry per field, merged field by field.
    /// Any JSON object not marked otherwise.
    Map,
    /// A keyed collection (`#[state(keyed = "…")]`): a `LoroMovableList` of maps, each item
    /// found by the value of its `key` field. A move stays a move.
    KeyedList {
        /// The field of each item that holds its key.
        key: String,
    },
    /// A string edited by several people at once: a `LoroText`, merged character by
    /// character.
    Text,
    /// A number that replicas add to (votes, stock): a `LoroCounter`, whose concurrent
    /// increments all count.
    Counter,
    /// Anything else (numbers, strings, booleans, lists without keys, `null`): one value,
    /// the last writer wins.
    Value,
}

/// Which paths of a state are keyed collections, collaborative text or counters; every other
/// object is a map and every other value a last-writer-wins value.
///
/// Built by hand, with [`PathPattern`]s (`*` matches one segment, a key or an index): the
/// `State` trait knows how to diff and apply but does not describe its fields, and "this
/// string is edited together" is a decision about collaboration, not about the type.
///
/// ```
/// use reactive_sync::SyncSchema;
/// let schema = SyncSchema::new()
///     .keyed("/todos", "id")
///     .text("/todos/*/title")
///     .counter("/votes");
/// assert_eq!(schema.rules().len(), 3);
/// ```
#[derive(Clone, Debug, Default)]
pub struct SyncSchema {
    rules: Vec<(PathPattern, FieldKind)>,
}

impl SyncSchema {
    /// A schema with no marked path: objects are maps, everything else is a value.
    ///
    /// ```
    /// assert!(reactive_sync::SyncSchema::new().rules().is_empty());
    /// ```
    pub fn new() -> SyncSchema {
        SyncSchema::default()
    }

    /// Marks the lists at `pattern` as keyed collections whose items' key is the field
    /// `key_field`.
    ///
    /// # Panics
    /// If `pattern` is not a JSON Pointer (a literal in the code: a programming error).
    ///
    /// ```
    /// use reactive_sync::{FieldKind, SyncSchema};
    /// let s = SyncSchema::new().keyed("/lists/*/items", "id");
    /// assert_eq!(s.rules()[0].1, FieldKind::KeyedList { key: "id".into() });
    /// ```
    #[track_caller]
    pub fn keyed(self, pattern: &str, key_field: &str) -> SyncSchema {
        self.rule(
            pattern,
            FieldKind::KeyedList {
                key: key_field.to_owned(),
            },
        )
    }

    /// Marks the strings at `pattern` as collaborative text.
    ///
    /// # Panics
    /// If `pattern` is not a JSON Pointer.
    ///
    /// ```
    /// use reactive_sync::{FieldKind, SyncSchema};
    /// assert_eq!(SyncSchema::new().text("/title").rules()[0].1, FieldKind::Text);
    /// ```
    #[track_caller]
    pub fn text(self, pattern: &str) -> SyncSchema {
        self.rule(pattern, FieldKind::Text)
    }

    /// Marks the numbers at `pattern` as counters.
    ///
    /// # Panics
    /// If `pattern` is not a JSON Pointer.
    ///
    /// ```
    /// use reactive_sync::{FieldKind, SyncSchema};
    /// assert_eq!(SyncSchema::new().counter("/votes").rules()[0].1, FieldKind::Counter);
    /// ```
    #[track_caller]
    pub fn counter(self, pattern: &str) -> SyncSchema {
        self.rule(pattern, FieldKind::Counter)
    }

    #[track_caller]
    fn rule(mut self, pattern: &str, kind: FieldKind) -> SyncSchema {
        let parsed = PathPattern::parse(pattern).unwrap_or_else(|e| {
            panic!("SyncSchema: {pattern:?} is not a path pattern (a JSON Pointer): {e}")
        });
        self.rules.push((parsed, kind));
        self
    }

    /// The marked patterns and their kinds, in the order they were added.
    ///
    /// ```
    /// assert_eq!(reactive_sync::SyncSchema::new().text("/a").rules().len(), 1);
    /// ```
    pub fn rules(&self) -> &[(PathPattern, FieldKind)] {
        &self.rules
    }

    /// What the place `path` holding `value` is: the first marked pattern that matches, else
    /// [`FieldKind::Map`] for an object and [`FieldKind::Value`] for anything else.
    ///
    /// ```
    /// use reactive_sync::{FieldKind, SyncSchema};
    /// use reactive_state::path;
    /// let s = SyncSchema::new().counter("/votes");
    /// assert_eq!(s.kind_at(&path!(votes), &3.into()), FieldKind::Counter);
    /// assert_eq!(s.kind_at(&path!(name), &"x".into()), FieldKind::Value);
    /// ```
    pub fn kind_at(&self, path: &Path, value: &Value) -> FieldKind {
        if let Some(kind) = self.marked(path) {
            return kind.clone();
        }
        match value {
            Value::Object(_) => FieldKind::Map,
            _ => FieldKind::Value,
        }
    }

    /// The kind marked for `path`, if a rule matches.
    pub(crate) fn marked(&self, path: &Path) -> Option<&FieldKind> {
        self.rules
            .iter()
            .find(|(pattern, _)| pattern.matches(path))
            .map(|(_, kind)| kind)
    }

    /// The key field of the keyed collection at `path`, if it is one.
    pub(crate) fn key_field(&self, path: &Path) -> Option<&str> {
        match self.marked(path) {
            Some(FieldKind::KeyedList { key }) => Some(key),
            _ => None,
        }
    }
}

/// Why a document and a state could not be kept in step.
///
/// ```
/// use reactive_sync::SyncError;
/// let e = SyncError::NotAnObject;
/// assert!(e.to_string().contains("object"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    /// The bound state does not serialise to a JSON object (a struct or a map): a document's
    /// root is a map.
    #[error("the bound state must serialise to a JSON object (a struct or a map)")]
    NotAnObject,
    /// A patch's path does not exist in the document.
    #[error("no such place in the document: {path}")]
    NoSuchPath {
        /// The path, as a JSON Pointer.
        path: Path,
    },
    /// A value does not fit the place the schema gives it (text that is not a string, a keyed
    /// item without its key, a number that Loro cannot hold).
    #[error("at {path}: {reason}")]
    Mismatch {
        /// Where.
        path: Path,
        /// What did not fit.
        reason: String,
    },
    /// Loro refused an operation or an import.
    #[error("the CRDT refused: {0}")]
    Loro(#[from] loro::LoroError),
    /// The document does not decode into the bound state's type.
    #[error("the document does not decode into the state: {0}")]
    Decode(String),
    /// The store refused the change (a validator, a middleware, a patch that does not apply).
    #[error("the store refused the change: {0}")]
    Store(String),
    /// A file could not be read or written.
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    /// A persisted queue or a message could not be encoded or decoded.
    #[error("could not encode or decode: {0}")]
    Codec(String),
    /// A command could not run locally (unknown, bad arguments, refused on this state).
    #[error(transparent)]
    Command(#[from] crate::optimistic::CommandError),
}

/// The document's bound state as JSON: the root map's deep value, counters read as integers
/// when they hold one.
///
/// ```
/// use loro::LoroDoc;
/// use reactive_sync::{read_json, ROOT_MAP};
/// let doc = LoroDoc::new();
/// doc.get_map(ROOT_MAP).insert("n", 3).unwrap();
/// assert_eq!(read_json(&doc), serde_json::json!({"n": 3}));
/// ```
pub fn read_json(doc: &LoroDoc) -> Value {
    loro_to_json(&doc.get_map(ROOT_MAP).get_deep_value())
}

/// The Loro updates a replica at `version` lacks (every replica kind's `updates_since`).
///
/// # Errors
/// [`SyncError::Codec`] if Loro cannot encode them.
pub(crate) fn updates_since(
    doc: &LoroDoc,
    version: &loro::VersionVector,
) -> Result<Vec<u8>, SyncError> {
    doc.export(loro::ExportMode::updates(version))
        .map_err(|e| SyncError::Codec(e.to_string()))
}

/// The document's bound state decoded as an `S`, read as `schema` says: a keyed list whose
/// items share a key (two replicas added it concurrently) shows only the first of them, as the
/// patches of [`DocChanges`] do.
///
/// # Errors
/// [`SyncError::Decode`] when the content does not decode into `S`.
pub(crate) fn decode_state<S: serde::de::DeserializeOwned>(
    doc: &LoroDoc,
    schema: &SyncSchema,
) -> Result<S, SyncError> {
    let mut value = read_json(doc);
    drop_shadowed(&mut value, schema, &mut Path::root());
    serde_json::from_value(value).map_err(|e| SyncError::Decode(e.to_string()))
}

/// Removes from `value` (at `path`) every keyed item that an earlier item with the same key
/// shadows.
fn drop_shadowed(value: &mut Value, schema: &SyncSchema, path: &mut Path) {
    match value {
        Value::Array(items) => match schema.key_field(path) {
            Some(field) => {
                let mut seen = std::collections::HashSet::new();
                items.retain(|item| {
                    item.get(field)
                        .and_then(key_text)
                        .is_none_or(|key| seen.insert(key))
                });
                for item in items {
                    let Some(key) = item.get(field).and_then(key_text) else {
                        continue;
                    };
                    path.push(Segment::key_text(key));
                    drop_shadowed(item, schema, path);
                    path.pop();
                }
            }
            None => {
                for (index, item) in items.iter_mut().enumerate() {
                    path.push(Segment::Index(index));
                    drop_shadowed(item, schema, path);
                    path.pop();
                }
            }
        },
        Value::Object(map) => {
            for (name, field) in map {
                path.push(Segment::field(name.clone()));
                drop_shadowed(field, schema, path);
                path.pop();
            }
        }
        _ => {}
    }
}

/// A Loro value as JSON. A double that holds an integer exactly becomes an integer, so that a
/// counter (always a double in Loro) decodes into an integer field.
pub(crate) fn loro_to_json(value: &LoroValue) -> Value {
    match value {
        LoroValue::Null => Value::Null,
        LoroValue::Bool(b) => Value::Bool(*b),
        LoroValue::Double(d) => double_to_json(*d),
        LoroValue::I64(i) => Value::from(*i),
        LoroValue::Binary(bytes) => Value::from(bytes.to_vec()),
        LoroValue::String(s) => Value::String(s.to_string()),
        LoroValue::List(items) => Value::Array(items.iter().map(loro_to_json).collect()),
        LoroValue::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), loro_to_json(v)))
                .collect(),
        ),
        // Deep values resolve containers; a bare container id has no JSON form.
        LoroValue::Container(_) => Value::Null,
    }
}

/// A double as JSON: an integer when it is one (and exactly representable).
pub(crate) fn double_to_json(d: f64) -> Value {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    if d.fract() == 0.0 && d.abs() < EXACT {
        Value::from(d as i64)
    } else {
        serde_json::Number::from_f64(d).map_or(Value::Null, Value::Number)
    }
}

/// A JSON value as a Loro value (a plain value, not a container).
pub(crate) fn json_to_loro(value: &Value) -> LoroValue {
    match value {
        Value::Null => LoroValue::Null,
        Value::Bool(b) => LoroValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => LoroValue::I64(i),
            None => LoroValue::Double(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => LoroValue::from(s.as_str()),
        Value::Array(items) => LoroValue::from(items.iter().map(json_to_loro).collect::<Vec<_>>()),
        Value::Object(entries) => LoroValue::from(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), json_to_loro(v)))
                .collect::<std::collections::HashMap<_, _>>(),
        ),
    }
}

/// The text of a keyed item's key, as its path segment reads.
pub(crate) fn key_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The key segment of the item map `item` of a keyed collection with key field `key_field`.
pub(crate) fn item_key(item: &LoroMap, key_field: &str) -> Option<String> {
    match item.get(key_field)? {
        loro::ValueOrContainer::Value(v) => key_text(&loro_to_json(&v)),
        loro::ValueOrContainer::Container(c) => match c {
            loro::Container::Text(t) => Some(t.to_string()),
            _ => None,
        },
    }
}

/// A segment's text, for looking up a map key or an item key.
pub(crate) fn segment_text(segment: &Segment) -> String {
    segment.as_text().into_owned()
}
