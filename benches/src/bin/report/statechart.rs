//! Statecharts: reactive-machine against XState v5 under Node on the same four machines
//! (`benches::statechart`), transitions per second and bytes per running machine, in one run.
//! XState is the copy pinned for reactive-machine's differential test
//! (`reactive-machine/tests/xstate`, installed with `npm ci` when missing);
//! `reactive-machine/benches/xstate.cjs --json` measures it.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::counting::Snapshot;
use benches::harness::median;
use benches::statechart::{MACHINES, chart, machine_benches_dir, send, start};
use reactive_machine::Machine;
use serde::Deserialize;

/// Events per timed sample.
const EVENTS: usize = 1_000;
/// Machines alive at once for the memory figure.
const LIVE: usize = 1_000;

/// One machine's figures.
pub struct MachineRow {
    /// The machine's name.
    pub name: &'static str,
    /// Our transitions per second (median of the samples).
    pub per_second: f64,
    /// Our bytes per running machine (the chart shared).
    pub bytes: f64,
    /// XState's transitions per second and bytes per actor, when it ran.
    pub xstate: Option<XStateRow>,
}

/// One machine under XState, as `xstate.cjs --json` prints it.
#[derive(Clone, Debug, Deserialize)]
pub struct XStateRow {
    /// The machine's name.
    pub machine: String,
    /// Transitions per second.
    pub per_second: f64,
    /// Heap bytes per actor (`null` without `--expose-gc`).
    pub bytes: Option<f64>,
}

/// What was measured, and why XState has no column if it has none.
pub struct StatechartReport {
    /// One row per machine.
    pub rows: Vec<MachineRow>,
    /// Why XState did not run (Node or npm missing, or its failure).
    pub xstate_note: Option<String>,
}

/// `--check`: the machines go where their cycles say.
pub fn check() -> bool {
    benches::statechart::check()
}

fn our_figures(name: &str, cycle: &[&str], quick: bool) -> (f64, f64) {
    let chart = chart(name);
    let mut machine = start(&chart);
    let mut next = 0;
    send(&mut machine, cycle, &mut next, 20 * EVENTS); // warm up
    let samples = if quick { 15 } else { 61 };
    let per_event: Vec<f64> = (0..samples)
        .map(|_| {
            let started = Instant::now();
            send(&mut machine, cycle, &mut next, EVENTS);
            started.elapsed().as_nanos() as f64 / EVENTS as f64
        })
        .collect();
    let per_second = 1e9 / median(&per_event);
    // Warm the engine's arena so its growth is not charged to the measured machines.
    let warm: Vec<Machine> = (0..LIVE).map(|_| start(&chart)).collect();
    warm.into_iter().for_each(Machine::dispose);
    // What the allocator hands out (usable size plus chunk header), as in the memory section.
    let before = Snapshot::now();
    let machines: Vec<Machine> = (0..LIVE).map(|_| start(&chart)).collect();
    let live = Snapshot::now().chunk_bytes_since(&before) as f64;
    machines.into_iter().for_each(Machine::dispose);
    (per_second, live / LIVE as f64)
}

/// Runs `xstate.cjs --json`, installing XState first if needed.
fn xstate(quick: bool) -> Result<Vec<XStateRow>, String> {
    let dir = machine_benches_dir();
    let packages = dir.join("../tests/xstate");
    Command::new("node")
        .arg("--version")
        .output()
        .map_err(|_| "`node` not found".to_owned())?;
    if !packages.join("node_modules/xstate").is_dir() {
        eprintln!(
            "report: {} has no XState; running `npm ci`",
            packages.display()
        );
        install(&packages)?;
    }
    let mut command = Command::new("node");
    command
        .arg("--expose-gc")
        .arg(dir.join("xstate.cjs"))
        .arg("--json");
    if quick {
        command.arg("--quick");
    }
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("node failed to start: {e}"))?;
    if !output.status.success() {
        return Err(format!("xstate.cjs failed ({})", output.status));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("xstate.cjs printed no JSON: {e}"))
}

fn install(dir: &Path) -> Result<(), String> {
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .status()
        .map_err(|_| "XState missing and `npm` not found".to_owned())?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("XState missing and `npm ci` failed ({status})"))
    }
}

/// Measures our machines, then XState's (unless `no_js`).
pub fn measure_all(quick: bool, no_js: bool) -> StatechartReport {
    let (xstate_rows, xstate_note) = if no_js {
        (Vec::new(), Some("XState not run (--no-js)".to_owned()))
    } else {
        match xstate(quick) {
            Ok(rows) => (rows, None),
            Err(why) => {
                eprintln!("report: XState skipped: {why}");
                (Vec::new(), Some(format!("XState not run: {why}")))
            }
        }
    };
    let rows = MACHINES
        .iter()
        .map(|&(name, cycle)| {
            eprintln!("report: statechart/{name}");
            let (per_second, bytes) = our_figures(name, cycle, quick);
            MachineRow {
                name,
                per_second,
                bytes,
                xstate: xstate_rows.iter().find(|r| r.machine == name).cloned(),
            }
        })
        .collect();
    StatechartReport { rows, xstate_note }
}

fn per_second(value: f64) -> String {
    if value >= 1e6 {
        format!("{:.2} M/s", value / 1e6)
    } else {
        format!("{:.1} k/s", value / 1e3)
    }
}

/// The report's section.
pub fn render(report: &StatechartReport, out: &mut String) {
    let _ = writeln!(out, "## Statecharts\n");
    let _ = writeln!(
        out,
        "reactive-machine against XState v5 under Node on the same machines \
         (`reactive-machine/benches/machines/*.json`; one event is one macrostep, no actions): \
         transitions per second (median of samples of {EVENTS} events) and bytes per running \
         machine ({LIVE} alive, the chart shared; XState: heap per actor after a GC). \
         The goal: at least 20× XState's throughput and a smaller running machine.\n"
    );
    let _ = writeln!(
        out,
        "| machine | reactive-machine | XState | ratio | bytes (ours) | bytes (XState) |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for row in &report.rows {
        let (theirs, ratio, their_bytes) = match &row.xstate {
            Some(x) => (
                per_second(x.per_second),
                format!("{:.1}×", row.per_second / x.per_second),
                x.bytes.map_or(String::new(), |b| format!("{b:.0}")),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {theirs} | {ratio} | {:.0} | {their_bytes} |",
            row.name,
            per_second(row.per_second),
            row.bytes
        );
    }
    if let Some(note) = &report.xstate_note {
        let _ = writeln!(out, "\n{note}");
    }
    let _ = writeln!(out);
}
