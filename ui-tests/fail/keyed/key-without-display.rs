//! A keyed list's key names its items in patch paths (`/items/<key>`), so it needs `Display`.
use reactive_model::Model;

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct Id(u32);

#[derive(Model, Clone, PartialEq, Debug)]
struct Item {
    #[model(skip)]
    id: Id,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Bag {
    #[model(keyed = "id")]
    items: Vec<Item>,
}

fn main() {}
