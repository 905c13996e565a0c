//! A misspelt or misplaced `#[state(...)]` key is named, with the keys that are accepted.

use serde::{Deserialize, Serialize};

#[derive(reactive_macros::State, Clone, PartialEq, Serialize, Deserialize)]
#[state(keyed = "id")]
struct Todos {
    #[state(key = "id")]
    items: Vec<Item>,
    #[state(leaf, nested)]
    other: u8,
}

#[derive(reactive_macros::State, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    id: u32,
}

fn main() {}
