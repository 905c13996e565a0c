//! Per-field signals: each getter tracks its own field only; setters skip equal values.
use reactive_core::Effect;
use reactive_model::Model;
use std::cell::Cell;
use std::rc::Rc;

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    /// The player's name.
    name: String,
    hp: u32,
    #[model(skip)]
    id: u64,
}

fn main() {
    let player = PlayerModel::new(Player { name: "Ada".into(), hp: 10, id: 1 });
    let name_runs = Rc::new(Cell::new(0));
    let runs = name_runs.clone();
    Effect::new(move || {
        player.with_name(|name| assert!(!name.is_empty()));
        runs.set(runs.get() + 1);
    });
    assert!(player.set_hp(9));
    assert!(!player.set_hp(9));
    assert!(player.update_hp(|hp| *hp -= 1));
    assert_eq!(name_runs.get(), 1);
    assert_eq!((player.hp(), player.id()), (8, 1));
    assert_eq!(player.snapshot(), Player { name: "Ada".into(), hp: 8, id: 1 });
}
