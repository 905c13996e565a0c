//! Sync: reactive-sync's server and client beside Yjs with the y-websocket server under Node
//! (`benches/js/sync.mjs`), the same workloads in one run (see `benches/README.md`, "Sync"):
//!
//! - **shared**: K clients × M edits on one document, through the server on loopback. In each
//!   round every client sets its own entry of a shared map to the round number; the round ends
//!   when every client has applied every other client's edit. Latency: from the edit to its
//!   application on each other client (p50, p99); updates per second: K × M over the time of
//!   all rounds; bytes on the wire: WebSocket payloads sent and received by all clients.
//! - **initial sync**: a writer types N characters (one commit each) offline and uploads them;
//!   a fresh client's initial sync is timed until it holds all of them.
//! - **memory**: D documents, each with one connected client that made E edits; the server
//!   process's resident memory after, minus before, divided by D.
//!
//! Our server runs in a child process (the report binary with [`SERVE_FLAG`]), like
//! y-websocket's, so that its memory can be read from `/proc`. It stores every update in SQLite
//! before it acknowledges (a file on `/dev/shm` where there is one, so `fsync` costs nothing);
//! y-websocket keeps documents in memory only.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reactive_sync::client::{ClientConfig, SyncClient};
use reactive_sync::loro::event::Diff;
use reactive_sync::loro::{EventTriggerKind, LoroDoc, LoroValue, ValueOrContainer};
use reactive_sync::server::{SqliteStorage, SyncServer};
use reactive_sync::tokio;
use reactive_sync::tokio::sync::Notify;

/// The first argument that makes the report binary our sync server: `report --sync-serve DB`.
pub const SERVE_FLAG: &str = "--sync-serve";

/// Workload sizes (the same table as `js/sync.mjs`).
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// Clients on the shared document (K).
    pub clients: usize,
    /// Rounds of edits per client (M).
    pub edits: usize,
    /// One-character commits in the large document.
    pub ops: usize,
    /// Documents open at once for the memory figure.
    pub documents: usize,
    /// Edits per document for the memory figure.
    pub doc_edits: usize,
}

/// `--check` sizes: seconds, every check.
const CHECK: Sizes = Sizes {
    clients: 3,
    edits: 10,
    ops: 1_000,
    documents: 5,
    doc_edits: 10,
};
/// `--quick` sizes.
const QUICK: Sizes = Sizes {
    clients: 4,
    edits: 100,
    ops: 20_000,
    documents: 50,
    doc_edits: 50,
};
/// Full sizes.
const FULL: Sizes = Sizes {
    clients: 8,
    edits: 500,
    ops: 100_000,
    documents: 200,
    doc_edits: 100,
};

/// One side's figures.
#[derive(Debug, Default, Clone)]
pub struct Figures {
    p50_ms: f64,
    p99_ms: f64,
    updates_per_s: f64,
    shared_bytes: f64,
    sync_ms: f64,
    sync_bytes: f64,
    bytes_per_document: f64,
}

/// The section's measurements.
pub struct SyncReport {
    sizes: Sizes,
    ours: Result<Figures, String>,
    /// Yjs's figures, or why there are none.
    yjs: Result<Figures, String>,
}

/// Whether CI asked for the Node peers to be present (`REACTIVE_REQUIRE_NODE=1`).
fn node_required() -> bool {
    std::env::var_os("REACTIVE_REQUIRE_NODE").is_some_and(|v| v == "1")
}

/// `--check`: both sides run the workloads at tiny sizes and converge (each side checks every
/// client's final state); Yjs is skipped with a message where Node is missing.
pub fn check(js_dir: &Path, no_js: bool) -> bool {
    let mut ok = match measure_ours(CHECK) {
        Ok(_) => {
            eprintln!(
                "ok   sync/reactive-sync: shared, initial sync and memory workloads converge"
            );
            true
        }
        Err(why) => {
            eprintln!("FAIL sync/reactive-sync: {why}");
            false
        }
    };
    if no_js {
        return ok;
    }
    match measure_yjs(js_dir, "--check") {
        Ok(_) => eprintln!("ok   sync (Yjs + y-websocket): sync.mjs --check"),
        Err(why) if node_required() => {
            eprintln!("FAIL sync (Yjs + y-websocket): {why} (REACTIVE_REQUIRE_NODE=1)");
            ok = false;
        }
        Err(why) => eprintln!("skip sync (Yjs + y-websocket): {why}"),
    }
    ok
}

/// Full or quick run of both sides.
pub fn measure_all(quick: bool, no_js: bool, js_dir: &Path) -> SyncReport {
    let sizes = if quick { QUICK } else { FULL };
    let ours = measure_ours(sizes);
    if let Err(why) = &ours {
        eprintln!("report: sync (reactive-sync) failed: {why}");
    }
    let yjs = if no_js {
        Err("--no-js".to_owned())
    } else {
        measure_yjs(js_dir, if quick { "--quick" } else { "" })
    };
    SyncReport { sizes, ours, yjs }
}

/// `report --sync-serve DB`: our server on 127.0.0.1, a free port, printed as
/// `listening on ws://ADDR`; runs until killed.
pub fn serve_main(mut args: impl Iterator<Item = String>) -> ExitCode {
    let Some(db) = args.next() else {
        eprintln!("usage: report {SERVE_FLAG} <database file>");
        return ExitCode::FAILURE;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build();
    let Ok(runtime) = runtime else {
        eprintln!("report: no tokio runtime");
        return ExitCode::FAILURE;
    };
    runtime.block_on(async {
        let storage = match SqliteStorage::open(Path::new(&db)) {
            Ok(storage) => storage,
            Err(e) => {
                eprintln!("report: cannot open {db}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
            Ok(listener) => listener,
            Err(e) => {
                eprintln!("report: cannot listen: {e}");
                return ExitCode::FAILURE;
            }
        };
        let Ok(addr) = listener.local_addr() else {
            return ExitCode::FAILURE;
        };
        println!("listening on ws://{addr}");
        let _ = std::io::stdout().flush();
        SyncServer::new(storage).serve(listener).await;
        ExitCode::SUCCESS
    })
}

/// Our server in a child process; killed on drop.
struct ServerProcess {
    child: Child,
    url: String,
    _dir: tempfile::TempDir,
}

impl ServerProcess {
    fn start() -> Result<ServerProcess, String> {
        // On tmpfs where there is one: y-websocket persists nothing, so the comparison is of
        // the sync machinery, not of the disk's `fsync`.
        let dir = tempfile::tempdir_in("/dev/shm")
            .or_else(|_| tempfile::tempdir())
            .map_err(|e| e.to_string())?;
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut child = Command::new(exe)
            .arg(SERVE_FLAG)
            .arg(dir.path().join("sync.sqlite"))
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let mut line = String::new();
        if let Some(stdout) = child.stdout.take() {
            let _ = BufReader::new(stdout).read_line(&mut line);
        }
        let Some(url) = line.trim().strip_prefix("listening on ") else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("the server said {line:?}"));
        };
        let url = url.to_owned();
        Ok(ServerProcess {
            child,
            url,
            _dir: dir,
        })
    }

    fn rss(&self) -> f64 {
        rss(self.child.id())
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident bytes of process `pid` (0 where `/proc` is missing).
fn rss(pid: u32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb * 1024.0)
}

fn measure_ours(sizes: Sizes) -> Result<Figures, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let server = ServerProcess::start()?;
    runtime.block_on(async {
        let mut figures = Figures::default();
        shared(&server.url, sizes, &mut figures).await?;
        initial_sync(&server.url, sizes, &mut figures).await?;
        memory(&server, sizes, &mut figures).await?;
        Ok(figures)
    })
}

/// Waits until `done`, woken by `wake` (at most every 10 ms), at most 60 s.
async fn until(wake: &Notify, what: &str, mut done: impl FnMut() -> bool) -> Result<(), String> {
    let start = Instant::now();
    while !done() {
        if start.elapsed() > Duration::from_secs(60) {
            return Err(format!("timed out waiting for {what}"));
        }
        let _ = tokio::time::timeout(Duration::from_millis(10), wake.notified()).await;
    }
    Ok(())
}

/// When each client made each edit, the latencies seen so far, and a wake-up for the waiter.
struct Clock {
    start: Instant,
    sent: Mutex<Vec<Vec<f64>>>,
    latencies: Mutex<Vec<f64>>,
    applied: AtomicUsize,
    wake: Notify,
}

impl Clock {
    fn now_ms(&self) -> f64 {
        self.start.elapsed().as_secs_f64() * 1e3
    }

    /// A remote update applied on some client: one latency per `c<writer>` entry it set.
    fn applied(&self, diff: &Diff) {
        let now = self.now_ms();
        let Diff::Map(delta) = diff else { return };
        for (key, value) in &delta.updated {
            let Some(ValueOrContainer::Value(LoroValue::I64(round))) = value else {
                continue;
            };
            let Some(writer) = key.strip_prefix('c').and_then(|k| k.parse::<usize>().ok()) else {
                continue;
            };
            let sent = self.sent.lock().map_or(now, |s| {
                s.get(writer)
                    .and_then(|w| w.get(usize::try_from(*round).ok()?))
                    .copied()
                    .unwrap_or(now)
            });
            if let Ok(mut l) = self.latencies.lock() {
                l.push(now - sent);
            }
            self.applied.fetch_add(1, Ordering::Release);
        }
        self.wake.notify_one();
    }
}

async fn shared(url: &str, sizes: Sizes, out: &mut Figures) -> Result<(), String> {
    let (k_clients, m_edits) = (sizes.clients, sizes.edits);
    let clock = Arc::new(Clock {
        start: Instant::now(),
        sent: Mutex::new(vec![vec![0.0; m_edits]; k_clients]),
        latencies: Mutex::new(Vec::with_capacity(k_clients * m_edits * k_clients)),
        applied: AtomicUsize::new(0),
        wake: Notify::new(),
    });
    let mut clients = Vec::new();
    let mut subscriptions = Vec::new();
    for k in 0..k_clients {
        let doc = LoroDoc::new();
        doc.set_peer_id(k as u64 + 1).map_err(|e| e.to_string())?;
        let c = clock.clone();
        subscriptions.push(doc.subscribe_root(Arc::new(move |event| {
            if event.triggered_by == EventTriggerKind::Import {
                event.events.iter().for_each(|e| c.applied(&e.diff));
            }
        })));
        let client = SyncClient::start(ClientConfig::new(url, "bench", "shared"), doc);
        client.wait_online().await;
        clients.push(client);
    }
    let base: Vec<(u64, u64)> = clients.iter().map(byte_counts).collect();
    let start = Instant::now();
    for m in 0..m_edits {
        for (k, client) in clients.iter().enumerate() {
            if let Ok(mut s) = clock.sent.lock() {
                s[k][m] = clock.now_ms();
            }
            let doc = client.doc();
            doc.get_map("edits")
                .insert(&format!("c{k}"), m as i64)
                .map_err(|e| e.to_string())?;
            doc.commit();
        }
        let target = (m + 1) * k_clients * (k_clients - 1);
        until(&clock.wake, "a round of edits", || {
            clock.applied.load(Ordering::Acquire) >= target
        })
        .await?;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let bytes: u64 = clients
        .iter()
        .zip(&base)
        .map(|(c, (s, r))| {
            let (s2, r2) = byte_counts(c);
            (s2 - s) + (r2 - r)
        })
        .sum();
    for client in &clients {
        let map = client.doc().get_map("edits");
        for k in 0..k_clients {
            let value = map.get(&format!("c{k}"));
            let last = m_edits as i64 - 1;
            if !matches!(value, Some(ValueOrContainer::Value(LoroValue::I64(v))) if v == last) {
                return Err(format!("a client sees c{k} = {value:?}, expected {last}"));
            }
        }
    }
    drop(subscriptions);
    for client in clients {
        client.shutdown().await;
    }
    let mut latencies = std::mem::take(&mut *clock.latencies.lock().map_err(|e| e.to_string())?);
    latencies.sort_by(f64::total_cmp);
    out.p50_ms = percentile(&latencies, 0.5);
    out.p99_ms = percentile(&latencies, 0.99);
    out.updates_per_s = (k_clients * m_edits) as f64 / elapsed;
    out.shared_bytes = bytes as f64;
    Ok(())
}

fn byte_counts(client: &SyncClient) -> (u64, u64) {
    let s = client.status();
    (s.bytes_sent, s.bytes_received)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((p * sorted.len() as f64) as usize).min(sorted.len() - 1)]
}

async fn initial_sync(url: &str, sizes: Sizes, out: &mut Figures) -> Result<(), String> {
    let writer_doc = LoroDoc::new();
    let text = writer_doc.get_text("body");
    for i in 0..sizes.ops {
        let c = char::from(b'a' + (i % 26) as u8).to_string();
        text.insert(text.len_unicode(), &c)
            .map_err(|e| e.to_string())?;
        writer_doc.commit();
    }
    let writer = SyncClient::start(ClientConfig::new(url, "bench", "large"), writer_doc.clone());
    writer.wait_acknowledged().await;
    let reader_doc = LoroDoc::new();
    let wake = Arc::new(Notify::new());
    let woken = wake.clone();
    let _subscription = reader_doc.subscribe_root(Arc::new(move |_| woken.notify_one()));
    let start = Instant::now();
    let reader = SyncClient::start(ClientConfig::new(url, "bench", "large"), reader_doc.clone());
    let body = reader_doc.get_text("body");
    until(&wake, "the initial sync", || {
        body.len_unicode() == sizes.ops
    })
    .await?;
    out.sync_ms = start.elapsed().as_secs_f64() * 1e3;
    let (s, r) = byte_counts(&reader);
    out.sync_bytes = (s + r) as f64;
    if body.to_string() != text.to_string() {
        return Err("the large document differs after sync".into());
    }
    reader.shutdown().await;
    writer.shutdown().await;
    Ok(())
}

async fn memory(server: &ServerProcess, sizes: Sizes, out: &mut Figures) -> Result<(), String> {
    let before = server.rss();
    let mut clients = Vec::new();
    for d in 0..sizes.documents {
        let doc = LoroDoc::new();
        let config = ClientConfig::new(&server.url, "bench", &format!("doc{d}"));
        let client = SyncClient::start(config, doc.clone());
        let map = doc.get_map("edits");
        for e in 0..sizes.doc_edits {
            map.insert(&format!("k{}", e % 10), e as i64)
                .map_err(|e| e.to_string())?;
            doc.commit();
        }
        clients.push(client);
    }
    for client in &clients {
        client.wait_acknowledged().await;
    }
    let after = server.rss();
    out.bytes_per_document = (after - before).max(0.0) / sizes.documents as f64;
    for client in clients {
        client.shutdown().await;
    }
    Ok(())
}

/// Runs `sync.mjs` (after `npm ci` when `@y/websocket-server` is missing).
fn measure_yjs(dir: &Path, mode: &str) -> Result<Figures, String> {
    Command::new("node")
        .arg("--version")
        .output()
        .map_err(|_| "`node` not found".to_owned())?;
    if !dir.join("node_modules/@y/websocket-server").is_dir() {
        eprintln!(
            "report: {} has no @y/websocket-server; running `npm ci`",
            dir.display()
        );
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .stdout(Stdio::null())
            .status()
            .map_err(|_| "y-websocket missing and `npm` not found".to_owned())?;
        if !status.success() {
            return Err(format!(
                "y-websocket missing and `npm ci` failed ({status})"
            ));
        }
    }
    let mut command = Command::new("node");
    command.arg(dir.join("sync.mjs"));
    if !mode.is_empty() {
        command.arg(mode);
    }
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("node failed to start: {e}"))?;
    if !output.status.success() {
        return Err(format!("sync.mjs failed ({})", output.status));
    }
    let v: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("sync.mjs printed no JSON: {e}"))?;
    let f = |path: &str| {
        v.pointer(path)
            .and_then(serde_json::Value::as_f64)
            .ok_or_else(|| format!("sync.mjs printed no {path}"))
    };
    Ok(Figures {
        p50_ms: f("/shared/p50_ms")?,
        p99_ms: f("/shared/p99_ms")?,
        updates_per_s: f("/shared/updates_per_s")?,
        shared_bytes: f("/shared/wire_bytes")?,
        sync_ms: f("/initial_sync/ms")?,
        sync_bytes: f("/initial_sync/wire_bytes")?,
        bytes_per_document: f("/memory/bytes_per_document")?,
    })
}

/// The section: one table, ours beside Yjs's, and why a column is empty.
pub fn render(report: &SyncReport, out: &mut String) {
    let s = report.sizes;
    let _ = writeln!(out, "\n## Sync: reactive-sync beside Yjs + y-websocket\n");
    let _ = writeln!(
        out,
        "Both servers in their own process on loopback (ours persists every update to SQLite \
         before acknowledging; y-websocket keeps documents in memory). {} clients × {} edits \
         on one shared document; initial sync of one document of {} one-character commits; \
         server memory over {} documents of {} edits each. Workloads and fairness notes: \
         `README.md`, \"Sync\".\n",
        s.clients, s.edits, s.ops, s.documents, s.doc_edits
    );
    let _ = writeln!(
        out,
        "| figure | reactive-sync | Yjs + y-websocket | ours ÷ theirs |\n|---|---|---|---|"
    );
    type Get = fn(&Figures) -> f64;
    let rows: [(&str, Get); 7] = [
        ("edit → remote apply, p50 (ms)", |f| f.p50_ms),
        ("edit → remote apply, p99 (ms)", |f| f.p99_ms),
        ("updates per second (shared document)", |f| f.updates_per_s),
        ("bytes on the wire, shared document (all clients)", |f| {
            f.shared_bytes
        }),
        ("initial sync of the large document (ms)", |f| f.sync_ms),
        ("bytes on the wire, initial sync", |f| f.sync_bytes),
        ("server memory per document (bytes, RSS)", |f| {
            f.bytes_per_document
        }),
    ];
    for (name, get) in rows {
        let ours = report.ours.as_ref().ok().map(get);
        let theirs = report.yjs.as_ref().ok().map(get);
        let ratio = match (ours, theirs) {
            (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
            _ => "—".to_owned(),
        };
        let _ = writeln!(
            out,
            "| {name} | {} | {} | {ratio} |",
            format_num(ours),
            format_num(theirs)
        );
    }
    if let Err(why) = &report.ours {
        let _ = writeln!(out, "\nreactive-sync column empty: {why}.");
    }
    if let Err(why) = &report.yjs {
        let _ = writeln!(out, "\nYjs column empty: {why}.");
    }
}

fn format_num(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() && v >= 1000.0 => format!("{v:.0}"),
        Some(v) if v.is_finite() => format!("{v:.2}"),
        _ => "—".to_owned(),
    }
}
