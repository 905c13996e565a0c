//! Patches cross a wire: serialised on one model, applied to another. Needs `--features serde`.
#![cfg(feature = "serde")]

use reactive_core::create_root;
use reactive_model::{Model, ModelPatch};
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
fn patches_serialise_by_field_name() {
    let patches = Player::diff(
        &player(),
        &Player {
            name: "Grace".into(),
            ..player()
        },
    );
    assert_eq!(
        serde_json::to_string(&patches).unwrap(),
        r#"[{"name":{"old":"Ada","new":"Grace"}}]"#
    );
    let field: PlayerField = serde_json::from_str(r#""inventory""#).unwrap();
    assert_eq!(field, PlayerField::Inventory);
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
    });
    root.dispose();
}
