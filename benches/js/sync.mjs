// The `sync` workloads on Yjs with the y-websocket server under Node, the peer of
// reactive-sync's server and client (see benches/README.md, "Sync").
//
//   node sync.mjs [--check | --quick] [--clients K] [--edits M]
//
// Prints one JSON object on stdout:
//   { "shared": { clients, edits, p50_ms, p99_ms, updates_per_s, wire_bytes },
//     "initial_sync": { ops, ms, wire_bytes },
//     "memory": { documents, bytes_per_document } }
//
// The server runs in its own process (`@y/websocket-server`'s `server.js`, documents in memory,
// no persistence), so its resident memory can be read from /proc; the clients run here, each
// a `WebsocketProvider` with its own socket (BroadcastChannel off, so edits go through the
// server). Bytes on the wire are the WebSocket message payloads the clients send and receive.
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import WebSocket from 'ws'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const args = process.argv.slice(2)
const mode = args.includes('--check') ? 'check' : args.includes('--quick') ? 'quick' : 'full'
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const sizes = {
  check: { clients: 3, edits: 10, ops: 1000, documents: 5, docEdits: 10 },
  quick: { clients: 4, edits: 100, ops: 20000, documents: 50, docEdits: 50 },
  full: { clients: 8, edits: 500, ops: 100000, documents: 200, docEdits: 100 }
}[mode]
sizes.clients = option('--clients', sizes.clients)
sizes.edits = option('--edits', sizes.edits)

/** WebSocket payload bytes sent and received by every client of this process. */
const wire = { bytes: 0 }
class CountingWebSocket extends WebSocket {
  constructor (...a) {
    super(...a)
    this.on('message', data => { wire.bytes += data.byteLength })
  }

  send (data, ...rest) {
    wire.bytes += data.byteLength
    return super.send(data, ...rest)
  }
}

function fail (message) {
  process.stderr.write(`FAIL sync: ${message}\n`)
  process.exit(1)
}

/** Starts the y-websocket server on a free port; resolves to { url, pid, stop }. */
function startServer () {
  const script = join(here, 'node_modules', '@y', 'websocket-server', 'src', 'server.js')
  const port = 20000 + Math.floor(Math.random() * 20000)
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', code => reject(new Error(`the y-websocket server exited (${code})`)))
    child.stdout.on('data', chunk => {
      if (String(chunk).includes('running at')) {
        resolve({
          url: `ws://127.0.0.1:${port}`,
          pid: child.pid,
          stop: () => { child.removeAllListeners('exit'); child.kill() }
        })
      }
    })
  })
}

/** Resident bytes of process `pid`. */
function rss (pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)[1]) * 1024
}

function connect (url, room, doc) {
  const provider = new WebsocketProvider(url, room, doc, {
    WebSocketPolyfill: CountingWebSocket,
    disableBc: true
  })
  return new Promise(resolve => {
    if (provider.synced) return resolve(provider)
    provider.once('sync', () => resolve(provider))
  })
}

const until = (condition) => new Promise(resolve => {
  const poll = () => condition() ? resolve() : setImmediate(poll)
  poll()
})

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]

/**
 * K clients × M edits on one document: in each round every client sets its own entry of a
 * shared map to the round number; the round ends when every client has applied every other
 * client's edit. Latency: from the edit to its application on each other client.
 */
async function shared (url, { clients: K, edits: M }) {
  const sent = Array.from({ length: K }, () => new Float64Array(M))
  const latencies = []
  const docs = []
  const providers = []
  for (let k = 0; k < K; k++) {
    const doc = new Y.Doc()
    const edits = doc.getMap('edits')
    edits.observe(event => {
      if (event.transaction.local) return
      const now = performance.now()
      for (const key of event.keysChanged) {
        const round = edits.get(key)
        latencies.push(now - sent[Number(key.slice(1))][round])
      }
    })
    docs.push(doc)
    providers.push(await connect(url, 'shared', doc))
  }
  wire.bytes = 0
  const start = performance.now()
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) {
      sent[k][m] = performance.now()
      docs[k].getMap('edits').set(`c${k}`, m)
    }
    await until(() => latencies.length >= (m + 1) * K * (K - 1))
  }
  const elapsed = performance.now() - start
  const bytes = wire.bytes
  for (const doc of docs) {
    const map = doc.getMap('edits')
    for (let k = 0; k < K; k++) {
      if (map.get(`c${k}`) !== M - 1) fail(`client sees c${k} = ${map.get(`c${k}`)}, expected ${M - 1}`)
    }
  }
  providers.forEach(p => p.destroy())
  latencies.sort((a, b) => a - b)
  return {
    clients: K,
    edits: M,
    p50_ms: percentile(latencies, 0.5),
    p99_ms: percentile(latencies, 0.99),
    updates_per_s: (K * M) / (elapsed / 1000),
    wire_bytes: bytes
  }
}

/**
 * One large document: a writer types `ops` characters (one transaction each) offline, uploads
 * the document, and a fresh client's initial sync is timed until it holds all of them.
 */
async function initialSync (url, { ops }) {
  const writerDoc = new Y.Doc()
  const text = writerDoc.getText('body')
  for (let i = 0; i < ops; i++) text.insert(text.length, String.fromCharCode(97 + (i % 26)))
  const writer = await connect(url, 'large', writerDoc)
  const reader = new Y.Doc()
  // The server has the document once a second client sees all of it.
  const probe = new Y.Doc()
  const probing = await connect(url, 'large', probe)
  await until(() => probe.getText('body').length === ops)
  probing.destroy()
  wire.bytes = 0
  const start = performance.now()
  const provider = await connect(url, 'large', reader)
  await until(() => reader.getText('body').length === ops)
  const ms = performance.now() - start
  const bytes = wire.bytes
  if (reader.getText('body').toString() !== text.toString()) fail('the large document differs after sync')
  provider.destroy()
  writer.destroy()
  return { ops, ms, wire_bytes: bytes }
}

/** Server memory per document: D documents, each with one connected client and E edits. */
async function memory (server, { documents: D, docEdits: E }) {
  const before = rss(server.pid)
  const providers = []
  for (let d = 0; d < D; d++) {
    const doc = new Y.Doc()
    const provider = await connect(server.url, `doc${d}`, doc)
    const map = doc.getMap('edits')
    for (let e = 0; e < E; e++) map.set(`k${e % 10}`, e)
    providers.push(provider)
  }
  // Every update reached the server: a second client of the last document sees the last edit.
  const check = new Y.Doc()
  const checking = await connect(server.url, `doc${D - 1}`, check)
  await until(() => check.getMap('edits').get(`k${(E - 1) % 10}`) === E - 1)
  checking.destroy()
  const after = rss(server.pid)
  providers.forEach(p => p.destroy())
  return { documents: D, edits_per_document: E, bytes_per_document: Math.max(0, after - before) / D }
}

const server = await startServer()
try {
  const result = {
    library: 'yjs 13.6.33 + y-websocket 3.1.0 (@y/websocket-server 0.1.1)',
    mode,
    shared: await shared(server.url, sizes),
    initial_sync: await initialSync(server.url, sizes),
    memory: await memory(server, sizes)
  }
  process.stdout.write(JSON.stringify(result) + '\n')
} catch (e) {
  fail(e.stack ?? String(e))
} finally {
  server.stop()
}
process.exit(0)
