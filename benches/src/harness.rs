//! Timing: the median-of-samples harness of the report binary, the unit loop criterion drives,
//! and the big-stack thread every runner uses.

use std::time::{Duration, Instant};

use crate::case::{Group, Instance};

/// Stack size of the thread the benchmarks run on. Some peers recurse once per node of a deep
/// chain (cellx at 5,000 layers, the 500-layer dynamic graph); the pages are only committed
/// when touched.
pub const STACK_SIZE: usize = 1 << 30;

/// Runs `work` on a thread with a [`STACK_SIZE`] stack and returns its result; a panic in
/// `work` is resumed on the calling thread.
pub fn run_on_big_stack<R: Send + 'static>(work: impl FnOnce() -> R + Send + 'static) -> R {
    let thread = std::thread::Builder::new()
        .name("benchmarks".into())
        .stack_size(STACK_SIZE)
        .spawn(work)
        .expect("spawn the benchmark thread");
    match thread.join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Runs `units` timed units (each between its untimed `before` and `after`) and returns the
/// total time of the units alone; what criterion's `iter_custom` needs.
pub fn time_units(instance: &mut dyn Instance, units: u64) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..units {
        instance.before();
        let start = Instant::now();
        instance.unit();
        total += start.elapsed();
        instance.after();
    }
    total
}

/// How many units to run untimed (warm-up) and timed (samples), within a time budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Units run and checked, untimed, before sampling.
    pub warmup: usize,
    /// Timed units wanted; each is one sample.
    pub samples: usize,
    /// Samples taken even when the budget is spent.
    pub min_samples: usize,
    /// Once warm-up and sampling have taken this long, sampling stops at `min_samples`.
    pub budget: Duration,
}

impl Plan {
    /// The plan for a group: the warm-up and sample counts of the JavaScript reference, within
    /// a budget of 20 s per case and library (5 s quick), so that the slowest libraries take
    /// fewer samples rather than hours.
    pub fn for_group(group: Group, quick: bool) -> Plan {
        let (warmup, samples) = match (group, quick) {
            (Group::Kairo, false) => (3, 15),
            (Group::Cellx, false) => (10, 41),
            (Group::Dynamic, false) => (1, 7),
            (Group::Micro, false) => (3, 11),
            (Group::Kairo, true) => (1, 3),
            (Group::Cellx, true) => (2, 5),
            (Group::Dynamic, true) => (0, 1),
            (Group::Micro, true) => (1, 3),
        };
        Plan {
            warmup,
            samples,
            min_samples: if quick { 1 } else { 3 },
            budget: Duration::from_secs(if quick { 5 } else { 20 }),
        }
    }
}

/// The timings of one case on one library.
#[derive(Clone, Debug, PartialEq)]
pub struct Timing {
    /// Median of the samples, in nanoseconds.
    pub median_ns: f64,
    /// Fastest sample, in nanoseconds.
    pub min_ns: f64,
    /// Number of samples.
    pub samples: usize,
}

/// Warms up, then times units one by one (every unit is checked) and returns their median.
/// See [`Plan`] for how many.
pub fn measure(instance: &mut dyn Instance, plan: Plan) -> Timing {
    let started = Instant::now();
    let over_budget = || started.elapsed() > plan.budget;
    for done in 0..plan.warmup {
        if done > 0 && started.elapsed() > plan.budget / 4 {
            break;
        }
        instance.before();
        instance.unit();
        instance.after();
    }
    let mut samples = Vec::with_capacity(plan.samples);
    while samples.len() < plan.samples.max(1)
        && (samples.len() < plan.min_samples.max(1) || !over_budget())
    {
        samples.push(time_units(instance, 1).as_nanos() as f64);
    }
    Timing {
        median_ns: median(&samples),
        min_ns: samples.iter().copied().fold(f64::INFINITY, f64::min),
        samples: samples.len(),
    }
}

/// The median of `values` (the mean of the middle two for an even count); NaN when empty.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let middle = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[middle]
    } else {
        (sorted[middle - 1] + sorted[middle]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    struct CountingInstance {
        befores: u32,
        units: u32,
        afters: u32,
    }

    impl Instance for CountingInstance {
        fn before(&mut self) {
            assert_eq!(self.befores, self.afters, "before follows after");
            self.befores += 1;
        }
        fn unit(&mut self) {
            assert_eq!(self.befores, self.units + 1, "unit follows before");
            self.units += 1;
        }
        fn after(&mut self) {
            assert_eq!(self.units, self.afters + 1, "after follows unit");
            self.afters += 1;
        }
    }

    #[test]
    fn measure_runs_warmup_and_samples_in_order() {
        let mut instance = CountingInstance {
            befores: 0,
            units: 0,
            afters: 0,
        };
        let timing = measure(
            &mut instance,
            Plan {
                warmup: 2,
                samples: 5,
                min_samples: 1,
                budget: Duration::from_secs(60),
            },
        );
        assert_eq!(timing.samples, 5);
        assert_eq!(instance.afters, 7);
        assert!(timing.min_ns <= timing.median_ns);
    }

    #[test]
    fn a_spent_budget_stops_at_the_minimum_of_samples() {
        let mut instance = CountingInstance {
            befores: 0,
            units: 0,
            afters: 0,
        };
        let plan = Plan {
            warmup: 3,
            samples: 50,
            min_samples: 2,
            budget: Duration::ZERO,
        };
        let timing = measure(&mut instance, plan);
        assert_eq!(timing.samples, 2);
        assert_eq!(
            instance.afters,
            1 + 2,
            "the first warm-up unit, two samples"
        );
    }

    #[test]
    fn big_stack_threads_return_values() {
        assert_eq!(run_on_big_stack(|| 6 * 7), 42);
    }
}
