//! The JavaScript reference: alien-signals under Node, `benches/js/bench.mjs`, which runs the
//! same cases under the same names and prints `[{"case", "median_ns", "samples"}]` with `--json`.

use std::path::Path;
use std::process::{Command, Stdio};

use serde::Deserialize;

/// One case's result from `bench.mjs --json` (its sample count is not used).
#[derive(Clone, Debug, Deserialize)]
pub struct JsResult {
    /// The case name.
    pub case: String,
    /// Median time of the timed unit.
    pub median_ns: f64,
}

/// Why the reference has no figures.
#[derive(Clone, Debug)]
pub enum Problem {
    /// Node or the installed packages are missing: not an error of ours.
    Skipped(String),
    /// The reference ran and failed (a check, or unreadable output).
    Failed(String),
}

/// What the reference produced.
pub enum Outcome {
    /// Figures, with the versions they were taken with.
    Measured {
        /// `node --version`.
        node: String,
        /// The installed alien-signals version.
        library: String,
        /// One result per case.
        results: Vec<JsResult>,
    },
    /// Skipped, with the reason.
    Skipped(String),
    /// Failed, with the reason.
    Failed(String),
}

impl Outcome {
    /// The median of `case`, if measured.
    pub fn median(&self, case: &str) -> Option<f64> {
        match self {
            Outcome::Measured { results, .. } => results
                .iter()
                .find(|result| result.case == case)
                .map(|result| result.median_ns),
            _ => None,
        }
    }
}

fn node_version() -> Option<String> {
    let output = Command::new("node").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Makes sure Node and the packages are there, running `npm ci` if only the packages are
/// missing.
fn prepare(dir: &Path) -> Result<String, Problem> {
    let node = node_version().ok_or_else(|| Problem::Skipped("`node` not found".into()))?;
    if !dir.join("bench.mjs").is_file() {
        return Err(Problem::Skipped(format!(
            "{} not found",
            dir.join("bench.mjs").display()
        )));
    }
    if !dir.join("node_modules").is_dir() {
        eprintln!(
            "report: {} has no node_modules; running `npm ci`",
            dir.display()
        );
        let status = Command::new("npm")
            .arg("ci")
            .current_dir(dir)
            .stdout(Stdio::null())
            .status();
        match status {
            Ok(status) if status.success() => {}
            Ok(status) => {
                return Err(Problem::Skipped(format!(
                    "node_modules missing and `npm ci` failed ({status})"
                )));
            }
            Err(_) => {
                return Err(Problem::Skipped(
                    "node_modules missing and `npm` not found".into(),
                ));
            }
        }
    }
    Ok(node)
}

/// The installed alien-signals version.
fn library_version(dir: &Path) -> String {
    let manifest = dir.join("node_modules/alien-signals/package.json");
    std::fs::read_to_string(manifest)
        .ok()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
        .and_then(|json| json["version"].as_str().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

/// Runs `node bench.mjs --json [--quick]`.
pub fn measure(dir: &Path, quick: bool) -> Outcome {
    let node = match prepare(dir) {
        Ok(node) => node,
        Err(Problem::Skipped(reason)) => {
            eprintln!("report: alien-signals (Node) skipped: {reason}");
            return Outcome::Skipped(reason);
        }
        Err(Problem::Failed(reason)) => return Outcome::Failed(reason),
    };
    eprintln!("report: running the JavaScript reference (node bench.mjs --json)");
    let mut command = Command::new("node");
    command.arg("bench.mjs").arg("--json").current_dir(dir);
    if quick {
        command.arg("--quick");
    }
    let output = match command.stderr(Stdio::inherit()).output() {
        Ok(output) => output,
        Err(error) => return Outcome::Failed(format!("node did not start: {error}")),
    };
    if !output.status.success() {
        return Outcome::Failed(format!("bench.mjs exited with {}", output.status));
    }
    match serde_json::from_slice::<Vec<JsResult>>(&output.stdout) {
        Ok(results) => Outcome::Measured {
            node,
            library: library_version(dir),
            results,
        },
        Err(error) => Outcome::Failed(format!("unreadable output of bench.mjs --json: {error}")),
    }
}

/// Runs `node bench.mjs --check` (every case once with its checks).
pub fn check(dir: &Path) -> Result<(), Problem> {
    prepare(dir)?;
    let output = Command::new("node")
        .args(["bench.mjs", "--check"])
        .current_dir(dir)
        .output()
        .map_err(|error| Problem::Failed(format!("node did not start: {error}")))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(Problem::Failed(format!(
            "bench.mjs --check exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )))
    }
}
