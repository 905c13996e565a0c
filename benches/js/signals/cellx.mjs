// The cellx layered-graph cases.

import { expectEq, fail, fw } from './harness.mjs';

const CELLX_EXPECTED = {
  1000: { before: [-3, -6, -2, 2], after: [-2, -4, 2, 3] },
  2500: { before: [-3, -6, -2, 2], after: [-2, -4, 2, 3] },
  5000: { before: [2, 4, -1, -6], after: [-2, 1, -4, -4] },
};

function sameValues(actual, expected) {
  return actual.length === expected.length && actual.every((v, i) => v === expected[i]);
}

export function cellxCase(layers) {
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
