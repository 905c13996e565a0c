//! One changed row of a sorted collection behind `limit 50`, at 10,000, 100,000 and 1,000,000
//! rows: the live query (write + incremental update), the same write into a collection no
//! query reads (the floor: the source alone), and recomputing the top 50 from scratch over the
//! rows (sort, take 50). Each iteration changes one row's score, alternating rows across the
//! whole key range so the row enters, leaves or moves within the window.
//!
//! `cargo bench -p reactive-query --bench query`

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use reactive_query::Collection;
use std::hint::black_box;

/// A deterministic score for row `i` at step `step`.
fn score(i: u64, step: u64) -> u64 {
    (i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ step.wrapping_mul(0xD1B5_4A32_D192_ED03)) % 1_000_000
}

fn top_50(c: &mut Criterion) {
    let mut group = c.benchmark_group("query_top50_one_row_update");
    for n in [10_000u64, 100_000, 1_000_000] {
        if n == 1_000_000 {
            group.sample_size(10);
        }
        let rows = Collection::new();
        for i in 0..n {
            rows.insert(i, score(i, 0));
        }
        let top = rows.query().order_by_desc(|s| *s).limit(Some(50)).live();
        assert_eq!(top.len(), 50);
        let mut step = 0u64;
        group.bench_function(BenchmarkId::new("live_query", n), |b| {
            b.iter(|| {
                step += 1;
                let key = step.wrapping_mul(7919) % n;
                // Every fourth change puts the row at the top, so the window changes too.
                let value = if step % 4 == 0 {
                    1_000_000 + step
                } else {
                    score(key, step)
                };
                rows.insert(key, value);
                black_box(top.version())
            })
        });

        let source = Collection::new();
        for i in 0..n {
            source.insert(i, score(i, 0));
        }
        let mut step = 0u64;
        group.bench_function(BenchmarkId::new("source_alone", n), |b| {
            b.iter(|| {
                step += 1;
                let key = step.wrapping_mul(7919) % n;
                black_box(source.insert(key, score(key, step)))
            })
        });

        if n <= 100_000 {
            let plain: Vec<(u64, u64)> = (0..n).map(|i| (i, score(i, 0))).collect();
            group.bench_function(BenchmarkId::new("recompute", n), |b| {
                b.iter_batched(
                    || plain.clone(),
                    |mut v| {
                        v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                        v.truncate(50);
                        black_box(v)
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("query_top50_build");
    group.sample_size(10);
    let n = 100_000u64;
    let rows = Collection::new();
    for i in 0..n {
        rows.insert(i, score(i, 0));
    }
    group.bench_function(BenchmarkId::new("live_query", n), |b| {
        b.iter(|| {
            let top = rows.query().order_by_desc(|s| *s).limit(Some(50)).live();
            black_box(top.len())
        })
    });
    group.finish();
}

criterion_group!(benches, top_50, build);
criterion_main!(benches);
