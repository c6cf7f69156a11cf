import { fileURLToPath } from 'node:url';
import { build, type Rolldown } from 'vite';
import type { Page } from 'playwright-core';
import type { BrowserTestResult } from '../browser/vitest-shim.ts';

const shim = fileURLToPath(new URL('../browser/vitest-shim.ts', import.meta.url));

/**
 * Bundles a browser entry (which imports shared suites and calls them) with `vitest` aliased
 * to the shim, runs it in the page and returns each test's result.
 */
export async function runSuiteInBrowser(page: Page, entry: string): Promise<BrowserTestResult[]> {
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    resolve: { alias: { vitest: shim } },
    build: {
      write: false,
      minify: false,
      lib: { entry: fileURLToPath(new URL(entry, import.meta.url)), formats: ['es'], fileName: 'suite' },
      rolldownOptions: { output: { codeSplitting: false } },
    },
  })) as Rolldown.RolldownOutput | Rolldown.RolldownOutput[];
  const first = Array.isArray(output) ? output[0]! : output;
  const chunk = first.output.find((o) => o.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error(`bundling ${entry} produced no code`);
  // The entry exports `run()`; load it as a module from a blob URL and call it. The script is a
  // string so that Vitest's transform does not rewrite its dynamic import.
  const script = `(async () => {
    const url = URL.createObjectURL(new Blob([${JSON.stringify(chunk.code)}], { type: 'text/javascript' }));
    const mod = await import(url);
    return mod.run();
  })()`;
  return (await page.evaluate(script)) as BrowserTestResult[];
}
