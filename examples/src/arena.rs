//! The arena game's state (`cargo run -p examples --bin arena`): an arena holding a keyed roster
//! of fighters, each with a nested position and computed health properties.

use reactive::model::{Model, computed};

/// The whole game state.
#[derive(Model, Clone, PartialEq, Debug)]
pub struct Arena {
    /// The round being played.
    pub round: u32,
    /// Who is still standing, best first.
    #[model(keyed = "id")]
    pub fighters: Vec<Fighter>,
}

/// One fighter.
#[derive(Model, Clone, PartialEq, Debug)]
pub struct Fighter {
    /// Never changes: the roster's key.
    #[model(skip)]
    pub id: u32,
    /// Shown on the HUD and the board.
    pub name: String,
    /// Health left; at 0 or below the fighter is down.
    pub hp: i32,
    /// Health at the start.
    pub max_hp: i32,
    /// Damage dealt per hit.
    pub attack: i32,
    /// Where the fighter stands.
    #[model(nested)]
    pub pos: Pos,
}

/// Where a fighter stands.
#[derive(Model, Clone, PartialEq, Debug)]
pub struct Pos {
    /// Across the arena.
    pub x: i32,
    /// Along the arena.
    pub y: i32,
}

#[computed]
impl FighterModel {
    /// Health left, from 0 to 1.
    pub fn hp_ratio(&self) -> f32 {
        self.hp().max(0) as f32 / self.max_hp() as f32
    }

    /// Out of the fight.
    pub fn is_down(&self) -> bool {
        self.hp_ratio() == 0.0
    }
}

/// A fighter at full health, standing at `(x, 0)`.
///
/// ```
/// let f = examples::arena::fighter(1, "Ada", 30, 7, 2);
/// assert_eq!((f.hp, f.max_hp, f.pos.x), (30, 30, 2));
/// ```
pub fn fighter(id: u32, name: &str, hp: i32, attack: i32, x: i32) -> Fighter {
    Fighter {
        id,
        name: name.into(),
        hp,
        max_hp: hp,
        attack,
        pos: Pos { x, y: 0 },
    }
}

impl ArenaModel {
    /// The round, without subscribing the caller (for log lines).
    pub fn round_untracked(&self) -> u32 {
        reactive::untrack(|| self.round())
    }
}
