use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    #[model(skip, nested)]
    pos: Position,
    #[model(nested, keyed = "x")]
    trail: Vec<Position>,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Position {
    x: f32,
}

fn main() {}
