//! Typed events ([`DomainEvent`]) and their evolution: a [`Schema`] knows every event type's
//! current version and the upcasters that bring older versions forward, and proves that every
//! stored `(type, version)` pair can still be read.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::EventStoreError;
use crate::event::RecordedEvent;
use crate::store::{EventStore, Events};

/// A typed event enum. Each variant is one event type; its name is the type name stored with
/// the event, and its data is the payload.
///
/// Derive `Serialize`/`Deserialize` (externally tagged, serde's default) and list every
/// variant's serialised name with its current schema version in [`TYPES`](DomainEvent::TYPES);
/// encoding and decoding are provided.
///
/// ```
/// use reactive_sourcing::DomainEvent;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// enum AccountEvent {
///     Opened { owner: String },
///     Deposited { amount: i64 },
///     Closed,
/// }
///
/// impl DomainEvent for AccountEvent {
///     const TYPES: &'static [(&'static str, u32)] =
///         &[("Opened", 1), ("Deposited", 2), ("Closed", 1)];
/// }
///
/// let (event_type, version, payload) = AccountEvent::Deposited { amount: 5 }.encode()?;
/// assert_eq!((event_type.as_str(), version), ("Deposited", 2));
/// assert_eq!(payload, serde_json::json!({ "amount": 5 }));
/// assert_eq!(AccountEvent::decode("Closed", serde_json::Value::Null)?, AccountEvent::Closed);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait DomainEvent: Serialize + DeserializeOwned {
    /// Every variant's serialised name and its current schema version.
    const TYPES: &'static [(&'static str, u32)];

    /// The current schema version of `event_type`, if it is one of this enum's.
    ///
    /// ```
    /// # use reactive_sourcing::DomainEvent;
    /// # #[derive(serde::Serialize, serde::Deserialize)] enum E { A }
    /// # impl DomainEvent for E { const TYPES: &'static [(&'static str, u32)] = &[("A", 3)]; }
    /// assert_eq!(E::current_version("A"), Some(3));
    /// assert_eq!(E::current_version("B"), None);
    /// ```
    fn current_version(event_type: &str) -> Option<u32> {
        Self::TYPES
            .iter()
            .find(|(name, _)| *name == event_type)
            .map(|&(_, version)| version)
    }

    /// Splits the event into its type name, current schema version and payload.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::Encode`] if the value does not serialise as an enum variant,
    /// [`EventStoreError::UnknownEventType`] if the variant is not listed in `TYPES`.
    ///
    /// ```
    /// # use reactive_sourcing::DomainEvent;
    /// # #[derive(serde::Serialize, serde::Deserialize)] enum E { A(u8) }
    /// # impl DomainEvent for E { const TYPES: &'static [(&'static str, u32)] = &[("A", 1)]; }
    /// assert_eq!(E::A(4).encode()?, ("A".to_owned(), 1, 4.into()));
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    fn encode(&self) -> Result<(String, u32, Value), EventStoreError> {
        let what = || format!("an event of `{}`", std::any::type_name::<Self>());
        let value = serde_json::to_value(self).map_err(|error| EventStoreError::Encode {
            what: what(),
            reason: error.to_string(),
        })?;
        let (event_type, payload) = match value {
            Value::String(name) => (name, Value::Null),
            Value::Object(map) if map.len() == 1 => match map.into_iter().next() {
                Some(pair) => pair,
                None => unreachable_pair(),
            },
            _ => {
                return Err(EventStoreError::Encode {
                    what: what(),
                    reason: "it does not serialise as an externally tagged enum variant".into(),
                });
            }
        };
        match Self::current_version(&event_type) {
            Some(version) => Ok((event_type, version, payload)),
            None => Err(EventStoreError::UnknownEventType {
                stream: String::new(),
                sequence: 0,
                event_type,
            }),
        }
    }

    /// Rebuilds a variant from its type name and a payload at the current version.
    ///
    /// # Errors
    ///
    /// The deserialiser's error if the payload does not fit the variant.
    ///
    /// ```
    /// # use reactive_sourcing::DomainEvent;
    /// # #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)] enum E { A(u8) }
    /// # impl DomainEvent for E { const TYPES: &'static [(&'static str, u32)] = &[("A", 1)]; }
    /// assert_eq!(E::decode("A", 4.into())?, E::A(4));
    /// assert!(E::decode("A", "four".into()).is_err());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    fn decode(event_type: &str, payload: Value) -> Result<Self, serde_json::Error> {
        if payload.is_null() {
            // A unit variant serialises as its bare name; a variant holding `()` or `None` as
            // `{name: null}`.
            if let Ok(event) = serde_json::from_value(Value::String(event_type.to_owned())) {
                return Ok(event);
            }
        }
        let mut map = serde_json::Map::with_capacity(1);
        map.insert(event_type.to_owned(), payload);
        serde_json::from_value(Value::Object(map))
    }
}

/// `map.len() == 1` was checked, so the iterator yields a pair; this keeps the code total.
#[cold]
fn unreachable_pair() -> (String, Value) {
    (String::new(), Value::Null)
}

/// Brings a payload from one schema version to the next.
pub type Upcaster = Box<dyn Fn(Value) -> Result<Value, String> + Send + Sync>;

/// Decodes a payload (at the current version) as a registered enum, to prove it readable.
type TrialDecode = fn(&str, Value) -> Result<(), String>;

/// The event types the current code reads, their current versions and the upcasters that bring
/// old versions forward.
///
/// Upcasters run on read, chained (`v1 → v2 → v3`): stored events are never rewritten. An
/// event no chain brings to the current version, or of an unknown type, is a typed error
/// naming it, never a panic or a skip.
///
/// ```
/// use reactive_sourcing::{Append, DomainEvent, EventStore, ExpectedVersion, MemoryStore, NewEvent, Schema};
/// use serde::{Deserialize, Serialize};
/// use serde_json::json;
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize)]
/// enum Event { Deposited { cents: i64 } }
/// impl DomainEvent for Event {
///     const TYPES: &'static [(&'static str, u32)] = &[("Deposited", 2)];
/// }
///
/// let mut schema = Schema::new();
/// schema.register::<Event>()?;
/// // Version 1 stored whole units in `amount`; version 2 stores cents.
/// schema.upcaster("Deposited", 1, |mut payload| {
///     let amount = payload["amount"].as_i64().ok_or("amount is not an integer")?;
///     payload = json!({ "cents": amount * 100 });
///     Ok(payload)
/// })?;
///
/// let store = MemoryStore::new();
/// store.append(Append::new("acc", ExpectedVersion::Any)
///     .event(NewEvent::new("Deposited", 1, json!({ "amount": 3 }))))?;
/// let stored = store.read_all(1, 1)?.remove(0);
/// assert_eq!(schema.decode::<Event>(&stored)?, Event::Deposited { cents: 300 });
/// assert!(schema.check(&store)?.is_empty()); // every stored (type, version) is readable
/// # Ok::<(), reactive_sourcing::EventStoreError>(())
/// ```
#[derive(Default)]
pub struct Schema {
    current: BTreeMap<String, u32>,
    trial_decoders: HashMap<String, TrialDecode>,
    upcasters: HashMap<(String, u32), Upcaster>,
}

impl fmt::Debug for Schema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut upcasters: Vec<_> = self.upcasters.keys().collect();
        upcasters.sort();
        f.debug_struct("Schema")
            .field("current", &self.current)
            .field("upcasters", &upcasters)
            .finish()
    }
}

/// A stored `(type, version)` pair the current code cannot read, and why.
///
/// ```
/// use reactive_sourcing::{Schema, Unreadable};
/// let problems = Schema::new().check_pairs([("Lost".to_owned(), 1)]);
/// assert_eq!(problems[0].event_type, "Lost");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The event type.
    pub event_type: String,
    /// The stored schema version.
    pub version: u32,
    /// Why it cannot be read.
    pub problem: String,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` version {}: {}",
            self.event_type, self.version, self.problem
        )
    }
}

fn decode_as<E: DomainEvent>(event_type: &str, payload: Value) -> Result<(), String> {
    E::decode(event_type, payload)
        .map(drop)
        .map_err(|error| error.to_string())
}

impl Schema {
    /// A schema that knows no event types.
    ///
    /// ```
    /// assert_eq!(reactive_sourcing::Schema::new().current_version("X"), None);
    /// ```
    pub fn new() -> Self {
        Schema::default()
    }

    /// Registers every event type of `E` at its current version.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::InvalidInput`] if a type is already registered at another version (two
    /// enums disagreeing about one type).
    ///
    /// ```
    /// # use reactive_sourcing::{DomainEvent, Schema};
    /// # #[derive(serde::Serialize, serde::Deserialize)] enum E { A }
    /// # impl DomainEvent for E { const TYPES: &'static [(&'static str, u32)] = &[("A", 2)]; }
    /// let mut schema = Schema::new();
    /// schema.register::<E>()?;
    /// assert_eq!(schema.current_version("A"), Some(2));
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn register<E: DomainEvent>(&mut self) -> Result<&mut Self, EventStoreError> {
        for &(name, version) in E::TYPES {
            match self.current.get(name) {
                Some(&known) if known != version => {
                    return Err(EventStoreError::InvalidInput {
                        reason: format!(
                            "event type `{name}` is registered at version {known} and again at \
                             version {version}"
                        ),
                    });
                }
                _ => {
                    self.current.insert(name.to_owned(), version);
                    self.trial_decoders
                        .insert(name.to_owned(), decode_as::<E> as TrialDecode);
                }
            }
        }
        Ok(self)
    }

    /// Registers the upcaster from `from_version` to `from_version + 1` of `event_type`.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::InvalidInput`] if one is already registered for that step.
    ///
    /// ```
    /// let mut schema = reactive_sourcing::Schema::new();
    /// schema.upcaster("Renamed", 1, |payload| Ok(payload))?;
    /// assert!(schema.upcaster("Renamed", 1, |payload| Ok(payload)).is_err());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn upcaster(
        &mut self,
        event_type: &str,
        from_version: u32,
        upcast: impl Fn(Value) -> Result<Value, String> + Send + Sync + 'static,
    ) -> Result<&mut Self, EventStoreError> {
        let key = (event_type.to_owned(), from_version);
        if self.upcasters.contains_key(&key) {
            return Err(EventStoreError::InvalidInput {
                reason: format!(
                    "an upcaster for `{event_type}` version {from_version} is already registered"
                ),
            });
        }
        self.upcasters.insert(key, Box::new(upcast));
        Ok(self)
    }

    /// The version the current code reads `event_type` at.
    ///
    /// ```
    /// assert_eq!(reactive_sourcing::Schema::new().current_version("A"), None);
    /// ```
    pub fn current_version(&self, event_type: &str) -> Option<u32> {
        self.current.get(event_type).copied()
    }

    /// Brings a stored event to the current version of its type, through the upcaster chain.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::UnknownEventType`], [`EventStoreError::UnsupportedVersion`] (no chain
    /// reaches the current version, or the event is newer than the code), or
    /// [`EventStoreError::Undecodable`] if an upcaster rejects the payload. Each names the stream,
    /// sequence, type and version.
    ///
    /// ```
    /// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent, Schema, EventStoreError};
    /// let store = MemoryStore::new();
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("Mystery", 1, 0.into())))?;
    /// let event = store.read_all(1, 1)?.remove(0);
    /// assert!(matches!(Schema::new().upcast(event), Err(EventStoreError::UnknownEventType { sequence: 1, .. })));
    /// # Ok::<(), EventStoreError>(())
    /// ```
    pub fn upcast(&self, event: RecordedEvent) -> Result<RecordedEvent, EventStoreError> {
        let Some(current) = self.current_version(&event.event_type) else {
            return Err(EventStoreError::UnknownEventType {
                stream: event.stream,
                sequence: event.sequence,
                event_type: event.event_type,
            });
        };
        self.upcast_to(event, current)
    }

    /// Brings `event` to version `current` of its type through the upcaster chain.
    fn upcast_to(
        &self,
        mut event: RecordedEvent,
        current: u32,
    ) -> Result<RecordedEvent, EventStoreError> {
        while event.schema_version < current {
            let key = (event.event_type.clone(), event.schema_version);
            let Some(upcast) = self.upcasters.get(&key) else {
                break;
            };
            let payload = std::mem::take(&mut event.payload);
            event.payload = upcast(payload).map_err(|reason| EventStoreError::Undecodable {
                stream: event.stream.clone(),
                sequence: event.sequence,
                event_type: event.event_type.clone(),
                version: event.schema_version,
                reason: format!("upcaster rejected the payload: {reason}"),
            })?;
            event.schema_version += 1;
        }
        if event.schema_version != current {
            return Err(EventStoreError::UnsupportedVersion {
                stream: event.stream,
                sequence: event.sequence,
                event_type: event.event_type,
                version: event.schema_version,
                current,
            });
        }
        Ok(event)
    }

    /// Upcasts a stored event to the version `E` reads (from [`DomainEvent::TYPES`]; the type
    /// need not be registered) and decodes it as `E`.
    ///
    /// # Errors
    ///
    /// [`EventStoreError::UnknownEventType`] if `E` has no variant of that type,
    /// [`EventStoreError::UnsupportedVersion`] if no upcaster chain reaches `E`'s version, and
    /// [`EventStoreError::Undecodable`] if an upcaster or the decoder rejects the payload.
    ///
    /// ```
    /// use reactive_sourcing::{Append, DomainEvent, EventStore, ExpectedVersion, MemoryStore, NewEvent, Schema, EventStoreError};
    /// # #[derive(Debug, serde::Serialize, serde::Deserialize)] enum E { A(u8) }
    /// # impl DomainEvent for E { const TYPES: &'static [(&'static str, u32)] = &[("A", 1)]; }
    /// let mut schema = Schema::new();
    /// schema.register::<E>()?;
    /// let store = MemoryStore::new();
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("A", 1, "x".into())))?;
    /// let event = store.read_all(1, 1)?.remove(0);
    /// assert!(matches!(schema.decode::<E>(&event), Err(EventStoreError::Undecodable { sequence: 1, .. })));
    /// # Ok::<(), EventStoreError>(())
    /// ```
    pub fn decode<E: DomainEvent>(&self, event: &RecordedEvent) -> Result<E, EventStoreError> {
        let Some(current) = E::current_version(&event.event_type) else {
            return Err(EventStoreError::UnknownEventType {
                stream: event.stream.clone(),
                sequence: event.sequence,
                event_type: event.event_type.clone(),
            });
        };
        let event = self.upcast_to(event.clone(), current)?;
        E::decode(&event.event_type, event.payload).map_err(|error| EventStoreError::Undecodable {
            stream: event.stream,
            sequence: event.sequence,
            event_type: event.event_type,
            version: event.schema_version,
            reason: error.to_string(),
        })
    }

    /// Which of these stored `(type, version)` pairs the current code cannot read: unknown
    /// types, versions newer than the code, and versions with a missing upcaster step.
    ///
    /// ```
    /// # use reactive_sourcing::{DomainEvent, Schema};
    /// # #[derive(serde::Serialize, serde::Deserialize)] enum E { A }
    /// # impl DomainEvent for E { const TYPES: &'static [(&'static str, u32)] = &[("A", 3)]; }
    /// let mut schema = Schema::new();
    /// schema.register::<E>()?;
    /// schema.upcaster("A", 2, |p| Ok(p))?;
    /// let problems = schema.check_pairs([("A".to_owned(), 1), ("A".to_owned(), 2), ("A".to_owned(), 3)]);
    /// assert_eq!(problems.len(), 1); // version 1 has no upcaster to 2
    /// assert_eq!(problems[0].version, 1);
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn check_pairs(&self, pairs: impl IntoIterator<Item = (String, u32)>) -> Vec<Unreadable> {
        let mut problems = Vec::new();
        for (event_type, version) in pairs {
            let problem = match self.current_version(&event_type) {
                None => Some("no registered event enum has this type".to_owned()),
                Some(current) if version > current => {
                    Some(format!("it is newer than the current version {current}"))
                }
                Some(current) => (version..current)
                    .find(|step| !self.upcasters.contains_key(&(event_type.clone(), *step)))
                    .map(|step| {
                        format!(
                            "no upcaster from version {step} to {} (current is {current})",
                            step + 1
                        )
                    }),
            };
            if let Some(problem) = problem {
                problems.push(Unreadable {
                    event_type,
                    version,
                    problem,
                });
            }
        }
        problems
    }

    /// Proves every `(type, version)` pair stored in `store` readable by the current code:
    /// returns the pairs that are not (empty when all are).
    ///
    /// # Errors
    ///
    /// The store's read error.
    ///
    /// ```
    /// use reactive_sourcing::{MemoryStore, Schema};
    /// assert!(Schema::new().check(&MemoryStore::new())?.is_empty());
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn check<S: EventStore + ?Sized>(
        &self,
        store: &S,
    ) -> Result<Vec<Unreadable>, EventStoreError> {
        Ok(self.check_pairs(store.event_types()?))
    }

    /// The thorough check: reads every live event (in pages, bounded memory), upcasts it and
    /// decodes it with its registered enum. Returns the first problem of each
    /// `(type, version)` pair, as [`check`](Schema::check) does, but also catches payloads an
    /// upcaster rejects or that no longer fit the enum.
    ///
    /// # Errors
    ///
    /// The store's read error.
    ///
    /// ```
    /// use reactive_sourcing::{Append, DomainEvent, EventStore, ExpectedVersion, MemoryStore, NewEvent, Schema};
    /// # #[derive(serde::Serialize, serde::Deserialize)] enum E { A(u8) }
    /// # impl DomainEvent for E { const TYPES: &'static [(&'static str, u32)] = &[("A", 1)]; }
    /// let mut schema = Schema::new();
    /// schema.register::<E>()?;
    /// let store = MemoryStore::new();
    /// store.append(Append::new("s", ExpectedVersion::Any).event(NewEvent::new("A", 1, 300.into())))?;
    /// let problems = schema.check_every_event(&store)?;
    /// assert_eq!(problems.len(), 1); // 300 does not fit a u8
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    pub fn check_every_event<S: EventStore + ?Sized>(
        &self,
        store: &S,
    ) -> Result<Vec<Unreadable>, EventStoreError> {
        let mut problems: BTreeMap<(String, u32), Unreadable> = BTreeMap::new();
        for event in Events::all(store, 1) {
            let event = event?;
            let key = (event.event_type.clone(), event.schema_version);
            if problems.contains_key(&key) {
                continue;
            }
            let outcome = self.upcast(event).and_then(|event| {
                let trial = self.trial_decoders.get(&event.event_type).copied();
                match trial {
                    Some(trial) => trial(&event.event_type, event.payload).map_err(|reason| {
                        EventStoreError::Undecodable {
                            stream: event.stream,
                            sequence: event.sequence,
                            event_type: event.event_type,
                            version: event.schema_version,
                            reason,
                        }
                    }),
                    None => Ok(()),
                }
            });
            if let Err(error) = outcome {
                problems.insert(
                    key.clone(),
                    Unreadable {
                        event_type: key.0,
                        version: key.1,
                        problem: error.to_string(),
                    },
                );
            }
        }
        Ok(problems.into_values().collect())
    }
}

/// Test helper: panics with a readable report unless every event type and version stored in
/// `store` can be read by `schema` (the thorough [`Schema::check_every_event`]).
///
/// Put it in a test that opens a copy of production data, or a fixture with one event of every
/// type and version ever written, so a schema change that strands old events fails CI.
///
/// # Panics
///
/// When an event cannot be read, or the store cannot be read.
///
/// ```
/// use reactive_sourcing::{assert_all_readable, MemoryStore, Schema};
/// assert_all_readable(&MemoryStore::new(), &Schema::new());
/// ```
#[track_caller]
pub fn assert_all_readable<S: EventStore + ?Sized>(store: &S, schema: &Schema) {
    match schema.check_every_event(store) {
        Ok(problems) if problems.is_empty() => {}
        Ok(problems) => {
            let report: Vec<String> = problems.iter().map(ToString::to_string).collect();
            panic!(
                "{} stored event type(s) cannot be read by the current code:\n  {}",
                problems.len(),
                report.join("\n  ")
            );
        }
        Err(error) => panic!("the store could not be read: {error}"),
    }
}
