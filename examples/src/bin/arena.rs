//! A small arena game on `#[derive(Model)]`: fighters with stats, computed health ratios, a
//! keyed roster that is re-sorted as a leaderboard every round, a HUD that re-renders only the
//! fighter who was hit, selective subscriptions that log what changed, and an undo built on
//! patches.
//!
//! Run it with `cargo run -p examples --bin arena`.

use examples::arena::{Arena, ArenaField, ArenaModel, ArenaPatch, Fighter, FighterField, fighter};
use examples::outln;
use reactive::model::{Model, ModelPatch};
use reactive::{Effect, Runtime, batch, create_root};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

fn bar(ratio: f32) -> String {
    let filled = (ratio * 10.0).round() as usize;
    format!("[{}{}]", "#".repeat(filled), ".".repeat(10 - filled))
}

fn main() {
    let hud_renders = Rc::new(Cell::new(0));
    let history: Rc<RefCell<Vec<Vec<ArenaPatch>>>> = Rc::default();

    let (arena, root) = create_root(|| {
        let arena = ArenaModel::new(Arena {
            round: 0,
            fighters: vec![
                fighter(1, "Ada", 30, 7, 0),
                fighter(2, "Brann", 40, 4, 3),
                fighter(3, "Cyra", 16, 9, 6),
            ],
        });

        // Effects run in creation order within a flush: the round header comes first.
        arena.subscribe([ArenaField::Round], move |_| {
            outln!("-- round {} --", arena.round_untracked());
        });

        // Per fighter, created under the fighter's own owner in the roster: disposed with it
        // when it falls, in the same batch, so nothing ever runs on a removed fighter.
        let roster = arena.fighters();
        for handle in roster.handles() {
            let renders = hud_renders.clone();
            let scope = roster.item_owner(&handle.id()).expect("in the roster");
            scope.run_in(|| {
                // A HUD line: reads the name and the computed ratio only, so it re-renders when
                // this fighter's health ratio changes, not for anyone else's hit, nor for moves.
                Effect::new(move || {
                    renders.set(renders.get() + 1);
                    outln!("  hud  {:<6} {}", handle.name(), bar(handle.hp_ratio()));
                });
                // A selective subscription: one log line per round, naming what changed.
                let fields = [FighterField::Hp, FighterField::Pos, FighterField::IsDown];
                handle.subscribe(fields, move |changed| {
                    let names: Vec<&str> = changed.iter().map(|field| field.name()).collect();
                    outln!("  log  {} changed: {}", handle.name(), names.join(", "));
                });
            });
        }

        // The roster's order and membership, rendered apart from the fighters' contents.
        Effect::new(move || {
            let names: Vec<String> = roster.handles().iter().map(|f| f.name()).collect();
            outln!("  board {}", names.join(" > "));
        });

        // Every batch's patches, for undo.
        let sink = history.clone();
        arena.on_patch(move |patches| sink.borrow_mut().push(patches.to_vec()));
        arena
    });

    for _ in 0..4 {
        play_round(arena);
    }

    outln!(
        "\nundo the last round ({} patches)",
        history.borrow().last().map_or(0, Vec::len)
    );
    let last = history.borrow_mut().pop().unwrap_or_default();
    let undo: Vec<ArenaPatch> = last.iter().rev().map(ModelPatch::inverse).collect();
    arena
        .apply_patches(&undo)
        .expect("the inverse of a round fits the state it produced");
    history.borrow_mut().pop(); // the undo itself was recorded too

    let snapshot = arena.snapshot();
    outln!(
        "\nround {}: {}",
        snapshot.round,
        snapshot
            .fighters
            .iter()
            .map(|f| format!("{} {}/{}", f.name, f.hp, f.max_hp))
            .collect::<Vec<_>>()
            .join(", ")
    );
    outln!(
        "hud renders: {} (one per fighter whose ratio changed, per round)",
        hud_renders.get()
    );
    outln!("\n{}", Arena::describe().to_markdown());
    outln!("{}", Fighter::describe().to_markdown());

    root.dispose();
    outln!("live nodes after dispose: {}", Runtime::node_count());
}

/// Everyone hits the next fighter on the board; the fallen leave; the board is re-sorted by
/// health. One batch: each reader re-runs at most once per round.
fn play_round(arena: ArenaModel) {
    batch(|| {
        arena.update_round(|round| *round += 1);
        let fighters = arena.fighters().handles();
        for (i, attacker) in fighters.iter().enumerate() {
            let target = fighters[(i + 1) % fighters.len()];
            if attacker.is_down() || target.is_down() {
                continue;
            }
            let damage = attacker.attack();
            target.update_hp(|hp| *hp -= damage);
            attacker.pos().update_x(|x| *x += 1);
        }
        arena.fighters().retain(|f| !f.is_down());
        arena.fighters().sort_by_key(|f| std::cmp::Reverse(f.hp()));
    });
}
