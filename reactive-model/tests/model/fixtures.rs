//! The models the tests share, and a counter of effect runs.

use reactive_core::{Effect, Owner, create_root};
use reactive_model::{Model, computed};
use std::cell::Cell;
use std::rc::Rc;

/// A game entity: plain fields, a nested model, a keyed list, a skipped id, a computed property.
#[derive(Model, Clone, PartialEq, Debug)]
pub struct Player {
    /// Shown above the head.
    pub name: String,
    pub hp: u32,
    pub max_hp: u32,
    #[model(nested)]
    pub pos: Position,
    #[model(keyed = "id")]
    pub inventory: Vec<Item>,
    #[model(skip)]
    pub id: u64,
}

#[computed]
impl PlayerModel {
    /// Health left, from 0 to 1.
    pub fn hp_ratio(&self) -> f32 {
        HP_RATIO_RUNS.with(|runs| runs.set(runs.get() + 1));
        self.hp() as f32 / self.max_hp() as f32
    }

    /// Whether any health is left: depends on `hp_ratio`, not on the fields directly.
    pub fn is_alive(&self) -> bool {
        self.hp_ratio() > 0.0
    }
}

thread_local! {
    /// How many times `hp_ratio` was computed on this thread (tests run one per thread).
    pub static HP_RATIO_RUNS: Cell<u32> = const { Cell::new(0) };
}

#[derive(Model, Clone, PartialEq, Debug)]
pub struct Position {
    pub x: f32,
    pub y: f32,
}

#[derive(Model, Clone, PartialEq, Debug)]
pub struct Item {
    #[model(skip)]
    pub id: u32,
    pub name: String,
    pub count: u32,
}

pub fn item(id: u32, count: u32) -> Item {
    Item {
        id,
        name: format!("item {id}"),
        count,
    }
}

pub fn player() -> Player {
    Player {
        name: "Ada".into(),
        hp: 30,
        max_hp: 40,
        pos: Position { x: 0.0, y: 0.0 },
        inventory: vec![item(1, 1), item(2, 2), item(3, 3)],
        id: 7,
    }
}

/// Runs `test` inside a fresh root, disposed afterwards.
pub fn in_root<R>(test: impl FnOnce() -> R) -> R {
    let (result, root): (R, Owner) = create_root(test);
    root.dispose();
    result
}

/// Counts the runs of an effect (the first run, at creation, included).
#[derive(Clone, Default)]
pub struct Runs(Rc<Cell<u32>>);

impl Runs {
    /// An effect running `read`, counted.
    pub fn effect(read: impl Fn() + 'static) -> Runs {
        let runs = Runs::default();
        let counter = runs.clone();
        Effect::new(move || {
            read();
            counter.0.set(counter.0.get() + 1);
        });
        runs
    }

    pub fn get(&self) -> u32 {
        self.0.get()
    }
}
