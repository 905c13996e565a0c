//! The live-query workloads (issue 13): the same rows, queries and change sequences as
//! `benches/js/query.mjs` runs on TanStack DB, here on `reactive-query` and on recomputing the
//! query from scratch after every change.
//!
//! | workload | rows | query | one change |
//! |---|---|---|---|
//! | `top50` | 100,000 `(id, score)` | order by score desc, limit 50 | one row's score (a quarter go to the top) |
//! | `filter_sort` | 1,000,000 `(id, score, on)` | where `on`, order by score | alternately update one row's score, insert a row |
//! | `group_by` | 1,000,000 `(id, group, value)` | group by `group` (1,000 groups): count, sum | one row's value (every fourth also its group) |
//! | `join` | 100,000 × 100,000 | inner join `left.ref = right.id` | alternately one left row's `ref`, one right row's value |
//!
//! Scores are `random · 2^20 + id`, so no two rows tie and every library orders them the same
//! way. Each side folds its final result into a 32-bit [`digest`](Run::digest) computed the
//! same way in both languages; the report's check compares them.

use reactive_core::{Owner, create_root};
use reactive_query::{Collection, GroupStats, LiveQuery};

/// The generator both languages use: a 32-bit LCG, 31 bits out.
#[derive(Clone, Debug)]
pub struct Lcg(u32);

impl Lcg {
    /// A generator from a seed.
    pub fn new(seed: u32) -> Lcg {
        Lcg(seed)
    }

    /// The next 31-bit number.
    pub fn draw(&mut self) -> u32 {
        self.0 = self.0.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        self.0 >> 1
    }
}

const SHIFT: u64 = 1 << 20;

fn hash_step(h: u32, x: u32) -> u32 {
    h.wrapping_mul(31).wrapping_add(x)
}

fn hash_score(h: u32, score: u64) -> u32 {
    hash_step(hash_step(h, (score >> 32) as u32), score as u32)
}

/// The four workloads, in report order.
pub const WORKLOADS: [&str; 4] = ["top50", "filter_sort", "group_by", "join"];

/// The size of a workload: `full` is the issue's, `quick` a tenth, `check` small.
pub fn rows(workload: &str, size: Size) -> usize {
    let full = match workload {
        "top50" | "join" => 100_000,
        _ => 1_000_000,
    };
    match size {
        Size::Full => full,
        Size::Quick => full / 10,
        Size::Check => 2_000,
    }
}

/// How big a run is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// The sizes.
    Full,
    /// A tenth of them.
    Quick,
    /// 2,000 rows: what `report --check` runs.
    Check,
}

/// Which implementation runs a workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// `reactive-query`: the live query updated incrementally.
    Live,
    /// The query recomputed from the rows after every change.
    Recompute,
    /// `reactive-query`'s collections with no query over them: the cost of applying a change
    /// to the source alone, the floor the "within 3×" goal is measured against.
    Source,
}

/// A built workload: its rows and query, ready for changes.
pub struct Run {
    state: State,
    changes: Lcg,
    step: u64,
    n: u32,
    /// The root the live query's nodes live under, disposed with the run.
    owner: Option<Owner>,
}

/// The join's live result: `(left id, right id)` to `(left ref, (right id, right value))`.
type JoinResult = LiveQuery<(u32, u32), (u32, (u32, u32))>;

enum State {
    Top50Live(Collection<u32, u64>, Option<LiveQuery<u32, u64>>),
    Top50Recompute(Vec<u64>, Vec<(u32, u64)>),
    FilterLive(
        Collection<u32, (u64, bool)>,
        Option<LiveQuery<u32, (u64, bool)>>,
    ),
    FilterRecompute(Vec<(u64, bool)>, Vec<u32>),
    GroupLive(
        Collection<u32, (u32, u32)>,
        Option<LiveQuery<u32, GroupStats>>,
    ),
    GroupRecompute(Vec<(u32, u32)>, Vec<(i64, i128)>),
    JoinLive(
        Collection<u32, u32>,
        Collection<u32, (u32, u32)>,
        Option<JoinResult>,
    ),
    JoinRecompute(Vec<u32>, Vec<u32>, Vec<(u32, u32, u32)>),
}

impl Run {
    /// Builds `workload` over `n` rows on `engine` and computes its first result.
    ///
    /// # Panics
    /// On an unknown workload name.
    pub fn build(workload: &str, n: usize, engine: Engine) -> Run {
        let n32 = u32::try_from(n).expect("at most 2^20 rows");
        let live = engine != Engine::Recompute;
        let query = engine == Engine::Live;
        let (state, owner) = create_root(|| match workload {
            "top50" => {
                let mut rand = Lcg::new(1);
                let scores: Vec<u64> = (0..n32)
                    .map(|id| u64::from(rand.draw()) * SHIFT + u64::from(id))
                    .collect();
                if live {
                    let c = Collection::new();
                    for (id, s) in scores.iter().enumerate() {
                        c.insert(id as u32, *s);
                    }
                    let q = query.then(|| c.query().order_by_desc(|s| *s).limit(Some(50)).live());
                    State::Top50Live(c, q)
                } else {
                    State::Top50Recompute(scores, Vec::new())
                }
            }
            "filter_sort" => {
                let mut rand = Lcg::new(3);
                let rows: Vec<(u64, bool)> = (0..n32)
                    .map(|id| {
                        let score = u64::from(rand.draw()) * SHIFT + u64::from(id);
                        (score, rand.draw().is_multiple_of(2))
                    })
                    .collect();
                if live {
                    let c = Collection::new();
                    for (id, row) in rows.iter().enumerate() {
                        c.insert(id as u32, *row);
                    }
                    let q = query.then(|| c.query().filter(|r| r.1).order_by(|r| r.0).live());
                    State::FilterLive(c, q)
                } else {
                    State::FilterRecompute(rows, Vec::new())
                }
            }
            "group_by" => {
                let mut rand = Lcg::new(5);
                let rows: Vec<(u32, u32)> = (0..n32)
                    .map(|_| {
                        let group = rand.draw() % 1000;
                        (group, rand.draw() % 1000)
                    })
                    .collect();
                if live {
                    let c = Collection::new();
                    for (id, row) in rows.iter().enumerate() {
                        c.insert(id as u32, *row);
                    }
                    let q = query.then(|| c.query().group_by(|r| r.0, |r| i64::from(r.1)).live());
                    State::GroupLive(c, q)
                } else {
                    State::GroupRecompute(rows, Vec::new())
                }
            }
            "join" => {
                let mut rand = Lcg::new(7);
                let refs: Vec<u32> = (0..n32).map(|_| rand.draw() % n32).collect();
                let values: Vec<u32> = (0..n32).map(|_| rand.draw() % 1000).collect();
                if live {
                    let left = Collection::new();
                    let right = Collection::new();
                    for (id, r) in refs.iter().enumerate() {
                        left.insert(id as u32, *r);
                    }
                    for (id, v) in values.iter().enumerate() {
                        right.insert(id as u32, (id as u32, *v));
                    }
                    let q = query.then(|| {
                        left.query()
                            .join(right.query(), |r| Some(*r), |v| Some(v.0))
                            .live()
                    });
                    State::JoinLive(left, right, q)
                } else {
                    State::JoinRecompute(refs, values, Vec::new())
                }
            }
            other => panic!("unknown query workload {other:?}"),
        });
        let seed = match workload {
            "top50" => 2,
            "filter_sort" => 4,
            "group_by" => 6,
            _ => 8,
        };
        let mut run = Run {
            state,
            changes: Lcg::new(seed),
            step: 0,
            n: n32,
            owner: Some(owner),
        };
        run.observe();
        run
    }

    /// Makes one change to the source and brings the result up to date.
    pub fn change(&mut self) {
        let (n, i) = (self.n, self.step);
        self.step += 1;
        let rand = &mut self.changes;
        match &mut self.state {
            State::Top50Live(c, _) => {
                let (id, score) = top50_change(rand, n, i);
                c.insert(id, score);
            }
            State::Top50Recompute(scores, _) => {
                let (id, score) = top50_change(rand, n, i);
                scores[id as usize] = score;
            }
            State::FilterLive(c, _) => {
                let (id, row) = filter_change(rand, n, i);
                match row {
                    Some(score) => {
                        c.update(&id, |r| r.0 = score);
                    }
                    None => {
                        let score = u64::from(rand.draw()) * SHIFT + u64::from(id);
                        c.insert(id, (score, true));
                    }
                }
            }
            State::FilterRecompute(rows, _) => {
                let (id, row) = filter_change(rand, n, i);
                match row {
                    Some(score) => rows[id as usize].0 = score,
                    None => {
                        let score = u64::from(rand.draw()) * SHIFT + u64::from(id);
                        rows.push((score, true));
                    }
                }
            }
            State::GroupLive(c, _) => {
                let (id, value, group) = group_change(rand, n, i);
                c.update(&id, |r| {
                    r.1 = value;
                    if let Some(g) = group {
                        r.0 = g;
                    }
                });
            }
            State::GroupRecompute(rows, _) => {
                let (id, value, group) = group_change(rand, n, i);
                rows[id as usize].1 = value;
                if let Some(g) = group {
                    rows[id as usize].0 = g;
                }
            }
            State::JoinLive(left, right, _) => {
                let (id, x) = (rand.draw() % n, rand.draw());
                if i.is_multiple_of(2) {
                    left.insert(id, x % n);
                } else {
                    right.insert(id, (id, x % 1000));
                }
            }
            State::JoinRecompute(refs, values, _) => {
                let (id, x) = (rand.draw() % n, rand.draw());
                if i.is_multiple_of(2) {
                    refs[id as usize] = x % n;
                } else {
                    values[id as usize] = x % 1000;
                }
            }
        }
        self.observe();
    }

    /// Brings the result up to date: a read of the live query, or the recomputation.
    fn observe(&mut self) {
        match &mut self.state {
            State::Top50Live(_, q) => drop(q.as_ref().map(LiveQuery::len)),
            State::FilterLive(_, q) => drop(q.as_ref().map(LiveQuery::len)),
            State::GroupLive(_, q) => drop(q.as_ref().map(LiveQuery::len)),
            State::JoinLive(_, _, q) => drop(q.as_ref().map(LiveQuery::len)),
            State::Top50Recompute(scores, out) => {
                let mut all: Vec<(u32, u64)> = scores
                    .iter()
                    .enumerate()
                    .map(|(id, s)| (id as u32, *s))
                    .collect();
                let k = all.len().min(50);
                if k < all.len() {
                    all.select_nth_unstable_by(k, |a, b| b.1.cmp(&a.1));
                    all.truncate(k);
                }
                all.sort_unstable_by_key(|a| std::cmp::Reverse(a.1));
                *out = all;
            }
            State::FilterRecompute(rows, out) => {
                let mut kept: Vec<(u64, u32)> = rows
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.1)
                    .map(|(id, r)| (r.0, id as u32))
                    .collect();
                kept.sort_unstable();
                *out = kept.into_iter().map(|(_, id)| id).collect();
            }
            State::GroupRecompute(rows, out) => {
                let mut groups = vec![(0_i64, 0_i128); 1000];
                for (group, value) in rows.iter() {
                    let g = &mut groups[*group as usize];
                    g.0 += 1;
                    g.1 += i128::from(*value);
                }
                *out = groups;
            }
            State::JoinRecompute(refs, values, out) => {
                *out = refs
                    .iter()
                    .enumerate()
                    .map(|(lid, r)| (lid as u32, *r, values[*r as usize]))
                    .collect();
            }
        }
    }

    /// The final result folded into 32 bits, as `query.mjs` folds its own; 0 on
    /// [`Engine::Source`], which has no result.
    pub fn digest(&self) -> u32 {
        match &self.state {
            State::Top50Live(_, None)
            | State::FilterLive(_, None)
            | State::GroupLive(_, None)
            | State::JoinLive(_, _, None) => 0,
            State::Top50Live(_, Some(q)) => q
                .rows()
                .iter()
                .fold(0, |h, (id, s)| hash_score(hash_step(h, *id), *s)),
            State::Top50Recompute(_, top) => top
                .iter()
                .fold(0, |h, (id, s)| hash_score(hash_step(h, *id), *s)),
            State::FilterLive(_, Some(q)) => {
                let keys = q.keys();
                keys.iter()
                    .fold(keys.len() as u32, |h, id| hash_step(h, *id))
            }
            State::FilterRecompute(_, ids) => {
                ids.iter().fold(ids.len() as u32, |h, id| hash_step(h, *id))
            }
            State::GroupLive(_, Some(q)) => q.rows().iter().fold(0, |h, (g, s)| {
                hash_step(hash_step(hash_step(h, *g), s.count as u32), s.sum as u32)
            }),
            State::GroupRecompute(_, groups) => groups
                .iter()
                .enumerate()
                .filter(|(_, g)| g.0 > 0)
                .fold(0, |h, (g, (count, sum))| {
                    hash_step(
                        hash_step(hash_step(h, g as u32), *count as u32),
                        *sum as u32,
                    )
                }),
            State::JoinLive(_, _, Some(q)) => q.rows().iter().fold(0, |h, ((lid, rid), (_, v))| {
                hash_step(hash_step(hash_step(h, *lid), *rid), v.1)
            }),
            State::JoinRecompute(_, _, pairs) => pairs.iter().fold(0, |h, (lid, rid, v)| {
                hash_step(hash_step(hash_step(h, *lid), *rid), *v)
            }),
        }
    }

    /// How many source rows the run holds (both sides of a join).
    pub fn source_rows(&self) -> usize {
        match &self.state {
            State::JoinLive(..) | State::JoinRecompute(..) => 2 * self.n as usize,
            _ => self.n as usize,
        }
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        if let Some(owner) = self.owner.take() {
            owner.dispose();
        }
    }
}

fn top50_change(rand: &mut Lcg, n: u32, i: u64) -> (u32, u64) {
    let id = rand.draw() % n;
    let score = if i.is_multiple_of(4) {
        ((1 << 31) + i) * SHIFT + u64::from(id)
    } else {
        u64::from(rand.draw()) * SHIFT + u64::from(id)
    };
    (id, score)
}

/// `Some(score)`: update row `id`; `None`: insert row `id` (its score drawn by the caller).
fn filter_change(rand: &mut Lcg, n: u32, i: u64) -> (u32, Option<u64>) {
    if i.is_multiple_of(2) {
        let id = rand.draw() % n;
        (id, Some(u64::from(rand.draw()) * SHIFT + u64::from(id)))
    } else {
        (n + (i >> 1) as u32, None)
    }
}

fn group_change(rand: &mut Lcg, n: u32, i: u64) -> (u32, u32, Option<u32>) {
    let id = rand.draw() % n;
    let value = rand.draw() % 1000;
    let group = (i.is_multiple_of(4)).then(|| rand.draw() % 1000);
    (id, value, group)
}

/// The number of changes `report --check` makes (as `query.mjs --check` does).
pub const CHECK_CHANGES: usize = 200;

/// Builds every workload at the check size on both engines, makes the same changes, and
/// returns `(workload, live digest, recomputed digest)`.
pub fn check_digests() -> Vec<(&'static str, u32, u32)> {
    WORKLOADS
        .iter()
        .map(|&w| {
            let n = rows(w, Size::Check);
            let mut live = Run::build(w, n, Engine::Live);
            let mut again = Run::build(w, n, Engine::Recompute);
            for _ in 0..CHECK_CHANGES {
                live.change();
                again.change();
            }
            (w, live.digest(), again.digest())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workload_gives_the_recomputed_result_after_its_changes() {
        for (workload, live, recomputed) in check_digests() {
            assert_eq!(live, recomputed, "{workload}");
        }
    }
}
