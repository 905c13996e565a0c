//! Memory per node: each population is created in a fresh child process (so no arena growth
//! from earlier work is reused) whose counting allocator reports the net heap growth.

use std::process::{Command, ExitCode};

use benches::adapter::{LIBRARY_NAMES, LibraryVisitor, Reactive, for_each_library};
use benches::memory::{NODES, Population, populate};
use stats_alloc::Region;

/// The hidden first argument that turns the report binary into a memory probe.
pub const PROBE_FLAG: &str = "--memory-probe";

/// Heap bytes per node of one library (or why they could not be measured).
pub struct MemoryRow {
    /// The library.
    pub library: &'static str,
    /// Bytes per signal, per memo, per effect, per edge.
    pub per_node: [Result<f64, String>; 4],
}

/// Measures every library, one child process per population.
pub fn measure_all() -> Vec<MemoryRow> {
    LIBRARY_NAMES
        .iter()
        .map(|&library| {
            let bytes = |population| probe(library, population);
            let per_node = |population| bytes(population).map(|total| total as f64 / NODES as f64);
            let edge = bytes(Population::Edges).and_then(|with| {
                let without = bytes(Population::EdgeBaseline)?;
                Ok((with - without) as f64 / NODES as f64)
            });
            let row = MemoryRow {
                library,
                per_node: [
                    per_node(Population::Signals),
                    per_node(Population::Memos),
                    per_node(Population::Effects),
                    edge,
                ],
            };
            let shown: Vec<String> = row
                .per_node
                .iter()
                .map(|bytes| match bytes {
                    Ok(bytes) => format!("{bytes:.0} B"),
                    Err(error) => error.clone(),
                })
                .collect();
            eprintln!(
                "memory/{library}: signal {}, memo {}, effect {}, edge {}",
                shown[0], shown[1], shown[2], shown[3]
            );
            row
        })
        .collect()
}

/// Runs one probe in a child process and returns the net bytes it allocated.
fn probe(library: &str, population: Population) -> Result<i64, String> {
    let exe = std::env::current_exe().map_err(|error| error.to_string())?;
    let output = Command::new(exe)
        .args([PROBE_FLAG, library, population.name()])
        .output()
        .map_err(|error| format!("probe did not start: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "probe failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    text.trim()
        .parse()
        .map_err(|_| format!("probe printed {text:?}"))
}

/// The probe process: `report --memory-probe <library> <population>` prints the net heap bytes
/// allocated while creating the population.
pub fn probe_main(mut args: impl Iterator<Item = String>) -> ExitCode {
    let (Some(library), Some(population)) = (args.next(), args.next()) else {
        eprintln!("usage: report {PROBE_FLAG} <library> <population>");
        return ExitCode::FAILURE;
    };
    let Some(population) = Population::from_name(&population) else {
        eprintln!("unknown population {population}");
        return ExitCode::FAILURE;
    };
    let mut probe = Probe {
        library,
        population,
        bytes: None,
    };
    for_each_library(&mut probe);
    match probe.bytes {
        Some(bytes) => {
            println!("{bytes}");
            ExitCode::SUCCESS
        }
        None => {
            eprintln!("unknown library {}", probe.library);
            ExitCode::FAILURE
        }
    }
}

struct Probe {
    library: String,
    population: Population,
    bytes: Option<i64>,
}

impl LibraryVisitor for Probe {
    fn visit<L: Reactive>(&mut self) {
        if L::NAME != self.library {
            return;
        }
        // The root (and the thread's runtime behind it) exists before counting starts.
        let ((), root) = L::root(|| ());
        let region = Region::new(crate::GLOBAL);
        populate::<L>(&root, self.population);
        let change = region.change();
        self.bytes = Some(change.bytes_allocated as i64 - change.bytes_deallocated as i64);
        // The process ends here; the nodes are never disposed.
        std::mem::forget(root);
    }
}
