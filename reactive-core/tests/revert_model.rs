//! Property test of the revert rule (issue 11, item 2) against a naive model.
//!
//! Random static graphs (signals; memos summing some signals modulo 3, so equal recomputations
//! are common; effects reading some signals and some memos) receive random steps: a lone write,
//! or a batch of writes that often write a signal back to where it was. The model knows only the
//! values before and after each step: a signal changed if its final value differs from its
//! value before the step, or if the step wrote it with `set` (which always notifies). From that
//! it predicts exactly which memos recompute (a source changed) and which effects run (a signal
//! source changed, or a memo source's value changed), and the engine must match it step by step.

use std::cell::Cell;
use std::rc::Rc;

use proptest::prelude::*;
use reactive_core::*;

#[derive(Clone, Debug)]
struct Spec {
    signals: Vec<i64>,
    /// Memo `j` sums these signals, modulo 3.
    memos: Vec<Vec<usize>>,
    /// Effect `k` reads these signals and these memos.
    effects: Vec<(Vec<usize>, Vec<usize>)>,
}

#[derive(Clone, Copy, Debug)]
enum Write {
    /// `set_if_changed`
    Compare(usize, i64),
    /// `update_if_changed`
    UpdateCompare(usize, i64),
    /// `set`: always a change
    Force(usize, i64),
}

#[derive(Clone, Debug)]
enum Step {
    Alone(Write),
    Batch(Vec<Write>),
}

fn spec() -> impl Strategy<Value = Spec> {
    (1usize..5, 0usize..5, 1usize..5).prop_flat_map(|(ns, nm, ne)| {
        let signals = prop::collection::vec(0i64..3, ns);
        let memos = prop::collection::vec(prop::collection::vec(0..ns, 1..4), nm);
        let effects = prop::collection::vec(
            (
                prop::collection::vec(0..ns, 0..3),
                prop::collection::vec(0..nm.max(1), 0..3)
                    .prop_map(move |v| if nm == 0 { Vec::new() } else { v }),
            ),
            ne,
        );
        (signals, memos, effects).prop_map(|(signals, memos, effects)| Spec {
            signals,
            memos,
            effects,
        })
    })
}

fn write(ns: usize) -> impl Strategy<Value = Write> {
    prop_oneof![
        6 => (0..ns, 0i64..3).prop_map(|(i, v)| Write::Compare(i, v)),
        2 => (0..ns, 0i64..3).prop_map(|(i, v)| Write::UpdateCompare(i, v)),
        1 => (0..ns, 0i64..3).prop_map(|(i, v)| Write::Force(i, v)),
    ]
}

fn case() -> impl Strategy<Value = (Spec, Vec<Step>)> {
    spec().prop_flat_map(|spec| {
        let ns = spec.signals.len();
        let step = prop_oneof![
            1 => write(ns).prop_map(Step::Alone),
            4 => prop::collection::vec(write(ns), 1..8).prop_map(Step::Batch),
        ];
        (Just(spec), prop::collection::vec(step, 1..25))
    })
}

fn memo_value(sources: &[usize], values: &[i64]) -> i64 {
    sources.iter().map(|&i| values[i]).sum::<i64>() % 3
}

fn apply(signals: &[Signal<i64>], w: Write) {
    match w {
        Write::Compare(i, v) => {
            signals[i].set_if_changed(v);
        }
        Write::UpdateCompare(i, v) => {
            signals[i].update_if_changed(|x| *x = v);
        }
        Write::Force(i, v) => signals[i].set(v),
    }
}

fn check(spec: &Spec, steps: &[Step]) -> Result<(), TestCaseError> {
    let ((signals, memos, computes, runs), root) = create_root(|| {
        let signals: Vec<Signal<i64>> = spec.signals.iter().map(|&v| Signal::new(v)).collect();
        let computes: Vec<Rc<Cell<u32>>> = spec.memos.iter().map(|_| Rc::default()).collect();
        let memos: Vec<Memo<i64>> = spec
            .memos
            .iter()
            .zip(&computes)
            .map(|(sources, count)| {
                let (sources, count) = (sources.clone(), count.clone());
                let signals = signals.clone();
                Memo::new(move || {
                    count.set(count.get() + 1);
                    sources.iter().map(|&i| signals[i].get()).sum::<i64>() % 3
                })
            })
            .collect();
        let runs: Vec<Rc<Cell<u32>>> = spec.effects.iter().map(|_| Rc::default()).collect();
        for ((read_signals, read_memos), count) in spec.effects.iter().zip(&runs) {
            let (read_signals, read_memos, count) =
                (read_signals.clone(), read_memos.clone(), count.clone());
            let (signals, memos) = (signals.clone(), memos.clone());
            Effect::new(move || {
                count.set(count.get() + 1);
                for &i in &read_signals {
                    signals[i].get();
                }
                for &j in &read_memos {
                    memos[j].get();
                }
            });
        }
        (signals, memos, computes, runs)
    });
    // Bring every memo up to date, then count from zero.
    for m in &memos {
        m.get();
    }
    let reset = |counts: &[Rc<Cell<u32>>]| counts.iter().for_each(|c| c.set(0));
    let mut values = spec.signals.clone();
    for (n, step) in steps.iter().enumerate() {
        reset(&computes);
        reset(&runs);
        let writes: Vec<Write> = match step {
            Step::Alone(w) => vec![*w],
            Step::Batch(ws) => ws.clone(),
        };
        match step {
            Step::Alone(w) => apply(&signals, *w),
            Step::Batch(ws) => batch(|| ws.iter().for_each(|&w| apply(&signals, w))),
        }
        // Lazy memos no effect reads compute now (their count is part of this step).
        for m in &memos {
            m.get();
        }
        // The model: net change per signal, or forced by `set`.
        let mut after = values.clone();
        let mut forced = vec![false; values.len()];
        for w in &writes {
            match *w {
                Write::Compare(i, v) | Write::UpdateCompare(i, v) => after[i] = v,
                Write::Force(i, v) => {
                    after[i] = v;
                    forced[i] = true;
                }
            }
        }
        let changed: Vec<bool> = (0..values.len())
            .map(|i| forced[i] || after[i] != values[i])
            .collect();
        for (j, sources) in spec.memos.iter().enumerate() {
            let expect = u32::from(sources.iter().any(|&i| changed[i]));
            prop_assert_eq!(
                computes[j].get(),
                expect,
                "step {}: memo {} computations",
                n,
                j
            );
            prop_assert_eq!(memos[j].get(), memo_value(sources, &after));
        }
        for (k, (read_signals, read_memos)) in spec.effects.iter().enumerate() {
            let memo_changed = |j: usize| {
                memo_value(&spec.memos[j], &after) != memo_value(&spec.memos[j], &values)
            };
            let expect = u32::from(
                read_signals.iter().any(|&i| changed[i])
                    || read_memos.iter().any(|&j| memo_changed(j)),
            );
            prop_assert_eq!(runs[k].get(), expect, "step {}: effect {} runs", n, k);
        }
        values = after;
    }
    root.dispose();
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn effects_run_and_memos_recompute_exactly_when_a_batch_changed_something_net(
        (spec, steps) in case()
    ) {
        check(&spec, &steps)?;
    }
}
