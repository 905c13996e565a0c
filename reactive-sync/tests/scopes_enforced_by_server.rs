//! Distributed scopes over a real server: the server tries every incoming update against the
//! scope policy; a principal denied `write` cannot change a scope value for anyone, an allowed
//! one can, and readers receive what was allowed.

use std::time::Duration;

use loro::LoroDoc;
use reactive_sync::SCOPES_MAP;
use reactive_sync::client::{ClientConfig, Connection, SyncClient};
use reactive_sync::protocol::ErrorCode;
use reactive_sync::server::{
    Access, DocumentPolicies, RunningServer, ScopeGrants, SqliteStorage, SyncServer,
};

const DOC: &str = "board";

async fn serve() -> RunningServer {
    let scopes = ScopeGrants::new(Access::READ | Access::WRITE)
        .scope("app/settings", Access::READ)
        .grant("app/settings", "admin", Access::READ | Access::WRITE);
    SyncServer::new(SqliteStorage::in_memory().unwrap())
        .policy(DocumentPolicies::default().grant(DOC, "reader", Access::READ))
        .scope_policy(scopes)
        .spawn("127.0.0.1:0")
        .await
        .unwrap()
}

async fn join(server: &RunningServer, who: &str) -> SyncClient {
    let client = SyncClient::start(ClientConfig::new(&server.url(), who, DOC), LoroDoc::new());
    assert!(matches!(
        client.wait_online().await,
        Connection::Online { .. }
    ));
    client
}

fn set(doc: &LoroDoc, scope: &str, key: &str, value: &str) {
    doc.get_map(SCOPES_MAP)
        .ensure_mergeable_map(scope)
        .unwrap()
        .insert(key, value)
        .unwrap();
    doc.commit();
}

fn get(doc: &LoroDoc, scope: &str, key: &str) -> Option<String> {
    let map = doc.get_map(SCOPES_MAP).ensure_mergeable_map(scope).ok()?;
    map.get(key)?
        .into_value()
        .ok()?
        .into_string()
        .ok()
        .map(|s| s.to_string())
}

async fn wait_value(client: &SyncClient, scope: &str, key: &str, value: &str) {
    let mut changes = client.watch_changes();
    let wait = async {
        while get(client.doc(), scope, key).as_deref() != Some(value) {
            changes.changed().await.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .unwrap_or_else(|_| panic!("{scope}/{key} never became {value:?}"));
}

async fn wait_failed(client: &SyncClient) -> ErrorCode {
    let mut status = client.watch_status();
    let wait = async {
        loop {
            if let Connection::Failed { code, .. } = status.borrow_and_update().connection.clone() {
                return code;
            }
            status.changed().await.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(10), wait)
        .await
        .expect("the server refused the connection")
}

#[tokio::test]
async fn a_writer_denied_by_the_scope_policy_changes_the_value_for_nobody() {
    let server = serve().await;
    let admin = join(&server, "admin").await;
    let reader = join(&server, "reader").await;
    set(admin.doc(), "app/settings", "theme", "light");
    admin.wait_acknowledged().await;
    wait_value(&reader, "app/settings", "theme", "light").await;
    let stored = server.storage().update_count(DOC).unwrap();

    let mallory = join(&server, "mallory").await;
    wait_value(&mallory, "app/settings", "theme", "light").await;
    set(mallory.doc(), "app/settings", "theme", "evil");
    assert_eq!(wait_failed(&mallory).await, ErrorCode::ScopeWriteDenied);
    assert_eq!(
        server.storage().update_count(DOC).unwrap(),
        stored,
        "nothing of it was stored"
    );

    // What everyone sees next is the admin's change, never mallory's.
    set(admin.doc(), "app/settings", "font", "serif");
    admin.wait_acknowledged().await;
    wait_value(&reader, "app/settings", "font", "serif").await;
    assert_eq!(
        get(reader.doc(), "app/settings", "theme").as_deref(),
        Some("light")
    );
    assert_eq!(
        get(admin.doc(), "app/settings", "theme").as_deref(),
        Some("light")
    );
    let late = join(&server, "late").await;
    wait_value(&late, "app/settings", "font", "serif").await;
    assert_eq!(
        get(late.doc(), "app/settings", "theme").as_deref(),
        Some("light")
    );
}

#[tokio::test]
async fn an_allowed_writer_changes_the_value_for_everyone_and_readers_receive_it() {
    let server = serve().await;
    let admin = join(&server, "admin").await;
    let bob = join(&server, "bob").await;
    let reader = join(&server, "reader").await;
    set(admin.doc(), "app/settings", "theme", "dark");
    admin.wait_acknowledged().await;
    wait_value(&reader, "app/settings", "theme", "dark").await;
    wait_value(&bob, "app/settings", "theme", "dark").await;

    // Bob may not touch the settings, but the notes scope is open to every writer.
    set(bob.doc(), "app/notes", "draft", "hello");
    bob.wait_acknowledged().await;
    wait_value(&reader, "app/notes", "draft", "hello").await;
    wait_value(&admin, "app/notes", "draft", "hello").await;
    assert!(matches!(bob.status().connection, Connection::Online { .. }));
}
