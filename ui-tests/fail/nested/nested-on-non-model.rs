use reactive_model::Model;

#[derive(Clone, PartialEq, Debug)]
struct Position {
    x: f32,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    #[model(nested)]
    pos: Position,
}

fn main() {}
