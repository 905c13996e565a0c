//! Cost per write against graph size (see `benches::scaling` for the graphs and what a write
//! affects).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::Instant;

use benches::adapter::{LibraryVisitor, Reactive, for_each_library};
use benches::harness::median;
use benches::scaling::{QUICK_SIZES, SIZES, ScalingGraph, Shape};

use crate::timing::panic_message;

/// One measurement: a library on one shape at one size.
pub struct ScalingPoint {
    /// The shape.
    pub shape: Shape,
    /// Nodes in the graph.
    pub nodes: usize,
    /// Memos and effects a write affects, on average.
    pub affected: f64,
    /// The library.
    pub library: &'static str,
    /// Median nanoseconds per write, or why there is none.
    pub ns_per_write: Result<f64, String>,
}

/// Writes per sample, samples, and untimed warm-up writes.
struct Sampling {
    writes: usize,
    samples: usize,
    warmup: usize,
}

/// Measures every shape at every size on every library.
pub fn measure_all(quick: bool) -> Vec<ScalingPoint> {
    let (sizes, sampling): (&[usize], _) = if quick {
        (
            &QUICK_SIZES,
            Sampling {
                writes: 200,
                samples: 5,
                warmup: 50,
            },
        )
    } else {
        (
            &SIZES,
            Sampling {
                writes: 1_000,
                samples: 11,
                warmup: 200,
            },
        )
    };
    let mut points = Vec::new();
    for shape in Shape::ALL {
        for &size in sizes {
            let mut visitor = Measure {
                shape,
                size,
                sampling: &sampling,
                points: &mut points,
            };
            for_each_library(&mut visitor);
        }
    }
    points
}

struct Measure<'a> {
    shape: Shape,
    size: usize,
    sampling: &'a Sampling,
    points: &'a mut Vec<ScalingPoint>,
}

impl LibraryVisitor for Measure<'_> {
    fn visit<L: Reactive>(&mut self) {
        let (shape, size) = (self.shape, self.size);
        let sampling = self.sampling;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut graph = ScalingGraph::<L>::build(shape, size);
            for _ in 0..sampling.warmup {
                graph.write();
            }
            let per_write: Vec<f64> = (0..sampling.samples)
                .map(|_| {
                    let start = Instant::now();
                    for _ in 0..sampling.writes {
                        graph.write();
                    }
                    start.elapsed().as_nanos() as f64 / sampling.writes as f64
                })
                .collect();
            graph.check();
            (
                graph.nodes(),
                graph.affected_per_write(),
                median(&per_write),
            )
        }));
        let point = match outcome {
            Ok((nodes, affected, ns)) => ScalingPoint {
                shape,
                nodes,
                affected,
                library: L::NAME,
                ns_per_write: Ok(ns),
            },
            Err(panic) => ScalingPoint {
                shape,
                nodes: size,
                affected: f64::NAN,
                library: L::NAME,
                ns_per_write: Err(panic_message(&*panic)),
            },
        };
        match &point.ns_per_write {
            Ok(ns) => eprintln!(
                "scaling/{}/{}/{}: {} per write ({:.1} affected)",
                shape.name(),
                point.nodes,
                L::NAME,
                crate::markdown::format_ns(*ns),
                point.affected
            ),
            Err(reason) => eprintln!(
                "scaling/{}/{size}/{}: FAILED: {reason}",
                shape.name(),
                L::NAME
            ),
        }
        self.points.push(point);
    }
}

/// Builds every shape at 1,000 nodes on every library, writes 500 times and checks the
/// evaluation counts and values; returns whether all passed.
pub fn check_all() -> bool {
    struct Check {
        ok: bool,
    }
    impl LibraryVisitor for Check {
        fn visit<L: Reactive>(&mut self) {
            for shape in Shape::ALL {
                let label = format!("scaling/{}/{}", shape.name(), L::NAME);
                let outcome = catch_unwind(AssertUnwindSafe(|| {
                    let mut graph = ScalingGraph::<L>::build(shape, 1_000);
                    for _ in 0..500 {
                        graph.write();
                    }
                    graph.check();
                }));
                match outcome {
                    Ok(()) => eprintln!("ok   {label}"),
                    Err(panic) => {
                        eprintln!("FAIL {label}: {}", panic_message(&*panic));
                        self.ok = false;
                    }
                }
            }
        }
    }
    let mut visitor = Check { ok: true };
    for_each_library(&mut visitor);
    visitor.ok
}
