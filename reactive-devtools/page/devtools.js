// The devtools page: applies the app's messages (see the crate's protocol.rs) to a model and
// draws it. Plain JavaScript, no build step, no dependencies: it is embedded in the binary.
'use strict';

const MAX_MESSAGES = 50000; // kept for export, like the server's session log
const MAX_RUNS = 5000; // runs kept for the "why did this run" traces
const AUTO_COLLAPSE = 40; // owner groups with more descendants start collapsed

const S = newModel();
let mode = 'live'; // or 'imported'
let selected = null; // node id
let selectedCommit = null; // {store, step}
const collapsed = new Set(); // owner ids the user collapsed
const expanded = new Set(); // owner ids the user expanded (overriding AUTO_COLLAPSE)
let dirty = true;

function newModel() {
  return {
    app: '', tick: 0, dropped: 0, messages: [],
    nodes: new Map(), edges: [], sourcesOf: new Map(), subsOf: new Map(),
    runs: [], runsByNode: new Map(), lastWrite: new Map(), values: new Map(),
    stores: new Map(), scopes: new Map(), decisions: [], events: new Map(), eventOrder: [], appends: [],
    failures: [],
  };
}

// ---- the model -----------------------------------------------------------------------------

function apply(m) {
  S.tick += 1;
  S.messages.push(m);
  if (S.messages.length > MAX_MESSAGES) S.messages.shift();
  switch (m.type) {
    case 'hello': S.app = m.app; break;
    case 'node_created':
      if (!S.nodes.has(m.id)) {
        S.nodes.set(m.id, { id: m.id, kind: m.kind, name: m.name, owner: m.owner, created_at: m.created_at,
          state: 'clean', runs: 0, last_ns: 0, total_ns: 0, inspectable: false });
      }
      break;
    case 'node_disposed': S.nodes.delete(m.id); break;
    case 'written': S.lastWrite.set(m.id, S.tick); flash(m.id); break;
    case 'run': {
      const run = { seq: m.seq, id: m.id, triggered_by: m.triggered_by, outcome: m.outcome,
        duration_ns: m.duration_ns, tick: S.tick };
      S.runs.push(run);
      if (S.runs.length > MAX_RUNS) S.runs.shift();
      const list = S.runsByNode.get(m.id) || [];
      list.push(run);
      if (list.length > 50) list.shift();
      S.runsByNode.set(m.id, list);
      const n = S.nodes.get(m.id);
      if (n) { n.runs += 1; n.last_ns = m.duration_ns; n.total_ns += m.duration_ns; }
      flash(m.id);
      break;
    }
    case 'graph': {
      S.nodes = new Map(m.nodes.map((n) => [n.id, n]));
      S.edges = m.edges;
      S.sourcesOf = new Map(); S.subsOf = new Map();
      for (const [src, dst] of m.edges) {
        push(S.sourcesOf, dst, src);
        push(S.subsOf, src, dst);
      }
      break;
    }
    case 'value': S.values.set(m.id, m.value); break;
    case 'store_attached':
      S.stores.set(m.store, { steps: m.steps.map((s) => ({ ...s, kind: 'initial' })), position: m.position });
      break;
    case 'store_commit': {
      const st = S.stores.get(m.store) || { steps: [], position: 0 };
      S.stores.set(m.store, st);
      if (m.kind === 'undo' || m.kind === 'redo' || m.kind === 'jump') {
        st.position = m.position;
      } else {
        // A new step (or, in a group, the current one amended): later steps are gone.
        st.steps = st.steps.filter((s) => s.index < m.position);
        st.steps.push({ index: m.position, label: m.label, patches: m.patches, state: m.state, kind: m.kind, seq: m.seq });
        st.position = m.position;
      }
      st.lastCommit = { label: m.label, kind: m.kind, seq: m.seq };
      break;
    }
    case 'scopes': S.scopes.set(m.root, m.scopes); break;
    case 'access_decision': S.decisions.push(m); if (S.decisions.length > 1000) S.decisions.shift(); break;
    case 'event_emitted':
      S.events.set(m.seq, { ...m, handlers: null, vetoed: null });
      S.eventOrder.push(m.seq);
      if (S.eventOrder.length > 2000) S.events.delete(S.eventOrder.shift());
      break;
    case 'event_done': {
      const e = S.events.get(m.seq);
      if (e) { e.handlers = m.handlers; e.vetoed = m.vetoed; }
      break;
    }
    case 'appended': S.appends.push(m); if (S.appends.length > 2000) S.appends.shift(); break;
    case 'dropped': S.dropped = m.count; break;
    case 'command_failed': S.failures.push(m.message); break;
    default: break;
  }
  dirty = true;
}

function push(map, key, value) {
  const list = map.get(key);
  if (list) list.push(value); else map.set(key, [value]);
}

const flashing = new Set();
function flash(id) { flashing.add(id); }

// ---- connection and commands -----------------------------------------------------------------

let source = null;
function connect() {
  source = new EventSource('events');
  source.onopen = () => setStatus('live');
  source.onerror = () => { if (mode === 'live') setStatus('offline'); };
  source.onmessage = (e) => {
    if (mode !== 'live') return;
    try { apply(JSON.parse(e.data)); } catch (err) { console.error('bad message', err, e.data); }
  };
}

function setStatus(s) {
  const el = document.getElementById('status');
  el.textContent = s;
  el.className = 'status ' + s;
}

async function command(c) {
  if (mode !== 'live') return;
  const r = await fetch('command', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(c) });
  if (!r.ok) S.failures.push(await r.text());
}

// ---- drawing ---------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c instanceof Node ? c : String(c));
  return e;
}

// A node id is a slot index (low 32 bits) and a generation: the index is enough to tell nodes
// apart on screen; the generation is shown when a slot was reused.
function shortId(id) {
  const index = id % 4294967296;
  const generation = Math.floor(id / 4294967296);
  return generation > 1 ? `${index}v${generation}` : String(index);
}

// A node's name, or its kind, short id and where it was created (file:line).
function label(n) {
  if (!n) return '(gone)';
  if (n.name) return n.name;
  const at = n.created_at ? ' · ' + n.created_at.split('/').pop().replace(/:\d+$/, '') : '';
  return `${n.kind} #${shortId(n.id)}${at}`;
}

function fmtNs(ns) {
  if (ns >= 1e9) return (ns / 1e9).toFixed(2) + ' s';
  if (ns >= 1e6) return (ns / 1e6).toFixed(2) + ' ms';
  if (ns >= 1e3) return (ns / 1e3).toFixed(1) + ' µs';
  return ns + ' ns';
}

function nodeChip(n) {
  const chip = el('span', { class: `node ${n.state}${n.id === selected ? ' selected' : ''}${flashing.has(n.id) ? ' flash' : ''}`,
    dataset: { id: String(n.id), kind: n.kind, name: n.name || '', state: n.state },
    title: `${n.kind} #${shortId(n.id)} — ${n.state}${n.created_at ? '\ncreated at ' + n.created_at : ''}`,
    onclick: (ev) => { ev.stopPropagation(); select(n.id); } },
  el('span', { class: 'dot' }), el('span', { class: 'k' }, n.kind[0].toUpperCase()), label(n),
  n.runs ? el('span', { class: 'runs' }, `×${n.runs}`) : null);
  return chip;
}

function drawGraph() {
  const root = document.getElementById('graph');
  const filter = document.getElementById('filter').value.trim().toLowerCase();
  const children = new Map();
  for (const n of S.nodes.values()) push(children, S.nodes.has(n.owner) ? n.owner : null, n);
  const size = new Map();
  const count = (id) => {
    if (size.has(id)) return size.get(id);
    let c = 0;
    for (const k of children.get(id) || []) c += 1 + count(k.id);
    size.set(id, c);
    return c;
  };
  const matches = (n) => !filter || label(n).toLowerCase().includes(filter) || n.kind.includes(filter) || String(n.id) === filter || shortId(n.id) === filter;
  const hasMatch = new Map();
  const anyMatch = (n) => {
    if (hasMatch.has(n.id)) return hasMatch.get(n.id);
    const r = matches(n) || (children.get(n.id) || []).some(anyMatch);
    hasMatch.set(n.id, r);
    return r;
  };
  const frag = document.createDocumentFragment();
  const drawLevel = (list, into, depth) => {
    const leaves = el('div', { class: 'leaves' });
    for (const n of list) {
      if (!anyMatch(n)) continue;
      const kids = children.get(n.id) || [];
      if (kids.length === 0) {
        if (matches(n)) leaves.append(nodeChip(n));
        continue;
      }
      const total = count(n.id);
      const isCollapsed = !filter && (collapsed.has(n.id) || (total > AUTO_COLLAPSE && depth > 0 && !expanded.has(n.id)));
      const group = el('div', { class: 'group' + (isCollapsed ? ' collapsed' : ''), dataset: { owner: String(n.id) } });
      const row = el('div', { class: 'owner-row', onclick: () => toggle(n.id, isCollapsed) },
        nodeChip(n), ` ${total} inside`);
      group.append(row);
      const inner = el('div', { class: 'children' });
      if (!isCollapsed) drawLevel(kids, inner, depth + 1);
      group.append(inner);
      into.append(group);
    }
    if (leaves.childNodes.length) into.prepend(leaves);
  };
  drawLevel(children.get(null) || [], frag, 0);
  root.replaceChildren(frag);
}

function toggle(id, wasCollapsed) {
  if (wasCollapsed) { collapsed.delete(id); expanded.add(id); } else { expanded.delete(id); collapsed.add(id); }
  dirty = true;
}

function select(id) {
  selected = id;
  const n = S.nodes.get(id);
  if (n && n.inspectable) command({ type: 'inspect', id });
  dirty = true;
}

function nodeLink(id) {
  return el('a', { class: 'link', dataset: { id: String(id) }, onclick: () => select(id) }, label(S.nodes.get(id)));
}

function drawInspector() {
  const pane = document.getElementById('inspector');
  const n = S.nodes.get(selected);
  if (!n) { pane.replaceChildren(el('p', { class: 'hint' }, selected == null ? 'Click a node to inspect it.' : 'This node was disposed.')); return; }
  const sources = S.sourcesOf.get(n.id) || [];
  const subs = S.subsOf.get(n.id) || [];
  const value = S.values.has(n.id) ? S.values.get(n.id) : null;
  const list = (ids) => ids.length ? ids.flatMap((i, k) => (k ? [', ', nodeLink(i)] : [nodeLink(i)])) : ['—'];
  const dl = el('dl', {},
    el('dt', {}, 'kind'), el('dd', {}, `${n.kind} #${shortId(n.id)} (id ${n.id})`),
    el('dt', {}, 'state'), el('dd', { id: 'inspector-state' }, n.state),
    el('dt', {}, 'value'), el('dd', {}, n.inspectable ? el('pre', { id: 'inspector-value' }, value == null ? '…' : value)
      : el('span', { class: 'hint', id: 'inspector-value' }, 'not registered (Devtools::inspect)')),
    el('dt', {}, 'sources'), el('dd', { id: 'inspector-sources' }, ...list(sources)),
    el('dt', {}, 'subscribers'), el('dd', { id: 'inspector-subscribers' }, ...list(subs)),
    el('dt', {}, 'owner'), el('dd', {}, n.owner != null && S.nodes.has(n.owner) ? nodeLink(n.owner) : '—'),
    el('dt', {}, 'created at'), el('dd', { id: 'inspector-created' }, n.created_at || '(release build)'),
    el('dt', {}, 'runs'), el('dd', { id: 'inspector-runs' }, String(n.runs)),
    el('dt', {}, 'last / total'), el('dd', {}, `${fmtNs(n.last_ns)} / ${fmtNs(n.total_ns)}`));
  const runs = (S.runsByNode.get(n.id) || []).slice(-8).reverse();
  const runList = el('div', { class: 'trace', id: 'why' });
  for (const r of runs) runList.append(el('details', { open: r === runs[0] ? '' : null },
    el('summary', {}, `run #${r.seq}: ${r.outcome}, ${fmtNs(r.duration_ns)}`), why(r, 0)));
  if (runs.length === 0) runList.append(el('p', { class: 'hint' }, 'No run seen yet.'));
  pane.replaceChildren(el('h3', { id: 'inspector-title' }, label(n)), dl, neighbourhood(n, sources, subs),
    el('h4', {}, 'Why did this run?'), runList);
}

// The chain of causes of a run: each source that changed, and for a memo, why it recomputed.
function why(run, depth) {
  const ul = el('ul');
  if (run.triggered_by.length === 0) {
    ul.append(el('li', {}, 'first run (or re-run after a panic): nothing changed before it'));
    return ul;
  }
  for (const src of run.triggered_by) {
    const n = S.nodes.get(src);
    const li = el('li', {}, nodeLink(src));
    if (n && n.kind === 'memo') {
      const prev = (S.runsByNode.get(src) || []).filter((r) => r.seq < run.seq).pop();
      if (prev && depth < 12) { li.append(` recomputed (run #${prev.seq}, ${prev.outcome}) because:`); li.append(why(prev, depth + 1)); }
      else li.append(' changed');
    } else {
      li.append(' was written');
    }
    ul.append(li);
  }
  return ul;
}

function neighbourhood(n, sources, subs) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'neighbourhood');
  svg.setAttribute('viewBox', '0 0 600 180');
  const place = (ids, x) => ids.slice(0, 8).map((id, i, a) => ({ id, x, y: 20 + (i + 0.5) * (140 / a.length) }));
  const left = place(sources, 90), right = place(subs, 510), mid = { id: n.id, x: 300, y: 90 };
  const line = (a, b) => { const l = document.createElementNS(ns, 'line'); Object.entries({ x1: a.x + 60, y1: a.y, x2: b.x - 60, y2: b.y, stroke: '#99a' }).forEach(([k, v]) => l.setAttribute(k, v)); svg.append(l); };
  left.forEach((p) => line(p, mid)); right.forEach((p) => line(mid, p));
  const box = (p) => {
    const node = S.nodes.get(p.id);
    const g = document.createElementNS(ns, 'g');
    g.style.cursor = 'pointer';
    g.addEventListener('click', () => select(p.id));
    const r = document.createElementNS(ns, 'rect');
    Object.entries({ x: p.x - 60, y: p.y - 10, width: 120, height: 20, rx: 8, fill: '#fff', stroke: p.id === n.id ? '#3457d5' : '#aab' }).forEach(([k, v]) => r.setAttribute(k, v));
    const t = document.createElementNS(ns, 'text');
    t.setAttribute('x', p.x); t.setAttribute('y', p.y + 4); t.setAttribute('text-anchor', 'middle');
    t.textContent = label(node).slice(0, 18);
    g.append(r, t); svg.append(g);
  };
  [...left, mid, ...right].forEach(box);
  return svg;
}

function drawPerf() {
  const computed = [...S.nodes.values()].filter((n) => n.kind === 'memo' || n.kind === 'effect');
  const table = (id, rows) => {
    const t = document.getElementById(id);
    t.replaceChildren(el('tr', {}, el('th', {}, 'node'), el('th', {}, 'kind'), el('th', {}, 'runs'), el('th', {}, 'last'), el('th', {}, 'total')),
      ...rows.map((n) => el('tr', {}, el('td', {}, nodeLink(n.id)), el('td', {}, n.kind), el('td', {}, String(n.runs)), el('td', {}, fmtNs(n.last_ns)), el('td', {}, fmtNs(n.total_ns)))));
  };
  table('slowest', [...computed].sort((a, b) => b.total_ns - a.total_ns).slice(0, 20));
  table('most-run', [...computed].sort((a, b) => b.runs - a.runs).slice(0, 20));
}

function drawStores() {
  const root = document.getElementById('store-timeline');
  const parts = [];
  for (const [name, st] of S.stores) {
    parts.push(el('h3', {}, `store “${name}”`));
    for (const step of st.steps) {
      const current = step.index === st.position;
      const isSel = selectedCommit && selectedCommit.store === name && selectedCommit.step === step.index;
      parts.push(el('div', { class: `commit${current ? ' current' : ''}${isSel ? ' selected' : ''}`, dataset: { store: name, step: String(step.index) },
        onclick: () => { selectedCommit = { store: name, step: step.index }; dirty = true; } },
      el('span', {}, `#${step.index}`), el('span', { class: 'label' }, step.label), el('span', { class: 'kind' }, `${step.patches.length} patch${step.patches.length === 1 ? '' : 'es'}`),
      el('span', { class: 'spacer' }), current ? el('span', { class: 'kind' }, 'current') : null,
      el('button', { class: 'jump', type: 'button', onclick: (ev) => { ev.stopPropagation(); command({ type: 'jump', store: name, step: step.index }); } }, 'Jump here')));
    }
    if (st.lastCommit) parts.push(el('p', { class: 'hint' }, `last commit: ${st.lastCommit.label} (${st.lastCommit.kind})`));
  }
  if (S.failures.length) parts.push(el('p', { class: 'vetoed' }, S.failures[S.failures.length - 1]));
  if (!parts.length) parts.push(el('p', { class: 'hint' }, 'No store attached (Devtools::attach_store).'));
  root.replaceChildren(...parts);
  drawCommit();
}

function pointer(doc, path) {
  let v = doc;
  for (const raw of path.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v == null || typeof v !== 'object') return undefined;
    v = v[key];
  }
  return v;
}

function drawCommit() {
  const pane = document.getElementById('commit-detail');
  const st = selectedCommit && S.stores.get(selectedCommit.store);
  const step = st && st.steps.find((s) => s.index === selectedCommit.step);
  if (!step) { pane.replaceChildren(el('p', { class: 'hint' }, 'Click a commit to see its patches and diff.')); return; }
  const prev = st.steps.find((s) => s.index === step.index - 1);
  const rows = step.patches.map((p) => el('tr', {}, el('td', {}, p.op), el('td', {}, p.path),
    el('td', { class: 'diff-old' }, prev ? JSON.stringify(pointer(prev.state, p.path)) ?? '—' : '?'),
    el('td', { class: 'diff-new' }, JSON.stringify(pointer(step.state, p.path)) ?? '—')));
  pane.replaceChildren(el('h3', {}, `#${step.index} ${step.label}`),
    el('table', { id: 'patches' }, el('tr', {}, el('th', {}, 'op'), el('th', {}, 'path'), el('th', {}, 'before'), el('th', {}, 'after')), ...rows),
    el('h4', {}, 'State after'), el('pre', { id: 'commit-state' }, JSON.stringify(step.state, null, 2)));
}

function decisionLine(d) {
  return el('div', { class: d.allowed ? 'hint' : 'vetoed' },
    `${d.allowed ? '✓' : '✗'} ${d.principal} ${d.action}${d.key ? ` '${d.key}'` : ''} — ${d.rule}`);
}

function drawScopes() {
  const root = document.getElementById('scopes');
  const parts = [];
  for (const [name, scopes] of S.scopes) {
    parts.push(el('h3', {}, `scope tree “${name}”`));
    for (const s of scopes) {
      const values = el('table', {}, ...s.values.map((v) => el('tr', { class: v.own ? '' : 'inherited' },
        el('td', {}, v.key), el('td', {}, v.value === null && v.type ? v.type : JSON.stringify(v.value)),
        el('td', {}, v.own ? (v.shadows ? `overrides ${v.shadows}` : 'own') : `from ${v.from}`))));
      const rights = el('div', { class: 'rights' }, ...Object.entries(s.rights || {}).map(([p, acts]) => el('span', {}, el('b', {}, p), ': ', acts.length ? acts.join(', ') : 'nothing')));
      const decided = S.decisions.filter((d) => d.scope === s.path).slice(-5).reverse().map(decisionLine);
      parts.push(el('div', { class: 'scope', style: `margin-left:${16 * s.depth}px`, dataset: { path: s.path } },
        el('b', {}, s.name), ' ', el('span', { class: 'hint' }, s.path), s.policy ? el('div', { class: 'hint' }, 'policy: ' + JSON.stringify(s.policy)) : null, rights, values,
        decided.length ? el('div', { class: 'decisions' }, ...decided) : null));
    }
  }
  if (S.decisions.length) {
    parts.push(el('h3', {}, 'Access decisions (newest first)'),
      el('table', { id: 'decisions' }, el('tr', {}, el('th', {}, 'principal'), el('th', {}, 'action'), el('th', {}, 'scope'), el('th', {}, 'key'), el('th', {}, 'decision'), el('th', {}, 'rule')),
        ...S.decisions.slice(-200).reverse().map((d) => el('tr', { class: d.allowed ? '' : 'vetoed' },
          el('td', {}, d.principal), el('td', {}, d.action), el('td', {}, d.scope), el('td', {}, d.key ?? ''),
          el('td', {}, d.allowed ? 'allowed' : 'denied'), el('td', {}, d.rule)))));
  }
  if (!parts.length) parts.push(el('p', { class: 'hint' }, 'No scope tree attached (Devtools::attach_scope).'));
  root.replaceChildren(...parts);
}

function drawEvents() {
  const body = document.querySelector('#events tbody');
  const rows = S.eventOrder.slice(-300).reverse().map((seq) => {
    const e = S.events.get(seq);
    const path = e.path.map((p, i) => (i === e.path.length - 1 ? `[${p}]` : p)).join(' ↓ ') + (e.path.length > 1 ? ' ↑ bubble' : '');
    return el('tr', { dataset: { seq: String(seq), topic: e.topic } }, el('td', {}, String(seq)), el('td', {}, e.topic + (e.replay ? ' (replay)' : '')),
      el('td', {}, e.emitter), el('td', {}, path, el('div', { class: 'hint' }, e.type_name)),
      el('td', { class: e.vetoed ? 'vetoed' : '' }, e.vetoed ? 'vetoed: ' + e.vetoed : e.handlers == null ? '…' : String(e.handlers)));
  });
  body.replaceChildren(...rows);
  document.querySelector('#appends tbody').replaceChildren(...S.appends.slice(-300).reverse().map((a) =>
    el('tr', {}, el('td', {}, a.stream), el('td', {}, String(a.version)), el('td', {}, a.event_type), el('td', {}, JSON.stringify(a.payload)))));
}

function draw() {
  if (!dirty) return;
  dirty = false;
  document.getElementById('app-name').textContent = S.app;
  document.getElementById('dropped').textContent = String(S.dropped);
  document.getElementById('node-count').textContent = String(S.nodes.size);
  const tab = document.querySelector('nav button.active').dataset.tab;
  if (tab === 'graph') { drawGraph(); drawInspector(); }
  if (tab === 'perf') drawPerf();
  if (tab === 'store') drawStores();
  if (tab === 'scopes') drawScopes();
  if (tab === 'events') drawEvents();
  flashing.clear();
}

// ---- export and import -------------------------------------------------------------------------

function exportSession() {
  const doc = { format: 'reactive-devtools-session', version: 1, app: S.app, messages: S.messages };
  const blob = new Blob([JSON.stringify(doc)], { type: 'application/json' });
  const a = el('a', { href: URL.createObjectURL(blob), download: `${S.app || 'session'}-devtools.json` });
  document.body.append(a);
  a.click();
  a.remove();
}

async function importSession(file) {
  const doc = JSON.parse(await file.text());
  if (doc.format !== 'reactive-devtools-session' || !Array.isArray(doc.messages)) {
    alert('Not a reactive devtools session file.');
    return;
  }
  mode = 'imported';
  Object.assign(S, newModel());
  for (const m of doc.messages) apply(m);
  setStatus('imported');
  document.getElementById('live').hidden = false;
  dirty = true;
}

// ---- wiring ------------------------------------------------------------------------------------

document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => {
  document.querySelectorAll('nav button').forEach((x) => x.classList.toggle('active', x === b));
  document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t.id === 'tab-' + b.dataset.tab));
  dirty = true;
}));
document.getElementById('filter').addEventListener('input', () => { dirty = true; });
document.getElementById('expand-all').addEventListener('click', () => { collapsed.clear(); S.nodes.forEach((n) => expanded.add(n.id)); dirty = true; });
document.getElementById('collapse-all').addEventListener('click', () => { expanded.clear(); S.nodes.forEach((n) => collapsed.add(n.id)); dirty = true; });
document.getElementById('export').addEventListener('click', exportSession);
document.getElementById('import').addEventListener('change', (e) => { if (e.target.files[0]) importSession(e.target.files[0]); });
document.getElementById('live').addEventListener('click', () => location.reload());
setInterval(draw, 100);
connect();
