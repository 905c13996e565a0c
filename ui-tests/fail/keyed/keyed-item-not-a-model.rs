use reactive_model::Model;

#[derive(Clone, PartialEq, Debug)]
struct Item {
    id: u32,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Bag {
    #[model(keyed = "id")]
    items: Vec<Item>,
}

fn main() {}
