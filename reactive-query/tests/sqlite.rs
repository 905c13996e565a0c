//! Differential test against SQLite: the same tables and queries run as SQL in an in-memory
//! database; after every random batch of writes each live result equals SQLite's `SELECT`,
//! in the same order, and its change list replays to it.

#[path = "support/shapes.rs"]
mod shapes;

use reactive_query::GroupStats;
use rusqlite::{Connection, Row, params};
use shapes::{Fixture, Op, Player, Team};

/// A small deterministic generator (xorshift64*), so a failure names its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n
    }

    fn grp(&mut self) -> Option<u8> {
        (self.below(5) > 0).then(|| self.below(4) as u8)
    }

    fn op(&mut self) -> Op {
        match self.below(12) {
            0..=6 => {
                let key = self.below(40) as u16;
                let player = (self.below(4) > 0).then(|| Player {
                    grp: self.grp(),
                    score: self.below(30) as i64 - 5,
                    payload: self.below(3) as u8,
                });
                Op::Player(key, player)
            }
            7..=8 => {
                let key = self.below(10) as u16;
                let team = (self.below(4) > 0).then(|| Team {
                    grp: self.grp(),
                    tag: self.below(3) as i64,
                });
                Op::Team(key, team)
            }
            9 => Op::Threshold(self.below(30) as i64 - 5),
            10 => Op::Offset(self.below(6) as usize),
            _ => Op::Limit((self.below(5) > 0).then(|| self.below(10) as usize)),
        }
    }
}

fn write(db: &Connection, op: &Op) {
    match *op {
        Op::Player(k, Some(p)) => db
            .execute(
                "INSERT OR REPLACE INTO players VALUES (?1, ?2, ?3, ?4)",
                params![k, p.grp, p.score, p.payload],
            )
            .map(drop),
        Op::Player(k, None) => db
            .execute("DELETE FROM players WHERE id = ?1", [k])
            .map(drop),
        Op::Team(k, Some(t)) => db
            .execute(
                "INSERT OR REPLACE INTO teams VALUES (?1, ?2, ?3)",
                params![k, t.grp, t.tag],
            )
            .map(drop),
        Op::Team(k, None) => db.execute("DELETE FROM teams WHERE id = ?1", [k]).map(drop),
        Op::Threshold(_) | Op::Offset(_) | Op::Limit(_) => Ok(()),
    }
    .expect("SQLite accepts the write");
}

fn select<T>(
    db: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl Fn(&Row) -> rusqlite::Result<T>,
) -> Vec<T> {
    let mut statement = db.prepare_cached(sql).expect("the query is valid SQL");
    statement
        .query_map(params, |r| row(r))
        .expect("the query runs")
        .map(|r| r.expect("a row"))
        .collect()
}

fn player(r: &Row, at: usize) -> rusqlite::Result<Player> {
    Ok(Player {
        grp: r.get(at)?,
        score: r.get(at + 1)?,
        payload: r.get(at + 2)?,
    })
}

fn aggregate(r: &Row) -> rusqlite::Result<(Option<u8>, GroupStats)> {
    let aggregate = GroupStats {
        count: r.get(1)?,
        sum: i128::from(r.get::<_, i64>(2)?),
        min: r.get(3)?,
        max: r.get(4)?,
    };
    let avg: f64 = r.get(5)?;
    assert!(
        (aggregate.avg() - avg).abs() < 1e-9,
        "avg {} differs from SQLite's {avg}",
        aggregate.avg()
    );
    Ok((r.get(0)?, aggregate))
}

fn compare(f: &mut Fixture, db: &Connection) {
    let threshold = f.threshold.get_untracked();
    let offset = f.offset.get_untracked() as i64;
    let limit = f.limit.get_untracked().map_or(-1, |l| l as i64);
    let top = select(
        db,
        "SELECT id, grp, score, payload FROM players WHERE score > ?1
         ORDER BY score DESC, id LIMIT ?2 OFFSET ?3",
        params![threshold, limit, offset],
        |r| Ok((r.get(0)?, player(r, 1)?)),
    );
    f.top.check("top", top);
    let projected = select(
        db,
        "SELECT id, grp, score FROM players ORDER BY score, id",
        [],
        |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))),
    );
    f.projected.check("projected", projected);
    let groups = select(
        db,
        "SELECT grp, COUNT(*), SUM(score), MIN(score), MAX(score), AVG(score) FROM players
         GROUP BY grp ORDER BY grp",
        [],
        aggregate,
    );
    f.groups.check("groups", groups);
    let biggest = select(
        db,
        "SELECT grp, COUNT(*), SUM(score), MIN(score), MAX(score), AVG(score) FROM players
         WHERE score >= 0 GROUP BY grp ORDER BY COUNT(*) DESC, grp LIMIT 3",
        [],
        aggregate,
    );
    f.biggest_groups.check("biggest groups", biggest);
    let distinct = select(
        db,
        "SELECT DISTINCT grp FROM players ORDER BY grp",
        [],
        |r| Ok((r.get(0)?, ())),
    );
    f.distinct.check("distinct", distinct);
    let inner = select(
        db,
        "SELECT p.id, t.id, p.grp, p.score, p.payload, t.grp, t.tag
         FROM players p JOIN teams t ON p.grp = t.grp ORDER BY p.id, t.id",
        [],
        |r| {
            Ok((
                (r.get(0)?, r.get(1)?),
                (
                    player(r, 2)?,
                    Team {
                        grp: r.get(5)?,
                        tag: r.get(6)?,
                    },
                ),
            ))
        },
    );
    f.inner.check("inner join", inner);
    let left = select(
        db,
        "SELECT p.id, t.id, p.grp, p.score, p.payload, t.grp, t.tag
         FROM players p LEFT JOIN teams t ON p.grp = t.grp ORDER BY p.id, t.id",
        [],
        |r| {
            let team = match r.get::<_, Option<i64>>(6)? {
                Some(tag) => Some(Team {
                    grp: r.get(5)?,
                    tag,
                }),
                None => None,
            };
            Ok(((r.get(0)?, r.get(1)?), (player(r, 2)?, team)))
        },
    );
    f.left.check("left join", left);
}

#[test]
fn every_query_equals_sqlite_after_every_random_batch() {
    for seed in 1..=40u64 {
        let db = Connection::open_in_memory().expect("an in-memory database");
        db.execute_batch(
            "CREATE TABLE players (id INTEGER PRIMARY KEY, grp INTEGER, score INTEGER NOT NULL,
                                   payload INTEGER NOT NULL);
             CREATE TABLE teams (id INTEGER PRIMARY KEY, grp INTEGER, tag INTEGER NOT NULL);",
        )
        .expect("the schema");
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut f = Fixture::new();
        compare(&mut f, &db);
        for _ in 0..60 {
            let ops: Vec<Op> = (0..rng.below(8)).map(|_| rng.op()).collect();
            for op in &ops {
                write(&db, op);
            }
            f.apply(&ops);
            compare(&mut f, &db);
        }
    }
}
