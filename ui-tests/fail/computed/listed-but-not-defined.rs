use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
#[model(computed(hp_ratio))]
struct Player {
    hp: u32,
}

fn main() {}
