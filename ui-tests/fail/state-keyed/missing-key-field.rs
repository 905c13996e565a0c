//! `keyed = "..."` naming a field the item does not have: reported under the string.

use serde::{Deserialize, Serialize};

#[derive(reactive_macros::State, Clone, PartialEq, Serialize, Deserialize)]
struct Todos {
    #[state(keyed = "idd")]
    items: Vec<Item>,
}

#[derive(reactive_macros::State, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    id: u32,
}

fn main() {}
