use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    #[model]
    hp: u32,
    #[model(keyed = 42)]
    items: Vec<u32>,
    #[model(keyed = "not an ident")]
    more: Vec<u32>,
}

fn main() {}
