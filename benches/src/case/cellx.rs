//! cellx: `L` layers of four memos, each layer mixing the previous one, with one effect per memo.
//!
//! Timed unit: read the four end props, batch-write the start props to (4, 3, 2, 1), read the
//! end props again. The untimed `after` checks the values and run counts, then writes
//! (1, 2, 3, 4) back so the next unit does the same work.

use super::{Counter, Instance, Rooted};
use crate::adapter::{Reactive, Source};

/// The three sizes, with their case names.
pub(super) const LAYERS: [(&str, usize); 3] = [
    ("cellx1000", 1000),
    ("cellx2500", 2500),
    ("cellx5000", 5000),
];

/// The end props before and after the write, per layer count.
fn expected(layers: usize) -> ([i64; 4], [i64; 4]) {
    match layers {
        1000 | 2500 => ([-3, -6, -2, 2], [-2, -4, 2, 3]),
        5000 => ([2, 4, -1, -6], [-2, 1, -4, -4]),
        _ => panic!("no expected values for {layers} layers"),
    }
}

/// How many paths lead from the four start props to the memos of all layers: the visits of a
/// change marking that visits every path (see `Reactive::MARKS_EVERY_PATH`).
pub(super) fn paths_per_write(layers: usize) -> f64 {
    let mut paths = [1.0f64; 4];
    let mut total = 0.0;
    for _ in 0..layers {
        let [p1, p2, p3, p4] = paths;
        paths = [p2, p1 + p3, p2 + p4, p3];
        total += paths.iter().sum::<f64>();
    }
    total
}

/// A built cellx graph.
struct Cellx<L: Reactive> {
    start: [L::Signal<i64>; 4],
    end: [Source<L, i64>; 4],
    layers: usize,
    memo_runs: Counter,
    effect_runs: Counter,
    before: [i64; 4],
    after: [i64; 4],
    _root: Rooted<L>,
}

pub(super) fn instantiate<L: Reactive>(layers: usize) -> Box<dyn Instance> {
    let memo_runs = Counter::default();
    let effect_runs = Counter::default();
    let ((start, end), root) = L::root(|| {
        let start = [1, 2, 3, 4].map(L::signal);
        let mut layer = start.map(Source::<L, i64>::Signal);
        for _ in 0..layers {
            let [p1, p2, p3, p4] = layer;
            let next = [
                counted_memo::<L>(&memo_runs, move || p2.read()),
                counted_memo::<L>(&memo_runs, move || p1.read() - p3.read()),
                counted_memo::<L>(&memo_runs, move || p2.read() + p4.read()),
                counted_memo::<L>(&memo_runs, move || p3.read()),
            ];
            for prop in next {
                let runs = effect_runs.clone();
                L::effect(move || {
                    runs.bump();
                    prop.read();
                });
            }
            layer = next;
        }
        (start, layer)
    });
    Box::new(Cellx {
        start,
        end,
        layers,
        memo_runs,
        effect_runs,
        before: [0; 4],
        after: [0; 4],
        _root: Rooted::new(root),
    })
}

/// A memo that counts its evaluations in `runs`.
fn counted_memo<L: Reactive>(
    runs: &Counter,
    compute: impl Fn() -> i64 + 'static,
) -> Source<L, i64> {
    let runs = runs.clone();
    Source::Memo(L::memo(move || {
        runs.bump();
        compute()
    }))
}

impl<L: Reactive> Cellx<L> {
    fn read_end(&self) -> [i64; 4] {
        self.end.each_ref().map(Source::read)
    }

    fn write_start(&self, values: [i64; 4]) {
        L::batch(|| {
            for (signal, value) in self.start.into_iter().zip(values) {
                L::write(signal, value);
            }
        });
    }

    fn check_runs(&self, what: &str) {
        let expected = 4 * self.layers as u64;
        assert_eq!(self.memo_runs.get(), expected, "memo runs for {what}");
        assert_eq!(self.effect_runs.get(), expected, "effect runs for {what}");
    }
}

impl<L: Reactive> Instance for Cellx<L> {
    fn before(&mut self) {
        self.memo_runs.reset();
        self.effect_runs.reset();
    }

    fn unit(&mut self) {
        self.before = self.read_end();
        self.write_start([4, 3, 2, 1]);
        self.after = self.read_end();
    }

    fn after(&mut self) {
        let (before, after) = expected(self.layers);
        assert_eq!(self.before, before, "end values before the write");
        assert_eq!(self.after, after, "end values after the write");
        self.check_runs("the write (4, 3, 2, 1)");
        // Restore the start values for the next unit (untimed).
        self.memo_runs.reset();
        self.effect_runs.reset();
        self.write_start([1, 2, 3, 4]);
        self.check_runs("the restoring write (1, 2, 3, 4)");
        assert_eq!(self.read_end(), before, "end values after restoring");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::Kind;

    #[test]
    fn paths_grow_exponentially_with_layers() {
        assert_eq!(paths_per_write(1), 6.0);
        assert!(paths_per_write(100) > 1e20);
    }

    fn run_every_cellx_size<L: Reactive>() {
        crate::case::run_selected_cases::<L>(|case| matches!(case.kind, Kind::Cellx(_)));
    }

    crate::library_tests!(every_cellx_size_passes_its_checks, run_every_cellx_size);
}
