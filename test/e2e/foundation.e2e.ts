import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { openBrowser, screenshot } from './browser.ts';

const baseUrl = inject('baseUrl');

describe('the installable handset app', () => {
  let page: Page;
  let context: BrowserContext;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ page, context, close } = await openBrowser());
  });
  afterEach(async () => {
    await close();
  });

  async function completeFirstRun(name: string, imsi: string): Promise<void> {
    await page.goto(baseUrl);
    await page.getByRole('heading', { name: 'Set up this handset' }).waitFor();
    await page.getByLabel('Handset name').fill(name);
    await page.getByLabel('IMSI').fill(imsi);
    await page.getByRole('button', { name: 'Start handset' }).click();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
  }

  it('asks for the identity on first run, refuses a bad IMEI, and keeps the identity across a reload', async () => {
    await page.goto(baseUrl);
    await page.getByRole('heading', { name: 'Set up this handset' }).waitFor();
    await screenshot(page, 'first-run');
    await page.getByLabel('IMEI').fill('490154203237519'); // wrong Luhn digit
    await page.getByRole('button', { name: 'Start handset' }).click();
    await expect(page.getByText('The last digit is the Luhn check digit').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('IMEI').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.getByLabel('IMEI').fill('356938035643809');
    await page.getByLabel('Handset name').fill('Demo MMS phone');
    await page.getByLabel('IMSI').fill('001010123456789');
    await page.getByRole('button', { name: 'Start handset' }).click();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    await expect(page.getByTestId('status-device-name').textContent()).resolves.toBe('Demo MMS phone');
    await expect(page.getByTestId('status-activity').textContent()).resolves.toContain('Idle');
    await screenshot(page, 'home');

    await page.reload();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    await expect(page.getByTestId('status-device-name').textContent()).resolves.toBe('Demo MMS phone');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: /About phone/ }).click();
    const about = await page.getByTestId('about-phone').textContent();
    expect(about).toContain('356938035643809');
    expect(about).toContain('001010123456789');
    await screenshot(page, 'settings-about');
  });

  it('works offline after the service worker is ready: reload shows the app and its stored data', async () => {
    await completeFirstRun('Offline phone', '262022033864727');
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    await expect(page.getByTestId('status-device-name').textContent()).resolves.toBe('Offline phone');
    await expect(page.getByRole('group', { name: 'Status bar' }).textContent()).resolves.toContain('No data');
    await context.setOffline(false);
  });

  it('is installable: the manifest names the app and its icons load', async () => {
    await page.goto(baseUrl);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const manifest = (await (await page.request.get(new URL(href!, baseUrl).href)).json()) as {
      name: string;
      display: string;
      icons: { src: string; sizes: string }[];
    };
    expect(manifest.name).toBe('ota-handset');
    expect(manifest.display).toBe('standalone');
    const sizes = manifest.icons.map((icon) => icon.sizes);
    expect(sizes).toEqual(expect.arrayContaining(['192x192', '512x512']));
    for (const icon of manifest.icons) {
      const response = await page.request.get(new URL(icon.src, baseUrl).href);
      expect(response.headers()['content-type']).toBe('image/png');
    }
  });

  it('opens the inspector separately from the handset, with the identity as DevInfo', async () => {
    await completeFirstRun('Inspector phone', '262022033864727');
    await page.getByRole('button', { name: 'Show inspector' }).click();
    const inspector = page.getByRole('complementary', { name: 'Inspector (tester tools)' });
    await inspector.waitFor();
    await expect(inspector.textContent()).resolves.toContain('IMEI:490154203237518');
    await screenshot(page, 'inspector-device');
    // Keyboard: the toggle is reachable and closes the inspector again.
    await page.getByRole('button', { name: 'Hide inspector' }).focus();
    await page.keyboard.press('Enter');
    await expect(inspector.count()).resolves.toBe(0);
  });
});
