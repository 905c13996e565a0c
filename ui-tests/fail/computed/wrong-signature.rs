use reactive_model::{computed, Model};

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
}

#[computed]
impl PlayerModel {
    fn with_arg(&self, scale: u32) -> u32 {
        self.hp() * scale
    }

    fn by_value(self) -> u32 {
        self.hp()
    }

    fn mutable(&mut self) -> u32 {
        self.hp()
    }

    fn no_return(&self) {}

    fn generic<T: Default>(&self) -> u32 {
        self.hp()
    }

    async fn asynchronous(&self) -> u32 {
        self.hp()
    }
}

fn main() {
    // The getters exist despite the errors: no further error at the call sites.
    let player = PlayerModel::new(Player { hp: 1 });
    let _ = player.with_arg();
}
