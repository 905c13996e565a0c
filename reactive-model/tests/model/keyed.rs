use crate::fixtures::{Item, PlayerModel, Runs, in_root, item, player};
use reactive_core::{Effect, Signal};
use reactive_model::ModelError;

#[test]
fn editing_one_item_reruns_only_readers_of_that_item() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let list = model.inventory();
        let first = Runs::effect(move || {
            list.get(&1).unwrap().count();
        });
        let second = Runs::effect(move || {
            list.get(&2).unwrap().count();
        });
        let len = Runs::effect(move || {
            list.len();
        });
        let keys = Runs::effect(move || {
            list.keys();
        });
        list.get(&2).unwrap().set_count(20);
        assert_eq!(
            (first.get(), second.get(), len.get(), keys.get()),
            (1, 2, 1, 1)
        );
    });
}

#[test]
fn length_membership_and_order_are_tracked_apart() {
    in_root(|| {
        let list = PlayerModel::new(player()).inventory();
        let len = Runs::effect(move || {
            list.len();
        });
        let contains = Runs::effect(move || {
            list.contains(&3);
        });
        let order = Runs::effect(move || {
            list.keys();
        });

        list.reorder(vec![3, 2, 1]);
        assert_eq!(
            (len.get(), contains.get(), order.get()),
            (1, 1, 2),
            "reorder: order only"
        );

        list.push(item(4, 4));
        assert_eq!(
            (len.get(), contains.get(), order.get()),
            (2, 2, 3),
            "push: all three"
        );

        // Replace item 4 by item 5: same length, different members.
        list.reconcile(vec![item(3, 3), item(2, 2), item(1, 1), item(5, 5)]);
        assert_eq!(
            (len.get(), contains.get(), order.get()),
            (2, 3, 4),
            "swap of members: not len"
        );
    });
}

#[test]
fn a_handle_keeps_meaning_its_item_after_reordering() {
    in_root(|| {
        let list = PlayerModel::new(player()).inventory();
        let second = list.get(&2).unwrap();
        list.reorder(vec![3, 1, 2]);
        list.move_to(&2, 0);
        list.sort_by_key(|item| std::cmp::Reverse(item.count()));
        assert_eq!(list.keys(), [3, 2, 1]);
        assert_eq!(second.count(), 2);
        second.set_count(22);
        assert_eq!(list.at(1).unwrap().count(), 22);
    });
}

#[test]
fn removing_an_item_leaves_the_other_handles_valid_and_disposes_its_own() {
    in_root(|| {
        let list = PlayerModel::new(player()).inventory();
        let first = list.get(&1).unwrap();
        let third = list.get(&3).unwrap();
        let removed = list.remove(&1);
        assert_eq!(removed, Some(item(1, 1)));
        assert!(first.is_disposed());
        // Position-addressed stores would now give item 3's handle the wrong slot.
        assert_eq!(third.count(), 3);
        third.set_count(30);
        assert_eq!(list.snapshot(), [item(2, 2), item(3, 30)]);
        assert_eq!(list.index_of(&3), Some(1));
    });
}

#[test]
fn retain_and_clear_dispose_the_removed_items_only() {
    in_root(|| {
        let list = PlayerModel::new(player()).inventory();
        let handles = list.handles();
        list.retain(|item| item.count() != 2);
        assert_eq!(list.keys(), [1, 3]);
        assert_eq!(
            handles.iter().map(|h| h.is_disposed()).collect::<Vec<_>>(),
            [false, true, false]
        );
        list.clear();
        assert!(list.is_empty());
        assert!(handles.iter().all(|h| h.is_disposed()));
    });
}

#[test]
fn reconcile_keeps_the_handles_of_kept_keys_and_updates_them_in_place() {
    in_root(|| {
        let list = PlayerModel::new(player()).inventory();
        let second = list.get(&2).unwrap();
        let count_runs = Runs::effect(move || {
            second.count();
        });
        let name_runs = Runs::effect(move || {
            second.name();
        });
        list.reconcile(vec![
            item(4, 4),
            Item {
                count: 9,
                ..item(2, 0)
            },
        ]);
        assert_eq!(list.keys(), [4, 2]);
        assert_eq!(list.get(&2), Some(second));
        assert_eq!((count_runs.get(), name_runs.get()), (2, 1));
    });
}

#[test]
fn items_pushed_from_an_effect_belong_to_the_list_not_to_the_effect() {
    in_root(|| {
        let list = PlayerModel::new(player()).inventory();
        let trigger = Signal::new(0);
        Effect::new(move || {
            let n = trigger.get();
            if n == 1 {
                list.push(item(10, 10));
            }
        });
        trigger.set(1);
        let pushed = list.get(&10).unwrap();
        // The effect re-running disposes what it owns; the item must survive that.
        trigger.set(2);
        assert!(!pushed.is_disposed());
        assert_eq!(pushed.count(), 10);
    });
}

#[test]
fn misuse_is_reported_and_changes_nothing() {
    in_root(|| {
        let list = PlayerModel::new(player()).inventory();
        assert!(matches!(
            list.try_push(item(1, 0)),
            Err(ModelError::DuplicateKey {
                list: "inventory",
                ..
            })
        ));
        assert!(matches!(
            list.try_insert(9, item(9, 0)),
            Err(ModelError::IndexOutOfRange {
                index: 9,
                len: 3,
                ..
            })
        ));
        assert!(matches!(
            list.try_move_to(&7, 0),
            Err(ModelError::MissingKey { .. })
        ));
        assert!(matches!(
            list.try_reorder(vec![1, 2]),
            Err(ModelError::NotAPermutation { .. })
        ));
        assert!(matches!(
            list.try_reorder(vec![1, 1, 2]),
            Err(ModelError::NotAPermutation { .. })
        ));
        assert_eq!(list.keys(), [1, 2, 3]);
    });
}

#[test]
#[should_panic(expected = "inventory: key 2 is already in the list")]
fn creating_a_model_with_duplicate_keys_panics_with_the_list_and_key() {
    in_root(|| {
        let mut value = player();
        value.inventory.push(item(2, 0));
        PlayerModel::new(value);
    });
}

#[test]
fn a_list_created_without_an_owner_disposes_its_own_root() {
    let before = reactive_core::Runtime::node_count();
    let list = reactive_model::KeyedList::new(vec![item(1, 1)], |item: &Item| item.id);
    list.push(item(2, 2));
    list.dispose();
    assert_eq!(reactive_core::Runtime::node_count(), before);
}

#[test]
fn an_effect_under_an_items_owner_never_runs_on_the_removed_item() {
    in_root(|| {
        let list = PlayerModel::new(player()).inventory();
        let second = list.get(&2).unwrap();
        let runs = list
            .item_owner(&2)
            .unwrap()
            .run_in(|| Runs::effect(move || drop(second.name())));
        reactive_core::batch(|| {
            second.set_name("edited".into()); // schedules the effect...
            list.remove(&2); // ...which goes with the item, unrun
        });
        assert_eq!(runs.get(), 1);
        assert!(second.is_disposed());
    });
}

#[test]
fn subscriptions_on_an_item_edited_and_removed_in_one_batch_go_quiet() {
    in_root(|| {
        let list = PlayerModel::new(player()).inventory();
        let third = list.get(&3).unwrap();
        let calls = std::rc::Rc::new(std::cell::Cell::new(0));
        let (on_fields, on_patches) = (calls.clone(), calls.clone());
        third.subscribe([crate::fixtures::ItemField::Count], move |_| {
            on_fields.set(on_fields.get() + 1)
        });
        third.on_patch(move |_| on_patches.set(on_patches.get() + 1));
        reactive_core::batch(|| {
            third.set_count(0);
            list.retain(|item| item.count() > 0);
        });
        assert_eq!(calls.get(), 0);
        assert_eq!(list.keys(), [1, 2]);
    });
}
