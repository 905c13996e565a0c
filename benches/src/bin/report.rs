//! The benchmark report: every case on every library in one process, plus memory per node,
//! scaling with graph size and the JavaScript reference, written to `benches/RESULTS.md`.
//!
//! ```text
//! cargo run -p benches --release --features peers --bin report             # full run: RESULTS.md, scaling.svg
//! cargo run -p benches --release --features peers --bin report -- --quick  # under two minutes: RESULTS-quick.md
//! cargo run -p benches --release --features peers --bin report -- --check  # every case once, all checks, no timing
//! cargo run -p benches --release --features peers --bin report -- --filter cellx   # some cases, printed only
//! ```
//!
//! `--query` measures only the live-query section and prints it, `--event-stores` only the
//! event stores (with Postgres when `REACTIVE_POSTGRES_URL` names a server). `--no-js` skips the Node
//! references. The binary counts allocations (its global allocator is
//! `counting::Counting`, which asks glibc for each allocation's real size), which the memory
//! probes read; see `benches/README.md` for what that costs.

// The binary's modules live in `report/` beside this file (a crate root's `mod` would look
// in `src/bin/`).
#[path = "report/counting.rs"]
mod counting;
#[path = "report/event_store.rs"]
mod event_store;
#[path = "report/javascript.rs"]
mod javascript;
#[path = "report/machine.rs"]
mod machine;
#[path = "report/markdown.rs"]
mod markdown;
#[path = "report/memory.rs"]
mod memory;
#[path = "report/plot.rs"]
mod plot;
#[path = "report/query.rs"]
mod query;
#[path = "report/scaling.rs"]
mod scaling;
#[path = "report/statechart.rs"]
mod statechart;
#[path = "report/timing.rs"]
mod timing;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

/// Counts every allocation (requested and usable bytes), so the memory probes can measure the
/// heap a node takes.
#[global_allocator]
static GLOBAL: counting::Counting = counting::Counting;

/// What the run does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Every measurement at full size; writes `RESULTS.md` and `scaling.svg`.
    Full,
    /// Reduced sizes and samples; writes `RESULTS-quick.md` and `scaling-quick.svg`.
    Quick,
    /// Every case once with its checks, no timing; writes nothing.
    Check,
}

/// Command-line options.
#[derive(Debug)]
struct Options {
    mode: Mode,
    /// Only cases whose name contains this; memory and scaling are skipped, nothing is written.
    filter: Option<String>,
    /// Skip the Node reference.
    no_js: bool,
    /// Only the live-query section, printed.
    query_only: bool,
    /// Only the event-store section, printed.
    event_stores_only: bool,
}

const USAGE: &str =
    "usage: report [--quick | --check] [--filter <text> | --query | --event-stores] [--no-js]";

fn parse_options(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        mode: Mode::Full,
        filter: None,
        no_js: false,
        query_only: false,
        event_stores_only: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.mode = Mode::Quick,
            "--check" => options.mode = Mode::Check,
            "--no-js" => options.no_js = true,
            "--query" => options.query_only = true,
            "--event-stores" => options.event_stores_only = true,
            "--filter" => {
                options.filter = Some(args.next().ok_or("--filter needs a value")?);
            }
            "--help" | "-h" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(options)
}

/// The `benches/` directory (outputs and the JavaScript reference live there).
fn benches_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some(memory::PROBE_FLAG) {
        return memory::probe_main(args.skip(1));
    }
    let options = match parse_options(args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let ok = match options.mode {
        Mode::Check => check(&options),
        Mode::Full | Mode::Quick => report(&options),
    };
    eprintln!("report: done in {:.1} s", started.elapsed().as_secs_f64());
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `--check`: every case, small check and scaling graph once per library, and the JavaScript
/// reference's own check. Returns whether everything passed.
fn check(options: &Options) -> bool {
    if options.query_only {
        return report_end(query::check(&benches_dir().join("js"), options.no_js));
    }
    if options.event_stores_only {
        return report_end(event_store::check());
    }
    let filter = options.filter.clone();
    let mut ok = benches::harness::run_on_big_stack(move || {
        let cases = timing::check_cases(filter.as_deref());
        let small = timing::check_small_graphs();
        let scaling = filter.is_some() || scaling::check_all();
        let stores = filter.is_some() || event_store::check();
        let statecharts = filter.is_some() || statechart::check();
        cases && small && scaling && stores && statecharts
    });
    if options.filter.is_none() {
        ok &= query::check(&benches_dir().join("js"), options.no_js);
    }
    if !options.no_js {
        match javascript::check(&benches_dir().join("js")) {
            Ok(()) => eprintln!("ok   alien-signals (Node): bench.mjs --check"),
            Err(javascript::Problem::Skipped(reason)) => {
                eprintln!("skip alien-signals (Node): {reason}")
            }
            Err(javascript::Problem::Failed(reason)) => {
                eprintln!("FAIL alien-signals (Node): {reason}");
                ok = false;
            }
        }
    }
    report_end(ok)
}

fn report_end(ok: bool) -> bool {
    if ok {
        eprintln!("check: all checks passed");
    } else {
        eprintln!("check: some checks FAILED (see above)");
    }
    ok
}

/// Full or quick run: measure, then write the report (or print it, with `--filter`).
fn report(options: &Options) -> bool {
    let quick = options.mode == Mode::Quick;
    if options.query_only {
        let report = query::measure_all(quick, options.no_js, &benches_dir().join("js"));
        let mut text = String::new();
        query::render(&report, &mut text);
        println!("{text}");
        return true;
    }
    if options.event_stores_only {
        let report = event_store::measure_all(quick);
        let mut text = String::new();
        markdown::event_store_section(&report, &mut text);
        println!("{text}");
        return true;
    }
    let filter = options.filter.clone();
    let (times, scaling_results) = benches::harness::run_on_big_stack(move || {
        let times = timing::measure_cases(filter.as_deref(), quick);
        let scaling = if filter.is_none() {
            scaling::measure_all(quick)
        } else {
            Vec::new()
        };
        (times, scaling)
    });
    let memory = if options.filter.is_none() {
        memory::measure_all()
    } else {
        Vec::new()
    };
    let event_stores = options
        .filter
        .is_none()
        .then(|| event_store::measure_all(quick));
    let statecharts = options
        .filter
        .is_none()
        .then(|| statechart::measure_all(quick, options.no_js));
    let queries = options
        .filter
        .is_none()
        .then(|| query::measure_all(quick, options.no_js, &benches_dir().join("js")));
    let js = if options.no_js {
        javascript::Outcome::Skipped("--no-js".into())
    } else {
        javascript::measure(&benches_dir().join("js"), quick)
    };

    let (results_name, plot_name) = if quick {
        ("RESULTS-quick.md", "scaling-quick.svg")
    } else {
        ("RESULTS.md", "scaling.svg")
    };
    let document = markdown::Document {
        quick,
        machine: machine::describe(),
        times: &times,
        js: &js,
        memory: &memory,
        event_stores: event_stores.as_ref(),
        statecharts: statecharts.as_ref(),
        queries: queries.as_ref(),
        scaling: &scaling_results,
        plot_name,
    };
    let text = document.render();
    if options.filter.is_some() {
        println!("{text}");
        return times.all_passed();
    }
    let dir = benches_dir();
    if !scaling_results.is_empty()
        && let Err(error) = plot::write(&dir.join(plot_name), &scaling_results)
    {
        eprintln!("report: could not draw {plot_name}: {error}");
        return false;
    }
    let path = dir.join(results_name);
    if let Err(error) = std::fs::write(&path, &text) {
        eprintln!("report: could not write {}: {error}", path.display());
        return false;
    }
    eprintln!("report: wrote {}", path.display());
    times.all_passed()
}
