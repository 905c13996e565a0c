//! The JSON-Schema-Test-Suite (the official one, MIT), draft 2020-12, from the copy with its
//! licence that the `jsonschema` 4.23.0 source distribution on PyPI carries under
//! `jsonschema-4.23.0/json/`. The tarball is fetched with curl from PyPI's file host into a temp
//! dir when `tests/suite/draft2020-12/` (ignored by git) is absent, checked by sha256, and only
//! `json/tests/draft2020-12` and `json/LICENSE` are unpacked, then renamed into place.
//! Without curl or the network the suite tests skip with a message, unless
//! `REACTIVE_REQUIRE_NODE=1` (CI sets it): that variable means "every outside tool and suite
//! must be present", so the tests then fail instead.
//!
//! Every group's schema is wrapped as the one required property `v` of an object (the
//! generator names types after objects) and generated; groups it refuses are unsupported. The
//! generated types of all supported groups are committed in `tests/suite/types/<file>.rs` (one file per suite file, included
//! by `tests/suite/types.rs`) and compiled here; `the_committed_types_are_what_the_suite_generates` keeps them
//! fresh (`UPDATE_GOLDEN=1` rewrites them). A valid instance passes when it deserialises and
//! validates; an invalid one when either step rejects it, and every rejection must name the
//! JSON Pointer of the refused value (serde errors are read through `serde_path_to_error`).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use reactive_codegen::{Options, generate};
use serde_json::{Value, json};
use serde_path_to_error::Segment;
use sha2::{Digest, Sha256};

#[allow(missing_docs, dead_code, clippy::all)]
mod types {
    include!("suite/types.rs");
}

/// Where the suite comes from, as named in the generated file and the messages.
const SOURCE: &str = "jsonschema 4.23.0 (PyPI sdist), json/tests/draft2020-12";
const URL: &str = "https://files.pythonhosted.org/packages/38/2e/03362ee4034a4c917f697890ccd4aec0800ccf9ded7f511971c75451deec/jsonschema-4.23.0.tar.gz";
const TARBALL: &str = "jsonschema-4.23.0.tar.gz";
const SHA256: &str = "d71497fef26351a33265337fa77ffeb82423f3ea21283cd9467bb03999266bc4";

/// Skips (saying why) or, under `REACTIVE_REQUIRE_NODE=1`, fails.
fn unavailable(why: &str) -> Option<PathBuf> {
    assert!(
        std::env::var("REACTIVE_REQUIRE_NODE").as_deref() != Ok("1"),
        "{why}, and REACTIVE_REQUIRE_NODE=1 (every outside tool and suite must be present)"
    );
    eprintln!("skipped: {why}");
    None
}

/// The draft 2020-12 test files, fetched if needed; `None` (after saying why) when they cannot be.
fn suite_dir() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/suite/draft2020-12");
        if dir.join("type.json").exists() {
            return Some(dir);
        }
        let tmp =
            std::env::temp_dir().join(format!("reactive-codegen-suite-{}", std::process::id()));
        std::fs::create_dir_all(&tmp).unwrap();
        let fetched = Command::new("curl")
            .args(["-sSfL", "--retry", "2", "-o", TARBALL, URL])
            .current_dir(&tmp)
            .status();
        match fetched {
            Err(_) => {
                std::fs::remove_dir_all(&tmp).ok();
                return unavailable(&format!("curl is absent, so {SOURCE} cannot be fetched"));
            }
            Ok(status) if !status.success() => {
                std::fs::remove_dir_all(&tmp).ok();
                return unavailable(&format!("curl could not fetch {URL}"));
            }
            Ok(_) => {}
        }
        let bytes = std::fs::read(tmp.join(TARBALL)).unwrap();
        let hash: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hash, SHA256,
            "{TARBALL} is not the tarball the suite was selected from"
        );
        let staging = tmp.join("data");
        std::fs::create_dir_all(&staging).unwrap();
        for (member, strip) in [
            ("jsonschema-4.23.0/json/tests/draft2020-12", "4"),
            ("jsonschema-4.23.0/json/LICENSE", "2"),
        ] {
            let status = Command::new("tar")
                .arg("xzf")
                .arg(tmp.join(TARBALL))
                .arg("-C")
                .arg(&staging)
                .args(["--strip-components", strip, member])
                .status()
                .unwrap();
            assert!(status.success(), "unpacking {member} failed");
        }
        // Renamed into place last, so a concurrent or interrupted run never sees half a suite.
        std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
        if std::fs::rename(&staging, &dir).is_err() {
            assert!(
                dir.join("type.json").exists(),
                "could not move the suite into {}",
                dir.display()
            );
        }
        std::fs::remove_dir_all(&tmp).ok();
        Some(dir)
    })
    .as_deref()
}

/// `(file stem, groups)` of every draft 2020-12 file (not `optional/`), sorted by name.
fn files(dir: &Path) -> Vec<(String, Vec<Value>)> {
    let mut out: Vec<(String, Vec<Value>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
            let groups: Vec<Value> =
                serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            (stem, groups)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Deserialises `data` as `T`; an error starts with the JSON Pointer of the refused value.
fn read<T: serde::de::DeserializeOwned>(data: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(data).map_err(|e| {
        let pointer: String = e
            .path()
            .iter()
            .map(|segment| match segment {
                Segment::Seq { index } => format!("/{index}"),
                Segment::Map { key } => format!("/{}", key.replace('~', "~0").replace('/', "~1")),
                Segment::Enum { variant } => format!("/{variant}"),
                Segment::Unknown => "/?".to_owned(),
            })
            .collect();
        format!("{pointer}: {}", e.inner())
    })
}

fn wrapped(schema: &Value) -> Value {
    json!({"type": "object", "properties": {"v": schema}, "required": ["v"]})
}

fn module(stem: &str, group: usize) -> String {
    let snake: String = stem
        .chars()
        .flat_map(|c| {
            if c.is_uppercase() {
                vec!['_', c.to_ascii_lowercase()]
            } else {
                vec![c]
            }
        })
        .collect();
    format!("g_{snake}_{group}")
}

/// The sources of `tests/suite/types.rs` (the dispatcher `check`, including one file per suite
/// file) and of `tests/suite/types/<file>.rs` (one module per supported group), by path
/// relative to `tests/suite/`.
fn generate_types(dir: &Path) -> Vec<(String, String)> {
    // One `SchemaViolation` for all groups, defined in `types.rs`; each group's module
    // re-exports it.
    let options = Options {
        derive_path: "reactive_macros::State".into(),
        violation_path: Some("super::SchemaViolation".into()),
        ..Options::new("Suite")
    };
    let header =
        format!("// Generated by reactive-codegen's tests/suite.rs from {SOURCE}. Do not edit.\n");
    let mut out = Vec::new();
    let mut includes = String::new();
    let mut arms = String::new();
    for (stem, groups) in files(dir) {
        let mut modules = String::new();
        for (i, group) in groups.iter().enumerate() {
            if let Ok(source) = generate(&wrapped(&group["schema"]), &options) {
                let m = module(&stem, i);
                modules.push_str(&format!("\npub mod {m} {{\n{source}}}\n"));
                arms.push_str(&format!(
                    "        ({stem:?}, {i}) => Some(match super::read::<{m}::Suite>(data) {{\n            Ok(v) => v.validate().map_err(|e| e.iter().map(|e| format!(\"{{}} ({{}}): {{}}\", e.path, e.keyword, e.message)).collect()),\n            Err(e) => Err(vec![e]),\n        }}),\n"
                ));
            }
        }
        if !modules.is_empty() {
            includes.push_str(&format!("include!(\"types/{stem}.rs\");\n"));
            out.push((format!("types/{stem}.rs"), format!("{header}{modules}")));
        }
    }
    out.push((
        "types.rs".into(),
        format!(
            "{header}\n{}\n{includes}\n/// Deserialises `data` (the wrapped instance) into the group's type and validates it; the\n/// errors start with the JSON Pointer of what is wrong. `None` when the group's schema is\n/// unsupported.\npub fn check(file: &str, group: usize, data: serde_json::Value) -> Option<Result<(), Vec<String>>> {{\n    match (file, group) {{\n{arms}        _ => None,\n    }}\n}}\n",
            reactive_codegen::schema_violation_source()
        ),
    ));
    out
}

#[test]
fn the_committed_types_are_what_the_suite_generates() {
    let Some(dir) = suite_dir() else { return };
    let generated = generate_types(dir);
    let base = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/suite"));
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    if update {
        let _ = std::fs::remove_dir_all(base.join("types"));
        std::fs::create_dir_all(base.join("types")).unwrap();
    }
    for (relative, source) in &generated {
        let path = base.join(relative);
        if update {
            std::fs::write(&path, source).unwrap();
        }
        assert!(
            std::fs::read_to_string(&path).ok().as_deref() == Some(source.as_str()),
            "{} is stale: UPDATE_GOLDEN=1 cargo test -p reactive-codegen --test suite",
            path.display()
        );
    }
    let committed = std::fs::read_dir(base.join("types")).unwrap().count();
    assert_eq!(
        committed,
        generated.len() - 1,
        "tests/suite/types/ holds files the suite no longer generates: UPDATE_GOLDEN=1 cargo test -p reactive-codegen --test suite"
    );
}

/// `passed / supported / total`, as the README reports them.
const EXPECTED: (usize, usize, usize) = (113, 121, 1245);

#[test]
fn supported_suite_cases_pass_and_the_figures_match_the_readme() {
    let Some(dir) = suite_dir() else { return };
    let (mut passed, mut supported, mut total) = (0, 0, 0);
    let mut failures = Vec::new();
    for (stem, groups) in files(dir) {
        for (i, group) in groups.iter().enumerate() {
            for case in group["tests"].as_array().unwrap() {
                total += 1;
                let valid = case["valid"].as_bool().unwrap();
                let Some(outcome) = types::check(&stem, i, json!({"v": case["data"]})) else {
                    continue;
                };
                supported += 1;
                if let Err(errors) = &outcome {
                    for e in errors {
                        assert!(
                            e.starts_with("/v"),
                            "{stem} / {}: the error names no path: {e}",
                            case["description"]
                        );
                    }
                }
                if outcome.is_ok() == valid {
                    passed += 1;
                } else {
                    failures.push(format!(
                        "{stem} / {} / {}: expected {}, got {outcome:?}",
                        group["description"],
                        case["description"],
                        if valid { "valid" } else { "invalid" }
                    ));
                }
            }
        }
    }
    eprintln!("JSON-Schema-Test-Suite draft 2020-12: {passed} / {supported} / {total}");
    for f in &failures {
        eprintln!("  {f}");
    }
    assert_eq!(
        (passed, supported, total),
        EXPECTED,
        "failures:\n{}",
        failures.join("\n")
    );
}
