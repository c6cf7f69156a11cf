import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser } from './browser.ts';
import { runSuiteInBrowser } from './browser-suites.ts';

describe('storage suites in real Chromium IndexedDB', () => {
  let page: Page;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ page, close } = await openBrowser());
    await page.goto(inject('baseUrl'));
  });
  afterAll(async () => close());

  it('passes the same suites as the Node run', async () => {
    const results = await runSuiteInBrowser(page, '../browser/storage.entry.ts');
    const failed = results.filter((r) => !r.ok);
    expect(failed, failed.map((f) => `${f.name}\n${f.error}`).join('\n\n')).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(10);
    expect(
      results.some((r) => r.name.startsWith('TreeStore') || r.name.includes('IndexedDB (Chromium)')),
    ).toBe(true);
  });
});
