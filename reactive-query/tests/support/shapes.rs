//! The queries the reference and SQLite tests run, over one `players` table and one `teams`
//! table, and the check that a live result equals the expected rows and that its change list
//! replays to it.

#![allow(dead_code)] // each test file uses part of it

use reactive_core::{Signal, batch};
use reactive_query::{Collection, GroupStats, LiveQuery, RowKey, RowValue};

/// A player: nullable group, a score, a field no query projects.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Player {
    pub grp: Option<u8>,
    pub score: i64,
    pub payload: u8,
}

/// A team row, joined to players on `grp`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Team {
    pub grp: Option<u8>,
    pub tag: i64,
}

/// One write.
#[derive(Clone, Debug)]
pub enum Op {
    Player(u16, Option<Player>),
    Team(u16, Option<Team>),
    Threshold(i64),
    Offset(usize),
    Limit(Option<usize>),
}

pub struct Fixture {
    pub players: Collection<u16, Player>,
    pub teams: Collection<u16, Team>,
    pub threshold: Signal<i64>,
    pub offset: Signal<usize>,
    pub limit: Signal<Option<usize>>,
    pub top: Checked<u16, Player>,
    pub projected: Checked<u16, (Option<u8>, i64)>,
    pub groups: Checked<Option<u8>, GroupStats>,
    pub biggest_groups: Checked<Option<u8>, GroupStats>,
    pub distinct: Checked<Option<u8>, ()>,
    pub inner: Checked<(u16, u16), (Player, Team)>,
    pub left: Checked<(u16, Option<u16>), (Player, Option<Team>)>,
}

impl Fixture {
    pub fn new() -> Self {
        let players = Collection::new();
        let teams = Collection::new();
        let threshold = Signal::new(0);
        let offset = Signal::new(0);
        let limit = Signal::new(Some(5));
        let top = players
            .query()
            .filter_by(threshold, |p: &Player, t| p.score > *t)
            .order_by_desc(|p| p.score)
            .offset(offset)
            .limit(limit)
            .live();
        let projected = players
            .query()
            .map(|p: &Player| (p.grp, p.score))
            .order_by(|p| p.1)
            .live();
        let groups = players
            .query()
            .group_by(|p: &Player| p.grp, |p| p.score)
            .live();
        let biggest_groups = players
            .query()
            .filter(|p: &Player| p.score >= 0)
            .group_by(|p| p.grp, |p| p.score)
            .order_by_desc(|a| a.count)
            .limit(Some(3))
            .live();
        let distinct = players.query().distinct(|p: &Player| p.grp).live();
        let inner = players
            .query()
            .join(teams.query(), |p: &Player| p.grp, |t: &Team| t.grp)
            .live();
        let left = players
            .query()
            .left_join(teams.query(), |p: &Player| p.grp, |t: &Team| t.grp)
            .live();
        Fixture {
            players,
            teams,
            threshold,
            offset,
            limit,
            top: Checked::new(top),
            projected: Checked::new(projected),
            groups: Checked::new(groups),
            biggest_groups: Checked::new(biggest_groups),
            distinct: Checked::new(distinct),
            inner: Checked::new(inner),
            left: Checked::new(left),
        }
    }

    /// Applies one batch of writes: the queries see it as one change set.
    pub fn apply(&self, ops: &[Op]) {
        batch(|| {
            for op in ops {
                match *op {
                    Op::Player(k, Some(p)) => drop(self.players.insert(k, p)),
                    Op::Player(k, None) => drop(self.players.remove(&k)),
                    Op::Team(k, Some(t)) => drop(self.teams.insert(k, t)),
                    Op::Team(k, None) => drop(self.teams.remove(&k)),
                    Op::Threshold(t) => self.threshold.set(t),
                    Op::Offset(o) => self.offset.set(o),
                    Op::Limit(l) => self.limit.set(l),
                }
            }
        });
    }
}

/// A live query and what the test last saw of it.
pub struct Checked<K, V> {
    pub query: LiveQuery<K, V>,
    previous: Vec<(K, V)>,
    version: u64,
}

impl<K: RowKey + std::fmt::Debug, V: RowValue + std::fmt::Debug> Checked<K, V> {
    pub fn new(query: LiveQuery<K, V>) -> Self {
        Checked {
            query,
            previous: Vec::new(),
            version: 0,
        }
    }

    /// The result equals `expected`; the change list since the last check replays the last
    /// result into it; no update (and no change list) when the result did not change.
    #[track_caller]
    pub fn check(&mut self, name: &str, expected: Vec<(K, V)>) {
        let rows = self.query.rows();
        assert_eq!(rows, expected, "{name}: result");
        let version = self.query.version();
        if rows == self.previous {
            assert_eq!(version, self.version, "{name}: an update without a change");
        } else {
            assert_eq!(version, self.version + 1, "{name}: one update per batch");
            let mut replayed = self.previous.clone();
            for change in self.query.changes().iter() {
                change.apply(&mut replayed);
            }
            assert_eq!(
                replayed, rows,
                "{name}: the change list replays to the result"
            );
        }
        self.previous = rows;
        self.version = version;
    }
}
