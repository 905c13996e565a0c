//! Memory per node: each population is created in a fresh child process (so no arena growth
//! from earlier work is reused) whose counting allocator (`counting.rs`) reports the net heap
//! growth twice: with the nodes alive, and after their root is disposed.

use std::process::{Command, ExitCode};

use benches::adapter::{LIBRARY_NAMES, LibraryVisitor, Reactive, for_each_library};
use benches::memory::{NODES, Population, SIZES, populate};

use crate::counting::Snapshot;

/// The hidden first argument that turns the report binary into a memory probe.
pub const PROBE_FLAG: &str = "--memory-probe";

/// What one probe measured, in bytes (whole population) or bytes per node.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bytes {
    /// What the allocator handed out: usable size plus header of each chunk, net.
    pub chunks: f64,
    /// What the code asked for, net.
    pub requested: f64,
    /// Chunk bytes still held after the root was disposed, net.
    pub kept: f64,
}

impl Bytes {
    fn minus(self, other: Bytes) -> Bytes {
        Bytes {
            chunks: self.chunks - other.chunks,
            requested: self.requested - other.requested,
            kept: self.kept - other.kept,
        }
    }

    fn per(self, nodes: usize) -> Bytes {
        let n = nodes as f64;
        Bytes {
            chunks: self.chunks / n,
            requested: self.requested / n,
            kept: self.kept / n,
        }
    }
}

/// Per node bytes of one library: signal, memo, effect, edge (or why they could not be
/// measured), at each of [`SIZES`].
pub struct MemoryRow {
    /// The library.
    pub library: &'static str,
    /// `by_size[i]` is at `SIZES[i]` nodes: signal, memo, effect, edge.
    pub by_size: Vec<[Result<Bytes, String>; 4]>,
}

impl MemoryRow {
    /// The figures at [`NODES`] nodes.
    pub fn headline(&self) -> &[Result<Bytes, String>; 4] {
        let index = SIZES.iter().position(|&size| size == NODES);
        &self.by_size[index.expect("NODES is one of SIZES")]
    }
}

/// Measures every library, one child process per population and size.
pub fn measure_all() -> Vec<MemoryRow> {
    LIBRARY_NAMES
        .iter()
        .map(|&library| {
            let by_size = SIZES
                .iter()
                .map(|&nodes| {
                    let bytes = |population| probe(library, population, nodes);
                    let per_node = |population| bytes(population).map(|total| total.per(nodes));
                    let edge = bytes(Population::Edges).and_then(|with| {
                        let without = bytes(Population::EdgeBaseline)?;
                        Ok(with.minus(without).per(nodes))
                    });
                    [
                        per_node(Population::Signals),
                        per_node(Population::Memos),
                        per_node(Population::Effects),
                        edge,
                    ]
                })
                .collect();
            let row = MemoryRow { library, by_size };
            let shown: Vec<String> = row
                .headline()
                .iter()
                .map(|bytes| match bytes {
                    Ok(bytes) => {
                        format!("{:.0} B ({:.0} B requested)", bytes.chunks, bytes.requested)
                    }
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

/// Runs one probe in a child process and returns the net bytes of the whole population.
fn probe(library: &str, population: Population, nodes: usize) -> Result<Bytes, String> {
    let exe = std::env::current_exe().map_err(|error| error.to_string())?;
    let output = Command::new(exe)
        .args([PROBE_FLAG, library, population.name(), &nodes.to_string()])
        .output()
        .map_err(|error| format!("probe did not start: {error}"))?;
    if !output.status.success() {
        return Err(format!(
            "probe failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    let numbers: Vec<f64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .map_err(|_| format!("probe printed {text:?}"))?;
    match numbers[..] {
        [chunks, requested, kept] => Ok(Bytes {
            chunks,
            requested,
            kept,
        }),
        _ => Err(format!("probe printed {text:?}")),
    }
}

/// The probe process: `report --memory-probe <library> <population> <nodes>` prints the net
/// chunk bytes and requested bytes allocated while creating the population, and the net chunk
/// bytes still held once its root is disposed.
pub fn probe_main(mut args: impl Iterator<Item = String>) -> ExitCode {
    let (Some(library), Some(population), Some(nodes)) = (args.next(), args.next(), args.next())
    else {
        eprintln!("usage: report {PROBE_FLAG} <library> <population> <nodes>");
        return ExitCode::FAILURE;
    };
    let Some(population) = Population::from_name(&population) else {
        eprintln!("unknown population {population}");
        return ExitCode::FAILURE;
    };
    let Ok(nodes) = nodes.parse() else {
        eprintln!("not a node count: {nodes}");
        return ExitCode::FAILURE;
    };
    let mut probe = Probe {
        library,
        population,
        nodes,
        bytes: None,
    };
    for_each_library(&mut probe);
    match probe.bytes {
        Some(bytes) => {
            println!("{} {} {}", bytes.chunks, bytes.requested, bytes.kept);
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
    nodes: usize,
    bytes: Option<Bytes>,
}

impl LibraryVisitor for Probe {
    fn visit<L: Reactive>(&mut self) {
        if L::NAME != self.library {
            return;
        }
        // The root (and the thread's runtime behind it) exists before counting starts.
        let ((), root) = L::root(|| ());
        let before = Snapshot::now();
        populate::<L>(&root, self.population, self.nodes);
        let alive = Snapshot::now();
        L::dispose(root);
        let disposed = Snapshot::now();
        self.bytes = Some(Bytes {
            chunks: alive.chunk_bytes_since(&before) as f64,
            requested: alive.requested_since(&before) as f64,
            kept: disposed.chunk_bytes_since(&before) as f64,
        });
    }
}
