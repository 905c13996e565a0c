// Creation and update micro cases.

import { expectEq, fail, fw } from './harness.mjs';

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

export function createSignalsCase() {
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

export const CREATE_COMPUTATIONS = [
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

export const UPDATE_SIGNALS = [
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
