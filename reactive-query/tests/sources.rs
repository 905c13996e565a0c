//! The three sources — a `Collection`, a keyed map in a `Store` state, a keyed list of models —
//! feed the same operators: the same query over each gives the same rows and change lists, a
//! transaction reaches the query once, and a query nobody reads runs no operator.

use proptest::prelude::*;
use reactive_core::{Effect, Signal, batch};
use reactive_model::{KeyedList, Model};
use reactive_query::{Collection, LiveQuery, Query, RowChange};
use reactive_store::{State, Store, imbl::OrdMap, path};
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::collections::BTreeMap;
use std::rc::Rc;

#[derive(Model, Clone, PartialEq, Debug)]
struct Item {
    #[model(skip)]
    id: u32,
    score: i32,
    on: bool,
}

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Board {
    title: String,
    items: OrdMap<u32, (i32, bool)>,
}

#[derive(State, Clone, PartialEq, Debug, Serialize, Deserialize)]
struct Plain {
    items: BTreeMap<u32, (i32, bool)>,
}

#[derive(Clone, Debug)]
enum Op {
    Put(u32, i32, bool),
    Score(u32, i32),
    Remove(u32),
    /// Moves an item of the model list to the front; changes no row anywhere.
    Front(u32),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..12u32, -20..20i32, any::<bool>()).prop_map(|(k, s, on)| Op::Put(k, s, on)),
        (0..12u32, -20..20i32).prop_map(|(k, s)| Op::Score(k, s)),
        (0..12u32).prop_map(Op::Remove),
        (0..12u32).prop_map(Op::Front),
    ]
}

/// The query under test, from any source whose rows project to `(score, on)`.
fn top<V: Clone + PartialEq + 'static>(
    query: Query<u32, V>,
    row: impl Fn(&V) -> (i32, bool) + 'static,
    offset: Signal<usize>,
) -> LiveQuery<u32, (i32, bool)> {
    query
        .map(row)
        .filter(|(_, on)| *on)
        .order_by_desc(|(score, _)| *score)
        .offset(offset)
        .limit(Some(4))
        .live()
}

fn apply_to_map(items: &mut impl MapLike, op: &Op) {
    match *op {
        Op::Put(k, s, on) => items.put(k, (s, on)),
        Op::Score(k, s) => items.score(k, s),
        Op::Remove(k) => items.remove(k),
        Op::Front(_) => {}
    }
}

trait MapLike {
    fn put(&mut self, k: u32, row: (i32, bool));
    fn score(&mut self, k: u32, s: i32);
    fn remove(&mut self, k: u32);
}

impl MapLike for OrdMap<u32, (i32, bool)> {
    fn put(&mut self, k: u32, row: (i32, bool)) {
        self.insert(k, row);
    }
    fn score(&mut self, k: u32, s: i32) {
        if let Some(row) = self.get_mut(&k) {
            row.0 = s;
        }
    }
    fn remove(&mut self, k: u32) {
        OrdMap::remove(self, &k);
    }
}

impl MapLike for BTreeMap<u32, (i32, bool)> {
    fn put(&mut self, k: u32, row: (i32, bool)) {
        self.insert(k, row);
    }
    fn score(&mut self, k: u32, s: i32) {
        if let Some(row) = self.get_mut(&k) {
            row.0 = s;
        }
    }
    fn remove(&mut self, k: u32) {
        BTreeMap::remove(self, &k);
    }
}

fn apply_to_collection(c: &Collection<u32, (i32, bool)>, op: &Op) {
    match *op {
        Op::Put(k, s, on) => {
            c.insert(k, (s, on));
        }
        Op::Score(k, s) => {
            c.update(&k, |row| row.0 = s);
        }
        Op::Remove(k) => {
            c.remove(&k);
        }
        Op::Front(_) => {}
    }
}

fn apply_to_list(list: KeyedList<Item, u32>, op: &Op) {
    match *op {
        Op::Put(k, s, on) => match list.get(&k) {
            Some(item) => {
                item.set_score(s);
                item.set_on(on);
            }
            None => {
                list.push(Item {
                    id: k,
                    score: s,
                    on,
                });
            }
        },
        Op::Score(k, s) => {
            if let Some(item) = list.get(&k) {
                item.set_score(s);
            }
        }
        Op::Remove(k) => {
            list.remove(&k);
        }
        Op::Front(k) => {
            if list.get(&k).is_some() {
                list.move_to(&k, 0);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn the_same_query_over_a_collection_a_store_and_a_model_list_agrees(
        batches in prop::collection::vec(prop::collection::vec(op(), 1..6), 1..24),
        offsets in prop::collection::vec(0..3usize, 24),
    ) {
        let offset = Signal::new(0);
        let collection = Collection::new();
        let store = Store::new(Board { title: String::new(), items: OrdMap::new() });
        let plain = Store::new(Plain { items: BTreeMap::new() });
        let list = KeyedList::new(Vec::new(), |item: &Item| item.id);
        let queries = [
            top(collection.query(), |row| *row, offset),
            top(Query::from_store(store, path!(items), |b: &Board| &b.items), |row| *row, offset),
            top(Query::from_store(plain, path!(items), |b: &Plain| &b.items), |row| *row, offset),
            top(Query::from_keyed_list(list), |item: &Item| (item.score, item.on), offset),
        ];
        for (ops, new_offset) in batches.iter().zip(offsets) {
            let before: Vec<_> = queries.iter().map(|q| (q.rows(), q.version())).collect();
            batch(|| {
                for op in ops {
                    apply_to_collection(&collection, op);
                    apply_to_list(list, op);
                }
                offset.set(new_offset);
            });
            store.update(|b| ops.iter().for_each(|op| apply_to_map(&mut b.items, op))).unwrap();
            plain.update(|b| ops.iter().for_each(|op| apply_to_map(&mut b.items, op))).unwrap();
            let rows = queries[0].rows();
            let updated = queries[0].version() != before[0].1;
            prop_assert_eq!(updated, rows != before[0].0);
            for (query, (old_rows, old_version)) in queries.iter().zip(before) {
                prop_assert_eq!(&query.rows(), &rows);
                prop_assert_eq!(query.version() - old_version, u64::from(updated));
                if updated {
                    prop_assert_eq!(&*query.changes(), &*queries[0].changes());
                    // The change list replays the previous result into the new one.
                    let mut replayed = old_rows;
                    for change in query.changes().iter() {
                        change.apply(&mut replayed);
                    }
                    prop_assert_eq!(&replayed, &rows);
                }
            }
        }
    }
}

/// Counts the runs of an effect that reads the query, and returns them with the counter.
fn count_updates<V: Clone + PartialEq + 'static>(q: LiveQuery<u32, V>) -> Rc<Cell<u32>> {
    let runs = Rc::new(Cell::new(0));
    let r = runs.clone();
    Effect::new(move || {
        q.len();
        r.set(r.get() + 1);
    });
    runs
}

#[test]
fn a_store_transaction_of_several_changes_reaches_the_query_once() {
    let store = Store::new(Board {
        title: String::new(),
        items: OrdMap::from_iter([(1u32, (10, true)), (2, (20, true)), (3, (30, true))]),
    });
    let q = Query::from_store(store, path!(items), |b: &Board| &b.items)
        .order_by(|(score, _)| *score)
        .live();
    let runs = count_updates(q.clone());
    store
        .update(|b| {
            b.items.insert(1, (40, true));
            b.items.remove(&2);
            b.items.insert(4, (5, true));
        })
        .unwrap();
    assert_eq!(runs.get(), 2);
    assert_eq!(q.keys(), [4, 3, 1]);
    assert_eq!(q.changes().len(), 3);
    // A commit elsewhere in the state wakes the query but changes nothing: no update.
    store.update(|b| b.title = "board".into()).unwrap();
    assert_eq!(runs.get(), 2);
}

#[test]
fn a_store_commit_replacing_the_map_whole_is_compared_map_against_map() {
    let store = Store::new(Board {
        title: String::new(),
        items: OrdMap::from_iter([(1u32, (10, true)), (2, (20, true))]),
    });
    let q = Query::from_store(store, path!(items), |b: &Board| &b.items).live();
    let reset = Board {
        title: "reset".into(),
        items: OrdMap::from_iter([(2u32, (20, true)), (3, (1, false))]),
    };
    store.update(|b| *b = reset.clone()).unwrap();
    store.undo().unwrap();
    store.redo().unwrap();
    assert_eq!(q.rows(), [(2, (20, true)), (3, (1, false))]);
}

#[test]
fn a_model_batch_of_several_changes_reaches_the_query_once() {
    let list = KeyedList::new(
        vec![
            Item {
                id: 1,
                score: 10,
                on: true,
            },
            Item {
                id: 2,
                score: 20,
                on: true,
            },
        ],
        |item: &Item| item.id,
    );
    let q = Query::from_keyed_list(list)
        .order_by(|item| item.score)
        .live();
    let runs = count_updates(q.clone());
    batch(|| {
        list.get(&1).unwrap().set_score(30);
        list.get(&2).unwrap().set_on(false);
        list.push(Item {
            id: 3,
            score: 0,
            on: true,
        });
        list.remove(&2);
        list.move_to(&3, 0);
    });
    assert_eq!(runs.get(), 2);
    assert_eq!(q.keys(), [3, 1]);
    assert_eq!(
        *q.changes(),
        [
            RowChange::Removed {
                key: 2,
                row: Item {
                    id: 2,
                    score: 20,
                    on: true
                },
                old_index: 1
            },
            RowChange::Modified {
                key: 1,
                row: Item {
                    id: 1,
                    score: 30,
                    on: true
                },
                index: 0
            },
            RowChange::Added {
                key: 3,
                row: Item {
                    id: 3,
                    score: 0,
                    on: true
                },
                new_index: 0
            },
        ]
    );
    // A move in the list changes no row: no update.
    list.move_to(&1, 0);
    assert_eq!(runs.get(), 2);
}

#[test]
fn an_item_removed_and_pushed_again_under_its_key_in_one_batch_is_one_modification() {
    let list = KeyedList::new(
        vec![Item {
            id: 1,
            score: 10,
            on: true,
        }],
        |item: &Item| item.id,
    );
    let q = Query::from_keyed_list(list).live();
    assert_eq!(q.len(), 1);
    batch(|| {
        list.remove(&1);
        list.push(Item {
            id: 1,
            score: 11,
            on: true,
        });
    });
    assert_eq!(q.rows()[0].1.score, 11);
    assert!(matches!(
        q.changes().as_slice(),
        [RowChange::Modified { .. }]
    ));
    // The new item's edits still reach the query.
    list.get(&1).unwrap().set_score(12);
    assert_eq!(q.rows()[0].1.score, 12);
}

#[test]
fn a_query_nobody_reads_runs_no_operator_over_a_store_or_a_model_list() {
    let calls = Rc::new(Cell::new(0));
    let store = Store::new(Plain {
        items: BTreeMap::new(),
    });
    let list = KeyedList::new(Vec::new(), |item: &Item| item.id);
    let from_store = Query::from_store(store, path!(items), |p: &Plain| &p.items)
        .filter({
            let calls = calls.clone();
            move |_| {
                calls.set(calls.get() + 1);
                true
            }
        })
        .live();
    let from_list = Query::from_keyed_list(list)
        .filter({
            let calls = calls.clone();
            move |_| {
                calls.set(calls.get() + 1);
                true
            }
        })
        .live();
    for k in 0..5 {
        store
            .update(|p| {
                p.items.insert(k, (1, true));
            })
            .unwrap();
        list.push(Item {
            id: k,
            score: 1,
            on: true,
        });
        list.get(&k).unwrap().set_score(2);
    }
    assert_eq!(calls.get(), 0);
    assert_eq!(from_store.len() + from_list.len(), 10);
    assert_eq!(calls.get(), 10);
}
