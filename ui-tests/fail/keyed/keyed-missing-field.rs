use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Bag {
    #[model(keyed = "idd")]
    items: Vec<Item>,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Item {
    id: u32,
}

fn main() {}
