//! Property test: random batches of writes against recomputing every query from scratch with
//! iterators, checking the result and that the change lists replay to it.

#[path = "support/shapes.rs"]
mod shapes;

use proptest::prelude::*;
use reactive_query::GroupStats;
use shapes::{Fixture, Op, Player, Team};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

fn player() -> impl Strategy<Value = Player> {
    (prop::option::of(0u8..4), -5i64..20, 0u8..3).prop_map(|(grp, score, payload)| Player {
        grp,
        score,
        payload,
    })
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u16..24, prop::option::weighted(0.75, player())).prop_map(|(k, p)| Op::Player(k, p)),
        2 => (0u16..8, prop::option::weighted(0.75, (prop::option::of(0u8..4), 0i64..3)))
            .prop_map(|(k, t)| Op::Team(k, t.map(|(grp, tag)| Team { grp, tag }))),
        1 => (-5i64..20).prop_map(Op::Threshold),
        1 => (0usize..8).prop_map(Op::Offset),
        1 => prop::option::of(0usize..8).prop_map(Op::Limit),
    ]
}

fn aggregate(scores: &[i64]) -> GroupStats {
    GroupStats {
        count: scores.len() as i64,
        sum: scores.iter().map(|&s| i128::from(s)).sum(),
        min: *scores.iter().min().unwrap(),
        max: *scores.iter().max().unwrap(),
    }
}

fn groups(
    players: &[(u16, Player)],
    keep: impl Fn(&Player) -> bool,
) -> Vec<(Option<u8>, GroupStats)> {
    let mut by: BTreeMap<Option<u8>, Vec<i64>> = BTreeMap::new();
    for (_, p) in players.iter().filter(|(_, p)| keep(p)) {
        by.entry(p.grp).or_default().push(p.score);
    }
    by.into_iter().map(|(g, s)| (g, aggregate(&s))).collect()
}

fn check_all(f: &mut Fixture) {
    let players = f.players.to_vec();
    let teams = f.teams.to_vec();
    let threshold = f.threshold.get_untracked();
    let offset = f.offset.get_untracked();
    let limit = f.limit.get_untracked();

    let mut top: Vec<(u16, Player)> = players
        .iter()
        .copied()
        .filter(|(_, p)| p.score > threshold)
        .collect();
    top.sort_by_key(|(k, p)| (Reverse(p.score), *k));
    let top = top
        .into_iter()
        .skip(offset)
        .take(limit.unwrap_or(usize::MAX))
        .collect();
    f.top.check("top", top);

    let mut projected: Vec<_> = players
        .iter()
        .map(|(k, p)| (*k, (p.grp, p.score)))
        .collect();
    projected.sort_by_key(|(k, p)| (p.1, *k));
    f.projected.check("projected", projected);

    f.groups.check("groups", groups(&players, |_| true));

    let mut biggest = groups(&players, |p| p.score >= 0);
    biggest.sort_by_key(|(g, a)| (Reverse(a.count), *g));
    biggest.truncate(3);
    f.biggest_groups.check("biggest groups", biggest);

    let distinct: BTreeSet<Option<u8>> = players.iter().map(|(_, p)| p.grp).collect();
    f.distinct
        .check("distinct", distinct.into_iter().map(|g| (g, ())).collect());

    let mut inner = Vec::new();
    let mut left = Vec::new();
    for (k, p) in &players {
        let matches: Vec<_> = teams
            .iter()
            .filter(|(_, t)| p.grp.is_some() && t.grp == p.grp)
            .collect();
        for (k2, t) in &matches {
            inner.push(((*k, *k2), (*p, *t)));
            left.push(((*k, Some(*k2)), (*p, Some(*t))));
        }
        if matches.is_empty() {
            left.push(((*k, None), (*p, None)));
        }
    }
    inner.sort_by_key(|(k, _)| *k);
    left.sort_by_key(|(k, _)| *k);
    f.inner.check("inner join", inner);
    f.left.check("left join", left);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn every_query_equals_recomputing_it_and_its_change_lists_replay(
        batches in prop::collection::vec(prop::collection::vec(op(), 0..6), 1..30)
    ) {
        let mut f = Fixture::new();
        check_all(&mut f);
        for ops in &batches {
            f.apply(ops);
            check_all(&mut f);
        }
    }
}
