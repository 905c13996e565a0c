//! Distributed scopes across nodes: two server nodes in this process, sharing PostgreSQL and
//! NATS; a replicated scope on a client of each node. Values written on one node reach the
//! scope on the other, concurrent writers of one key end with the same value on both, and a
//! write the policies refuse on one node never reaches the other.
//!
//! Needs `REACTIVE_POSTGRES_URL` and `REACTIVE_NATS_URL`; without them each test says so and
//! passes, unless `REACTIVE_REQUIRE_NATS=1` (CI), where it fails.

use std::time::Duration;

use loro::{ExportMode, LoroDoc};
use reactive_core::create_root;
use reactive_store::{Key, Scope};
use reactive_sync::ReplicatedScope;
use reactive_sync::client::{ClientConfig, Connection, SyncClient};
use reactive_sync::server::{
    Access, Cluster, DocumentPolicies, PostgresStorage, RunningServer, SyncServer,
};

const THEME: Key<String> = Key::new("theme");
const LIMIT: Key<u32> = Key::new("limit");

fn servers() -> Option<(String, String)> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    match (var("REACTIVE_POSTGRES_URL"), var("REACTIVE_NATS_URL")) {
        (Some(postgres), Some(nats)) => Some((postgres, nats)),
        _ => {
            assert!(
                !std::env::var("REACTIVE_REQUIRE_NATS").is_ok_and(|v| v == "1"),
                "REACTIVE_REQUIRE_NATS=1 but REACTIVE_POSTGRES_URL or REACTIVE_NATS_URL is unset"
            );
            println!(
                "SKIPPED: set REACTIVE_POSTGRES_URL and REACTIVE_NATS_URL (.ci/postgres.sh, \
                 .ci/nats.sh) to run the cluster tests"
            );
            None
        }
    }
}

/// Two nodes of one cluster on a runtime of their own (the test's runtime holds the scopes,
/// which stay on its thread), both with the default policies (everyone reads and writes).
fn two_nodes(postgres: &str, nats: &str) -> (tokio::runtime::Runtime, [RunningServer; 2]) {
    two_nodes_with(postgres, nats, &DocumentPolicies::default())
}

/// Two nodes of one cluster, each enforcing `policies`.
fn two_nodes_with(
    postgres: &str,
    nats: &str,
    policies: &DocumentPolicies,
) -> (tokio::runtime::Runtime, [RunningServer; 2]) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    // The blocking PostgreSQL client opens outside the runtime (it drives one of its own).
    let storages: Vec<PostgresStorage> = (0..2)
        .map(|_| PostgresStorage::open(postgres).expect("PostgreSQL"))
        .collect();
    let nodes = runtime.block_on(async {
        let mut nodes = Vec::new();
        for storage in storages {
            let cluster = Cluster::connect(nats).await.expect("NATS");
            let node = SyncServer::new(storage)
                .policy(policies.clone())
                .cluster(cluster);
            nodes.push(node.spawn("127.0.0.1:0").await.expect("listen"));
        }
        nodes
    });
    let Ok(nodes) = <[RunningServer; 2]>::try_from(nodes) else {
        unreachable!("two nodes were started")
    };
    (runtime, nodes)
}

fn unique_document(name: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos();
    format!("{name}-{nanos}")
}

/// Brings what the client imported into the scope: importing an empty update of the document
/// re-reads the shared values.
fn refresh(scope: &ReplicatedScope) {
    let nothing = scope
        .doc()
        .export(ExportMode::updates(&scope.version()))
        .expect("export");
    scope.import(&nothing).expect("import");
}

/// Waits until both documents hold the same operations.
async fn converge(a: &SyncClient, b: &SyncClient) {
    for client in [a, b] {
        tokio::time::timeout(Duration::from_secs(20), client.wait_acknowledged())
            .await
            .expect("acknowledged");
    }
    tokio::time::timeout(Duration::from_secs(20), async {
        while a.doc().oplog_vv() != b.doc().oplog_vv() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the two clients converge");
}

fn local_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

#[test]
fn scope_values_written_on_different_nodes_reach_both_scopes() {
    let Some((postgres, nats)) = servers() else {
        return;
    };
    let (node_runtime, [a, b]) = two_nodes(&postgres, &nats);
    let document = unique_document("scopes");
    let ((), owner) = create_root(|| {
        local_runtime().block_on(async {
            let (doc_a, doc_b) = (LoroDoc::new(), LoroDoc::new());
            let client_a =
                SyncClient::start(ClientConfig::new(&a.url(), "ann", &document), doc_a.clone());
            let client_b =
                SyncClient::start(ClientConfig::new(&b.url(), "ben", &document), doc_b.clone());
            let here = ReplicatedScope::new(Scope::root("app").expect("scope"), doc_a);
            let there = ReplicatedScope::new(Scope::root("app").expect("scope"), doc_b);
            for scope in [&here, &there] {
                scope.share(THEME);
                scope.share(LIMIT);
            }
            here.set(THEME, "dark".to_string()).expect("set on node A");
            there.set(LIMIT, 7).expect("set on node B");
            converge(&client_a, &client_b).await;
            for scope in [&here, &there] {
                refresh(scope);
                let app = scope.scope();
                assert_eq!(app.get_untracked(THEME).unwrap(), Some("dark".to_string()));
                assert_eq!(app.get_untracked(LIMIT).unwrap(), Some(7));
            }
            client_a.shutdown().await;
            client_b.shutdown().await;
        });
    });
    owner.dispose();
    node_runtime.block_on(async {
        a.shutdown().await;
        b.shutdown().await;
    });
}

#[test]
fn concurrent_writers_of_one_key_on_different_nodes_agree_on_one_value() {
    let Some((postgres, nats)) = servers() else {
        return;
    };
    let (node_runtime, [a, b]) = two_nodes(&postgres, &nats);
    let document = unique_document("scopes-race");
    let ((), owner) = create_root(|| {
        local_runtime().block_on(async {
            let (doc_a, doc_b) = (LoroDoc::new(), LoroDoc::new());
            let client_a =
                SyncClient::start(ClientConfig::new(&a.url(), "ann", &document), doc_a.clone());
            let client_b =
                SyncClient::start(ClientConfig::new(&b.url(), "ben", &document), doc_b.clone());
            let here = ReplicatedScope::new(Scope::root("app").expect("scope"), doc_a);
            let there = ReplicatedScope::new(Scope::root("app").expect("scope"), doc_b);
            for scope in [&here, &there] {
                scope.share(THEME);
            }
            // Both offline: neither write can see the other.
            client_a.set_online(false);
            client_b.set_online(false);
            here.set(THEME, "light".to_string()).expect("set on node A");
            there
                .set(THEME, "sepia".to_string())
                .expect("set on node B");
            client_a.set_online(true);
            client_b.set_online(true);
            converge(&client_a, &client_b).await;
            refresh(&here);
            refresh(&there);
            let seen_a = here.scope().get_untracked(THEME).unwrap();
            let seen_b = there.scope().get_untracked(THEME).unwrap();
            assert_eq!(seen_a, seen_b, "the nodes' clients disagree");
            assert!(
                matches!(seen_a.as_deref(), Some("light" | "sepia")),
                "one of the written values wins, got {seen_a:?}"
            );
            client_a.shutdown().await;
            client_b.shutdown().await;
        });
    });
    owner.dispose();
    node_runtime.block_on(async {
        a.shutdown().await;
        b.shutdown().await;
    });
}

#[test]
fn a_scope_write_refused_on_one_node_never_reaches_the_other() {
    let Some((postgres, nats)) = servers() else {
        return;
    };
    let document = unique_document("scopes-policy");
    // Everyone reads and writes, but the viewer only reads this document.
    let policies = DocumentPolicies::new(Access::READ | Access::WRITE).grant(
        &document,
        "viewer",
        Access::READ,
    );
    let (node_runtime, [a, b]) = two_nodes_with(&postgres, &nats, &policies);
    let ((), owner) = create_root(|| {
        local_runtime().block_on(async {
            let (doc_a, doc_b) = (LoroDoc::new(), LoroDoc::new());
            let viewer_peer = doc_b.peer_id();
            let editor =
                SyncClient::start(ClientConfig::new(&a.url(), "ann", &document), doc_a.clone());
            let viewer = SyncClient::start(
                ClientConfig::new(&b.url(), "viewer", &document),
                doc_b.clone(),
            );
            let here = ReplicatedScope::new(Scope::root("app").expect("scope"), doc_a);
            let there = ReplicatedScope::new(Scope::root("app").expect("scope"), doc_b);
            for scope in [&here, &there] {
                scope.share(THEME);
            }
            let online = tokio::time::timeout(Duration::from_secs(20), viewer.wait_online())
                .await
                .expect("the viewer joins node B");
            assert!(
                matches!(
                    online,
                    Connection::Online {
                        can_write: false,
                        ..
                    }
                ),
                "node B takes the viewer for a reader: {online:?}"
            );
            // The viewer's own scope lets it write; node B told its client it may only read,
            // so the update is held back, and node B would refuse it (Forbidden) if sent.
            there
                .set(THEME, "hacked".to_string())
                .expect("a local write");

            here.set(THEME, "dark".to_string()).expect("set on node A");
            tokio::time::timeout(Duration::from_secs(20), editor.wait_acknowledged())
                .await
                .expect("acknowledged on node A");
            // A fresh reader on node B gets the editor's value from node A, and nothing of the
            // refused write, which neither node stored nor published.
            let reader_doc = LoroDoc::new();
            let reader = SyncClient::start(
                ClientConfig::new(&b.url(), "ben", &document),
                reader_doc.clone(),
            );
            let reading = ReplicatedScope::new(Scope::root("app").expect("scope"), reader_doc);
            reading.share(THEME);
            tokio::time::timeout(Duration::from_secs(20), async {
                while reader.doc().oplog_vv() != editor.doc().oplog_vv() {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            })
            .await
            .expect("node B's reader converges with node A's editor");
            refresh(&reading);
            assert_eq!(
                reading.scope().get_untracked(THEME).unwrap(),
                Some("dark".to_string())
            );
            for doc in [editor.doc(), reader.doc()] {
                assert_eq!(
                    doc.oplog_vv().get(&viewer_peer),
                    None,
                    "the refused write reached a client"
                );
            }
            for client in [editor, viewer, reader] {
                client.shutdown().await;
            }
        });
    });
    owner.dispose();
    node_runtime.block_on(async {
        a.shutdown().await;
        b.shutdown().await;
    });
}
