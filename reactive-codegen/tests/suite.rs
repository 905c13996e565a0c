//! The JSON-Schema-Test-Suite (the official one, as published in the npm package
//! `json-schema-test-suite` 0.0.10, MIT; that release carries drafts 3 and 4, whose semantics
//! for the keywords this crate supports are those of 2020-12 except `definitions`, which it
//! reads as unsupported). The package is fetched with npm into `tests/suite/data/` (ignored by
//! git) when absent and checked by hash.
//!
//! Every group's schema is wrapped as the one required property `v` of an object (the
//! generator names types after objects) and generated; groups it refuses are unsupported. The
//! generated types of all supported groups are committed in `tests/suite/types.rs` and included
//! here, so they are compiled; `the_committed_types_are_what_the_suite_generates` keeps them
//! fresh (`UPDATE_GOLDEN=1` rewrites them). A valid instance passes when it deserialises and
//! validates; an invalid one when either step rejects it.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use reactive_codegen::{Options, generate};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

#[allow(missing_docs, dead_code, clippy::all)]
mod types {
    include!("suite/types.rs");
}

const PACKAGE: &str = "json-schema-test-suite@0.0.10";
const TARBALL: &str = "json-schema-test-suite-0.0.10.tgz";
const SHA256: &str = "0b54234c9ae1c164deefae9f45c1491f18852b6d5748c093279597b7ae0e328c";

/// The draft 4 test files, fetched if needed; `None` (after saying why) when npm is absent.
fn suite_dir() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/suite/data");
        if dir.join("type.json").exists() {
            return Some(dir);
        }
        if Command::new("npm").arg("--version").output().is_err() {
            assert!(
                std::env::var("REACTIVE_REQUIRE_NODE").as_deref() != Ok("1"),
                "npm is needed to fetch {PACKAGE}, and REACTIVE_REQUIRE_NODE=1"
            );
            eprintln!("skipped: npm is absent, so {PACKAGE} cannot be fetched");
            return None;
        }
        let tmp =
            std::env::temp_dir().join(format!("reactive-codegen-suite-{}", std::process::id()));
        std::fs::create_dir_all(&tmp).unwrap();
        let status = Command::new("npm")
            .args(["pack", PACKAGE, "--silent"])
            .current_dir(&tmp)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "npm pack {PACKAGE} failed");
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
        for (member, strip) in [("package/tests/draft4", "3"), ("package/LICENSE", "1")] {
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

/// `(file stem, groups)` of every draft 4 file (not `optional/`), sorted by name.
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

/// The source of `tests/suite/types.rs`: one module per supported group and `check`.
fn generate_types(dir: &Path) -> String {
    let options = Options {
        derive_path: "reactive_macros::State".into(),
        ..Options::new("Suite")
    };
    let mut modules = String::new();
    let mut arms = String::new();
    for (stem, groups) in files(dir) {
        for (i, group) in groups.iter().enumerate() {
            if let Ok(source) = generate(&wrapped(&group["schema"]), &options) {
                let m = module(&stem, i);
                modules.push_str(&format!("pub mod {m} {{\n{source}}}\n\n"));
                arms.push_str(&format!(
                    "        ({stem:?}, {i}) => Some(match serde_json::from_value::<{m}::Suite>(data) {{\n            Ok(v) => v.validate().map_err(|e| format!(\"{{e:?}}\")),\n            Err(e) => Err(e.to_string()),\n        }}),\n"
                ));
            }
        }
    }
    format!(
        "// Generated by reactive-codegen's tests/suite.rs from {PACKAGE} (draft 4). Do not edit.\n\n{modules}/// Deserialises `data` (the wrapped instance) into the group's type and validates it; `None`\n/// when the group's schema is unsupported.\npub fn check(file: &str, group: usize, data: serde_json::Value) -> Option<Result<(), String>> {{\n    match (file, group) {{\n{arms}        _ => None,\n    }}\n}}\n"
    )
}

#[test]
fn the_committed_types_are_what_the_suite_generates() {
    let Some(dir) = suite_dir() else { return };
    let source = generate_types(dir);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/suite/types.rs");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &source).unwrap();
    }
    assert!(
        std::fs::read_to_string(path).unwrap() == source,
        "{path} is stale: UPDATE_GOLDEN=1 cargo test -p reactive-codegen --test suite"
    );
}

/// `passed / supported / total`, as the README reports them.
const EXPECTED: (usize, usize, usize) = (47, 48, 263);

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
    eprintln!("JSON-Schema-Test-Suite draft 4: {passed} / {supported} / {total}");
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
