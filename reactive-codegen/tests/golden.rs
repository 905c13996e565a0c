//! Golden files: the source generated from `tests/golden/*.schema.json` is compared with the
//! committed `tests/golden/*.rs`. `UPDATE_GOLDEN=1 cargo test -p reactive-codegen --test golden`
//! rewrites them; review the diff.

use reactive_codegen::{Options, generate};

fn options(root: &str) -> Options {
    Options {
        derive_path: "reactive_macros::State".into(),
        ..Options::new(root)
    }
}

fn check_golden(options: &Options, golden: &str) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden");
    let schema = std::fs::read_to_string(format!("{dir}/shop.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&schema).unwrap();
    let source = generate(&schema, options).unwrap();
    let golden_path = format!("{dir}/{golden}");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden_path, &source).unwrap();
    }
    let golden = std::fs::read_to_string(&golden_path).unwrap();
    assert!(
        source == golden,
        "generated source differs from {golden_path} (UPDATE_GOLDEN=1 to rewrite):\n{source}"
    );
}

#[test]
fn the_shop_schema_generates_the_committed_state_source() {
    check_golden(&options("Shop"), "shop.rs");
}

#[test]
fn the_shop_schema_generates_the_committed_model_source() {
    let options = Options {
        derive_path: "reactive_model::Model".into(),
        ..Options::model("Shop")
    };
    check_golden(&options, "shop_model.rs");
}

#[test]
fn properties_whose_rust_names_collide_get_distinct_fields_and_escaped_docs() {
    let schema = serde_json::json!({
        "type": "object",
        "properties": { "foo-bar": {"type": "string"}, "foo\rbar": {"type": "string"}, "foo_bar": {"type": "string"} }
    });
    let source = generate(&schema, &options("Root")).unwrap();
    // `serde_json` keeps properties sorted: `foo\rbar`, `foo-bar`, `foo_bar`.
    assert!(source.contains("    #[serde(rename = \"foo\\rbar\", default, skip_serializing_if = \"Option::is_none\")]\n    pub foo_bar: Option<String>,"), "{source}");
    assert!(
        source.contains("    pub foo_bar_2: Option<String>,"),
        "{source}"
    );
    assert!(
        source.contains("    pub foo_bar_3: Option<String>,"),
        "{source}"
    );
    assert!(source.contains("    /// `foo\\rbar`."), "{source}");
    assert!(
        !source.contains('\r'),
        "a bare CR does not compile in a doc comment"
    );
}
