//! (Feature `redux`.) [`ReduxDevtools`]: a store shown in Redux DevTools. It connects to a Redux
//! DevTools server (`@redux-devtools/cli`, or any server of its remote protocol) as an app
//! instance: every commit appears in the monitor as an action with the state after it, and a
//! jump made in the monitor sets the store, through the app's next
//! [`pump`](ReduxDevtools::pump).
//!
//! The connection is a blocking WebSocket on a std thread of its own, like the devtools page's
//! server: the app's thread only queues messages (bounded, dropped and counted when the server
//! is slow) and takes commands when it pumps; it never waits for the network after connecting.

mod lifted;
mod socket;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::thread::JoinHandle;
use std::time::{SystemTime, UNIX_EPOCH};

use reactive_store::{CommitKind, State, Store};
use serde_json::Value;

use self::lifted::{Instance, MonitorCommand, Step};
use self::socket::{Client, Link};

/// Why a store could not be connected to a Redux DevTools server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReduxError {
    /// The server could not be reached.
    #[error("cannot reach the Redux DevTools server at {addr}: {source}")]
    Connect {
        /// The address asked for.
        addr: String,
        /// The system's reason.
        source: std::io::Error,
    },
    /// The server did not speak the protocol as expected (the WebSocket upgrade, the
    /// SocketCluster handshake or the login failed, or did not answer in time).
    #[error("the Redux DevTools server did not answer as expected: {0}")]
    Protocol(String),
    /// The server refused a step of the connection.
    #[error("the Redux DevTools server refused: {0}")]
    Refused(String),
    /// The store was disposed.
    #[error("the store was disposed")]
    StoreDisposed,
}

/// Messages queued for the server before new ones are dropped (and counted).
const QUEUE: usize = 4096;
/// Monitor commands kept for the next pump.
const COMMANDS: usize = 256;

/// A store connected to a Redux DevTools server. Dropping it disconnects (and stops showing
/// the store's commits).
///
/// Each history step of the store is one action of the monitor (its type is the step's label,
/// its payload the step's patches), with the state after it; undo, redo and jumps resend the
/// whole history with the current step marked. "Jump" in the monitor (to a state or an
/// action) makes that step current ([`Store::jump_to`]) at the next [`pump`](Self::pump).
///
/// ```no_run
/// use reactive_devtools::ReduxDevtools;
/// use reactive_store::Store;
///
/// // With `npx redux-devtools --hostname 127.0.0.1 --port 8000` running:
/// let todos = Store::new(vec!["milk".to_string()]);
/// let redux = ReduxDevtools::connect("127.0.0.1:8000", "todos", todos)?;
/// todos.transaction("add bread").update(|t| t.push("bread".into())).unwrap();
/// loop {
///     redux.pump(); // the monitor's jumps are applied here, on the app's thread
///     std::thread::sleep(std::time::Duration::from_millis(50));
/// }
/// # Ok::<(), reactive_devtools::ReduxError>(())
/// ```
pub struct ReduxDevtools {
    bridge: Rc<Bridge>,
    /// Removes the store's commit hook.
    unhook: Option<Box<dyn FnOnce()>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for ReduxDevtools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReduxDevtools")
            .field("instance", &self.bridge.instance.name)
            .field("connected", &self.is_connected())
            .field("dropped", &self.dropped())
            .finish_non_exhaustive()
    }
}

/// A store's history as the monitor is shown it, and the current position.
type History = (Vec<Step>, usize);

/// The app thread's half: the store, seen through closures (so the type is not generic).
struct Bridge {
    instance: Instance,
    outgoing: SyncSender<Value>,
    dropped: AtomicU64,
    commands: Receiver<MonitorCommand>,
    connected: Arc<AtomicBool>,
    ignored: Arc<AtomicU64>,
    /// History steps the monitor has (after our last message).
    shown: Cell<usize>,
    /// The store's history, as the monitor is shown it, and the current position.
    history: Box<dyn Fn() -> Option<History>>,
    jump: Box<dyn Fn(usize) -> Result<(), String>>,
}

impl Bridge {
    fn queue(&self, message: Value) {
        match self.outgoing.try_send(message) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    fn send_state(&self) {
        if let Some((steps, position)) = (self.history)() {
            self.shown.set(steps.len());
            self.queue(self.instance.state(&steps, position));
        }
    }

    /// After a commit: one `ACTION` when it added a step at the end (nothing trimmed, nothing
    /// cut), the whole state otherwise.
    fn committed(&self, kind: CommitKind, len: usize, position: usize, last: Step) {
        if kind == CommitKind::Transaction && len == self.shown.get() + 1 && position + 1 == len {
            self.shown.set(len);
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
            self.queue(self.instance.action(len - 1, &last, now));
        } else {
            self.send_state();
        }
    }
}

fn json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| Value::String(format!("<not JSON: {e}>")))
}

fn random_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    format!("{:x}", hasher.finish())
}

impl ReduxDevtools {
    /// Connects `store` to the Redux DevTools server at `addr` (`host:port`, as given to
    /// `redux-devtools --hostname … --port …`), listed in the monitor as `name`, and sends its
    /// history. Waits (at most a few seconds) for the connection, then never again: what
    /// follows goes through a thread.
    ///
    /// # Errors
    /// [`ReduxError::Connect`] if the server cannot be reached, [`ReduxError::Protocol`] or
    /// [`ReduxError::Refused`] if it does not let us in, [`ReduxError::StoreDisposed`].
    pub fn connect<S: State>(
        addr: &str,
        name: &str,
        store: Store<S>,
    ) -> Result<ReduxDevtools, ReduxError> {
        if store.is_disposed() {
            return Err(ReduxError::StoreDisposed);
        }
        let client = Client::connect(addr)?;
        let instance = Instance {
            socket_id: client.id.clone(),
            name: name.into(),
            instance_id: random_id(),
        };
        let (outgoing_tx, outgoing_rx) = sync_channel(QUEUE);
        let (commands_tx, commands_rx) = sync_channel(COMMANDS);
        let stop = Arc::new(AtomicBool::new(false));
        let connected = Arc::new(AtomicBool::new(true));
        let ignored = Arc::new(AtomicU64::new(0));
        let link = Link {
            outgoing: outgoing_rx,
            commands: commands_tx,
            stop: stop.clone(),
            connected: connected.clone(),
            ignored: ignored.clone(),
            instance_id: instance.instance_id.clone(),
        };
        let bridge = Rc::new(Bridge {
            instance,
            outgoing: outgoing_tx,
            dropped: AtomicU64::new(0),
            commands: commands_rx,
            connected,
            ignored,
            shown: Cell::new(0),
            history: Box::new(move || {
                if store.is_disposed() {
                    return None;
                }
                let steps = store.history().iter().map(step_of).collect();
                Some((steps, store.history_status().position))
            }),
            jump: Box::new(move |n| store.jump_to(n).map(drop).map_err(|e| e.to_string())),
        });
        let thread = std::thread::Builder::new()
            .name("reactive-redux-devtools".into())
            .spawn(move || client.run(link))
            .map_err(|source| ReduxError::Connect {
                addr: addr.into(),
                source,
            })?;
        bridge.queue(bridge.instance.start());
        bridge.send_state();
        let on_commit = bridge.clone();
        let hook = store.on_commit(move |commit| {
            let status = store.history_status();
            let last = Step {
                label: commit.label().into(),
                patches: commit.patches().iter().map(json).collect(),
                state: json(&**commit.after()),
            };
            on_commit.committed(commit.kind(), status.len, status.position, last);
        });
        let unhook = Box::new(move || {
            store.remove_hook(hook);
        });
        Ok(ReduxDevtools {
            bridge,
            unhook: Some(unhook),
            stop,
            thread: Some(thread),
        })
    }

    /// Applies what the monitors asked since the last call (jumps set the store; a monitor
    /// that opened gets the whole history). Call it from the app's loop, on the store's
    /// thread; it never waits. Returns the number of commands applied. A jump that fails (the
    /// step is gone from the history) is reported to the monitor with the history as it is.
    pub fn pump(&self) -> usize {
        let commands: Vec<MonitorCommand> = self.bridge.commands.try_iter().collect();
        for command in &commands {
            match command {
                MonitorCommand::Jump(step) => {
                    if (self.bridge.jump)(*step).is_err() {
                        self.bridge.send_state();
                    }
                }
                MonitorCommand::SendState => self.bridge.send_state(),
            }
        }
        commands.len()
    }

    /// Whether the connection is still up (it ends when the server goes; there is no
    /// reconnection: connect again).
    pub fn is_connected(&self) -> bool {
        self.bridge.connected.load(Ordering::Acquire)
    }

    /// Messages dropped because the queue to the server was full (or the connection ended).
    pub fn dropped(&self) -> u64 {
        self.bridge.dropped.load(Ordering::Relaxed)
    }

    /// Messages from monitors that were not acted on (other instances' commands, `STOP`,
    /// dispatching app actions, which a store without reducers cannot do).
    pub fn ignored(&self) -> u64 {
        self.bridge.ignored.load(Ordering::Relaxed)
    }

    /// The instance id the monitor knows this store by (its commands name it).
    pub fn instance_id(&self) -> &str {
        &self.bridge.instance.instance_id
    }
}

fn step_of<S: State>(step: &reactive_store::HistoryStep<S>) -> Step {
    Step {
        label: step.label.to_string(),
        patches: step.patches.iter().map(json).collect(),
        state: json(&*step.snapshot),
    }
}

impl Drop for ReduxDevtools {
    fn drop(&mut self) {
        if let Some(unhook) = self.unhook.take() {
            unhook();
        }
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            // The thread notices within one poll interval; a panic in it is not ours to raise.
            let _ = thread.join();
        }
    }
}
