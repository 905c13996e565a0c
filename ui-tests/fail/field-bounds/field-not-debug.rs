//! Every field is printed by patches' `Debug`.
use reactive_model::Model;

#[derive(Clone, PartialEq)]
struct Position {
    x: f32,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
    pos: Position,
}

fn main() {}
