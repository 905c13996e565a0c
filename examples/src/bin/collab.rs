//! A collaborative todo list in the terminal, synced through the reactive-sync server, with
//! presence (who is online and what they last did).
//!
//! ```text
//! cargo run -p examples --bin collab -- server [ADDR] [DB]      # default 127.0.0.1:9001 collab.sqlite
//! cargo run -p examples --bin collab -- client NAME [URL]       # default ws://127.0.0.1:9001
//! cargo run -p examples --bin collab -- demo                    # scripted: server + 2 clients in-process
//! ```
//!
//! In a client, type `add TEXT`, `done N`, `offline`, `online` or `quit`.
//!
//! The list is a Loro document: a list "todos" of maps `{text, done}`. Every client edits its
//! own copy at once; the server orders, stores and relays the changes, and a client that was
//! offline catches up by version vectors when it comes back.

use examples::{out, outln};
use std::io::BufRead;
use std::time::Duration;

use reactive::sync::client::{ClientConfig, Connection, SyncClient};
use reactive::sync::loro::{LoroDoc, LoroMap, LoroValue};
use reactive::sync::server::{SqliteStorage, SyncServer};
use reactive::sync::tokio;

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match args.first().map(String::as_str) {
        Some("server") => runtime.block_on(server(
            args.get(1).map_or("127.0.0.1:9001", String::as_str),
            args.get(2).map_or("collab.sqlite", String::as_str),
        )),
        Some("client") if args.len() >= 2 => runtime.block_on(client(
            &args[1],
            args.get(2).map_or("ws://127.0.0.1:9001", String::as_str),
        )),
        Some("demo") => runtime.block_on(demo()),
        _ => Err("usage: collab server [ADDR] [DB] | client NAME [URL] | demo".into()),
    }
}

async fn server(addr: &str, db: &str) -> Result<(), Error> {
    let running = SyncServer::new(SqliteStorage::open(db)?)
        .spawn(addr)
        .await?;
    outln!(
        "collab server on {} (documents in {db}); Ctrl-C stops it",
        running.url()
    );
    std::future::pending::<()>().await;
    Ok(())
}

/// One todo as shown.
#[derive(Debug, Clone, PartialEq)]
struct Todo {
    text: String,
    done: bool,
}

fn todos(doc: &LoroDoc) -> Vec<Todo> {
    let LoroValue::List(list) = doc.get_list("todos").get_deep_value() else {
        return vec![];
    };
    list.iter()
        .filter_map(|item| {
            let LoroValue::Map(map) = item else {
                return None;
            };
            let text = match map.get("text") {
                Some(LoroValue::String(s)) => s.to_string(),
                _ => return None,
            };
            let done = matches!(map.get("done"), Some(LoroValue::Bool(true)));
            Some(Todo { text, done })
        })
        .collect()
}

fn add(doc: &LoroDoc, text: &str) -> Result<(), Error> {
    let todo = doc.get_list("todos").push_container(LoroMap::new())?;
    todo.insert("text", text)?;
    todo.insert("done", false)?;
    doc.commit();
    Ok(())
}

fn mark_done(doc: &LoroDoc, text: &str) -> Result<(), Error> {
    let list = doc.get_list("todos");
    let position = todos(doc)
        .iter()
        .position(|t| t.text == text)
        .ok_or("no such todo")?;
    mark_done_at(doc, &list, position)
}

fn mark_done_at(
    doc: &LoroDoc,
    list: &reactive::sync::loro::LoroList,
    i: usize,
) -> Result<(), Error> {
    let item = list.get(i).ok_or("no such todo")?;
    let map = item
        .into_container()
        .ok()
        .and_then(|c| c.into_map().ok())
        .ok_or("not a todo")?;
    map.insert("done", true)?;
    doc.commit();
    Ok(())
}

fn render(name: &str, client: &SyncClient) -> String {
    let mut out = String::new();
    for (i, todo) in todos(client.doc()).iter().enumerate() {
        out += &format!(
            "  {}. [{}] {}\n",
            i + 1,
            if todo.done { "x" } else { " " },
            todo.text
        );
    }
    let mut others: Vec<String> = client
        .presence()
        .into_values()
        .map(|p| format!("{} ({})", p.principal, String::from_utf8_lossy(&p.state)))
        .collect();
    others.sort();
    let online = match client.status().connection {
        Connection::Online { .. } => "online",
        Connection::Offline => "offline",
        _ => "connecting",
    };
    out += &format!(
        "  {name} is {online}; also here: {}\n",
        if others.is_empty() {
            "nobody".into()
        } else {
            others.join(", ")
        }
    );
    out
}

async fn client(name: &str, url: &str) -> Result<(), Error> {
    let client = SyncClient::start(ClientConfig::new(url, name, "todos"), LoroDoc::new());
    client.set_presence(b"just joined".to_vec());
    // Re-render on every remote change or presence change.
    let mut changes = client.watch_changes();
    let (lines_tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    outln!("commands: add TEXT · done N · offline · online · quit");
    out!("{}", render(name, &client));
    loop {
        tokio::select! {
            changed = changes.changed() => {
                if changed.is_err() { break; }
                out!("{}", render(name, &client));
            }
            line = lines.recv() => {
                let Some(line) = line else { break };
                let (command, rest) = line.trim().split_once(' ').unwrap_or((line.trim(), ""));
                let result = match command {
                    "add" if !rest.is_empty() => add(client.doc(), rest),
                    "done" => match rest.parse::<usize>() {
                        Ok(n) if n >= 1 => mark_done_at(client.doc(), &client.doc().get_list("todos"), n - 1),
                        _ => Err("done takes a number from the list".into()),
                    },
                    "offline" => { client.set_online(false); Ok(()) }
                    "online" => { client.set_online(true); Ok(()) }
                    "quit" => break,
                    _ => Err("commands: add TEXT · done N · offline · online · quit".into()),
                };
                match result {
                    Ok(()) => client.set_presence(format!("last: {command}").into_bytes()),
                    Err(e) => outln!("  {e}"),
                }
                out!("{}", render(name, &client));
            }
        }
    }
    // Leave once the server has stored our edits (or after a second, if it is unreachable).
    let _ = tokio::time::timeout(Duration::from_secs(1), client.wait_acknowledged()).await;
    client.shutdown().await;
    Ok(())
}

/// Waits until both clients show the same list.
async fn converge(a: &SyncClient, b: &SyncClient) -> Result<Vec<Todo>, Error> {
    a.wait_acknowledged().await;
    b.wait_acknowledged().await;
    let (mut ca, mut cb) = (a.watch_changes(), b.watch_changes());
    let wait = async {
        while todos(a.doc()) != todos(b.doc()) {
            tokio::select! {
                _ = ca.changed() => {}
                _ = cb.changed() => {}
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .map_err(|_| "no convergence in 10 s")?;
    Ok(todos(a.doc()))
}

async fn demo() -> Result<(), Error> {
    let server = SyncServer::new(SqliteStorage::in_memory()?)
        .spawn("127.0.0.1:0")
        .await?;
    outln!("server on {}", server.url());
    let ann = SyncClient::start(
        ClientConfig::new(&server.url(), "ann", "todos"),
        LoroDoc::new(),
    );
    let ben = SyncClient::start(
        ClientConfig::new(&server.url(), "ben", "todos"),
        LoroDoc::new(),
    );
    ann.wait_online().await;
    ben.wait_online().await;
    ann.set_presence(b"adding".to_vec());
    ben.set_presence(b"adding".to_vec());

    add(ann.doc(), "buy milk")?;
    add(ben.doc(), "write the report")?;
    converge(&ann, &ben).await?;
    outln!("\nboth online, converged:\n{}", render("ann", &ann));

    ben.set_online(false);
    let mut status = ben.watch_status();
    status
        .wait_for(|s| s.connection == Connection::Offline)
        .await?;
    outln!("ben goes offline");
    add(ann.doc(), "call the plumber")?;
    mark_done(ben.doc(), "buy milk")?;
    add(ben.doc(), "fix the bike (added offline)")?;
    ann.wait_acknowledged().await;
    outln!("\nwhile ben is offline, ann sees:\n{}", render("ann", &ann));
    outln!("and ben sees:\n{}", render("ben", &ben));

    ben.set_online(true);
    outln!("ben comes back online and catches up");
    let list = converge(&ann, &ben).await?;
    outln!("\nconverged:\n{}", render("ben", &ben));
    let done = list.iter().filter(|t| t.done).count();
    outln!(
        "converged: {} todos, {done} done, the same on both clients",
        list.len()
    );
    ann.shutdown().await;
    ben.shutdown().await;
    server.shutdown().await;
    Ok(())
}
