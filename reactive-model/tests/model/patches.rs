use crate::fixtures::{
    Item, Player, PlayerField, PlayerModel, PlayerPatch, Position, in_root, item, player,
};
use reactive_core::batch;
use reactive_model::{Change, ListPatch, Model, ModelError, ModelPatch};
use std::cell::RefCell;
use std::rc::Rc;

fn changed_player() -> Player {
    Player {
        name: "Grace".into(),
        hp: 12,
        pos: Position { x: 1.0, y: 0.0 },
        inventory: vec![
            Item {
                count: 30,
                ..item(3, 3)
            },
            item(4, 4),
            item(1, 1),
        ],
        ..player()
    }
}

#[test]
fn diff_lists_only_what_differs_with_paths() {
    let patches = Player::diff(&player(), &changed_player());
    let paths: Vec<String> = patches.iter().map(|p| p.path().to_string()).collect();
    assert_eq!(
        paths,
        [
            "/name",
            "/hp",
            "/pos/x",
            "/inventory/2",
            "/inventory/3",
            "/inventory/4",
            "/inventory/3/count"
        ]
    );
    // The reorder is one move: 3 goes before 1 (which stays), not a list of keys.
    assert_eq!(
        patches[4],
        PlayerPatch::Inventory(ListPatch::Move {
            key: 3,
            from: 1,
            to: 0
        })
    );
    assert_eq!(patches[1], PlayerPatch::Hp(Change { old: 30, new: 12 }));
    assert_eq!(patches[1].field(), PlayerField::Hp);
    assert!(Player::diff(&player(), &player()).is_empty());
}

#[test]
fn patches_applied_to_another_model_make_it_equal() {
    in_root(|| {
        let target = PlayerModel::new(player());
        let kept = target.inventory().get(&3).unwrap();
        target
            .apply_patches(&Player::diff(&player(), &changed_player()))
            .unwrap();
        assert_eq!(target.snapshot(), changed_player());
        assert_eq!(
            target.inventory().get(&3),
            Some(kept),
            "edits inside a kept item keep its handle"
        );
    });
}

#[test]
fn on_patch_reports_each_batch_and_the_inverses_undo_it() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let history: Rc<RefCell<Vec<Vec<PlayerPatch>>>> = Rc::default();
        let sink = history.clone();
        model.on_patch(move |patches| sink.borrow_mut().push(patches.to_vec()));

        batch(|| {
            model.set_hp(1);
            model.pos().set_y(9.0);
        });
        model.inventory().remove(&2);
        model
            .inventory()
            .get(&1)
            .unwrap()
            .set_name("renamed".into());
        assert_eq!(history.borrow().len(), 3);
        assert_eq!(history.borrow()[0].len(), 2);
        assert!(matches!(
            history.borrow()[1][..],
            [PlayerPatch::Inventory(ListPatch::Remove {
                key: 2,
                index: 1,
                ..
            })]
        ));

        // Undo everything: inverses, latest first.
        let undo: Vec<PlayerPatch> = history
            .borrow()
            .iter()
            .rev()
            .flat_map(|batch| batch.iter().rev().map(ModelPatch::inverse))
            .collect();
        model.apply_patches(&undo).unwrap();
        assert_eq!(model.snapshot(), player());
    });
}

#[test]
fn reorder_and_move_to_emit_as_few_moves_as_possible_and_moves_replay() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let replica = PlayerModel::new(player());
        let history: Rc<RefCell<Vec<Vec<PlayerPatch>>>> = Rc::default();
        let sink = history.clone();
        model.on_patch(move |patches| sink.borrow_mut().push(patches.to_vec()));

        model.inventory().reorder(vec![2, 3, 1]);
        model.inventory().move_to(&3, 0);
        let moves = |key, from, to| PlayerPatch::Inventory(ListPatch::Move { key, from, to });
        assert_eq!(
            *history.borrow(),
            [vec![moves(1, 0, 2)], vec![moves(3, 1, 0)]]
        );
        for patches in history.borrow().iter() {
            replica.apply_patches(patches).unwrap();
        }
        assert_eq!(replica.inventory().keys(), [3, 2, 1]);
        assert_eq!(replica.snapshot(), model.snapshot());
    });
}

#[test]
fn an_insertion_whose_item_has_another_key_is_refused() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let patch = PlayerPatch::Inventory(ListPatch::Insert {
            key: 9,
            index: 0,
            value: item(8, 0),
        });
        assert_eq!(
            model.apply_patch(&patch),
            Err(ModelError::KeyMismatch {
                list: "inventory",
                key: "9".into()
            })
        );
        assert_eq!(model.snapshot(), player());
    });
}

#[test]
fn a_patch_that_does_not_fit_is_an_error_and_writes_nothing() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let patch = PlayerPatch::Inventory(ListPatch::Item {
            key: 42,
            patch: Box::new(crate::fixtures::ItemPatch::Count(Change { old: 0, new: 1 })),
        });
        assert_eq!(
            model.apply_patch(&patch),
            Err(ModelError::MissingKey {
                list: "inventory",
                key: "42".into()
            })
        );
        assert_eq!(model.snapshot(), player());
    });
}
