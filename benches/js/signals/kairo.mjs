// The kairo cases and molBench: each builds its graph once and returns iter(); the timed unit
// is KAIRO_CALLS calls of iter(). molBench's time is mostly fib(16) in its memos, not signals.

import { busy, expectEq, fail, fw, hard } from './harness.mjs';

const KAIRO_CALLS = 500;

function avoidablePropagation() {
  const runs = { c1: 0, c2: 0, c3: 0, c4: 0, c5: 0, effect: 0 };
  const head = fw.signal(0);
  const c1 = fw.computed(() => {
    runs.c1++;
    return head.read();
  });
  const c2 = fw.computed(() => {
    runs.c2++;
    c1.read();
    return 0;
  });
  const c3 = fw.computed(() => {
    runs.c3++;
    busy();
    return c2.read() + 1;
  });
  const c4 = fw.computed(() => {
    runs.c4++;
    return c3.read() + 2;
  });
  const c5 = fw.computed(() => {
    runs.c5++;
    return c4.read() + 3;
  });
  fw.effect(() => {
    runs.effect++;
    c5.read();
    busy();
  });

  return () => {
    runs.c1 = runs.c2 = runs.c3 = runs.c4 = runs.c5 = runs.effect = 0;
    fw.batch(() => head.write(1));
    expectEq(c5.read(), 6, 'c5 after write 1');
    for (let i = 0; i < 1000; i++) {
      fw.batch(() => head.write(i));
      expectEq(c5.read(), 6, `c5 after write ${i}`);
    }
    expectEq(runs.c1, 1001, 'c1 evaluations per iter');
    expectEq(runs.c2, 1001, 'c2 evaluations per iter');
    expectEq(runs.c3, 0, 'c3 evaluations per iter');
    expectEq(runs.c4, 0, 'c4 evaluations per iter');
    expectEq(runs.c5, 0, 'c5 evaluations per iter');
    expectEq(runs.effect, 0, 'effect runs per iter');
  };
}

function broadPropagation() {
  const WIDTH = 50;
  const head = fw.signal(0);
  let effectRuns = 0;
  let last = null;
  for (let i = 0; i < WIDTH; i++) {
    const a = fw.computed(() => head.read() + i);
    const b = fw.computed(() => a.read() + 1);
    fw.effect(() => {
      b.read();
      effectRuns++;
    });
    last = b;
  }

  return () => {
    fw.batch(() => head.write(1));
    effectRuns = 0;
    for (let i = 0; i < WIDTH; i++) {
      fw.batch(() => head.write(i));
      expectEq(last.read(), i + WIDTH, `last b after write ${i}`);
    }
    expectEq(effectRuns, WIDTH * WIDTH, 'effect runs per iter');
  };
}

function deepPropagation() {
  const LEN = 50;
  const head = fw.signal(0);
  let tail = head;
  for (let i = 0; i < LEN; i++) {
    const prev = tail;
    tail = fw.computed(() => prev.read() + 1);
  }
  const end = tail;
  let effectRuns = 0;
  fw.effect(() => {
    end.read();
    effectRuns++;
  });

  return () => {
    fw.batch(() => head.write(1));
    effectRuns = 0;
    for (let i = 0; i < LEN; i++) {
      fw.batch(() => head.write(i));
      expectEq(end.read(), LEN + i, `tail after write ${i}`);
    }
    expectEq(effectRuns, LEN, 'effect runs per iter');
  };
}

function diamond() {
  const WIDTH = 5;
  const WRITES = 500;
  const head = fw.signal(0);
  const branches = [];
  for (let i = 0; i < WIDTH; i++) {
    branches.push(fw.computed(() => head.read() + 1));
  }
  const sum = fw.computed(() => {
    let total = 0;
    for (let i = 0; i < branches.length; i++) total += branches[i].read();
    return total;
  });
  let effectRuns = 0;
  fw.effect(() => {
    sum.read();
    effectRuns++;
  });

  return () => {
    fw.batch(() => head.write(1));
    expectEq(sum.read(), 2 * WIDTH, 'sum after write 1');
    effectRuns = 0;
    for (let i = 0; i < WRITES; i++) {
      fw.batch(() => head.write(i));
      expectEq(sum.read(), (i + 1) * WIDTH, `sum after write ${i}`);
    }
    expectEq(effectRuns, WRITES, 'effect runs per iter');
  };
}

function mux() {
  const N = 100;
  const heads = [];
  for (let i = 0; i < N; i++) heads.push(fw.signal(0));
  // The index → value list, rebuilt on every change: a fresh array, like the Rust side's
  // fresh `Vec` (the same structure on both sides).
  const all = fw.computed(() => {
    const values = new Array(N);
    for (let i = 0; i < N; i++) values[i] = heads[i].read();
    return values;
  });
  const split = [];
  for (let i = 0; i < N; i++) {
    const pick = fw.computed(() => all.read()[i]);
    const plusOne = fw.computed(() => pick.read() + 1);
    fw.effect(() => {
      plusOne.read();
    });
    split.push(plusOne);
  }

  return () => {
    for (let i = 0; i < 10; i++) {
      fw.batch(() => heads[i].write(i));
      expectEq(split[i].read(), i + 1, `split[${i}] after write ${i}`);
    }
    for (let i = 0; i < 10; i++) {
      fw.batch(() => heads[i].write(i * 2));
      expectEq(split[i].read(), i * 2 + 1, `split[${i}] after write ${i * 2}`);
    }
  };
}

function repeatedObservers() {
  const SIZE = 30;
  const WRITES = 100;
  const head = fw.signal(0);
  const current = fw.computed(() => {
    let result = 0;
    for (let i = 0; i < SIZE; i++) result += head.read();
    return result;
  });
  let effectRuns = 0;
  fw.effect(() => {
    current.read();
    effectRuns++;
  });

  return () => {
    fw.batch(() => head.write(1));
    expectEq(current.read(), SIZE, 'value after write 1');
    effectRuns = 0;
    for (let i = 0; i < WRITES; i++) {
      fw.batch(() => head.write(i));
      expectEq(current.read(), i * SIZE, `value after write ${i}`);
    }
    expectEq(effectRuns, WRITES, 'effect runs per iter');
  };
}

function triangle() {
  const WIDTH = 10;
  const WRITES = 100;
  const head = fw.signal(0);
  const list = [];
  let current = head;
  for (let i = 0; i < WIDTH; i++) {
    const prev = current;
    list.push(current);
    current = fw.computed(() => prev.read() + 1);
  }
  const sum = fw.computed(() => {
    let total = 0;
    for (let i = 0; i < list.length; i++) total += list[i].read();
    return total;
  });
  let effectRuns = 0;
  fw.effect(() => {
    sum.read();
    effectRuns++;
  });

  return () => {
    fw.batch(() => head.write(1));
    expectEq(sum.read(), 55, 'sum after write 1');
    effectRuns = 0;
    for (let i = 0; i < WRITES; i++) {
      fw.batch(() => head.write(i));
      expectEq(sum.read(), 10 * i + 45, `sum after write ${i}`);
    }
    expectEq(effectRuns, WRITES, 'effect runs per iter');
  };
}

function unstable() {
  const WRITES = 100;
  const head = fw.signal(0);
  const double = fw.computed(() => head.read() * 2);
  const inverse = fw.computed(() => -head.read());
  const current = fw.computed(() => {
    let result = 0;
    for (let i = 0; i < 20; i++) {
      result += head.read() % 2 ? double.read() : inverse.read();
    }
    return result;
  });
  let effectRuns = 0;
  fw.effect(() => {
    current.read();
    effectRuns++;
  });

  return () => {
    fw.batch(() => head.write(1));
    expectEq(current.read(), 40, 'current after write 1');
    effectRuns = 0;
    for (let i = 0; i < WRITES; i++) {
      fw.batch(() => head.write(i));
    }
    // last write is 99 (odd): 20 * 2 * 99
    expectEq(current.read(), 3960, 'current after the last write');
    expectEq(effectRuns, WRITES, 'effect runs per iter');
  };
}

// molBench: one iter() is one iteration (two batches).
function molBench() {
  const runs = { C: 0, D: 0, E: 0, F: 0, G: 0, H: 0, I: 0, J: 0 };
  const pushed = [];
  const A = fw.signal(0);
  const B = fw.signal(0);
  const C = fw.computed(() => {
    runs.C++;
    return (A.read() % 2) + (B.read() % 2);
  });
  const D = fw.computed(() => {
    runs.D++;
    const a = A.read() % 2;
    const b = B.read() % 2;
    // A fresh array every time: never equal to the previous value.
    const items = new Array(5);
    for (let i = 0; i < 5; i++) items[i] = { x: i + a - b };
    return items;
  });
  const E = fw.computed(() => {
    runs.E++;
    return hard(C.read() + A.read() + D.read()[0].x);
  });
  const F = fw.computed(() => {
    runs.F++;
    return hard(D.read()[2].x || B.read());
  });
  const G = fw.computed(() => {
    runs.G++;
    return C.read() + (C.read() || E.read() % 2) + D.read()[4].x + F.read();
  });
  fw.effect(() => {
    runs.H++;
    pushed.push(hard(G.read()));
  });
  fw.effect(() => {
    runs.I++;
    pushed.push(G.read());
  });
  fw.effect(() => {
    runs.J++;
    pushed.push(hard(F.read()));
  });

  let i = 0;
  return () => {
    pushed.length = 0;
    runs.C = runs.D = runs.E = runs.F = runs.G = runs.H = runs.I = runs.J = 0;
    fw.batch(() => {
      B.write(1);
      A.write(1 + i * 2);
    });
    fw.batch(() => {
      A.write(2 + i * 2);
      B.write(2);
    });
    i++;
    if (
      pushed.length !== 4 ||
      pushed[0] !== 3204 ||
      pushed[1] !== 1607 ||
      pushed[2] !== 3201 ||
      pushed[3] !== 1604
    ) {
      fail(`pushed values: expected [3204,1607,3201,1604], got [${pushed}]`);
    }
    expectEq(runs.C, 2, 'C evaluations per iter');
    expectEq(runs.D, 2, 'D evaluations per iter');
    expectEq(runs.E, 1, 'E evaluations per iter');
    expectEq(runs.F, 2, 'F evaluations per iter');
    expectEq(runs.G, 2, 'G evaluations per iter');
    expectEq(runs.H, 2, 'H runs per iter');
    expectEq(runs.I, 2, 'I runs per iter');
    expectEq(runs.J, 0, 'J runs per iter');
  };
}

function iterCase(name, build) {
  return {
    name,
    group: 'kairo',
    unitLabel: `${KAIRO_CALLS} x iter()`,
    create() {
      const iter = build();
      return {
        unit() {
          for (let n = 0; n < KAIRO_CALLS; n++) iter();
        },
      };
    },
  };
}

/** The kairo cases and molBench, in the report's order (names shared with the Rust side). */
export const KAIRO_CASES = [
  iterCase('avoidablePropagation', avoidablePropagation),
  iterCase('broadPropagation', broadPropagation),
  iterCase('deepPropagation', deepPropagation),
  iterCase('diamond', diamond),
  iterCase('mux', mux),
  iterCase('repeatedObservers', repeatedObservers),
  iterCase('triangle', triangle),
  iterCase('unstable', unstable),
  iterCase('molBench', molBench),
];
