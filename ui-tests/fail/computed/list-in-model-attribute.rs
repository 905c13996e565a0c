//! The old second declaration, `#[model(computed(...))]`, is ignored with a deprecation warning
//! under `computed` (denied here to see it).
#![deny(deprecated)]
use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
#[model(computed(doubled))]
struct Player {
    hp: u32,
}

#[computed]
impl PlayerModel {
    fn doubled(&self) -> u32 {
        self.hp() * 2
    }
}

fn main() {
    assert_eq!(PlayerModel::new(Player { hp: 2 }).doubled(), 4);
}
