use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
#[model(handle = "PlayerHandle")]
struct Player {
    hp: u32,
}

fn main() {}
