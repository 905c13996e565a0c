//! Creation and update micro cases, [`COUNT`] = 100,000 nodes.
//!
//! - `createSignals`: the timed unit creates [`COUNT`] signals.
//! - `createComputations*`: the signals are prepared untimed; the timed unit creates the
//!   effects (each runs once on creation).
//! - `updateSignals*`: the signals are prepared untimed; the timed unit creates the effects and
//!   performs the batched writes `s0 = 1, 2, …` (every write is a change).
//!
//! Every case is built under a root created untimed in `before` and disposed untimed in
//! `after`, after the checks.

use std::cell::Cell;
use std::rc::Rc;

use super::{Instance, Rooted, Scale};
use crate::adapter::Reactive;

/// Nodes per creation case.
pub const COUNT: usize = 100_000;

/// How effects and signals are connected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fan {
    /// Every effect reads this many signals of its own (0 = reads nothing).
    In(usize),
    /// Every signal is read by this many effects.
    Out(usize),
}

impl Fan {
    /// (signals, effects) of a `createComputations` case of `count` nodes: `count` effects,
    /// or `count` signals when every effect reads several.
    fn creation_sizes(self, count: usize) -> (usize, usize) {
        match self {
            Fan::In(0) => (0, count),
            Fan::In(inputs) => (count, count / inputs),
            Fan::Out(readers) => (count / readers, count),
        }
    }

    /// (signals, effects) of an `updateSignals` case: one effect, or one signal.
    fn update_sizes(self) -> (usize, usize) {
        match self {
            Fan::In(inputs) => (inputs, 1),
            Fan::Out(readers) => (1, readers),
        }
    }
}

/// The `createComputations` cases: name and fan.
pub(super) const CREATE_COMPUTATIONS: [(&str, Fan); 9] = [
    ("createComputations0to1", Fan::In(0)),
    ("createComputations1to1", Fan::In(1)),
    ("createComputations2to1", Fan::In(2)),
    ("createComputations4to1", Fan::In(4)),
    ("createComputations1000to1", Fan::In(1000)),
    ("createComputations1to2", Fan::Out(2)),
    ("createComputations1to4", Fan::Out(4)),
    ("createComputations1to8", Fan::Out(8)),
    ("createComputations1to1000", Fan::Out(1000)),
];

/// The `updateSignals` cases: name, fan and number of writes.
pub(super) const UPDATE_SIGNALS: [(&str, Fan, usize); 7] = [
    ("updateSignals1to1", Fan::In(1), 400_000),
    ("updateSignals2to1", Fan::In(2), 200_000),
    ("updateSignals4to1", Fan::In(4), 100_000),
    ("updateSignals1000to1", Fan::In(1000), 400),
    ("updateSignals1to2", Fan::Out(2), 100_000),
    ("updateSignals1to4", Fan::Out(4), 100_000),
    ("updateSignals1to1000", Fan::Out(1000), 10_000),
];

/// Sum of `0..n`.
fn triangular(n: usize) -> i64 {
    let n = n as i64;
    n * (n - 1) / 2
}

/// What the effects of a micro case report: how often they ran and what they saw.
#[derive(Default)]
struct Tally {
    runs: Cell<u64>,
    seen: Cell<i64>,
}

/// Prepared signals `s_k = k` under an untimed root.
struct Prepared<L: Reactive> {
    sources: Rc<[L::Signal<i64>]>,
    root: Rooted<L>,
}

impl<L: Reactive> Prepared<L> {
    fn new(count: usize) -> Self {
        let (sources, root) = L::root(|| (0..count as i64).map(L::signal).collect());
        Prepared {
            sources,
            root: Rooted::new(root),
        }
    }
}

/// `createSignals`.
struct CreateSignals<L: Reactive> {
    count: usize,
    prepared: Option<Prepared<L>>,
    created: Vec<L::Signal<i64>>,
}

pub(super) fn create_signals<L: Reactive>(scale: Scale) -> Box<dyn Instance> {
    Box::new(CreateSignals::<L> {
        count: scale.of(COUNT),
        prepared: None,
        created: Vec::new(),
    })
}

impl<L: Reactive> Instance for CreateSignals<L> {
    fn before(&mut self) {
        self.prepared = Some(Prepared::new(0));
    }

    fn unit(&mut self) {
        let root = self.prepared.as_ref().expect("before() prepared a root");
        let count = self.count;
        self.created = L::run_in(root.root.get(), || {
            let mut created = Vec::with_capacity(count);
            for i in 0..count as i64 {
                created.push(L::signal(i));
            }
            created
        });
    }

    fn after(&mut self) {
        let sum: i64 = self.created.iter().map(|&signal| L::read(signal)).sum();
        assert_eq!(sum, triangular(self.count), "sum of the created signals");
        self.created = Vec::new();
        self.prepared = None;
    }
}

/// Creates the effects of `fan` over `sources`: effect readers add what they read to the tally
/// (`accumulate`) or store it (`!accumulate`).
fn create_effects<L: Reactive>(
    fan: Fan,
    effects: usize,
    sources: &Rc<[L::Signal<i64>]>,
    tally: &Rc<Tally>,
    accumulate: bool,
) {
    let report = move |tally: &Tally, value: i64| {
        tally.runs.set(tally.runs.get() + 1);
        if accumulate {
            tally.seen.set(tally.seen.get() + value);
        } else {
            tally.seen.set(value);
        }
    };
    match fan {
        Fan::In(0) => {
            for _ in 0..effects {
                let tally = Rc::clone(tally);
                L::effect(move || report(&tally, 0));
            }
        }
        Fan::In(1) => {
            for &s in sources.iter().take(effects) {
                let tally = Rc::clone(tally);
                L::effect(move || report(&tally, L::read(s)));
            }
        }
        Fan::In(2) => {
            for pair in sources.chunks_exact(2).take(effects) {
                let (s0, s1) = (pair[0], pair[1]);
                let tally = Rc::clone(tally);
                L::effect(move || report(&tally, L::read(s0) + L::read(s1)));
            }
        }
        Fan::In(4) => {
            for quad in sources.chunks_exact(4).take(effects) {
                let (s0, s1, s2, s3) = (quad[0], quad[1], quad[2], quad[3]);
                let tally = Rc::clone(tally);
                L::effect(move || {
                    report(
                        &tally,
                        L::read(s0) + L::read(s1) + L::read(s2) + L::read(s3),
                    )
                });
            }
        }
        Fan::In(inputs) => {
            for group in 0..effects {
                let sources = Rc::clone(sources);
                let tally = Rc::clone(tally);
                L::effect(move || {
                    let own = &sources[group * inputs..(group + 1) * inputs];
                    report(&tally, own.iter().map(|&s| L::read(s)).sum());
                });
            }
        }
        Fan::Out(readers) => {
            for &s in sources.iter() {
                for _ in 0..readers {
                    let tally = Rc::clone(tally);
                    L::effect(move || report(&tally, L::read(s)));
                }
            }
        }
    }
}

/// `createComputations*`.
struct CreateComputations<L: Reactive> {
    fan: Fan,
    count: usize,
    tally: Rc<Tally>,
    prepared: Option<Prepared<L>>,
}

pub(super) fn create_computations<L: Reactive>(fan: Fan, scale: Scale) -> Box<dyn Instance> {
    Box::new(CreateComputations::<L> {
        fan,
        count: scale.of(COUNT),
        tally: Rc::default(),
        prepared: None,
    })
}

impl<L: Reactive> Instance for CreateComputations<L> {
    fn before(&mut self) {
        let (signals, _) = self.fan.creation_sizes(self.count);
        self.prepared = Some(Prepared::new(signals));
        self.tally.runs.set(0);
        self.tally.seen.set(0);
    }

    fn unit(&mut self) {
        let prepared = self
            .prepared
            .as_ref()
            .expect("before() prepared the signals");
        let (_, effects) = self.fan.creation_sizes(self.count);
        L::run_in(prepared.root.get(), || {
            create_effects::<L>(self.fan, effects, &prepared.sources, &self.tally, true);
        });
    }

    fn after(&mut self) {
        let (signals, effects) = self.fan.creation_sizes(self.count);
        let expected = match self.fan {
            Fan::In(_) => triangular(signals),
            Fan::Out(readers) => readers as i64 * triangular(signals),
        };
        assert_eq!(self.tally.runs.get(), effects as u64, "effect runs");
        assert_eq!(self.tally.seen.get(), expected, "sum of the values read");
        self.prepared = None;
    }
}

/// `updateSignals*`.
struct UpdateSignals<L: Reactive> {
    fan: Fan,
    writes: usize,
    tally: Rc<Tally>,
    prepared: Option<Prepared<L>>,
}

pub(super) fn update_signals<L: Reactive>(
    fan: Fan,
    writes: usize,
    scale: Scale,
) -> Box<dyn Instance> {
    Box::new(UpdateSignals::<L> {
        fan,
        writes: scale.of(writes),
        tally: Rc::default(),
        prepared: None,
    })
}

impl<L: Reactive> Instance for UpdateSignals<L> {
    fn before(&mut self) {
        let (signals, _) = self.fan.update_sizes();
        self.prepared = Some(Prepared::new(signals));
        self.tally.runs.set(0);
        self.tally.seen.set(-1);
    }

    fn unit(&mut self) {
        let prepared = self
            .prepared
            .as_ref()
            .expect("before() prepared the signals");
        let (_, effects) = self.fan.update_sizes();
        L::run_in(prepared.root.get(), || {
            create_effects::<L>(self.fan, effects, &prepared.sources, &self.tally, false);
        });
        let s0 = prepared.sources[0];
        for i in 1..=self.writes as i64 {
            L::batch(|| L::write(s0, i));
        }
    }

    fn after(&mut self) {
        let (signals, effects) = self.fan.update_sizes();
        let writes = self.writes as u64;
        assert_eq!(
            self.tally.runs.get(),
            effects as u64 * (writes + 1),
            "effect runs"
        );
        assert_eq!(
            self.tally.seen.get(),
            writes as i64 + triangular(signals),
            "value seen by the effects after the last write"
        );
        self.prepared = None;
    }
}

#[cfg(test)]
mod tests {
    use crate::adapter::Reactive;
    use crate::case::Group;

    fn run_every_micro_case<L: Reactive>() {
        crate::case::run_selected_cases::<L>(|case| case.group == Group::Micro);
    }

    crate::library_tests!(every_micro_case_passes_its_checks, run_every_micro_case);
}
