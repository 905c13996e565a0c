//! Redux DevTools compatibility, against the real server: `@redux-devtools/cli` (pinned with its
//! lock file in `tests/redux/`, installed with `npm ci`, scripts off) runs under Node; a store
//! connects to it with `ReduxDevtools`; `tests/redux/monitor.mjs` plays the monitor with
//! `socketcluster-client` (pinned) as the Redux DevTools app does: it sees the store's commits as
//! actions with their state, asks for the whole state as a monitor does when an app starts, and
//! sends a jump, which moves the store when the app pumps.
//!
//! The server runs with `--dbOptions tests/redux/db-options.json`: a knex configuration without
//! a connection, so that knex never loads the sqlite3 driver (a native module whose binary
//! `npm ci --ignore-scripts` does not download). The database only stores reports (the
//! monitor's "upload a report" feature), which this test does not use; the relay between apps
//! and monitors is the CLI's own code, unchanged.
//!
//! Needs `node` and `npm`. Without them the test passes with a message, unless
//! `REACTIVE_REQUIRE_NODE=1`, which makes it fail (CI sets it). With them, any other trouble
//! (`npm ci` failing, the server not starting) fails the test.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use reactive_devtools::ReduxDevtools;
use reactive_store::Store;
use serde_json::{Value, json};

fn redux_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/redux")
}

/// Reports that the test cannot run: a failure under `REACTIVE_REQUIRE_NODE=1`.
#[track_caller]
fn unavailable(why: &str) {
    assert!(
        std::env::var("REACTIVE_REQUIRE_NODE").as_deref() != Ok("1"),
        "the Redux DevTools test cannot run: {why}, and REACTIVE_REQUIRE_NODE=1"
    );
    eprintln!("skipped: the Redux DevTools test: {why}");
}

/// `node_modules` with the server and the client, installed with `npm ci` if missing.
fn installed() -> Result<(), String> {
    let dir = redux_dir();
    let ready = ["@redux-devtools/cli", "socketcluster-client"]
        .iter()
        .all(|p| {
            dir.join("node_modules")
                .join(p)
                .join("package.json")
                .exists()
        });
    if ready {
        return Ok(());
    }
    eprintln!(
        "installing @redux-devtools/cli: `npm ci --ignore-scripts` in {}",
        dir.display()
    );
    let out = Command::new("npm")
        .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("npm cannot start ({e})"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`npm ci` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// A child process killed when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}

/// Lines a child prints, read on a thread.
fn lines_of(child: &mut Child) -> Receiver<String> {
    let out = child.stdout.take().expect("piped stdout");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

const PATIENCE: Duration = Duration::from_secs(30);

/// The monitor's side: what it received, and a way to transmit.
struct Monitor {
    lines: Receiver<String>,
    stdin: ChildStdin,
    seen: Vec<Value>,
}

impl Monitor {
    /// Waits for (and returns) the first message received since the last call that `wanted`
    /// accepts, pumping `redux` meanwhile (so that the app answers the monitor).
    #[track_caller]
    fn expect(
        &mut self,
        redux: &ReduxDevtools,
        what: &str,
        wanted: impl Fn(&Value) -> bool,
    ) -> Value {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            redux.pump();
            let Ok(line) = self.lines.recv_timeout(Duration::from_millis(20)) else {
                continue;
            };
            let message: Value = serde_json::from_str(&line).expect("the monitor prints JSON");
            self.seen.push(message.clone());
            if wanted(&message) {
                return message;
            }
        }
        panic!(
            "the monitor never received {what}; it received {:#?}",
            self.seen
        );
    }

    fn transmit(&mut self, channel: &str, message: Value) {
        let line = json!({ "channel": channel, "message": message }).to_string();
        writeln!(self.stdin, "{line}").expect("the monitor reads its stdin");
    }
}

/// The JSON inside a string field (the protocol carries states and actions as JSON text).
fn inner(message: &Value, field: &str) -> Value {
    let text = message[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} is text: {message}"));
    serde_json::from_str(text).expect("JSON inside")
}

#[test]
fn a_store_shows_its_commits_in_redux_devtools_and_a_monitor_jump_moves_it() {
    // Only a missing `node` or `npm` skips the test; anything failing after that fails it.
    for tool in ["node", "npm"] {
        if Command::new(tool).arg("--version").output().is_err() {
            return unavailable(&format!("`{tool}` is not installed"));
        }
    }
    if let Err(why) = installed() {
        panic!("the Redux DevTools server cannot be installed: {why}");
    }
    let dir = redux_dir();
    let port = free_port();
    let server = Command::new("node")
        .args([
            "node_modules/@redux-devtools/cli/bin/redux-devtools.js",
            "--hostname",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--dbOptions",
            "db-options.json",
        ])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node starts the Redux DevTools server");
    let _server = Running(server);
    let deadline = Instant::now() + PATIENCE;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "the Redux DevTools server never listened on {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    let mut monitor_process = Command::new("node")
        .args(["monitor.mjs", &port.to_string()])
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node starts the monitor");
    let lines = lines_of(&mut monitor_process);
    let stdin = monitor_process.stdin.take().expect("piped stdin");
    let _monitor_process = Running(monitor_process);
    let ready = lines.recv_timeout(PATIENCE).expect("the monitor logs in");
    assert_eq!(ready, "\"ready\"");
    let mut monitor = Monitor {
        lines,
        stdin,
        seen: Vec::new(),
    };

    let todos = Store::new(vec!["milk".to_string()]);
    let addr = format!("127.0.0.1:{port}");
    let redux = ReduxDevtools::connect(&addr, "todos", todos).expect("the store connects");
    assert!(redux.is_connected());

    // The app announces itself, then its history so far; a monitor answers START with START
    // (to that app's own channel), and the app sends its whole state again.
    let start = monitor.expect(&redux, "START", |m| m["type"] == "START");
    assert_eq!(start["name"], "todos");
    let socket_id = start["id"]
        .as_str()
        .expect("the app's socket id")
        .to_string();
    monitor.transmit(&format!("sc-{socket_id}"), json!({ "type": "START" }));
    let state = monitor.expect(&redux, "the whole state", |m| m["type"] == "STATE");
    assert_eq!(state["instanceId"], redux.instance_id());
    let lifted = inner(&state, "payload");
    assert_eq!(lifted["computedStates"][0]["state"], json!(["milk"]));
    assert_eq!(lifted["nextActionId"], 1);

    // Each commit is an action with the state after it.
    todos
        .transaction("add bread")
        .update(|t| t.push("bread".into()))
        .unwrap();
    todos
        .transaction("add eggs")
        .update(|t| t.push("eggs".into()))
        .unwrap();
    let mut actions = Vec::new();
    for _ in 0..2 {
        let action = monitor.expect(&redux, "an ACTION", |m| m["type"] == "ACTION");
        actions.push((
            inner(&action, "action")["action"]["type"].clone(),
            inner(&action, "payload"),
            action["nextActionId"].clone(),
        ));
    }
    assert_eq!(
        actions,
        [
            (json!("add bread"), json!(["milk", "bread"]), json!(2)),
            (
                json!("add eggs"),
                json!(["milk", "bread", "eggs"]),
                json!(3)
            ),
        ]
    );

    // "Jump" in the monitor, as its app sends it: the store follows when the app pumps.
    monitor.transmit(
        &format!("sc-{socket_id}"),
        json!({
            "type": "DISPATCH",
            "action": { "type": "JUMP_TO_STATE", "index": 1, "actionId": 1 },
            "instanceId": redux.instance_id(),
        }),
    );
    let deadline = Instant::now() + PATIENCE;
    while *todos.snapshot_untracked() != ["milk", "bread"] {
        assert!(
            Instant::now() < deadline,
            "the jump never reached the store"
        );
        redux.pump();
        std::thread::sleep(Duration::from_millis(20));
    }
    // The monitor is told where the history now stands.
    let after = monitor.expect(&redux, "the state after the jump", |m| {
        m["type"] == "STATE" && inner(m, "payload")["currentStateIndex"] == 1
    });
    assert_eq!(inner(&after, "payload")["nextActionId"], 3);

    // A jump to an action, broadcast to every app, works the same way.
    monitor.transmit(
        "respond",
        json!({ "type": "DISPATCH", "action": { "type": "JUMP_TO_ACTION", "actionId": 2 } }),
    );
    let deadline = Instant::now() + PATIENCE;
    while todos.snapshot_untracked().len() != 3 {
        assert!(
            Instant::now() < deadline,
            "the jump to an action never reached the store"
        );
        redux.pump();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(redux.dropped(), 0);
}
