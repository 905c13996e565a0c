use reactive_model::Model;
use std::collections::HashMap;

#[derive(Model, Clone, PartialEq, Debug)]
struct Bag {
    #[model(keyed = "id")]
    items: HashMap<u32, Item>,
    #[model(keyed = "id")]
    best: Item,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Item {
    id: u32,
}

fn main() {}
