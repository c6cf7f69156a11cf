import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, screenshot } from './browser.ts';

const baseUrl = inject('baseUrl');
/** Document A (oma-cp.md §10) pushed with SEC=USERPIN, PIN 1234 (test/vectors/cp/README.md). */
const userpinPush = readFileSync('test/vectors/cp/push-userpin.hex', 'utf8').trim();

describe('client provisioning on the handset', () => {
  let page: Page;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ page, close } = await openBrowser());
    await page.goto(baseUrl);
    await page.getByRole('button', { name: 'Start handset' }).click();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    await page.getByRole('button', { name: 'Show inspector' }).click();
    await page.getByRole('tab', { name: 'Provisioning' }).click();
  });
  afterEach(async () => close());

  it('asks for the provisioning PIN, refuses a wrong one with attempts left, previews, applies, and keeps it after a reload', async () => {
    await page.getByLabel('Payload').fill(userpinPush);
    await page.getByRole('button', { name: 'Receive pasted payload' }).click();

    const sheet = page.getByTestId('incoming-settings');
    await sheet.getByRole('heading', { name: 'New settings from your operator' }).waitFor();
    await expect(sheet.textContent()).resolves.toContain('not your SIM PIN');
    await expect(sheet.textContent()).resolves.toContain('3 attempts left');
    await screenshot(page, 'provisioning-pin');

    await page.getByLabel('Provisioning PIN').fill('0000');
    await page.keyboard.press('Enter');
    await sheet.getByText('Wrong PIN. 2 attempts left').waitFor();
    await screenshot(page, 'provisioning-wrong-pin');

    await page.getByLabel('Provisioning PIN').fill('1234');
    await sheet.getByRole('button', { name: 'OK' }).click();
    await sheet.getByRole('heading', { name: 'Install new settings?' }).waitFor();
    const preview = await sheet.textContent();
    expect(preview).toContain('Example MMS');
    expect(preview).toContain('http://mmsc.example.net/mms');
    expect(preview).toContain('MMS_NAP');
    await screenshot(page, 'provisioning-preview');

    await sheet.getByRole('button', { name: 'Accept' }).click();
    await sheet.getByRole('heading', { name: 'Settings installed' }).waitFor();
    await sheet.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByTestId('inbox-status').textContent()).resolves.toBe('applied');

    // After a reload (IndexedDB, not memory) Settings > Messaging lists the new instance, Active,
    // and the Messages app uses its MMSC.
    await page.reload();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: /Messaging/ }).click();
    const phone = page.getByTestId('phone');
    await phone.getByText('Example MMS').first().waitFor();
    await expect(phone.textContent()).resolves.toContain('Active');
    await screenshot(page, 'provisioning-settings-messaging');
    await page.getByRole('button', { name: 'Home' }).click();
    await page.getByRole('button', { name: 'Messages' }).click();
    await phone.getByText('http://mmsc.example.net/mms').first().waitFor();
    await screenshot(page, 'provisioning-messages-app');

    await page.getByRole('button', { name: 'Show inspector' }).click();
    await page.getByRole('tab', { name: 'Management tree' }).click();
    await page.getByRole('searchbox').fill('MMS/');
    await page
      .getByRole('treeitem')
      .filter({ hasText: /\/Addr$/ })
      .first()
      .click();
    await expect(page.getByRole('region', { name: 'Node details' }).textContent()).resolves.toContain(
      'http://mmsc.example.net/mms',
    );
    await page.getByRole('tab', { name: 'Provisioning' }).click();
    await expect(page.getByTestId('inbox-status').textContent()).resolves.toBe('applied');
    await screenshot(page, 'provisioning-inbox');
  });

  it('explains a MAC made with a wrong key derivation', async () => {
    await page.getByLabel('Payload').fill(userpinPush);
    await page.getByRole('button', { name: 'Receive pasted payload' }).click();
    await page.getByTestId('incoming-settings').getByRole('button', { name: 'Later' }).click();
    await page.getByLabel('PIN to try (optional)').fill('1234');
    await page.getByRole('button', { name: 'Explain MAC' }).click();
    const explanation = await page.getByTestId('mac-explanation').textContent();
    expect(explanation).toContain('USERPIN');
    expect(explanation).toContain('E29BF3FF98F0287675E404F7668DB0B2DC8F8F08');
    await screenshot(page, 'provisioning-explain');
  });

  it('records a malformed payload with a clear error and changes nothing', async () => {
    await page.getByLabel('Payload').fill('02 06 2F 1F 2D B6 91');
    await page.getByRole('button', { name: 'Receive pasted payload' }).click();
    await expect(page.getByTestId('inbox-status').textContent()).resolves.toBe('invalid');
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(
      /truncated|unrecognised|bad/i,
    );
    await expect(page.getByTestId('incoming-settings').count()).resolves.toBe(0);
  });
});
