//! `#[computed]` goes on the handle (`PlayerModel`), not on the struct.
use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
}

#[computed]
impl Player {
    fn doubled(&self) -> u32 {
        self.hp * 2
    }
}

fn main() {
    let _ = Player { hp: 1 }.doubled();
}
