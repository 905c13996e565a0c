//! Optimistic commands with server authority: a command shows at once, a rejected one rolls
//! back exactly in one commit, the pending queue survives a restart, and any interleaving of
//! commands, updates and answers ends in the server's state.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use proptest::prelude::*;
use reactive_core::{Effect, create_root};
use reactive_store::{Store, imbl};
use reactive_sync::{
    Authority, Command, CommandRegistry, CommandResult, Optimistic, ServerDoc, SyncSchema,
};
use serde::{Deserialize, Serialize};

#[derive(reactive_store::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Item {
    id: String,
    qty: i64,
}

#[derive(reactive_store::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Account {
    balance: i64,
    #[state(keyed = "id")]
    items: imbl::Vector<Item>,
}

fn initial() -> Account {
    Account {
        balance: 100,
        items: imbl::Vector::new(),
    }
}

fn schema() -> SyncSchema {
    SyncSchema::new().keyed("/items", "id")
}

fn registry() -> Rc<CommandRegistry<Account>> {
    let mut r = CommandRegistry::new();
    r.register("deposit", |a: &mut Account, n: i64| {
        a.balance += n;
        Ok(())
    });
    r.register("withdraw", |a: &mut Account, n: i64| {
        if a.balance < n {
            return Err(format!("balance {} < {n}", a.balance));
        }
        a.balance -= n;
        Ok(())
    });
    r.register("add_item", |a: &mut Account, id: String| {
        if a.items.iter().any(|i| i.id == id) {
            return Err(format!("{id} exists"));
        }
        a.items.push_back(Item { id, qty: 1 });
        Ok(())
    });
    r.register("bump_item", |a: &mut Account, id: String| {
        let item = a
            .items
            .iter_mut()
            .find(|i| i.id == id)
            .ok_or("no such item")?;
        item.qty += 1;
        Ok(())
    });
    r.register("remove_item", |a: &mut Account, id: String| {
        let at = a
            .items
            .iter()
            .position(|i| i.id == id)
            .ok_or("no such item")?;
        a.items.remove(at);
        Ok(())
    });
    Rc::new(r)
}

fn server() -> ServerDoc<Account> {
    ServerDoc::new(initial(), schema(), registry()).unwrap()
}

fn client(server: &ServerDoc<Account>, id: u64) -> (Store<Account>, Optimistic<Account>) {
    let store = Store::new(initial());
    let client = Optimistic::new(store, server.doc().fork(), schema(), registry(), id).unwrap();
    (store, client)
}

/// The server runs `cmd`, sends `clients` what they lack, then answers.
fn serve(
    server: &mut ServerDoc<Account>,
    clients: &[&Optimistic<Account>],
    cmd: &Command,
) -> CommandResult {
    let answer = server.execute(cmd);
    for c in clients {
        c.receive(&server.updates_since(&c.version()).unwrap())
            .unwrap();
    }
    answer
}

#[test]
fn a_command_shows_at_once_before_the_server_answers() {
    let ((), owner) = create_root(|| {
        let server = server();
        let (store, c) = client(&server, 1);
        c.run("withdraw", &30i64).unwrap();
        assert_eq!(store.snapshot_untracked().balance, 70);
        assert_eq!(c.confirmed().balance, 100);
        assert_eq!(c.pending().len(), 1);
    });
    owner.dispose();
}

#[test]
fn a_rejected_command_rolls_back_exactly_in_one_commit_keeping_later_pending_ones() {
    let ((), owner) = create_root(|| {
        let mut server = server();
        let (store1, c1) = client(&server, 1);
        let (_store2, c2) = client(&server, 2);
        let seen = Rc::new(RefCell::new(Vec::new()));
        let log = seen.clone();
        Effect::new(move || {
            let s = store1.snapshot();
            log.borrow_mut().push((s.balance, s.items.len()));
        });

        // Client 2 spends first on the server; client 1 does not know yet.
        let theirs = c2.run("withdraw", &60i64).unwrap();
        let mine = c1.run("withdraw", &80i64).unwrap();
        let later = c1.run("add_item", &"pen".to_string()).unwrap();
        assert_eq!(*seen.borrow().last().unwrap(), (20, 1));
        seen.borrow_mut().clear();

        assert!(serve(&mut server, &[&c1, &c2], &theirs).is_accepted());
        // Confirmed 40; client 1's pending withdraw of 80 no longer runs on it.
        assert_eq!(*seen.borrow(), [(40, 1)]);
        c2.resolve(theirs.id, &CommandResult::Accepted).unwrap();

        let answer = serve(&mut server, &[&c1, &c2], &mine);
        assert_eq!(
            answer,
            CommandResult::Rejected("command \"withdraw\" refused: balance 40 < 80".into())
        );
        seen.borrow_mut().clear();
        c1.resolve(mine.id, &answer).unwrap();
        assert_eq!(
            *seen.borrow(),
            [],
            "the withdraw had no effect left to roll back"
        );
        assert_eq!(c1.pending(), std::slice::from_ref(&later));

        let answer = serve(&mut server, &[&c1, &c2], &later);
        c1.resolve(later.id, &answer).unwrap();
        assert_eq!(*store1.snapshot_untracked(), *server.state());
        assert_eq!(server.state().balance, 40);
        assert!(c1.pending().is_empty());
    });
    owner.dispose();
}

#[test]
fn a_rejection_removes_exactly_the_rejected_effect_in_one_change() {
    let ((), owner) = create_root(|| {
        let mut server = server();
        let (store, c) = client(&server, 1);
        let commits = Rc::new(RefCell::new(0));
        let n = commits.clone();
        store.on_commit(move |_| *n.borrow_mut() += 1);
        let first = c.run("add_item", &"a".to_string()).unwrap();
        let second = c.run("deposit", &5i64).unwrap();
        assert_eq!(store.snapshot_untracked().balance, 105);
        // The server says no to the first (say, a rule only it knows).
        c.resolve(first.id, &CommandResult::Rejected("not allowed".into()))
            .unwrap();
        assert_eq!(*commits.borrow(), 3);
        assert_eq!(store.snapshot_untracked().items.len(), 0);
        assert_eq!(store.snapshot_untracked().balance, 105);
        let answer = serve(&mut server, &[&c], &second);
        c.resolve(second.id, &answer).unwrap();
        assert_eq!(*store.snapshot_untracked(), *server.state());
    });
    owner.dispose();
}

#[test]
fn the_pending_queue_survives_a_restart_and_is_replayed() {
    let dir = tempfile_dir();
    let file = dir.join("pending.bin");
    let mut server = server();
    let ((), owner) = create_root(|| {
        let (_, c) = client(&server, 9);
        c.run("deposit", &7i64).unwrap();
        c.run("add_item", &"cup".to_string()).unwrap();
        c.save_pending_to(&file).unwrap();
    });
    owner.dispose();
    // A new process: the same client id, a fresh store on the server's document.
    let ((), owner) = create_root(|| {
        let (store, c) = client(&server, 9);
        let resend = c.restore_pending_from(&file).unwrap();
        assert_eq!(resend.len(), 2);
        assert_eq!(store.snapshot_untracked().balance, 107);
        for cmd in &resend {
            let answer = serve(&mut server, &[&c], cmd);
            c.resolve(cmd.id, &answer).unwrap();
        }
        // Resending again is harmless: the server answers from memory.
        assert!(server.execute(&resend[0]).is_accepted());
        assert_eq!(server.state().balance, 107);
        assert_eq!(*store.snapshot_untracked(), *server.state());
        let next = c.run("deposit", &1i64).unwrap();
        assert_eq!(
            next.id.seq, 3,
            "sequence numbers continue after the restored queue"
        );
    });
    owner.dispose();
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_saved_queue_of_another_client_or_garbage_is_refused() {
    let server = server();
    let ((), owner) = create_root(|| {
        let (_, a) = client(&server, 1);
        let (_, b) = client(&server, 2);
        a.run("deposit", &1i64).unwrap();
        let saved = a.save_pending().unwrap();
        assert!(matches!(
            b.restore_pending(&saved),
            Err(reactive_sync::SyncError::Codec(_))
        ));
        assert!(matches!(
            b.restore_pending(&[0xff; 3]),
            Err(reactive_sync::SyncError::Codec(_))
        ));
        assert!(b.pending().is_empty());
    });
    owner.dispose();
}

#[test]
fn unknown_commands_and_bad_arguments_are_refused_locally_and_not_queued() {
    let server = server();
    let ((), owner) = create_root(|| {
        let (store, c) = client(&server, 1);
        assert!(matches!(
            c.run("fly", &()),
            Err(reactive_sync::CommandError::Unknown(_))
        ));
        assert!(matches!(
            c.run("deposit", &()), // no bytes where an i64 is expected
            Err(reactive_sync::CommandError::BadArgs { .. })
        ));
        assert!(c.pending().is_empty());
        assert_eq!(*store.snapshot_untracked(), initial());
    });
    owner.dispose();
}

#[test]
fn the_server_follows_plain_updates_and_refuses_garbage_without_changing() {
    let ((), owner) = create_root(|| {
        let mut server = server();
        let store = Store::new(initial());
        let doc = server.doc().fork();
        doc.set_peer_id(77).unwrap();
        let binding = reactive_sync::StoreBinding::new(store, doc, schema()).unwrap();
        let seen = server.version();
        store
            .update(|a| {
                a.balance = 5;
                a.items.push_back(Item {
                    id: "z".into(),
                    qty: 3,
                });
            })
            .unwrap();
        server
            .import(&binding.updates_since(&seen).unwrap())
            .unwrap();
        assert_eq!(*server.state(), *store.snapshot_untracked());
        let before = server.state().clone();
        assert!(matches!(
            server.import(&[9, 9, 9]),
            Err(reactive_sync::SyncError::Loro(_))
        ));
        assert_eq!(*server.state(), before);
    });
    owner.dispose();
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("reactive-sync-optimistic-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One step of an interleaving.
#[derive(Clone, Debug)]
enum Step {
    /// Client `c` runs a command (kind, argument).
    Run(usize, u8, u8),
    /// The server takes the oldest unsent command of client `c`.
    Send(usize),
    /// Client `c` reads the oldest message the server sent it.
    Deliver(usize),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..3usize, 0..5u8, 0..4u8).prop_map(|(c, k, a)| Step::Run(c, k, a)),
        (0..3usize).prop_map(Step::Send),
        (0..3usize).prop_map(Step::Deliver),
    ]
}

/// What the server sends a client, in order.
enum Message {
    Updates(Vec<u8>),
    Answer(Command, CommandResult),
}

fn run_command(c: &Optimistic<Account>, kind: u8, arg: u8) -> Option<Command> {
    let id = format!("i{}", arg % 3);
    match kind {
        0 => c.run("deposit", &(i64::from(arg) * 10)),
        1 => c.run("withdraw", &(i64::from(arg) * 40)),
        2 => c.run("add_item", &id),
        3 => c.run("bump_item", &id),
        _ => c.run("remove_item", &id),
    }
    .ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, .. ProptestConfig::default() })]

    #[test]
    fn any_interleaving_of_commands_updates_and_answers_ends_in_the_servers_state(
        steps in proptest::collection::vec(step(), 0..40)
    ) {
        let ((), owner) = create_root(|| {
            let mut server = server();
            let clients: Vec<(Store<Account>, Optimistic<Account>)> =
                (0..3).map(|i| client(&server, i as u64 + 1)).collect();
            let mut unsent: Vec<VecDeque<Command>> = vec![VecDeque::new(); 3];
            let mut inbox: Vec<VecDeque<Message>> = (0..3).map(|_| VecDeque::new()).collect();
            let mut known = vec![server.version(); 3];
            // The naive reference: the accepted commands, run in the server's order.
            let mut reference = initial();
            let reg = registry();

            let send = |c: usize, server: &mut ServerDoc<Account>, unsent: &mut Vec<VecDeque<Command>>,
                        inbox: &mut Vec<VecDeque<Message>>, known: &mut Vec<loro::VersionVector>,
                        reference: &mut Account| {
                if let Some(cmd) = unsent[c].pop_front() {
                    let answer = server.execute(&cmd);
                    if answer.is_accepted() {
                        reg.run(reference, &cmd).expect("the server accepted it");
                    }
                    for (to, box_) in inbox.iter_mut().enumerate() {
                        box_.push_back(Message::Updates(server.updates_since(&known[to]).unwrap()));
                        known[to] = server.version();
                    }
                    inbox[c].push_back(Message::Answer(cmd, answer));
                }
            };
            let deliver = |c: usize, inbox: &mut Vec<VecDeque<Message>>| {
                match inbox[c].pop_front() {
                    Some(Message::Updates(bytes)) => clients[c].1.receive(&bytes).unwrap(),
                    Some(Message::Answer(cmd, answer)) => clients[c].1.resolve(cmd.id, &answer).unwrap(),
                    None => {}
                }
            };
            for step in steps {
                match step {
                    Step::Run(c, kind, arg) => {
                        if let Some(cmd) = run_command(&clients[c].1, kind, arg) {
                            unsent[c].push_back(cmd);
                        }
                    }
                    Step::Send(c) => send(c, &mut server, &mut unsent, &mut inbox, &mut known, &mut reference),
                    Step::Deliver(c) => deliver(c, &mut inbox),
                }
            }
            for c in 0..3 {
                while !unsent[c].is_empty() {
                    send(c, &mut server, &mut unsent, &mut inbox, &mut known, &mut reference);
                }
            }
            for c in 0..3 {
                while !inbox[c].is_empty() {
                    deliver(c, &mut inbox);
                }
            }
            assert_eq!(*server.state(), reference);
            for (store, c) in &clients {
                assert!(c.pending().is_empty());
                assert_eq!(*store.snapshot_untracked(), *server.state());
            }
        });
        owner.dispose();
    }
}
