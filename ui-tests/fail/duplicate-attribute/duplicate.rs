use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
#[model(serde)]
#[model(serde)]
struct Player {
    #[model(nested, nested)]
    pos: Position,
    #[model(skip)]
    #[model(skip)]
    id: u64,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Position {
    x: f32,
}

fn main() {}
