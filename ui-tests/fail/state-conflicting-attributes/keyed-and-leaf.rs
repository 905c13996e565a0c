//! `keyed` and `leaf` on one field contradict each other; so does a field attribute on a leaf
//! struct, or on a field serde skips.

use serde::{Deserialize, Serialize};

#[derive(reactive_macros::State, Clone, PartialEq, Serialize, Deserialize)]
struct Todos {
    #[state(leaf, keyed = "id")]
    items: Vec<Item>,
    #[serde(skip)]
    #[state(leaf)]
    cache: u8,
}

#[derive(reactive_macros::State, Clone, PartialEq, Serialize, Deserialize)]
#[state(leaf)]
struct Item {
    #[state(leaf)]
    id: u32,
}

fn main() {}
