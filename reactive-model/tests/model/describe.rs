use crate::fixtures::{Player, PlayerField, PlayerModel};
use reactive_model::{FieldKind, Model, ModelField};

#[test]
fn describe_lists_fields_with_types_as_written_docs_and_kinds() {
    let description = Player::describe();
    assert_eq!(description.name, "Player");
    let summary: Vec<(&str, &str)> = description.fields.iter().map(|f| (f.name, f.ty)).collect();
    assert_eq!(
        summary,
        [
            ("name", "String"),
            ("hp", "u32"),
            ("max_hp", "u32"),
            ("pos", "Position"),
            ("inventory", "Vec<Item>"),
            ("id", "u64"),
        ]
    );
    assert_eq!(description.fields[0].doc, "Shown above the head.");
    assert!(matches!(description.fields[1].kind, FieldKind::Plain));
    assert!(matches!(description.fields[5].kind, FieldKind::Skipped));
    let FieldKind::Nested { model } = description.fields[3].kind else {
        panic!("pos is nested")
    };
    assert_eq!(model().name, "Position");
    let FieldKind::Keyed { key, item } = description.fields[4].kind else {
        panic!("inventory is keyed")
    };
    assert_eq!((key, item().name), ("id", "Item"));
}

#[test]
fn describe_lists_computed_properties_with_their_docs() {
    let computed: Vec<(&str, &str, &str)> = PlayerModel::describe()
        .computed
        .iter()
        .map(|c| (c.name, c.ty, c.doc))
        .collect();
    assert_eq!(
        computed,
        [
            ("hp_ratio", "f32", "Health left, from 0 to 1."),
            (
                "is_alive",
                "bool",
                "Whether any health is left: depends on `hp_ratio`, not on the fields directly."
            ),
        ]
    );
}

#[test]
fn the_field_enum_names_tracked_fields_then_computed_properties() {
    let names: Vec<&str> = PlayerField::ALL.iter().map(|f| f.name()).collect();
    assert_eq!(
        names,
        [
            "name",
            "hp",
            "max_hp",
            "pos",
            "inventory",
            "hp_ratio",
            "is_alive"
        ]
    );
    assert!(PlayerField::HpRatio.is_computed());
    assert!(!<PlayerField as ModelField>::is_computed(
        PlayerField::MaxHp
    ));
    assert_eq!(PlayerField::MaxHp.to_string(), "max_hp");
}
