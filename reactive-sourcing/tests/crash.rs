//! Crash safety: a child process appends batches in a loop and is killed with SIGKILL at a
//! random moment, 100 times per durable backend. After each kill the store must open, verify,
//! and hold every acknowledged batch, at most one more (committed but not yet acknowledged),
//! and never part of a batch.
//!
//! The child is this test binary re-executed with `SOURCING_CRASH_CHILD` set, running only
//! `crash_child_appends_until_killed`.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use reactive_sourcing::{Append, EventStore, ExpectedVersion, JsonlStore, NewEvent, verify_chain};
use serde_json::json;

const CHILD_ENV: &str = "SOURCING_CRASH_CHILD";
const BATCH: u64 = 4;
const KILLS: u32 = 100;

fn open(backend: &str, path: &Path) -> Box<dyn EventStore> {
    match backend {
        "jsonl" => Box::new(JsonlStore::open(path).expect("the JSON Lines store opens")),
        #[cfg(feature = "sqlite")]
        "sqlite" => {
            Box::new(reactive_sourcing::SqliteStore::open(path).expect("the SQLite store opens"))
        }
        other => panic!("unknown backend {other}"),
    }
}

/// Appends one batch of `BATCH` events after the stream's current version; returns the global
/// sequence of its last event (what the child acknowledges).
fn append_batch(store: &dyn EventStore) -> u64 {
    let version = store.stream_version("ledger").expect("version");
    let batch = Append::new("ledger", ExpectedVersion::Exact(version))
        .events((1..=BATCH).map(|i| NewEvent::new("Entry", 1, json!({ "entry": version + i }))));
    store.append(batch).expect("append").sequences.end - 1
}

/// The child, when `SOURCING_CRASH_CHILD` is set: appends batches for ever, printing
/// `ack <last sequence>` after each append returns (that is, once it is durable).
///
/// Run as a normal test, the same loop runs a few rounds in this process on every durable
/// backend: each ack is one batch further, and a reopened store holds exactly what was acked.
#[test]
fn crash_child_appends_until_killed() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        let directory = tempfile::tempdir().expect("temporary directory");
        let mut backends = vec![("jsonl", "bounded.jsonl")];
        if cfg!(feature = "sqlite") {
            backends.push(("sqlite", "bounded.sqlite"));
        }
        for (backend, file) in backends {
            let path = directory.path().join(file);
            let acks: Vec<u64> = {
                let store = open(backend, &path);
                (0..5).map(|_| append_batch(&*store)).collect()
            };
            assert!(
                acks.windows(2).all(|w| w[1] == w[0] + BATCH),
                "{backend}: acks {acks:?}"
            );
            let store = open(backend, &path);
            assert_eq!(store.head().expect("head"), acks[4], "{backend}");
            assert_eq!(verify_chain(&*store).expect("chain").events, 5 * BATCH);
        }
        return;
    };
    let (backend, path) = spec.split_once(':').expect("backend:path");
    let store = open(backend, Path::new(path));
    let stdout = std::io::stdout();
    loop {
        let sequence = append_batch(&*store);
        let mut out = stdout.lock();
        writeln!(out, "ack {sequence}").expect("stdout");
        out.flush().expect("flush");
    }
}

/// The sequence in an `ack <sequence>` line (libtest may print the test's name before it on
/// the same line; a line cut short by the kill is not an ack).
fn acked(line: &str) -> Option<u64> {
    line.split_once("ack ")?.1.trim().parse().ok()
}

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % below
    }
}

fn kill_repeatedly(backend: &str, file: &str) {
    let directory = tempfile::tempdir().expect("temporary directory");
    let path = directory.path().join(file);
    let executable = std::env::current_exe().expect("test binary");
    let mut random = Lcg(0x5EED ^ file.len() as u64);
    let mut acknowledged = 0;
    let (mut unacknowledged_but_durable, mut torn_tails_repaired) = (0, 0);
    for kill in 0..KILLS {
        let mut child = Command::new(&executable)
            .args([
                "crash_child_appends_until_killed",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, format!("{backend}:{}", path.display()))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the child");
        let wanted = 1 + random.next(6);
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut seen = 0;
        while seen < wanted {
            let line = lines
                .next()
                .unwrap_or_else(|| panic!("kill {kill}: the child stopped before acking"))
                .expect("read the child's output");
            if let Some(sequence) = acked(&line) {
                acknowledged = sequence;
                seen += 1;
            }
        }
        // A random moment: the child is somewhere in its next append (or between two).
        std::thread::sleep(Duration::from_micros(random.next(3_000)));
        child.kill().expect("SIGKILL the child"); // `kill` sends SIGKILL on Unix
        child.wait().expect("reap the child");
        // Every ack the child wrote before it died counts, read or not.
        for line in lines {
            if let Some(sequence) = acked(&line.expect("read the child's output")) {
                acknowledged = sequence;
            }
        }

        if backend == "jsonl" {
            // Dropped before the next open: a JSON Lines log has one store at a time.
            let store = JsonlStore::open(&path).expect("the JSON Lines store opens");
            torn_tails_repaired += u32::from(store.open_report().damage.is_some());
        }
        let store = open(backend, &path);
        let report = verify_chain(&*store)
            .unwrap_or_else(|error| panic!("kill {kill}: the chain does not verify: {error}"));
        let head = store.head().expect("head");
        assert!(
            head >= acknowledged,
            "kill {kill}: acknowledged events were lost ({head} < {acknowledged})"
        );
        assert!(
            head <= acknowledged + BATCH,
            "kill {kill}: more than the one in-flight batch appeared"
        );
        assert_eq!(head % BATCH, 0, "kill {kill}: a batch is torn");
        assert_eq!(report.events, head);
        let last = store.read_all(head, 1).expect("read the last event");
        if let Some(last) = last.first() {
            assert_eq!(
                last.payload,
                json!({ "entry": head }),
                "kill {kill}: wrong content"
            );
        }
        unacknowledged_but_durable += u32::from(head > acknowledged);
        acknowledged = head;
    }
    eprintln!(
        "{backend}: {KILLS} kills; {unacknowledged_but_durable} left a committed but \
         unacknowledged batch, {torn_tails_repaired} left a torn write (repaired)"
    );
    assert!(acknowledged >= u64::from(KILLS) * BATCH);
}

#[test]
fn jsonl_store_survives_100_sigkills_with_every_acknowledged_batch() {
    kill_repeatedly("jsonl", "ledger.jsonl");
}

#[cfg(feature = "sqlite")]
#[test]
fn sqlite_store_survives_100_sigkills_with_every_acknowledged_batch() {
    kill_repeatedly("sqlite", "ledger.sqlite");
}
