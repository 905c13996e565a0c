//! The devtools server: std threads and a listener, no async runtime. It serves the embedded
//! page, a live stream of messages (server-sent events), the recorded session as a file, and
//! takes the page's commands, which it queues for the app's thread (it never touches reactive
//! state: that lives on the app's thread, and handles are `!Send`).
//!
//! Threads: one accepts connections, one moves messages from the [`Outbox`](crate::Outbox)
//! into the session log and out to every open stream, and one per connection (a stream keeps
//! its thread while the page is open; at most [`MAX_CONNECTIONS`] at once).

mod http;

use std::collections::VecDeque;
use std::io::{self, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::protocol::{Command, Message, PROTOCOL_VERSION};

/// Connections served at once (each open page holds one for its stream).
pub const MAX_CONNECTIONS: usize = 64;
/// Messages kept in the session log (besides the latest graph, scope trees and store
/// histories, which are always kept): what a page that connects late, or an export, gets.
pub const SESSION_LOG: usize = 50_000;
/// Messages queued for one page before it counts as slow and drops.
const STREAM_QUEUE: usize = 8_192;

const INDEX_HTML: &str = include_str!("../page/index.html");
const DEVTOOLS_JS: &str = include_str!("../page/devtools.js");
const DEVTOOLS_CSS: &str = include_str!("../page/devtools.css");

/// The recorded session: the latest whole-state messages by key, then the log.
#[derive(Default)]
struct Session {
    sticky: Vec<(String, Arc<str>)>,
    log: VecDeque<Arc<str>>,
    streams: Vec<SyncSender<Arc<str>>>,
}

impl Session {
    fn record(&mut self, json: Arc<str>) {
        if let Some(key) = sticky_key(&json) {
            match self.sticky.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = json,
                None => self.sticky.push((key, json)),
            }
            return;
        }
        if self.log.len() == SESSION_LOG {
            self.log.pop_front();
        }
        self.log.push_back(json);
    }

    fn replay(&self) -> impl Iterator<Item = &Arc<str>> {
        self.sticky.iter().map(|(_, m)| m).chain(self.log.iter())
    }

    /// Sends `json` to every stream; a full one drops it (counted), a closed one is removed.
    fn broadcast(&mut self, json: &Arc<str>, dropped: &AtomicU64) {
        self.streams.retain(|tx| match tx.try_send(json.clone()) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                dropped.fetch_add(1, Ordering::Relaxed);
                true
            }
            Err(TrySendError::Disconnected(_)) => false,
        });
    }
}

/// The key of a whole-state message, read without parsing the others.
fn sticky_key(json: &str) -> Option<String> {
    const WHOLE: [&str; 4] = ["hello", "graph", "scopes", "store_attached"];
    let kind = json.strip_prefix(r#"{"type":""#)?.split('"').next()?;
    match kind {
        "hello" => Some("hello".into()),
        "dropped" => Some("dropped".into()),
        k if WHOLE.contains(&k) => serde_json::from_str::<Message>(json).ok()?.sticky_key(),
        _ => None,
    }
}

struct Shared {
    session: Mutex<Session>,
    dropped: Arc<AtomicU64>,
    commands: SyncSender<Command>,
    stop: AtomicBool,
    connections: AtomicUsize,
}

impl Shared {
    fn session(&self) -> MutexGuard<'_, Session> {
        // A panic while holding the lock leaves the log readable: keep serving it.
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The running server; stops (and joins its threads) when dropped.
pub(crate) struct Server {
    addr: SocketAddr,
    shared: Arc<Shared>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// Binds `addr` and starts the threads.
    pub(crate) fn start(
        addr: impl ToSocketAddrs,
        app: &str,
        inbox: Receiver<Arc<str>>,
        commands: SyncSender<Command>,
        dropped: Arc<AtomicU64>,
    ) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            session: Mutex::new(Session::default()),
            dropped,
            commands,
            stop: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
        });
        let hello = serde_json::to_string(&Message::Hello {
            app: app.into(),
            version: PROTOCOL_VERSION,
        })
        .map_err(io::Error::other)?;
        shared.session().record(hello.into());
        let hub = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("devtools-hub".into())
                .spawn(move || hub(&shared, &inbox))?
        };
        let accept = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("devtools-accept".into())
                .spawn(move || accept(&shared, &listener))?
        };
        Ok(Server {
            addr,
            shared,
            threads: vec![hub, accept],
        })
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the listener (blocked in `accept`) with a connection of our own.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// Moves messages from the outbox to the log and the streams; tells the streams when the drop
/// count changes.
fn hub(shared: &Shared, inbox: &Receiver<Arc<str>>) {
    let mut reported = 0;
    while !shared.stop.load(Ordering::SeqCst) {
        let next = inbox.recv_timeout(Duration::from_millis(100));
        let mut session = shared.session();
        match next {
            Ok(json) => {
                session.broadcast(&json, &shared.dropped);
                session.record(json);
                // Drain what else is queued under the same lock.
                for json in inbox.try_iter().take(1024) {
                    session.broadcast(&json, &shared.dropped);
                    session.record(json);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        let dropped = shared.dropped.load(Ordering::Relaxed);
        if dropped != reported {
            reported = dropped;
            if let Ok(json) = serde_json::to_string(&Message::Dropped { count: dropped }) {
                let json: Arc<str> = json.into();
                session.broadcast(&json, &shared.dropped);
                session.record(json);
            }
        }
    }
}

fn accept(shared: &Arc<Shared>, listener: &TcpListener) {
    for conn in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(mut conn) = conn else { continue };
        if shared.connections.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = http::respond(&mut conn, "503 Service Unavailable", "text/plain", b"busy");
            continue;
        }
        shared.connections.fetch_add(1, Ordering::SeqCst);
        let shared_for_conn = shared.clone();
        let spawned = std::thread::Builder::new()
            .name("devtools-conn".into())
            .spawn(move || {
                let _ = serve(&shared_for_conn, conn);
                shared_for_conn.connections.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            shared.connections.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn serve(shared: &Shared, mut conn: TcpStream) -> io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(5)))?;
    let request = match http::read_request(&mut conn) {
        Ok(r) => r,
        Err(e) => {
            let body = e.to_string();
            return http::respond(&mut conn, "400 Bad Request", "text/plain", body.as_bytes());
        }
    };
    // Only pages served from this machine's own names may talk to the app: another site's
    // page could otherwise reach it through the user's browser (DNS rebinding).
    if !request.host.as_deref().is_some_and(is_local_host) {
        return http::respond(
            &mut conn,
            "403 Forbidden",
            "text/plain",
            b"not a local host name",
        );
    }
    match (request.method.as_str(), request.path.as_str()) {
        ("GET", "/" | "/index.html") => http::respond(
            &mut conn,
            "200 OK",
            "text/html; charset=utf-8",
            INDEX_HTML.as_bytes(),
        ),
        ("GET", "/devtools.js") => http::respond(
            &mut conn,
            "200 OK",
            "text/javascript; charset=utf-8",
            DEVTOOLS_JS.as_bytes(),
        ),
        ("GET", "/devtools.css") => http::respond(
            &mut conn,
            "200 OK",
            "text/css; charset=utf-8",
            DEVTOOLS_CSS.as_bytes(),
        ),
        ("GET", "/session") => {
            let body = export(&shared.session());
            http::respond(&mut conn, "200 OK", "application/json", body.as_bytes())
        }
        ("GET", "/events") => stream(shared, conn),
        // A JSON content type makes a cross-site POST need a preflight, which this server
        // never grants: only the page itself can send commands.
        ("POST", "/command") if request.content_type.as_deref() != Some("application/json") => {
            http::respond(
                &mut conn,
                "415 Unsupported Media Type",
                "text/plain",
                b"commands are application/json",
            )
        }
        ("POST", "/command") => {
            let (status, body) = match serde_json::from_slice::<Command>(&request.body) {
                Err(e) => ("400 Bad Request", format!("not a command: {e}")),
                Ok(command) => match shared.commands.try_send(command) {
                    Ok(()) => ("202 Accepted", "queued for the app's next pump".into()),
                    Err(TrySendError::Full(_)) => (
                        "503 Service Unavailable",
                        "the app has not pumped its queued commands yet".into(),
                    ),
                    Err(TrySendError::Disconnected(_)) => {
                        ("410 Gone", "the app stopped its devtools".into())
                    }
                },
            };
            http::respond(&mut conn, status, "text/plain", body.as_bytes())
        }
        _ => http::respond(&mut conn, "404 Not Found", "text/plain", b"not found"),
    }
}

/// Whether a `Host` header names this machine: `localhost`, a loopback address, with any port.
fn is_local_host(host: &str) -> bool {
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The session as a file: `{"format": "reactive-devtools-session", "version", "messages"}`,
/// the format the page exports and imports.
fn export(session: &Session) -> String {
    let mut out = format!(
        r#"{{"format":"reactive-devtools-session","version":{PROTOCOL_VERSION},"messages":["#
    );
    for (i, m) in session.replay().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(m);
    }
    out.push_str("]}");
    out
}

/// A live stream: the session so far, then every message as it comes.
fn stream(shared: &Shared, mut conn: TcpStream) -> io::Result<()> {
    let rx = {
        let mut session = shared.session();
        let replay: Vec<Arc<str>> = session.replay().cloned().collect();
        let (tx, rx) = sync_channel(replay.len() + STREAM_QUEUE);
        for m in replay {
            // Cannot fail: the channel has room for the whole replay.
            let _ = tx.try_send(m);
        }
        session.streams.push(tx);
        rx
    };
    conn.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
    )?;
    let mut out = io::BufWriter::new(conn);
    while !shared.stop.load(Ordering::SeqCst) {
        match rx.recv_timeout(Duration::from_millis(500)) {
            Ok(json) => {
                write!(out, "data: {json}\n\n")?;
                for json in rx.try_iter().take(256) {
                    write!(out, "data: {json}\n\n")?;
                }
            }
            // A comment line: finds out whether the page went away.
            Err(RecvTimeoutError::Timeout) => out.write_all(b": alive\n\n")?,
            Err(RecvTimeoutError::Disconnected) => break,
        }
        out.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arc(s: &str) -> Arc<str> {
        s.into()
    }

    #[test]
    fn the_latest_graph_replaces_the_previous_one_and_comes_first() {
        let mut session = Session::default();
        session.record(arc(r#"{"type":"written","id":1,"changed":true}"#));
        session.record(arc(r#"{"type":"graph","nodes":[],"edges":[]}"#));
        session.record(arc(r#"{"type":"graph","nodes":[],"edges":[[1,2]]}"#));
        let replay: Vec<&str> = session.replay().map(|m| &**m).collect();
        assert_eq!(
            replay,
            [
                r#"{"type":"graph","nodes":[],"edges":[[1,2]]}"#,
                r#"{"type":"written","id":1,"changed":true}"#
            ]
        );
    }

    #[test]
    fn the_log_keeps_only_its_newest_messages() {
        let mut session = Session::default();
        for i in 0..SESSION_LOG + 3 {
            session.record(arc(&format!(r#"{{"type":"node_disposed","id":{i}}}"#)));
        }
        assert_eq!(session.log.len(), SESSION_LOG);
        assert!(session.log[0].contains(r#""id":3}"#));
    }

    #[test]
    fn a_slow_stream_drops_and_counts_while_a_closed_one_is_forgotten() {
        let mut session = Session::default();
        let (slow, _slow_rx) = sync_channel(1);
        let (closed, closed_rx) = sync_channel(1);
        drop(closed_rx);
        session.streams = vec![slow, closed];
        let dropped = AtomicU64::new(0);
        session.broadcast(&arc("a"), &dropped);
        session.broadcast(&arc("b"), &dropped);
        assert_eq!(session.streams.len(), 1);
        assert_eq!(dropped.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn only_loopback_host_names_are_local() {
        for host in [
            "127.0.0.1:7777",
            "localhost",
            "LOCALHOST:80",
            "[::1]:7777",
            "127.0.0.2",
        ] {
            assert!(is_local_host(host), "{host}");
        }
        for host in [
            "evil.example:7777",
            "192.168.1.4:7777",
            "[fe80::1]:7777",
            "",
            "localhost.evil.example",
        ] {
            assert!(!is_local_host(host), "{host}");
        }
    }

    #[test]
    fn an_export_is_a_json_document_with_every_message() {
        let mut session = Session::default();
        session.record(arc(r#"{"type":"hello","app":"x","version":1}"#));
        session.record(arc(r#"{"type":"node_disposed","id":7}"#));
        let doc: serde_json::Value = serde_json::from_str(&export(&session)).unwrap();
        assert_eq!(doc["format"], "reactive-devtools-session");
        assert_eq!(doc["messages"][1]["id"], 7);
    }
}
