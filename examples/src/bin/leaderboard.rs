//! A live leaderboard in the terminal: 40 players' scores change at random, a live query keeps
//! the top 8 (`order_by_desc(score).limit(8)`), and each tick prints the change list the query
//! produced, the rows that re-rendered (each visible row is its own little component, built
//! when the row enters the top 8 and torn down when it leaves), and the board. Rows that only
//! shift because another row moved are not re-rendered: only the rows that changed are.
//!
//! Run it with `cargo run -p examples --bin leaderboard`. The updates are pseudo-random with a
//! fixed seed, so every run prints the same thing; it ends by itself after 12 ticks.

use examples::outln;
use std::cell::RefCell;
use std::rc::Rc;

use reactive::query::{Collection, RowChange};
use reactive::{Effect, batch, create_root};

/// How many rows the board shows.
const TOP: usize = 8;
/// How many players there are at the start.
const PLAYERS: u32 = 40;
/// How many ticks the example runs.
const TICKS: u32 = 12;

#[derive(Clone, Debug, PartialEq)]
struct Player {
    name: String,
    score: u32,
}

/// A small deterministic pseudo-random generator (xorshift), so no extra dependency is needed.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u32) -> u32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % u64::from(n)) as u32
    }
}

fn describe(change: &RowChange<u32, Player>) -> String {
    match change {
        RowChange::Added { row, new_index, .. } => {
            format!(
                "Added    {:<10} {:>5}  at #{}",
                row.name,
                row.score,
                new_index + 1
            )
        }
        RowChange::Removed { row, old_index, .. } => {
            format!(
                "Removed  {:<10} {:>5}  from #{}",
                row.name,
                row.score,
                old_index + 1
            )
        }
        RowChange::Modified { row, index, .. } => {
            format!(
                "Modified {:<10} {:>5}  at #{}",
                row.name,
                row.score,
                index + 1
            )
        }
        RowChange::Moved {
            row,
            old_index,
            new_index,
            ..
        } => format!(
            "Moved    {:<10} {:>5}  #{} -> #{}",
            row.name,
            row.score,
            old_index + 1,
            new_index + 1
        ),
    }
}

fn main() {
    let rendered: Rc<RefCell<Vec<String>>> = Rc::default();
    let mut random = Random(0x2545_F491_4F6C_DD1D);
    let ((players, board), app) = create_root(|| {
        let players = Collection::new();
        for id in 0..PLAYERS {
            let score = 1000 + random.below(1000);
            players.insert(
                id,
                Player {
                    name: format!("player{id:02}"),
                    score,
                },
            );
        }
        let board = players
            .query()
            .order_by_desc(|p: &Player| p.score)
            .limit(Some(TOP))
            .live();
        // One component per visible row: built when the row enters, its render effect re-runs
        // only when that row's value changes, disposed when the row leaves.
        let log = rendered.clone();
        board.for_each_row(move |_id: &u32, row| {
            let log = log.clone();
            Effect::new(move || {
                let player = row.get();
                log.borrow_mut()
                    .push(format!("render   {:<10} {:>5}", player.name, player.score));
            });
        });
        (players, board)
    });
    outln!(
        "start: {} row renders for the first {TOP} rows",
        rendered.borrow().len()
    );
    rendered.borrow_mut().clear();

    let mut shown = board.rows();
    let (mut writes, mut changes, mut renders) = (0usize, 0usize, 0usize);
    let mut next_id = PLAYERS;
    for tick in 1..=TICKS {
        // A tick is one batch of writes: three score changes, and now and then a new player
        // joining or a player leaving.
        batch(|| {
            for _ in 0..3 {
                let id = random.below(next_id);
                players.update(&id, |p| {
                    p.score = (p.score + random.below(400)).saturating_sub(150)
                });
                writes += 1;
            }
            match random.below(4) {
                0 => {
                    let score = 1500 + random.below(600);
                    players.insert(
                        next_id,
                        Player {
                            name: format!("player{next_id:02}"),
                            score,
                        },
                    );
                    next_id += 1;
                    writes += 1;
                }
                1 => {
                    players.remove(&random.below(next_id));
                    writes += 1;
                }
                _ => {}
            }
        });
        let now = board.rows();
        outln!("\ntick {tick}:");
        if now == shown {
            outln!("  no change to the top {TOP}: no change list, nothing re-rendered");
        } else {
            let list = board.changes();
            changes += list.len();
            for change in list.iter() {
                outln!("  {}", describe(change));
                change.apply(&mut shown);
            }
            // The change list turns the previous board into the new one.
            assert_eq!(shown, now, "the change list replays to the new board");
        }
        let mut log = rendered.borrow_mut();
        for line in log.iter() {
            outln!("  {line}");
        }
        outln!("  re-rendered {} of {} rows", log.len(), now.len());
        renders += log.len();
        log.clear();
        drop(log);
        for (rank, (_, player)) in now.iter().enumerate() {
            outln!("  #{:<2} {:<10} {:>5}", rank + 1, player.name, player.score);
        }
    }
    outln!(
        "\n{TICKS} ticks, {writes} writes, {changes} row changes, {renders} row renders \
         (re-rendering the whole board every tick would have been {})",
        TICKS as usize * TOP
    );
    app.dispose();
}
