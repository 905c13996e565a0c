//! Live queries: reactive-query, recomputing from scratch, and TanStack DB under Node on the
//! same four workloads (`benches::query`, `benches/js/query.mjs`), in one run: time per
//! one-row change, time to build the query, bytes per source row.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::counting::Snapshot;
use benches::query::{CHECK_CHANGES, Engine, Run, Size, WORKLOADS, check_digests, rows};
use serde::Deserialize;

/// One workload as `query.mjs` prints it.
#[derive(Clone, Debug, Deserialize)]
pub struct TanStackRow {
    /// The workload's name.
    pub workload: String,
    /// Milliseconds to build the collections and the live query and compute it once.
    pub build_ms: f64,
    /// Nanoseconds per one-row change, result included (`null` with `--check`).
    pub per_change_ns: Option<f64>,
    /// Heap bytes per source row (`null` without `--expose-gc`).
    pub bytes_per_row: Option<f64>,
    /// The final result folded into 32 bits.
    pub digest: u32,
}

/// One engine's figures on one workload.
#[derive(Clone, Copy, Debug)]
pub struct Figures {
    /// Nanoseconds per change, the result brought up to date.
    pub per_change_ns: f64,
    /// Milliseconds to build.
    pub build_ms: f64,
    /// Bytes per source row (what the allocator hands out, rows and query together).
    pub bytes_per_row: f64,
}

/// One workload's row of the table.
pub struct QueryRow {
    /// The workload.
    pub workload: &'static str,
    /// Its source rows.
    pub rows: usize,
    /// reactive-query.
    pub live: Figures,
    /// Recomputing from scratch.
    pub recompute: Figures,
    /// TanStack DB, when it ran.
    pub tanstack: Option<TanStackRow>,
}

/// The section's measurements, and why TanStack DB has no column if it has none.
pub struct QueryReport {
    /// One row per workload.
    pub rows: Vec<QueryRow>,
    /// Why TanStack DB did not run.
    pub tanstack_note: Option<String>,
}

/// Runs `query.mjs`, installing the pinned packages first if `@tanstack/db` is missing.
fn tanstack(dir: &Path, mode: &str) -> Result<Vec<TanStackRow>, String> {
    Command::new("node")
        .arg("--version")
        .output()
        .map_err(|_| "`node` not found".to_owned())?;
    if !dir.join("node_modules/@tanstack/db").is_dir() {
        eprintln!(
            "report: {} has no @tanstack/db; running `npm ci`",
            dir.display()
        );
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .stdout(Stdio::null())
            .status()
            .map_err(|_| "@tanstack/db missing and `npm` not found".to_owned())?;
        if !status.success() {
            return Err(format!(
                "@tanstack/db missing and `npm ci` failed ({status})"
            ));
        }
    }
    let mut command = Command::new("node");
    command
        .args(["--expose-gc", "--max-old-space-size=12288"])
        .arg(dir.join("query.mjs"));
    if !mode.is_empty() {
        command.arg(mode);
    }
    let output = command
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("node failed to start: {e}"))?;
    if !output.status.success() {
        return Err(format!("query.mjs failed ({})", output.status));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("query.mjs printed no JSON: {e}"))
}

/// `--check`: reactive-query equals recomputing on every workload, and TanStack DB's results
/// equal ours where Node is present.
pub fn check(js_dir: &Path, no_js: bool) -> bool {
    let mut ok = true;
    let digests = check_digests();
    for (workload, live, recomputed) in &digests {
        if live == recomputed {
            eprintln!("ok   query/{workload}: reactive-query = recompute");
        } else {
            eprintln!(
                "FAIL query/{workload}: reactive-query {live:#x} ≠ recompute {recomputed:#x}"
            );
            ok = false;
        }
    }
    if no_js {
        return ok;
    }
    match tanstack(js_dir, "--check") {
        Ok(rows) => {
            for (workload, live, _) in &digests {
                match rows.iter().find(|r| r.workload == *workload) {
                    Some(r) if r.digest == *live => {
                        eprintln!(
                            "ok   query/{workload}: TanStack DB = reactive-query ({CHECK_CHANGES} changes)"
                        )
                    }
                    Some(r) => {
                        eprintln!(
                            "FAIL query/{workload}: TanStack DB {:#x} ≠ reactive-query {live:#x}",
                            r.digest
                        );
                        ok = false;
                    }
                    None => {
                        eprintln!("FAIL query/{workload}: query.mjs has no result");
                        ok = false;
                    }
                }
            }
        }
        // CI sets REACTIVE_REQUIRE_NODE=1: there a skip is a failure.
        Err(why) if std::env::var_os("REACTIVE_REQUIRE_NODE").is_some_and(|v| v == "1") => {
            eprintln!("FAIL query (TanStack DB): {why} (REACTIVE_REQUIRE_NODE=1)");
            ok = false;
        }
        Err(why) => eprintln!("skip query (TanStack DB): {why}"),
    }
    ok
}

/// Builds a workload on one engine and times its changes.
fn ours(workload: &str, n: usize, engine: Engine, changes: usize) -> Figures {
    let before = Snapshot::now();
    let started = Instant::now();
    let mut run = Run::build(workload, n, engine);
    let build_ms = started.elapsed().as_secs_f64() * 1e3;
    let bytes_per_row =
        Snapshot::now().chunk_bytes_since(&before) as f64 / run.source_rows() as f64;
    for _ in 0..changes.div_ceil(10) {
        run.change(); // warm up
    }
    let started = Instant::now();
    for _ in 0..changes {
        run.change();
    }
    let per_change_ns = started.elapsed().as_nanos() as f64 / changes as f64;
    Figures {
        per_change_ns,
        build_ms,
        bytes_per_row,
    }
}

/// Measures every workload on both of our engines, then TanStack DB (unless `no_js`).
pub fn measure_all(quick: bool, no_js: bool, js_dir: &Path) -> QueryReport {
    let size = if quick { Size::Quick } else { Size::Full };
    let (tanstack_rows, tanstack_note) = if no_js {
        (Vec::new(), Some("TanStack DB not run (--no-js)".to_owned()))
    } else {
        eprintln!("report: query (TanStack DB under Node)");
        match tanstack(js_dir, if quick { "--quick" } else { "" }) {
            Ok(rows) => (rows, None),
            Err(why) => {
                eprintln!("report: TanStack DB skipped: {why}");
                (Vec::new(), Some(format!("TanStack DB not run: {why}")))
            }
        }
    };
    let rows = WORKLOADS
        .iter()
        .map(|&workload| {
            eprintln!("report: query/{workload}");
            let n = rows(workload, size);
            let live = ours(
                workload,
                n,
                Engine::Live,
                if quick { 2_000 } else { 20_000 },
            );
            let recompute = ours(workload, n, Engine::Recompute, if quick { 20 } else { 10 });
            QueryRow {
                workload,
                rows: n,
                live,
                recompute,
                tanstack: tanstack_rows
                    .iter()
                    .find(|r| r.workload == workload)
                    .cloned(),
            }
        })
        .collect();
    QueryReport {
        rows,
        tanstack_note,
    }
}

fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

/// The report's section.
pub fn render(report: &QueryReport, out: &mut String) {
    let _ = writeln!(out, "## Live queries\n");
    let _ = writeln!(
        out,
        "reactive-query against recomputing the query from scratch and TanStack DB under Node, \
         on the same rows, queries and change sequences (`benches/src/query.rs`, \
         `benches/js/query.mjs`; every result is checked equal by `report --check`). Per \
         change: one source row changed and the result brought up to date. Build: the source \
         filled and the query computed once. Bytes per source row: the allocator's (ours; \
         rows and query together) or the heap after a GC (TanStack DB). The goal: at least 20× \
         TanStack DB per change.\n"
    );
    let _ = writeln!(
        out,
        "| workload | rows | reactive-query per change | recompute per change | TanStack DB per change | ratio | build (ours / recompute / TanStack) | bytes per row (ours / TanStack) |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---|---|");
    for row in &report.rows {
        let (theirs, ratio, build, bytes) = match &row.tanstack {
            Some(t) => (
                t.per_change_ns.map_or(String::new(), time),
                t.per_change_ns.map_or(String::new(), |ns| {
                    format!("{:.0}×", ns / row.live.per_change_ns)
                }),
                format!("{:.0} ms", t.build_ms),
                t.bytes_per_row.map_or(String::new(), |b| format!("{b:.0}")),
            ),
            None => Default::default(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {theirs} | {ratio} | {:.0} ms / {:.0} ms / {build} | {:.0} / {bytes} |",
            row.workload,
            row.rows,
            time(row.live.per_change_ns),
            time(row.recompute.per_change_ns),
            row.live.build_ms,
            row.recompute.build_ms,
            row.live.bytes_per_row,
        );
    }
    if let Some(note) = &report.tanstack_note {
        let _ = writeln!(out, "\n{note}");
    }
    let _ = writeln!(out);
}
