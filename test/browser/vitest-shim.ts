/**
 * Just enough of Vitest's API for shared suites (test/shared/*.suite.ts) to run inside
 * Chromium: the e2e bundler aliases `vitest` to this file. `expect` is Vitest's own
 * (@vitest/expect on chai), so matchers behave exactly as in the Node run.
 */
import { chai, JestAsymmetricMatchers, JestChaiExpect, JestExtend } from '@vitest/expect';
import type { expect as vitestExpect } from 'vitest';

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(JestAsymmetricMatchers);

export const expect = chai.expect as unknown as typeof vitestExpect;

type Hook = () => unknown | Promise<unknown>;
interface TestCase {
  name: string;
  fn: Hook;
  beforeEach: Hook[];
  afterEach: Hook[];
}

const tests: TestCase[] = [];
const prefix: string[] = [];
const hookStack: { beforeEach: Hook[]; afterEach: Hook[] }[] = [{ beforeEach: [], afterEach: [] }];

export function describe(name: string, body: () => void): void {
  prefix.push(name);
  hookStack.push({ beforeEach: [], afterEach: [] });
  body();
  hookStack.pop();
  prefix.pop();
}

export function it(name: string, fn: Hook): void {
  tests.push({
    name: [...prefix, name].join(' > '),
    fn,
    beforeEach: hookStack.flatMap((h) => h.beforeEach),
    afterEach: hookStack.flatMap((h) => h.afterEach).reverse(),
  });
}
export const test = it;

export function beforeEach(fn: Hook): void {
  hookStack[hookStack.length - 1]!.beforeEach.push(fn);
}

export function afterEach(fn: Hook): void {
  hookStack[hookStack.length - 1]!.afterEach.push(fn);
}

export interface BrowserTestResult {
  name: string;
  ok: boolean;
  error?: string;
}

/** Runs every registered test in order; the e2e test reads the results. */
export async function runRegisteredTests(): Promise<BrowserTestResult[]> {
  const results: BrowserTestResult[] = [];
  for (const t of tests) {
    try {
      for (const hook of t.beforeEach) await hook();
      try {
        await t.fn();
      } finally {
        for (const hook of t.afterEach) await hook();
      }
      results.push({ name: t.name, ok: true });
    } catch (error) {
      results.push({
        name: t.name,
        ok: false,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  }
  return results;
}
