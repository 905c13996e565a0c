//! Selective subscriptions: one callback per batch, told which fields changed.
use reactive_core::batch;
use reactive_model::Model;
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    name: String,
    hp: u32,
    max_hp: u32,
}

fn main() {
    let player = PlayerModel::new(Player { name: "Ada".into(), hp: 1, max_hp: 2 });
    let log = Rc::new(RefCell::new(Vec::new()));
    let sink = log.clone();
    player.subscribe([PlayerField::Hp, PlayerField::MaxHp], move |changed| {
        sink.borrow_mut().push(changed.to_vec())
    });
    batch(|| {
        player.set_hp(2);
        player.set_max_hp(3);
        player.set_name("Grace".into());
    });
    assert_eq!(*log.borrow(), [vec![PlayerField::Hp, PlayerField::MaxHp]]);
}
