//! Property test of random pipelines: a random chain of filters, reactive filters and maps,
//! ended by a random order and window, a group-by or a distinct, against running the same chain
//! with iterators after every random batch of writes; change lists must replay to the result.

#[path = "support/shapes.rs"]
mod shapes;

use proptest::prelude::*;
use reactive_core::{Signal, batch};
use reactive_query::{Collection, GroupStats, Query};
use shapes::Checked;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

type Row = (i64, i64);

#[derive(Clone, Copy, Debug)]
enum Stage {
    /// Keeps rows whose field (0 or 1) is above a constant.
    Filter(usize, i64),
    /// Keeps rows whose field is below the shared reactive threshold.
    FilterBy(usize),
    /// Swaps the fields.
    Swap,
    /// Replaces the first field by the sum of both.
    Sum,
    /// Reduces the second field modulo 3 (many rows collide: ties in sorts and groups).
    Modulo,
}

#[derive(Clone, Copy, Debug)]
enum End {
    Order {
        field: usize,
        descending: bool,
        offset: usize,
        limit: Option<usize>,
    },
    Group,
    Distinct,
}

fn apply(stage: Stage, rows: Vec<(u16, Row)>, threshold: i64) -> Vec<(u16, Row)> {
    match stage {
        Stage::Filter(f, t) => rows.into_iter().filter(|(_, r)| field(r, f) > t).collect(),
        Stage::FilterBy(f) => rows
            .into_iter()
            .filter(|(_, r)| field(r, f) < threshold)
            .collect(),
        Stage::Swap => rows.into_iter().map(|(k, r)| (k, (r.1, r.0))).collect(),
        Stage::Sum => rows
            .into_iter()
            .map(|(k, r)| (k, (r.0 + r.1, r.1)))
            .collect(),
        Stage::Modulo => rows
            .into_iter()
            .map(|(k, r)| (k, (r.0, r.1.rem_euclid(3))))
            .collect(),
    }
}

fn field(row: &Row, f: usize) -> i64 {
    if f == 0 { row.0 } else { row.1 }
}

fn build(stage: Stage, q: Query<u16, Row>, threshold: Signal<i64>) -> Query<u16, Row> {
    match stage {
        Stage::Filter(f, t) => q.filter(move |r| field(r, f) > t),
        Stage::FilterBy(f) => q.filter_by(threshold, move |r, t| field(r, f) < *t),
        Stage::Swap => q.map(|r| (r.1, r.0)),
        Stage::Sum => q.map(|r| (r.0 + r.1, r.1)),
        Stage::Modulo => q.map(|r| (r.0, r.1.rem_euclid(3))),
    }
}

fn stage() -> impl Strategy<Value = Stage> {
    prop_oneof![
        (0usize..2, -3i64..6).prop_map(|(f, t)| Stage::Filter(f, t)),
        (0usize..2).prop_map(Stage::FilterBy),
        Just(Stage::Swap),
        Just(Stage::Sum),
        Just(Stage::Modulo),
    ]
}

fn end() -> impl Strategy<Value = End> {
    prop_oneof![
        3 => (0usize..2, any::<bool>(), 0usize..4, prop::option::of(0usize..6))
            .prop_map(|(field, descending, offset, limit)| End::Order { field, descending, offset, limit }),
        1 => Just(End::Group),
        1 => Just(End::Distinct),
    ]
}

#[derive(Clone, Debug)]
enum Op {
    Write(u16, Option<Row>),
    Threshold(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0u16..16, prop::option::weighted(0.8, (-4i64..8, -4i64..8))).prop_map(|(k, r)| Op::Write(k, r)),
        1 => (-4i64..8).prop_map(Op::Threshold),
    ]
}

enum Live {
    Rows(Checked<u16, Row>),
    Groups(Checked<i64, GroupStats>),
    Distinct(Checked<i64, ()>),
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn a_random_pipeline_equals_running_it_with_iterators(
        stages in prop::collection::vec(stage(), 0..5),
        end in end(),
        batches in prop::collection::vec(prop::collection::vec(op(), 0..5), 1..25),
    ) {
        let source = Collection::new();
        let threshold = Signal::new(2);
        let mut q = source.query();
        for &s in &stages {
            q = build(s, q, threshold);
        }
        let mut live = match end {
            End::Order { field: f, descending, offset, limit } => {
                let sorted = if descending {
                    q.order_by(move |r| Reverse(field(r, f))).offset(offset).limit(limit).live()
                } else {
                    q.order_by(move |r| field(r, f)).offset(offset).limit(limit).live()
                };
                Live::Rows(Checked::new(sorted))
            }
            End::Group => Live::Groups(Checked::new(q.group_by(|r| r.1, |r| r.0).live())),
            End::Distinct => Live::Distinct(Checked::new(q.distinct(|r| r.1).live())),
        };
        for ops in &batches {
            batch(|| {
                for op in ops {
                    match *op {
                        Op::Write(k, Some(r)) => drop(source.insert(k, r)),
                        Op::Write(k, None) => drop(source.remove(&k)),
                        Op::Threshold(t) => threshold.set(t),
                    }
                }
            });
            let t = threshold.get();
            let mut rows = source.to_vec();
            for &s in &stages {
                rows = apply(s, rows, t);
            }
            match (&mut live, end) {
                (Live::Rows(checked), End::Order { field: f, descending, offset, limit }) => {
                    rows.sort_by_key(|(k, r)| {
                        let v = field(r, f);
                        (if descending { -v } else { v }, *k)
                    });
                    let expected = rows.into_iter().skip(offset).take(limit.unwrap_or(usize::MAX)).collect();
                    checked.check("ordered", expected);
                }
                (Live::Groups(checked), _) => {
                    let mut by: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
                    for (_, r) in rows {
                        by.entry(r.1).or_default().push(r.0);
                    }
                    let expected = by
                        .into_iter()
                        .map(|(g, v)| {
                            let sum = v.iter().map(|&x| i128::from(x)).sum();
                            let min = *v.iter().min().unwrap();
                            let max = *v.iter().max().unwrap();
                            (g, GroupStats { count: v.len() as i64, sum, min, max })
                        })
                        .collect();
                    checked.check("grouped", expected);
                }
                (Live::Distinct(checked), _) => {
                    let set: BTreeSet<i64> = rows.into_iter().map(|(_, r)| r.1).collect();
                    checked.check("distinct", set.into_iter().map(|d| (d, ())).collect());
                }
                _ => unreachable!("the live result matches its end"),
            }
        }
    }
}
