//! Every field is compared (setters notify only on change, patches diff values).
use reactive_model::Model;

#[derive(Clone, Debug)]
struct Position {
    x: f32,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
    pos: Position,
}

fn main() {}
