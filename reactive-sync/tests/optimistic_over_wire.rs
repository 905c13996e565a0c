//! Optimistic commands over a real server on loopback: one `CommandRegistry` runs on the
//! client's pending layer and, as the server's `RegistryExecutor`, with authority; accepted
//! and rejected commands, a resend that must not run twice, and a client restart that replays
//! its queue.

#[path = "common/raw.rs"]
mod raw;

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use raw::Raw;
use reactive_core::{Effect, Owner, create_root};
use reactive_store::Store;
use reactive_sync::client::{ClientConfig, Connection, OptimisticClient};
use reactive_sync::protocol::{CommandOutcome, Frame};
use reactive_sync::server::{RunningServer, SqliteStorage, SyncServer};
use reactive_sync::{CommandRegistry, RegistryExecutor, SyncSchema};
use serde::{Deserialize, Serialize};

#[derive(reactive_store::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Account {
    balance: i64,
    deposits: i64,
}

const DOC: &str = "account";

fn initial() -> Account {
    Account {
        balance: 100,
        deposits: 0,
    }
}

/// The commands, written once: the client's pending layer and the server both run them.
fn registry() -> CommandRegistry<Account> {
    let mut r = CommandRegistry::new();
    r.register("deposit", |a: &mut Account, n: i64| {
        a.balance += n;
        a.deposits += 1;
        Ok(())
    });
    r.register("withdraw", |a: &mut Account, n: i64| {
        if a.balance < n {
            return Err(format!("balance {} < {n}", a.balance));
        }
        a.balance -= n;
        Ok(())
    });
    r
}

async fn serve(storage: SqliteStorage) -> RunningServer {
    let executor =
        RegistryExecutor::new(Arc::new(registry()), SyncSchema::new()).initial(initial());
    SyncServer::new(storage)
        .executor(executor)
        .spawn("127.0.0.1:0")
        .await
        .unwrap()
}

/// A client with its store, inside its own reactive root, and a log of what its effect saw.
struct Client {
    store: Store<Account>,
    client: OptimisticClient<Account>,
    seen: Rc<RefCell<Vec<i64>>>,
    owner: Owner,
}

fn start(server: &RunningServer, who: &str, id: u64, queue: Option<&Path>) -> Client {
    let ((store, client, seen), owner) = create_root(|| {
        let store = Store::new(initial());
        let seen = Rc::new(RefCell::new(Vec::new()));
        let log = seen.clone();
        Effect::new(move || log.borrow_mut().push(store.snapshot().balance));
        let config = ClientConfig::new(&server.url(), who, DOC);
        let client = OptimisticClient::start(
            config,
            store,
            SyncSchema::new(),
            Rc::new(registry()),
            id,
            queue,
        )
        .unwrap();
        (store, client, seen)
    });
    Client {
        store,
        client,
        seen,
        owner,
    }
}

impl Client {
    fn balance(&self) -> i64 {
        self.store.snapshot_untracked().balance
    }

    async fn settled(&mut self) {
        tokio::time::timeout(Duration::from_secs(10), self.client.settled())
            .await
            .expect("the server answered in time")
            .unwrap();
    }

    /// Shows what arrives until the confirmed balance is `balance`.
    async fn wait_confirmed(&mut self, balance: i64) {
        let wait = async {
            while self.client.optimistic().confirmed().balance != balance {
                assert!(self.client.next().await.unwrap(), "the client stopped");
            }
        };
        tokio::time::timeout(Duration::from_secs(10), wait)
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "confirmed balance stayed {}, expected {balance}",
                    self.client.optimistic().confirmed().balance
                )
            });
    }

    async fn stop(self) {
        self.client.shutdown().await;
        self.owner.dispose();
    }
}

#[tokio::test]
async fn an_accepted_command_shows_at_once_and_its_confirmation_changes_nothing_visible() {
    let server = serve(SqliteStorage::in_memory().unwrap()).await;
    let mut ada = start(&server, "ada", 1, None);
    let mut bob = start(&server, "bob", 2, None);
    ada.client.run("deposit", &10i64).unwrap();
    assert_eq!(ada.balance(), 110, "shown before the server answered");
    assert_eq!(ada.client.pending().len(), 1);
    ada.settled().await;
    assert_eq!(ada.balance(), 110);
    assert_eq!(ada.client.optimistic().confirmed().balance, 110);
    assert_eq!(
        *ada.seen.borrow(),
        [100, 110],
        "the effect ran for the command, not again for its confirmation"
    );
    bob.wait_confirmed(110).await;
    assert_eq!(bob.balance(), 110);
    assert_eq!(server.storage().command_count(DOC).unwrap(), 1);
    ada.stop().await;
    bob.stop().await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_command_the_server_rejects_vanishes_in_one_change_the_effect_sees_once() {
    let server = serve(SqliteStorage::in_memory().unwrap()).await;
    let mut ada = start(&server, "ada", 1, None);
    let mut bob = start(&server, "bob", 2, None);
    assert!(matches!(
        bob.client.connection().wait_online().await,
        Connection::Online { .. }
    ));
    // Bob goes offline and spends 50 of the 100 he sees; meanwhile Ada spends 70.
    bob.client.connection().set_online(false);
    bob.client.run("withdraw", &50i64).unwrap();
    assert_eq!(bob.balance(), 50);
    ada.client.run("withdraw", &70i64).unwrap();
    ada.settled().await;
    assert_eq!(ada.balance(), 30);

    // Back online: the server refuses Bob's withdrawal (30 < 50); Bob sees the confirmed 30
    // in one change, never his own 50 minus Ada's 70.
    bob.client.connection().set_online(true);
    bob.settled().await;
    assert_eq!(bob.balance(), 30);
    assert!(bob.client.pending().is_empty());
    assert_eq!(*bob.seen.borrow(), [100, 50, 30]);
    assert_eq!(
        bob.client.deliveries_applied(),
        1,
        "the catch-up and the answer came together"
    );
    ada.stop().await;
    bob.stop().await;
    server.shutdown().await;
}

async fn command(raw: &mut Raw, client: u64, id: u64, amount: i64) -> (CommandOutcome, Vec<u8>) {
    raw.send(&Frame::Command {
        client,
        id,
        name: "deposit".into(),
        args: postcard::to_allocvec(&amount).unwrap(),
    })
    .await;
    loop {
        match raw.next().await.expect("an answer") {
            Frame::CommandResult {
                client: c,
                id: i,
                outcome,
                updates,
            } if (c, i) == (client, id) => return (outcome, updates),
            _ => continue,
        }
    }
}

#[tokio::test]
async fn a_command_sent_again_after_a_dropped_connection_or_a_server_restart_runs_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sync.sqlite");
    let server = serve(SqliteStorage::open(&path).unwrap()).await;
    let mut raw = Raw::hello(&server.url(), "ada", DOC).await;
    raw.welcome().await;
    let (outcome, updates) = command(&mut raw, 7, 1, 10).await;
    assert_eq!(outcome, CommandOutcome::Accepted);
    assert!(
        !updates.is_empty(),
        "the sender gets the effect with the answer"
    );
    drop(raw); // the answer "lost": the client resends on its next connection

    let mut raw = Raw::hello(&server.url(), "ada", DOC).await;
    raw.welcome().await;
    let (again, updates) = command(&mut raw, 7, 1, 10).await;
    assert_eq!(again, CommandOutcome::Accepted, "the first answer, again");
    assert!(updates.is_empty(), "and nothing run a second time");
    // Another principal's command with the same numbers is another command.
    let mut eve = Raw::hello(&server.url(), "eve", DOC).await;
    eve.welcome().await;
    assert_eq!(command(&mut eve, 7, 1, 1).await.0, CommandOutcome::Accepted);
    drop((raw, eve));
    server.shutdown().await;

    // The answers are in the database with the document.
    let server = serve(SqliteStorage::open(&path).unwrap()).await;
    let mut raw = Raw::hello(&server.url(), "ada", DOC).await;
    raw.welcome().await;
    let (again, updates) = command(&mut raw, 7, 1, 10).await;
    assert_eq!(again, CommandOutcome::Accepted);
    assert!(updates.is_empty());
    drop(raw);
    let mut observer = start(&server, "observer", 99, None);
    observer.wait_confirmed(111).await;
    assert_eq!(observer.client.optimistic().confirmed().deposits, 2);
    observer.stop().await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_reconnects_before_its_answer_sees_its_command_once() {
    let server = serve(SqliteStorage::in_memory().unwrap()).await;
    let mut ada = start(&server, "ada", 1, None);
    assert!(matches!(
        ada.client.connection().wait_online().await,
        Connection::Online { .. }
    ));
    for _ in 0..5 {
        ada.client.run("deposit", &10i64).unwrap();
        ada.client.connection().reconnect();
    }
    ada.settled().await;
    assert_eq!(ada.balance(), 150);
    assert_eq!(ada.client.optimistic().confirmed().deposits, 5);
    assert!(
        ada.seen.borrow().windows(2).all(|w| w[0] <= w[1]),
        "the balance only ever grew: no command was shown twice then taken back: {:?}",
        ada.seen.borrow()
    );
    ada.stop().await;
    server.shutdown().await;
}

#[tokio::test]
async fn a_restarted_client_replays_its_saved_queue_and_nothing_runs_twice() {
    let dir = tempfile::tempdir().unwrap();
    let queue = dir.path().join("ada.queue");
    let server = serve(SqliteStorage::in_memory().unwrap()).await;

    // Offline: the command waits in the queue file only.
    let ada = start(&server, "ada", 1, Some(&queue));
    ada.client.connection().set_online(false);
    ada.client.run("deposit", &10i64).unwrap();
    ada.stop().await;

    // Online, but stopped before taking the answer: the server ran it, the file still has it.
    let ada = start(&server, "ada", 1, Some(&queue));
    assert_eq!(ada.balance(), 110, "the restored command shows at once");
    ada.client.run("deposit", &5i64).unwrap();
    let mut observer = start(&server, "observer", 99, None);
    observer.wait_confirmed(115).await;
    ada.stop().await;

    // The third start sends both again; the server answers them without running them.
    let mut ada = start(&server, "ada", 1, Some(&queue));
    assert_eq!(ada.client.pending().len(), 2);
    assert_eq!(ada.balance(), 115);
    ada.settled().await;
    assert_eq!(ada.balance(), 115);
    assert_eq!(ada.client.optimistic().confirmed().deposits, 2);
    assert!(ada.client.pending().is_empty());
    drop(ada.client);
    ada.owner.dispose();
    let ((), owner) = create_root(|| {
        let store = Store::new(initial());
        let reread = reactive_sync::Optimistic::new(
            store,
            loro::LoroDoc::new(),
            SyncSchema::new(),
            Rc::new(registry()),
            1,
        )
        .unwrap();
        assert!(
            reread.restore_pending_from(&queue).unwrap().is_empty(),
            "the file holds the empty queue"
        );
    });
    owner.dispose();
    observer.stop().await;
    server.shutdown().await;
}
