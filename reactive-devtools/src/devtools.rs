//! [`Devtools`]: a [`Recorder`] installed on this thread plus the server that shows it to the
//! page. [`serve`] is the one line an app adds.

use std::net::{SocketAddr, ToSocketAddrs};
use std::ops::Deref;
use std::sync::mpsc::sync_channel;
use std::time::Duration;

use crate::outbox::Outbox;
use crate::recorder::Recorder;
use crate::server::Server;

/// Why the devtools could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The address could not be bound (in use, not local, malformed).
    #[error("the devtools server cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: String,
        /// The system's reason.
        source: std::io::Error,
    },
}

/// Settings of [`Devtools`]; [`serve`] uses the defaults.
///
/// ```no_run
/// use reactive_devtools::DevtoolsOptions;
/// let devtools = DevtoolsOptions::new().app_name("editor").queue(1 << 16).serve("127.0.0.1:7777")?;
/// # Ok::<(), reactive_devtools::ServeError>(())
/// ```
#[derive(Clone, Debug)]
pub struct DevtoolsOptions {
    app: String,
    queue: usize,
    commands: usize,
    interval: Duration,
}

impl Default for DevtoolsOptions {
    fn default() -> DevtoolsOptions {
        DevtoolsOptions {
            app: "reactive app".into(),
            queue: 16_384,
            commands: 256,
            interval: Duration::from_millis(200),
        }
    }
}

impl DevtoolsOptions {
    /// The defaults: a queue of 16,384 messages, 256 pending commands, the graph sent at most
    /// every 200 ms.
    pub fn new() -> DevtoolsOptions {
        DevtoolsOptions::default()
    }

    /// The name the page shows.
    pub fn app_name(mut self, name: &str) -> DevtoolsOptions {
        self.app = name.into();
        self
    }

    /// Messages queued between the reactive thread and the server before new ones are dropped
    /// (and counted).
    pub fn queue(mut self, messages: usize) -> DevtoolsOptions {
        self.queue = messages.max(1);
        self
    }

    /// The least time between two whole-graph (and scope tree) messages.
    pub fn graph_interval(mut self, interval: Duration) -> DevtoolsOptions {
        self.interval = interval;
        self
    }

    /// Starts the devtools on this thread and serves the page on `addr` (`"127.0.0.1:0"`
    /// picks a free port: see [`Devtools::addr`]).
    ///
    /// # Errors
    /// [`ServeError::Bind`].
    pub fn serve(self, addr: impl ToSocketAddrs + std::fmt::Debug) -> Result<Devtools, ServeError> {
        let shown = format!("{addr:?}");
        let (outbox, inbox) = Outbox::bounded(self.queue);
        let (commands_tx, commands_rx) = sync_channel(self.commands);
        let server = Server::start(addr, &self.app, inbox, commands_tx, outbox.drop_counter())
            .map_err(|source| ServeError::Bind {
                addr: shown,
                source,
            })?;
        let recorder = Recorder::new(outbox, Some(commands_rx), self.interval);
        recorder.install();
        recorder.pump();
        Ok(Devtools {
            recorder,
            server: Some(server),
        })
    }
}

/// The devtools of this thread's app: records, serves the page, applies the page's commands
/// when [`pump`](Recorder::pump)ed (it dereferences to its [`Recorder`]). Dropping it removes
/// the runtime observer and stops the server.
///
/// ```no_run
/// use reactive_core::Signal;
/// let devtools = reactive_devtools::serve("127.0.0.1:7777")?;
/// let count = Signal::new(0).named("count");
/// devtools.inspect(count.id(), count);
/// println!("devtools on http://{}/", devtools.addr());
/// loop {
///     count.update(|n| *n += 1);
///     devtools.pump(); // the page's commands run here, on the app's thread
///     std::thread::sleep(std::time::Duration::from_millis(50));
/// }
/// # Ok::<(), reactive_devtools::ServeError>(())
/// ```
pub struct Devtools {
    recorder: Recorder,
    server: Option<Server>,
}

impl std::fmt::Debug for Devtools {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Devtools")
            .field("addr", &self.addr())
            .field("dropped", &self.recorder.dropped())
            .finish_non_exhaustive()
    }
}

impl Devtools {
    /// The address the page is served on.
    pub fn addr(&self) -> SocketAddr {
        match &self.server {
            Some(server) => server.addr(),
            None => SocketAddr::from(([0, 0, 0, 0], 0)),
        }
    }

    /// The page's address, `http://…/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr())
    }
}

impl Deref for Devtools {
    type Target = Recorder;

    fn deref(&self) -> &Recorder {
        &self.recorder
    }
}

impl Drop for Devtools {
    fn drop(&mut self) {
        self.recorder.uninstall();
        // The server's threads stop and are joined; what they had not sent is lost.
        drop(self.server.take());
    }
}

/// Turns the devtools on for this thread's app, serving the page on `addr`: the one line to add
/// (`reactive::devtools::serve` in the facade). Keep the returned guard alive, call
/// [`pump`](Recorder::pump) from the app's loop, and attach what the page should show
/// ([`Recorder::attach_store`], [`Recorder::attach_scope`], [`Recorder::inspect`]).
///
/// The page must be opened through `localhost` or a loopback address (other `Host` names are
/// refused, so that no other site can reach the app through the browser); to look at an app on
/// another machine, forward a local port to it (`ssh -L 7777:127.0.0.1:7777 host`).
///
/// # Errors
/// [`ServeError::Bind`] if `addr` cannot be listened on.
pub fn serve(addr: impl ToSocketAddrs + std::fmt::Debug) -> Result<Devtools, ServeError> {
    DevtoolsOptions::new().serve(addr)
}
