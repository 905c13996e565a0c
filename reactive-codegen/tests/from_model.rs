//! JSON Schema from models: nesting, keyed lists, recursion, unknown types, and the round trip
//! back through the generator.

use reactive_codegen::{Options, generate, schema_of_model};
use reactive_model::Model;
use serde_json::json;

/// A folder.
#[derive(Model, Clone, PartialEq, Debug)]
struct Folder {
    #[model(skip)]
    id: u32,
    /// Shown in the sidebar.
    name: String,
    #[model(keyed = "id")]
    children: Vec<Folder>,
    #[model(nested)]
    owner: Owner,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Owner {
    email: Option<String>,
    quota: u16,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Colour {
    Red,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Label {
    colour: Colour,
    text: String,
}

#[test]
fn nested_and_keyed_models_become_definitions_and_a_self_reference_terminates() {
    let out = schema_of_model(Folder::describe);
    let s = &out.schema;
    assert_eq!(
        s["properties"]["children"],
        json!({"type": "array", "items": {"$ref": "#/$defs/Folder"}})
    );
    assert_eq!(s["properties"]["owner"]["$ref"], "#/$defs/Owner");
    assert_eq!(
        s["$defs"]["Owner"]["properties"]["email"]["type"],
        json!(["string", "null"])
    );
    assert_eq!(s["$defs"]["Owner"]["properties"]["quota"]["maximum"], 65535);
    assert_eq!(s["properties"]["id"]["readOnly"], true);
    assert_eq!(
        s["properties"]["name"]["description"],
        "Shown in the sidebar."
    );
    assert_eq!(s["description"], "A folder.");
    assert!(out.untyped.is_empty(), "{:?}", out.untyped);
}

#[test]
fn a_field_of_an_unknown_type_is_listed_and_left_untyped() {
    let out = schema_of_model(Label::describe);
    assert_eq!(out.untyped, ["Label.colour: Colour"]);
    assert_eq!(
        out.schema["properties"]["colour"],
        json!({"x-rust-type": "Colour"})
    );
    let _ = Label {
        colour: Colour::Red,
        text: String::new(),
    };
}

#[test]
fn a_read_only_field_is_accepted_by_the_generator() {
    let schema = json!({"type": "object", "properties": {"id": {"type": "integer", "readOnly": true}}, "required": ["id"]});
    assert!(
        generate(&schema, &Options::new("Item"))
            .unwrap()
            .contains("pub id: i64,")
    );
}

#[test]
fn the_schema_of_a_model_generates_state_types_with_the_same_fields() {
    let mut schema = schema_of_model(Owner::describe).schema;
    schema["$defs"] = json!({});
    let source = generate(&schema, &Options::new("OwnerState")).unwrap();
    assert!(source.contains("pub email: Option<String>,"), "{source}");
    assert!(source.contains("pub quota: i64,"), "{source}");
    assert!(
        source.contains("keyword: \"maximum\""),
        "the u16 bound is validated: {source}"
    );
}
