//! A computed property is declared once, in its `#[computed]` block: the getter, the field-enum
//! constant, `describe()` and subscriptions all come from there.
use reactive_model::{computed, Model, ModelField};
use std::cell::RefCell;
use std::rc::Rc;

#[derive(Model, Clone, PartialEq, Debug)]
struct Player {
    hp: u32,
    max_hp: u32,
}

mod derived {
    // In another module than the struct: the block names the handle and, beside it, the field
    // enum it adds the constants to, so both are in scope.
    use super::{PlayerField, PlayerModel};
    use reactive_model::computed;

    #[computed]
    impl PlayerModel {
        /// Health left, from 0 to 1.
        pub fn hp_ratio(&self) -> f32 {
            self.hp() as f32 / self.max_hp() as f32
        }

        /// Out of the fight.
        pub fn is_down(&self) -> bool {
            self.hp_ratio() == 0.0
        }
    }
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Plain {
    value: u8,
}

#[derive(Model, Clone, PartialEq, Debug)]
struct Only {
    value: u8,
}

#[computed]
impl OnlyModel {
    fn twice(&self) -> u16 {
        u16::from(self.value()) * 2
    }
}

fn main() {
    let player = PlayerModel::new(Player { hp: 30, max_hp: 40 });
    assert_eq!(player.hp_ratio(), 0.75);

    assert_eq!(
        PlayerField::ALL,
        &[PlayerField::Hp, PlayerField::MaxHp, PlayerField::HpRatio, PlayerField::IsDown]
    );
    assert!(PlayerField::IsDown.is_computed());
    assert_eq!(PlayerField::HpRatio.name(), "hp_ratio");
    assert_eq!(format!("{:?}", PlayerField::HpRatio), "HpRatio");
    assert_eq!(PlayerField::IsDown.to_string(), "is_down");
    match PlayerField::IsDown {
        PlayerField::IsDown => {}
        other => panic!("constants match as patterns, got {other:?}"),
    }

    let described: Vec<_> = Player::describe().computed.iter().map(|c| (c.name, c.ty, c.doc)).collect();
    assert_eq!(
        described,
        [("hp_ratio", "f32", "Health left, from 0 to 1."), ("is_down", "bool", "Out of the fight.")]
    );

    let log = Rc::new(RefCell::new(Vec::new()));
    let sink = log.clone();
    let _subscription = player.subscribe([PlayerField::IsDown], move |changed| {
        sink.borrow_mut().extend_from_slice(changed)
    });
    player.set_hp(10);
    assert!(log.borrow().is_empty(), "still standing: is_down did not change");
    player.set_hp(0);
    assert_eq!(*log.borrow(), [PlayerField::IsDown]);

    // A model without a block has no computed properties and nothing to store for them.
    assert!(Plain::describe().computed.is_empty());
    assert_eq!(<PlainField as ModelField>::ALL, &[PlainField::Value]);
    assert_eq!(OnlyModel::new(Only { value: 4 }).twice(), 8);
    assert_eq!(OnlyField::ALL, &[OnlyField::Value, OnlyField::Twice]);
}
