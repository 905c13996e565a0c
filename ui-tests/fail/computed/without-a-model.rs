//! `#[computed]` on the handle of a struct that does not derive `Model`: both the handle and the
//! field enum the block adds its constants to are missing (two errors, each naming one).
use reactive_model::computed;

#[derive(Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
}

#[computed]
impl PlayerModel {
    fn doubled(&self) -> u32 {
        2
    }
}

fn main() {}
