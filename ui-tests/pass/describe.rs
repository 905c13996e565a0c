//! Metadata: names, types as written, docs.
use reactive_model::Model;

/// A thing on the map.
#[derive(Model, Clone, PartialEq, Debug)]
struct Entity {
    /// Where it is drawn.
    pos: (i32, i32),
    tags: Vec<String>,
    r#type: Option<&'static str>,
}

fn main() {
    let description = Entity::describe();
    assert_eq!(description.doc, "A thing on the map.");
    let fields: Vec<_> = description.fields.iter().map(|f| (f.name, f.ty, f.doc)).collect();
    assert_eq!(
        fields,
        [
            ("pos", "(i32, i32)", "Where it is drawn."),
            ("tags", "Vec<String>", ""),
            ("type", "Option<&'static str>", ""),
        ]
    );
    let entity = EntityModel::new(Entity { pos: (0, 0), tags: vec![], r#type: None });
    entity.set_type(Some("tree"));
    assert_eq!(entity.r#type(), Some("tree"));
    assert_eq!(EntityField::Type.name(), "type");
}
