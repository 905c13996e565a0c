//! # reactive-store
//!
//! Reactive application state built on `reactive-core`: the state of an app as **immutable
//! snapshots** changed by **transactions** (with patches, undo history, validation and
//! middleware), a **tree of scopes** whose values are inherited and access-controlled, and
//! **typed events** routed along that tree. Everything is read through the signal graph, so a
//! view re-renders when — and only when — what it read changed.
//!
//! ```
//! use reactive_core::{create_root, Effect};
//! // `imbl` (persistent collections) is re-exported: no dependency of your own needed.
//! use reactive_store::{imbl, path, Key, Scope, State, Store};
//! use serde::{Deserialize, Serialize};
//! use std::{cell::RefCell, rc::Rc};
//!
//! #[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
//! struct Todo { title: String, done: bool }
//!
//! #[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
//! struct Todos { items: imbl::Vector<Todo> }
//!
//! // A typed key: the name a scope value is found (and saved) by, and its type.
//! const TODOS: Key<Store<Todos>> = Key::new("todos");
//!
//! let log = Rc::new(RefCell::new(Vec::new()));
//! let ((), ui) = create_root(|| {
//!     // A scope per document; the store is provided to everything below it.
//!     let app = Scope::root("app").unwrap();
//!     let doc = app.child("doc-1").unwrap();
//!     let store = Store::new(Todos { items: imbl::Vector::new() });
//!     doc.provide(TODOS, store).unwrap();
//!
//!     // Events carry intent; a handler turns one into a transaction.
//!     doc.on::<String>("todo.add")
//!         .handle(move |_, title| {
//!             store.update(|t| t.items.push_back(Todo { title: title.clone(), done: false })).unwrap();
//!         })
//!         .unwrap();
//!
//!     // A view of one field: re-runs only when that field changes.
//!     let first = store.watch::<String>(path!(items[0].title));
//!     let l = log.clone();
//!     Effect::new(move || l.borrow_mut().push(first.get()));
//!
//!     doc.emit("todo.add", "milk".to_string()).unwrap();
//!     doc.emit("todo.add", "bread".to_string()).unwrap(); // item 1: the view does not re-run
//!     store.undo().unwrap();
//!     store.undo().unwrap();
//! });
//! assert_eq!(*log.borrow(), [None, Some("milk".to_string()), None]);
//! ui.dispose(); // scopes, store, handlers and effects go together
//! ```
//!
//! ## Which construct do I choose?
//!
//! | you have | use | readers re-run when |
//! |---|---|---|
//! | application data you want to undo, save, validate, diff | [`Store`] of a [`State`] | the part they selected changed |
//! | one field of it in a view | [`Store::watch`] / [`Store::select_at`] (by path) | a patch touches that path |
//! | a frequent edit deep in a large state | [`Store::update_at`] (diffs one path only) | — a transaction like any other |
//! | a value computed from it | [`Store::select`] (a memo over the snapshot) | the computed value changed |
//! | settings, services and handles shared down a tree (theme, user, a store) | [`Scope`] values under a typed [`Key`] ([`Scope::set`], [`Scope::provide`]) | the nearest provider's value, or which scope provides it, changed |
//! | who may read, write, emit | a [`Policy`] on a scope | — checked on every access |
//! | something that happened (a click, a message, a domain event) | [`Scope::emit`] + [`Scope::on`] | — handlers run once per event |
//! | the last event of a topic in a view | [`Scope::last_event`] | a new event arrives |
//! | events persisted, replayed, versioned | the `reactive-sourcing` crate | — |
//!
//! ## The life of a change
//!
//! 1. **Transaction.** [`Store::update`] hands the closure a copy of the state. The copy is
//!    cheap: put large parts in [`imbl`] collections or `Arc`s and the copy shares them. If the
//!    closure fails or panics, the copy is dropped: the store is untouched.
//! 2. **Diff.** The copy is compared with the current state into [`Patch`]es (`path`, `old`,
//!    `new`; JSON Patch when serialised). Shared parts are skipped by pointer, so one change in a
//!    100,000-element `imbl::Vector` costs a few comparisons, not 100,000.
//! 3. **Checks.** Validators ([`Store::add_validator`], [`Store::add_path_validator`]) report
//!    every violation at once; then each [`Middleware`] may veto.
//! 4. **Commit.** In one reactive batch: the new [`Snapshot`], the history step, and the
//!    selections whose paths the patches touch. Effects run once, after it, and never see half a
//!    change. Old snapshots stay valid: undo is publishing an old one again.
//!
//! Scopes and events follow the same rules: a lookup is checked against the scope's effective
//! policy; the handlers of one event run inside one batch; an event emitted by a handler is
//! queued and delivered after the current one.
//!
//! ## Design decisions
//!
//! - **Diff, not proxies.** Rust has no proxies to record writes, so a transaction is a plain
//!   `&mut S` and the patches come from a structural diff ([`State::diff`]). Structural sharing
//!   makes the diff proportional to the change. Structs opt in with `#[derive(State)]`, which
//!   sees every field (a keyed collection field, `#[state(keyed = "id")]`, is diffed by key).
//! - **Selections by path.** [`Store::select_at`] registers the path it reads; a commit finds
//!   the selections to notify from its patches in a trie, so 10,000 selections cost nothing
//!   when a commit touches none of them. [`Store::select`] is the general memo.
//! - **Inherited lookups are cached.** A scope remembers which ancestor provides a key; adding
//!   or removing the key anywhere on the way invalidates exactly the affected part of the
//!   subtree. A lookup at depth 100 is three hash probes.
//! - **Rights only narrow.** A scope's effective rights are its policy intersected with its
//!   parent's, so no child can grant more than its parent has.
//! - **Everything is owned.** Stores, scopes, selections, subscriptions, validators and
//!   interceptors belong to the reactive owner current when they were made, and go away with
//!   it.
//! - **Errors are values.** Refusals a caller can expect (an invalid state, a veto, access
//!   denied, a corrupt file) are typed errors ([`StoreError`], [`ScopeError`],
//!   [`EventError`], [`PersistError`], [`PatchError`], [`CodecError`]); misuse that is a bug (reading a path as
//!   the wrong type) panics with a message naming the path, the type and the call site.
//!
//! ## What policies protect against, and what they do not
//!
//! A [`Scope`] handle acts for one [`Principal`]. Policies guarantee that **code holding a
//! handle for a principal cannot exceed that principal's rights through the scope API**: every
//! read, write, emit, subscription, interceptor, log, save and restore is checked, and nothing
//! hands it a handle with more rights. [`Scope::as_principal`] is a capability of the system
//! handle ([`Scope::root`]) alone: a principal's handle cannot re-label itself, and
//! [`Principal::system`] cannot be made from a name. Event handlers, interceptors and logs see
//! only the events of scopes their principal may read, and [`EventContext::origin`] acts for the handler, not for
//! the emitter (whose identity is [`EventContext::emitter`]).
//!
//! They do not make the process a sandbox:
//!
//! - **Code in the same process can hold system handles it was given**, and anyone can create
//!   a new root (a tree of their own). Give untrusted parts of an app only handles made with
//!   [`as_principal`](Scope::as_principal); policies are no defence against untrusted Rust code,
//!   which can do anything the process can.
//! - **A provided service is a shared object.** [`Scope::get_provided`] needs
//!   [`Action::Read`] and returns the very object that was provided (a [`Store`], a callback):
//!   it carries no policy of its own, so whoever may read the scope may use all of it. Provide a
//!   narrower object (a read-only view, a checked callback) to principals that should not.
//! - Policies govern access, not resources: a principal allowed to emit or write can still do
//!   so often.

mod event;
mod scope;
mod store;
mod veto;

pub use event::{
    EmitOptions, EventContext, EventError, EventInfo, EventInterceptor, EventLog, EventOutcome,
    EventSubscription, InterceptorId, LoggedEvent, Phase, Subscribe,
};
/// `#[derive(State)]`: the derive macro of the same name as the trait, so that
/// `use reactive_store::State;` brings both (the macro and the trait live in different
/// namespaces).
pub use reactive_macros::State;
/// The vocabulary of change, from `reactive-state`: re-exported so a store user needs one
/// dependency (the `reactive` facade re-exports both).
pub use reactive_state::{
    CodecError, Diff, IntoSegment, MapKey, MigrationError, Migrations, Node, Patch, PatchError,
    PatchOp, Path, PathError, PathPattern, PatternSegment, Segment, Snapshot, State, Versioned,
    apply_whole, invert, keyed, node_at, node_at_mut, path,
};
pub use scope::{
    Access, AccessDecision, AccessDenied, AccessLog, Action, DecisionRule, Key, PersistError,
    Policy, Principal, Scope, ScopeError, ScopeSnapshot,
};
pub use store::{
    Commit, CommitKind, HistoryLimits, HistoryStatus, HistoryStep, HookId, Middleware, Proposal,
    ReadAtError, Store, StoreError, Transaction, ValidationError, Violation, Violations,
};
pub use veto::Veto;

pub use reactive_state::imbl;
