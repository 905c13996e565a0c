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
//! `cargo bench -p reactive-sync --bench binding`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use loro::{ExportMode, LoroDoc};
use reactive_core::{Effect, create_root};
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

criterion_group!(benches, remote_update);
criterion_main!(benches);
