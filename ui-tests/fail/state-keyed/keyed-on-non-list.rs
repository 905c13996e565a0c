//! `keyed` on a field that is not a list: the `Sequence` diagnostic, under the field's type.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(reactive_macros::State, Clone, PartialEq, Serialize, Deserialize)]
struct Todos {
    #[state(keyed = "id")]
    items: BTreeMap<u32, Item>,
}

#[derive(reactive_macros::State, Clone, PartialEq, Serialize, Deserialize)]
struct Item {
    id: u32,
}

fn main() {}
