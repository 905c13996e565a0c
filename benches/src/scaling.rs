//! Scaling: the cost of one write on graphs of 10³ to 10⁶ nodes in which a write affects a
//! fixed set of nodes, whatever the graph's size.
//!
//! *Cost per write* is the wall time of one batched write of a new value to one signal, which
//! includes re-running every memo and effect the write affects (and, for libraries with
//! scheduled effects, flushing them). A write affects:
//!
//! | shape | graph of `n` nodes | one write | affected per write |
//! |---|---|---|---|
//! | chain | a chain of `n − 3` memos from a head signal, an effect on the tail; a second signal feeds the tenth memo from the end | writes the second signal | 10 memos + 1 effect |
//! | fan-out | `n / 101` hub signals, each read by 100 effects | writes the next hub (in a scattered order) | 100 effects |
//! | random DAG | `n / 1000` identical components of 100 signals, 800 memos (each reading 2 random earlier nodes) and 100 effects (every memo is read) | writes one signal of the next component (scattered) | the signal's downstream cone: about 100 memos and effects (the report prints the exact average) |
//!
//! If propagation is proportional to what a write affects, the cost per write stays flat as
//! the graph grows (up to cache effects: a larger graph is spread over more memory).
//! Every graph counts the evaluations of its memos and effects, and [`ScalingGraph::check`]
//! compares them with the affected sets computed from the graph's structure.

use std::cell::Cell;
use std::rc::Rc;

use crate::adapter::{Reactive, Source};
use crate::case::{Counter, Rooted};
use crate::random::Random;

/// Graph sizes of a full run.
pub const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];
/// Graph sizes of a quick run.
pub const QUICK_SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Memos at the end of the chain that a write reaches.
const CHAIN_AFFECTED_MEMOS: usize = 10;
/// Effects per hub in the fan-out.
const FAN_OUT: usize = 100;
/// Signals, memos and effects of one random-DAG component.
const DAG_SIGNALS: usize = 100;
const DAG_MEMOS: usize = 800;
const DAG_EFFECTS: usize = 100;
/// Visits hubs and components in a scattered order (a prime, so every one is visited).
const STRIDE: usize = 7_919;

/// A graph shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// A long chain; the write reaches its last memos.
    Chain,
    /// Many hubs, each read by 100 effects.
    FanOut,
    /// Many random DAG components.
    RandomDag,
}

impl Shape {
    /// All shapes, in report order.
    pub const ALL: [Shape; 3] = [Shape::Chain, Shape::FanOut, Shape::RandomDag];

    /// The shape's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Chain => "chain",
            Shape::FanOut => "fan-out",
            Shape::RandomDag => "random DAG",
        }
    }
}

/// A built scaling graph.
pub struct ScalingGraph<L: Reactive> {
    nodes: usize,
    /// Evaluations of memos and effects since the build.
    evaluations: Counter,
    /// Writes since the build.
    writes: u64,
    /// Memos and effects each write affects, by write index modulo its length.
    affected: Vec<u64>,
    write_next: Box<dyn FnMut(u64)>,
    /// Checks the values the graph holds after `writes` writes.
    check_values: Box<dyn Fn(u64)>,
    _root: Rooted<L>,
}

impl<L: Reactive> ScalingGraph<L> {
    /// Builds `shape` with about `nodes` nodes (see [`ScalingGraph::nodes`]).
    pub fn build(shape: Shape, nodes: usize) -> Self {
        match shape {
            Shape::Chain => chain::<L>(nodes),
            Shape::FanOut => fan_out::<L>(nodes),
            Shape::RandomDag => random_dag::<L>(nodes),
        }
    }

    /// Signals, memos and effects in the graph.
    pub fn nodes(&self) -> usize {
        self.nodes
    }

    /// Memos and effects a write affects, on average.
    pub fn affected_per_write(&self) -> f64 {
        self.affected.iter().sum::<u64>() as f64 / self.affected.len() as f64
    }

    /// Performs the next write.
    #[inline]
    pub fn write(&mut self) {
        (self.write_next)(self.writes);
        self.writes += 1;
    }

    /// Checks the evaluation count and the values after all the writes so far; panics if wrong.
    pub fn check(&self) {
        let cycle = self.affected.len() as u64;
        let full_cycles = self.writes / cycle;
        let rest: u64 = self.affected[..(self.writes % cycle) as usize].iter().sum();
        let expected = full_cycles * self.affected.iter().sum::<u64>() + rest;
        assert_eq!(
            self.evaluations.get(),
            expected,
            "memo and effect evaluations after {} writes",
            self.writes
        );
        (self.check_values)(self.writes);
    }
}

fn chain<L: Reactive>(nodes: usize) -> ScalingGraph<L> {
    let length = nodes.saturating_sub(3).max(CHAIN_AFFECTED_MEMOS + 1);
    let tap_at = length - CHAIN_AFFECTED_MEMOS;
    let evaluations = Counter::default();
    let seen = Rc::new(Cell::new(0i64));
    let ((tap, _tail), root) = L::root(|| {
        let head = L::signal(0i64);
        let tap = L::signal(0i64);
        let mut previous = Source::<L, i64>::Signal(head);
        for position in 0..length {
            let runs = evaluations.clone();
            let memo = if position == tap_at {
                L::memo(move || {
                    runs.bump();
                    previous.read() + L::read(tap) + 1
                })
            } else {
                L::memo(move || {
                    runs.bump();
                    previous.read() + 1
                })
            };
            // Evaluate as we go, so no first read recurses down the whole chain.
            L::untrack(|| L::read_memo(memo));
            previous = Source::Memo(memo);
        }
        let tail = previous;
        let runs = evaluations.clone();
        let seen = Rc::clone(&seen);
        L::effect(move || {
            runs.bump();
            seen.set(tail.read());
        });
        (tap, tail)
    });
    evaluations.reset();
    let check_seen = Rc::clone(&seen);
    ScalingGraph {
        nodes: length + 3,
        evaluations,
        writes: 0,
        affected: vec![CHAIN_AFFECTED_MEMOS as u64 + 1],
        write_next: Box::new(move |write| L::batch(|| L::write(tap, write as i64 + 1))),
        check_values: Box::new(move |writes| {
            assert_eq!(
                check_seen.get(),
                length as i64 + writes as i64,
                "tail value seen by the effect"
            );
        }),
        _root: Rooted::new(root),
    }
}

fn fan_out<L: Reactive>(nodes: usize) -> ScalingGraph<L> {
    let hubs_count = (nodes / (FAN_OUT + 1)).max(1);
    let evaluations = Counter::default();
    let seen = Rc::new(Cell::new(0i64));
    let (hubs, root) = L::root(|| {
        let hubs: Vec<_> = (0..hubs_count).map(|_| L::signal(0i64)).collect();
        for &hub in &hubs {
            for _ in 0..FAN_OUT {
                let runs = evaluations.clone();
                let seen = Rc::clone(&seen);
                L::effect(move || {
                    runs.bump();
                    seen.set(L::read(hub));
                });
            }
        }
        hubs
    });
    evaluations.reset();
    let check_seen = Rc::clone(&seen);
    ScalingGraph {
        nodes: hubs_count * (FAN_OUT + 1),
        evaluations,
        writes: 0,
        affected: vec![FAN_OUT as u64],
        write_next: Box::new(move |write| {
            let hub = hubs[(write as usize * STRIDE) % hubs.len()];
            L::batch(|| L::write(hub, write as i64 + 1));
        }),
        check_values: Box::new(move |writes| {
            if writes > 0 {
                assert_eq!(
                    check_seen.get(),
                    writes as i64,
                    "value seen by the last effect"
                );
            }
        }),
        _root: Rooted::new(root),
    }
}

/// The structure shared by every random-DAG component. Node `i < DAG_SIGNALS` is a signal,
/// the next `DAG_MEMOS` are memos.
struct DagPlan {
    /// The two inputs of each memo (node indices).
    memo_inputs: Vec<[usize; 2]>,
    /// The memos each effect reads (memo positions, not node indices).
    effect_inputs: Vec<Vec<usize>>,
    /// Memos and effects downstream of each signal.
    cones: Vec<u64>,
}

impl DagPlan {
    fn new() -> Self {
        let mut random = Random::new("scaling");
        let mut draw = |below: usize| (random.next_f64() * below as f64) as usize;
        let memo_inputs: Vec<[usize; 2]> = (0..DAG_MEMOS)
            .map(|memo| {
                let earlier = DAG_SIGNALS + memo;
                let first = draw(earlier);
                let mut second = draw(earlier - 1);
                if second >= first {
                    second += 1;
                }
                [first, second]
            })
            .collect();
        let mut effect_inputs: Vec<Vec<usize>> = (0..DAG_EFFECTS)
            .map(|_| vec![draw(DAG_MEMOS), draw(DAG_MEMOS)])
            .collect();
        // Every memo is read by something, so eager and lazy libraries do the same work.
        let mut read = vec![false; DAG_MEMOS];
        for &[a, b] in &memo_inputs {
            for input in [a, b] {
                if input >= DAG_SIGNALS {
                    read[input - DAG_SIGNALS] = true;
                }
            }
        }
        for inputs in &effect_inputs {
            for &memo in inputs {
                read[memo] = true;
            }
        }
        let unread = (0..DAG_MEMOS).filter(|&memo| !read[memo]);
        for (k, memo) in unread.enumerate() {
            effect_inputs[k % DAG_EFFECTS].push(memo);
        }

        let cones = (0..DAG_SIGNALS)
            .map(|signal| {
                // Nodes are in topological order: one forward pass finds the cone.
                let mut reached = vec![false; DAG_SIGNALS + DAG_MEMOS];
                reached[signal] = true;
                for (memo, &[a, b]) in memo_inputs.iter().enumerate() {
                    reached[DAG_SIGNALS + memo] = reached[a] || reached[b];
                }
                let memos = reached[DAG_SIGNALS..].iter().filter(|&&r| r).count();
                let effects = effect_inputs
                    .iter()
                    .filter(|inputs| inputs.iter().any(|&m| reached[DAG_SIGNALS + m]))
                    .count();
                (memos + effects) as u64
            })
            .collect();
        DagPlan {
            memo_inputs,
            effect_inputs,
            cones,
        }
    }
}

fn random_dag<L: Reactive>(nodes: usize) -> ScalingGraph<L> {
    let component_nodes = DAG_SIGNALS + DAG_MEMOS + DAG_EFFECTS;
    let components = (nodes / component_nodes).max(1);
    let plan = DagPlan::new();
    let evaluations = Counter::default();
    let (signals, root) = L::root(|| {
        let mut signals = Vec::with_capacity(components * DAG_SIGNALS);
        for _ in 0..components {
            let mut component: Vec<Source<L, i64>> = (0..DAG_SIGNALS)
                .map(|_| {
                    let signal = L::signal(0i64);
                    signals.push(signal);
                    Source::Signal(signal)
                })
                .collect();
            for &[a, b] in &plan.memo_inputs {
                let (a, b) = (component[a], component[b]);
                let runs = evaluations.clone();
                let memo = L::memo(move || {
                    runs.bump();
                    a.read().wrapping_add(b.read())
                });
                // Evaluate as we go, so no first read recurses deeply.
                L::untrack(|| L::read_memo(memo));
                component.push(Source::Memo(memo));
            }
            for inputs in &plan.effect_inputs {
                let inputs: Vec<_> = inputs.iter().map(|&m| component[DAG_SIGNALS + m]).collect();
                let runs = evaluations.clone();
                L::effect(move || {
                    runs.bump();
                    let sum = inputs
                        .iter()
                        .fold(0i64, |sum, input| sum.wrapping_add(input.read()));
                    std::hint::black_box(sum);
                });
            }
        }
        signals
    });
    evaluations.reset();
    ScalingGraph {
        nodes: components * component_nodes,
        evaluations,
        writes: 0,
        affected: plan.cones,
        write_next: Box::new(move |write| {
            let write = write as usize;
            let component = (write * STRIDE) % components;
            let signal = signals[component * DAG_SIGNALS + write % DAG_SIGNALS];
            L::batch(|| L::write(signal, write as i64 + 1));
        }),
        check_values: Box::new(|_| {}),
        _root: Rooted::new(root),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_memo_of_the_dag_plan_is_read() {
        let plan = DagPlan::new();
        let mut read = vec![false; DAG_MEMOS];
        for &[a, b] in &plan.memo_inputs {
            assert_ne!(a, b, "a memo's two inputs are distinct");
            for input in [a, b].into_iter().filter(|&i| i >= DAG_SIGNALS) {
                read[input - DAG_SIGNALS] = true;
            }
        }
        for inputs in &plan.effect_inputs {
            inputs.iter().for_each(|&memo| read[memo] = true);
        }
        assert!(read.into_iter().all(|r| r));
        assert!(plan.cones.iter().all(|&cone| cone > 0));
    }

    fn write_and_check_every_shape<L: Reactive>() {
        for shape in Shape::ALL {
            for nodes in [1_000, 3_000] {
                let mut graph = ScalingGraph::<L>::build(shape, nodes);
                assert!(graph.nodes() <= nodes && graph.nodes() * 10 >= nodes * 9);
                for _ in 0..250 {
                    graph.write();
                }
                graph.check();
            }
        }
    }

    crate::library_tests!(
        every_shape_counts_the_affected_nodes,
        write_and_check_every_shape
    );
}
