//! `reactive-store` against the most natural alternative for each job.
//!
//! Cases (ids `store/<case>/<implementation>`; select with `cargo bench -p benches --bench store
//! -- <filter>`). The state is a list of todos (`title: String`, `done: bool`) in an
//! `imbl::Vector` for the store, a `Vec` for the alternatives.
//!
//! | case | timed work | compared with |
//! |---|---|---|
//! | `snapshot` (100,000 todos) | take a snapshot of the state | cloning the whole `Vec` |
//! | `transaction_1_patch` (100,000 todos) | flip one `done` with `store.update` (copy, diff of the whole state into 1 patch, history step, publish) and with `store.update_at` (the same, diffing only the value at the path) | cloning the `Vec`, changing one item, replacing the old one |
//! | `select_10000` (10,000 todos, 10,000 readers) | one transaction changing one title, then every reader that must re-run | a `Vec` of 10,000 callbacks, each recomputing its title and comparing it with the last one |
//! | `scope_lookup/depth_{1,10,100}` (1,000 keys per scope) | read a key held by the root from the deepest scope | a `HashMap` per scope, walked up the parent chain |
//! | `event_dispatch_1000` | emit one event to 1,000 handlers of its topic | a `Vec` of 1,000 boxed callbacks |
//!
//! Readers are effects (`select_at`: notified by path; `select`: a memo per reader, recomputed
//! on every commit). Every store case runs inside one root, built before timing.

use std::cell::Cell;
use std::collections::HashMap;
use std::hint::black_box;
use std::rc::Rc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use reactive_core::{Effect, create_root};
use reactive_store::imbl::Vector;
use reactive_store::{HistoryLimits, Key, Scope, State, Store, path};
use serde::{Deserialize, Serialize};

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Todo {
    title: String,
    done: bool,
}

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Todos {
    items: Vector<Todo>,
}

/// A subscriber of the plain alternative: told the new state, says whether it re-rendered.
type Subscriber = Box<dyn FnMut(&[Todo]) -> bool>;

/// A handler of the plain alternative.
type Callback = Box<dyn FnMut(&u64)>;

fn todo(i: usize) -> Todo {
    Todo {
        title: format!("todo number {i}"),
        done: false,
    }
}

fn todos(n: usize) -> Todos {
    Todos {
        items: (0..n).map(todo).collect(),
    }
}

fn plain(n: usize) -> Vec<Todo> {
    (0..n).map(todo).collect()
}

fn snapshot(c: &mut Criterion) {
    let mut g = c.benchmark_group("store/snapshot");
    let ((), root) = create_root(|| {
        let store = Store::new(todos(100_000));
        g.bench_function("store", |b| {
            b.iter(|| black_box(store.snapshot_untracked()))
        });
    });
    let state = plain(100_000);
    g.bench_function("clone_whole_state", |b| b.iter(|| black_box(state.clone())));
    g.finish();
    root.dispose();
}

fn transaction_1_patch(c: &mut Criterion) {
    let mut g = c.benchmark_group("store/transaction_1_patch");
    let ((), root) = create_root(|| {
        let store = Store::new(todos(100_000));
        let mut i = 0;
        g.bench_function("store", |b| {
            b.iter(|| {
                i = (i + 7_919) % 100_000;
                let commit = store
                    .update(|s| s.items[i].done = !s.items[i].done)
                    .unwrap();
                debug_assert_eq!(commit.patches().len(), 1);
                black_box(commit);
            })
        });
        let store = Store::new(todos(100_000));
        let mut i = 0;
        g.bench_function("store_update_at", |b| {
            b.iter(|| {
                i = (i + 7_919) % 100_000;
                let commit = store
                    .update_at(path!(items[i].done), |done: &mut bool| *done = !*done)
                    .unwrap();
                debug_assert_eq!(commit.patches().len(), 1);
                black_box(commit);
            })
        });
    });
    let mut state = Rc::new(plain(100_000));
    let mut i = 0;
    g.bench_function("clone_whole_state", |b| {
        b.iter(|| {
            i = (i + 7_919) % 100_000;
            let mut next = (*state).clone();
            next[i].done = !next[i].done;
            state = Rc::new(next);
            black_box(&state);
        })
    });
    g.finish();
    root.dispose();
}

fn select_10000(c: &mut Criterion) {
    const N: usize = 10_000;
    let mut g = c.benchmark_group("store/select_10000");
    g.sample_size(30);
    for by_path in [true, false] {
        let runs = Rc::new(Cell::new(0usize));
        let ((), root) = create_root(|| {
            let store = Store::with_history(
                todos(N),
                HistoryLimits {
                    max_steps: 0,
                    ..HistoryLimits::default()
                },
            );
            for i in 0..N {
                let runs = runs.clone();
                if by_path {
                    let title = store.watch::<String>(path!(items[i].title));
                    Effect::new(move || {
                        black_box(title.get());
                        runs.set(runs.get() + 1);
                    });
                } else {
                    let title = store.select(move |s| s.items[i].title.clone());
                    Effect::new(move || {
                        black_box(title.get());
                        runs.set(runs.get() + 1);
                    });
                }
            }
            let mut round = 0usize;
            let name = if by_path { "select_at" } else { "select_memo" };
            g.bench_function(name, |b| {
                b.iter(|| {
                    round += 1;
                    let i = round * 7_919 % N;
                    store
                        .update(|s| s.items[i].title = format!("renamed {round}"))
                        .unwrap();
                })
            });
            // One reader re-ran per transaction, after each one's first run (when not filtered).
            assert!(round == 0 || runs.get() == N + round);
        });
        root.dispose();
    }
    // The alternative: subscribers as plain callbacks over the whole state.
    let mut state = Rc::new(plain(N));
    let mut callbacks: Vec<Subscriber> = (0..N)
        .map(|i| {
            let mut last = state[i].title.clone();
            Box::new(move |s: &[Todo]| {
                let now = &s[i].title;
                if *now == last {
                    return false;
                }
                last = now.clone();
                true
            }) as Subscriber
        })
        .collect();
    let mut round = 0usize;
    g.bench_function("vec_of_callbacks", |b| {
        b.iter(|| {
            round += 1;
            let i = round * 7_919 % N;
            Rc::make_mut(&mut state)[i].title = format!("renamed {round}");
            let rerun = callbacks
                .iter_mut()
                .map(|cb| cb(&state))
                .filter(|r| *r)
                .count();
            black_box(rerun);
        })
    });
    g.finish();
}

fn scope_lookup(c: &mut Criterion) {
    const KEYS: usize = 1_000;
    let mut g = c.benchmark_group("store/scope_lookup");
    let keys: Vec<String> = (0..KEYS).map(|k| format!("key{k}")).collect();
    // Typed keys need `'static` names: the 1,000 filler names are leaked once, here.
    let scope_keys: Vec<Key<u64>> = keys
        .iter()
        .map(|k| Key::new(Box::leak(k.clone().into_boxed_str())))
        .collect();
    const INHERITED: Key<u64> = Key::new("inherited");
    for depth in [1usize, 10, 100] {
        let ((), root) = create_root(|| {
            let top = Scope::root("s0").unwrap();
            let mut leaf = top;
            for level in 0..depth {
                if level > 0 {
                    leaf = leaf.child(&format!("s{level}")).unwrap();
                }
                for (k, key) in scope_keys.iter().enumerate() {
                    leaf.set(*key, (level * KEYS + k) as u64).unwrap();
                }
            }
            // A key only the root holds: inherited through `depth - 1` scopes.
            top.set(INHERITED, 42).unwrap();
            g.bench_with_input(BenchmarkId::new("scope", depth), &leaf, |b, leaf| {
                b.iter(|| black_box(leaf.get_untracked(black_box(INHERITED)).unwrap()))
            });
        });
        root.dispose();
        // The alternative: a map per scope and a parent index, walked on every lookup.
        let mut maps: Vec<HashMap<String, u64>> = Vec::new();
        let mut parent: Vec<Option<usize>> = Vec::new();
        for level in 0..depth {
            maps.push(
                keys.iter()
                    .enumerate()
                    .map(|(k, key)| (key.clone(), (level * KEYS + k) as u64))
                    .collect(),
            );
            parent.push(level.checked_sub(1));
        }
        maps[0].insert("inherited".into(), 42);
        let leaf = depth - 1;
        g.bench_with_input(BenchmarkId::new("hashmap_walk", depth), &leaf, |b, leaf| {
            b.iter(|| {
                let key = black_box("inherited");
                let mut scope = Some(*leaf);
                let mut found = None;
                while let Some(s) = scope {
                    if let Some(v) = maps[s].get(key) {
                        found = Some(*v);
                        break;
                    }
                    scope = parent[s];
                }
                black_box(found)
            })
        });
    }
    g.finish();
}

fn event_dispatch_1000(c: &mut Criterion) {
    const N: usize = 1_000;
    let mut g = c.benchmark_group("store/event_dispatch_1000");
    let total = Rc::new(Cell::new(0u64));
    let ((), root) = create_root(|| {
        let app = Scope::root("app").unwrap();
        for _ in 0..N {
            let total = total.clone();
            app.on::<u64>("player.damaged")
                .handle(move |_, amount| total.set(total.get() + amount))
                .unwrap();
        }
        g.bench_function("scope_emit", |b| {
            b.iter(|| app.emit("player.damaged", black_box(1u64)).unwrap())
        });
    });
    assert_eq!(total.get() % N as u64, 0);
    root.dispose();
    let total = Rc::new(Cell::new(0u64));
    let mut callbacks: Vec<Callback> = (0..N)
        .map(|_| {
            let total = total.clone();
            Box::new(move |amount: &u64| total.set(total.get() + amount)) as Callback
        })
        .collect();
    g.bench_function("vec_of_callbacks", |b| {
        b.iter(|| {
            let amount = black_box(1u64);
            for cb in &mut callbacks {
                cb(&amount);
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = snapshot, transaction_1_patch, select_10000, scope_lookup, event_dispatch_1000
}
criterion_main!(benches);
