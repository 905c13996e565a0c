// Runs machine configs under XState v5 and prints what happened, for reactive-machine's
// differential test (tests/differential.rs). Reads from stdin a JSON array of cases
// `{ "config": <XState JSON>, "steps": [{ "send": "E" } | { "wait": ms }] }` and prints a JSON
// array with one trace per case: after the start and after each step, the state value, the
// context, the names of the actions run in that step in order, and whether the machine is
// done (`"error": "livelock"` ends a trace: a macrostep that does not settle within 1,000
// microsteps here; reactive-machine gives up after 10,000, and either way the trace ends).
//
// The named guards and actions are a fixed vocabulary, implemented alike in the Rust test:
//   action `log.<x>`      records its name only
//   action `inc.<field>`  context[field] += 1
//   action `raise.<E>`    raises event E (internal queue)
//   guard  `even.<field>` context[field] is even
//   guard  `lt.<field>.<n>` context[field] < n
// Every action records its own name in the log when it runs.
'use strict';
const { createMachine, createActor, assign, raise, SimulatedClock } = require('xstate');

function collectNames(config, out) {
  if (Array.isArray(config)) { config.forEach((c) => collectNames(c, out)); return; }
  if (!config || typeof config !== 'object') return;
  for (const [key, value] of Object.entries(config)) {
    if (key === 'actions' || key === 'entry' || key === 'exit') {
      for (const a of [].concat(value)) out.actions.add(typeof a === 'string' ? a : a.type);
    } else if (key === 'guard') {
      out.guards.add(typeof value === 'string' ? value : value.type);
    } else {
      collectNames(value, out);
    }
  }
}

function implementations(config, log) {
  const names = { actions: new Set(), guards: new Set() };
  collectNames(config, names);
  const actions = {};
  for (const name of names.actions) {
    const [kind, arg] = [name.split('.')[0], name.slice(name.indexOf('.') + 1)];
    const record = () => log.push(name);
    if (kind === 'inc') {
      actions[name] = [record, assign({ [arg]: ({ context }) => (context[arg] ?? 0) + 1 })];
    } else if (kind === 'raise') {
      actions[name] = [record, raise({ type: arg })];
    } else {
      actions[name] = record;
    }
  }
  const guards = {};
  for (const name of names.guards) {
    const parts = name.split('.');
    if (parts[0] === 'even') guards[name] = ({ context }) => (context[parts[1]] ?? 0) % 2 === 0;
    else if (parts[0] === 'lt') guards[name] = ({ context }) => (context[parts[1]] ?? 0) < Number(parts[2]);
    else throw new Error(`unknown guard ${name}`);
  }
  return { actions, guards };
}

function runCase({ config, steps }) {
  const log = [];
  const impl = implementations(config, log);
  // `inc.x` and `raise.X` are an action that records plus a built-in: XState accepts arrays
  // only in the config, so the config's references are expanded here.
  const expand = (c) => {
    if (Array.isArray(c)) return c.map(expand);
    if (!c || typeof c !== 'object') return c;
    const out = {};
    for (const [k, v] of Object.entries(c)) {
      if (k === 'actions' || k === 'entry' || k === 'exit') {
        out[k] = [].concat(v).flatMap((a) => {
          const name = typeof a === 'string' ? a : a.type;
          const i = impl.actions[name];
          return Array.isArray(i) ? i : [name];
        });
      } else out[k] = expand(v);
    }
    return out;
  };
  const machine = createMachine({ ...expand(config), options: { maxIterations: 1000 } }, {
    actions: Object.fromEntries(Object.entries(impl.actions).filter(([, v]) => !Array.isArray(v))),
    guards: impl.guards,
  });
  const clock = new SimulatedClock();
  const actor = createActor(machine, { clock });
  let failed = null;
  actor.subscribe({ error: (e) => { failed = e; } });
  const trace = [];
  const record = () => {
    const snap = actor.getSnapshot();
    if (failed || snap.status === 'error') {
      trace.push({ error: 'livelock' });
      return false;
    }
    trace.push({ value: snap.value, context: snap.context, log: log.splice(0), done: snap.status === 'done' });
    return true;
  };
  try { actor.start(); } catch (e) { failed = e; }
  if (!record()) return trace;
  for (const step of steps) {
    try {
      if ('send' in step) actor.send({ type: step.send });
      else clock.increment(step.wait);
    } catch (e) { failed = e; }
    if (!record()) break;
  }
  return trace;
}

let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const cases = JSON.parse(input);
  process.stdout.write(JSON.stringify(cases.map(runCase)));
});
