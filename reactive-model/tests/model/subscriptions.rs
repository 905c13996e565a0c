use crate::fixtures::{PlayerField, PlayerModel, in_root, item, player};
use reactive_core::batch;
use std::cell::RefCell;
use std::rc::Rc;

/// Subscribes to `fields` and records every callback's argument.
fn record(model: PlayerModel, fields: &[PlayerField]) -> Rc<RefCell<Vec<Vec<PlayerField>>>> {
    let calls = Rc::new(RefCell::new(Vec::new()));
    let sink = calls.clone();
    model.subscribe(fields.iter().copied(), move |changed| {
        sink.borrow_mut().push(changed.to_vec())
    });
    calls
}

#[test]
fn the_callback_runs_once_per_batch_with_the_fields_that_changed() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let calls = record(
            model,
            &[PlayerField::Name, PlayerField::Hp, PlayerField::MaxHp],
        );
        assert!(
            calls.borrow().is_empty(),
            "not called for the initial values"
        );
        batch(|| {
            model.set_max_hp(50);
            model.set_name("Grace".into());
            model.set_name("Lin".into());
        });
        model.set_hp(1);
        assert_eq!(
            *calls.borrow(),
            [
                vec![PlayerField::Name, PlayerField::MaxHp],
                vec![PlayerField::Hp]
            ]
        );
    });
}

#[test]
fn writes_to_other_fields_do_not_call_it() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let calls = record(model, &[PlayerField::Hp]);
        model.set_name("Grace".into());
        model.pos().set_x(1.0);
        model.inventory().push(item(9, 9));
        model.set_hp(30); // equal: no change
        assert!(calls.borrow().is_empty());
    });
}

#[test]
fn nested_keyed_and_computed_entries_report_deep_changes() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let calls = record(
            model,
            &[
                PlayerField::Pos,
                PlayerField::Inventory,
                PlayerField::HpRatio,
            ],
        );
        model.pos().set_y(2.0);
        model.inventory().get(&3).unwrap().set_count(0);
        model.inventory().reorder(vec![3, 2, 1]);
        model.set_hp(20);
        model.set_name("ignored".into());
        assert_eq!(
            *calls.borrow(),
            [
                vec![PlayerField::Pos],
                vec![PlayerField::Inventory],
                vec![PlayerField::Inventory],
                vec![PlayerField::HpRatio],
            ]
        );
    });
}

#[test]
fn a_disposed_subscription_is_not_called_again() {
    in_root(|| {
        let model = PlayerModel::new(player());
        let calls = Rc::new(RefCell::new(0));
        let sink = calls.clone();
        let subscription = model.subscribe([PlayerField::Hp], move |_| *sink.borrow_mut() += 1);
        model.set_hp(1);
        subscription.dispose();
        model.set_hp(2);
        assert_eq!(*calls.borrow(), 1);
    });
}
