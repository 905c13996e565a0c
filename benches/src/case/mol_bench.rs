//! molBench: two signals, a memo returning a fresh list each time, branches that are read only
//! sometimes, and three effects logging what they see. One `iter()` is two batches; the timed
//! unit is [`CALLS`](super::kairo::CALLS) calls of it.

use std::cell::RefCell;
use std::rc::Rc;

use super::kairo::IterInstance;
use super::{Counter, Instance, Scale, hard};
use crate::adapter::{Fresh, Reactive};

/// One item of `D`'s list.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Item {
    x: i64,
}

/// What the effects push in one iteration: H, I after the first batch, then H, I again.
const EXPECTED_PUSHED: [i64; 4] = [3204, 1607, 3201, 1604];

/// Evaluations per iteration of C, D, E, F, G and runs of the effects H, I, J.
const EXPECTED_RUNS: [u64; 8] = [2, 2, 1, 2, 2, 2, 2, 0];

pub(super) fn instantiate<L: Reactive>(scale: Scale) -> Box<dyn Instance> {
    Box::new(IterInstance::<L>::build(scale, build::<L>))
}

fn build<L: Reactive>() -> Box<dyn FnMut()> {
    let runs: [Counter; 8] = Default::default();
    let [
        c_runs,
        d_runs,
        e_runs,
        f_runs,
        g_runs,
        h_runs,
        i_runs,
        j_runs,
    ] = runs.clone();
    let pushed = Rc::new(RefCell::new(Vec::with_capacity(4)));

    let a = L::signal(0i64);
    let b = L::signal(0i64);
    let c = L::memo(move || {
        c_runs.bump();
        L::read(a) % 2 + L::read(b) % 2
    });
    let d = L::memo(move || {
        d_runs.bump();
        let (a, b) = (L::read(a) % 2, L::read(b) % 2);
        Fresh::new((0..5).map(|i| Item { x: i + a - b }).collect::<Vec<_>>())
    });
    let e = L::memo(move || {
        e_runs.bump();
        hard(L::read_memo(c) + L::read(a) + L::read_memo(d)[0].x)
    });
    let f = L::memo(move || {
        f_runs.bump();
        let x = L::read_memo(d)[2].x;
        hard(if x != 0 { x } else { L::read(b) })
    });
    let g = L::memo(move || {
        g_runs.bump();
        let c = L::read_memo(c);
        let c_or_e = if c != 0 { c } else { L::read_memo(e) % 2 };
        c + c_or_e + L::read_memo(d)[4].x + L::read_memo(f)
    });
    {
        let pushed = Rc::clone(&pushed);
        L::effect(move || {
            h_runs.bump();
            pushed.borrow_mut().push(hard(L::read_memo(g)));
        });
    }
    {
        let pushed = Rc::clone(&pushed);
        L::effect(move || {
            i_runs.bump();
            pushed.borrow_mut().push(L::read_memo(g));
        });
    }
    {
        let pushed = Rc::clone(&pushed);
        L::effect(move || {
            j_runs.bump();
            pushed.borrow_mut().push(hard(L::read_memo(f)));
        });
    }

    let mut i = 0i64;
    Box::new(move || {
        pushed.borrow_mut().clear();
        runs.iter().for_each(Counter::reset);
        L::batch(|| {
            L::write(b, 1);
            L::write(a, 1 + i * 2);
        });
        L::batch(|| {
            L::write(a, 2 + i * 2);
            L::write(b, 2);
        });
        i += 1;
        assert_eq!(
            pushed.borrow().as_slice(),
            EXPECTED_PUSHED,
            "values pushed by the effects H, I (first batch), H, I (second batch)"
        );
        assert_eq!(
            runs.each_ref().map(Counter::get),
            EXPECTED_RUNS,
            "evaluations of C, D, E, F, G and runs of H, I, J per iter"
        );
    })
}

#[cfg(test)]
mod tests {
    use crate::adapter::Reactive;
    use crate::case::Kind;

    fn run_mol_bench<L: Reactive>() {
        crate::case::run_selected_cases::<L>(|case| matches!(case.kind, Kind::MolBench));
    }

    crate::library_tests!(mol_bench_passes_its_checks, run_mol_bench);
}
