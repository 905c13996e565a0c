//! The recorder against a real runtime: what it sends for runs, writes, commits and events.

use std::time::Duration;

use reactive_core::{Effect, Memo, Signal, create_root};
use reactive_store::{Access, Policy, Principal, Scope, Store};

use super::*;

fn recorder(capacity: usize) -> (Recorder, Receiver<std::sync::Arc<str>>) {
    let (outbox, inbox) = Outbox::bounded(capacity);
    let recorder = Recorder::new(outbox, None, Duration::ZERO);
    (recorder, inbox)
}

fn messages(inbox: &Receiver<std::sync::Arc<str>>) -> Vec<Message> {
    inbox
        .try_iter()
        .map(|m| serde_json::from_str(&m).expect("every message parses back"))
        .collect()
}

#[test]
fn an_effect_run_says_which_signal_made_it_run() {
    let (recorder, inbox) = recorder(1024);
    recorder.install();
    let a = Signal::new(1).named("a");
    let b = Signal::new(1).named("b");
    let effect = Effect::new(move || {
        a.get();
        b.get();
    });
    b.set(2);
    recorder.uninstall();
    let runs: Vec<(WireId, Vec<WireId>)> = messages(&inbox)
        .into_iter()
        .filter_map(|m| match m {
            Message::Run {
                id, triggered_by, ..
            } => Some((id, triggered_by)),
            _ => None,
        })
        .collect();
    let e = wire_id(effect.id());
    assert_eq!(runs, [(e, vec![]), (e, vec![wire_id(b.id())])]);
    assert_eq!(recorder.stats(effect.id()).runs, 2);
}

#[test]
fn the_graph_message_has_the_nodes_edges_owner_and_run_counts() {
    let (recorder, inbox) = recorder(1024);
    recorder.install();
    let ((s, m), root) = create_root(|| {
        let s = Signal::new(2).named("source");
        let m = Memo::new(move || s.get() * 10).named("times ten");
        m.get();
        s.set(3);
        m.get();
        (s, m)
    });
    recorder.pump();
    recorder.uninstall();
    let graph = messages(&inbox).into_iter().rev().find_map(|m| match m {
        Message::Graph { nodes, edges } => Some((nodes, edges)),
        _ => None,
    });
    let (nodes, edges) = graph.expect("pump sends the graph");
    let memo = nodes.iter().find(|n| n.id == wire_id(m.id())).unwrap();
    assert_eq!(
        (
            memo.kind.as_str(),
            memo.name.as_deref(),
            memo.runs,
            memo.owner
        ),
        ("memo", Some("times ten"), 2, Some(wire_id(root.id())))
    );
    assert!(edges.contains(&[wire_id(s.id()), wire_id(m.id())]));
    root.dispose();
}

#[test]
fn the_graph_is_not_sent_again_when_nothing_changed() {
    let (recorder, inbox) = recorder(1024);
    recorder.pump();
    let first = messages(&inbox).len();
    recorder.pump();
    assert_eq!((first, messages(&inbox).len()), (1, 0));
}

#[test]
fn an_inspected_signal_sends_its_value_again_when_written() {
    let (recorder, inbox) = recorder(1024);
    recorder.install();
    let s = Signal::new(String::from("a"));
    recorder.inspect(s.id(), s);
    recorder.pump();
    s.set("b".into());
    recorder.pump();
    recorder.uninstall();
    let values: Vec<Option<String>> = messages(&inbox)
        .into_iter()
        .filter_map(|m| match m {
            Message::Value { value, .. } => Some(value),
            _ => None,
        })
        .collect();
    assert_eq!(values, [Some("\"a\"".into()), Some("\"b\"".into())]);
}

#[test]
fn inspecting_an_unregistered_node_answers_none() {
    let (recorder, inbox) = recorder(16);
    recorder.apply(Command::Inspect { id: 12345 });
    assert_eq!(
        messages(&inbox),
        [Message::Value {
            id: 12345,
            value: None
        }]
    );
}

#[test]
fn a_store_commit_carries_its_patches_state_and_history_position() {
    let (recorder, inbox) = recorder(64);
    let store = Store::new(vec![1]);
    recorder.attach_store("numbers", store).unwrap();
    store.update(|v| v.push(2)).unwrap();
    let ms = messages(&inbox);
    assert!(
        matches!(&ms[0], Message::StoreAttached { store, steps, position: 0 } if store == "numbers" && steps.len() == 1)
    );
    let Message::StoreCommit {
        patches,
        state,
        position,
        history_len,
        kind,
        ..
    } = &ms[1]
    else {
        panic!("expected a commit, got {:?}", ms[1]);
    };
    assert_eq!(patches[0]["op"], "add");
    assert_eq!(state, &serde_json::json!([1, 2]));
    assert_eq!(
        (*position, *history_len, kind.as_str()),
        (1, 2, "transaction")
    );
}

#[test]
fn jumping_back_and_forth_in_a_store_timeline_sets_the_store() {
    let (recorder, _inbox) = recorder(64);
    let store = Store::new(0);
    recorder.attach_store("n", store).unwrap();
    for i in 1..=3 {
        store.update(|n| *n = i).unwrap();
    }
    recorder.apply(Command::Jump {
        store: "n".into(),
        step: 1,
    });
    assert_eq!(*store.snapshot_untracked(), 1);
    recorder.apply(Command::Jump {
        store: "n".into(),
        step: 3,
    });
    assert_eq!(*store.snapshot_untracked(), 3);
}

#[test]
fn a_jump_to_a_missing_step_or_store_is_reported_not_panicked() {
    let (recorder, inbox) = recorder(64);
    let store = Store::new(0);
    recorder.attach_store("n", store).unwrap();
    recorder.apply(Command::Jump {
        store: "n".into(),
        step: 9,
    });
    recorder.apply(Command::Jump {
        store: "nope".into(),
        step: 0,
    });
    let failures = messages(&inbox)
        .into_iter()
        .filter(|m| matches!(m, Message::CommandFailed { .. }))
        .count();
    assert_eq!(failures, 2);
    assert_eq!(
        recorder.attach_store("n", store),
        Err(AttachError::NameTaken("n".into()))
    );
}

#[test]
fn a_scope_tree_is_sent_with_each_principals_effective_rights() {
    let (recorder, inbox) = recorder(64);
    let app = Scope::root("app").unwrap();
    let doc = app.child("doc").unwrap();
    let reviewer = Principal::new("reviewer");
    app.set_policy(Policy::new(Access::ALL).grant(reviewer, Access::READ))
        .unwrap();
    recorder.attach_scope(app).unwrap();
    recorder.pump();
    let scopes = messages(&inbox).into_iter().find_map(|m| match m {
        Message::Scopes { scopes, .. } => Some(scopes),
        _ => None,
    });
    let scopes = scopes.expect("pump sends the tree");
    assert_eq!(scopes[1]["path"], "app/doc");
    assert_eq!(scopes[1]["rights"]["reviewer"], serde_json::json!(["read"]));
    assert_eq!(scopes[1]["rights"]["system"].as_array().unwrap().len(), 5);
    // Unchanged: not sent again; changed: sent.
    recorder.pump();
    assert!(messages(&inbox).is_empty());
    doc.child("more").unwrap();
    recorder.pump();
    let sent = messages(&inbox);
    let trees = sent.iter().filter(|m| matches!(m, Message::Scopes { .. }));
    assert_eq!(trees.count(), 1);
    // Creating the child was an access decision of the app's, sent as such.
    assert!(sent.iter().any(|m| matches!(m, Message::AccessDecision { action, allowed: true, .. } if action == "create_child")));
}

#[test]
fn a_vetoed_event_is_reported_with_its_veto() {
    struct No;
    impl reactive_store::EventInterceptor for No {
        fn before(&self, _: &reactive_store::EventInfo<'_>) -> Result<(), reactive_store::Veto> {
            Err(reactive_store::Veto::new("no", "never"))
        }
    }
    let (recorder, inbox) = recorder(64);
    let app = Scope::root("app").unwrap();
    recorder.attach_scope(app).unwrap();
    app.child("c").unwrap().add_interceptor(No).unwrap();
    let _ = app.find("c").unwrap().unwrap().emit("x", 1u8);
    let done = messages(&inbox).into_iter().find_map(|m| match m {
        Message::EventDone {
            vetoed, handlers, ..
        } => Some((vetoed, handlers)),
        _ => None,
    });
    let (vetoed, handlers) = done.unwrap();
    assert_eq!(handlers, 0);
    assert!(vetoed.unwrap().contains("never"));
}

#[test]
fn a_burst_larger_than_the_queue_is_counted_as_dropped() {
    let (recorder, inbox) = recorder(8);
    recorder.install();
    let s = Signal::new(0);
    for i in 1..=20 {
        s.set(i);
    }
    recorder.uninstall();
    let got = messages(&inbox).len() as u64;
    assert_eq!(got, 8);
    assert_eq!(recorder.dropped(), 20 + 1 - 8); // 1 creation and 20 writes, 8 kept
}

#[test]
fn appends_to_a_watched_event_store_are_sent_once_each_in_order() {
    use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
    let (recorder, inbox) = recorder(64);
    let store = std::rc::Rc::new(MemoryStore::new());
    let append = |stream: &str, n: i64| {
        store
            .append(
                Append::new(stream, ExpectedVersion::Any).event(NewEvent::new(
                    "Added",
                    1,
                    n.into(),
                )),
            )
            .unwrap();
    };
    append("a", 1);
    // Watching from sequence 1: the first event is not shown again.
    recorder.watch_event_store(store.clone(), 1);
    append("b", 2);
    append("a", 3);
    recorder.pump();
    recorder.pump();
    append("b", 4);
    recorder.pump();
    let appended: Vec<(String, u64, serde_json::Value)> = messages(&inbox)
        .into_iter()
        .filter_map(|m| match m {
            Message::Appended {
                stream,
                version,
                payload,
                ..
            } => Some((stream, version, payload)),
            _ => None,
        })
        .collect();
    assert_eq!(
        appended,
        [
            ("b".to_string(), 1, serde_json::json!(2)),
            ("a".to_string(), 2, serde_json::json!(3)),
            ("b".to_string(), 2, serde_json::json!(4)),
        ]
    );
}

#[test]
fn each_access_decision_in_an_attached_tree_is_sent_with_its_rule_and_the_recorders_own_reads_are_not()
 {
    let (recorder, inbox) = recorder(1024);
    let app = Scope::root("decided").unwrap();
    let elsewhere = Scope::root("decided-elsewhere").unwrap();
    let guest = Principal::new("guest");
    app.set_policy(Policy::new(Access::READ)).unwrap();
    recorder.attach_scope(app).unwrap();
    recorder.pump(); // sends the tree (reading it decides accesses, as the system)
    drop(messages(&inbox));
    const TITLE: reactive_store::Key<String> = reactive_store::Key::new("title");
    assert!(
        app.as_principal(guest)
            .unwrap()
            .set(TITLE, "x".into())
            .is_err()
    );
    elsewhere.set(TITLE, "not shown".into()).unwrap();
    recorder.pump();
    let decisions: Vec<(String, String, String, Option<String>, bool, String)> = messages(&inbox)
        .into_iter()
        .filter_map(|m| match m {
            Message::AccessDecision {
                principal,
                action,
                scope,
                key,
                allowed,
                rule,
            } => Some((principal, action, scope, key, allowed, rule)),
            _ => None,
        })
        .collect();
    assert_eq!(
        decisions,
        [(
            "guest".to_string(),
            "write".to_string(),
            "decided".to_string(),
            Some("title".to_string()),
            false,
            "the policy of 'decided': its default".to_string()
        )]
    );
}
