//! A computed property may not take the name of one of the handle's own methods, nor a name
//! another property of the block has.
use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
}

#[computed]
impl PlayerModel {
    fn snapshot(&self) -> u32 {
        self.hp()
    }

    fn doubled(&self) -> u32 {
        self.hp() * 2
    }

    fn doubled(&self) -> u32 {
        self.hp() + self.hp()
    }
}

fn main() {
    let player = PlayerModel::new(Player { hp: 1 });
    let _ = player.doubled();
    let _ = player.snapshot();
}
