//! Every field is cloned out of its signal by its getter and by `snapshot`.
use reactive_model::Model;

#[derive(PartialEq, Debug)]
struct Position {
    x: f32,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
    pos: Position,
}

fn main() {}
