//! The devtools protocol: the [`Message`]s the app sends to the page and the [`Command`]s the
//! page sends back, as JSON (serde, tagged by `"type"`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The version of the message format, sent in [`Message::Hello`] and saved in exported
/// sessions. Bumped when a message changes shape.
pub const PROTOCOL_VERSION: u32 = 1;

/// A node's id on the wire: the engine's `NodeId` as an integer (stable while the node lives;
/// a freed slot is reused with another generation, so another integer).
pub type WireId = u64;

/// What the app tells the page. Every message is one JSON object with a `"type"` field
/// (`"node_created"`, `"run"`, …).
///
/// ```
/// use reactive_devtools::Message;
/// let m = Message::Written { id: 4294967297, changed: true };
/// let json = serde_json::to_string(&m).unwrap();
/// assert_eq!(json, r#"{"type":"written","id":4294967297,"changed":true}"#);
/// assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), m);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Message {
    /// First message of a stream: who is talking.
    Hello {
        /// The app's name, as given to the devtools.
        app: String,
        /// [`PROTOCOL_VERSION`].
        version: u32,
    },
    /// A node was created.
    NodeCreated {
        /// Its id.
        id: WireId,
        /// `signal`, `memo`, `effect` or `owner`.
        kind: String,
        /// Its name, if it had one when created.
        name: Option<String>,
        /// The owner that will dispose it.
        owner: Option<WireId>,
        /// `file:line:column` where it was created (debug builds).
        created_at: Option<String>,
    },
    /// A node was disposed.
    NodeDisposed {
        /// Its id.
        id: WireId,
    },
    /// A signal was written.
    Written {
        /// The signal.
        id: WireId,
        /// Whether readers were notified.
        changed: bool,
    },
    /// A memo recomputed or an effect ran.
    Run {
        /// Run number, increasing (so the page can tell which run came first).
        seq: u64,
        /// The memo or effect.
        id: WireId,
        /// Why: the sources whose change made it run (empty for a first run).
        triggered_by: Vec<WireId>,
        /// `changed`, `unchanged` or `panicked`.
        outcome: String,
        /// How long it took, nested runs included.
        duration_ns: u64,
    },
    /// An effect flush ended.
    Flush {
        /// Rounds run.
        rounds: usize,
        /// How long it took.
        duration_ns: u64,
    },
    /// The whole graph now, with each node's state and statistics (sent when it changed, at
    /// most a few times a second).
    Graph {
        /// Every live node.
        nodes: Vec<GraphNode>,
        /// Dependency edges `[source, reader]`.
        edges: Vec<[WireId; 2]>,
    },
    /// A node's value (an answer to [`Command::Inspect`], or a live update of an inspectable
    /// node that changed).
    Value {
        /// The node.
        id: WireId,
        /// Its value as `{:#?}` text; `None` if it was not registered for inspection or is
        /// gone.
        value: Option<String>,
    },
    /// A store was attached: its history so far.
    StoreAttached {
        /// The name it was attached under.
        store: String,
        /// Its history steps, oldest first.
        steps: Vec<StoreStep>,
        /// Index of the current step.
        position: usize,
    },
    /// A store committed.
    StoreCommit {
        /// The store's name.
        store: String,
        /// The commit's number in the store.
        seq: u64,
        /// Its label.
        label: String,
        /// `transaction`, `undo`, `redo`, `jump`, `apply_snapshot` or `apply_patches`.
        kind: String,
        /// The patches, as RFC 6902 JSON Patch operations.
        patches: Vec<Value>,
        /// The state after it, as JSON.
        state: Value,
        /// The history step that is current after it.
        position: usize,
        /// How many history steps there are.
        history_len: usize,
    },
    /// A scope tree now (sent when it changed).
    Scopes {
        /// The root's path.
        root: String,
        /// The scopes, parents first (see `reactive_store::Scope::to_devtools_json`), each with
        /// a `rights` object added: principal name → the actions it may take there.
        scopes: Vec<Value>,
    },
    /// A scope access was decided in an attached scope tree (who tried what where, and the
    /// rule that allowed or refused it: `reactive_store::AccessDecision`).
    AccessDecision {
        /// Who tried.
        principal: String,
        /// What (`read`, `write`, `emit`, `create_child`, `admin`).
        action: String,
        /// The scope's path.
        scope: String,
        /// The key, event topic or child name concerned, if any.
        key: Option<String>,
        /// Whether it was allowed.
        allowed: bool,
        /// The rule that decided, as text.
        rule: String,
    },
    /// An event was emitted in an attached scope tree.
    EventEmitted {
        /// Its number.
        seq: u64,
        /// Its topic.
        topic: String,
        /// The path of the scope it was emitted in.
        origin: String,
        /// The principal that emitted it.
        emitter: String,
        /// The payload's type.
        type_name: String,
        /// Whether it is a replay.
        replay: bool,
        /// The scopes it travels through: capture from the root down to `origin`, which is the
        /// last entry; it bubbles back up the same way.
        path: Vec<String>,
    },
    /// What happened to an event.
    EventDone {
        /// Its number.
        seq: u64,
        /// Handlers that ran (0 if vetoed).
        handlers: usize,
        /// The veto, `rule: reason`, if an interceptor refused it.
        vetoed: Option<String>,
    },
    /// An event was appended to an event store.
    Appended {
        /// The stream.
        stream: String,
        /// Its version in the stream.
        version: u64,
        /// The event type.
        event_type: String,
        /// The payload.
        payload: Value,
    },
    /// Events dropped because the page could not keep up (sent by the server).
    Dropped {
        /// How many since the devtools started.
        count: u64,
    },
    /// A command from the page failed.
    CommandFailed {
        /// Why.
        message: String,
    },
}

/// One node in a [`Message::Graph`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GraphNode {
    /// Its id.
    pub id: WireId,
    /// `signal`, `memo`, `effect` or `owner`.
    pub kind: String,
    /// Its name.
    pub name: Option<String>,
    /// `clean`, `check`, `dirty`, `failed` or `running`.
    pub state: String,
    /// Its owner.
    pub owner: Option<WireId>,
    /// Where it was created (debug builds).
    pub created_at: Option<String>,
    /// Runs seen since the devtools started (memos and effects).
    pub runs: u64,
    /// Duration of the last run.
    pub last_ns: u64,
    /// Total duration of the runs seen.
    pub total_ns: u64,
    /// Whether its value can be read (it was registered with `Devtools::inspect`).
    pub inspectable: bool,
}

/// One step of a store's history in [`Message::StoreAttached`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StoreStep {
    /// Its index.
    pub index: usize,
    /// Its label.
    pub label: String,
    /// The patches from the previous step.
    pub patches: Vec<Value>,
    /// The state after it.
    pub state: Value,
}

/// What the page asks of the app. Applied on the app's thread by `Devtools::pump`.
///
/// ```
/// use reactive_devtools::Command;
/// let c: Command = serde_json::from_str(r#"{"type":"jump","store":"notes","step":2}"#).unwrap();
/// assert_eq!(c, Command::Jump { store: "notes".into(), step: 2 });
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Command {
    /// Send the value of a node ([`Message::Value`]).
    Inspect {
        /// The node.
        id: WireId,
    },
    /// Time travel: make step `step` of the store's history current.
    Jump {
        /// The store's name.
        store: String,
        /// The history step.
        step: usize,
    },
}

impl Message {
    /// For messages that replace the previous one of the same key (the graph, a scope tree, a
    /// store's attachment, a node's value), that key: a page that connects late is sent the
    /// latest of each before the log.
    pub(crate) fn sticky_key(&self) -> Option<String> {
        match self {
            Message::Graph { .. } => Some("graph".into()),
            Message::Scopes { root, .. } => Some(format!("scopes:{root}")),
            Message::StoreAttached { store, .. } => Some(format!("store:{store}")),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text() -> impl Strategy<Value = String> {
        "[a-z0-9 ./:\"\\\\\u{e9}\u{1F600}]{0,12}"
    }

    fn message() -> impl Strategy<Value = Message> {
        prop_oneof![
            (
                any::<u64>(),
                text(),
                proptest::option::of(text()),
                proptest::option::of(any::<u64>())
            )
                .prop_map(|(id, kind, name, owner)| Message::NodeCreated {
                    id,
                    kind,
                    name,
                    owner,
                    created_at: Some("src/main.rs:1:2".into()),
                }),
            any::<u64>().prop_map(|id| Message::NodeDisposed { id }),
            (text(), text(), proptest::option::of(text()), any::<bool>()).prop_map(
                |(principal, scope, key, allowed)| Message::AccessDecision {
                    principal,
                    action: "write".into(),
                    scope,
                    key,
                    allowed,
                    rule: "the policy of 'app': its default".into(),
                }
            ),
            (any::<u64>(), any::<bool>())
                .prop_map(|(id, changed)| Message::Written { id, changed }),
            (
                any::<u64>(),
                any::<u64>(),
                proptest::collection::vec(any::<u64>(), 0..4),
                any::<u64>()
            )
                .prop_map(|(seq, id, triggered_by, duration_ns)| Message::Run {
                    seq,
                    id,
                    triggered_by,
                    outcome: "changed".into(),
                    duration_ns,
                }),
            (text(), any::<u64>(), text(), any::<i64>()).prop_map(|(store, seq, label, n)| {
                Message::StoreCommit {
                    store,
                    seq,
                    label,
                    kind: "transaction".into(),
                    patches: vec![serde_json::json!({"op": "replace", "path": "/n", "value": n})],
                    state: serde_json::json!({ "n": n }),
                    position: 1,
                    history_len: 2,
                }
            }),
            (
                any::<u64>(),
                text(),
                proptest::collection::vec(text(), 0..4)
            )
                .prop_map(|(seq, topic, path)| Message::EventEmitted {
                    seq,
                    topic,
                    origin: "app".into(),
                    emitter: "system".into(),
                    type_name: "u8".into(),
                    replay: false,
                    path,
                }),
            (any::<u64>(), any::<usize>(), proptest::option::of(text())).prop_map(
                |(seq, handlers, vetoed)| Message::EventDone {
                    seq,
                    handlers,
                    vetoed
                }
            ),
            (any::<u64>(), proptest::option::of(text()))
                .prop_map(|(id, value)| Message::Value { id, value }),
            any::<u64>().prop_map(|count| Message::Dropped { count }),
        ]
    }

    proptest! {
        #[test]
        fn every_message_survives_a_json_round_trip(m in message()) {
            let json = serde_json::to_string(&m).unwrap();
            prop_assert_eq!(serde_json::from_str::<Message>(&json).unwrap(), m);
        }

        #[test]
        fn every_command_survives_a_json_round_trip(id in any::<u64>(), store in text(), step in any::<usize>()) {
            for c in [Command::Inspect { id }, Command::Jump { store: store.clone(), step }] {
                let json = serde_json::to_string(&c).unwrap();
                prop_assert_eq!(serde_json::from_str::<Command>(&json).unwrap(), c);
            }
        }
    }

    #[test]
    fn node_ids_above_two_to_the_53_are_exact_in_json_text() {
        // The page parses ids with JSON.parse into doubles; ids are generation << 32 | index,
        // far below 2^53 in practice, but the Rust side must never lose them either.
        let m = Message::NodeDisposed { id: u64::MAX };
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains("18446744073709551615"));
    }

    #[test]
    fn a_command_of_an_unknown_type_is_an_error_not_a_default() {
        assert!(serde_json::from_str::<Command>(r#"{"type":"format_disk"}"#).is_err());
        assert!(serde_json::from_str::<Command>(r#"{"type":"jump","store":"s"}"#).is_err());
    }

    #[test]
    fn only_whole_state_messages_are_sticky() {
        let graph = Message::Graph {
            nodes: vec![],
            edges: vec![],
        };
        assert_eq!(graph.sticky_key().as_deref(), Some("graph"));
        assert_eq!(
            Message::Written {
                id: 1,
                changed: true
            }
            .sticky_key(),
            None
        );
    }
}
