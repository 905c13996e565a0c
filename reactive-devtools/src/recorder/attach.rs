//! What the recorder watches besides the runtime: stores (commits, time travel), scope trees
//! (values, effective rights) and their events, and event-store appends.

use std::collections::BTreeSet;
use std::rc::Rc;

use reactive_store::{
    AccessLog, Action, EventInfo, EventInterceptor, EventOutcome, Principal, Scope, ScopeError,
    State, Store, Veto,
};
use serde_json::Value;

use super::{Jumper, Recorder};
use crate::outbox::Outbox;
use crate::protocol::{Message, StoreStep};

/// Access decisions kept between two pumps (beyond it the oldest are dropped).
const DECISIONS_KEPT: usize = 10_000;

/// Why something could not be attached.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttachError {
    /// Another store was already attached under this name.
    #[error("a store is already attached as {0:?}")]
    NameTaken(String),
    /// The store was disposed.
    #[error("the store {0:?} was disposed")]
    StoreDisposed(String),
    /// The scope could not be read (disposed, or its handle may not administer it).
    #[error("the scope tree cannot be watched: {0}")]
    Scope(#[from] ScopeError),
    /// Adding the event interceptor was refused.
    #[error("the scope's events cannot be watched: {0}")]
    Events(String),
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| Value::String(format!("<not JSON: {e}>")))
}

impl Recorder {
    /// Shows `store` in the page's store timeline under `name`: its history now, then every
    /// commit with its patches and the state after it. Jumping to a commit in the page makes
    /// that history step current ([`Store::jump_to`]), through the app's next
    /// [`pump`](Recorder::pump).
    ///
    /// # Errors
    /// [`AttachError::NameTaken`], [`AttachError::StoreDisposed`].
    ///
    /// ```
    /// # use reactive_devtools::*; use std::time::Duration;
    /// use reactive_store::Store;
    /// let (outbox, inbox) = Outbox::bounded(64);
    /// let recorder = Recorder::new(outbox, None, Duration::ZERO);
    /// let store = Store::new(vec![1]);
    /// recorder.attach_store("numbers", store)?;
    /// store.update(|v| v.push(2)).unwrap();
    /// recorder.apply(Command::Jump { store: "numbers".into(), step: 0 });
    /// assert_eq!(*store.snapshot_untracked(), [1]);
    /// assert_eq!(inbox.try_iter().count(), 3); // attached, the push, the jump
    /// # Ok::<(), AttachError>(())
    /// ```
    pub fn attach_store<S: State>(&self, name: &str, store: Store<S>) -> Result<(), AttachError> {
        if store.is_disposed() {
            return Err(AttachError::StoreDisposed(name.into()));
        }
        if self.inner.model.borrow().stores.contains_key(name) {
            return Err(AttachError::NameTaken(name.into()));
        }
        let steps = store
            .history()
            .into_iter()
            .map(|step| StoreStep {
                index: step.index,
                label: step.label.to_string(),
                patches: step.patches.iter().map(json).collect(),
                state: json(&*step.snapshot),
            })
            .collect();
        self.inner.send(&Message::StoreAttached {
            store: name.into(),
            steps,
            position: store.history_status().position,
        });
        let outbox = self.inner.outbox.clone();
        let store_name = name.to_string();
        store.on_commit(move |commit| {
            let status = store.history_status();
            outbox.send(&Message::StoreCommit {
                store: store_name.clone(),
                seq: commit.seq(),
                label: commit.label().into(),
                kind: match json(&commit.kind()) {
                    Value::String(kind) => kind,
                    other => other.to_string(),
                },
                patches: commit.patches().iter().map(json).collect(),
                state: json(&**commit.after()),
                position: status.position,
                history_len: status.len,
            });
        });
        let jump: Jumper =
            Rc::new(move |step| store.jump_to(step).map(drop).map_err(|e| e.to_string()));
        self.inner
            .model
            .borrow_mut()
            .stores
            .insert(name.into(), jump);
        Ok(())
    }

    /// Shows the scope tree under `root` (values, policies, each principal's effective rights,
    /// each access decided in it with the rule that decided) and the events emitted in it (path,
    /// handlers, vetoes). Decisions are recorded (`reactive_store::AccessLog`) once a tree is
    /// attached, and sent by the next [`pump`](Recorder::pump); the tree is sent by
    /// [`pump`](Recorder::pump) when it changed.
    ///
    /// # Errors
    /// [`AttachError::Scope`] if `root` is disposed, [`AttachError::Events`] if its handle may
    /// not add interceptors.
    ///
    /// ```
    /// # use reactive_devtools::*; use std::time::Duration;
    /// use reactive_store::Scope;
    /// let (outbox, inbox) = Outbox::bounded(64);
    /// let recorder = Recorder::new(outbox, None, Duration::ZERO);
    /// let app = Scope::root("app").unwrap();
    /// recorder.attach_scope(app)?;
    /// app.child("doc").unwrap().emit("saved", ()).unwrap();
    /// let emitted: Message = serde_json::from_str(&inbox.recv().unwrap()).unwrap();
    /// assert!(matches!(emitted, Message::EventEmitted { path, .. } if path == ["app", "app/doc"]));
    /// # Ok::<(), AttachError>(())
    /// ```
    pub fn attach_scope(&self, root: Scope) -> Result<(), AttachError> {
        root.path()?;
        root.add_interceptor(EventWatcher {
            outbox: self.inner.outbox.clone(),
        })
        .map_err(|e| AttachError::Events(e.to_string()))?;
        let mut model = self.inner.model.borrow_mut();
        model.scopes.push((root, None));
        model
            .access_log
            .get_or_insert_with(|| AccessLog::open(DECISIONS_KEPT));
        Ok(())
    }

    /// Sends the access decisions made in the attached trees since the last call.
    pub(super) fn send_decisions(&self) {
        let (decisions, roots) = {
            let model = self.inner.model.borrow();
            let Some(log) = &model.access_log else {
                return;
            };
            let roots: Vec<String> = model
                .scopes
                .iter()
                .filter_map(|(s, _)| s.path().ok())
                .collect();
            (log.take(), roots)
        };
        let in_tree = |path: &str| {
            roots.iter().any(|root| {
                path.strip_prefix(root.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
        };
        for d in decisions.into_iter().filter(|d| in_tree(&d.scope)) {
            self.inner.send(&Message::AccessDecision {
                principal: d.principal,
                action: action_name(d.action).into(),
                scope: d.scope,
                key: d.key,
                allowed: d.allowed,
                rule: d.rule.to_string(),
            });
        }
    }

    /// Drops the decisions recorded since the last call (the recorder's own reads).
    pub(super) fn forget_decisions(&self) {
        if let Some(log) = &self.inner.model.borrow().access_log {
            drop(log.take());
        }
    }

    /// Shows an event appended to an event store (`reactive-sourcing`) in the page's event log.
    ///
    /// ```
    /// # use reactive_devtools::*; use std::time::Duration;
    /// let (outbox, inbox) = Outbox::bounded(4);
    /// let recorder = Recorder::new(outbox, None, Duration::ZERO);
    /// recorder.record_append("account-1", 3, "Deposited", serde_json::json!({"amount": 5}));
    /// assert!(inbox.recv().unwrap().contains("Deposited"));
    /// ```
    pub fn record_append(&self, stream: &str, version: u64, event_type: &str, payload: Value) {
        self.inner.send(&Message::Appended {
            stream: stream.into(),
            version,
            event_type: event_type.into(),
            payload,
        });
    }

    /// Shows what is appended to `store` (any `reactive-sourcing` event store) in the page's
    /// event log: each [`pump`](Recorder::pump) reads the events appended since the previous one
    /// (at most 1,000 per pump), starting with those after `from` (0: the whole log). Feature
    /// `sourcing`.
    ///
    /// ```
    /// # use reactive_devtools::*; use std::{rc::Rc, time::Duration};
    /// use reactive_sourcing::{Append, EventStore, ExpectedVersion, MemoryStore, NewEvent};
    /// let (outbox, inbox) = Outbox::bounded(64);
    /// let recorder = Recorder::new(outbox, None, Duration::from_secs(60));
    /// let store = Rc::new(MemoryStore::new());
    /// recorder.watch_event_store(store.clone(), 0);
    /// store.append(Append::new("acc-1", ExpectedVersion::Any).event(NewEvent::new("Deposited", 1, 5.into())))?;
    /// recorder.pump();
    /// assert!(inbox.try_iter().any(|m| m.contains(r#""type":"appended","stream":"acc-1","version":1"#)));
    /// # Ok::<(), reactive_sourcing::EventStoreError>(())
    /// ```
    #[cfg(feature = "sourcing")]
    pub fn watch_event_store<E>(&self, store: Rc<E>, from: u64)
    where
        E: reactive_sourcing::EventStore + 'static,
    {
        let next = std::cell::Cell::new(from + 1);
        let poll: super::EventStorePoll = Rc::new(move || {
            let mut messages = Vec::new();
            for event in reactive_sourcing::Events::all(&*store, next.get()).take(1000) {
                match event {
                    Ok(e) => {
                        next.set(e.sequence + 1);
                        messages.push(Message::Appended {
                            stream: e.stream,
                            version: e.version,
                            event_type: e.event_type,
                            payload: e.payload,
                        });
                    }
                    Err(e) => {
                        messages.push(Message::CommandFailed {
                            message: format!("reading the event store: {e}"),
                        });
                        break;
                    }
                }
            }
            messages
        });
        self.inner.model.borrow_mut().event_stores.push(poll);
    }

    /// Sends each attached scope tree that changed since it was last sent; forgets disposed
    /// ones.
    pub(super) fn send_scopes(&self) {
        let roots: Vec<(usize, Scope)> = {
            let model = self.inner.model.borrow();
            model
                .scopes
                .iter()
                .enumerate()
                .map(|(i, (s, _))| (i, *s))
                .collect()
        };
        let mut gone = Vec::new();
        for (i, root) in roots {
            let Ok(message) = scope_message(root) else {
                gone.push(i);
                continue;
            };
            let mut model = self.inner.model.borrow_mut();
            if model.scopes[i].1.as_ref() != Some(&message) {
                self.inner.send(&message);
                model.scopes[i].1 = Some(message);
            }
        }
        let mut model = self.inner.model.borrow_mut();
        for i in gone.into_iter().rev() {
            model.scopes.remove(i);
        }
    }
}

/// The [`Message::Scopes`] of a tree: its devtools JSON, with each principal's effective
/// rights added to every scope.
fn scope_message(root: Scope) -> Result<Message, ScopeError> {
    let mut handles = Vec::new();
    let mut stack = vec![root];
    while let Some(scope) = stack.pop() {
        handles.push(scope);
        let mut children = scope.children()?;
        children.reverse();
        stack.extend(children);
    }
    // The principals to show: the system, everyone a policy names, and "anyone else".
    let mut named: BTreeSet<Rc<str>> = BTreeSet::new();
    let mut principals = vec![Principal::system()];
    for scope in &handles {
        if let Some(policy) = scope.policy()? {
            for (principal, _) in policy.grants() {
                if named.insert(principal.name()) {
                    principals.push(*principal);
                }
            }
        }
    }
    principals.push(Principal::new("(anyone else)"));
    let mut scopes = match root.to_devtools_json()?.get_mut("scopes").map(Value::take) {
        Some(Value::Array(scopes)) => scopes,
        _ => Vec::new(),
    };
    for entry in &mut scopes {
        let path = entry["path"].as_str().unwrap_or_default().to_string();
        let Some(scope) = handles
            .iter()
            .find(|s| s.path().ok().as_deref() == Some(&*path))
        else {
            continue;
        };
        let mut rights = serde_json::Map::new();
        for p in &principals {
            let access = scope.as_principal(*p)?.effective_access()?;
            let actions: Vec<Value> = access
                .actions()
                .map(|a| Value::String(action_name(a).into()))
                .collect();
            rights.insert(p.name().to_string(), Value::Array(actions));
        }
        entry["rights"] = Value::Object(rights);
    }
    Ok(Message::Scopes {
        root: root.path()?,
        scopes,
    })
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Read => "read",
        Action::Write => "write",
        Action::Emit => "emit",
        Action::CreateChild => "create_child",
        Action::Admin => "admin",
    }
}

/// The interceptor that reports the events of an attached tree.
struct EventWatcher {
    outbox: Outbox,
}

impl EventInterceptor for EventWatcher {
    fn before(&self, e: &EventInfo<'_>) -> Result<(), Veto> {
        let origin = e.origin.path().unwrap_or_default();
        let mut path = Vec::new();
        let mut prefix = String::new();
        for part in origin.split('/') {
            if !prefix.is_empty() {
                prefix.push('/');
            }
            prefix.push_str(part);
            path.push(prefix.clone());
        }
        self.outbox.send(&Message::EventEmitted {
            seq: e.seq,
            topic: e.topic.into(),
            origin,
            emitter: e.emitter.name().to_string(),
            type_name: e.type_name.into(),
            replay: e.replay,
            path,
        });
        Ok(())
    }

    fn after(&self, e: &EventInfo<'_>, outcome: &EventOutcome) {
        let (handlers, vetoed) = match outcome {
            EventOutcome::Delivered { handlers } => (*handlers, None),
            EventOutcome::Vetoed(veto) => (0, Some(veto.to_string())),
        };
        self.outbox.send(&Message::EventDone {
            seq: e.seq,
            handlers,
            vetoed,
        });
    }
}
