//! A computed property's getter returns a copy of the cached value: it needs `Clone`.
use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
}

#[derive(PartialEq)]
struct Label(String);

#[computed]
impl PlayerModel {
    fn label(&self) -> Label {
        Label(self.hp().to_string())
    }
}

fn main() {
    let player = PlayerModel::new(Player { hp: 1 });
    let _ = player.label();
}
