//! The reverse direction: a JSON Schema (2020-12) from a `#[derive(Model)]` type's
//! [`ModelDescription`], so a front end in another language can share the shape.

use std::collections::BTreeMap;

use reactive_model::{FieldKind, ModelDescription};
use serde_json::{Map, Value, json};

/// A schema made from a model, and the fields whose Rust type it could not translate.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelSchema {
    /// The schema: the root model's object, every nested or keyed model in `$defs`.
    pub schema: Value,
    /// `Model.field: Type` for each field whose type is not one the translation knows (an
    /// enum, a map, a type of your own). Those fields are in the schema without a `type` (any
    /// value) and with `x-rust-type` naming the Rust type; check this list rather than trust
    /// the schema blindly.
    pub untyped: Vec<String>,
}

/// The JSON Schema of the model `describe` describes (call it as `schema_of_model(Player::describe)`).
///
/// Field names are the Rust names: a serde `rename` on the struct is not visible in the model's
/// description. Numbers get the bounds of their Rust type (`u8`: 0..=255); `#[model(skip)]`
/// fields are `readOnly`; doc comments become `description`s.
///
/// ```
/// use reactive_codegen::schema_of_model;
/// use reactive_model::Model;
///
/// #[derive(Model, Clone, PartialEq, Debug)]
/// struct Player {
///     /// Shown in the lobby.
///     name: String,
///     score: u8,
/// }
///
/// let out = schema_of_model(Player::describe);
/// assert_eq!(out.schema["properties"]["name"]["description"], "Shown in the lobby.");
/// assert_eq!(out.schema["properties"]["score"]["maximum"], 255);
/// assert!(out.untyped.is_empty());
/// ```
pub fn schema_of_model(describe: fn() -> ModelDescription) -> ModelSchema {
    let mut defs = BTreeMap::new();
    let mut untyped = Vec::new();
    let root = describe();
    let mut schema = object_of(&root, &mut defs, &mut untyped);
    let obj = schema.as_object_mut().expect("an object schema");
    obj.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    defs.remove(root.name);
    if !defs.is_empty() {
        obj.insert(
            "$defs".into(),
            Value::Object(defs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
        );
    }
    ModelSchema { schema, untyped }
}

fn object_of(
    model: &ModelDescription,
    defs: &mut BTreeMap<&'static str, Value>,
    untyped: &mut Vec<String>,
) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in &model.fields {
        let mut s = match field.kind {
            FieldKind::Nested { model: nested } => reference(nested, defs, untyped),
            FieldKind::Keyed { item, .. } => {
                json!({"type": "array", "items": reference(item, defs, untyped)})
            }
            FieldKind::Plain | FieldKind::Skipped => match rust_type(field.ty) {
                Some(s) => s,
                None => {
                    untyped.push(format!("{}.{}: {}", model.name, field.name, field.ty));
                    json!({"x-rust-type": field.ty})
                }
            },
        };
        if let Some(obj) = s.as_object_mut() {
            if !field.doc.is_empty() {
                obj.insert("description".into(), json!(field.doc));
            }
            if matches!(field.kind, FieldKind::Skipped) {
                obj.insert("readOnly".into(), json!(true));
            }
        }
        properties.insert(field.name.into(), s);
        required.push(json!(field.name));
    }
    let mut out = json!({"type": "object", "properties": properties, "required": required});
    if !model.doc.is_empty() {
        out["description"] = json!(model.doc);
    }
    out
}

/// A `$ref` to `model`'s definition, describing it first if it is new (a placeholder goes in
/// before the recursion, so a model that contains itself terminates).
fn reference(
    describe: fn() -> ModelDescription,
    defs: &mut BTreeMap<&'static str, Value>,
    untyped: &mut Vec<String>,
) -> Value {
    let model = describe();
    if !defs.contains_key(model.name) {
        defs.insert(model.name, Value::Null);
        let s = object_of(&model, defs, untyped);
        defs.insert(model.name, s);
    }
    json!({"$ref": format!("#/$defs/{}", model.name)})
}

/// The schema of a Rust type written as in source (`Option<Vec<u32>>`), when it is one of the
/// primitives, `String`, `Option`, `Vec`, `Box` or `imbl::Vector` of those.
fn rust_type(ty: &str) -> Option<Value> {
    let ty: String = ty.chars().filter(|c| !c.is_whitespace()).collect();
    let (head, arg) = match ty.find('<') {
        Some(i) if ty.ends_with('>') => (&ty[..i], Some(&ty[i + 1..ty.len() - 1])),
        Some(_) => return None,
        None => (ty.as_str(), None),
    };
    let head = head.rsplit("::").next().unwrap_or(head);
    let int = |min: i128, max: i128| json!({"type": "integer", "minimum": min, "maximum": max});
    Some(match (head, arg) {
        ("bool", None) => json!({"type": "boolean"}),
        ("String" | "str" | "char", None) => json!({"type": "string"}),
        ("u8", None) => int(0, u8::MAX.into()),
        ("u16", None) => int(0, u16::MAX.into()),
        ("u32", None) => int(0, u32::MAX.into()),
        ("i8", None) => int(i8::MIN.into(), i8::MAX.into()),
        ("i16", None) => int(i16::MIN.into(), i16::MAX.into()),
        ("i32", None) => int(i32::MIN.into(), i32::MAX.into()),
        ("u64" | "usize", None) => json!({"type": "integer", "minimum": 0}),
        ("i64" | "isize", None) => json!({"type": "integer"}),
        ("f32" | "f64", None) => json!({"type": "number"}),
        ("Option", Some(inner)) => {
            let inner = rust_type(inner)?;
            match inner.get("type").and_then(Value::as_str) {
                Some(t) => {
                    let mut s = inner.clone();
                    s["type"] = json!([t, "null"]);
                    s
                }
                None => return None,
            }
        }
        ("Vec" | "Vector", Some(inner)) => json!({"type": "array", "items": rust_type(inner)?}),
        ("Box" | "Arc" | "Rc", Some(inner)) => rust_type(inner)?,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_generics_translate_and_unknown_ones_do_not() {
        assert_eq!(
            rust_type("Option < Vec<u8> >"),
            Some(
                json!({"type": ["array", "null"], "items": {"type": "integer", "minimum": 0, "maximum": 255}})
            )
        );
        assert_eq!(rust_type("std::collections::BTreeMap<String, u8>"), None);
        assert_eq!(rust_type("Filter"), None);
        assert_eq!(rust_type("Option<Filter>"), None);
    }
}
