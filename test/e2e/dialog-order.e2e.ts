/**
 * One system dialog at a time (decision 0180): a DM alert that comes while a CP message asks
 * for its PIN waits (listed in the shade, its MAXDT not yet running) and shows once the CP
 * dialog is closed; the status bar says "Waiting for you" throughout and "Idle" after.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, screenshot } from './browser.ts';
import { expectAccessible, startHandset } from './handset-support.ts';

const baseUrl = inject('baseUrl');
/** Document A pushed with SEC=USERPIN, PIN 1234 (test/vectors/cp/README.md). */
const userpinPush = readFileSync('test/vectors/cp/push-userpin.hex', 'utf8').trim();

/** The queue as the test hooks see it: source and whether the dialog is on screen. */
function queue(page: Page): Promise<{ source: string; shownAt: number | null }[]> {
  return page.evaluate(() =>
    window.__otaTestHooks!.prompts.queue.map((p) => ({ source: p.source, shownAt: p.shownAt })),
  );
}

describe('the phone’s dialog order', () => {
  let page: Page;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ page, close } = await openBrowser());
    await startHandset(page, baseUrl);
  });
  afterEach(async () => close());

  it('a DM alert that comes during the CP PIN dialog waits for it, then shows with its full MAXDT', async () => {
    const activity = page.getByTestId('status-activity');
    await expect(activity.textContent()).resolves.toContain('Idle');
    await page.evaluate(async (hex) => {
      const bytes = new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16)));
      await window.__otaTestHooks!.app.provisioning!.receive(bytes, { source: 'push', sourceName: 'test' });
    }, userpinPush);
    const pinTitle = page.getByRole('heading', { name: 'New settings from your operator' });
    await pinTitle.waitFor();
    await expect(activity.textContent()).resolves.toContain('Waiting for you');

    await page.evaluate(() => {
      const w = window as unknown as { __answer?: unknown };
      void window
        .__otaTestHooks!.alert(1101, 'MAXDT=30&DR=1', 'Use the new MMS settings?')
        .then((a) => (w.__answer = a));
    });
    await page.getByRole('status').filter({ hasText: '1 more question waiting' }).waitFor();
    // Only the PIN dialog is on screen; the alert waits, its timer not started.
    const askTitle = page.getByRole('heading', { name: 'Your operator asks' });
    await expect(askTitle.count()).resolves.toBe(0);
    await expect(page.locator('[role="dialog"]').count()).resolves.toBe(1);
    await expect(queue(page)).resolves.toEqual([
      { source: 'provisioning', shownAt: expect.any(Number) },
      { source: 'dm', shownAt: null },
    ]);
    await expect(activity.textContent()).resolves.toContain('Waiting for you');
    await expect(
      page.getByLabel('Provisioning PIN').evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    await screenshot(page, 'dialog-order-pin-first');
    await expectAccessible(page, 'PIN dialog with a DM alert waiting');

    // The shade lists both: the message on screen and the question next in line.
    await page.getByRole('button', { name: /^Notifications/ }).click();
    const pending = page.getByTestId('pending-questions');
    const items = pending.getByRole('listitem');
    await expect(items.count()).resolves.toBe(2);
    await expect(items.nth(0).textContent()).resolves.toMatch(
      /New settings from your operator.*On screen: answer it there/,
    );
    await expect(items.nth(1).textContent()).resolves.toMatch(
      /Use the new MMS settings\?.*Next after the open question/,
    );
    // The shade lies under the open dialog, as for a DM alert: the bell closes it again.
    await page.getByTestId('notifications-button').click();
    await expect(page.getByTestId('notification-shade').count()).resolves.toBe(0);

    // The user finishes the CP dialog: PIN, Accept, Done.
    await page.getByLabel('Provisioning PIN').fill('1234');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Install new settings?' }).waitFor();
    await page.getByRole('button', { name: 'Accept' }).click();
    await page.getByRole('heading', { name: 'Settings installed' }).waitFor();
    await expect(askTitle.count()).resolves.toBe(0);
    const closedAt = await page.evaluate(() => Date.now());
    await page.getByRole('button', { name: 'Done' }).click();

    // Now the alert shows, its 30 s counted from here.
    await askTitle.waitFor();
    await expect(page.getByTestId('incoming-settings').count()).resolves.toBe(0);
    const [shown] = await queue(page);
    expect(shown?.source).toBe('dm');
    expect(shown?.shownAt).toBeGreaterThanOrEqual(closedAt);
    await expect(page.getByTestId('dialog-countdown').textContent()).resolves.toMatch(
      /Closes by itself in (29|30) s/,
    );
    await expect(activity.textContent()).resolves.toContain('Waiting for you');
    await screenshot(page, 'dialog-order-alert-next');
    await page.getByRole('button', { name: 'Yes', exact: true }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __answer?: unknown }).__answer))
      .toEqual({ kind: 'yes' });
    await expect(queue(page)).resolves.toEqual([]);
    await expect.poll(() => activity.textContent()).toContain('Idle');
  });
});
