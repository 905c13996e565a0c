//! The deterministic network simulation's pieces, shared by the `sim_*` tests: a seeded
//! random source, a board state with every kind of field, random edits as data, replicas
//! (store + binding) and a lossy network.

#![allow(dead_code)] // each test file uses part of it

use loro::{LoroDoc, VersionVector};
use reactive_store::{Store, imbl};
use reactive_sync::{StoreBinding, SyncSchema};
use serde::{Deserialize, Serialize};

/// SplitMix64: small, seeded, the same on every platform.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

#[derive(reactive_store::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Todo {
    pub id: String,
    pub title: String,
    pub done: bool,
}

#[derive(reactive_store::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Settings {
    pub theme: String,
    pub size: u32,
}

#[derive(reactive_store::State, Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct Board {
    pub title: String,
    pub votes: i64,
    #[state(keyed = "id")]
    pub todos: imbl::Vector<Todo>,
    pub settings: Settings,
    pub tags: Vec<String>,
}

impl Board {
    pub fn empty() -> Board {
        Board {
            title: String::new(),
            votes: 0,
            todos: imbl::Vector::new(),
            settings: Settings {
                theme: "light".into(),
                size: 12,
            },
            tags: Vec::new(),
        }
    }
}

/// Text fields are collaborative text, votes a counter, todos a keyed collection.
pub fn schema() -> SyncSchema {
    SyncSchema::new()
        .keyed("/todos", "id")
        .text("/title")
        .text("/todos/*/title")
        .counter("/votes")
}

/// One random edit, as data: applied the same way to a store and to a reference value.
#[derive(Clone, Debug)]
pub enum Edit {
    Add {
        index: usize,
        id: String,
        title: String,
    },
    Remove {
        id: String,
    },
    Move {
        id: String,
        to: usize,
    },
    TitleInsert {
        id: String,
        at: usize,
        text: String,
    },
    TitleDelete {
        id: String,
        at: usize,
    },
    Toggle {
        id: String,
    },
    Vote(i64),
    BoardTitle {
        at: usize,
        text: String,
    },
    Theme(String),
    Size(u32),
    TagPush(String),
    TagPop,
}

impl Edit {
    /// A random edit that makes sense on `board`; new ids are unique per `replica`, except a
    /// quarter of them, drawn from a pool of three keys shared by all replicas.
    pub fn random(rng: &mut Rng, board: &Board, replica: usize, counter: &mut u32) -> Edit {
        let words = ["a", "bc", "milk", "x", "hello "];
        let word = |rng: &mut Rng| words[rng.below(words.len())].to_string();
        let n = board.todos.len();
        let pick = |rng: &mut Rng| board.todos[rng.below(n)].id.clone();
        loop {
            return match rng.below(12) {
                0 | 1 => {
                    *counter += 1;
                    // Now and then a key from a small pool every replica draws from: two
                    // replicas may add the same key concurrently.
                    let shared = format!("s{}", rng.below(3));
                    let id = match rng.chance(25) && !board.todos.iter().any(|t| t.id == shared) {
                        true => shared,
                        false => format!("r{replica}-{counter}"),
                    };
                    Edit::Add {
                        index: rng.below(n + 1),
                        id,
                        title: word(rng),
                    }
                }
                2 if n > 0 => Edit::Remove { id: pick(rng) },
                3 if n > 0 => Edit::Move {
                    id: pick(rng),
                    to: rng.below(n),
                },
                4 | 5 if n > 0 => {
                    let id = pick(rng);
                    let len = board
                        .todos
                        .iter()
                        .find(|t| t.id == id)
                        .map_or(0, |t| t.title.len());
                    Edit::TitleInsert {
                        id,
                        at: rng.below(len + 1),
                        text: word(rng),
                    }
                }
                6 if n > 0 => {
                    let id = pick(rng);
                    let len = board
                        .todos
                        .iter()
                        .find(|t| t.id == id)
                        .map_or(0, |t| t.title.len());
                    if len == 0 {
                        continue;
                    }
                    Edit::TitleDelete {
                        id,
                        at: rng.below(len),
                    }
                }
                7 if n > 0 => Edit::Toggle { id: pick(rng) },
                8 => Edit::Vote(rng.below(5) as i64 - 2),
                9 => Edit::BoardTitle {
                    at: rng.below(board.title.len() + 1),
                    text: word(rng),
                },
                10 => match rng.chance(50) {
                    true => Edit::Theme(["light", "dark", "blue"][rng.below(3)].into()),
                    false => Edit::Size(rng.below(30) as u32),
                },
                11 => match rng.chance(60) || board.tags.is_empty() {
                    true => Edit::TagPush(word(rng)),
                    false => Edit::TagPop,
                },
                _ => continue,
            };
        }
    }

    /// Applies the edit (a no-op when its item is gone: another replica removed it).
    pub fn apply(&self, b: &mut Board) {
        let find = |b: &Board, id: &str| b.todos.iter().position(|t| t.id == id);
        match self {
            Edit::Add { index, id, title } => {
                let at = (*index).min(b.todos.len());
                b.todos.insert(
                    at,
                    Todo {
                        id: id.clone(),
                        title: title.clone(),
                        done: false,
                    },
                );
            }
            Edit::Remove { id } => {
                if let Some(i) = find(b, id) {
                    b.todos.remove(i);
                }
            }
            Edit::Move { id, to } => {
                if let Some(i) = find(b, id) {
                    let item = b.todos.remove(i);
                    let to = (*to).min(b.todos.len());
                    b.todos.insert(to, item);
                }
            }
            Edit::TitleInsert { id, at, text } => {
                if let Some(i) = find(b, id) {
                    let t = &mut b.todos[i].title;
                    let at = (*at).min(t.len());
                    t.insert_str(at, text);
                }
            }
            Edit::TitleDelete { id, at } => {
                if let Some(i) = find(b, id) {
                    let t = &mut b.todos[i].title;
                    if *at < t.len() {
                        t.remove(*at);
                    }
                }
            }
            Edit::Toggle { id } => {
                if let Some(i) = find(b, id) {
                    b.todos[i].done = !b.todos[i].done;
                }
            }
            Edit::Vote(d) => b.votes += d,
            Edit::BoardTitle { at, text } => {
                let at = (*at).min(b.title.len());
                b.title.insert_str(at, text);
            }
            Edit::Theme(t) => b.settings.theme = t.clone(),
            Edit::Size(s) => b.settings.size = *s,
            Edit::TagPush(t) => b.tags.push(t.clone()),
            Edit::TagPop => {
                b.tags.pop();
            }
        }
    }
}

/// A replica: a store, its binding, and what it has already broadcast.
pub struct Replica {
    pub store: Store<Board>,
    pub binding: StoreBinding<Board>,
    pub sent: VersionVector,
    pub counter: u32,
}

impl Replica {
    /// A replica on a copy of `seed` (the document every replica starts from), with its own
    /// Loro peer id.
    pub fn new(seed: &LoroDoc, peer: u64) -> Replica {
        let doc = seed.fork();
        doc.set_peer_id(peer).expect("a fresh peer id");
        let store = Store::new(Board::empty());
        let binding = StoreBinding::new(store, doc, schema()).expect("binding a seeded document");
        let sent = binding.version();
        Replica {
            store,
            binding,
            sent,
            counter: 0,
        }
    }

    /// Applies `edit` as a store transaction; returns the Loro update it made.
    pub fn edit(&mut self, edit: &Edit) -> Vec<u8> {
        self.store
            .update(|b| edit.apply(b))
            .expect("a local edit commits");
        let update = self.binding.updates_since(&self.sent).expect("export");
        self.sent = self.binding.version();
        update
    }

    pub fn state(&self) -> Board {
        (*self.store.snapshot_untracked()).clone()
    }
}

/// The document every replica forks: the empty board, written once.
pub fn seed_doc() -> LoroDoc {
    let store = Store::new(Board::empty());
    let doc = LoroDoc::new();
    doc.set_peer_id(u64::MAX - 1).expect("peer id");
    let binding = StoreBinding::new(store, doc, schema()).expect("seeding");
    let doc = binding.doc().fork();
    drop(binding);
    store.dispose();
    doc
}

/// The seeds to run: `SIM_SEED=n` runs only seed `n`, else `0..count`.
pub fn seeds(count: u64) -> Vec<u64> {
    match std::env::var("SIM_SEED") {
        Ok(seed) => vec![seed.parse().expect("SIM_SEED is a number")],
        Err(_) => (0..count).collect(),
    }
}

/// Runs `run` for every seed; the first failure panics with the seed and how to rerun it.
pub fn for_each_seed(test: &str, count: u64, run: impl Fn(u64) -> Result<(), String>) {
    for seed in seeds(count) {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run(seed)));
        let message = match outcome {
            Ok(Ok(())) => continue,
            Ok(Err(message)) => message,
            Err(panic) => panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        };
        panic!(
            "{test}: seed {seed} failed: {message}\nrerun it alone: SIM_SEED={seed} cargo test -p reactive-sync --test {test}"
        );
    }
}
