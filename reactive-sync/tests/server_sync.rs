//! The client and the server together: convergence, persistence before acknowledgement,
//! initial sync and resume by version vectors, compaction, presence and commands.

#[path = "common/raw.rs"]
mod raw;

use loro::LoroDoc;
use raw::items;
use reactive_sync::client::{ClientConfig, Connection, SyncClient};
use reactive_sync::protocol::CommandOutcome;
use reactive_sync::server::{
    CommandExecutor, RunningServer, ServerConfig, SqliteStorage, SyncServer,
};

fn push(doc: &LoroDoc, text: &str) {
    doc.get_list("items").push(text).unwrap();
    doc.commit();
}

async fn start(server: &RunningServer, who: &str) -> SyncClient {
    let client = SyncClient::start(
        ClientConfig::new(&server.url(), who, "todo"),
        LoroDoc::new(),
    );
    assert!(matches!(
        client.wait_online().await,
        Connection::Online { .. }
    ));
    client
}

/// Waits until `client`'s items equal `expected` (remote updates arrive asynchronously).
async fn wait_items(client: &SyncClient, expected: &[&str]) {
    wait_until(client, expected, |items| items.to_vec()).await;
}

/// Waits until `client` holds `expected` in any order (concurrent insertions are ordered by
/// the CRDT, by peer id).
async fn wait_items_in_any_order(client: &SyncClient, expected: &[&str]) {
    let mut expected: Vec<&str> = expected.to_vec();
    expected.sort();
    wait_until(client, &expected, |items| {
        let mut items = items.to_vec();
        items.sort();
        items
    })
    .await;
}

async fn wait_until(
    client: &SyncClient,
    expected: &[&str],
    view: impl Fn(&[String]) -> Vec<String>,
) {
    let mut changes = client.watch_changes();
    let wait = async {
        while view(&items(client.doc())) != expected {
            changes.changed().await.unwrap();
        }
    };
    if tokio::time::timeout(std::time::Duration::from_secs(10), wait)
        .await
        .is_err()
    {
        panic!(
            "items stayed {:?}, expected {expected:?}",
            items(client.doc())
        );
    }
}

#[tokio::test]
async fn two_clients_converge_and_what_was_acknowledged_survives_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.sqlite");
    let server = SyncServer::new(SqliteStorage::open(&path).unwrap())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let ada = start(&server, "ada").await;
    let bob = start(&server, "bob").await;
    push(ada.doc(), "milk");
    ada.wait_acknowledged().await;
    wait_items(&bob, &["milk"]).await;
    push(bob.doc(), "eggs");
    bob.wait_acknowledged().await;
    wait_items(&ada, &["milk", "eggs"]).await;
    ada.shutdown().await;
    bob.shutdown().await;
    server.shutdown().await;

    // A new server on the same file has everything that was acknowledged.
    let server = SyncServer::new(SqliteStorage::open(&path).unwrap())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let late = start(&server, "late").await;
    assert_eq!(items(late.doc()), ["milk", "eggs"]);
}

#[tokio::test]
async fn initial_sync_sends_each_side_only_what_the_other_lacks() {
    let server = SyncServer::new(SqliteStorage::in_memory().unwrap())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let ada = start(&server, "ada").await;
    push(ada.doc(), "from the server's side");
    ada.wait_acknowledged().await;

    // A client with offline work of its own, never connected.
    let doc = LoroDoc::new();
    push(&doc, "made offline");
    let bob = SyncClient::start(ClientConfig::new(&server.url(), "bob", "todo"), doc);
    bob.wait_acknowledged().await;
    let status = bob.status();
    assert_eq!(status.updates_sent, 1, "one catch-up with the offline work");
    assert_eq!(status.updates_received, 1, "the welcome's updates");
    wait_items_in_any_order(&ada, &["from the server's side", "made offline"]).await;
    let mut expected = items(ada.doc());
    expected.sort();
    let mut got = items(bob.doc());
    got.sort();
    assert_eq!(got, expected);
}

#[tokio::test]
async fn a_resume_sends_only_what_the_server_lacks_never_what_it_acknowledged() {
    let server = SyncServer::new(SqliteStorage::in_memory().unwrap())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let ada = start(&server, "ada").await;
    for i in 0..5 {
        push(ada.doc(), &format!("acked {i}"));
    }
    ada.wait_acknowledged().await;
    let before = ada.status();
    assert_eq!(before.updates_sent, 5);

    // Reconnecting with nothing new sends no update at all.
    ada.reconnect();
    let mut status = ada.watch_status();
    status
        .wait_for(|s| {
            s.sessions == before.sessions + 1 && matches!(s.connection, Connection::Online { .. })
        })
        .await
        .unwrap();
    ada.wait_acknowledged().await;
    assert_eq!(ada.status().updates_sent, 5);

    // Offline edits go in one catch-up on resume, and only they.
    ada.set_online(false);
    status
        .wait_for(|s| s.connection == Connection::Offline)
        .await
        .unwrap();
    push(ada.doc(), "offline 1");
    push(ada.doc(), "offline 2");
    let stored = server.storage().update_count("todo").unwrap();
    ada.set_online(true);
    ada.wait_acknowledged().await;
    assert_eq!(ada.status().updates_sent, 6);
    assert_eq!(server.storage().update_count("todo").unwrap(), stored + 1);
    let bob = start(&server, "bob").await;
    assert_eq!(items(bob.doc()).len(), 7);
}

#[tokio::test]
async fn the_update_log_is_compacted_into_a_snapshot_that_reloads_the_same_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.sqlite");
    let config = ServerConfig {
        compact_every: 5,
        ..ServerConfig::default()
    };
    let server = SyncServer::new(SqliteStorage::open(&path).unwrap())
        .config(config)
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let ada = start(&server, "ada").await;
    for i in 0..12 {
        push(ada.doc(), &format!("item {i}"));
        ada.wait_acknowledged().await;
    }
    assert!(server.storage().has_snapshot("todo").unwrap());
    assert_eq!(
        server.storage().update_count("todo").unwrap(),
        2,
        "12 updates, compacted at 5 and 10"
    );
    let expected = items(ada.doc());
    ada.shutdown().await;
    server.shutdown().await;

    let server = SyncServer::new(SqliteStorage::open(&path).unwrap())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let bob = start(&server, "bob").await;
    assert_eq!(items(bob.doc()), expected);
}

#[tokio::test]
async fn presence_reaches_the_others_goes_away_with_its_session_and_is_never_stored() {
    let server = SyncServer::new(SqliteStorage::in_memory().unwrap())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let ada = start(&server, "ada").await;
    let bob = start(&server, "bob").await;
    ada.set_presence(br#"{"cursor":3}"#.to_vec());
    let mut changes = bob.watch_changes();
    while bob.presence().is_empty() {
        changes.changed().await.unwrap();
    }
    let seen: Vec<_> = bob.presence().into_values().collect();
    assert_eq!(seen[0].principal, "ada");
    assert_eq!(seen[0].state, br#"{"cursor":3}"#);

    // A late joiner gets the current presence with its welcome.
    let cyd = start(&server, "cyd").await;
    let mut changes = cyd.watch_changes();
    while cyd.presence().is_empty() {
        changes.changed().await.unwrap();
    }

    ada.set_online(false);
    let mut changes = bob.watch_changes();
    while !bob.presence().is_empty() {
        changes.changed().await.unwrap();
    }
    assert_eq!(server.storage().update_count("todo").unwrap(), 0);
}

/// A tiny executor: `add` appends its argument unless it is empty, which it rejects.
struct AddItem;

impl CommandExecutor for AddItem {
    fn execute(
        &self,
        doc: &LoroDoc,
        principal: &str,
        name: &str,
        args: &[u8],
    ) -> Result<(), String> {
        match name {
            "add" if !args.is_empty() => {
                let text = format!("{principal}: {}", String::from_utf8_lossy(args));
                doc.get_list("items")
                    .push(text)
                    .map_err(|e| e.to_string())?;
                Ok(())
            }
            "add" => Err("empty item".into()),
            other => Err(format!("unknown command {other}")),
        }
    }
}

#[tokio::test]
async fn commands_run_on_the_server_and_their_effects_reach_everyone_before_the_verdict() {
    let server = SyncServer::new(SqliteStorage::in_memory().unwrap())
        .executor(AddItem)
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let ada = start(&server, "ada").await;
    let bob = start(&server, "bob").await;
    assert_eq!(
        ada.command("add", b"milk".to_vec()).await,
        Ok(CommandOutcome::Accepted)
    );
    assert_eq!(
        items(ada.doc()),
        ["ada: milk"],
        "the effect arrived before the verdict"
    );
    wait_items(&bob, &["ada: milk"]).await;
    assert_eq!(
        ada.command("add", vec![]).await,
        Ok(CommandOutcome::Rejected("empty item".into()))
    );
    assert_eq!(
        ada.command("drop", vec![]).await,
        Ok(CommandOutcome::Rejected("unknown command drop".into()))
    );
    assert_eq!(items(ada.doc()), ["ada: milk"]);
    assert_eq!(server.storage().update_count("todo").unwrap(), 1);
}

#[tokio::test]
async fn a_server_without_an_executor_rejects_commands() {
    let server = SyncServer::new(SqliteStorage::in_memory().unwrap())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let ada = start(&server, "ada").await;
    assert!(matches!(
        ada.command("add", b"x".to_vec()).await,
        Ok(CommandOutcome::Rejected(_))
    ));
}

#[tokio::test]
async fn a_client_resumes_after_the_server_restarts_on_the_same_address() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.sqlite");
    let server = SyncServer::new(SqliteStorage::open(&path).unwrap())
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let addr = server.local_addr();
    let ada = start(&server, "ada").await;
    push(ada.doc(), "before");
    ada.wait_acknowledged().await;
    server.shutdown().await;
    let mut status = ada.watch_status();
    status
        .wait_for(|s| !matches!(s.connection, Connection::Online { .. }))
        .await
        .unwrap();
    push(ada.doc(), "while the server was down");

    let server = SyncServer::new(SqliteStorage::open(&path).unwrap())
        .spawn(addr)
        .await
        .unwrap();
    ada.wait_acknowledged().await;
    assert!(ada.status().sessions >= 2);
    let bob = start(&server, "bob").await;
    assert_eq!(items(bob.doc()), ["before", "while the server was down"]);
}

#[tokio::test]
async fn a_refused_token_fails_the_client_for_good_and_a_reader_sends_nothing() {
    use reactive_sync::protocol::ErrorCode;
    use reactive_sync::server::{Access, DocumentPolicies, TokenTable};
    let server = SyncServer::new(SqliteStorage::in_memory().unwrap())
        .authenticator(
            TokenTable::default()
                .with("w", "writer")
                .with("r", "reader"),
        )
        .policy(DocumentPolicies::new(Access::READ | Access::WRITE).grant(
            "todo",
            "reader",
            Access::READ,
        ))
        .spawn("127.0.0.1:0")
        .await
        .unwrap();
    let stranger = SyncClient::start(
        ClientConfig::new(&server.url(), "guess", "todo"),
        LoroDoc::new(),
    );
    match stranger.wait_online().await {
        Connection::Failed { code, .. } => assert_eq!(code, ErrorCode::Unauthorized),
        other => panic!("expected a failure, got {other:?}"),
    }
    assert_eq!(stranger.status().sessions, 0);

    let writer = start(&server, "w").await;
    let reader = start(&server, "r").await;
    assert!(matches!(
        reader.status().connection,
        Connection::Online {
            can_write: false,
            ..
        }
    ));
    push(reader.doc(), "local only");
    push(writer.doc(), "shared");
    writer.wait_acknowledged().await;
    wait_items_in_any_order(&reader, &["local only", "shared"]).await;
    assert_eq!(reader.status().updates_sent, 0);
    assert!(matches!(
        reader.status().connection,
        Connection::Online { .. }
    ));
    assert_eq!(server.storage().update_count("todo").unwrap(), 1);
}
