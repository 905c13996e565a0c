//! `reactive-sync-server --listen ADDR --db PATH [--compact-every N]`: the sync server on a
//! SQLite file. Every non-empty token is its own principal, with read and write on every
//! document (embed the library to plug in real authentication and policies).
//!
//! Prints `listening on ws://ADDR` once it accepts connections.

use std::io::Write;
use std::process::ExitCode;

use reactive_sync::server::{ServerConfig, SqliteStorage, SyncServer};

const USAGE: &str = "usage: reactive-sync-server --listen ADDR --db PATH [--compact-every N]";

fn main() -> ExitCode {
    let mut listen = None;
    let mut db = None;
    let mut config = ServerConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--listen", Some(v)) => listen = Some(v),
            ("--db", Some(v)) => db = Some(v),
            ("--compact-every", Some(v)) => match v.parse() {
                Ok(n) if n > 0 => config.compact_every = n,
                _ => return fail("--compact-every takes a positive number"),
            },
            _ => return fail(USAGE),
        }
    }
    let (Some(listen), Some(db)) = (listen, db) else {
        return fail(USAGE);
    };
    let storage = match SqliteStorage::open(&db) {
        Ok(s) => s,
        Err(e) => return fail(&format!("cannot open {db}: {e}")),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(&listen).await {
            Ok(l) => l,
            Err(e) => return fail(&format!("cannot listen on {listen}: {e}")),
        };
        let addr = listener.local_addr().map_or(listen, |a| a.to_string());
        println!("listening on ws://{addr}");
        let _ = std::io::stdout().flush();
        SyncServer::new(storage)
            .config(config)
            .serve(listener)
            .await;
        ExitCode::SUCCESS
    })
}

fn fail(message: &str) -> ExitCode {
    eprintln!("reactive-sync-server: {message}");
    ExitCode::from(2)
}
