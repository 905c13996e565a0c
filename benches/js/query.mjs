// The live-query workloads of the benchmark report (`benches/src/query.rs` defines the same
// rows, queries and change sequences) on TanStack DB under Node: time to build the query,
// time per one-row change, heap per source row, and a digest of the final result so the
// report can check that both sides computed the same thing.
//
//   node --expose-gc query.mjs --check   small sizes, digests only (what `report --check` runs)
//   node --expose-gc query.mjs --quick   a tenth of the sizes, JSON on stdout
//   node --expose-gc query.mjs           the sizes, JSON on stdout
import {
  BasicIndex,
  BTreeIndex,
  count,
  createCollection,
  createLiveQueryCollection,
  eq,
  localOnlyCollectionOptions,
  sum,
} from '@tanstack/db'

const args = process.argv.slice(2)
const mode = args.includes('--check') ? 'check' : args.includes('--quick') ? 'quick' : 'full'

// The same generator as `benches::query::Lcg`: a 32-bit LCG, 31 bits out.
function lcg(seed) {
  let state = seed >>> 0
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0
    return state >>> 1
  }
}

const SHIFT = 1048576 // 2^20: a score is `random * 2^20 + id`, so no two rows tie
const hashStep = (h, x) => (Math.imul(h, 31) + (x >>> 0)) >>> 0
// Scores exceed 32 bits: hash their two halves.
const hashScore = (h, s) => hashStep(hashStep(h, Math.floor(s / 4294967296)), s % 4294967296)

let collectionId = 0
function collection(rows) {
  return createCollection(
    localOnlyCollectionOptions({ id: `c${collectionId++}`, getKey: (r) => r.id, initialData: rows }),
  )
}

function heap() {
  if (globalThis.gc) {
    globalThis.gc()
    globalThis.gc()
  }
  return process.memoryUsage().heapUsed
}

// Each workload: rows to start with, the live query, one change, and the digest.
const workloads = {
  top50: {
    size: { full: 100_000, quick: 10_000, check: 2_000 },
    build(n) {
      const rand = lcg(1)
      const rows = Array.from({ length: n }, (_, id) => ({ id, score: rand() * SHIFT + id }))
      const source = collection(rows)
      source.createIndex((r) => r.score, { indexType: BTreeIndex })
      const live = createLiveQueryCollection({
        startSync: true,
        query: (q) =>
          q
            .from({ r: source })
            .orderBy(({ r }) => r.score, 'desc')
            .limit(50),
      })
      const rand2 = lcg(2)
      let i = 0
      return {
        live,
        change() {
          const id = rand2() % n
          const score = i % 4 === 0 ? (2147483648 + i) * SHIFT + id : rand2() * SHIFT + id
          i++
          source.update(id, (d) => {
            d.score = score
          })
        },
        digest() {
          return live.toArray.reduce((h, r) => hashScore(hashStep(h, r.id), r.score), 0)
        },
      }
    },
  },
  filter_sort: {
    size: { full: 1_000_000, quick: 100_000, check: 2_000 },
    build(n) {
      const rand = lcg(3)
      const rows = Array.from({ length: n }, (_, id) => ({
        id,
        score: rand() * SHIFT + id,
        on: rand() % 2 === 0,
      }))
      const source = collection(rows)
      source.createIndex((r) => r.score, { indexType: BTreeIndex })
      source.createIndex((r) => r.on, { indexType: BasicIndex })
      const live = createLiveQueryCollection({
        startSync: true,
        query: (q) =>
          q
            .from({ r: source })
            .where(({ r }) => eq(r.on, true))
            .orderBy(({ r }) => r.score, 'asc'),
      })
      const rand2 = lcg(4)
      let i = 0
      return {
        live,
        change() {
          if (i % 2 === 0) {
            const id = rand2() % n
            const score = rand2() * SHIFT + id
            source.update(id, (d) => {
              d.score = score
            })
          } else {
            const id = n + (i >> 1)
            source.insert({ id, score: rand2() * SHIFT + id, on: true })
          }
          i++
        },
        digest() {
          return live.toArray.reduce((h, r) => hashStep(h, r.id), live.size)
        },
      }
    },
  },
  group_by: {
    size: { full: 1_000_000, quick: 100_000, check: 2_000 },
    build(n) {
      const rand = lcg(5)
      const rows = Array.from({ length: n }, (_, id) => ({
        id,
        group: rand() % 1000,
        value: rand() % 1000,
      }))
      const source = collection(rows)
      const live = createLiveQueryCollection({
        startSync: true,
        query: (q) =>
          q
            .from({ r: source })
            .groupBy(({ r }) => r.group)
            .select(({ r }) => ({ group: r.group, count: count(r.id), total: sum(r.value) })),
      })
      const rand2 = lcg(6)
      let i = 0
      return {
        live,
        change() {
          const id = rand2() % n
          const value = rand2() % 1000
          const group = i % 4 === 0 ? rand2() % 1000 : undefined
          i++
          source.update(id, (d) => {
            d.value = value
            if (group !== undefined) d.group = group
          })
        },
        digest() {
          return live.toArray
            .slice()
            .sort((a, b) => a.group - b.group)
            .reduce((h, g) => hashStep(hashStep(hashStep(h, g.group), g.count), g.total), 0)
        },
      }
    },
  },
  join: {
    size: { full: 100_000, quick: 10_000, check: 2_000 },
    build(n) {
      const rand = lcg(7)
      const lefts = Array.from({ length: n }, (_, id) => ({ id, ref: rand() % n }))
      const rights = Array.from({ length: n }, (_, id) => ({ id, value: rand() % 1000 }))
      const left = collection(lefts)
      const right = collection(rights)
      // The indexes TanStack DB asks for, so it loads joins without scanning.
      left.createIndex((r) => r.ref, { indexType: BasicIndex })
      right.createIndex((r) => r.id, { indexType: BasicIndex })
      const live = createLiveQueryCollection({
        startSync: true,
        query: (q) =>
          q
            .from({ l: left })
            .join({ r: right }, ({ l, r }) => eq(l.ref, r.id), 'inner')
            .select(({ l, r }) => ({ lid: l.id, rid: r.id, value: r.value })),
      })
      const rand2 = lcg(8)
      let i = 0
      return {
        live,
        rows: 2 * n,
        change() {
          const id = rand2() % n
          const x = rand2()
          if (i % 2 === 0) {
            left.update(id, (d) => {
              d.ref = x % n
            })
          } else {
            right.update(id, (d) => {
              d.value = x % 1000
            })
          }
          i++
        },
        digest() {
          return live.toArray
            .slice()
            .sort((a, b) => a.lid - b.lid)
            .reduce((h, p) => hashStep(hashStep(hashStep(h, p.lid), p.rid), p.value), 0)
        },
      }
    },
  },
}

// TanStack DB takes milliseconds per change at these sizes: a few hundred changes suffice.
const CHANGES = { full: 200, quick: 200, check: 200 }
const WARM_UP = 20

const out = []
for (const [name, w] of Object.entries(workloads)) {
  const n = w.size[mode]
  const before = heap()
  const started = process.hrtime.bigint()
  const run = w.build(n)
  run.live.size // the result is computed
  const buildMs = Number(process.hrtime.bigint() - started) / 1e6
  const bytesPerRow = globalThis.gc ? (heap() - before) / (run.rows ?? n) : null
  let perChangeNs = null
  if (mode === 'check') {
    for (let i = 0; i < CHANGES.check; i++) {
      run.change()
      run.live.size
    }
  } else {
    for (let i = 0; i < WARM_UP; i++) {
      run.change()
      run.live.size
    }
    const changes = CHANGES[mode]
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < changes; i++) {
      run.change()
      run.live.size
    }
    perChangeNs = Number(process.hrtime.bigint() - t0) / changes
  }
  out.push({
    workload: name,
    rows: n,
    build_ms: buildMs,
    per_change_ns: perChangeNs,
    bytes_per_row: bytesPerRow,
    digest: run.digest(),
    changes: mode === 'check' ? CHANGES.check : WARM_UP + CHANGES[mode],
  })
  process.stderr.write(`query.mjs: ${name} done\n`)
}
console.log(JSON.stringify(out))
