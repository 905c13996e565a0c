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
import { CheckError, UsageError, framework, runningCase, setCurrentCase } from './signals/harness.mjs';
import { KAIRO_CASES } from './signals/kairo.mjs';
import { cellxCase } from './signals/cellx.mjs';
import { DYNAMIC_CASES, dynamicCase, runDynamicSmallChecks } from './signals/dynamic.mjs';
import { CREATE_COMPUTATIONS, UPDATE_SIGNALS, createSignalsCase } from './signals/micro.mjs';

// ---------------------------------------------------------------------------
// Case list (names shared with the Rust implementation)
// ---------------------------------------------------------------------------

const CASES = [
  ...KAIRO_CASES,
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
      setCurrentCase(benchCase.name);
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
    setCurrentCase(benchCase.name);
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
    console.error(`ERROR in ${runningCase()}:`, error);
  }
  process.exitCode = 1;
}

