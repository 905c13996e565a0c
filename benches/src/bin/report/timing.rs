//! Running the cases: timed (full or quick) or once with their checks (`--check`).

use std::panic::{AssertUnwindSafe, catch_unwind};

use benches::adapter::{LibraryVisitor, Reactive, for_each_library};
use benches::case::{Case, Group, Instance, Scale, all_cases, instantiate, support};
use benches::case::{DYNAMIC_SMALL_CHECKS, Unsupported};
use benches::harness::{Plan, Timing, measure};

/// The outcome of one case on one library.
#[derive(Clone, Debug)]
pub enum Cell {
    /// Timed; the median is per full-size unit.
    Time(Timing),
    /// The library cannot run the case; says why.
    Unsupported(String),
    /// A check failed or the library panicked.
    Failed(String),
}

/// One case on every library, in `LIBRARY_NAMES` order.
pub struct Row {
    /// The case.
    pub case: Case,
    /// One cell per library.
    pub cells: Vec<Cell>,
}

/// Every timed case.
pub struct Times {
    /// One row per case, in report order.
    pub rows: Vec<Row>,
    /// The scale the kairo and micro cases ran at (their medians are scaled back up).
    pub scale: Scale,
}

impl Times {
    /// Whether no cell failed.
    pub fn all_passed(&self) -> bool {
        self.rows
            .iter()
            .flat_map(|row| &row.cells)
            .all(|cell| !matches!(cell, Cell::Failed(_)))
    }
}

/// Whether `case`'s size follows the scale (kairo, molBench and the micro cases do).
fn scaled(case: &Case) -> bool {
    matches!(case.group, Group::Kairo | Group::Micro)
}

fn selected(filter: Option<&str>) -> Vec<Case> {
    all_cases()
        .into_iter()
        .filter(|case| filter.is_none_or(|text| case.name.contains(text)))
        .collect()
}

/// The message of a caught panic.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "panicked".to_owned()
    }
}

/// Builds the instance, turning a panic while building (a failed check of a priming run) into
/// a failure.
fn build<L: Reactive>(case: &Case, scale: Scale) -> Result<Box<dyn Instance>, Cell> {
    match catch_unwind(AssertUnwindSafe(|| instantiate::<L>(case, scale))) {
        Ok(Ok(instance)) => Ok(instance),
        Ok(Err(Unsupported(reason))) => Err(Cell::Unsupported(reason)),
        Err(panic) => Err(Cell::Failed(panic_message(&*panic))),
    }
}

/// Times every selected case on every library.
pub fn measure_cases(filter: Option<&str>, quick: bool) -> Times {
    let scale = if quick { Scale::QUICK } else { Scale::FULL };
    let rows = selected(filter)
        .into_iter()
        .map(|case| {
            let mut visitor = MeasureCase {
                case,
                plan: Plan::for_group(case.group, quick),
                scale,
                cells: Vec::new(),
            };
            for_each_library(&mut visitor);
            Row {
                case,
                cells: visitor.cells,
            }
        })
        .collect();
    Times { rows, scale }
}

struct MeasureCase {
    case: Case,
    plan: Plan,
    scale: Scale,
    cells: Vec<Cell>,
}

impl LibraryVisitor for MeasureCase {
    fn visit<L: Reactive>(&mut self) {
        let label = format!("{}/{}/{}", self.case.group.name(), self.case.name, L::NAME);
        let cell = match build::<L>(&self.case, self.scale) {
            Err(cell) => cell,
            Ok(mut instance) => {
                match catch_unwind(AssertUnwindSafe(|| measure(&mut *instance, self.plan))) {
                    Ok(mut timing) => {
                        if scaled(&self.case) {
                            let factor = f64::from(self.scale.divisor());
                            timing.median_ns *= factor;
                            timing.min_ns *= factor;
                        }
                        Cell::Time(timing)
                    }
                    Err(panic) => {
                        // The instance may be mid-update: do not dispose it.
                        std::mem::forget(instance);
                        Cell::Failed(panic_message(&*panic))
                    }
                }
            }
        };
        match &cell {
            Cell::Time(timing) => eprintln!(
                "{label}: {} ({} samples)",
                crate::markdown::format_ns(timing.median_ns),
                timing.samples
            ),
            Cell::Unsupported(reason) => eprintln!("{label}: {reason}"),
            Cell::Failed(reason) => eprintln!("{label}: FAILED: {reason}"),
        }
        self.cells.push(cell);
    }
}

/// Runs every selected case once per library with its checks, at [`Scale::CHECK`] (kairo and
/// micro units a tenth of their size: the same checks, a CI-friendly time); prints one line
/// per cell and returns whether all passed.
pub fn check_cases(filter: Option<&str>) -> bool {
    let mut visitor = CheckCase {
        case: None,
        ok: true,
    };
    for case in selected(filter) {
        visitor.case = Some(case);
        for_each_library(&mut visitor);
    }
    visitor.ok
}

struct CheckCase {
    case: Option<Case>,
    ok: bool,
}

impl LibraryVisitor for CheckCase {
    fn visit<L: Reactive>(&mut self) {
        let case = self.case.expect("a case is set before visiting");
        let label = format!("{}/{}/{}", case.group.name(), case.name, L::NAME);
        if let Err(Unsupported(reason)) = support::<L>(&case) {
            eprintln!("skip {label}: {reason}");
            return;
        }
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            let mut instance = instantiate::<L>(&case, Scale::CHECK).expect("support was checked");
            instance.before();
            instance.unit();
            instance.after();
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

/// The specification's small dynamic-graph checks on every library.
pub fn check_small_graphs() -> bool {
    struct SmallGraphs {
        ok: bool,
    }
    impl LibraryVisitor for SmallGraphs {
        fn visit<L: Reactive>(&mut self) {
            for check in &DYNAMIC_SMALL_CHECKS {
                let label = format!("dynamic small check/{}/{}", check.what, L::NAME);
                match catch_unwind(AssertUnwindSafe(|| check.run::<L>())) {
                    Ok(Ok(())) => eprintln!("ok   {label}"),
                    Ok(Err(Unsupported(reason))) => eprintln!("skip {label}: {reason}"),
                    Err(panic) => {
                        eprintln!("FAIL {label}: {}", panic_message(&*panic));
                        self.ok = false;
                    }
                }
            }
        }
    }
    let mut visitor = SmallGraphs { ok: true };
    for_each_library(&mut visitor);
    visitor.ok
}
