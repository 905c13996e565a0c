//! The CLI prints what the library generates, and reports errors with a failing status.

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_reactive-codegen");
const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/shop.schema.json");

#[test]
fn types_prints_the_generated_source() {
    let out = Command::new(BIN)
        .args([
            "types",
            SCHEMA,
            "--root",
            "Shop",
            "--derive",
            "reactive_macros::State",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let golden =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/shop.rs"))
            .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), golden);
}

#[test]
fn model_with_a_derive_path_given_first_keeps_that_path() {
    let out = Command::new(BIN)
        .args([
            "types",
            SCHEMA,
            "--root",
            "Shop",
            "--derive",
            "reactive_model::Model",
            "--model",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let golden = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/golden/shop_model.rs"
    ))
    .unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), golden);
}

#[test]
fn an_unsupported_keyword_fails_with_its_path() {
    let dir = std::env::temp_dir().join(format!("reactive-codegen-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = dir.join("bad.json");
    std::fs::write(
        &schema,
        r#"{"type": "object", "properties": {"a": {"type": "string", "multipleOf": 2}}}"#,
    )
    .unwrap();
    let out = Command::new(BIN)
        .arg("types")
        .arg(&schema)
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("unsupported keyword `multipleOf` at #/properties/a"),
        "{err}"
    );
}

#[test]
fn an_unknown_command_prints_the_usage() {
    let out = Command::new(BIN).arg("frobnicate").output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("usage: reactive-codegen types")
    );
}

#[test]
fn docs_renders_a_catalog_file_into_a_directory() {
    let dir = std::env::temp_dir().join(format!("reactive-codegen-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let catalog = reactive_codegen::DocCatalog::new("Shop")
        .validator("Order", "/lines", "not empty")
        .events("OrderEvent", "", &[("Placed", 2)]);
    let file = dir.join("catalog.json");
    std::fs::write(&file, serde_json::to_string(&catalog).unwrap()).unwrap();
    let out = Command::new(BIN)
        .arg("docs")
        .arg(&file)
        .arg(dir.join("out"))
        .output()
        .unwrap();
    let read = |name: &str| std::fs::read_to_string(dir.join("out").join(name));
    let (md, html) = (read("models.md"), read("models.html"));
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let docs = catalog.render();
    assert_eq!(md.unwrap(), docs.markdown);
    assert_eq!(html.unwrap(), docs.html);
}

#[test]
fn docs_refuses_a_file_that_is_not_a_catalog() {
    let out = Command::new(BIN)
        .args(["docs", SCHEMA, "/nonexistent-out"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not a docs catalog"), "{err}");
}

#[test]
fn a_violation_path_replaces_the_definition_with_a_re_export() {
    let shared = Command::new(BIN)
        .args([
            "types",
            SCHEMA,
            "--root",
            "Shop",
            "--violation-path",
            "crate::schemas::SchemaViolation",
        ])
        .output()
        .unwrap();
    let source = String::from_utf8(shared.stdout).unwrap();
    assert!(shared.status.success());
    assert!(source.contains("\npub use crate::schemas::SchemaViolation;\n"));
    assert!(!source.contains("pub struct SchemaViolation"));
    let definition = Command::new(BIN).arg("violation").output().unwrap();
    assert_eq!(
        String::from_utf8(definition.stdout).unwrap(),
        reactive_codegen::schema_violation_source()
    );
}
