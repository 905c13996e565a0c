//! `reactive-codegen types SCHEMA.json [--root Name] [--model] [--derive path]`: prints the
//! Rust types generated from a JSON Schema (`#[derive(State)]`, or with `--model`
//! `#[derive(Model)]` structs).

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

fn run(args: &[String]) -> Result<String, String> {
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
    let text = std::fs::read_to_string(schema).map_err(|e| format!("{schema}: {e}"))?;
    let value = serde_json::from_str(&text).map_err(|e| format!("{schema}: not JSON: {e}"))?;
    reactive_codegen::generate(&value, &options).map_err(|e| format!("{schema}: {e}"))
}
