//! `reactive-sync-server --listen ADDR (--db PATH | --postgres URL) [--nats URL]
//! [--compact-every N] [--catch-up-ms N]`: the sync server. Every non-empty token is its own
//! principal, with read and write on every document (embed the library to plug in real
//! authentication and policies).
//!
//! - `--db PATH`: documents in a SQLite file (one node).
//! - `--postgres URL` (feature `postgres`): documents in PostgreSQL, which the nodes of a
//!   cluster share.
//! - `--nats URL` (feature `cluster`): this process is one node of a cluster; updates fan out
//!   to the other nodes over NATS. Needs `--postgres`.
//!
//! Prints `listening on ws://ADDR` once it accepts connections.

use std::io::Write;
use std::process::ExitCode;

use reactive_sync::server::{DocumentStorage, ServerConfig, SqliteStorage, SyncServer};

const USAGE: &str = "usage: reactive-sync-server --listen ADDR (--db PATH | --postgres URL) \
                     [--nats URL] [--compact-every N] [--catch-up-ms N]";

struct Options {
    listen: String,
    db: Option<String>,
    postgres: Option<String>,
    nats: Option<String>,
    catch_up_ms: Option<u64>,
    config: ServerConfig,
}

fn parse() -> Result<Options, String> {
    let (mut listen, mut db, mut postgres, mut nats, mut catch_up_ms) =
        (None, None, None, None, None);
    let mut config = ServerConfig::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--listen", Some(v)) => listen = Some(v),
            ("--db", Some(v)) => db = Some(v),
            ("--postgres", Some(v)) => postgres = Some(v),
            ("--nats", Some(v)) => nats = Some(v),
            ("--compact-every", Some(v)) => match v.parse() {
                Ok(n) if n > 0 => config.compact_every = n,
                _ => return Err("--compact-every takes a positive number".into()),
            },
            ("--catch-up-ms", Some(v)) => match v.parse() {
                Ok(n) if n > 0 => catch_up_ms = Some(n),
                _ => return Err("--catch-up-ms takes a positive number".into()),
            },
            _ => return Err(USAGE.into()),
        }
    }
    let listen = listen.ok_or(USAGE)?;
    if db.is_some() == postgres.is_some() {
        return Err(format!("give one of --db and --postgres\n{USAGE}"));
    }
    if nats.is_some() && postgres.is_none() {
        return Err("--nats needs --postgres: the nodes of a cluster share their storage".into());
    }
    Ok(Options {
        listen,
        db,
        postgres,
        nats,
        catch_up_ms,
        config,
    })
}

fn main() -> ExitCode {
    let options = match parse() {
        Ok(o) => o,
        Err(message) => return fail(&message),
    };
    let storage: Box<dyn DocumentStorage> = match (&options.db, &options.postgres) {
        (Some(db), _) => match SqliteStorage::open(db) {
            Ok(s) => Box::new(s),
            Err(e) => return fail(&format!("cannot open {db}: {e}")),
        },
        (None, Some(url)) => match open_postgres(url) {
            Ok(s) => s,
            Err(message) => return fail(&message),
        },
        (None, None) => return fail(USAGE),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    runtime.block_on(async move {
        let server = SyncServer::new(storage).config(options.config);
        let server = match join_cluster(server, options.nats.as_deref(), options.catch_up_ms).await
        {
            Ok(s) => s,
            Err(message) => return fail(&message),
        };
        let listen = options.listen;
        let listener = match tokio::net::TcpListener::bind(&listen).await {
            Ok(l) => l,
            Err(e) => return fail(&format!("cannot listen on {listen}: {e}")),
        };
        let addr = listener.local_addr().map_or(listen, |a| a.to_string());
        println!("listening on ws://{addr}");
        let _ = std::io::stdout().flush();
        match server.serve(listener).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&e.to_string()),
        }
    })
}

#[cfg(feature = "postgres")]
fn open_postgres(url: &str) -> Result<Box<dyn DocumentStorage>, String> {
    reactive_sync::server::PostgresStorage::open(url)
        .map(|s| Box::new(s) as Box<dyn DocumentStorage>)
        .map_err(|e| format!("cannot open PostgreSQL: {e}"))
}

#[cfg(not(feature = "postgres"))]
fn open_postgres(_url: &str) -> Result<Box<dyn DocumentStorage>, String> {
    Err("--postgres: this binary was built without the `postgres` feature".into())
}

#[cfg(feature = "cluster")]
async fn join_cluster(
    server: SyncServer,
    nats: Option<&str>,
    catch_up_ms: Option<u64>,
) -> Result<SyncServer, String> {
    let Some(url) = nats else {
        return Ok(server);
    };
    let mut cluster = reactive_sync::server::Cluster::connect(url)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(ms) = catch_up_ms {
        cluster = cluster.catch_up_every(std::time::Duration::from_millis(ms));
    }
    Ok(server.cluster(cluster))
}

#[cfg(not(feature = "cluster"))]
async fn join_cluster(
    server: SyncServer,
    nats: Option<&str>,
    _catch_up_ms: Option<u64>,
) -> Result<SyncServer, String> {
    match nats {
        None => Ok(server),
        Some(_) => Err("--nats: this binary was built without the `cluster` feature".into()),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("reactive-sync-server: {message}");
    ExitCode::from(2)
}
