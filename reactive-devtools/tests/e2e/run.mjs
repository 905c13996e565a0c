// End-to-end test of the devtools page in headless Chromium (Debian's, through playwright-core).
// Run by the Rust test `examples/tests/devtools_browser.rs`:
//   node run.mjs <editor binary> <screenshot dir>
// Starts the editor example with `--devtools`, opens the page and checks, step by step, that it
// shows the app and that the app obeys it. Prints `screenshot: <file>` per step, and exits
// non-zero with the reason on the first failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const [editor, shots] = process.argv.slice(2);
if (!editor || !shots) {
  console.error('usage: node run.mjs <editor binary> <screenshot dir>');
  process.exit(2);
}
mkdirSync(shots, { recursive: true });
const STEP_TIMEOUT = 20000;

// ---- the app -----------------------------------------------------------------------------------
const app = spawn(editor, ['--devtools=127.0.0.1:0'], { stdio: ['pipe', 'pipe', 'inherit'] });
const appLines = [];
const waiters = [];
createInterface({ input: app.stdout }).on('line', (line) => {
  appLines.push(line);
  for (const w of [...waiters]) if (w.test(line)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(line); }
});
app.on('exit', (code) => { if (!finished) fail(`the editor exited early (${code})`); });

/** The first app line (from now on, or already printed if `past`) matching `re`. */
function appLine(re, what, past = false) {
  if (past) { const l = appLines.find((x) => re.test(x)); if (l) return Promise.resolve(l); }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the app never printed ${what} (${re}); last lines:\n${appLines.slice(-8).join('\n')}`)), STEP_TIMEOUT);
    const w = { test: (l) => re.test(l), resolve: (l) => { clearTimeout(timer); resolve(l); } };
    waiters.push(w);
  });
}
const tell = (line) => app.stdin.write(line + '\n');
// The app runs until told to quit or killed: never leave it behind.
process.on('exit', () => { try { app.kill(); } catch { /* already gone */ } });

let finished = false;
let browser = null;
const profile = mkdtempSync(join(tmpdir(), 'devtools-chromium-'));
function fail(why) {
  console.error(`FAILED: ${why}`);
  finished = true;
  try { app.kill(); } catch { /* already gone */ }
  process.exit(1);
}

let stepNo = 0;
async function step(name, page, body) {
  stepNo += 1;
  const file = join(shots, `${String(stepNo).padStart(2, '0')}-${name}.png`);
  try {
    await body();
  } catch (e) {
    await page.screenshot({ path: file.replace('.png', '-failed.png') }).catch(() => {});
    throw new Error(`step ${stepNo} (${name}): ${e.message}`);
  }
  await page.screenshot({ path: file });
  console.log(`ok ${stepNo} ${name}`);
  console.log(`screenshot: ${file}`);
}

async function main() {
  const url = (await appLine(/^== devtools on (http:\S+)/, 'its devtools address', true)).match(/(http:\S+)/)[1];
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = browser.pages()[0] || await browser.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  await page.goto(url);

  await step('graph-shows-the-apps-nodes', page, async () => {
    await page.locator('#status.live').waitFor();
    for (const name of ['status bar', 'notes line 1']) {
      await page.locator(`#graph .node[data-name="${name}"]`).first().waitFor();
    }
    const count = await page.locator('#graph .node').count();
    if (count < 10) throw new Error(`only ${count} nodes drawn`);
  });

  const statusBar = page.locator('#graph .node[data-name="status bar"]').first();
  let before;
  await step('click-a-node-reads-its-value', page, async () => {
    await statusBar.click();
    await page.locator('#inspector-value', { hasText: 'Notes — ' }).waitFor();
    before = await page.locator('#inspector-value').innerText();
    await page.locator('#inspector-title', { hasText: 'status bar' }).waitFor();
  });

  await step('a-write-in-the-app-updates-the-page-live', page, async () => {
    const lines = Number(before.match(/(\d+) lines/)[1]);
    const printed = appLine(/^notes: .*hello from the browser test/, 'the inserted line');
    tell('insert hello from the browser test');
    await printed;
    await page.locator('#inspector-value', { hasText: `${lines + 1} lines` }).waitFor();
    // Why did it run: the trace names what changed.
    await page.locator('#why li').first().waitFor();
  });

  await step('time-travel-jumps-the-apps-store-back', page, async () => {
    await page.locator('nav button[data-tab="store"]').click();
    const first = page.locator('#store-timeline .commit[data-store="notes"][data-step="0"]');
    await first.click();
    await page.locator('#patches').waitFor({ state: 'attached' });
    // Listen before clicking: the app may answer before the click's promise settles.
    const printed = appLine(/^notes: \["buy milk", "call Ada"\]$/, 'the initial notes after the jump');
    await first.locator('button.jump').click();
    await printed;
    await page.locator('#store-timeline .commit.current[data-store="notes"][data-step="0"]').waitFor();
  });

  await step('time-travel-jumps-forward-again', page, async () => {
    const last = page.locator('#store-timeline .commit[data-store="notes"]').last();
    const step = await last.getAttribute('data-step');
    const printed = appLine(/^notes: .*hello from the browser test/, 'the latest notes after jumping forward');
    await last.locator('button.jump').click();
    await printed;
    await page.locator(`#store-timeline .commit.current[data-store="notes"][data-step="${step}"]`).waitFor();
  });

  const exported = join(shots, 'session.json');
  await step('export-the-session', page, async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export').click()]);
    await download.saveAs(exported);
    const doc = JSON.parse(readFileSync(exported, 'utf8'));
    if (doc.format !== 'reactive-devtools-session' || doc.messages.length < 10) throw new Error('not a session file');
    if (!doc.messages.some((m) => m.type === 'store_commit' && m.kind === 'jump')) throw new Error('the jumps are not in it');
  });

  await step('import-the-session', page, async () => {
    await page.reload();
    await page.locator('#status.live').waitFor();
    await page.locator('#import').setInputFiles(exported);
    await page.locator('#status.imported').waitFor();
    await page.locator('nav button[data-tab="graph"]').click();
    await page.locator('#graph .node[data-name="status bar"]').first().waitFor();
    await page.locator('nav button[data-tab="events"]').click();
    await page.locator('#events tr[data-topic="edit.line"]').first().waitFor();
    await page.locator('nav button[data-tab="scopes"]').click();
    await page.locator('#scopes .scope[data-path="app/session/notes"]').waitFor();
  });

  await step('graph-for-the-readme', page, async () => {
    await page.locator('nav button[data-tab="graph"]').click();
    await page.locator('#graph .node[data-name="status bar"]').first().click();
    await page.locator('#inspector-title', { hasText: 'status bar' }).waitFor();
    // Its subscriber, the view that prints it: why it ran goes through the memo.
    await page.locator('#inspector-subscribers a').first().click();
    await page.locator('#why', { hasText: 'recomputed' }).waitFor();
  });

  await step('a-thousand-nodes-stay-readable', page, async () => {
    // A synthetic session: a root owning 10 owners of 100 signals, memos and effects each.
    const gen = 4294967296;
    const nodes = [{ id: gen + 1, kind: 'owner', name: 'root', state: 'clean', owner: null }];
    const edges = [];
    for (let g = 0; g < 10; g += 1) {
      const owner = gen + 2 + g * 101;
      nodes.push({ id: owner, kind: 'owner', name: `panel ${g}`, state: 'clean', owner: gen + 1 });
      for (let i = 1; i <= 100; i += 1) {
        const kind = ['signal', 'memo', 'effect'][i % 3];
        nodes.push({ id: owner + i, kind, name: `${kind} ${g}.${i}`, state: i % 7 ? 'clean' : 'dirty', owner });
        if (kind !== 'signal') edges.push([owner + i - 1, owner + i]);
      }
    }
    const full = nodes.map((n) => ({ created_at: null, runs: 0, last_ns: 0, total_ns: 0, inspectable: false, ...n }));
    const file = join(shots, 'thousand-nodes.json');
    writeFileSync(file, JSON.stringify({ format: 'reactive-devtools-session', version: 1,
      messages: [{ type: 'hello', app: 'synthetic', version: 1 }, { type: 'graph', nodes: full, edges }] }));
    await page.locator('#import').setInputFiles(file);
    await page.locator('#node-count', { hasText: '1011' }).waitFor();
    await page.locator('nav button[data-tab="graph"]').click();
    await page.locator('#graph .group.collapsed').first().waitFor();
    const drawn = await page.locator('#graph .node').count();
    if (drawn > 50) throw new Error(`${drawn} chips drawn: the panels should start collapsed`);
    // Expanding one panel shows its hundred nodes, and only those.
    await page.locator('#graph .group[data-owner] .owner-row').nth(1).click();
    await page.locator('#graph .node[data-name="memo 0.100"]').waitFor();
    const after = await page.locator('#graph .node').count();
    if (after < 100 || after > 150) throw new Error(`${after} chips after expanding one panel`);
  });

  finished = true;
  tell('quit');
  await browser.close();
}

main()
  .then(() => {
    rmSync(profile, { recursive: true, force: true });
    console.log(`all ${stepNo} steps passed`);
    process.exit(0);
  })
  .catch(async (e) => {
    if (browser) await browser.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
    fail(e.stack || String(e));
  });
