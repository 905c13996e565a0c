//! `reactive-codegen types SCHEMA.json [--root Name] [--model] [--derive path]`: prints the
//! Rust types generated from a JSON Schema (`#[derive(State)]`, or with `--model`
//! `#[derive(Model)]` structs; `--violation-path path` uses a shared `SchemaViolation`, whose
//! definition `reactive-codegen violation` prints). `reactive-codegen migration OLD NEW FROM TO`: prints the
//! migration step scaffolded from two versions of a schema. `reactive-codegen docs CATALOG.json
//! OUT_DIR`: writes `models.md` and `models.html` from a `DocCatalog` saved as JSON; with no
//! arguments, in this repository, regenerates `examples/docs/` from the examples' models (it runs
//! `cargo run -p examples --bin docs`, which has the models compiled in).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(source) => {
            print!("{source}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("reactive-codegen: {message}");
            ExitCode::FAILURE
        }
    }
}

fn read_json(path: &str) -> Result<serde_json::Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{path}: not JSON: {e}"))
}

/// `migration OLD.json NEW.json FROM TO`: the changes as comments and the scaffolded step.
fn migration(args: &[String]) -> Result<String, String> {
    let usage =
        "usage: reactive-codegen migration OLD.schema.json NEW.schema.json FROM_VERSION TO_VERSION";
    let [old, new, from, to] = args else {
        return Err(usage.into());
    };
    let version = |v: &str| {
        v.parse::<u32>()
            .map_err(|_| format!("`{v}` is not a version number\n{usage}"))
    };
    let (from, to) = (version(from)?, version(to)?);
    if from >= to {
        return Err(format!("a migration goes forward: {from} -> {to}"));
    }
    let changes = reactive_codegen::compare_schemas(&read_json(old)?, &read_json(new)?);
    Ok(reactive_codegen::scaffold_migration(from, to, &changes))
}

/// `docs CATALOG.json OUT_DIR`, or `docs` alone for the examples of this repository.
fn docs(args: &[String]) -> Result<String, String> {
    let usage = "usage: reactive-codegen docs [CATALOG.json OUT_DIR]";
    match args {
        [] => examples_docs(),
        [catalog, out] => {
            let catalog: reactive_codegen::DocCatalog = serde_json::from_value(read_json(catalog)?)
                .map_err(|e| format!("{catalog}: not a docs catalog: {e}"))?;
            let docs = catalog.render();
            let out = std::path::Path::new(out);
            std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
            let mut written = String::new();
            for (file, text) in [("models.md", &docs.markdown), ("models.html", &docs.html)] {
                let path = out.join(file);
                std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
                written.push_str(&format!("wrote {}\n", path.display()));
            }
            Ok(written)
        }
        _ => Err(usage.into()),
    }
}

/// The examples' models are compiled into the `examples` crate, not into this binary: their
/// `docs` program writes `examples/docs/` (the catalog as JSON, the Markdown and the HTML).
fn examples_docs() -> Result<String, String> {
    let workspace = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    if !std::path::Path::new(workspace)
        .join("examples/Cargo.toml")
        .exists()
    {
        return Err(
            "`docs` without arguments regenerates the examples' docs in the reactive repository; \
             elsewhere give a catalog: reactive-codegen docs CATALOG.json OUT_DIR"
                .into(),
        );
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(workspace)
        .args(["run", "-q", "-p", "examples", "--bin", "docs"])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(String::new())
    } else {
        Err(format!(
            "`cargo run -p examples --bin docs` failed ({status})"
        ))
    }
}

fn run(args: &[String]) -> Result<String, String> {
    if args.first().is_some_and(|c| c == "migration") {
        return migration(&args[1..]);
    }
    if args.first().is_some_and(|c| c == "docs") {
        return docs(&args[1..]);
    }
    if args.first().is_some_and(|c| c == "violation") {
        return Ok(reactive_codegen::schema_violation_source().to_owned());
    }
    let usage = "usage: reactive-codegen types SCHEMA.json [--root Name] [--model] [--derive path::Derive] [--violation-path path::SchemaViolation]\n       reactive-codegen violation   (the shared SchemaViolation for --violation-path)";
    let [command, schema, rest @ ..] = args else {
        return Err(usage.into());
    };
    if command != "types" {
        return Err(format!("unknown command `{command}`\n{usage}"));
    }
    let mut options = reactive_codegen::Options::new("Root");
    let mut rest = rest.iter();
    while let Some(flag) = rest.next() {
        if flag == "--model" {
            // `--derive`, before or after, still names the path.
            if options.derive_path == reactive_codegen::Options::new("").derive_path {
                options.derive_path = reactive_codegen::Options::model("").derive_path;
            }
            options.target = reactive_codegen::Target::Model;
            continue;
        }
        let value = rest
            .next()
            .ok_or_else(|| format!("`{flag}` needs a value\n{usage}"))?;
        match flag.as_str() {
            "--root" => options.root_name = value.clone(),
            "--derive" => options.derive_path = value.clone(),
            "--violation-path" => options.violation_path = Some(value.clone()),
            _ => return Err(format!("unknown option `{flag}`\n{usage}")),
        }
    }
    let value = read_json(schema)?;
    reactive_codegen::generate(&value, &options).map_err(|e| format!("{schema}: {e}"))
}
