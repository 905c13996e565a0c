//! # reactive
//!
//! A reactive state framework for Rust, as one dependency. Fine-grained **signals** with
//! automatic dependency tracking and glitch-free **memos** and **effects** (the engine,
//! re-exported at the top level); plain structs turned into reactive **models**
//! (`#[derive(Model)]`); a **store** of immutable snapshots changed by transactions, with undo,
//! validation and path selections, a tree of **scopes** and an **event bus**; **event
//! sourcing**; and one vocabulary of change for all of them ([`state`]: paths, JSON patches,
//! versioned snapshots).
//!
//! ```
//! use reactive::prelude::*;
//! use std::{cell::RefCell, rc::Rc};
//!
//! #[derive(Model, Clone, PartialEq, Debug)]
//! struct Player { name: String, score: u32 }
//!
//! // A computed property: declared once, here; cached, recomputed when `score` changes.
//! #[computed]
//! impl PlayerModel {
//!     fn total(&self) -> u32 {
//!         self.score() * 10
//!     }
//! }
//!
//! let seen = Rc::new(RefCell::new(Vec::new()));
//! let (player, root) = create_root(|| {
//!     let player = PlayerModel::new(Player { name: "Ada".into(), score: 0 });
//!     let seen = seen.clone();
//!     Effect::new(move || seen.borrow_mut().push(player.total()));
//!     player
//! });
//! player.set_score(4);
//! player.set_name("Grace".into()); // the effect does not read the name: it does not run
//! assert_eq!(*seen.borrow(), [0, 40]);
//! assert_eq!(Player::describe().computed[0].name, "total");
//! root.dispose();
//! ```
//!
//! ## Features
//!
//! | feature | default | what it adds | crate |
//! |---|---|---|---|
//! | — | always | signals, memos, effects, owners, context ([`Signal`], [`Memo`], [`Effect`]…) | `reactive-core` |
//! | — | always | paths, patches, `State`, snapshots, migrations ([`state`]) | `reactive-state` |
//! | `model` | yes | `#[derive(Model)]` and its runtime ([`model`]) | `reactive-model` |
//! | `store` | yes | `Store`, scopes, events ([`store`]) | `reactive-store` |
//! | `query` | yes | live queries over keyed collections ([`query`]) | `reactive-query` |
//! | `sourcing` | no | event sourcing (`reactive::sourcing`) | `reactive-sourcing` |
//! | `sqlite` | no | the embedded SQLite event store | `reactive-sourcing` |
//! | `postgres` | no | the PostgreSQL event store (several processes and machines on one log) | `reactive-sourcing` |
//! | `testing` | no | test helpers (`reactive::testing`: recorders, leak check, `assert_patches!`, strategies); the event-store conformance suite, the given/when/then aggregate harness | `reactive-testing`, `reactive-sourcing` |
//! | `machine` | no | statecharts: XState JSON machines, configuration and context as signals (`reactive::machine`) | `reactive-machine` |
//! | `sync` | no | multi-client sync on the Loro CRDT: stores bound to synced documents, optimistic commands, replicated scopes (`reactive::sync`) | `reactive-sync` |
//! | `sync-client` | no | the sync client: a Loro document kept in sync with a server over WebSocket (`reactive::sync::client`, tokio) | `reactive-sync` |
//! | `sync-server` | no | the sync server: rooms, SQLite persistence, auth, policies, limits (`reactive::sync::server`) | `reactive-sync` |
//! | `devtools` | no | the browser devtools: `reactive::devtools::serve("127.0.0.1:7777")` shows the graph, runs and why, the store timeline with time travel, scopes and events | `reactive-devtools` |
//! | `devtools-redux` | no | `devtools`, and a store shown in Redux DevTools through `@redux-devtools/cli` (`reactive::devtools::ReduxDevtools`) | `reactive-devtools` |
//!
//! ## Which construct do I choose?
//!
//! | you have | use |
//! |---|---|
//! | a value that changes, read by views | [`Signal`] |
//! | a value computed from others | [`Memo`] |
//! | something to do when values change (render, log, send) | [`Effect`] |
//! | a struct whose fields views read one by one | `#[derive(Model)]` (feature `model`) |
//! | application data to undo, save, validate, diff, sync | a `Store` of a `#[derive(State)]` type (feature `store`) |
//! | settings and services shared down a tree, events routed along it | `Scope` (feature `store`) |
//! | a view of "the top 50 by score", kept up to date row by row | a live query ([`query`], feature `query`) |
//! | every change kept as an event, state as their fold | `reactive::sourcing` (feature `sourcing`) |
//!
//! Derive macros generated code reaches the runtime through this crate, so a project needs
//! only `reactive` in its `Cargo.toml`.

pub use reactive_core::*;

/// The workspace README's quick start, run as a doc test so it never rots.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// The vocabulary of change: [`Path`](state::Path), [`Patch`](state::Patch),
/// [`State`](state::State) and its derive, snapshots and [`Migrations`](state::Migrations)
/// (the `reactive-state` crate).
pub mod state {
    pub use reactive_macros::State;
    pub use reactive_state::*;
}

/// `#[derive(Model)]` and its runtime (the `reactive-model` crate).
#[cfg(feature = "model")]
pub mod model {
    pub use reactive_model::*;
}

/// `Store`, scopes and the event bus (the `reactive-store` crate).
#[cfg(feature = "store")]
pub mod store {
    pub use reactive_store::*;
}

/// Live queries over keyed collections: incremental filter, map, order, top-K windows,
/// group-by, joins and distinct, with change lists (the `reactive-query` crate).
///
/// ```
/// use reactive::query::Collection;
/// let scores = Collection::new();
/// scores.insert("ada", 30);
/// scores.insert("bob", 20);
/// let top = scores.query().order_by_desc(|s| *s).limit(Some(1)).live();
/// assert_eq!(top.keys(), ["ada"]);
/// ```
#[cfg(feature = "query")]
pub mod query {
    pub use reactive_query::*;
}

/// Event sourcing (the `reactive-sourcing` crate).
#[cfg(feature = "sourcing")]
pub mod sourcing {
    pub use reactive_sourcing::*;
}

/// Statecharts (the `reactive-machine` crate).
#[cfg(feature = "machine")]
pub mod machine {
    pub use reactive_machine::*;
}

/// Multi-client sync on the Loro CRDT (the `reactive-sync` crate): with `sync`, stores bound
/// to synced documents, optimistic commands with server authority and replicated scopes; with
/// `sync-client` its WebSocket client, with `sync-server` its server; `reactive::sync::loro`
/// and `reactive::sync::tokio` are the CRDT and the runtime they use.
#[cfg(any(feature = "sync", feature = "sync-client", feature = "sync-server"))]
pub mod sync {
    pub use reactive_sync::*;
}

/// The browser devtools (the `reactive-devtools` crate): one line,
/// `reactive::devtools::serve("127.0.0.1:7777")`, serves a page showing the dependency graph,
/// why each memo and effect ran, the store timeline with time travel, scopes and events. Call
/// `pump()` on the returned guard from the app's loop.
#[cfg(feature = "devtools")]
pub mod devtools {
    pub use reactive_devtools::*;
}

/// Test helpers (the `reactive-testing` crate): run and value recorders, the leak check,
/// `assert_patches!`, proptest strategies for `State` types, the given/when/then harness, and
/// with `machine` the manual clock.
///
/// ```
/// use reactive::prelude::*;
/// use reactive::testing::{assert_patches, no_leaks, record_effect};
///
/// no_leaks(|| {
///     let ((s, log), root) = create_root(|| {
///         let s = Signal::new(1);
///         let (_effect, log) = record_effect(move || s.get());
///         (s, log)
///     });
///     s.set(2);
///     assert_eq!(log.take(), [1, 2]);
///     root.dispose();
/// });
/// assert_patches!([Patch::replace(path!(a), 1.into(), 2.into())], [{"op": "replace", "path": "/a", "value": 2}]);
/// ```
#[cfg(feature = "testing")]
pub mod testing {
    pub use reactive_testing::*;
}

/// What most programs use, in one import: `use reactive::prelude::*;`.
pub mod prelude {
    pub use reactive_core::{
        Derived, Effect, Get, GetUntracked, IntoMaybeReactive, MaybeReactive, Memo, Owner,
        Reactive, ReactiveError, Selector, Set, Signal, Track, Update, With, WithUntracked, batch,
        create_root, map_keyed, untrack,
    };
    pub use reactive_state::{Patch, Path, Segment, path};

    pub use crate::state::State;

    #[cfg(feature = "model")]
    pub use reactive_model::{KeyedList, Model, ModelHandle, ModelPatch, computed};

    #[cfg(feature = "store")]
    pub use reactive_store::{Scope, Store, StoreError};
}

/// What the derives' generated code names. Not part of the API: it changes without notice.
#[doc(hidden)]
pub mod __private {
    pub use reactive_core as core;
    #[cfg(feature = "model")]
    pub use reactive_model as model;
    pub use reactive_state as state;
}
