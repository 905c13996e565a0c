// The harness every case of bench.mjs shares: the adapter to the library (the cases only talk
// to alien-signals through it, mirroring the adapter of the Rust implementation), the check
// helpers, and the small workloads some cases run inside their nodes.

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

export const framework = {
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

export const fw = framework;

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

export class CheckError extends Error {}
export class UsageError extends Error {}

let currentCase = '(setup)';

/** Names the case that the next failed check reports. */
export function setCurrentCase(name) {
  currentCase = name;
}

/** The case that is running (for error messages). */
export function runningCase() {
  return currentCase;
}

export function fail(message) {
  throw new CheckError(`${currentCase}: ${message}`);
}

export function expectEq(actual, expected, what) {
  if (actual !== expected) {
    fail(`${what}: expected ${expected}, got ${actual}`);
  }
}

// A loop counting to 100 whose result is kept observable so it cannot be
// optimised away.
let busySink = 0;
export function busy() {
  let a = 0;
  for (let i = 0; i < 100; i++) {
    a++;
  }
  busySink += a;
}

export function fib(n) {
  return n < 2 ? 1 : fib(n - 1) + fib(n - 2);
}

export function hard(n) {
  return n + fib(16);
}
