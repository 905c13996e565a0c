//! Real processes on loopback: a `reactive-sync-server` process and 3 client processes (this
//! test binary run with `--client`) make random edits; the orchestrator kills clients and the
//! server with SIGKILL at random moments (seeded; the seed is printed) and restarts them. At
//! the end every client and the server hold the same document, and every edit a client saw
//! acknowledged is in it.
//!
//! `harness = false`: `main` is the orchestrator, or a client when its first argument is
//! `--client`. `E2E_SEED=n` replays a run.

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use loro::LoroDoc;
use reactive_sync::client::{ClientConfig, Connection, SyncClient};

const CLIENTS: usize = 3;
const CHAOS: Duration = Duration::from_secs(10);

/// A small seeded generator (xorshift64*): the run is reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--client") {
        client_main(&args[2..]);
    } else {
        orchestrate();
    }
}

fn items(doc: &LoroDoc) -> Vec<String> {
    let value = doc
        .get_list("items")
        .get_deep_value()
        .into_list()
        .expect("a list");
    value
        .iter()
        .map(|v| {
            v.clone()
                .into_string()
                .map(|s| s.to_string())
                .unwrap_or_default()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The client process: `--client URL NAME GEN DIR SEED`.

fn client_main(args: &[String]) {
    let [url, name, generation, dir, seed] = args else {
        panic!("usage: --client URL NAME GEN DIR SEED");
    };
    let dir = PathBuf::from(dir);
    let tag = format!("{name}-{generation}");
    let mut rng = Rng(seed.parse::<u64>().expect("seed") | 1);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async move {
        let doc = LoroDoc::new();
        let client = SyncClient::start(ClientConfig::new(url, name, "e2e"), doc.clone());
        let peer = doc.peer_id();
        let mut acked_log = fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join(format!("acked-{tag}")))
            .unwrap();
        // (edit, the counter its operation ends at): written to the log once acknowledged.
        let mut unacked: Vec<(String, i32)> = Vec::new();
        let mut record_acked = |unacked: &mut Vec<(String, i32)>, client: &SyncClient| {
            let acked = client
                .status()
                .acknowledged
                .get(&peer)
                .copied()
                .unwrap_or(0);
            unacked.retain(|(edit, end)| {
                if *end <= acked {
                    writeln!(acked_log, "{edit}").unwrap();
                    false
                } else {
                    true
                }
            });
            acked_log.flush().unwrap();
        };
        let mut n = 0;
        while !dir.join("stop").exists() {
            let edit = format!("{tag}-{n}");
            n += 1;
            let list = doc.get_list("items");
            let at = rng.below(list.len() as u64 + 1) as usize;
            list.insert(at, edit.as_str()).unwrap();
            doc.commit();
            unacked.push((edit, doc.oplog_vv().get(&peer).copied().unwrap_or(0)));
            record_acked(&mut unacked, &client);
            tokio::time::sleep(Duration::from_millis(5 + rng.below(25))).await;
        }
        tokio::time::timeout(Duration::from_secs(30), client.wait_acknowledged())
            .await
            .expect("every edit acknowledged after the chaos");
        record_acked(&mut unacked, &client);
        assert!(unacked.is_empty());
        fs::write(dir.join(format!("done-{tag}")), b"").unwrap();

        while !dir.join("final").exists() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Everyone is done: a fresh handshake brings whatever this client still lacks.
        let sessions = client.status().sessions;
        client.reconnect();
        let mut status = client.watch_status();
        status
            .wait_for(|s| {
                s.sessions > sessions && matches!(s.connection, Connection::Online { .. })
            })
            .await
            .unwrap();
        fs::write(dir.join(format!("state-{name}")), items(&doc).join("\n")).unwrap();
        client.shutdown().await;
    });
}

// ---------------------------------------------------------------------------------------------
// The orchestrator.

struct Server {
    child: Child,
}

fn start_server(addr: &str, db: &Path) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_reactive-sync-server"))
        .args(["--listen", addr, "--db"])
        .arg(db)
        .args(["--compact-every", "50"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the server");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("listening on"), "the server said {line:?}");
    Server { child }
}

fn start_client(url: &str, name: &str, generation: u32, dir: &Path, seed: u64) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--client", url, name, &generation.to_string()])
        .arg(dir)
        .arg(seed.to_string())
        .spawn()
        .expect("start a client")
}

fn orchestrate() {
    let seed = std::env::var("E2E_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("e2e_processes: seed {seed} (E2E_SEED={seed} replays the kill schedule)");
    let mut rng = Rng(seed | 1);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.sqlite");
    let addr = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().to_string()
    };
    let url = format!("ws://{addr}");
    let mut server = start_server(&addr, &db);
    let names = ["ann", "ben", "cat"];
    let mut generations = [0u32; CLIENTS];
    let mut clients: Vec<Child> = names
        .iter()
        .map(|n| start_client(&url, n, 0, dir.path(), rng.next()))
        .collect();

    let (mut client_kills, mut server_kills) = (0, 0);
    let start = Instant::now();
    let mut step = 0;
    while start.elapsed() < CHAOS {
        std::thread::sleep(Duration::from_millis(300 + rng.below(600)));
        // Make sure both kinds of kill happen at least once, then choose at random.
        let kill_server = match step {
            1 => true,
            2 => false,
            _ => rng.below(3) == 0,
        };
        step += 1;
        if kill_server {
            server.child.kill().unwrap();
            server.child.wait().unwrap();
            server_kills += 1;
            std::thread::sleep(Duration::from_millis(50 + rng.below(300)));
            server = start_server(&addr, &db);
        } else {
            let i = rng.below(CLIENTS as u64) as usize;
            clients[i].kill().unwrap();
            clients[i].wait().unwrap();
            client_kills += 1;
            generations[i] += 1;
            clients[i] = start_client(&url, names[i], generations[i], dir.path(), rng.next());
        }
    }
    println!("e2e_processes: {client_kills} client kills, {server_kills} server kills");

    fs::write(dir.path().join("stop"), b"").unwrap();
    let deadline = Instant::now() + Duration::from_secs(40);
    for (i, name) in names.iter().enumerate() {
        let done = dir.path().join(format!("done-{name}-{}", generations[i]));
        while !done.exists() {
            assert!(
                Instant::now() < deadline,
                "client {name} never got its edits acknowledged"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    fs::write(dir.path().join("final"), b"").unwrap();
    for (i, child) in clients.iter_mut().enumerate() {
        let status = child.wait().unwrap();
        assert!(status.success(), "client {} failed: {status}", names[i]);
    }

    // The server's own view, through a fresh in-process client.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let on_server = runtime.block_on(async {
        let client = SyncClient::start(ClientConfig::new(&url, "checker", "e2e"), LoroDoc::new());
        assert!(matches!(
            client.wait_online().await,
            Connection::Online { .. }
        ));
        let items = items(client.doc());
        client.shutdown().await;
        items
    });
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    for name in names {
        let state = fs::read_to_string(dir.path().join(format!("state-{name}"))).unwrap();
        let state: Vec<&str> = state.split('\n').filter(|s| !s.is_empty()).collect();
        assert_eq!(
            state, on_server,
            "client {name} did not converge with the server (seed {seed})"
        );
    }
    let present: BTreeSet<&str> = on_server.iter().map(String::as_str).collect();
    let mut acked = 0;
    for entry in fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if !path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("acked-")
        {
            continue;
        }
        // A killed client may have died mid-line: only whole lines count.
        let text = fs::read_to_string(&path).unwrap();
        for edit in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
            let edit = edit.trim_end();
            acked += 1;
            assert!(
                present.contains(edit),
                "acknowledged edit {edit} was lost (seed {seed})"
            );
        }
    }
    assert!(
        acked > 100,
        "only {acked} acknowledged edits: the run did too little (seed {seed})"
    );
    println!(
        "e2e_processes: ok: {} items on the server, {acked} acknowledged edits all present, 3 clients converged",
        on_server.len()
    );
}
