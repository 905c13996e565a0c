use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
}

struct Label(String);

#[computed]
impl PlayerModel {
    fn label(&self) -> Label {
        Label(self.hp().to_string())
    }
}

fn main() {}
