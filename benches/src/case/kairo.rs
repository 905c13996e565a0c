//! The eight kairo cases. Each builds its graph once and returns `iter()`; the timed unit is
//! [`CALLS`] calls of it. Every `iter()` checks the values it reads and its run counts.
//!
//! Each `iter()` that counts runs first writes 1 and resets its counter, so every counted write
//! changes the head (a write of the head's current value would notify nothing).

use std::rc::Rc;

use super::{Counter, Instance, Rooted, Scale, busy};
use crate::adapter::{Fresh, Reactive, Source};

/// Calls of `iter()` per timed unit.
pub const CALLS: usize = 500;

/// One of the eight kairo cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KairoCase {
    /// A memo that always returns 0 shields an expensive chain behind it.
    AvoidablePropagation,
    /// 50 branches from one head, each with an effect.
    BroadPropagation,
    /// A chain of 50 memos with an effect at the tail.
    DeepPropagation,
    /// Five memos from one head joined by a sum.
    Diamond,
    /// 100 signals gathered into one memo and split again.
    Mux,
    /// One memo reading the head 30 times.
    RepeatedObservers,
    /// A chain whose every node is also read by a final sum.
    Triangle,
    /// A memo whose sources change with the head's parity.
    Unstable,
}

impl KairoCase {
    /// All kairo cases, in report order.
    pub const ALL: [KairoCase; 8] = [
        KairoCase::AvoidablePropagation,
        KairoCase::BroadPropagation,
        KairoCase::DeepPropagation,
        KairoCase::Diamond,
        KairoCase::Mux,
        KairoCase::RepeatedObservers,
        KairoCase::Triangle,
        KairoCase::Unstable,
    ];

    /// The case's name, as on the JavaScript side.
    pub fn name(self) -> &'static str {
        match self {
            KairoCase::AvoidablePropagation => "avoidablePropagation",
            KairoCase::BroadPropagation => "broadPropagation",
            KairoCase::DeepPropagation => "deepPropagation",
            KairoCase::Diamond => "diamond",
            KairoCase::Mux => "mux",
            KairoCase::RepeatedObservers => "repeatedObservers",
            KairoCase::Triangle => "triangle",
            KairoCase::Unstable => "unstable",
        }
    }
}

/// A built graph and its `iter()`, run [`CALLS`] times (at full scale) per unit.
pub(crate) struct IterInstance<L: Reactive> {
    calls: usize,
    iter: Box<dyn FnMut()>,
    // Dropped after `iter`, which holds handles into it.
    _root: Rooted<L>,
}

impl<L: Reactive> IterInstance<L> {
    /// Builds the graph under a new root.
    pub(crate) fn build(scale: Scale, build: impl FnOnce() -> Box<dyn FnMut()>) -> Self {
        let (iter, root) = L::root(build);
        IterInstance {
            calls: scale.of(CALLS),
            iter,
            _root: Rooted::new(root),
        }
    }
}

impl<L: Reactive> Instance for IterInstance<L> {
    fn unit(&mut self) {
        for _ in 0..self.calls {
            (self.iter)();
        }
    }
}

pub(super) fn instantiate<L: Reactive>(case: KairoCase, scale: Scale) -> Box<dyn Instance> {
    let build = match case {
        KairoCase::AvoidablePropagation => avoidable_propagation::<L>,
        KairoCase::BroadPropagation => broad_propagation::<L>,
        KairoCase::DeepPropagation => deep_propagation::<L>,
        KairoCase::Diamond => diamond::<L>,
        KairoCase::Mux => mux::<L>,
        KairoCase::RepeatedObservers => repeated_observers::<L>,
        KairoCase::Triangle => triangle::<L>,
        KairoCase::Unstable => unstable::<L>,
    };
    Box::new(IterInstance::<L>::build(scale, build))
}

/// Writes `value` to `signal` in a batch of its own.
fn write_batched<L: Reactive>(signal: L::Signal<i64>, value: i64) {
    L::batch(|| L::write(signal, value));
}

fn avoidable_propagation<L: Reactive>() -> Box<dyn FnMut()> {
    let runs: [Counter; 6] = Default::default();
    let [c1_runs, c2_runs, c3_runs, c4_runs, c5_runs, effect_runs] = runs.clone();
    let head = L::signal(0i64);
    let c1 = L::memo(move || {
        c1_runs.bump();
        L::read(head)
    });
    let c2 = L::memo(move || {
        c2_runs.bump();
        L::read_memo(c1);
        0i64
    });
    let c3 = L::memo(move || {
        c3_runs.bump();
        busy();
        L::read_memo(c2) + 1
    });
    let c4 = L::memo(move || {
        c4_runs.bump();
        L::read_memo(c3) + 2
    });
    let c5 = L::memo(move || {
        c5_runs.bump();
        L::read_memo(c4) + 3
    });
    L::effect(move || {
        effect_runs.bump();
        L::read_memo(c5);
        busy();
    });

    Box::new(move || {
        runs.iter().for_each(Counter::reset);
        write_batched::<L>(head, 1);
        assert_eq!(L::read_memo(c5), 6, "c5 after write 1");
        for i in 0..1000 {
            write_batched::<L>(head, i);
            assert_eq!(L::read_memo(c5), 6, "c5 after write {i}");
        }
        let counts = runs.each_ref().map(Counter::get);
        assert_eq!(
            counts,
            [1001, 1001, 0, 0, 0, 0],
            "evaluations of c1..c5 and effect runs per iter"
        );
    })
}

fn broad_propagation<L: Reactive>() -> Box<dyn FnMut()> {
    const WIDTH: i64 = 50;
    let head = L::signal(0i64);
    let effect_runs = Counter::default();
    let mut last = None;
    for i in 0..WIDTH {
        let a = L::memo(move || L::read(head) + i);
        let b = L::memo(move || L::read_memo(a) + 1);
        let runs = effect_runs.clone();
        L::effect(move || {
            L::read_memo(b);
            runs.bump();
        });
        last = Some(b);
    }
    let last = last.expect("WIDTH > 0");

    Box::new(move || {
        write_batched::<L>(head, 1);
        effect_runs.reset();
        for i in 0..WIDTH {
            write_batched::<L>(head, i);
            assert_eq!(L::read_memo(last), i + WIDTH, "last b after write {i}");
        }
        assert_eq!(
            effect_runs.get(),
            (WIDTH * WIDTH) as u64,
            "effect runs per iter"
        );
    })
}

fn deep_propagation<L: Reactive>() -> Box<dyn FnMut()> {
    const LEN: i64 = 50;
    let head = L::signal(0i64);
    let mut tail = Source::<L, i64>::Signal(head);
    for _ in 0..LEN {
        let previous = tail;
        tail = Source::Memo(L::memo(move || previous.read() + 1));
    }
    let effect_runs = Counter::default();
    let runs = effect_runs.clone();
    L::effect(move || {
        tail.read();
        runs.bump();
    });

    Box::new(move || {
        write_batched::<L>(head, 1);
        effect_runs.reset();
        for i in 0..LEN {
            write_batched::<L>(head, i);
            assert_eq!(tail.read(), LEN + i, "tail after write {i}");
        }
        assert_eq!(effect_runs.get(), LEN as u64, "effect runs per iter");
    })
}

fn diamond<L: Reactive>() -> Box<dyn FnMut()> {
    const WIDTH: i64 = 5;
    const WRITES: i64 = 500;
    let head = L::signal(0i64);
    let branches: Vec<_> = (0..WIDTH)
        .map(|_| L::memo(move || L::read(head) + 1))
        .collect();
    let sum = L::memo(move || {
        branches
            .iter()
            .map(|&branch| L::read_memo(branch))
            .sum::<i64>()
    });
    let effect_runs = Counter::default();
    let runs = effect_runs.clone();
    L::effect(move || {
        L::read_memo(sum);
        runs.bump();
    });

    Box::new(move || {
        write_batched::<L>(head, 1);
        assert_eq!(L::read_memo(sum), 2 * WIDTH, "sum after write 1");
        effect_runs.reset();
        for i in 0..WRITES {
            write_batched::<L>(head, i);
            assert_eq!(L::read_memo(sum), (i + 1) * WIDTH, "sum after write {i}");
        }
        assert_eq!(effect_runs.get(), WRITES as u64, "effect runs per iter");
    })
}

fn mux<L: Reactive>() -> Box<dyn FnMut()> {
    const N: usize = 100;
    let heads: Rc<[L::Signal<i64>]> = (0..N).map(|_| L::signal(0i64)).collect();
    // The index → value list, rebuilt on every change: a fresh `Vec` here, a fresh array in
    // the JavaScript harness (the same structure on both sides).
    let all = {
        let heads = Rc::clone(&heads);
        L::memo(move || Fresh::new(heads.iter().map(|&head| L::read(head)).collect::<Vec<_>>()))
    };
    let split: Vec<_> = (0..N)
        .map(|i| {
            let pick = L::memo(move || L::read_memo(all)[i]);
            let plus_one = L::memo(move || L::read_memo(pick) + 1);
            L::effect(move || {
                L::read_memo(plus_one);
            });
            plus_one
        })
        .collect();

    Box::new(move || {
        for i in 0..10 {
            write_batched::<L>(heads[i], i as i64);
            assert_eq!(L::read_memo(split[i]), i as i64 + 1, "split[{i}]");
        }
        for i in 0..10 {
            write_batched::<L>(heads[i], 2 * i as i64);
            assert_eq!(L::read_memo(split[i]), 2 * i as i64 + 1, "split[{i}]");
        }
    })
}

fn repeated_observers<L: Reactive>() -> Box<dyn FnMut()> {
    const SIZE: i64 = 30;
    const WRITES: i64 = 100;
    let head = L::signal(0i64);
    let current = L::memo(move || (0..SIZE).map(|_| L::read(head)).sum::<i64>());
    let effect_runs = Counter::default();
    let runs = effect_runs.clone();
    L::effect(move || {
        L::read_memo(current);
        runs.bump();
    });

    Box::new(move || {
        write_batched::<L>(head, 1);
        assert_eq!(L::read_memo(current), SIZE, "value after write 1");
        effect_runs.reset();
        for i in 0..WRITES {
            write_batched::<L>(head, i);
            assert_eq!(L::read_memo(current), i * SIZE, "value after write {i}");
        }
        assert_eq!(effect_runs.get(), WRITES as u64, "effect runs per iter");
    })
}

fn triangle<L: Reactive>() -> Box<dyn FnMut()> {
    const WIDTH: i64 = 10;
    const WRITES: i64 = 100;
    let head = L::signal(0i64);
    // [head, c1, …, c9] with c_k = c_{k-1} + 1.
    let mut list = vec![Source::<L, i64>::Signal(head)];
    for _ in 1..WIDTH {
        let previous = *list.last().expect("list starts with head");
        list.push(Source::Memo(L::memo(move || previous.read() + 1)));
    }
    let sum = L::memo(move || list.iter().map(Source::read).sum::<i64>());
    let effect_runs = Counter::default();
    let runs = effect_runs.clone();
    L::effect(move || {
        L::read_memo(sum);
        runs.bump();
    });

    Box::new(move || {
        write_batched::<L>(head, 1);
        assert_eq!(L::read_memo(sum), 55, "sum after write 1");
        effect_runs.reset();
        for i in 0..WRITES {
            write_batched::<L>(head, i);
            assert_eq!(L::read_memo(sum), 10 * i + 45, "sum after write {i}");
        }
        assert_eq!(effect_runs.get(), WRITES as u64, "effect runs per iter");
    })
}

fn unstable<L: Reactive>() -> Box<dyn FnMut()> {
    const WRITES: i64 = 100;
    let head = L::signal(0i64);
    let double = L::memo(move || L::read(head) * 2);
    let inverse = L::memo(move || -L::read(head));
    let current = L::memo(move || {
        let mut result = 0;
        for _ in 0..20 {
            result += if L::read(head) % 2 != 0 {
                L::read_memo(double)
            } else {
                L::read_memo(inverse)
            };
        }
        result
    });
    let effect_runs = Counter::default();
    let runs = effect_runs.clone();
    L::effect(move || {
        L::read_memo(current);
        runs.bump();
    });

    Box::new(move || {
        write_batched::<L>(head, 1);
        assert_eq!(L::read_memo(current), 40, "current after write 1");
        effect_runs.reset();
        for i in 0..WRITES {
            write_batched::<L>(head, i);
        }
        // The last write is 99 (odd): 20 × 2 × 99.
        assert_eq!(L::read_memo(current), 3960, "current after the last write");
        assert_eq!(effect_runs.get(), WRITES as u64, "effect runs per iter");
    })
}

#[cfg(test)]
mod tests {
    use crate::adapter::Reactive;
    use crate::case::Kind;

    fn run_every_kairo_case<L: Reactive>() {
        crate::case::run_selected_cases::<L>(|case| matches!(case.kind, Kind::Kairo(_)));
    }

    crate::library_tests!(every_kairo_case_passes_its_checks, run_every_kairo_case);
}
