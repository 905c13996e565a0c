//! One behaviour per test, including the corners where incremental engines are known to break.

use reactive_core::{Signal, batch, create_root, on_cleanup};
use reactive_query::{Collection, GroupStats, RowChange};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

fn scores(rows: &[(&'static str, i64)]) -> Collection<&'static str, i64> {
    let c = Collection::new();
    for &(k, v) in rows {
        c.insert(k, v);
    }
    c
}

#[test]
fn a_row_below_the_window_enters_when_a_row_inside_it_is_deleted() {
    let c = scores(&[("a", 40), ("b", 30), ("c", 20)]);
    let top = c.query().order_by_desc(|s| *s).limit(Some(2)).live();
    assert_eq!(top.keys(), ["a", "b"]);
    c.remove(&"a");
    assert_eq!(top.keys(), ["b", "c"]);
    assert_eq!(
        *top.changes(),
        [
            RowChange::Removed {
                key: "a",
                row: 40,
                old_index: 0
            },
            RowChange::Added {
                key: "c",
                row: 20,
                new_index: 1
            },
        ]
    );
}

#[test]
fn a_sort_key_update_across_the_window_edge_swaps_the_rows_in_and_out() {
    let c = scores(&[("a", 40), ("b", 30), ("c", 20)]);
    let top = c.query().order_by_desc(|s| *s).limit(Some(2)).live();
    assert_eq!(top.keys(), ["a", "b"]);
    c.insert("c", 50);
    assert_eq!(top.keys(), ["c", "a"]);
    assert_eq!(
        *top.changes(),
        [
            RowChange::Removed {
                key: "b",
                row: 30,
                old_index: 1
            },
            RowChange::Added {
                key: "c",
                row: 50,
                new_index: 0
            },
        ]
    );
}

#[test]
fn a_change_to_a_field_the_query_drops_gives_no_update() {
    let c = Collection::new();
    c.insert(1, ("ada", 10, "note"));
    let q = c.query().map(|r| (r.0, r.1)).order_by(|r| r.1).live();
    let version = q.version();
    c.update(&1, |r| r.2 = "changed");
    assert_eq!(q.version(), version);
    c.update(&1, |r| r.1 = 11);
    assert_eq!(
        *q.changes(),
        [RowChange::Modified {
            key: 1,
            row: ("ada", 11),
            index: 0
        }]
    );
}

#[test]
fn an_offset_past_the_end_gives_an_empty_result_and_no_updates() {
    let c = scores(&[("a", 1), ("b", 2)]);
    let q = c.query().order_by(|s| *s).offset(5).live();
    assert!(q.is_empty());
    let version = q.version();
    c.insert("c", 3);
    assert!(q.is_empty());
    assert_eq!(q.version(), version);
}

#[test]
fn a_group_whose_last_row_leaves_disappears() {
    let c = Collection::new();
    c.insert(1, ("x", 5));
    c.insert(2, ("y", 7));
    let q = c.query().group_by(|r| r.0, |r| r.1).live();
    assert_eq!(q.keys(), ["x", "y"]);
    c.remove(&1);
    assert_eq!(q.keys(), ["y"]);
    assert_eq!(
        *q.changes(),
        [RowChange::Removed {
            key: "x",
            row: GroupStats {
                count: 1,
                sum: 5,
                min: 5,
                max: 5
            },
            old_index: 0
        }]
    );
}

#[test]
fn deleting_the_minimum_of_a_group_finds_the_next_smallest() {
    let c = Collection::new();
    for (k, v) in [(1, 3), (2, 8), (3, 3), (4, 5)] {
        c.insert(k, v);
    }
    let q = c.query().group_by(|_| (), |v| *v).live();
    c.remove(&1);
    assert_eq!(q.row(&()).unwrap().1.min, 3, "another row still has 3");
    c.remove(&3);
    assert_eq!(
        q.row(&()).unwrap().1,
        GroupStats {
            count: 2,
            sum: 13,
            min: 5,
            max: 8
        }
    );
}

#[test]
fn a_none_group_key_is_a_group_of_its_own() {
    let c = Collection::new();
    c.insert(1, None);
    c.insert(2, Some("a"));
    c.insert(3, None);
    let q = c.query().group_by(|g| *g, |_| 1).live();
    assert_eq!(
        q.rows()
            .iter()
            .map(|(g, a)| (*g, a.count))
            .collect::<Vec<_>>(),
        [(None, 2), (Some("a"), 1)]
    );
}

#[test]
fn a_none_join_key_matches_nothing_and_stays_unmatched_in_a_left_join() {
    let left = Collection::new();
    let right = Collection::new();
    left.insert(1, None::<u8>);
    right.insert(10, None::<u8>);
    let inner = left.query().join(right.query(), |l| *l, |r| *r).live();
    let outer = left.query().left_join(right.query(), |l| *l, |r| *r).live();
    assert!(inner.is_empty());
    assert_eq!(outer.rows(), [((1, None), (None, None))]);
}

#[test]
fn a_right_row_arriving_turns_an_unmatched_left_row_into_a_pair() {
    let left = Collection::new();
    let right = Collection::new();
    left.insert(1, 7);
    let outer = left
        .query()
        .left_join(right.query(), |l| Some(*l), |r| Some(*r))
        .live();
    assert_eq!(outer.rows(), [((1, None), (7, None))]);
    right.insert(2, 7);
    assert_eq!(outer.rows(), [((1, Some(2)), (7, Some(7)))]);
    right.remove(&2);
    assert_eq!(outer.rows(), [((1, None), (7, None))]);
}

#[test]
fn two_changes_to_one_row_in_one_batch_arrive_as_one_change() {
    let c = scores(&[("a", 1), ("b", 2)]);
    let q = c.query().order_by(|s| *s).live();
    q.version();
    batch(|| {
        c.insert("a", 5);
        c.insert("a", 6);
    });
    assert_eq!(
        *q.changes(),
        [RowChange::Moved {
            key: "a",
            row: 6,
            old_index: 0,
            new_index: 1
        }]
    );
    let version = q.version();
    batch(|| {
        c.insert("z", 0);
        c.remove(&"z");
    });
    assert_eq!(
        q.version(),
        version,
        "an insert undone in the same batch is no change"
    );
}

#[test]
fn distinct_drops_a_value_only_when_its_last_row_goes() {
    let c = scores(&[("a", 1), ("b", 1), ("c", 2)]);
    let q = c.query().distinct(|v| *v).live();
    c.remove(&"a");
    assert_eq!(q.keys(), [1, 2]);
    c.remove(&"b");
    assert_eq!(q.keys(), [2]);
}

#[test]
fn changing_a_filter_parameter_updates_the_result() {
    let c = scores(&[("a", 1), ("b", 5), ("c", 9)]);
    let min = Signal::new(4);
    let q = c
        .query()
        .filter_by(min, |v, m| v >= m)
        .order_by(|v| *v)
        .live();
    assert_eq!(q.keys(), ["b", "c"]);
    min.set(6);
    assert_eq!(
        *q.changes(),
        [RowChange::Removed {
            key: "b",
            row: 5,
            old_index: 0
        }]
    );
}

#[test]
fn changing_the_offset_pages_through_the_result() {
    let c = scores(&[("a", 1), ("b", 2), ("c", 3), ("d", 4)]);
    let page = Signal::new(0);
    let q = c
        .query()
        .order_by(|v| *v)
        .offset(page)
        .limit(Some(2))
        .live();
    assert_eq!(q.keys(), ["a", "b"]);
    page.set(2);
    assert_eq!(q.keys(), ["c", "d"]);
}

#[test]
fn a_query_nobody_reads_runs_no_operator() {
    let calls = Rc::new(Cell::new(0));
    let c = Collection::new();
    let counted = calls.clone();
    let q = c
        .query()
        .filter(move |_: &i32| {
            counted.set(counted.get() + 1);
            true
        })
        .live();
    for i in 0..10 {
        c.insert(i, i);
    }
    assert_eq!(calls.get(), 0);
    assert_eq!(q.len(), 10);
    assert_eq!(calls.get(), 10);
}

#[test]
fn for_each_row_builds_entering_rows_and_disposes_leaving_ones() {
    let events = Rc::new(RefCell::new(Vec::new()));
    let (c, root) = create_root(|| {
        let c = scores(&[("a", 1)]);
        let q = c.query().order_by(|v| *v).live();
        let events = events.clone();
        q.for_each_row(move |key, row| {
            events
                .borrow_mut()
                .push(format!("build {key} {}", row.get()));
            let events = events.clone();
            let key = *key;
            on_cleanup(move || events.borrow_mut().push(format!("drop {key}")));
        });
        c
    });
    c.insert("b", 2);
    c.insert("a", 3); // moves: kept, not rebuilt
    c.remove(&"b");
    assert_eq!(*events.borrow(), ["build a 1", "build b 2", "drop b"]);
    root.dispose();
    assert_eq!(events.borrow().last().map(String::as_str), Some("drop a"));
}

#[test]
fn for_each_row_updates_the_row_signal_when_the_row_changes() {
    let seen = Rc::new(RefCell::new(Vec::new()));
    let (c, root) = create_root(|| {
        let c = scores(&[("a", 1)]);
        let q = c.query().live();
        let seen = seen.clone();
        q.for_each_row(move |_, row| {
            let seen = seen.clone();
            reactive_core::Effect::new(move || seen.borrow_mut().push(row.get()));
        });
        c
    });
    c.insert("a", 2);
    assert_eq!(*seen.borrow(), [1, 2]);
    root.dispose();
}

#[test]
fn for_each_row_catches_up_when_updates_were_read_inside_a_batch() {
    let built = Rc::new(RefCell::new(Vec::new()));
    let (c, root) = create_root(|| {
        let c = scores(&[("a", 1), ("b", 2)]);
        let q = c.query().order_by(|v| *v).live();
        let built = built.clone();
        q.for_each_row(move |key, _| {
            built.borrow_mut().push(format!("build {key}"));
            let built = built.clone();
            let key = *key;
            on_cleanup(move || built.borrow_mut().push(format!("drop {key}")));
        });
        (c, q)
    });
    let (c, q) = c;
    batch(|| {
        c.insert("c", 3);
        assert_eq!(q.len(), 3); // an update read inside the batch: the effect sees two at once
        c.remove(&"a");
        c.insert("d", 0);
    });
    assert_eq!(q.keys(), ["d", "b", "c"]);
    // Caught up by comparing keys: leaving rows first, then entering ones in result order.
    assert_eq!(
        *built.borrow(),
        ["build a", "build b", "drop a", "build d", "build c"]
    );
    root.dispose();
}
