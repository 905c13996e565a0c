//! Writes the examples' documentation into `examples/docs/`: `catalog.json`, `models.md` and
//! `models.html` (see `examples::docs`). `cargo run -p reactive-codegen -- docs` runs this.
//!
//! `cargo run -p examples --bin docs`

use examples::outln;
use std::process::ExitCode;

fn main() -> ExitCode {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs");
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("docs: {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for (name, text) in examples::docs::files() {
        let path = dir.join(name);
        if let Err(e) = std::fs::write(&path, text) {
            eprintln!("docs: {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        outln!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}
