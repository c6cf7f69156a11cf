/**
 * App benchmark (issue #10): what the first screen costs. Run alone with `npx tsx bench/app.ts`.
 *
 * - Bytes: the app is built into a temporary directory; the first screen loads index.html's
 *   module script, its modulepreload links, the chunks those import statically, and its
 *   stylesheets. Their gzip size is set beside everything the build ships (all JS and CSS,
 *   which the service worker precaches). Chunks fetched by dynamic import() (inspector, CP
 *   pipeline, DM session) are not first-screen bytes.
 * - Time to interactive: in Chromium, from navigation start to the home screen's app list
 *   (rendered with its handlers) for a set-up handset, loaded offline from the service worker
 *   cache, beside the same page loaded from the network (127.0.0.1) with the service worker
 *   bypassed and the HTTP cache disabled. Runs alternate between the two.
 */
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { openBrowser } from '../test/e2e/browser.ts';
import { buildApp, serveDir } from './browser-support.ts';
import { formatTable, row, sample, type BenchRow } from './lib.ts';

const SUITE = 'app';
const RUNS = 9;

const gz = (file: string) => gzipSync(readFileSync(file), { level: 9 }).length;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** Static imports of a built chunk (`import{…}from"./x.js"`, `import"./x.js"`), not `import("./x.js")`. */
function staticImports(code: string): string[] {
  const out: string[] = [];
  for (const m of code.matchAll(/\bimport\s*(?:[\w$*{},\s]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g))
    out.push(m[1]!);
  return out;
}

export interface FirstScreen {
  js: string[];
  css: string[];
}

/** The files the first screen loads, from index.html and the static import graph. */
export function firstScreenFiles(dist: string): FirstScreen {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const attr = (re: RegExp) => [...html.matchAll(re)].map((m) => m[1]!.replace(/^\//, ''));
  const js = new Set([
    ...attr(/<script[^>]*type="module"[^>]*src="([^"]+)"/g),
    ...attr(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g),
  ]);
  const css = new Set(attr(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g));
  const queue = [...js];
  while (queue.length > 0) {
    const file = queue.pop()!;
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    for (const spec of staticImports(readFileSync(join(dist, file), 'utf8'))) {
      const target = join(dir, spec).replace(/\\/g, '/');
      if (!js.has(target)) {
        js.add(target);
        queue.push(target);
      }
    }
  }
  return { js: [...js], css: [...css] };
}

function sizeRows(dist: string, log: (line: string) => void): BenchRow[] {
  const first = firstScreenFiles(dist);
  const all = walk(dist).filter((f) => /\.(js|css)$/.test(f) && !/\/(sw|workbox-[^/]*)\.js$/.test(f));
  const shipped = (ext: string) => all.filter((f) => f.endsWith(ext)).reduce((s, f) => s + gz(f), 0);
  const firstJs = first.js.reduce((s, f) => s + gz(join(dist, f)), 0);
  const firstCss = first.css.reduce((s, f) => s + gz(join(dist, f)), 0);
  log(`first screen: ${[...first.js, ...first.css].join(', ')}`);
  const kb = (n: number) => sample([n / 1000]);
  return [
    row(SUITE, 'first-screen JavaScript (gzip)', 'kB', kb(firstJs), {
      name: 'all JavaScript shipped (gzip)',
      sample: kb(shipped('.js')),
    }),
    row(SUITE, 'first-screen CSS (gzip)', 'kB', kb(firstCss), {
      name: 'all CSS shipped (gzip)',
      sample: kb(shipped('.css')),
    }),
  ];
}

/** Milliseconds from navigation start until the home screen's app list exists. */
async function loadToApps(page: Page, url: string): Promise<number> {
  await page.goto(url, { waitUntil: 'commit' });
  const handle = await page.waitForFunction(
    () => (document.querySelector('ul[aria-label="Apps"]') ? performance.now() : false),
    null,
    { polling: 'raf', timeout: 30_000 },
  );
  return (await handle.jsonValue()) as number;
}

async function ttiRows(dist: string, log: (line: string) => void): Promise<BenchRow[]> {
  const served = await serveDir(dist);
  const browser = await openBrowser();
  try {
    const { page, context } = browser;
    // First visit from the network: time to the first-run form (nothing is cached yet).
    await page.goto(served.url, { waitUntil: 'commit' });
    const firstVisit = (await (
      await page.waitForFunction(
        () =>
          document.querySelector('h2, h1') && document.querySelector('form') ? performance.now() : false,
        null,
        { polling: 'raf', timeout: 30_000 },
      )
    ).jsonValue()) as number;
    await page.getByLabel('Handset name').fill('Bench phone');
    await page.getByRole('button', { name: 'Start handset' }).click();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    // Make sure the service worker controls the page before timing cache loads.
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const fromCache: number[] = [];
    const fromNetwork: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      await cdp.send('Network.setBypassServiceWorker', { bypass: false });
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
      await context.setOffline(true);
      const cached = await loadToApps(page, served.url);
      await context.setOffline(false);
      await cdp.send('Network.setBypassServiceWorker', { bypass: true });
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const network = await loadToApps(page, served.url);
      if (i === 0) continue; // warm-up
      fromCache.push(cached);
      fromNetwork.push(network);
    }
    // The on-demand chunks must be in the service worker cache too: open the inspector offline.
    await cdp.send('Network.setBypassServiceWorker', { bypass: false });
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    await context.setOffline(true);
    await loadToApps(page, served.url);
    await page.getByRole('button', { name: 'Show inspector' }).click();
    await page.getByRole('complementary', { name: 'Inspector (tester tools)' }).waitFor({ timeout: 10_000 });
    await context.setOffline(false);
    log('offline: the inspector chunk loads from the service worker cache');
    return [
      row(SUITE, 'first visit: network to first-run form', 'ms', sample([firstVisit]), undefined, '(report)'),
      row(
        SUITE,
        'time to interactive (home screen), offline from service worker cache',
        'ms',
        sample(fromCache),
        { name: 'network (127.0.0.1), SW bypassed, no HTTP cache', sample: sample(fromNetwork) },
        '(report; localhost has no latency)',
      ),
    ];
  } finally {
    await browser.close();
    await served.close();
  }
}

export async function runAppBench(log: (line: string) => void = () => {}): Promise<BenchRow[]> {
  const dist = buildApp();
  try {
    return [...sizeRows(dist, log), ...(await ttiRows(dist, log))];
  } finally {
    rmSync(dist, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await runAppBench((line) => process.stderr.write(`${line}\n`));
  console.log(formatTable(rows));
}
