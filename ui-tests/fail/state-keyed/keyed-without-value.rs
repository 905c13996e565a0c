//! `keyed` needs the name of the key field, as a string that is a field name.

use serde::{Deserialize, Serialize};

#[derive(reactive_macros::State, Clone, PartialEq, Serialize, Deserialize)]
struct Todos {
    #[state(keyed)]
    items: Vec<Item>,
    #[state(keyed = id)]
    more: Vec<Item>,
    #[state(keyed = "not a field")]
    rest: Vec<Item>,
}

#[derive(reactive_macros::State, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    id: u32,
}

fn main() {}
