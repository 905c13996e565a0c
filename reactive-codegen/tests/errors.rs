//! Unsupported keywords and malformed schemas are typed errors naming the keyword and the
//! schema path.

use reactive_codegen::{CodegenError, Options, generate};
use serde_json::{Value, json};

fn unsupported(schema: Value) -> (String, String) {
    match generate(&schema, &Options::new("Root")) {
        Err(CodegenError::Unsupported { keyword, path, .. }) => (keyword, path),
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn each_unsupported_keyword_is_named_with_its_schema_path() {
    for keyword in [
        "oneOf",
        "anyOf",
        "allOf",
        "minItems",
        "exclusiveMinimum",
        "if",
    ] {
        let schema = json!({
            "type": "object",
            "properties": { "list": { "type": "array", "items": { "type": "string", keyword: 1 } } }
        });
        assert_eq!(
            unsupported(schema),
            (keyword.to_owned(), "#/properties/list/items".to_owned())
        );
    }
}

#[test]
fn a_keyword_inside_a_definition_reports_the_definition_path() {
    let schema = json!({
        "$ref": "#/$defs/a",
        "$defs": { "a": { "type": "object", "properties": { "x": { "type": "integer", "multipleOf": 2 } } } }
    });
    assert_eq!(
        unsupported(schema),
        ("multipleOf".to_owned(), "#/$defs/a/properties/x".to_owned())
    );
}

#[test]
fn a_reference_outside_defs_is_unsupported_and_a_missing_definition_is_unresolved() {
    let schema = json!({"type": "object", "properties": {"a": {"$ref": "other.json#/x"}}});
    assert_eq!(
        unsupported(schema),
        ("$ref".to_owned(), "#/properties/a".to_owned())
    );
    let schema = json!({"type": "object", "properties": {"a": {"$ref": "#/$defs/missing"}}});
    assert_eq!(
        generate(&schema, &Options::new("Root")),
        Err(CodegenError::UnresolvedRef {
            reference: "#/$defs/missing".into(),
            path: "#/properties/a".into()
        })
    );
}

#[test]
fn non_string_enums_and_untyped_schemas_are_unsupported_not_guessed() {
    assert_eq!(
        unsupported(json!({"enum": [1, 2]})),
        ("enum".to_owned(), "#".to_owned())
    );
    assert_eq!(
        unsupported(json!({"description": "anything"})),
        ("type".to_owned(), "#".to_owned())
    );
    assert_eq!(
        unsupported(json!({"type": ["string", "integer"]})),
        ("type".to_owned(), "#".to_owned())
    );
}

#[test]
fn a_schema_that_is_not_an_object_is_invalid() {
    assert!(matches!(
        generate(&json!({"type": "object", "properties": {"a": true}}), &Options::new("Root")),
        Err(CodegenError::Invalid { path, .. }) if path == "#/properties/a"
    ));
}

#[test]
fn property_names_become_snake_case_fields_renamed_for_serde() {
    let schema = json!({
        "type": "object",
        "properties": { "firstName": {"type": "string"}, "type": {"type": "string"}, "plain": {"type": "string"} },
        "required": ["firstName", "type", "plain"]
    });
    let source = generate(&schema, &Options::new("Person")).unwrap();
    assert!(
        source.contains("#[serde(rename = \"firstName\")]\n    pub first_name: String,"),
        "{source}"
    );
    assert!(
        source.contains("#[serde(rename = \"type\")]\n    pub type_: String,"),
        "{source}"
    );
    assert!(!source.contains("rename = \"plain\""), "{source}");
}

#[test]
fn const_is_supported_on_scalars_and_named_or_invalid_elsewhere() {
    let at = |c: Value| json!({"type": "object", "properties": {"a": c}});
    for c in [
        json!({"const": null}),
        json!({"const": [1]}),
        json!({"type": "object", "const": {}}),
        json!({"type": ["string", "null"], "const": "x"}),
        json!({"enum": ["x"], "const": "x"}),
    ] {
        assert_eq!(
            unsupported(at(c.clone())),
            ("const".to_owned(), "#/properties/a".to_owned()),
            "{c}"
        );
    }
    assert!(matches!(
        generate(&at(json!({"type": "integer", "const": "x"})), &Options::new("Root")),
        Err(CodegenError::Invalid { path, message }) if path == "#/properties/a" && message.contains("`const` \"x\"")
    ));
    for c in [
        json!({"const": "x"}),
        json!({"const": true}),
        json!({"const": -2.5}),
        json!({"type": "integer", "const": 2.0}),
        json!({"type": "number", "const": 2}),
    ] {
        let source = generate(&at(c.clone()), &Options::new("Root")).unwrap();
        assert!(source.contains("keyword: \"const\""), "{c}: {source}");
    }
}

#[test]
fn a_pattern_the_regex_crate_cannot_compile_is_unsupported_naming_it() {
    let schema =
        json!({"type": "object", "properties": {"a": {"type": "string", "pattern": "(?=x)"}}});
    match generate(&schema, &Options::new("Root")) {
        Err(CodegenError::Unsupported {
            keyword,
            path,
            reason,
        }) => {
            assert_eq!(
                (keyword.as_str(), path.as_str()),
                ("pattern", "#/properties/a")
            );
            assert!(reason.contains("(?=x)"), "{reason}");
        }
        other => panic!("expected Unsupported, got {other:?}"),
    }
}

#[test]
fn one_of_beside_other_type_keywords_or_with_an_unsupported_branch_names_the_path() {
    let at = |s: Value| json!({"type": "object", "properties": {"a": s}});
    assert_eq!(
        unsupported(at(json!({"type": "object", "oneOf": [{"type": "string"}]}))),
        ("oneOf".to_owned(), "#/properties/a".to_owned())
    );
    assert_eq!(
        unsupported(at(
            json!({"anyOf": [{"type": "string"}, {"type": "string", "multipleOf": 2}]})
        )),
        ("multipleOf".to_owned(), "#/properties/a/anyOf/1".to_owned())
    );
    assert!(matches!(
        generate(&at(json!({"oneOf": []})), &Options::new("Root")),
        Err(CodegenError::Invalid { path, .. }) if path == "#/properties/a"
    ));
}

#[test]
fn one_of_is_tagged_only_when_every_branch_has_a_distinct_required_const() {
    let branch = |tag: &str, required: bool| {
        json!({"type": "object", "properties": {"kind": {"const": tag}},
               "required": if required { json!(["kind"]) } else { json!([]) }})
    };
    let source = |branches: Value| {
        generate(
            &json!({"type": "object", "properties": {"a": {"oneOf": branches}}}),
            &Options::new("Root"),
        )
        .unwrap()
    };
    assert!(
        source(json!([branch("x", true), branch("y", true)])).contains("#[serde(tag = \"kind\")]")
    );
    for untagged in [
        json!([branch("x", true), branch("x", true)]),
        json!([branch("x", true), branch("y", false)]),
        json!([branch("x", true), {"type": "string"}]),
    ] {
        let s = source(untagged.clone());
        assert!(s.contains("#[serde(untagged)]"), "{untagged}: {s}");
    }
}
