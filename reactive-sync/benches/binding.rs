//! The binding's cost per applied remote update, beside raw Loro's.
//!
//! A board of 100 todos (keyed, titles as collaborative text) is edited on one replica: a
//! chain of 1,000 small updates (toggle an item's `done`, type one character into a title,
//! alternating over the items). Each is applied on a second replica:
//!
//! - `loro_import`: `LoroDoc::import` of the update bytes, no subscriber (the floor);
//! - `loro_import_with_subscriber`: the same with a root subscriber, so Loro computes the
//!   change events (the part of the binding's cost that is Loro's);
//! - `binding_import`: `StoreBinding::import`: the same import, the change events, their
//!   patches and one store commit (a reactive batch), with one effect reading the store.
//!
//! Each measured run applies the chain in order on a fresh copy of the seeded document (the
//! copy is made outside the timing).
//!
//! The same edits made locally (group `sync_local_edit`):
//!
//! - `loro_edit`: the edit on raw Loro (the item's map taken by position, `insert` or a text
//!   `insert`, then `commit`: one Loro change);
//! - `store_update_at`: `Store::update_at` on the edited field, no binding (the store's own
//!   cost, for reference);
//! - `binding_update_at`: the same on a bound store: the commit's patches written into the
//!   document as one Loro change.
//!
//! `cargo bench -p reactive-sync --bench binding`; figures in `ARCHITECTURE.md`
//! (reactive-sync, "Measured"). Instruction counts: `SYNC_BENCH_COUNT=<case>:<n> valgrind
//! --tool=callgrind <bench binary>` runs `n` edits of one case (`loro_import`,
//! `loro_import_with_subscriber`, `binding_import`, `loro_edit`, `store_update_at`,
//! `binding_update_at`) outside criterion; the difference between two `n` is the cost of
//! the extra edits, setup excluded.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use loro::{Container, ExportMode, LoroDoc, ValueOrContainer};
use reactive_core::{Effect, create_root};
use reactive_state::{Path, Segment};
use reactive_store::{State, Store, imbl};
use reactive_sync::{StoreBinding, SyncSchema};
use serde::{Deserialize, Serialize};

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Todo {
    id: String,
    title: String,
    done: bool,
}

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Board {
    #[state(keyed = "id")]
    todos: imbl::Vector<Todo>,
}

const ITEMS: usize = 100;
const UPDATES: usize = 1_000;

fn schema() -> SyncSchema {
    SyncSchema::new()
        .keyed("/todos", "id")
        .text("/todos/*/title")
}

fn board() -> Board {
    Board {
        todos: (0..ITEMS)
            .map(|i| Todo {
                id: format!("t{i}"),
                title: format!("todo number {i}"),
                done: false,
            })
            .collect(),
    }
}

/// The seeded document and the chain of updates made on a replica of it.
fn workload() -> (LoroDoc, Vec<Vec<u8>>) {
    let ((seed, updates), owner) = create_root(|| {
        let store = Store::new(board());
        let doc = LoroDoc::new();
        doc.set_peer_id(1).unwrap();
        let binding = StoreBinding::new(store, doc, schema()).unwrap();
        let seed = binding.doc().fork();
        let mut updates = Vec::with_capacity(UPDATES);
        for step in 0..UPDATES {
            let seen = binding.version();
            let i = (step * 37) % ITEMS;
            store
                .update(|b| match step % 2 {
                    0 => b.todos[i].done = !b.todos[i].done,
                    _ => b.todos[i].title.insert(0, 'x'),
                })
                .unwrap();
            updates.push(binding.doc().export(ExportMode::updates(&seen)).unwrap());
        }
        (seed, updates)
    });
    owner.dispose();
    (seed, updates)
}

/// Times applying `updates[..iters]` (cycling over fresh targets) with `apply`, the target
/// made by `target` outside the timing.
fn timed<T>(
    iters: u64,
    updates: &[Vec<u8>],
    mut target: impl FnMut() -> T,
    mut apply: impl FnMut(&T, &[u8]),
) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters as usize;
    while left > 0 {
        let n = left.min(updates.len());
        let t = target();
        let start = Instant::now();
        for bytes in &updates[..n] {
            apply(&t, bytes);
        }
        total += start.elapsed();
        left -= n;
    }
    total
}

fn remote_update(c: &mut Criterion) {
    let (seed, updates) = workload();
    let mut group = c.benchmark_group("sync_apply_remote_update");

    group.bench_function("loro_import", |b| {
        b.iter_custom(|iters| {
            timed(
                iters,
                &updates,
                || seed.fork(),
                |doc, bytes| {
                    black_box(doc.import(bytes).unwrap());
                },
            )
        })
    });

    // The part of the binding's cost that is Loro's: an import with a subscriber makes Loro
    // compute the change events.
    group.bench_function("loro_import_with_subscriber", |b| {
        b.iter_custom(|iters| {
            let mut subscriptions = Vec::new();
            let elapsed = timed(
                iters,
                &updates,
                || {
                    let doc = seed.fork();
                    subscriptions.push(doc.subscribe_root(std::sync::Arc::new(|e| {
                        black_box(e.events.len());
                    })));
                    doc
                },
                |doc, bytes| {
                    black_box(doc.import(bytes).unwrap());
                },
            );
            drop(subscriptions);
            elapsed
        })
    });

    group.bench_function("binding_import", |b| {
        b.iter_custom(|iters| {
            let (elapsed, owner) = create_root(|| {
                timed(
                    iters,
                    &updates,
                    || {
                        let store = Store::new(board());
                        let runs = std::rc::Rc::new(std::cell::Cell::new(0u64));
                        let r = runs.clone();
                        Effect::new(move || {
                            store.with(|b| black_box(b.todos.len()));
                            r.set(r.get() + 1);
                        });
                        StoreBinding::new(store, seed.fork(), schema()).unwrap()
                    },
                    |binding, bytes| binding.import(bytes).unwrap(),
                )
            });
            owner.dispose();
            elapsed
        })
    });
    group.finish();
}

/// The path of item `i`'s field `field` (items are addressed by key in a keyed collection).
fn item_field(i: usize, field: &'static str) -> Path {
    Path::root()
        .join(Segment::field("todos"))
        .join(Segment::key_text(format!("t{i}")))
        .join(Segment::field(field))
}

/// Local edit `step` on a store: the same edits as [`workload`]'s, through `update_at`.
fn store_edit(store: Store<Board>, step: usize) {
    let i = (step * 37) % ITEMS;
    match step % 2 {
        0 => store.update_at(item_field(i, "done"), |d: &mut bool| *d = !*d),
        _ => store.update_at(item_field(i, "title"), |t: &mut String| t.insert(0, 'x')),
    }
    .unwrap();
}

/// Local edit `step` on raw Loro: the item's map by position, one operation, one commit.
fn loro_edit(doc: &LoroDoc, step: usize) {
    let i = (step * 37) % ITEMS;
    let todos = doc.get_map(reactive_sync::ROOT_MAP);
    let Some(ValueOrContainer::Container(Container::MovableList(list))) = todos.get("todos") else {
        panic!("the seeded document has its todos")
    };
    let Some(ValueOrContainer::Container(Container::Map(item))) = list.get(i) else {
        panic!("todo {i} is a map")
    };
    match step % 2 {
        0 => {
            let done = matches!(
                item.get("done"),
                Some(ValueOrContainer::Value(loro::LoroValue::Bool(true)))
            );
            item.insert("done", !done).unwrap();
        }
        _ => {
            let Some(ValueOrContainer::Container(Container::Text(title))) = item.get("title")
            else {
                panic!("todo {i}'s title is text")
            };
            title.insert(0, "x").unwrap();
        }
    }
    doc.commit();
}

/// A bound store on a copy of `seed`, with one effect reading it.
fn bound(seed: &LoroDoc) -> StoreBinding<Board> {
    let store = Store::new(board());
    Effect::new(move || {
        store.with(|b| black_box(b.todos.len()));
    });
    StoreBinding::new(store, seed.fork(), schema()).unwrap()
}

fn local_edit(c: &mut Criterion) {
    let (seed, _) = workload();
    let mut group = c.benchmark_group("sync_local_edit");
    group.bench_function("loro_edit", |b| {
        b.iter_custom(|iters| {
            let mut step = 0;
            timed_steps(
                iters,
                || seed.fork(),
                |doc| {
                    loro_edit(doc, step);
                    step += 1;
                },
            )
        })
    });
    group.bench_function("store_update_at", |b| {
        b.iter_custom(|iters| {
            let (elapsed, owner) = create_root(|| {
                let mut step = 0;
                timed_steps(
                    iters,
                    || Store::new(board()),
                    |store| {
                        store_edit(*store, step);
                        step += 1;
                    },
                )
            });
            owner.dispose();
            elapsed
        })
    });
    group.bench_function("binding_update_at", |b| {
        b.iter_custom(|iters| {
            let (elapsed, owner) = create_root(|| {
                let mut step = 0;
                timed_steps(
                    iters,
                    || bound(&seed),
                    |binding| {
                        store_edit(binding.store(), step);
                        step += 1;
                    },
                )
            });
            owner.dispose();
            elapsed
        })
    });
    group.finish();
}

/// Times `iters` calls of `edit`, on a fresh target (made untimed) every [`UPDATES`] calls.
fn timed_steps<T>(iters: u64, mut target: impl FnMut() -> T, mut edit: impl FnMut(&T)) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters as usize;
    while left > 0 {
        let n = left.min(UPDATES);
        let t = target();
        let start = Instant::now();
        for _ in 0..n {
            edit(&t);
        }
        total += start.elapsed();
        left -= n;
    }
    total
}

/// `SYNC_BENCH_COUNT=<case>:<n>`: `n` edits of one case, for `valgrind --tool=callgrind`.
fn count(spec: &str) {
    let (case, n) = spec
        .split_once(':')
        .and_then(|(c, n)| Some((c, n.parse::<usize>().ok()?)))
        .unwrap_or_else(|| panic!("SYNC_BENCH_COUNT={spec:?}: expected <case>:<n>"));
    let (seed, updates) = workload();
    // Each update applies once: an import of bytes already seen costs almost nothing.
    assert!(n <= UPDATES, "SYNC_BENCH_COUNT: at most {UPDATES} edits");
    let ((), owner) = create_root(|| match case {
        "loro_import" | "loro_import_with_subscriber" => {
            let doc = seed.fork();
            let _sub = (case == "loro_import_with_subscriber").then(|| {
                doc.subscribe_root(std::sync::Arc::new(|e| {
                    black_box(e.events.len());
                }))
            });
            for bytes in &updates[..n] {
                doc.import(bytes).unwrap();
            }
        }
        "binding_import" => {
            let binding = bound(&seed);
            for bytes in &updates[..n] {
                binding.import(bytes).unwrap();
            }
        }
        "loro_edit" => {
            let doc = seed.fork();
            (0..n).for_each(|step| loro_edit(&doc, step));
        }
        "store_update_at" => {
            let store = Store::new(board());
            (0..n).for_each(|step| store_edit(store, step));
        }
        "binding_update_at" => {
            let binding = bound(&seed);
            (0..n).for_each(|step| store_edit(binding.store(), step));
        }
        other => panic!("SYNC_BENCH_COUNT: no case {other:?}"),
    });
    owner.dispose();
}

criterion_group!(benches, remote_update, local_edit);

fn main() {
    if let Ok(spec) = std::env::var("SYNC_BENCH_COUNT") {
        return count(&spec);
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
