import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { main } from '../../src/cli/main.ts';
import { captureIo } from '../support/capture-io.ts';
import { openBrowser, screenshot } from './browser.ts';

describe('device export and import', () => {
  let page: Page;
  let close: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'ota-transfer-'));

  beforeEach(async () => {
    ({ page, close } = await openBrowser());
    await page.goto(inject('baseUrl'));
    await page.getByLabel('Handset name').fill('Exported phone');
    await page.getByRole('button', { name: 'Start handset' }).click();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    await page.getByRole('button', { name: 'Show inspector' }).click();
  });
  afterEach(async () => close());

  it('exports the device as the CLI state file, which the CLI reads', async () => {
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export device' }).click();
    const file = join(dir, 'exported.json');
    await (await download).saveAs(file);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { format: string; identity: { name: string } };
    expect(doc.format).toBe('ota-handset-device-state');
    expect(doc.identity.name).toBe('Exported phone');

    const io = captureIo();
    expect(await main(['tree', 'get', './DevInfo/DevId', '--state', file], io)).toBe(0);
    expect(io.stdout()).toContain('IMEI:490154203237518');
  });

  it('refuses a corrupt file with a clear message and imports a valid one', async () => {
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"format":"ota-handset-device-state","version":99}');
    await page.getByLabel('Import device…').setInputFiles(corrupt);
    await expect(page.getByRole('alert').textContent()).resolves.toContain('version 99');
    await expect(page.getByTestId('status-device-name').textContent()).resolves.toBe('Exported phone');

    // A second device, made with the CLI, replaces this one after confirmation.
    const other = join(dir, 'other.json');
    expect(
      await main(
        ['device', 'init', '--state', other, '--name', 'CLI phone', '--imei', '356938035643809'],
        captureIo(),
      ),
    ).toBe(0);
    await page.getByLabel('Import device…').setInputFiles(other);
    await page.getByRole('heading', { name: 'Replace this handset?' }).waitFor();
    await screenshot(page, 'device-import-confirm');
    await page.getByRole('button', { name: 'Replace' }).click();
    await page.getByText(/Imported other\.json/).waitFor();
    await expect(page.getByTestId('status-device-name').textContent()).resolves.toBe('CLI phone');
    await page.reload();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    await expect(page.getByTestId('status-device-name').textContent()).resolves.toBe('CLI phone');
  });
});
