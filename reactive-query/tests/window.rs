//! Property test of a fixed `offset`/`limit` window over many batches of writes, the case the
//! incremental window update serves: the result equals sorting all rows and slicing, and every
//! change list replays the previous result into the new one. Scores are few so ties (broken by
//! the row key) are common, and a batch may touch several rows, including one row twice.

use proptest::prelude::*;
use reactive_core::batch;
use reactive_query::Collection;
use std::collections::BTreeMap;

fn batches() -> impl Strategy<Value = Vec<Vec<(u8, Option<u8>)>>> {
    let write = (0u8..30, prop::option::weighted(0.8, 0u8..6));
    prop::collection::vec(prop::collection::vec(write, 1..5), 1..40)
}

fn expected(
    rows: &BTreeMap<u8, u8>,
    offset: usize,
    limit: Option<usize>,
    desc: bool,
) -> Vec<(u8, u8)> {
    let mut all: Vec<(u8, u8)> = rows.iter().map(|(&k, &v)| (k, v)).collect();
    all.sort_by(|a, b| {
        let by_score = if desc { b.1.cmp(&a.1) } else { a.1.cmp(&b.1) };
        by_score.then(a.0.cmp(&b.0))
    });
    all.into_iter()
        .skip(offset)
        .take(limit.unwrap_or(usize::MAX))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn a_fixed_window_follows_every_batch_and_its_changes_replay(
        initial in prop::collection::btree_map(0u8..30, 0u8..6, 0..30),
        offset in 0usize..8,
        limit in prop::option::weighted(0.8, 1usize..8),
        desc in any::<bool>(),
        writes in batches(),
    ) {
        let source = Collection::new();
        for (&k, &v) in &initial {
            source.insert(k, v);
        }
        let ordered = source
            .query()
            .order_by(move |v: &u8| if desc { u8::MAX - *v } else { *v });
        let live = ordered.offset(offset).limit(limit).live();
        let mut model = initial.clone();
        let mut shown = live.rows();
        prop_assert_eq!(&shown, &expected(&model, offset, limit, desc));
        for writes in writes {
            batch(|| {
                for &(key, value) in &writes {
                    match value {
                        Some(v) => { source.insert(key, v); model.insert(key, v); }
                        None => { source.remove(&key); model.remove(&key); }
                    }
                }
            });
            let now = live.rows();
            prop_assert_eq!(&now, &expected(&model, offset, limit, desc));
            if now != shown {
                for change in live.changes().iter() {
                    change.apply(&mut shown);
                }
            }
            prop_assert_eq!(&shown, &now, "the change list replays to the result");
        }
    }
}
