//! Patches cross a wire: serialised (as JSON Patch) on one model, applied to another. Needs
//! `--features serde`.
#![cfg(feature = "serde")]

use reactive_core::create_root;
use reactive_model::{
    Change, ListPatch, Model, ModelError, ModelPatch, Patch, PatchError, StatePatch,
};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Player {
    name: String,
    #[model(nested)]
    pos: Position,
    #[model(keyed = "id")]
    inventory: Vec<Item>,
}

#[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Position {
    x: i32,
    y: i32,
}

#[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Item {
    #[model(skip)]
    id: u32,
    count: u32,
}

fn player() -> Player {
    Player {
        name: "Ada".into(),
        pos: Position { x: 0, y: 0 },
        inventory: vec![Item { id: 1, count: 1 }],
    }
}

#[test]
fn patches_serialise_as_json_patch_operations() {
    let patches = Player::diff(
        &player(),
        &Player {
            name: "Grace".into(),
            pos: Position { x: 0, y: 3 },
            inventory: vec![Item { id: 2, count: 5 }, Item { id: 1, count: 4 }],
        },
    );
    let json: Vec<serde_json::Value> = patches
        .iter()
        .map(|p| serde_json::to_value(p).unwrap())
        .collect();
    assert_eq!(
        json,
        [
            serde_json::json!({"op": "replace", "path": "/name", "value": "Grace", "old": "Ada"}),
            serde_json::json!({"op": "replace", "path": "/pos/y", "value": 3, "old": 0}),
            serde_json::json!({"op": "add", "path": "/inventory/2", "value": {"id": 2, "count": 5}, "index": 0}),
            serde_json::json!({"op": "replace", "path": "/inventory/1/count", "value": 4, "old": 1}),
        ]
    );
    let field: PlayerField = serde_json::from_str(r#""inventory""#).unwrap();
    assert_eq!(field, PlayerField::Inventory);
}

#[test]
fn every_kind_of_patch_converts_to_a_state_patch_and_back() {
    let item = Item { id: 7, count: 2 };
    let patches = [
        PlayerPatch::Name(Change {
            old: "a".into(),
            new: "b".into(),
        }),
        PlayerPatch::Pos(PositionPatch::X(Change { old: 1, new: 2 })),
        PlayerPatch::Inventory(ListPatch::Insert {
            key: 7,
            index: 0,
            value: item.clone(),
        }),
        PlayerPatch::Inventory(ListPatch::Remove {
            key: 7,
            index: 3,
            value: item,
        }),
        PlayerPatch::Inventory(ListPatch::Move {
            key: 7,
            from: 4,
            to: 1,
        }),
        PlayerPatch::Inventory(ListPatch::Item {
            key: 7,
            patch: Box::new(ItemPatch::Count(Change { old: 2, new: 3 })),
        }),
    ];
    for patch in patches {
        let state = patch.to_patch().unwrap();
        assert_eq!(state.path, patch.path());
        assert_eq!(PlayerPatch::from_patch(&state).unwrap(), patch);
        // The inverse commutes with the conversion.
        assert_eq!(patch.inverse().to_patch().unwrap(), state.inverse());
    }
}

#[test]
fn a_state_patch_that_is_not_a_patch_of_the_model_is_an_error() {
    let parse = |json: &str| -> Result<PlayerPatch, PatchError> {
        PlayerPatch::from_patch(&serde_json::from_str::<Patch>(json).unwrap())
    };
    assert!(matches!(
        parse(r#"{"op":"replace","path":"/nope","value":1,"old":0}"#),
        Err(PatchError::NoSuchPath { .. })
    ));
    assert!(matches!(
        parse(r#"{"op":"replace","path":"/name","value":1,"old":"a"}"#),
        Err(PatchError::Decode { .. })
    ));
    assert!(matches!(
        parse(r#"{"op":"remove","path":"/name","old":"a"}"#),
        Err(PatchError::InvalidOp { .. })
    ));
    assert!(matches!(
        parse(r#"{"op":"replace","path":"/name","value":"b"}"#),
        Err(PatchError::InvalidOp { .. })
    ));
    assert!(matches!(
        parse(r#"{"op":"add","path":"/inventory/x","value":{"id":1,"count":1},"index":0}"#),
        Err(PatchError::Decode { .. })
    ));
    assert!(matches!(
        parse(r#"{"op":"move","path":"/inventory/1","from":"/inventory/1","index":0}"#),
        Err(PatchError::InvalidOp { .. })
    ));
    assert!(
        serde_json::from_str::<PlayerPatch>(
            r#"{"op":"replace","path":"/pos","value":{},"old":{}}"#
        )
        .is_err()
    );

    let ((), root) = create_root(|| {
        let model = PlayerModel::new(player());
        let bad =
            serde_json::from_str::<Patch>(r#"{"op":"replace","path":"/nope","value":1,"old":0}"#)
                .unwrap();
        assert!(matches!(
            model.apply_state_patch(&bad),
            Err(ModelError::Patch(_))
        ));
        assert_eq!(model.snapshot(), player());
    });
    root.dispose();
}

#[test]
fn patches_recorded_on_one_model_replay_on_another_after_a_json_round_trip() {
    let ((), root) = create_root(|| {
        let source = PlayerModel::new(player());
        let replica = PlayerModel::new(player());
        let wire: Rc<RefCell<Vec<String>>> = Rc::default();
        let sink = wire.clone();
        source.on_patch(move |patches| {
            sink.borrow_mut()
                .push(serde_json::to_string(patches).unwrap())
        });

        source.pos().set_y(4);
        source.inventory().push(Item { id: 2, count: 5 });
        source.inventory().get(&1).unwrap().set_count(9);
        source.inventory().reorder(vec![2, 1]);
        source.set_name("Grace".into());

        for message in wire.borrow().iter() {
            let patches: Vec<PlayerPatch> = serde_json::from_str(message).unwrap();
            assert!(
                patches
                    .iter()
                    .all(|patch| !patch.path().segments().is_empty())
            );
            replica.apply_patches(&patches).unwrap();
        }
        assert_eq!(replica.snapshot(), source.snapshot());

        // The same messages read as plain JSON Patch, applied through `apply_state_patches`.
        let third = PlayerModel::new(player());
        for message in wire.borrow().iter() {
            let patches: Vec<Patch> = serde_json::from_str(message).unwrap();
            third.apply_state_patches(&patches).unwrap();
        }
        assert_eq!(third.snapshot(), source.snapshot());
    });
    root.dispose();
}

/// A generic model: its patch converts when its parameters serialise.
#[derive(Model, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Labelled<T> {
    label: T,
    #[model(nested)]
    pos: Position,
    #[model(keyed = "id")]
    items: Vec<Item>,
}

#[test]
fn a_generic_models_patches_convert_when_its_parameters_serialise() {
    let old = Labelled {
        label: 1u8,
        pos: Position { x: 0, y: 0 },
        items: vec![Item { id: 1, count: 1 }],
    };
    let new = Labelled {
        label: 2u8,
        items: vec![],
        ..old.clone()
    };
    let patches = Labelled::diff(&old, &new);
    let json = serde_json::to_string(&patches).unwrap();
    assert_eq!(
        json,
        r#"[{"op":"replace","path":"/label","value":2,"old":1},{"op":"remove","path":"/items/1","old":{"count":1,"id":1},"oldIndex":0}]"#
    );
    let back: Vec<LabelledPatch<u8>> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, patches);

    let ((), root) = create_root(|| {
        let model = LabelledModel::new(old.clone());
        let wire: Vec<Patch> = serde_json::from_str(&json).unwrap();
        model.apply_state_patches(&wire).unwrap();
        assert_eq!(model.snapshot(), new);
    });
    root.dispose();
}
