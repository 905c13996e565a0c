use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
}

#[computed]
impl Default for PlayerModel {
    fn default() -> Self {
        PlayerModel::new(Player { hp: 0 })
    }
}

#[computed(cached)]
impl PlayerModel {
    const LIMIT: u32 = 10;
}

fn main() {}
