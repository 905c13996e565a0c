//! `reactive-codegen types SCHEMA.json [--root Name] [--model] [--derive path]`: prints the
//! Rust types generated from a JSON Schema (`#[derive(State)]`, or with `--model`
//! `#[derive(Model)]` structs). `reactive-codegen migration OLD NEW FROM TO`: prints the
//! migration step scaffolded from two versions of a schema.

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

fn run(args: &[String]) -> Result<String, String> {
    if args.first().is_some_and(|c| c == "migration") {
        return migration(&args[1..]);
    }
    let usage =
        "usage: reactive-codegen types SCHEMA.json [--root Name] [--model] [--derive path::Derive]";
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
            _ => return Err(format!("unknown option `{flag}`\n{usage}")),
        }
    }
    let value = read_json(schema)?;
    reactive_codegen::generate(&value, &options).map_err(|e| format!("{schema}: {e}"))
}
