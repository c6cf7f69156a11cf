/**
 * Management tree benchmark in Chromium (not a test; issue #4). Run alone with
 * `npx tsx bench/tree-chromium.ts`; `npm run bench` runs it through bench/suites.ts.
 *
 * It builds the app into a temp dir, serves it on 127.0.0.1, drives Debian Chromium with
 * playwright-core and measures INSIDE the page, on a 10,000-node tree, each figure beside the same
 * work done with bare IndexedDB calls in the same run:
 * (a) `?list=StructData` of the whole tree through ManagementTree vs getAll on the nodes store and
 *     building the same pre-order list;
 * (b) a 1,000-Replace batch through ManagementTree.batch vs the same 1,000 puts in one raw
 *     readwrite transaction;
 * (c) cold open of the app to interactive (home screen shown, tree loaded) vs a bare page on the
 *     same origin that opens the database and reads every record (both from navigation start, both
 *     taken at the first animation frame that sees the work done);
 * (d) smoothness of the inspector's virtualised tree view with every node expanded: frame times
 *     while scrolling through all rows, long tasks, and the time to expand / collapse everything.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { START_UP_MARKS } from '../src/adapters/db.ts';
import { percentile } from '../src/cli/fleet/run-fleet.ts';
import { createStaticAppHandler } from '../src/server/static-app.ts';
import { listen } from '../src/server/listen.ts';
import { openBrowser } from '../test/e2e/browser.ts';
import type {} from '../src/state/test-hooks.ts';
import { formatTable, row, sample, type BenchRow } from './lib.ts';

const SUITE = 'tree-chromium';
const NODES = 10_000;
const MUTATIONS = 1_000;
const RUNS = 9;
const WARMUP = 2;
/** Start-up times spread widely on a loaded 2-core machine: more runs than the in-page figures. */
const COLD_RUNS = 11;
/** Served by the bench server only; `/api` keeps the service worker's app-shell fallback away from it. */
const RAW_PAGE = '/api/bench-raw-idb';

/**
 * The comparison for a cold open: a page with nothing but IndexedDB calls that opens the app's
 * database, reads every node record and builds the URI index and child lists.
 */
const RAW_PAGE_HTML = `<!doctype html><meta charset="utf-8"><title>raw IndexedDB read</title><script>
const asked = performance.now();
const open = indexedDB.open('ota-handset');
open.onsuccess = () => {
  const db = open.result;
  const req = db.transaction('nodes').objectStore('nodes').getAll();
  req.onsuccess = () => {
    const nodes = new Map(); const kids = new Map();
    for (const r of req.result.sort((a, b) => a.seq - b.seq)) {
      nodes.set(r.uri, r);
      if (r.parent !== '') { const k = kids.get(r.parent); if (k) k.push(r.uri); else kids.set(r.parent, [r.uri]); }
    }
    window.__rawDone = { count: nodes.size, storageMs: performance.now() - asked };
    db.close();
  };
};
</script>`;

/** Shared in-page helpers, defined once per page as `window.__bench`. Strings: the page has no bundler. */
const PAGE_HELPERS = `
window.__bench = {
  openRaw() {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open('ota-handset');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  },
  getAll(db) {
    return new Promise((resolve, reject) => {
      const req = db.transaction('nodes').objectStore('nodes').getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  },
  /** The same list ?list=StructData gives, built from raw records: pre-order, creation order among siblings. */
  structData(records) {
    const kids = new Map(); let root;
    for (const r of records.sort((a, b) => a.seq - b.seq)) {
      if (r.parent === '') { root = r; continue; }
      const k = kids.get(r.parent); if (k) k.push(r); else kids.set(r.parent, [r]);
    }
    const out = [];
    const walk = (r) => {
      const item = { uri: r.uri, format: r.format, type: r.type };
      if (r.format !== 'node' && !r.secret) item.value = r.value ?? '';
      out.push(item);
      for (const k of kids.get(r.uri) ?? []) walk(k);
    };
    walk(root);
    return out;
  },
  /** Times ours and the comparison alternately, run by run, so background load hits both alike. */
  async pair(ours, theirs, runs, warmup) {
    const out = [[], []];
    for (let i = 0; i < warmup + runs; i++) {
      for (const [k, fn] of [[0, ours], [1, theirs]]) {
        const t = performance.now();
        await fn(i);
        if (i >= warmup) out[k].push(performance.now() - t);
      }
    }
    return out;
  },
};`;

async function waitForTree(page: Page, count: number): Promise<number> {
  const handle = await page.waitForFunction(
    (count) => {
      const tree = window.__otaTestHooks?.tree;
      const home = document.querySelector('[aria-label="Apps"]');
      return tree && tree.size >= count && home ? performance.now() : false;
    },
    count,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** First run, then seeds the tree as the device up to exactly NODES nodes, in one batch. */
async function seedTree(page: Page, baseUrl: string): Promise<void> {
  await page.goto(`${baseUrl}?testhooks=1`);
  await page.getByLabel('Handset name').fill('Bench phone');
  await page.getByRole('button', { name: 'Start handset' }).click();
  await waitForTree(page, 1);
  const size = await page.evaluate(async (total) => {
    const hooks = window.__otaTestHooks!;
    const tree = hooks.tree!;
    const ops: { op: 'add'; uri: string; value?: string; format?: 'node' }[] = [];
    const groups = 100;
    for (let g = 0; g < groups; g++) ops.push({ op: 'add', uri: `./Bench/g${g}`, format: 'node' });
    // ./Bench itself is added implicitly by the first op.
    const leaves = total - tree.size - groups - 1;
    for (let i = 0; i < leaves; i++)
      ops.push({ op: 'add', uri: `./Bench/g${i % groups}/leaf${i}`, value: `value ${i}` });
    const result = await tree.batch(hooks.principals.DEVICE, ops);
    if (result.status !== 200) throw new Error(JSON.stringify(result));
    return tree.size;
  }, NODES);
  if (size !== NODES) throw new Error(`seeded ${size} nodes, expected ${NODES}`);
}

/** (a) and (b), inside the page. */
async function listAndBatch(page: Page): Promise<Record<string, number[]>> {
  await page.evaluate(PAGE_HELPERS);
  return page.evaluate(`(async () => {
    const b = window.__bench;
    const hooks = window.__otaTestHooks;
    const tree = hooks.tree;
    const DEVICE = hooks.principals.DEVICE;
    const db = await b.openRaw();
    const out = {};
    let listed = 0, rawListed = 0;
    [out.list, out.rawList] = await b.pair(
      () => { listed = tree.list(DEVICE, '.', 'StructData').items.length; },
      async () => { rawListed = b.structData(await b.getAll(db)).length; },
      ${RUNS}, ${WARMUP});
    if (listed !== ${NODES} || rawListed !== ${NODES}) throw new Error('listed ' + listed + ' / ' + rawListed);
    const leaves = tree.list(DEVICE, './Bench', 'Struct').items.filter((i) => i.format !== 'node').slice(0, ${MUTATIONS}).map((i) => i.uri);
    if (leaves.length !== ${MUTATIONS}) throw new Error('only ' + leaves.length + ' leaves');
    [out.batch, out.rawBatch] = await b.pair(async (run) => {
      const r = await tree.batch(DEVICE, leaves.map((uri) => ({ op: 'replace', uri, value: 'run ' + run + ' ' + uri })));
      if (r.status !== 200) throw new Error(JSON.stringify(r));
    },
    // The same 1,000 records the tree wrote (new value, tstamp, verNo), put in ONE raw transaction.
    async (run) => {
      const records = leaves.map((uri) => ({ ...tree.record(uri), value: 'raw ' + run + ' ' + uri, verNo: run }));
      await new Promise((resolve, reject) => {
        const tx = db.transaction('nodes', 'readwrite');
        const store = tx.objectStore('nodes');
        for (const r of records) store.put(r);
        tx.oncomplete = resolve; tx.onerror = () => reject(tx.error); tx.onabort = () => reject(tx.error);
      });
    }, ${RUNS}, ${WARMUP});
    db.close();
    return out;
  })()`);
}

/** (c): a new page per run in the same profile; both figures are ms from navigation start. */
async function coldOpen(
  context: Awaited<ReturnType<typeof openBrowser>>['context'],
  baseUrl: string,
): Promise<{
  ours: number[];
  raw: number[];
  scriptsDone: number[];
  oursStorage: number[];
  rawStorage: number[];
}> {
  const ours: number[] = [];
  const raw: number[] = [];
  // The storage part alone: from asking IndexedDB to the tree (or the bare index) being ready.
  const oursStorage: number[] = [];
  const rawStorage: number[] = [];
  // When the app's own scripts have run (DOMContentLoaded ends): the fixed boot cost of the app.
  const scriptsDone: number[] = [];
  for (let i = 0; i < COLD_RUNS + 1; i++) {
    const page = await context.newPage();
    await page.goto(`${baseUrl}?testhooks=1`);
    const at = await waitForTree(page, NODES);
    const dcl = await page.evaluate(
      () =>
        (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming)
          .domContentLoadedEventEnd,
    );
    const storage = await page.evaluate(
      ([started, open]) => {
        const [from] = performance.getEntriesByName(started);
        const [to] = performance.getEntriesByName(open);
        if (!from || !to) throw new Error(`start-up marks missing (${started}: ${!!from}, ${open}: ${!!to})`);
        return to.startTime - from.startTime;
      },
      [START_UP_MARKS.readStarted, START_UP_MARKS.treeOpen] as const,
    );
    await page.close();
    const rawPage = await context.newPage();
    await rawPage.goto(new URL(RAW_PAGE, baseUrl).href);
    // Timed like the app: at the first animation frame that sees the work done (decision 0172).
    const done = await rawPage.waitForFunction(
      () => {
        const raw = (window as unknown as { __rawDone?: { count: number; storageMs: number } }).__rawDone;
        return raw ? { at: performance.now(), ...raw } : false;
      },
      undefined,
      { polling: 'raf' },
    );
    const {
      at: rawAt,
      count,
      storageMs,
    } = (await done.jsonValue()) as {
      at: number;
      count: number;
      storageMs: number;
    };
    await rawPage.close();
    if (count !== NODES) throw new Error(`the raw page read ${count} records`);
    if (i === 0) continue; // warm-up: the first visit fills the HTTP cache and the service worker
    ours.push(at);
    raw.push(rawAt);
    scriptsDone.push(dcl);
    oursStorage.push(storage);
    rawStorage.push(storageMs);
  }
  return { ours, raw, scriptsDone, oursStorage, rawStorage };
}

interface ScrollPass {
  /** Time between painted frames while scrolling, ms. */
  frames: number[];
  /** Long tasks (over 50 ms) during the pass: start relative to the pass, duration. */
  longTasks: { start: number; duration: number }[];
  /** Frames over 50 ms: the frame's index and the scroll position it was drawn at. */
  slow: { index: number; scrollTop: number; ms: number }[];
}

interface Smoothness {
  passes: ScrollPass[];
  rows: number;
  expandMs: number[];
  collapseMs: number[];
}

const SCROLL_PASSES = 3;

/**
 * (d): the inspector's tree view with all 10,000 rows. Each pass scrolls a viewport per frame from
 * top to bottom (every frame draws all-new rows, the worst case) and then moves 200 rows with the
 * arrow key, one per frame.
 */
async function smoothness(page: Page): Promise<Smoothness> {
  await page.getByRole('button', { name: 'Show inspector' }).click();
  await page.getByRole('tab', { name: 'Management tree' }).click();
  await page.getByRole('tree', { name: 'Management tree' }).waitFor();
  return page.evaluate(`(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => r(performance.now())));
    const button = (name) => [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === name);
    const tree = document.querySelector('[role="tree"]');
    let long = [];
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) long.push(e); });
    observer.observe({ entryTypes: ['longtask'] });
    // Expand all / collapse all: click to the second frame after it (the first painted with the change).
    const expandMs = [], collapseMs = [];
    for (let i = 0; i < 5; i++) {
      await frame();
      let t = performance.now(); button('Expand all').click(); await frame(); await frame(); expandMs.push(performance.now() - t);
      t = performance.now(); button('Collapse all').click(); await frame(); await frame(); collapseMs.push(performance.now() - t);
    }
    button('Expand all').click(); await frame(); await frame();
    const rows = Number((tree.querySelector('.spacer').style.height || '0').replace('px', '')) / 28;
    const passes = [];
    for (let pass = 0; pass < ${SCROLL_PASSES}; pass++) {
      tree.scrollTop = 0;
      await frame(); await frame();
      long = [];
      const frames = [], slow = [];
      const begin = await frame();
      let last = begin;
      const record = () => frame().then((now) => {
        const ms = now - last;
        if (ms > 50) slow.push({ index: frames.length, scrollTop: tree.scrollTop, ms });
        frames.push(ms);
        last = now;
      });
      while (tree.scrollTop + tree.clientHeight < tree.scrollHeight - 1) {
        tree.scrollTop += tree.clientHeight;
        await record();
      }
      tree.focus();
      for (let i = 0; i < 200; i++) {
        tree.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true }));
        await record();
      }
      passes.push({ frames, slow, longTasks: long.map((e) => ({ start: e.startTime - begin, duration: e.duration })) });
    }
    observer.disconnect();
    return { passes, rows, expandMs, collapseMs };
  })()`);
}

/** Builds and serves the app, runs every figure in one Chromium, and returns the rows. */
export async function runTreeChromiumBench(
  log: (line: string) => void = () => {},
  options: {
    /** An app already built there (e.g. to compare two builds in one run); default: build one now. */
    dist?: string;
  } = {},
): Promise<BenchRow[]> {
  const built = options.dist === undefined;
  const dist = options.dist ?? mkdtempSync(join(tmpdir(), 'ota-bench-tree-'));
  if (built) {
    log(`building the app into ${dist}`);
    execFileSync('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'error'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const serveStatic = createStaticAppHandler(dist);
  const server = createServer((req, res) => {
    if (req.url === RAW_PAGE) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(RAW_PAGE_HTML);
      return;
    }
    void serveStatic(req, res);
  });
  const port = await listen(server, 0, '127.0.0.1', 'bench app server');
  const baseUrl = `http://127.0.0.1:${port}/`;
  const browser = await openBrowser();
  try {
    const { page, context } = browser;
    log(`seeding a ${NODES}-node tree`);
    await seedTree(page, baseUrl);
    log('(a) ?list=StructData and (b) 1,000-mutation batch');
    const lb = await listAndBatch(page);
    log('(c) cold open');
    await page.goto('about:blank');
    const cold = await coldOpen(context, baseUrl);
    log(
      `    app DOMContentLoaded at ${sample(cold.scriptsDone).median.toFixed(0)} ms (median), tree loaded and home shown at ${sample(cold.ours).median.toFixed(0)} ms`,
    );
    log('(d) tree view smoothness');
    const view = await context.newPage();
    await view.goto(`${baseUrl}?testhooks=1`);
    await waitForTree(view, NODES);
    const smooth = await smoothness(view);
    if (smooth.rows !== NODES) throw new Error(`the tree view shows ${smooth.rows} rows, expected ${NODES}`);
    for (const [i, pass] of smooth.passes.entries())
      log(
        `    pass ${i + 1}: ${pass.frames.length} frames, long tasks ${JSON.stringify(pass.longTasks.map((t) => [Math.round(t.start), Math.round(t.duration)]))}, frames > 50 ms ${JSON.stringify(pass.slow.map((f) => [f.index, f.scrollTop, Math.round(f.ms)]))}`,
      );
    const allFrames = smooth.passes.flatMap((p) => p.frames);
    return [
      row(
        SUITE,
        `?list=StructData of a ${NODES}-node tree`,
        'ms',
        sample(lb.list!),
        { name: 'raw IndexedDB getAll + same list', sample: sample(lb.rawList!) },
        '< 100 ms; ratio <= 1.5',
      ),
      row(
        SUITE,
        `batch of ${MUTATIONS} Replace, one commit`,
        'ms',
        sample(lb.batch!),
        { name: `raw IndexedDB: ${MUTATIONS} puts, one transaction`, sample: sample(lb.rawBatch!) },
        '< 300 ms; ratio <= 1.5',
      ),
      row(
        SUITE,
        `cold open to home screen + tree loaded (${NODES} nodes)`,
        'ms',
        sample(cold.ours),
        { name: 'bare page: open DB + read all records', sample: sample(cold.raw) },
        'ratio <= 1.5',
      ),
      // Where the cold open's time goes: the storage part alone (the rest is loading the UI).
      row(
        SUITE,
        `cold open, storage part: read asked for to tree open (${NODES} nodes)`,
        'ms',
        sample(cold.oursStorage),
        { name: 'bare page: open DB + read all records + index', sample: sample(cold.rawStorage) },
      ),
      row(
        SUITE,
        `tree view, ${NODES} rows: frame time scrolling all rows`,
        'ms',
        sample(allFrames),
        undefined,
        'median <= 16.7 ms (60 Hz)',
      ),
      row(
        SUITE,
        'tree view: p95 frame time per scroll pass',
        'ms',
        sample(
          smooth.passes.map((p) =>
            percentile(
              [...p.frames].sort((a, b) => a - b),
              95,
            ),
          ),
        ),
        undefined,
        '<= 33 ms (no more than one dropped frame)',
      ),
      row(
        SUITE,
        'tree view: long tasks (> 50 ms) per scroll pass',
        'count',
        sample(smooth.passes.map((p) => p.longTasks.length)),
        undefined,
        '0',
      ),
      row(SUITE, `tree view: expand all (${NODES} rows) to next frame`, 'ms', sample(smooth.expandMs)),
      row(SUITE, 'tree view: collapse all to next frame', 'ms', sample(smooth.collapseMs)),
    ];
  } finally {
    await browser.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (built) rmSync(dist, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runTreeChromiumBench((line) => process.stderr.write(`${line}\n`));
  console.log(formatTable(rows));
}
