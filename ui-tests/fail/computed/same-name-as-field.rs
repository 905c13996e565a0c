//! A computed property named like a field would replace the field's getter.
use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
}

#[computed]
impl PlayerModel {
    fn hp(&self) -> u32 {
        1
    }
}

fn main() {}
