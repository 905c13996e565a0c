//! The node populations whose heap use the report measures (with a counting global allocator,
//! in a fresh process per measurement so no earlier arena growth is reused).
//!
//! Each population is created under a root made beforehand (not counted) and is kept alive
//! while the allocator is read; then the root is disposed and the allocator read again. What is
//! counted is the net heap growth: bytes allocated minus bytes freed, container slack from
//! growth included, at each of [`SIZES`] nodes.

use std::hint::black_box;

use crate::adapter::Reactive;

/// Nodes per population in the headline figures.
pub const NODES: usize = 100_000;
/// The population sizes measured: a container's unused capacity depends on where the size
/// falls between two growth steps, so one size alone can flatter or penalise a layout.
pub const SIZES: [usize; 3] = [1_000, 10_000, NODES];
/// Signals read by every effect of the edge population (which has `nodes / EDGE_SIGNALS`
/// effects, so `nodes` edges).
pub const EDGE_SIGNALS: usize = 100;

/// What a measurement creates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Population {
    /// `nodes` signals holding an `i64`.
    Signals,
    /// `nodes` memos returning a constant `i64`, each read once (so lazy memos compute and
    /// store their value); they read nothing, so no edge is made.
    Memos,
    /// `nodes` effects that read nothing (each has run once).
    Effects,
    /// [`EDGE_SIGNALS`] signals and `nodes / EDGE_SIGNALS` effects, each reading every signal:
    /// `nodes` edges.
    Edges,
    /// The same nodes as [`Population::Edges`] without the reads: subtracted from it to get the
    /// bytes of the edges alone.
    EdgeBaseline,
}

impl Population {
    /// All populations, in report order.
    pub const ALL: [Population; 5] = [
        Population::Signals,
        Population::Memos,
        Population::Effects,
        Population::Edges,
        Population::EdgeBaseline,
    ];

    /// A stable name, used on the probe's command line.
    pub fn name(self) -> &'static str {
        match self {
            Population::Signals => "signals",
            Population::Memos => "memos",
            Population::Effects => "effects",
            Population::Edges => "edges",
            Population::EdgeBaseline => "edge-baseline",
        }
    }

    /// The population called `name`.
    pub fn from_name(name: &str) -> Option<Population> {
        Population::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// Creates `population` of `nodes` nodes (or edges) under `root`. The nodes belong to the root;
/// dispose it to free them.
pub fn populate<L: Reactive>(root: &L::Root, population: Population, nodes: usize) {
    L::run_in(root, || match population {
        Population::Signals => {
            for i in 0..nodes as i64 {
                L::signal(i);
            }
        }
        Population::Memos => {
            for i in 0..nodes as i64 {
                let memo = L::memo(move || black_box(i));
                L::untrack(|| L::read_memo(memo));
            }
        }
        Population::Effects => {
            for _ in 0..nodes {
                L::effect(|| {
                    black_box(());
                });
            }
        }
        Population::Edges | Population::EdgeBaseline => {
            let signals: Vec<_> = (0..EDGE_SIGNALS as i64).map(L::signal).collect();
            let reads = population == Population::Edges;
            for _ in 0..nodes / EDGE_SIGNALS {
                let signals = signals.clone();
                L::effect(move || {
                    if reads {
                        for &signal in &signals {
                            black_box(L::read(signal));
                        }
                    }
                });
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn population_names_round_trip() {
        for population in Population::ALL {
            assert_eq!(Population::from_name(population.name()), Some(population));
        }
        assert_eq!(Population::from_name("nodes"), None);
    }

    fn populate_and_dispose<L: Reactive>() {
        for population in Population::ALL {
            let ((), root) = L::root(|| ());
            populate::<L>(&root, population, 1_000);
            L::dispose(root);
        }
    }

    crate::library_tests!(every_population_builds_and_disposes, populate_and_dispose);
}
