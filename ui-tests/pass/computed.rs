//! Computed properties: lazy, cached memos read like fields.
use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
    max_hp: u32,
}

#[computed]
impl PlayerModel {
    /// Health left, from 0 to 1.
    fn hp_ratio(&self) -> f32 {
        self.hp() as f32 / self.max_hp() as f32
    }
}

fn main() {
    let player = PlayerModel::new(Player { hp: 5, max_hp: 10 });
    assert_eq!(player.hp_ratio(), 0.5);
    player.set_hp(10);
    assert_eq!(player.hp_ratio(), 1.0);
    assert_eq!(Player::describe().computed[0].ty, "f32");
}
