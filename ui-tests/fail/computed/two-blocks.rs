//! A model's computed properties are declared in one `#[computed]` block.
use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
}

#[computed]
impl PlayerModel {
    fn doubled(&self) -> u32 {
        self.hp() * 2
    }
}

#[computed]
impl PlayerModel {
    fn tripled(&self) -> u32 {
        self.hp() * 3
    }
}

fn main() {}
