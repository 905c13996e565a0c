//! One vocabulary of change: the same struct used as a `reactive-model` model and as a
//! `reactive-store` state. The same change, made on a model and in a store transaction, gives
//! patches with the same JSON; and each side's patches, applied to the other, give the same
//! state.

use std::cell::RefCell;
use std::rc::Rc;

use reactive_core::create_root;
use reactive_model::{Model, StatePatch};
use reactive_store::{Patch, State, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Model, State, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Player {
    name: String,
    hp: u32,
    #[model(nested)]
    pos: Position,
    #[model(keyed = "id")]
    #[state(keyed = "id")]
    inventory: Vec<Item>,
}

#[derive(Model, State, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Position {
    x: i32,
    y: i32,
}

#[derive(Model, State, Clone, PartialEq, Debug, Serialize, Deserialize)]
#[model(serde)]
struct Item {
    #[model(skip)]
    id: String,
    count: u32,
}

fn item(id: &str, count: u32) -> Item {
    Item {
        id: id.into(),
        count,
    }
}

fn player() -> Player {
    Player {
        name: "Ada".into(),
        hp: 30,
        pos: Position { x: 0, y: 0 },
        inventory: vec![item("a", 1), item("b", 2), item("c", 3)],
    }
}

/// A patch list as JSON, one value per patch.
fn json<P: Serialize>(patches: &[P]) -> Vec<Value> {
    patches
        .iter()
        .map(|patch| serde_json::to_value(patch).expect("a patch is JSON"))
        .collect()
}

/// The same change, as a model operation and as a store transaction.
struct Step {
    what: &'static str,
    on_model: fn(PlayerModel),
    in_store: fn(&mut Player),
}

fn steps() -> Vec<Step> {
    vec![
        Step {
            what: "set a field",
            on_model: |m| {
                m.set_name("Grace".into());
            },
            in_store: |s| s.name = "Grace".into(),
        },
        Step {
            what: "set a nested field",
            on_model: |m| {
                m.pos().set_x(5);
            },
            in_store: |s| s.pos.x = 5,
        },
        Step {
            what: "push an item",
            on_model: |m| {
                m.inventory().push(item("d", 4));
            },
            in_store: |s| s.inventory.push(item("d", 4)),
        },
        Step {
            what: "edit an item",
            on_model: |m| {
                m.inventory().get(&"b".into()).unwrap().set_count(9);
            },
            in_store: |s| s.inventory[1].count = 9,
        },
        Step {
            what: "reorder the items",
            on_model: |m| {
                m.inventory()
                    .reorder(["d", "a", "c", "b"].map(String::from).to_vec())
            },
            in_store: |s| {
                let order = ["d", "a", "c", "b"];
                s.inventory
                    .sort_by_key(|i| order.iter().position(|k| *k == i.id));
            },
        },
        Step {
            what: "remove an item",
            on_model: |m| drop(m.inventory().remove(&"a".into())),
            in_store: |s| s.inventory.retain(|i| i.id != "a"),
        },
        Step {
            what: "everything at once",
            on_model: |m| m.apply(everything_at_once(m.snapshot_untracked())),
            in_store: |s| *s = everything_at_once(s.clone()),
        },
    ]
}

/// One change of every kind: fields, a removal, a move, an insertion and an item edit.
fn everything_at_once(mut p: Player) -> Player {
    p.hp = 1;
    p.pos.y = -2;
    p.inventory.retain(|i| i.id != "c");
    p.inventory.rotate_left(1);
    p.inventory.insert(1, item("e", 5));
    p.inventory[0].count += 10;
    p
}

#[test]
fn a_model_patch_and_a_store_patch_of_the_same_change_serialise_identically() {
    let ((), root) = create_root(|| {
        let model = PlayerModel::new(player());
        let store = Store::new(player());
        let batches: Rc<RefCell<Vec<Vec<PlayerPatch>>>> = Rc::default();
        let sink = batches.clone();
        model.on_patch(move |patches| sink.borrow_mut().push(patches.to_vec()));

        for (n, step) in steps().into_iter().enumerate() {
            (step.on_model)(model);
            let commit = store.update(step.in_store).expect("the change commits");
            let from_model = json(&batches.borrow()[n]);
            assert!(!from_model.is_empty(), "{}: the model patched", step.what);
            assert_eq!(from_model, json(commit.patches()), "{}", step.what);
            assert_eq!(model.snapshot_untracked(), *store.snapshot_untracked());
        }
        // The reorder of [a, b, c, d] into [d, a, c, b] is two moves, not a list of keys: "a"
        // and "b" stay, "d" goes to the front and "c" before "b".
        assert_eq!(
            json(&batches.borrow()[4]),
            [
                serde_json::json!({"op": "move", "from": "/inventory/d", "path": "/inventory/d", "index": 0, "oldIndex": 3}),
                serde_json::json!({"op": "move", "from": "/inventory/c", "path": "/inventory/c", "index": 2, "oldIndex": 3}),
            ]
        );
    });
    root.dispose();
}

#[test]
fn a_models_patches_replay_in_a_store_and_a_stores_patches_replay_on_a_model() {
    let ((), root) = create_root(|| {
        let model = PlayerModel::new(player());
        let store = Store::new(player());
        let model_patches: Rc<RefCell<Vec<Patch>>> = Rc::default();
        let sink = model_patches.clone();
        model.on_patch(move |patches| {
            let converted = patches.iter().map(|p| p.to_patch().expect("converts"));
            sink.borrow_mut().extend(converted);
        });
        let mut store_patches: Vec<Patch> = Vec::new();
        for step in steps() {
            (step.on_model)(model);
            let commit = store.update(step.in_store).expect("the change commits");
            store_patches.extend_from_slice(commit.patches());
        }

        // Model → store.
        let replica_store = Store::new(player());
        replica_store
            .apply_patches(&model_patches.borrow())
            .expect("a model's patches apply to a store");
        assert_eq!(
            *replica_store.snapshot_untracked(),
            model.snapshot_untracked()
        );

        // Store → model, typed on the way.
        let replica_model = PlayerModel::new(player());
        let typed: Vec<PlayerPatch> = store_patches
            .iter()
            .map(|p| PlayerPatch::from_patch(p).expect("a store patch is a model patch"))
            .collect();
        replica_model.apply_patches(&typed).expect("they apply");
        assert_eq!(
            replica_model.snapshot_untracked(),
            *store.snapshot_untracked()
        );

        // Store → model, untyped: `apply_state_patches`.
        let third = PlayerModel::new(player());
        third
            .apply_state_patches(&store_patches)
            .expect("they apply");
        assert_eq!(third.snapshot_untracked(), model.snapshot_untracked());
    });
    root.dispose();
}
