// The benchmark machines of benches/machine.rs under XState v5 (from tests/xstate; run
// `npm ci --prefix tests/xstate` first): transitions per second and heap bytes per running
// actor. `node --expose-gc benches/xstate.cjs` (from reactive-machine/); with `--json` it prints
// `[{"machine", "per_second", "bytes"}]` (the benchmark report reads it), with `--quick` fewer events.
'use strict';
const path = require('path');
const fs = require('fs');
const { createMachine, createActor } = require(path.join(__dirname, '../tests/xstate/node_modules/xstate'));

const MACHINES = [['flat', ['NEXT']], ['deep', ['NEXT']], ['parallel', ['NEXT']], ['history', ['NEXT', 'OUT', 'BACK']]];
const JSON_OUT = process.argv.includes('--json');
const EVENTS = process.argv.includes('--quick') ? 40000 : 200000;
const results = [];
const ACTORS = 1000;

for (const [name, events] of MACHINES) {
  const config = JSON.parse(fs.readFileSync(path.join(__dirname, 'machines', `${name}.json`), 'utf8'));
  const machine = createMachine(config);
  const actor = createActor(machine).start();
  const send = (n) => { for (let i = 0; i < n; i++) actor.send({ type: events[i % events.length] }); };
  send(20000); // warm up the JIT
  const t0 = process.hrtime.bigint();
  send(EVENTS);
  const ns = Number(process.hrtime.bigint() - t0);
  let bytes = NaN;
  if (global.gc) {
    global.gc();
    const before = process.memoryUsage().heapUsed;
    const actors = [];
    for (let i = 0; i < ACTORS; i++) actors.push(createActor(machine).start());
    global.gc();
    bytes = (process.memoryUsage().heapUsed - before) / ACTORS;
    actors.length = 0;
  }
  const perSecond = EVENTS / (ns / 1e9);
  results.push({ machine: name, per_second: perSecond, bytes: Number.isNaN(bytes) ? null : bytes });
  if (!JSON_OUT) console.log(`${name.padStart(10)}: ${perSecond.toFixed(0)} transitions/s, ${bytes.toFixed(0)} bytes per actor`);
}
if (JSON_OUT) console.log(JSON.stringify(results));
