// Reference reactivity benchmark: the cases of /work/shared/design/benchmarks.md
// run on alien-signals under Node.
//
//   node bench.mjs            readable table (case, median ms)
//   node bench.mjs --json     JSON array only: [{"case", "median_ns", "samples"}]
//   node bench.mjs --quick    fewer samples (all checks still run)
//   node bench.mjs --check    every case once, all checks, no timing
//   node bench.mjs --filter <text>   only cases whose name contains <text>
//
// Every case verifies its results; a wrong answer aborts the run with a
// non-zero exit code and a message naming the case.

import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { signal, computed, effect, startBatch, endBatch } from 'alien-signals';

// ---------------------------------------------------------------------------
// Adapter. The cases below only talk to the library through these four
// operations, mirroring the adapter of the Rust implementation.
//
//   signal(v)   -> { read(), write(v) }
//   computed(f) -> { read() }
//   effect(f)   -> dispose function; f must return undefined (alien-signals
//                  treats a returned function as a cleanup callback)
//   batch(f)    -> runs f inside startBatch/endBatch
// ---------------------------------------------------------------------------

const framework = {
  name: 'alien-signals',
  signal(initial) {
    const s = signal(initial);
    // The bound accessor reads when called without arguments and writes
    // when called with one.
    return { read: s, write: s };
  },
  computed(fn) {
    return { read: computed(fn) };
  },
  effect(fn) {
    return effect(fn);
  },
  batch(fn) {
    startBatch();
    try {
      fn();
    } finally {
      endBatch();
    }
  },
};

const fw = framework;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

class CheckError extends Error {}
class UsageError extends Error {}

let currentCase = '(setup)';

function fail(message) {
  throw new CheckError(`${currentCase}: ${message}`);
}

function expectEq(actual, expected, what) {
  if (actual !== expected) {
    fail(`${what}: expected ${expected}, got ${actual}`);
  }
}

// A loop counting to 100 whose result is kept observable so it cannot be
// optimised away.
let busySink = 0;
function busy() {
  let a = 0;
  for (let i = 0; i < 100; i++) {
    a++;
  }
  busySink += a;
}

function fib(n) {
  return n < 2 ? 1 : fib(n - 1) + fib(n - 2);
}

function hard(n) {
  return n + fib(16);
}

// ---------------------------------------------------------------------------
// Kairo cases. Each builds its graph once and returns iter(); the timed unit
// is KAIRO_CALLS calls of iter().
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// cellx
// ---------------------------------------------------------------------------

const CELLX_EXPECTED = {
  1000: { before: [-3, -6, -2, 2], after: [-2, -4, 2, 3] },
  2500: { before: [-3, -6, -2, 2], after: [-2, -4, 2, 3] },
  5000: { before: [2, 4, -1, -6], after: [-2, 1, -4, -4] },
};

function sameValues(actual, expected) {
  return actual.length === expected.length && actual.every((v, i) => v === expected[i]);
}

function cellxCase(layers) {
  const name = `cellx${layers}`;
  const expected = CELLX_EXPECTED[layers];
  return {
    name,
    group: 'cellx',
    unitLabel: 'read / batch write / read',
    create() {
      let computedRuns = 0;
      let effectRuns = 0;
      const start = {
        p1: fw.signal(1),
        p2: fw.signal(2),
        p3: fw.signal(3),
        p4: fw.signal(4),
      };
      let layer = start;
      for (let l = 0; l < layers; l++) {
        const m = layer;
        const next = {
          p1: fw.computed(() => {
            computedRuns++;
            return m.p2.read();
          }),
          p2: fw.computed(() => {
            computedRuns++;
            return m.p1.read() - m.p3.read();
          }),
          p3: fw.computed(() => {
            computedRuns++;
            return m.p2.read() + m.p4.read();
          }),
          p4: fw.computed(() => {
            computedRuns++;
            return m.p3.read();
          }),
        };
        fw.effect(() => {
          effectRuns++;
          next.p1.read();
        });
        fw.effect(() => {
          effectRuns++;
          next.p2.read();
        });
        fw.effect(() => {
          effectRuns++;
          next.p3.read();
        });
        fw.effect(() => {
          effectRuns++;
          next.p4.read();
        });
        layer = next;
      }
      const end = layer;
      const readEnd = () => [end.p1.read(), end.p2.read(), end.p3.read(), end.p4.read()];

      let before = null;
      let after = null;

      const checkRuns = (what) => {
        expectEq(computedRuns, 4 * layers, `computed runs for ${what}`);
        expectEq(effectRuns, 4 * layers, `effect runs for ${what}`);
      };

      return {
        before() {
          computedRuns = 0;
          effectRuns = 0;
        },
        unit() {
          before = readEnd();
          fw.batch(() => {
            start.p1.write(4);
            start.p2.write(3);
            start.p3.write(2);
            start.p4.write(1);
          });
          after = readEnd();
        },
        after() {
          if (!sameValues(before, expected.before)) {
            fail(`end values before the write: expected [${expected.before}], got [${before}]`);
          }
          if (!sameValues(after, expected.after)) {
            fail(`end values after the write: expected [${expected.after}], got [${after}]`);
          }
          checkRuns('the write (4, 3, 2, 1)');
          // Restore the start values for the next sample (untimed).
          computedRuns = 0;
          effectRuns = 0;
          fw.batch(() => {
            start.p1.write(1);
            start.p2.write(2);
            start.p3.write(3);
            start.p4.write(4);
          });
          checkRuns('the restoring write (1, 2, 3, 4)');
          const restored = readEnd();
          if (!sameValues(restored, expected.before)) {
            fail(`end values after restoring: expected [${expected.before}], got [${restored}]`);
          }
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Dynamic graphs
// ---------------------------------------------------------------------------

// Pseudo-random generator: xmur3a string hash seeding sfc32.
function makeRandom(seed) {
  let h = 2166136261 | 0;
  for (let i = 0; i < seed.length; i++) {
    let k = Math.imul(seed.charCodeAt(i), 3432918353);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 461845907);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 3864292196) | 0;
  }
  h ^= seed.length;
  const hash = () => {
    h ^= h >>> 16;
    h = Math.imul(h, 2246822507);
    h ^= h >>> 13;
    h = Math.imul(h, 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
  let a = hash() | 0;
  let b = hash() | 0;
  let c = hash() | 0;
  let d = hash() | 0;
  return () => {
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

let graphEvaluations = 0;

function staticNode(deps) {
  return fw.computed(() => {
    graphEvaluations++;
    let sum = 0;
    for (let i = 0; i < deps.length; i++) sum += deps[i].read();
    return sum;
  });
}

function dynamicNode(deps) {
  const first = deps[0];
  const tail = deps.slice(1);
  return fw.computed(() => {
    graphEvaluations++;
    let sum = first.read();
    // `sum & 1` is the parity of sum mod 2^32 (exact integers here).
    const skip = sum & 1;
    const skipIndex = sum % tail.length;
    for (let i = 0; i < tail.length; i++) {
      if (skip && i === skipIndex) continue;
      sum += tail[i].read();
    }
    return sum;
  });
}

function buildGraph({ nSources, width, layers, staticFraction, readFraction }) {
  graphEvaluations = 0;
  const random = makeRandom('seed');
  const sources = [];
  for (let i = 0; i < width; i++) sources.push(fw.signal(i));
  let prev = sources;
  for (let r = 0; r < layers - 1; r++) {
    const row = [];
    for (let j = 0; j < width; j++) {
      const deps = [];
      for (let k = 0; k < nSources; k++) deps.push(prev[(j + k) % width]);
      row.push(random() < staticFraction ? staticNode(deps) : dynamicNode(deps));
    }
    prev = row;
  }
  const leaves = prev.slice();
  const leafRandom = makeRandom('seed');
  const removeCount = Math.round(width * (1 - readFraction));
  for (let n = 0; n < removeCount; n++) {
    leaves.splice(Math.floor(leafRandom() * leaves.length), 1);
  }
  const dispose = fw.effect(() => {
    for (let i = 0; i < leaves.length; i++) leaves[i].read();
  });
  return { sources, leaves, dispose };
}

function runGraph(graph, iterations) {
  const { sources, leaves } = graph;
  const width = sources.length;
  for (let i = 0; i < iterations; i++) {
    const index = i % width;
    fw.batch(() => sources[index].write(i + index));
    for (let l = 0; l < leaves.length; l++) leaves[l].read();
  }
  let sum = 0;
  for (let l = 0; l < leaves.length; l++) sum += leaves[l].read();
  return sum;
}

// Small checks: a fresh graph, run once; the count includes the evaluations
// made while building (the effect's first run).
function graphResult(config, iterations) {
  const graph = buildGraph(config);
  const sum = runGraph(graph, iterations);
  graph.dispose();
  return { sum, count: graphEvaluations };
}

const DYNAMIC_CASES = [
  { title: '2-10x5 - lazy80%', nSources: 2, width: 10, layers: 5, staticFraction: 1, readFraction: 0.2, iterations: 600000, sum: 19199968, count: 3480000 },
  { title: '6-10x10 - dyn25% - lazy80%', nSources: 6, width: 10, layers: 10, staticFraction: 0.75, readFraction: 0.2, iterations: 15000, sum: 302310782860, count: 1155000 },
  { title: '4-1000x12 - dyn5%', nSources: 4, width: 1000, layers: 12, staticFraction: 0.95, readFraction: 1, iterations: 7000, sum: 29355933696000, count: 1463000 },
  { title: '25-1000x5', nSources: 25, width: 1000, layers: 5, staticFraction: 1, readFraction: 1, iterations: 3000, sum: 1171484375000, count: 732000 },
  { title: '3-5x500', nSources: 3, width: 5, layers: 500, staticFraction: 1, readFraction: 1, iterations: 500, sum: 3.0239642676898464e241, count: 1246500 },
  { title: '6-100x15 - dyn50%', nSources: 6, width: 100, layers: 15, staticFraction: 0.5, readFraction: 1, iterations: 2000, sum: 15664996402790400, count: 1078000 },
];

const DYNAMIC_SMALL_CHECKS = [
  { what: '3 wide, 3 layers, 2 sources, static, 2 iterations', config: { nSources: 2, width: 3, layers: 3, staticFraction: 1, readFraction: 1 }, iterations: 2, sum: 16, count: 11 },
  { what: '3 wide, 3 layers, 2 sources, static, read 2/3, 10 iterations', config: { nSources: 2, width: 3, layers: 3, staticFraction: 1, readFraction: 2 / 3 }, iterations: 10, sum: 72, count: 41 },
  { what: '4 wide, 2 layers, 2 sources, static 0.5, 10 iterations', config: { nSources: 2, width: 4, layers: 2, staticFraction: 0.5, readFraction: 1 }, iterations: 10, sum: 72, count: 22 },
];

function runDynamicSmallChecks() {
  currentCase = 'dynamic graph small checks';
  for (const check of DYNAMIC_SMALL_CHECKS) {
    const { sum, count } = graphResult(check.config, check.iterations);
    expectEq(sum, check.sum, `${check.what}: sum`);
    expectEq(count, check.count, `${check.what}: count`);
  }
}

// The table's counts are those of a run on a graph that has already been run
// once (the steady state every timed sample sees): the graph is built and
// primed by one untimed run in setup, and the counter is reset before each run.
function dynamicCase(spec) {
  return {
    name: spec.title,
    group: 'dynamic',
    unitLabel: `${spec.iterations} iterations`,
    create() {
      const graph = buildGraph(spec);
      const primed = runGraph(graph, spec.iterations);
      expectEq(primed, spec.sum, 'sum of the leaves (priming run)');
      let sum = 0;
      return {
        before() {
          graphEvaluations = 0;
        },
        unit() {
          sum = runGraph(graph, spec.iterations);
        },
        after() {
          expectEq(sum, spec.sum, 'sum of the leaves');
          expectEq(graphEvaluations, spec.count, 'evaluation count of one run');
        },
        dispose() {
          graph.dispose();
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------
// Creation and update micro cases
// ---------------------------------------------------------------------------

const COUNT = 100000;

// Effects of the micro cases report through these.
let microRuns = 0;
let microAcc = 0;

function makeSources(n) {
  const sources = new Array(n);
  for (let i = 0; i < n; i++) sources[i] = fw.signal(i);
  return sources;
}

// Sum of the initial values 0..n-1.
const triangular = (n) => (n * (n - 1)) / 2;

function createSignalsCase() {
  return {
    name: 'createSignals',
    group: 'micro',
    unitLabel: `${COUNT} signals`,
    create() {
      let sources = null;
      return {
        unit() {
          sources = new Array(COUNT);
          for (let i = 0; i < COUNT; i++) sources[i] = fw.signal(i);
        },
        after() {
          let sum = 0;
          for (let i = 0; i < COUNT; i++) sum += sources[i].read();
          expectEq(sum, triangular(COUNT), 'sum of the created signals');
          sources = null;
        },
      };
    },
  };
}

// Creation: `sourceCount` signals are prepared untimed; the timed unit creates
// `effectCount` effects. Each effect adds the values it reads to microAcc.
function createComputationsCase(suffix, sourceCount, effectCount, makeEffect, expectedAcc) {
  return {
    name: `createComputations${suffix}`,
    group: 'micro',
    unitLabel: `${effectCount} effects`,
    create() {
      let sources = null;
      let disposers = null;
      return {
        before() {
          sources = makeSources(sourceCount);
          disposers = new Array(effectCount);
          microRuns = 0;
          microAcc = 0;
        },
        unit() {
          makeEffect(sources, disposers);
        },
        after() {
          expectEq(microRuns, effectCount, 'effect runs');
          expectEq(microAcc, expectedAcc, 'sum of the values read');
          for (let i = 0; i < disposers.length; i++) disposers[i]();
          sources = null;
          disposers = null;
        },
      };
    },
  };
}

function effect0() {
  return fw.effect(() => {
    microRuns++;
  });
}

function effect1(s) {
  return fw.effect(() => {
    microRuns++;
    microAcc += s.read();
  });
}

function effect2(s1, s2) {
  return fw.effect(() => {
    microRuns++;
    microAcc += s1.read() + s2.read();
  });
}

function effect4(s1, s2, s3, s4) {
  return fw.effect(() => {
    microRuns++;
    microAcc += s1.read() + s2.read() + s3.read() + s4.read();
  });
}

function effect1000(sources, offset) {
  return fw.effect(() => {
    microRuns++;
    let sum = 0;
    for (let i = 0; i < 1000; i++) sum += sources[offset + i].read();
    microAcc += sum;
  });
}

function sharedEffects(fanOut) {
  const signals = COUNT / fanOut;
  return createComputationsCase(
    `1to${fanOut}`,
    signals,
    COUNT,
    (sources, disposers) => {
      let k = 0;
      for (let i = 0; i < signals; i++) {
        const s = sources[i];
        for (let j = 0; j < fanOut; j++) disposers[k++] = effect1(s);
      }
    },
    fanOut * triangular(signals),
  );
}

const CREATE_COMPUTATIONS = [
  createComputationsCase('0to1', 0, COUNT, (sources, disposers) => {
    for (let i = 0; i < COUNT; i++) disposers[i] = effect0();
  }, 0),
  createComputationsCase('1to1', COUNT, COUNT, (sources, disposers) => {
    for (let i = 0; i < COUNT; i++) disposers[i] = effect1(sources[i]);
  }, triangular(COUNT)),
  createComputationsCase('2to1', COUNT, COUNT / 2, (sources, disposers) => {
    for (let i = 0; i < COUNT / 2; i++) {
      disposers[i] = effect2(sources[2 * i], sources[2 * i + 1]);
    }
  }, triangular(COUNT)),
  createComputationsCase('4to1', COUNT, COUNT / 4, (sources, disposers) => {
    for (let i = 0; i < COUNT / 4; i++) {
      disposers[i] = effect4(sources[4 * i], sources[4 * i + 1], sources[4 * i + 2], sources[4 * i + 3]);
    }
  }, triangular(COUNT)),
  createComputationsCase('1000to1', COUNT, COUNT / 1000, (sources, disposers) => {
    for (let i = 0; i < COUNT / 1000; i++) disposers[i] = effect1000(sources, i * 1000);
  }, triangular(COUNT)),
  sharedEffects(2),
  sharedEffects(4),
  sharedEffects(8),
  sharedEffects(1000),
];

// Update: signals s_k = k are prepared untimed; the timed unit creates the
// effects and performs `writes` batched writes of s0 = 1, 2, ..., writes (every
// write is a change). Each effect stores the sum it read in microAcc.
function updateCase(suffix, sourceCount, effectCount, writes, makeEffects) {
  // Final sum seen by an effect: s0 = writes plus s1..s(n-1) = 1..n-1.
  const expectedAcc = writes + triangular(sourceCount);
  return {
    name: `updateSignals${suffix}`,
    group: 'micro',
    unitLabel: `${writes} writes`,
    create() {
      let sources = null;
      let disposers = null;
      return {
        before() {
          sources = makeSources(sourceCount);
          disposers = [];
          microRuns = 0;
          microAcc = -1;
        },
        unit() {
          makeEffects(sources, disposers);
          const s0 = sources[0];
          for (let i = 1; i <= writes; i++) {
            fw.batch(() => s0.write(i));
          }
        },
        after() {
          expectEq(microRuns, effectCount * (writes + 1), 'effect runs');
          expectEq(microAcc, expectedAcc, 'value seen by the effects after the last write');
          for (let i = 0; i < disposers.length; i++) disposers[i]();
          sources = null;
          disposers = null;
        },
      };
    },
  };
}

function storingEffect(read) {
  return fw.effect(() => {
    microRuns++;
    microAcc = read();
  });
}

function fanOutUpdate(fanOut, writes) {
  return updateCase(`1to${fanOut}`, 1, fanOut, writes, (sources, disposers) => {
    const s0 = sources[0];
    for (let j = 0; j < fanOut; j++) disposers.push(storingEffect(() => s0.read()));
  });
}

const UPDATE_SIGNALS = [
  updateCase('1to1', 1, 1, 400000, (sources, disposers) => {
    const s0 = sources[0];
    disposers.push(storingEffect(() => s0.read()));
  }),
  updateCase('2to1', 2, 1, 200000, (sources, disposers) => {
    const [s0, s1] = sources;
    disposers.push(storingEffect(() => s0.read() + s1.read()));
  }),
  updateCase('4to1', 4, 1, 100000, (sources, disposers) => {
    const [s0, s1, s2, s3] = sources;
    disposers.push(storingEffect(() => s0.read() + s1.read() + s2.read() + s3.read()));
  }),
  updateCase('1000to1', 1000, 1, 400, (sources, disposers) => {
    disposers.push(
      storingEffect(() => {
        let sum = 0;
        for (let i = 0; i < 1000; i++) sum += sources[i].read();
        return sum;
      }),
    );
  }),
  fanOutUpdate(2, 100000),
  fanOutUpdate(4, 100000),
  fanOutUpdate(1000, 10000),
];

// ---------------------------------------------------------------------------
// Case list (names shared with the Rust implementation)
// ---------------------------------------------------------------------------

const CASES = [
  iterCase('avoidablePropagation', avoidablePropagation),
  iterCase('broadPropagation', broadPropagation),
  iterCase('deepPropagation', deepPropagation),
  iterCase('diamond', diamond),
  iterCase('mux', mux),
  iterCase('repeatedObservers', repeatedObservers),
  iterCase('triangle', triangle),
  iterCase('unstable', unstable),
  iterCase('molBench', molBench),
  cellxCase(1000),
  cellxCase(2500),
  cellxCase(5000),
  ...DYNAMIC_CASES.map(dynamicCase),
  createSignalsCase(),
  ...CREATE_COMPUTATIONS,
  ...UPDATE_SIGNALS,
];

// Warm-up units and timed samples per group.
const PLAN = {
  full: {
    kairo: { warmup: 3, samples: 15 },
    cellx: { warmup: 20, samples: 51 },
    dynamic: { warmup: 1, samples: 7 },
    micro: { warmup: 3, samples: 11 },
  },
  quick: {
    kairo: { warmup: 1, samples: 3 },
    cellx: { warmup: 2, samples: 5 },
    dynamic: { warmup: 0, samples: 1 },
    micro: { warmup: 1, samples: 3 },
  },
};

// ---------------------------------------------------------------------------
// Runner
// ---------------------------------------------------------------------------

function getGc() {
  if (typeof globalThis.gc === 'function') return globalThis.gc;
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc');
    if (typeof gc === 'function') return gc;
  } catch {
    // fall through: run without explicit collections
  }
  return () => {};
}

const collectGarbage = getGc();

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function runOnce(instance) {
  instance.before?.();
  instance.unit();
  instance.after?.();
}

function measure(benchCase, plan) {
  const instance = benchCase.create();
  for (let w = 0; w < plan.warmup; w++) runOnce(instance);
  const times = [];
  for (let s = 0; s < plan.samples; s++) {
    instance.before?.();
    collectGarbage();
    const t0 = process.hrtime.bigint();
    instance.unit();
    const t1 = process.hrtime.bigint();
    instance.after?.();
    times.push(Number(t1 - t0));
  }
  instance.dispose?.();
  return { median_ns: median(times), min_ns: Math.min(...times), samples: times.length };
}

const USAGE = 'usage: node bench.mjs [--json] [--quick] [--check] [--filter <text>]';

function parseArgs(argv) {
  const options = { json: false, quick: false, check: false, filter: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--json') options.json = true;
    else if (arg === '--quick') options.quick = true;
    else if (arg === '--check') options.check = true;
    else if (arg === '--filter') options.filter = argv[++i] ?? '';
    else if (arg === '--help' || arg === '-h') options.help = true;
    else throw new UsageError(`unknown argument: ${arg}`);
  }
  return options;
}

function libraryVersion() {
  try {
    const url = new URL('./node_modules/alien-signals/package.json', import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

function pad(text, width, right = false) {
  const s = String(text);
  return right ? s.padStart(width) : s.padEnd(width);
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const cases = options.filter
    ? CASES.filter((c) => c.name.includes(options.filter))
    : CASES;
  if (cases.length === 0) throw new UsageError(`no case matches --filter ${options.filter}`);
  const log = options.json ? () => {} : (line) => console.log(line);
  const started = process.hrtime.bigint();

  log(`${framework.name} ${libraryVersion()} on Node ${process.version}`);
  runDynamicSmallChecks();

  if (options.check) {
    for (const benchCase of cases) {
      currentCase = benchCase.name;
      const instance = benchCase.create();
      runOnce(instance);
      instance.dispose?.();
      log(`ok  ${benchCase.name}`);
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    log(`all ${cases.length} cases passed (${seconds.toFixed(1)} s)`);
    if (options.json) {
      console.log(JSON.stringify(cases.map((c) => ({ case: c.name, ok: true }))));
    }
    return;
  }

  const plans = options.quick ? PLAN.quick : PLAN.full;
  const results = [];
  const nameWidth = Math.max(...cases.map((c) => c.name.length));
  log('');
  log(`${pad('case', nameWidth)}  ${pad('median ms', 12, true)}  ${pad('min ms', 12, true)}  samples  timed unit`);
  log(`${'-'.repeat(nameWidth)}  ${'-'.repeat(12)}  ${'-'.repeat(12)}  -------  ----------`);
  for (const benchCase of cases) {
    currentCase = benchCase.name;
    const r = measure(benchCase, plans[benchCase.group]);
    results.push({ case: benchCase.name, median_ns: r.median_ns, samples: r.samples });
    log(
      `${pad(benchCase.name, nameWidth)}  ${pad((r.median_ns / 1e6).toFixed(3), 12, true)}  ` +
        `${pad((r.min_ns / 1e6).toFixed(3), 12, true)}  ${pad(r.samples, 7, true)}  ${benchCase.unitLabel}`,
    );
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  log('');
  log(`all checks passed; ${cases.length} cases in ${seconds.toFixed(1)} s`);
  if (options.json) console.log(JSON.stringify(results, null, 2));
}

try {
  main();
} catch (error) {
  if (error instanceof CheckError) {
    console.error(`FAIL ${error.message}`);
  } else if (error instanceof UsageError) {
    console.error(`${error.message}\n${USAGE}`);
  } else {
    console.error(`ERROR in ${currentCase}:`, error);
  }
  process.exitCode = 1;
}
