//! `#[model(nested)]`: fine-grained all the way down.
use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    #[model(nested)]
    pos: Position,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Position {
    x: f32,
    y: f32,
}

fn main() {
    let player = PlayerModel::new(Player { pos: Position { x: 0.0, y: 0.0 } });
    player.pos().set_x(1.0);
    player.set_pos(Position { x: 1.0, y: 2.0 });
    assert_eq!(player.pos().snapshot(), Position { x: 1.0, y: 2.0 });
}
