//! A model's struct is its snapshot: it must be `Clone`, `PartialEq` and `Debug` itself.
use reactive_model::Model;

#[derive(Model, Clone, Debug)]
struct Player {
    hp: u32,
}

fn main() {}
