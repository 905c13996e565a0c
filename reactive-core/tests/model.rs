//! Model-based test: random graphs of signals, memos (with dynamic branches) and effects, driven
//! by random writes and batches, checked after every step against a from-scratch recomputation.
//!
//! Checked after each step:
//! - every memo's value equals the reference value computed from the signals alone;
//! - every effect's last observation equals what it would observe now (nothing missed), and
//!   every observation made during the step was consistent with the final signal values
//!   (no glitch: an effect never sees a mix of old and new values);
//! - each effect ran at most once and each memo computed at most once per step.

use std::cell::RefCell;
use std::rc::Rc;

use proptest::prelude::*;
use reactive_core::*;

/// A computed node: reads `cond`; if its value is even, sums `even`, else `odd`.
#[derive(Clone, Debug)]
struct Branch {
    cond: usize,
    even: Vec<usize>,
    odd: Vec<usize>,
}

#[derive(Clone, Debug)]
struct Spec {
    signals: Vec<i64>,
    /// Memo `j` is node `signals.len() + j` and reads only lower-numbered nodes.
    memos: Vec<Branch>,
    effects: Vec<Branch>,
}

#[derive(Clone, Debug)]
enum Op {
    Set(usize, i64),
    SetIfChanged(usize, i64),
    Batch(Vec<(usize, i64)>),
}

fn branch(max_node: usize) -> impl Strategy<Value = Branch> {
    let node = 0..max_node;
    (
        node.clone(),
        prop::collection::vec(node.clone(), 0..4),
        prop::collection::vec(node, 0..4),
    )
        .prop_map(|(cond, even, odd)| Branch { cond, even, odd })
}

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..6, 0usize..12, 0usize..6).prop_flat_map(|(ns, nm, ne)| {
        let signals = prop::collection::vec(-3i64..4, ns);
        let memos: Vec<_> = (0..nm).map(|j| branch(ns + j)).collect();
        let effects = prop::collection::vec(branch(ns + nm), ne);
        (signals, memos, effects).prop_map(|(signals, memos, effects)| Spec {
            signals,
            memos,
            effects,
        })
    })
}

fn ops(ns: usize) -> impl Strategy<Value = Vec<Op>> {
    let write = (0..ns, -3i64..4);
    let op = prop_oneof![
        write.clone().prop_map(|(i, v)| Op::Set(i, v)),
        write.clone().prop_map(|(i, v)| Op::SetIfChanged(i, v)),
        prop::collection::vec(write, 1..5).prop_map(Op::Batch),
    ];
    prop::collection::vec(op, 1..25)
}

/// The memo body: small modulus, so equal results (and cut-offs) are frequent.
fn combine(j: usize, cond: i64, even: bool, sum: i64) -> i64 {
    let j = j as i64;
    if even {
        (sum + j + cond).rem_euclid(5)
    } else {
        (sum * 3 - j).rem_euclid(5)
    }
}

/// From-scratch values of every node (signals then memos).
fn reference(spec: &Spec, signals: &[i64]) -> Vec<i64> {
    let mut v = signals.to_vec();
    for (j, m) in spec.memos.iter().enumerate() {
        let c = v[m.cond];
        let even = c.rem_euclid(2) == 0;
        let src = if even { &m.even } else { &m.odd };
        let sum: i64 = src.iter().map(|&i| v[i]).sum();
        v.push(combine(j, c, even, sum));
    }
    v
}

/// What an effect observes given node values: the (node, value) pairs it reads.
fn observe(b: &Branch, read: impl Fn(usize) -> i64) -> Vec<(usize, i64)> {
    let c = read(b.cond);
    let mut seen = vec![(b.cond, c)];
    let src = if c.rem_euclid(2) == 0 {
        &b.even
    } else {
        &b.odd
    };
    seen.extend(src.iter().map(|&i| (i, read(i))));
    seen
}

/// What an effect reads: (node, value) pairs.
type Observation = Vec<(usize, i64)>;

/// Per effect, every observation made during the current step.
type Observations = Rc<RefCell<Vec<Vec<Observation>>>>;

#[derive(Clone, Copy)]
enum Handle {
    Signal(Signal<i64>),
    Memo(Memo<i64>),
}

impl Handle {
    fn get(self) -> i64 {
        match self {
            Handle::Signal(s) => s.get(),
            Handle::Memo(m) => m.get(),
        }
    }
}

fn run_case(spec: &Spec, ops: &[Op]) -> Result<(), TestCaseError> {
    let ((), root) = create_root(|| -> () {});
    let result = root.run_in(|| check_case(spec, ops));
    root.dispose();
    prop_assert_eq!(
        Runtime::node_count(),
        0,
        "everything disposed with the root"
    );
    result
}

fn check_case(spec: &Spec, ops: &[Op]) -> Result<(), TestCaseError> {
    let mut handles: Vec<Handle> = spec
        .signals
        .iter()
        .map(|&v| Handle::Signal(Signal::new(v)))
        .collect();
    let memo_runs = Rc::new(RefCell::new(vec![0usize; spec.memos.len()]));
    for (j, m) in spec.memos.iter().enumerate() {
        let (m, deps, runs) = (m.clone(), handles.clone(), memo_runs.clone());
        handles.push(Handle::Memo(Memo::new(move || {
            runs.borrow_mut()[j] += 1;
            let c = deps[m.cond].get();
            let even = c.rem_euclid(2) == 0;
            let src = if even { &m.even } else { &m.odd };
            let sum: i64 = src.iter().map(|&i| deps[i].get()).sum();
            combine(j, c, even, sum)
        })));
    }
    // Per effect: every observation made during the current step.
    let observed: Observations = Rc::new(RefCell::new(vec![Vec::new(); spec.effects.len()]));
    let mut last: Vec<Vec<(usize, i64)>> = Vec::new();
    for (k, b) in spec.effects.iter().enumerate() {
        let (b, deps, obs) = (b.clone(), handles.clone(), observed.clone());
        Effect::new(move || {
            let seen = observe(&b, |i| deps[i].get());
            obs.borrow_mut()[k].push(seen);
        });
        let first = observed.borrow_mut()[k]
            .pop()
            .expect("effects run on creation");
        last.push(first);
    }
    let mut signals = spec.signals.clone();
    let signal = |i: usize| match handles[i] {
        Handle::Signal(s) => s,
        Handle::Memo(_) => unreachable!(),
    };
    for op in ops {
        memo_runs.borrow_mut().iter_mut().for_each(|r| *r = 0);
        match op {
            Op::Set(i, v) => {
                signal(*i).set(*v);
                signals[*i] = *v;
            }
            Op::SetIfChanged(i, v) => {
                let changed = signal(*i).set_if_changed(*v);
                prop_assert_eq!(changed, signals[*i] != *v);
                signals[*i] = *v;
            }
            Op::Batch(writes) => batch(|| {
                for &(i, v) in writes {
                    signal(i).set(v);
                    signals[i] = v;
                }
            }),
        }
        let expected = reference(spec, &signals);
        for (k, b) in spec.effects.iter().enumerate() {
            let runs = std::mem::take(&mut observed.borrow_mut()[k]);
            prop_assert!(
                runs.len() <= 1,
                "effect {} ran {} times in one step",
                k,
                runs.len()
            );
            let now = observe(b, |i| expected[i]);
            if let Some(seen) = runs.into_iter().next() {
                prop_assert_eq!(&seen, &now, "effect {} saw an inconsistent state", k);
                last[k] = seen;
            }
            prop_assert_eq!(&last[k], &now, "effect {} missed an update", k);
        }
        for (n, h) in handles.iter().enumerate() {
            prop_assert_eq!(
                h.get(),
                expected[n],
                "node {} differs from the reference",
                n
            );
        }
        for (j, &r) in memo_runs.borrow().iter().enumerate() {
            prop_assert!(r <= 1, "memo {} computed {} times in one step", j, r);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        max_shrink_iters: 20_000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn graph_matches_a_from_scratch_recomputation_after_every_step(
        (spec, ops) in spec().prop_flat_map(|s| { let n = s.signals.len(); (Just(s), ops(n)) })
    ) {
        run_case(&spec, &ops)?;
    }
}
