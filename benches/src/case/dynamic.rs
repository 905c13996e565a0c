//! The dynamic graphs: `width` source signals, then rows of memos each reading `n_sources` nodes
//! of the row before; some nodes drop one of their sources depending on a value (dynamic
//! dependencies); only some leaves are read (laziness). Values are `f64` with JavaScript number
//! semantics, and the graph is drawn from the same generator as the JavaScript side.
//!
//! Timed unit: one full run (`iterations` batched writes, each followed by reading every read
//! leaf) on a graph built and primed by one untimed run, as the JavaScript reference does. The
//! table's counts are the memo evaluations of such a run. (`report --quick` skips the priming
//! run and times the first run.)

use std::hint::black_box;

use super::{Counter, Instance, Rooted, Unsupported};
use crate::adapter::{Reactive, Source};
use crate::random::Random;

/// The shape of a dynamic graph.
#[derive(Clone, Copy, Debug)]
pub struct GraphShape {
    /// How many nodes of the previous row each node reads.
    pub n_sources: usize,
    /// Nodes per row (and source signals).
    pub width: usize,
    /// Rows, counting the row of source signals.
    pub layers: usize,
    /// The fraction of nodes that always read all their sources.
    pub static_fraction: f64,
    /// The fraction of the last row that is read.
    pub read_fraction: f64,
}

/// One of the six benchmark configurations, with its expected results.
#[derive(Clone, Copy, Debug)]
pub struct DynamicSpec {
    /// The case name, as on the JavaScript side.
    pub title: &'static str,
    /// The graph.
    pub shape: GraphShape,
    /// Writes per run.
    pub iterations: usize,
    /// The sum of the read leaves after a run.
    pub sum: f64,
    /// Memo evaluations during a run.
    pub count: u64,
}

/// The six configurations of the benchmark table.
pub static DYNAMIC_SPECS: [DynamicSpec; 6] = [
    spec(
        "2-10x5 - lazy80%",
        [2, 10, 5],
        1.0,
        0.2,
        600_000,
        19_199_968.0,
        3_480_000,
    ),
    spec(
        "6-10x10 - dyn25% - lazy80%",
        [6, 10, 10],
        0.75,
        0.2,
        15_000,
        302_310_782_860.0,
        1_155_000,
    ),
    spec(
        "4-1000x12 - dyn5%",
        [4, 1000, 12],
        0.95,
        1.0,
        7_000,
        29_355_933_696_000.0,
        1_463_000,
    ),
    spec(
        "25-1000x5",
        [25, 1000, 5],
        1.0,
        1.0,
        3_000,
        1_171_484_375_000.0,
        732_000,
    ),
    spec(
        "3-5x500",
        [3, 5, 500],
        1.0,
        1.0,
        500,
        3.0239642676898464e241,
        1_246_500,
    ),
    spec(
        "6-100x15 - dyn50%",
        [6, 100, 15],
        0.5,
        1.0,
        2_000,
        15_664_996_402_790_400.0,
        1_078_000,
    ),
];

const fn spec(
    title: &'static str,
    [n_sources, width, layers]: [usize; 3],
    static_fraction: f64,
    read_fraction: f64,
    iterations: usize,
    sum: f64,
    count: u64,
) -> DynamicSpec {
    DynamicSpec {
        title,
        shape: GraphShape {
            n_sources,
            width,
            layers,
            static_fraction,
            read_fraction,
        },
        iterations,
        sum,
        count,
    }
}

/// A small graph run once from scratch, with the sum and the evaluation count (building
/// included) it must give.
#[derive(Clone, Copy, Debug)]
pub struct SmallCheck {
    /// What is checked, for messages.
    pub what: &'static str,
    /// The graph.
    pub shape: GraphShape,
    /// Writes.
    pub iterations: usize,
    /// Expected sum of the read leaves.
    pub sum: f64,
    /// Expected memo evaluations, building included.
    pub count: u64,
}

impl SmallCheck {
    /// Builds the graph on `L`, runs it and checks the sum and the count; panics if they are
    /// wrong. Libraries with eager memos cannot give the count of a partly read graph.
    pub fn run<L: Reactive>(&self) -> Result<(), Unsupported> {
        if self.shape.read_fraction < 1.0 && !L::LAZY_MEMOS {
            return Err(Unsupported("n/a: eager memos".into()));
        }
        let (sum, count) = graph_result::<L>(self.shape, self.iterations);
        assert_eq!((sum, count), (self.sum, self.count), "{}", self.what);
        Ok(())
    }
}

/// The small checks of the specification.
pub const DYNAMIC_SMALL_CHECKS: [SmallCheck; 3] = [
    SmallCheck {
        what: "3 wide, 3 layers, 2 sources, static, 2 iterations",
        shape: small_shape(3, 3, 1.0, 1.0),
        iterations: 2,
        sum: 16.0,
        count: 11,
    },
    SmallCheck {
        what: "3 wide, 3 layers, 2 sources, static, read 2/3, 10 iterations",
        shape: small_shape(3, 3, 1.0, 2.0 / 3.0),
        iterations: 10,
        sum: 72.0,
        count: 41,
    },
    SmallCheck {
        what: "4 wide, 2 layers, 2 sources, static 0.5, 10 iterations",
        shape: small_shape(4, 2, 0.5, 1.0),
        iterations: 10,
        sum: 72.0,
        count: 22,
    },
];

const fn small_shape(
    width: usize,
    layers: usize,
    static_fraction: f64,
    read_fraction: f64,
) -> GraphShape {
    GraphShape {
        n_sources: 2,
        width,
        layers,
        static_fraction,
        read_fraction,
    }
}

/// How many paths lead from one written source to the memos of all rows, counting every
/// source of every node (an upper bound for dynamic nodes): the visits of a change marking that
/// visits every path (see `Reactive::MARKS_EVERY_PATH`). The rows are circulant, so every
/// source gives the same count.
pub(super) fn paths_per_write(shape: GraphShape) -> f64 {
    let mut paths = vec![0.0f64; shape.width];
    paths[0] = 1.0;
    let mut total = 0.0;
    for _ in 1..shape.layers {
        paths = (0..shape.width)
            .map(|j| {
                (0..shape.n_sources)
                    .map(|k| paths[(j + k) % shape.width])
                    .sum()
            })
            .collect();
        total += paths.iter().sum::<f64>();
    }
    total
}

/// A built dynamic graph.
struct Graph<L: Reactive> {
    sources: Vec<L::Signal<f64>>,
    leaves: Vec<L::Memo<f64>>,
    evaluations: Counter,
    _root: Rooted<L>,
}

/// JavaScript's `n & 1` for a number: the low bit of `ToInt32(n)`, i.e. the parity of the
/// integer part (0 for NaN and infinities).
fn js_low_bit_set(n: f64) -> bool {
    n.is_finite() && n.trunc() % 2.0 != 0.0
}

/// JavaScript's `Math.round` (halves round up).
fn js_round(n: f64) -> f64 {
    (n + 0.5).floor()
}

impl<L: Reactive> Graph<L> {
    fn build(shape: GraphShape) -> Self {
        let evaluations = Counter::default();
        let ((sources, leaves), root) = L::root(|| {
            let mut random = Random::new("seed");
            let sources: Vec<_> = (0..shape.width).map(|i| L::signal(i as f64)).collect();
            let mut previous: Vec<_> = sources.iter().map(|&s| Source::Signal(s)).collect();
            let mut last_row = Vec::new();
            for _ in 1..shape.layers {
                let row: Vec<_> = (0..shape.width)
                    .map(|j| {
                        let inputs: Vec<Source<L, f64>> = (0..shape.n_sources)
                            .map(|k| previous[(j + k) % shape.width])
                            .collect();
                        if random.next_f64() < shape.static_fraction {
                            static_node::<L>(inputs, evaluations.clone())
                        } else {
                            dynamic_node::<L>(inputs, evaluations.clone())
                        }
                    })
                    .collect();
                previous = row.iter().map(|&memo| Source::Memo(memo)).collect();
                last_row = row;
            }

            let mut leaves = last_row;
            let mut leaf_random = Random::new("seed");
            let remove = js_round(shape.width as f64 * (1.0 - shape.read_fraction)) as usize;
            for _ in 0..remove {
                let index = (leaf_random.next_f64() * leaves.len() as f64).floor() as usize;
                leaves.remove(index);
            }
            let observed = leaves.clone();
            L::effect(move || {
                for &leaf in &observed {
                    L::read_memo(leaf);
                }
            });
            (sources, leaves)
        });
        Graph {
            sources,
            leaves,
            evaluations,
            _root: Rooted::new(root),
        }
    }

    /// Writes `iterations` times, reading every leaf after each write; returns the leaves' sum.
    fn run(&self, iterations: usize) -> f64 {
        let width = self.sources.len();
        for i in 0..iterations {
            let index = i % width;
            L::batch(|| L::write(self.sources[index], (i + index) as f64));
            for &leaf in &self.leaves {
                black_box(L::read_memo(leaf));
            }
        }
        self.leaves
            .iter()
            .fold(0.0, |sum, &leaf| sum + L::read_memo(leaf))
    }
}

/// A node that reads all its sources.
fn static_node<L: Reactive>(inputs: Vec<Source<L, f64>>, evaluations: Counter) -> L::Memo<f64> {
    L::memo(move || {
        evaluations.bump();
        let mut sum = 0.0;
        for input in &inputs {
            sum += input.read();
        }
        sum
    })
}

/// A node that reads its first source and, when that value is odd, skips one of the others
/// (which one depends on the value too).
fn dynamic_node<L: Reactive>(inputs: Vec<Source<L, f64>>, evaluations: Counter) -> L::Memo<f64> {
    let first = inputs[0];
    let tail = inputs[1..].to_vec();
    L::memo(move || {
        evaluations.bump();
        let mut sum = first.read();
        let skip = js_low_bit_set(sum);
        // NaN when there is no tail: then nothing is skipped.
        let skip_index = sum % tail.len() as f64;
        for (i, input) in tail.iter().enumerate() {
            if skip && i as f64 == skip_index {
                continue;
            }
            sum += input.read();
        }
        sum
    })
}

/// Builds a fresh graph, runs it `iterations` times and returns the leaves' sum and the memo
/// evaluations, building included (the specification's small checks).
pub fn graph_result<L: Reactive>(shape: GraphShape, iterations: usize) -> (f64, u64) {
    let graph = Graph::<L>::build(shape);
    let sum = graph.run(iterations);
    (sum, graph.evaluations.get())
}

/// A graph, run again and again.
struct DynamicInstance<L: Reactive> {
    graph: Graph<L>,
    spec: &'static DynamicSpec,
    sum: f64,
    /// Runs completed before the current one.
    runs: usize,
}

/// Builds the graph and, if `prime`, runs it once (checking the sum) so every timed run sees
/// the same state.
pub(super) fn instantiate<L: Reactive>(
    spec: &'static DynamicSpec,
    prime: bool,
) -> Box<dyn Instance> {
    let graph = Graph::<L>::build(spec.shape);
    if prime {
        let primed = graph.run(spec.iterations);
        assert_eq!(primed, spec.sum, "sum of the leaves (priming run)");
    }
    Box::new(DynamicInstance {
        graph,
        spec,
        sum: 0.0,
        runs: usize::from(prime),
    })
}

impl<L: Reactive> Instance for DynamicInstance<L> {
    fn before(&mut self) {
        self.graph.evaluations.reset();
    }

    fn unit(&mut self) {
        self.sum = self.graph.run(self.spec.iterations);
    }

    fn after(&mut self) {
        assert_eq!(self.sum, self.spec.sum, "sum of the leaves");
        // The specified count is that of a run on a graph already run once.
        if self.runs > 0 {
            assert_eq!(
                self.graph.evaluations.get(),
                self.spec.count,
                "memo evaluations of one run"
            );
        }
        self.runs += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_low_bit_follows_to_int32() {
        assert!(js_low_bit_set(3.0));
        assert!(!js_low_bit_set(4.0));
        assert!(js_low_bit_set(-3.0));
        assert!(js_low_bit_set(5.7));
        assert!(!js_low_bit_set(f64::NAN));
        assert!(!js_low_bit_set(f64::INFINITY));
        // Above 2^53 every double is even.
        assert!(!js_low_bit_set(2f64.powi(60) + 4096.0));
        // 2^32 + 1 is odd although its low 32 bits are what ToInt32 keeps.
        assert!(js_low_bit_set(4_294_967_297.0));
    }

    #[test]
    fn paths_multiply_by_the_fan_in_per_row() {
        let shape = |n_sources, width, layers| GraphShape {
            n_sources,
            width,
            layers,
            static_fraction: 1.0,
            read_fraction: 1.0,
        };
        assert_eq!(paths_per_write(shape(2, 10, 5)), 2.0 + 4.0 + 8.0 + 16.0);
        assert_eq!(
            paths_per_write(shape(25, 1000, 5)),
            25.0 + 625.0 + 15_625.0 + 390_625.0
        );
    }

    #[test]
    fn js_round_rounds_halves_up() {
        assert_eq!(js_round(2.5), 3.0);
        assert_eq!(js_round(10.0 * (1.0 - 0.2)), 8.0);
        assert_eq!(js_round(3.0 * (1.0 - 2.0 / 3.0)), 1.0);
    }

    fn run_small_checks<L: Reactive>() {
        for check in DYNAMIC_SMALL_CHECKS {
            let _unsupported_by_eager_memos = check.run::<L>();
        }
    }

    crate::library_tests!(
        small_graphs_give_the_specified_sums_and_counts,
        run_small_checks
    );

    /// The deepest configuration (the others run in `report -- --check`).
    fn run_deep_configuration<L: Reactive>() {
        crate::case::run_selected_cases::<L>(|case| case.name == "3-5x500");
    }

    crate::library_tests!(deep_configuration_passes_its_checks, run_deep_configuration);
}
