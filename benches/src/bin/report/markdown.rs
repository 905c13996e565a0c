//! Rendering `RESULTS.md`.

use std::fmt::Write;

use benches::adapter::LIBRARY_NAMES;
use benches::memory::{NODES, SIZES};
use benches::scaling::Shape;

use crate::event_store::{BACKENDS, StoreReport};
use crate::javascript::Outcome;
use crate::machine::Machine;
use crate::memory::MemoryRow;
use crate::scaling::ScalingPoint;
use crate::timing::{Cell, Times};

/// The name of the JavaScript column.
const JS_COLUMN: &str = "alien-signals (Node)";

/// Everything a report shows.
pub struct Document<'a> {
    /// Whether this was a `--quick` run.
    pub quick: bool,
    /// Where it ran.
    pub machine: Machine,
    /// The case timings.
    pub times: &'a Times,
    /// The JavaScript reference.
    pub js: &'a Outcome,
    /// Memory per node (empty when not measured).
    pub memory: &'a [MemoryRow],
    /// The event stores (`None` when not measured).
    pub event_stores: Option<&'a StoreReport>,
    /// Statecharts against XState (`None` when not measured).
    pub statecharts: Option<&'a crate::statechart::StatechartReport>,
    /// Live queries against recomputing and TanStack DB (`None` when not measured).
    pub queries: Option<&'a crate::query::QueryReport>,
    /// Scaling measurements (empty when not measured).
    pub scaling: &'a [ScalingPoint],
    /// File name of the scaling plot, next to the report.
    pub plot_name: &'a str,
}

/// `ns` with three significant digits and a unit.
pub fn format_ns(ns: f64) -> String {
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    let decimals = if value >= 100.0 {
        0
    } else if value >= 10.0 {
        1
    } else {
        2
    };
    format!("{value:.decimals$} {unit}")
}

/// `n` with a comma between groups of three digits.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// The geometric mean of `ratios` (NaN when empty).
fn geometric_mean(ratios: &[f64]) -> f64 {
    (ratios.iter().map(|ratio| ratio.ln()).sum::<f64>() / ratios.len() as f64).exp()
}

/// A column of the time table: one Rust library or the JavaScript reference.
#[derive(Clone, Copy)]
enum Column {
    Library(usize),
    JavaScript,
}

impl Document<'_> {
    fn columns(&self) -> Vec<(Column, &'static str)> {
        let mut columns: Vec<_> = LIBRARY_NAMES
            .iter()
            .enumerate()
            .map(|(index, &name)| (Column::Library(index), name))
            .collect();
        columns.push((Column::JavaScript, JS_COLUMN));
        columns
    }

    /// The median of `column` for the case of `row`, if it has one.
    fn median(&self, row: usize, column: Column) -> Option<f64> {
        let row = &self.times.rows[row];
        match column {
            Column::Library(index) => match &row.cells[index] {
                Cell::Time(timing) => Some(timing.median_ns),
                _ => None,
            },
            Column::JavaScript => self.js.median(row.case.name),
        }
    }

    /// Renders the whole document.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.header(&mut out);
        self.time_table(&mut out);
        self.not_fastest(&mut out);
        self.memory_table(&mut out);
        self.scaling_table(&mut out);
        self.event_store_table(&mut out);
        if let Some(report) = self.statecharts {
            crate::statechart::render(report, &mut out);
        }
        if let Some(report) = self.queries {
            crate::query::render(report, &mut out);
        }
        out
    }

    fn header(&self, out: &mut String) {
        let machine = &self.machine;
        let command = if self.quick {
            "cargo run -p benches --release --features peers --bin report -- --quick"
        } else {
            "cargo run -p benches --release --features peers --bin report"
        };
        let _ = writeln!(out, "# Benchmark results\n");
        let _ = writeln!(
            out,
            "Written by `{command}` on {}. How to reproduce, what each case does and how it is \
             timed: [README.md](README.md).\n",
            machine.date
        );
        if self.quick {
            let _ = writeln!(
                out,
                "**Quick run**: kairo, molBench and micro units ran at 1/{} of their size and their \
                 times are scaled back up; fewer samples. Indicative only; the full run is \
                 `RESULTS.md`.\n",
                self.times.scale.divisor()
            );
        }
        let _ = writeln!(
            out,
            "**Machine**: {} ({} logical CPUs), {}, {}.\n",
            machine.cpu, machine.cores, machine.os, machine.rustc
        );
        let js = match self.js {
            Outcome::Measured { node, library, .. } => {
                format!("alien-signals {library} under Node {node}")
            }
            Outcome::Skipped(reason) => format!("alien-signals (Node): not run ({reason})"),
            Outcome::Failed(reason) => format!("alien-signals (Node): FAILED ({reason})"),
        };
        let _ = writeln!(
            out,
            "**Libraries**: reactive-core (this workspace), alien-signals 0.1.4 (the Rust port), \
             sycamore-reactive 0.9.4, \
             leptos_reactive 0.6.15, reactive_graph 0.2.16 (effects flushed with \
             `Executor::poll_local()` after every write), {js}.\n"
        );
    }

    fn time_table(&self, out: &mut String) {
        let columns = self.columns();
        let _ = writeln!(out, "## Time per case\n");
        let _ = writeln!(
            out,
            "Median time of one timed unit; in brackets the ratio to reactive-core (below 1: \
             faster than reactive-core). Every unit checks its results.\n"
        );
        let mut header = String::from("| case | timed unit |");
        let mut rule = String::from("|---|---|");
        for (_, name) in &columns {
            let _ = write!(header, " {name} |");
            rule.push_str("---:|");
        }
        let _ = writeln!(out, "{header}\n{rule}");
        let mut notes: Vec<String> = Vec::new();
        for (index, row) in self.times.rows.iter().enumerate() {
            let ours = self.median(index, Column::Library(0));
            let _ = write!(out, "| {} | {} |", row.case.name, row.case.unit);
            for &(column, _) in &columns {
                let text = match (self.median(index, column), column) {
                    (Some(median), _) => match ours {
                        Some(ours) if !matches!(column, Column::Library(0)) => {
                            format!("{} ({:.2})", format_ns(median), median / ours)
                        }
                        _ => format_ns(median),
                    },
                    (None, Column::Library(library)) => match &row.cells[library] {
                        Cell::Unsupported(reason) => reason.clone(),
                        Cell::Failed(reason) => {
                            notes.push(format!(
                                "{} on {}: {reason}",
                                row.case.name, LIBRARY_NAMES[library]
                            ));
                            format!("FAILED [{}]", notes.len())
                        }
                        Cell::Time(_) => unreachable!("a time has a median"),
                    },
                    (None, Column::JavaScript) => "–".into(),
                };
                let _ = write!(out, " {text} |");
            }
            let _ = writeln!(out);
        }
        let _ = write!(out, "| **geometric mean of ratios** (cases) | |");
        for &(column, _) in &columns {
            let ratios: Vec<f64> = (0..self.times.rows.len())
                .filter_map(|row| {
                    Some(self.median(row, column)? / self.median(row, Column::Library(0))?)
                })
                .collect();
            if ratios.is_empty() {
                let _ = write!(out, " – |");
            } else {
                let _ = write!(
                    out,
                    " **{:.2}** ({}) |",
                    geometric_mean(&ratios),
                    ratios.len()
                );
            }
        }
        let _ = writeln!(out, "\n");
        let _ = writeln!(
            out,
            "n/a cells: *eager memos*: sycamore-reactive's memos recompute as soon as a source \
             changes, so cases whose checks count the evaluations of memos nothing reads (molBench, \
             the lazy dynamic graphs) cannot give the specified counts. *does not finish*: \
             reactive_graph marks the nodes downstream of a write once per path, not once per \
             node, so the count of path visits shown (computed from the graph) is the work of one \
             unit; above 10⁸ it would take hours. molBench measures mostly its memos' \
             arithmetic: its memos and effects compute `fib(16)` \
             recursively (about 3,200 calls each time), so its \
             times say little about the signals engine.\n"
        );
        for (index, note) in notes.iter().enumerate() {
            let _ = writeln!(out, "[{}] {note}\n", index + 1);
        }
    }

    fn not_fastest(&self, out: &mut String) {
        let columns = self.columns();
        let mut lines = Vec::new();
        for (index, row) in self.times.rows.iter().enumerate() {
            let Some(ours) = self.median(index, Column::Library(0)) else {
                continue;
            };
            let best = columns
                .iter()
                .filter_map(|&(column, name)| Some((self.median(index, column)?, name)))
                .min_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((best, name)) = best
                && name != LIBRARY_NAMES[0]
            {
                lines.push(format!(
                    "- {}: {name} {} vs reactive-core {} (reactive-core takes {:.2}×)",
                    row.case.name,
                    format_ns(best),
                    format_ns(ours),
                    ours / best
                ));
            }
        }
        let _ = writeln!(out, "## Where reactive-core is not the fastest\n");
        if lines.is_empty() {
            let _ = writeln!(
                out,
                "Nowhere: reactive-core has the lowest median in every case it ran.\n"
            );
        } else {
            let _ = writeln!(out, "{}\n", lines.join("\n"));
        }
    }

    fn memory_table(&self, out: &mut String) {
        if self.memory.is_empty() {
            return;
        }
        let _ = writeln!(out, "## Memory per node\n");
        let _ = writeln!(
            out,
            "Net heap bytes per node, each population in a fresh process under a root made \
             beforehand: what glibc's `malloc` handed out (each chunk's `malloc_usable_size` plus \
             its 8-byte header, allocated minus freed, container capacity included), and in \
             brackets what the code requested. Signal: an `i64` signal. Memo: a memo returning a \
             constant `i64`, read once, no sources. Effect: an effect reading nothing, after its \
             first run. Edge: effects each reading the same 100 signals, minus the same nodes \
             without the reads. At {} nodes:\n",
            thousands(NODES)
        );
        let _ = writeln!(out, "| library | signal | memo | effect | edge |");
        let _ = writeln!(out, "|---|---:|---:|---:|---:|");
        for row in self.memory {
            let _ = write!(out, "| {} |", row.library);
            for bytes in row.headline() {
                let _ = match bytes {
                    Ok(bytes) => write!(out, " {:.0} B ({:.0} B) |", bytes.chunks, bytes.requested),
                    Err(error) => write!(out, " failed: {error} |"),
                };
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(
            out,
            "\nBy population size (handed-out bytes per node; growth steps of the containers \
             show as jumps), and what is still held once the root of the largest population is \
             disposed (per node created):\n"
        );
        let mut header = String::from("| library | node |");
        let mut rule = String::from("|---|---|");
        for size in SIZES {
            let _ = write!(header, " {} |", thousands(size));
            rule.push_str("---:|");
        }
        let _ = writeln!(out, "{header} kept after disposal |\n{rule}---:|");
        for row in self.memory {
            for (kind, name) in ["signal", "memo", "effect", "edge"].iter().enumerate() {
                let _ = write!(out, "| {} | {name} |", row.library);
                for figures in &row.by_size {
                    let _ = match &figures[kind] {
                        Ok(bytes) => write!(out, " {:.0} B |", bytes.chunks),
                        Err(_) => write!(out, " failed |"),
                    };
                }
                let _ = match &row.headline()[kind] {
                    Ok(bytes) => writeln!(out, " {:.0} B |", bytes.kept),
                    Err(_) => writeln!(out, " failed |"),
                };
            }
        }
        let _ = writeln!(out);
    }

    fn event_store_table(&self, out: &mut String) {
        if let Some(report) = self.event_stores {
            event_store_section(report, out);
        }
    }

    fn scaling_table(&self, out: &mut String) {
        if self.scaling.is_empty() {
            return;
        }
        let _ = writeln!(out, "## Scaling with graph size\n");
        let _ = writeln!(
            out,
            "Cost per write: the median time of one batched write of a new value, including \
             re-running every memo and effect it affects (and flushing scheduled effects), on \
             graphs where a write affects a fixed set of nodes whatever the graph's size: \
             *chain* (a chain of memos; the write reaches its last 10 memos and the effect), \
             *fan-out* (hubs read by 100 effects each; a write reaches one hub's 100 effects), \
             *random DAG* (components of 1,000 nodes; a write reaches one signal's downstream \
             cone). Flat lines mean the cost follows the affected nodes, not the graph size. \
             Every run checks the evaluation counts against the affected sets. Details: \
             `src/scaling.rs`.\n"
        );
        let _ = writeln!(
            out,
            "![Time per write against graph size]({})\n",
            self.plot_name
        );
        let mut header = String::from("| shape | nodes | affected per write |");
        let mut rule = String::from("|---|---:|---:|");
        for name in LIBRARY_NAMES {
            let _ = write!(header, " {name} |");
            rule.push_str("---:|");
        }
        let _ = writeln!(out, "{header}\n{rule}");
        for shape in Shape::ALL {
            let mut sizes: Vec<usize> = self
                .scaling
                .iter()
                .filter(|point| point.shape == shape)
                .map(|point| point.nodes)
                .collect();
            sizes.dedup();
            for nodes in sizes {
                let points: Vec<&ScalingPoint> = self
                    .scaling
                    .iter()
                    .filter(|point| point.shape == shape && point.nodes == nodes)
                    .collect();
                let affected = points
                    .iter()
                    .map(|point| point.affected)
                    .find(|affected| affected.is_finite())
                    .map_or("–".into(), |affected| format!("{affected:.1}"));
                let _ = write!(out, "| {} | {nodes} | {affected} |", shape.name());
                for name in LIBRARY_NAMES {
                    let text = match points.iter().find(|point| point.library == name) {
                        Some(ScalingPoint {
                            ns_per_write: Ok(ns),
                            ..
                        }) => format_ns(*ns),
                        Some(_) => "FAILED".into(),
                        None => "–".into(),
                    };
                    let _ = write!(out, " {text} |");
                }
                let _ = writeln!(out);
            }
        }
        let _ = writeln!(out);
    }
}

/// The "Event stores" section (also printed alone by `--event-stores`).
pub fn event_store_section(report: &StoreReport, out: &mut String) {
    let _ = writeln!(out, "## Event stores\n");
    let _ = writeln!(
        out,
        "reactive-sourcing's event stores: median time per operation, over samples \
         of at least 20 ms (so WAL checkpoints fall into every sample). Events carry \
         a ~60-byte JSON payload and a principal; appends are durable (`fsync` on commit). \
         Raw rusqlite inserts the same rows, prepared beforehand, into the same table and \
         index with the same settings (WAL, `synchronous=FULL`): the floor of any SQLite \
         store. Raw postgres inserts the same rows into a copy of the store's table on the \
         same PostgreSQL server (`fsync=on`, `synchronous_commit=on`) through the same \
         client, one plain prepared `INSERT … VALUES` per batch committed on its own, and \
         reads them back with one plain `SELECT` of the same columns (no hash check): the \
         floor of any Postgres store. The last columns are each store's time over its \
         floor's (the target: at most 1.20). \
         RAM-backed files (`/dev/shm`) take the disk out, so the SQLite store's own CPU \
         cost shows.\n"
    );
    let _ = write!(out, "| case |");
    for backend in BACKENDS {
        let _ = write!(out, " {backend} |");
    }
    let _ = writeln!(out, " SQLite ÷ raw | Postgres ÷ raw |");
    let _ = writeln!(out, "|---|{}---:|---:|", "---:|".repeat(BACKENDS.len()));
    for row in &report.rows {
        let _ = write!(out, "| {} |", row.case);
        for median in row.median_ns {
            let _ = match median {
                Some(ns) => write!(out, " {} |", format_ns(ns)),
                None => write!(out, " |"),
            };
        }
        for ratio in [row.sqlite_over_raw(), row.postgres_over_raw()] {
            let _ = match ratio {
                Some(ratio) => write!(out, " {ratio:.2} |"),
                None => write!(out, " |"),
            };
        }
        let _ = writeln!(out);
    }
    for note in [&report.ram_note, &report.postgres_note]
        .into_iter()
        .flatten()
    {
        let _ = writeln!(out, "\n{note}");
    }
    let _ = writeln!(out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_have_three_significant_digits() {
        assert_eq!(format_ns(12.345), "12.3 ns");
        assert_eq!(format_ns(1_234.0), "1.23 µs");
        assert_eq!(format_ns(123_456_789.0), "123 ms");
        assert_eq!(format_ns(2.5e9), "2.50 s");
    }

    #[test]
    fn thousands_are_separated_by_commas() {
        assert_eq!(thousands(7), "7");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn geometric_mean_of_reciprocals_is_one() {
        assert!((geometric_mean(&[2.0, 0.5]) - 1.0).abs() < 1e-12);
    }
}
