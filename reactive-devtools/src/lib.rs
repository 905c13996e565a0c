//! # reactive-devtools
//!
//! See inside a running reactive app, in the browser: the live dependency graph with each
//! node's state, a node inspector (value, sources, subscribers, owner, where it was created,
//! runs and time), *why* each memo or effect ran, the slowest and most re-run memos, the store
//! timeline with patches, diffs and **time travel**, the scope tree with values, each
//! principal's effective rights and each access decision with the rule that decided it, the
//! event log with each event's path and handlers, the recorded session exported to a file and
//! imported back, and how many messages were dropped. A store can also be shown in Redux
//! DevTools (feature `redux`).
//!
//! ```no_run
//! use reactive_core::{Effect, Signal};
//! use reactive_store::{Scope, Store};
//!
//! let devtools = reactive_devtools::serve("127.0.0.1:7777")?; // the one line
//! let app = Scope::root("app").unwrap();
//! let todos = Store::new(vec!["milk".to_string()]);
//! devtools.attach_scope(app).unwrap();
//! devtools.attach_store("todos", todos).unwrap();
//! let count = Signal::new(0).named("count");
//! devtools.inspect(count.id(), count);
//! Effect::new(move || println!("count is {}", count.get()));
//! println!("open {}", devtools.url());
//! loop {
//!     // … the app's work …
//!     devtools.pump(); // applies the page's commands (inspect, time travel) on this thread
//!     std::thread::sleep(std::time::Duration::from_millis(50));
//! }
//! # Ok::<(), reactive_devtools::ServeError>(())
//! ```
//!
//! ## How it works
//!
//! | part | runs on | does |
//! |---|---|---|
//! | [`Recorder`] | the app's (reactive) thread | observes the runtime beside any other observer (`reactive_core::Runtime::add_observer`), store commits, scope trees and events, and (feature `sourcing`, `Recorder::watch_event_store`) event-store appends; keeps run counts and times per node; turns all of it into [`Message`]s |
//! | [`Outbox`] | — | a bounded queue of serialised messages: `send` never blocks; when it is full the message is dropped and counted, and the page shows the count |
//! | the server | its own threads | serves the embedded page (`page/` in this crate, plain HTML, CSS and JavaScript, no build step), a live stream of messages (server-sent events), the session as a file (`GET /session`), and takes commands (`POST /command`) |
//! | [`Recorder::pump`] | the app's thread | applies the page's [`Command`]s (read a node's value, jump to a store commit) and sends the graph, values and scope trees that changed |
//!
//! ## Redux DevTools (feature `redux`)
//!
//! `ReduxDevtools::connect(addr, name, store)` shows a store in Redux DevTools, through a
//! Redux DevTools server (`npx redux-devtools --hostname 127.0.0.1 --port 8000`, from
//! `@redux-devtools/cli`) and its remote protocol (SocketCluster over WebSocket): each history
//! step is an action (type: the step's label, payload: its patches) with the state after it;
//! "jump" in the monitor (to a state or to an action) makes that step current when the app calls
//! `ReduxDevtools::pump`. It does not need the devtools page, and the page does not need it.
//!
//! ```no_run
//! # #[cfg(feature = "redux")] {
//! use reactive_devtools::ReduxDevtools;
//! use reactive_store::Store;
//! let todos = Store::new(vec!["milk".to_string()]);
//! let redux = ReduxDevtools::connect("127.0.0.1:8000", "todos", todos)?;
//! todos.transaction("add bread").update(|t| t.push("bread".into())).unwrap();
//! redux.pump(); // in the app's loop: the monitor's jumps are applied here
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Design decisions
//!
//! - **The reactive thread never waits for the page.** Messages go through the [`Outbox`];
//!   a slow page loses messages (counted), never time. The whole graph is sent at most every
//!   200 ms (and only when it changed), so a page that missed messages catches up.
//! - **The page never touches reactive state.** Handles are `!Send` and the runtime belongs
//!   to one thread; commands are queued and applied by [`Recorder::pump`], which the app calls
//!   from its loop, between its own updates.
//! - **No async runtime, no HTTP crate.** The server is a few std threads speaking the small
//!   part of HTTP/1.1 the page uses; requests are size-limited and malformed ones get a 400.
//! - **Values are opt-in.** The engine stores values untyped; a node's value can be shown once
//!   it is registered with [`Recorder::inspect`] (its `Debug` text). Stores are shown whole (as
//!   JSON) with [`Recorder::attach_store`].
//! - **Redux DevTools through a blocking client on a std thread.** The connection is a
//!   `tungstenite` WebSocket (the crate `tokio-tungstenite` already brings into the workspace,
//!   without tokio and without TLS) on a thread of its own, polling every 20 ms for what the app
//!   queued, like the page's server threads: no async runtime for one socket. Connecting waits
//!   (at most a few seconds, for a typed error); after that the app only queues, never waits.
//! - **Zero cost when off.** Nothing here runs unless [`serve`] (or [`Recorder::install`])
//!   was called: the engine checks one flag per event site. See the crate README for the
//!   figures.

mod devtools;
mod outbox;
mod protocol;
mod recorder;
#[cfg(feature = "redux")]
mod redux;
mod server;

pub use devtools::{Devtools, DevtoolsOptions, ServeError, serve};
pub use outbox::Outbox;
pub use protocol::{Command, GraphNode, Message, PROTOCOL_VERSION, StoreStep, WireId};
pub use recorder::{AttachError, Recorder, RunStats, node_from_wire, wire_id};
#[cfg(feature = "redux")]
pub use redux::{ReduxDevtools, ReduxError};
pub use server::{MAX_CONNECTIONS, SESSION_LOG};
