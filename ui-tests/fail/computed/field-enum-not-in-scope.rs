//! The block adds constants to the field enum beside the handle (`PlayerField::Doubled`), so in
//! another module the field enum must be in scope too.
use reactive_model::Model;

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
}

mod derived {
    use super::PlayerModel;
    use reactive_model::computed;

    #[computed]
    impl PlayerModel {
        fn doubled(&self) -> u32 {
            self.hp() * 2
        }
    }
}

fn main() {}
