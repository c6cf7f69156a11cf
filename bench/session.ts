/**
 * DM session benchmark (issue #6): the handset's processing time for one server message with
 * 100 management commands, excluding the network, in Node and in Chromium, beside the same 100
 * operations done directly on the ManagementTree (bench/session-work.ts explains the work).
 * In Chromium the same module is bundled by vite into a page of its own, with a memory tree
 * store, so both runtimes do identical work. Run alone with `npx tsx bench/session.ts`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { openBrowser } from '../test/e2e/browser.ts';
import { serveDir } from './browser-support.ts';
import { formatTable, row, sample, type BenchRow } from './lib.ts';
import { COMMANDS, measureSession } from './session-work.ts';

const SUITE = 'session';
const RUNS = 15;

function rows(runtime: string, encoding: string, m: { engine: number[]; direct: number[] }): BenchRow {
  return row(
    SUITE,
    `${runtime}: client processing of one ${COMMANDS}-command server message (${encoding})`,
    'ms',
    sample(m.engine),
    { name: `same ${COMMANDS} ops on ManagementTree`, sample: sample(m.direct) },
    'engine overhead (report)',
  );
}

/** Bundles session-work.ts for the browser and runs it in a blank page in Chromium. */
async function inChromium(log: (line: string) => void): Promise<BenchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'ota-bench-session-'));
  try {
    await build({
      configFile: false,
      logLevel: 'warn',
      root: resolve('.'),
      build: {
        outDir: dir,
        emptyOutDir: false,
        target: 'es2022',
        lib: { entry: resolve('bench/session-work.ts'), formats: ['es'], fileName: () => 'session-work.js' },
      },
    });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>session bench</title><p>session bench</p>');
    const served = await serveDir(dir);
    const browser = await openBrowser();
    try {
      await browser.page.goto(served.url);
      const out: BenchRow[] = [];
      for (const encoding of ['wbxml', 'xml'] as const) {
        // A string: page.evaluate would otherwise try to serialise the dynamic import.
        const m = (await browser.page.evaluate(
          `import('/session-work.js').then((w) => w.measureSession(${JSON.stringify(encoding)}, ${RUNS}))`,
        )) as { engine: number[]; direct: number[] };
        out.push(rows('Chromium', encoding, m));
        log(`Chromium ${encoding}: done`);
      }
      return out;
    } finally {
      await browser.close();
      await served.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runSessionBench(log: (line: string) => void = () => {}): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const encoding of ['wbxml', 'xml'] as const) {
    out.push(rows('Node', encoding, await measureSession(encoding, RUNS)));
    log(`Node ${encoding}: done`);
  }
  out.push(...(await inChromium(log)));
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = await runSessionBench((line) => process.stderr.write(`${line}\n`));
  console.log(formatTable(result));
}
