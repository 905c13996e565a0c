// The dynamic graphs: seeded random layered graphs, some nodes reading a varying subset of
// their sources.

import { expectEq, fail, fw, setCurrentCase } from './harness.mjs';

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

export const DYNAMIC_CASES = [
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

export function runDynamicSmallChecks() {
  setCurrentCase('dynamic graph small checks');
  for (const check of DYNAMIC_SMALL_CHECKS) {
    const { sum, count } = graphResult(check.config, check.iterations);
    expectEq(sum, check.sum, `${check.what}: sum`);
    expectEq(count, check.count, `${check.what}: count`);
  }
}

// The table's counts are those of a run on a graph that has already been run
// once (the steady state every timed sample sees): the graph is built and
// primed by one untimed run in setup, and the counter is reset before each run.
export function dynamicCase(spec) {
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
