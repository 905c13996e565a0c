//! The benchmark cases: their names, groups and timed units, and how to instantiate one for a
//! library.
//!
//! A case is built once per library into an [`Instance`]; a harness then repeats
//! `before` (untimed) → `unit` (timed) → `after` (untimed checks). Every instance checks its own
//! results and panics with a message naming what was wrong, so a fast wrong answer fails loudly.

mod cellx;
mod dynamic;
mod kairo;
mod micro;
mod mol_bench;

use std::cell::Cell;
use std::fmt;
use std::hint::black_box;
use std::rc::Rc;

use crate::adapter::Reactive;

pub use self::dynamic::{
    DYNAMIC_SMALL_CHECKS, DYNAMIC_SPECS, DynamicSpec, GraphShape, SmallCheck, graph_result,
};
pub use self::micro::COUNT;

/// One built case, ready to be timed.
pub trait Instance {
    /// Untimed preparation before each timed unit.
    fn before(&mut self) {}
    /// The timed unit of work. Checks that are cheap and part of the workload (the values read
    /// after each write) run here.
    fn unit(&mut self);
    /// Untimed checks after each timed unit (run counts, sums), and any restoring of state.
    fn after(&mut self) {}
}

/// The subsystem a case belongs to; one criterion bench target each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Group {
    /// The eight kairo cases and molBench.
    Kairo,
    /// cellx at 1,000 / 2,500 / 5,000 layers.
    Cellx,
    /// The six dynamic graph configurations.
    Dynamic,
    /// Creation and update micro cases.
    Micro,
}

impl Group {
    /// All groups, in report order.
    pub const ALL: [Group; 4] = [Group::Kairo, Group::Cellx, Group::Dynamic, Group::Micro];

    /// The group's name (also the criterion bench target's name).
    pub fn name(self) -> &'static str {
        match self {
            Group::Kairo => "kairo",
            Group::Cellx => "cellx",
            Group::Dynamic => "dynamic",
            Group::Micro => "micro",
        }
    }
}

/// What a case builds; [`instantiate`] turns it into an [`Instance`] for one library.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// A kairo case.
    Kairo(kairo::KairoCase),
    /// molBench.
    MolBench,
    /// cellx with this many layers.
    Cellx(usize),
    /// A dynamic graph configuration.
    Dynamic(&'static DynamicSpec),
    /// Creating [`COUNT`] signals.
    CreateSignals,
    /// Creating effects over prepared signals.
    CreateComputations(micro::Fan),
    /// Writing to prepared signals observed by effects.
    UpdateSignals(micro::Fan, usize),
}

/// A benchmark case: a name shared with the JavaScript reference, its group and what it builds.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// The case's name, identical to the JavaScript side's.
    pub name: &'static str,
    /// Its subsystem.
    pub group: Group,
    /// What one timed unit is, for reports.
    pub unit: &'static str,
    /// What it builds.
    pub kind: Kind,
}

/// How much of the specified workload a run does: the number of `iter()` calls per kairo unit
/// and the node and write counts of the micro cases are divided by `divisor`. cellx and the
/// dynamic graphs always run at full size (their expected results are for those sizes); a
/// dynamic graph is primed by one untimed run unless `prime_dynamic` is off, in which case its
/// first run's evaluation count is not checked (it differs from a primed run's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scale {
    divisor: u32,
    prime_dynamic: bool,
}

impl Scale {
    /// The specification's sizes.
    pub const FULL: Scale = Scale {
        divisor: 1,
        prime_dynamic: true,
    };
    /// For `report --check`: a tenth of the kairo and micro sizes, every check.
    pub const CHECK: Scale = Scale {
        divisor: 10,
        prime_dynamic: true,
    };
    /// For `report --quick`: a tenth, and dynamic graphs timed from their first run.
    pub const QUICK: Scale = Scale {
        divisor: 10,
        prime_dynamic: false,
    };
    /// For unit tests: a hundredth.
    pub const TEST: Scale = Scale {
        divisor: 100,
        prime_dynamic: true,
    };

    /// What the kairo and micro sizes are divided by.
    pub fn divisor(self) -> u32 {
        self.divisor
    }

    /// `n` divided by the scale's divisor (at least 1).
    pub(crate) fn of(self, n: usize) -> usize {
        (n / self.divisor as usize).max(1)
    }
}

/// Why a library cannot run a case; the report prints it in that cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported(pub String);

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Every case, in report order.
pub fn all_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for kairo in kairo::KairoCase::ALL {
        cases.push(Case {
            name: kairo.name(),
            group: Group::Kairo,
            unit: "500 × iter()",
            kind: Kind::Kairo(kairo),
        });
    }
    cases.push(Case {
        name: "molBench",
        group: Group::Kairo,
        unit: "500 × iter()",
        kind: Kind::MolBench,
    });
    for (name, layers) in cellx::LAYERS {
        cases.push(Case {
            name,
            group: Group::Cellx,
            unit: "read / batch write / read",
            kind: Kind::Cellx(layers),
        });
    }
    for spec in &DYNAMIC_SPECS {
        cases.push(Case {
            name: spec.title,
            group: Group::Dynamic,
            unit: "one full run",
            kind: Kind::Dynamic(spec),
        });
    }
    cases.push(Case {
        name: "createSignals",
        group: Group::Micro,
        unit: "100,000 signals",
        kind: Kind::CreateSignals,
    });
    for (name, fan) in micro::CREATE_COMPUTATIONS {
        cases.push(Case {
            name,
            group: Group::Micro,
            unit: "one full case",
            kind: Kind::CreateComputations(fan),
        });
    }
    for (name, fan, writes) in micro::UPDATE_SIGNALS {
        cases.push(Case {
            name,
            group: Group::Micro,
            unit: "one full case",
            kind: Kind::UpdateSignals(fan, writes),
        });
    }
    cases
}

/// Path visits per timed unit above which a library whose change marking visits every path
/// ([`Reactive::MARKS_EVERY_PATH`]) would not finish a unit in reasonable time (at roughly
/// 100 ns per visit, 10 s).
pub const PATH_VISIT_BUDGET: f64 = 1e8;

/// Whether library `L` can express `case` (cheap: nothing is built).
pub fn support<L: Reactive>(case: &Case) -> Result<(), Unsupported> {
    let needs_lazy_memos = match case.kind {
        // E is read only when C is 0; eager memos evaluate it on every batch.
        Kind::MolBench => true,
        // Unread leaves and their sources must not compute.
        Kind::Dynamic(spec) => spec.shape.read_fraction < 1.0,
        _ => false,
    };
    if needs_lazy_memos && !L::LAZY_MEMOS {
        return Err(Unsupported("n/a: eager memos".into()));
    }
    let path_visits = match case.kind {
        Kind::Cellx(layers) => cellx::paths_per_write(layers),
        Kind::Dynamic(spec) => dynamic::paths_per_write(spec.shape) * spec.iterations as f64,
        _ => 0.0,
    };
    if L::MARKS_EVERY_PATH && path_visits > PATH_VISIT_BUDGET {
        let visits = if path_visits.is_finite() {
            format!("{path_visits:.1e}")
        } else {
            ">1e308".into()
        };
        return Err(Unsupported(format!(
            "n/a: does not finish ({visits} path visits per unit)"
        )));
    }
    Ok(())
}

/// Builds `case` for library `L` at `scale`, or says why `L` cannot express it.
pub fn instantiate<L: Reactive>(
    case: &Case,
    scale: Scale,
) -> Result<Box<dyn Instance>, Unsupported> {
    support::<L>(case)?;
    Ok(match case.kind {
        Kind::Kairo(kairo) => kairo::instantiate::<L>(kairo, scale),
        Kind::MolBench => mol_bench::instantiate::<L>(scale),
        Kind::Cellx(layers) => cellx::instantiate::<L>(layers),
        Kind::Dynamic(spec) => dynamic::instantiate::<L>(spec, scale.prime_dynamic),
        Kind::CreateSignals => micro::create_signals::<L>(scale),
        Kind::CreateComputations(fan) => micro::create_computations::<L>(fan, scale),
        Kind::UpdateSignals(fan, writes) => micro::update_signals::<L>(fan, writes, scale),
    })
}

/// A run counter shared between the closures of a case and its checks.
#[derive(Clone, Default)]
pub struct Counter(Rc<Cell<u64>>);

impl Counter {
    /// Adds one.
    #[inline]
    pub fn bump(&self) {
        self.0.set(self.0.get() + 1);
    }

    /// The current count.
    pub fn get(&self) -> u64 {
        self.0.get()
    }

    /// Sets the count back to zero.
    pub fn reset(&self) {
        self.0.set(0);
    }
}

/// A loop counting to 100 that the optimiser cannot remove: the "busy work" of the kairo cases.
#[inline(never)]
pub fn busy() {
    let mut count = 0u32;
    for _ in 0..100 {
        count = black_box(count + 1);
    }
    black_box(count);
}

/// `n + fib(16)` with `fib(0) = fib(1) = 1`, computed recursively (1,597 is added): molBench's
/// deliberately expensive step.
pub fn hard(n: i64) -> i64 {
    fn fib(n: u32) -> i64 {
        if n < 2 { 1 } else { fib(n - 1) + fib(n - 2) }
    }
    n + fib(black_box(16))
}

/// An instance that disposes its root when dropped.
pub(crate) struct Rooted<L: Reactive> {
    root: Option<L::Root>,
}

impl<L: Reactive> Rooted<L> {
    /// Takes ownership of `root`.
    pub(crate) fn new(root: L::Root) -> Self {
        Rooted { root: Some(root) }
    }

    /// The root, to build more nodes under it.
    pub(crate) fn get(&self) -> &L::Root {
        self.root.as_ref().expect("the root lives until drop")
    }
}

impl<L: Reactive> Drop for Rooted<L> {
    fn drop(&mut self) {
        // After a failed check the library may be mid-update; leaking beats a double panic.
        if std::thread::panicking() {
            return;
        }
        if let Some(root) = self.root.take() {
            L::dispose(root);
        }
    }
}

/// Runs one unit of every case `L` supports among those `selected`, at [`Scale::TEST`], with
/// all checks (for the unit tests of each group).
#[cfg(test)]
pub(crate) fn run_selected_cases<L: Reactive>(selected: impl Fn(&Case) -> bool) {
    for case in all_cases().iter().filter(|case| selected(case)) {
        if let Ok(mut instance) = instantiate::<L>(case, Scale::TEST) {
            instance.before();
            instance.unit();
            instance.after();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hard_adds_fib_16() {
        assert_eq!(hard(0), 1597);
        assert_eq!(hard(7), 1604);
    }

    #[test]
    fn case_names_are_unique_and_match_the_javascript_side() {
        let names: Vec<_> = all_cases().iter().map(|case| case.name).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert_eq!(names.len(), 9 + 3 + 6 + 17);
        assert_eq!(names[0], "avoidablePropagation");
        assert!(names.contains(&"6-10x10 - dyn25% - lazy80%"));
        assert!(names.contains(&"updateSignals1to1000"));
    }
}
