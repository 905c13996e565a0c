//! A cluster of real processes: three `reactive-sync-server` nodes sharing PostgreSQL and NATS,
//! one editing client per node (in this process), one document. Stages, on the same document:
//!
//! 1. clients on different nodes converge;
//! 2. a node is killed with SIGKILL mid-stream: its client moves to another node and resumes;
//!    the node restarts and serves everything from the shared storage;
//! 3. NATS is killed and restarted mid-stream;
//! 4. PostgreSQL is crashed (immediate shutdown) and restarted mid-stream.
//!
//! After each stage every client's edits are acknowledged, every client and every node hold
//! the same list, and every edit a client saw acknowledged is in it.
//!
//! `harness = false`: needs `REACTIVE_POSTGRES_URL` and `REACTIVE_NATS_URL` (and, for stages 3
//! and 4, `REACTIVE_NATS_RESTART` and `REACTIVE_POSTGRES_RESTART`), as `.ci/postgres.sh start`
//! and `.ci/nats.sh start` print them. Without them the test says so and passes, unless
//! `REACTIVE_REQUIRE_NATS=1` (CI), where it fails. `CLUSTER_SEED=n` replays the edit positions.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use loro::LoroDoc;
use reactive_sync::client::{ClientConfig, Connection, SyncClient};

/// A small seeded generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }
}

struct Env {
    postgres: String,
    nats: String,
    restart_nats: Option<String>,
    restart_postgres: Option<String>,
}

fn environment() -> Option<Env> {
    let required = std::env::var("REACTIVE_REQUIRE_NATS").is_ok_and(|v| v == "1");
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let (Some(postgres), Some(nats)) = (var("REACTIVE_POSTGRES_URL"), var("REACTIVE_NATS_URL"))
    else {
        assert!(
            !required,
            "REACTIVE_REQUIRE_NATS=1 but REACTIVE_POSTGRES_URL or REACTIVE_NATS_URL is unset: \
             the cluster tests cannot run"
        );
        println!(
            "cluster_processes: SKIPPED: set REACTIVE_POSTGRES_URL and REACTIVE_NATS_URL \
             (eval \"$(.ci/postgres.sh start)\"; eval \"$(.ci/nats.sh start)\") to run it"
        );
        return None;
    };
    let env = Env {
        postgres,
        nats,
        restart_nats: var("REACTIVE_NATS_RESTART"),
        restart_postgres: var("REACTIVE_POSTGRES_RESTART"),
    };
    assert!(
        !required || (env.restart_nats.is_some() && env.restart_postgres.is_some()),
        "REACTIVE_REQUIRE_NATS=1 but a restart command is unset"
    );
    Some(env)
}

/// A server node: a child process on a fixed port (so it can restart on it).
struct Node {
    port: u16,
    child: Option<Child>,
}

impl Node {
    fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    fn start(&mut self, env: &Env) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_reactive-sync-server"))
            .args(["--listen", &format!("127.0.0.1:{}", self.port)])
            .args(["--postgres", &env.postgres, "--nats", &env.nats])
            .args(["--compact-every", "40", "--catch-up-ms", "500"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start a node");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped"))
            .read_line(&mut line)
            .expect("the node's first line");
        assert!(line.starts_with("listening on"), "the node said {line:?}");
        self.child = Some(child);
    }

    /// SIGKILL: no goodbye to clients, NATS or PostgreSQL.
    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    probe.local_addr().expect("its address").port()
}

fn items(doc: &LoroDoc) -> Vec<String> {
    let value = doc.get_list("items").get_deep_value();
    let list = value.into_list().expect("a list");
    list.iter()
        .map(|v| {
            v.clone()
                .into_string()
                .map(|s| s.to_string())
                .unwrap_or_default()
        })
        .collect()
}

/// One editing client: its document outlives the connection, which can move between nodes.
struct Editor {
    name: &'static str,
    doc: LoroDoc,
    client: Option<SyncClient>,
    /// (edit, the counter its operation ends at), not yet seen acknowledged.
    unacked: Vec<(String, i32)>,
    made: usize,
}

struct Run {
    document: String,
    editors: Vec<Editor>,
    acked: BTreeSet<String>,
    rng: Rng,
}

impl Run {
    fn connect(&mut self, editor: usize, url: &str) {
        let e = &mut self.editors[editor];
        let config = ClientConfig::new(url, e.name, &self.document);
        e.client = Some(SyncClient::start(config, e.doc.clone()));
    }

    /// Moves an editor to another node: the new connection resumes from its document's version
    /// vector, so what the dead node never acknowledged is sent again.
    async fn move_to(&mut self, editor: usize, url: &str) {
        if let Some(client) = self.editors[editor].client.take() {
            client.shutdown().await;
        }
        self.connect(editor, url);
    }

    fn record_acked(&mut self) {
        for e in &mut self.editors {
            let Some(client) = &e.client else { continue };
            let peer = e.doc.peer_id();
            let acked = client
                .status()
                .acknowledged
                .get(&peer)
                .copied()
                .unwrap_or(0);
            let acked_set = &mut self.acked;
            e.unacked.retain(|(edit, end)| {
                let done = *end <= acked;
                if done {
                    acked_set.insert(edit.clone());
                }
                !done
            });
        }
    }

    /// Every editor inserts an item at a random place every ~10 ms for `time`.
    async fn edit_for(&mut self, time: Duration) {
        let until = Instant::now() + time;
        while Instant::now() < until {
            for i in 0..self.editors.len() {
                let at = self
                    .rng
                    .below(self.editors[i].doc.get_list("items").len() as u64 + 1);
                let e = &mut self.editors[i];
                let edit = format!("{}-{}", e.name, e.made);
                e.made += 1;
                e.doc
                    .get_list("items")
                    .insert(at as usize, edit.as_str())
                    .expect("insert");
                e.doc.commit();
                let end = e.doc.oplog_vv().get(&e.doc.peer_id()).copied().unwrap_or(0);
                e.unacked.push((edit, end));
            }
            self.record_acked();
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until every edit is acknowledged and every editor holds the same list; then
    /// checks each live node's view through a fresh client, and that nothing acknowledged is
    /// missing. Returns the list.
    async fn settle(&mut self, stage: &str, nodes: &[&Node]) -> Vec<String> {
        for e in &self.editors {
            let client = e.client.as_ref().expect("connected");
            tokio::time::timeout(Duration::from_secs(30), client.wait_acknowledged())
                .await
                .unwrap_or_else(|_| panic!("{stage}: {}'s edits never acknowledged", e.name));
        }
        self.record_acked();
        for e in &self.editors {
            assert!(
                e.unacked.is_empty(),
                "{stage}: {} has unacknowledged edits",
                e.name
            );
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        let converged = loop {
            let first = items(&self.editors[0].doc);
            if self.editors.iter().all(|e| items(&e.doc) == first) {
                break first;
            }
            assert!(
                Instant::now() < deadline,
                "{stage}: the clients did not converge in 20 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        for node in nodes {
            let config = ClientConfig::new(&node.url(), "checker", &self.document);
            let checker = SyncClient::start(config, LoroDoc::new());
            let online = tokio::time::timeout(Duration::from_secs(20), checker.wait_online())
                .await
                .unwrap_or_else(|_| panic!("{stage}: node {} unreachable", node.port));
            assert!(matches!(online, Connection::Online { .. }));
            assert_eq!(
                items(checker.doc()),
                converged,
                "{stage}: node {} serves another list than its clients hold",
                node.port
            );
            checker.shutdown().await;
        }
        let present: BTreeSet<&String> = converged.iter().collect();
        for edit in &self.acked {
            assert!(
                present.contains(edit),
                "{stage}: acknowledged edit {edit} was lost"
            );
        }
        println!(
            "cluster_processes: {stage}: ok, {} items, {} acknowledged edits all present",
            converged.len(),
            self.acked.len()
        );
        converged
    }
}

/// Runs a restart command (`.ci/*.sh restart DIR`) in the background.
fn restart(command: &str) -> tokio::task::JoinHandle<bool> {
    let command = command.to_owned();
    tokio::task::spawn_blocking(move || {
        Command::new("sh")
            .args(["-c", &command])
            .status()
            .is_ok_and(|s| s.success())
    })
}

fn main() {
    let Some(env) = environment() else { return };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos() as u64;
    let seed = std::env::var("CLUSTER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(nanos);
    println!("cluster_processes: seed {seed} (CLUSTER_SEED={seed} replays the edit positions)");
    let started = Instant::now();
    let mut nodes: Vec<Node> = (0..3)
        .map(|_| Node {
            port: free_port(),
            child: None,
        })
        .collect();
    for node in &mut nodes {
        node.start(&env);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let mut run = Run {
            // A fresh document per run: the database may hold earlier runs' documents.
            document: format!("cluster-{nanos}"),
            editors: ["ann", "ben", "cat"]
                .into_iter()
                .map(|name| Editor {
                    name,
                    doc: LoroDoc::new(),
                    client: None,
                    unacked: Vec::new(),
                    made: 0,
                })
                .collect(),
            acked: BTreeSet::new(),
            rng: Rng(seed | 1),
        };
        for (i, node) in nodes.iter().enumerate() {
            run.connect(i, &node.url());
        }

        run.edit_for(Duration::from_millis(1000)).await;
        run.settle("clients on three nodes", &[&nodes[0], &nodes[1], &nodes[2]])
            .await;

        run.edit_for(Duration::from_millis(500)).await;
        nodes[0].kill();
        run.edit_for(Duration::from_millis(300)).await;
        let survivor = nodes[1].url();
        run.move_to(0, &survivor).await;
        run.edit_for(Duration::from_millis(500)).await;
        run.settle("kill -9 of a node", &[&nodes[1], &nodes[2]])
            .await;
        nodes[0].start(&env);
        run.settle("the killed node restarted", &[&nodes[0]]).await;

        if let Some(command) = &env.restart_nats {
            let restarting = restart(command);
            run.edit_for(Duration::from_millis(1500)).await;
            assert!(restarting.await.expect("joined"), "restarting NATS failed");
            run.edit_for(Duration::from_millis(300)).await;
            run.settle("NATS restarted", &[&nodes[0], &nodes[1], &nodes[2]])
                .await;
        } else {
            println!("cluster_processes: NATS restart SKIPPED: REACTIVE_NATS_RESTART unset");
        }

        if let Some(command) = &env.restart_postgres {
            let restarting = restart(command);
            run.edit_for(Duration::from_millis(1500)).await;
            assert!(
                restarting.await.expect("joined"),
                "restarting PostgreSQL failed"
            );
            run.edit_for(Duration::from_millis(300)).await;
            run.settle("PostgreSQL restarted", &[&nodes[0], &nodes[1], &nodes[2]])
                .await;
        } else {
            println!(
                "cluster_processes: PostgreSQL restart SKIPPED: REACTIVE_POSTGRES_RESTART unset"
            );
        }

        for e in &mut run.editors {
            if let Some(client) = e.client.take() {
                client.shutdown().await;
            }
        }
    });
    println!(
        "cluster_processes: ok in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}
