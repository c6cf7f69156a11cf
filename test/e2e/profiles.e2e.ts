import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, screenshot } from './browser.ts';
import { expectAccessible, seed, startHandset, treeValue } from './handset-support.ts';

const PROFILE_TAB = { name: 'Handsets' } as const;
const OTHER_IMEI = '356938035643809';

async function openHandsetsTab(page: Page) {
  if ((await page.getByRole('button', { name: 'Show inspector' }).count()) > 0)
    await page.getByRole('button', { name: 'Show inspector' }).click();
  await page.getByRole('tab', PROFILE_TAB).click();
  await page.getByRole('heading', { name: 'Handsets', exact: true }).waitFor();
}

/** The identity of the handset shown, through the test hooks (which follow the switch). */
async function shownImei(page: Page): Promise<string> {
  await page.waitForFunction(() => window.__otaTestHooks?.app.device.identity != null);
  return page.evaluate(() => window.__otaTestHooks!.app.device.identity!.imei);
}

async function setUpPhone(page: Page, name: string, imei: string) {
  await page.getByRole('heading', { name: 'Set up this handset' }).waitFor();
  await page.getByLabel('Handset name', { exact: true }).fill(name);
  await page.getByLabel('IMEI', { exact: true }).fill(imei);
  await page.getByRole('button', { name: 'Start handset' }).click();
  await page.getByRole('list', { name: 'Apps' }).waitFor();
  await page.waitForFunction((imei) => window.__otaTestHooks?.app.device.identity?.imei === imei, imei);
  await page.waitForFunction(() => window.__otaTestHooks?.tree != null);
}

const profileName = (page: Page) => page.getByTestId('profile-name').textContent();

describe('device profiles', () => {
  let page: Page;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ page, close } = await openBrowser());
    await startHandset(page, inject('baseUrl'));
  });
  afterEach(async () => close());

  it('two handsets side by side: create, switch without reload, duplicate, rename, delete', async () => {
    await seed(page, [{ op: 'add', uri: './MMS/first/Name', value: 'First MMS' }]);
    await openHandsetsTab(page);
    // The first handset keeps the name the registry gave it; the phone's own name is separate.
    expect(await profileName(page)).toBe('Handset 1');
    // A marker that a reload would wipe: the switch must not reload the page.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    await page.getByLabel('New handset name').fill('PoC handset');
    await page.getByRole('button', { name: 'Create handset' }).click();
    await setUpPhone(page, 'PoC phone', OTHER_IMEI);
    expect(await profileName(page)).toBe('PoC handset');
    expect(await shownImei(page)).toBe(OTHER_IMEI);
    expect(await treeValue(page, './MMS/first/Name')).toBeUndefined();
    await seed(page, [{ op: 'add', uri: './MMS/poc/Name', value: 'PoC MMS' }]);
    await page.getByRole('tab', PROFILE_TAB).waitFor();
    await screenshot(page, 'profiles-two-handsets');
    await expectAccessible(page, 'the Handsets tab');

    await page.getByRole('button', { name: 'Show Handset 1' }).click();
    await page.waitForFunction(() => window.__otaTestHooks?.app.device.identity?.name === 'Demo phone');
    await page.waitForFunction(() => window.__otaTestHooks?.tree != null);
    expect(await profileName(page)).toBe('Handset 1');
    expect(await treeValue(page, './MMS/first/Name')).toBe('First MMS');
    expect(await treeValue(page, './MMS/poc/Name')).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    // The inspector stayed open on the same tab.
    await expect(page.getByRole('tab', PROFILE_TAB).getAttribute('aria-selected')).resolves.toBe('true');

    await page.getByRole('button', { name: 'Duplicate Handset 1' }).click();
    await page.getByText('Created Handset 1 (copy).').waitFor();
    await page.getByRole('button', { name: 'Rename Handset 1 (copy)' }).click();
    await page.getByRole('heading', { name: 'Rename Handset 1 (copy)' }).waitFor();
    await page.getByLabel('New name').fill('Spare phone');
    await screenshot(page, 'profiles-rename');
    await page.getByRole('button', { name: 'Rename', exact: true }).click();
    await page.getByRole('button', { name: 'Show Spare phone' }).click();
    // The copy holds the same tree as the handset shown before: wait for the switch itself first.
    await expect.poll(() => profileName(page)).toBe('Spare phone');
    await page.waitForFunction(
      () => window.__otaTestHooks?.tree?.get({ kind: 'device' }, './MMS/first/Name').value === 'First MMS',
    );

    await page.getByRole('button', { name: 'Delete PoC handset' }).click();
    await page.getByRole('heading', { name: 'Delete PoC handset?' }).waitFor();
    await screenshot(page, 'profiles-delete-confirm');
    await page.getByRole('button', { name: 'Delete handset', exact: true }).click();
    await page.getByText('Deleted PoC handset.').waitFor();
    const names = await page.getByRole('list', { name: 'Handsets' }).getByRole('listitem').allTextContents();
    expect(names.join('|')).not.toContain('PoC handset');
    expect(names).toHaveLength(2);

    // The choice and the data survive a reload.
    await page.reload();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    expect(await profileName(page)).toBe('Spare phone');
  });

  it('snapshot and restore; factory reset keeps the identity', async () => {
    await seed(page, [{ op: 'add', uri: './MMS/kept/Name', value: 'Kept MMS' }]);
    await openHandsetsTab(page);
    await page.getByLabel('Snapshot name').fill('Before campaign');
    await page.getByRole('button', { name: 'Take snapshot' }).click();
    await page.getByText('Snapshot "Before campaign" taken.').waitFor();

    await seed(page, [{ op: 'add', uri: './MMS/later/Name', value: 'Later MMS' }]);
    await page.getByRole('button', { name: 'Restore snapshot Before campaign' }).click();
    await page.getByRole('heading', { name: 'Restore "Before campaign"?' }).waitFor();
    await screenshot(page, 'profiles-restore-confirm');
    await page.getByRole('button', { name: 'Restore', exact: true }).click();
    await page.getByText('Restored snapshot "Before campaign".').waitFor();
    await page.waitForFunction(() => window.__otaTestHooks?.tree != null);
    expect(await treeValue(page, './MMS/kept/Name')).toBe('Kept MMS');
    expect(await treeValue(page, './MMS/later/Name')).toBeUndefined();
    await screenshot(page, 'profiles-snapshots');

    await page.getByRole('button', { name: 'Factory reset handset…' }).click();
    await page.getByRole('heading', { name: 'Factory reset Handset 1?' }).waitFor();
    await page.getByRole('button', { name: 'Factory reset', exact: true }).click();
    await page.getByText(/Factory reset done/).waitFor();
    await page.waitForFunction(() => window.__otaTestHooks?.tree != null);
    expect(await treeValue(page, './MMS/kept/Name')).toBeUndefined();
    expect(await page.getByTestId('status-device-name').textContent()).toBe('Demo phone');
    expect(await treeValue(page, './DevInfo/DevId')).toBe('IMEI:490154203237518');
    // Snapshots outlive a factory reset.
    await page.getByRole('button', { name: 'Restore snapshot Before campaign' }).waitFor();
  });

  it('export in one browser, import as a new handset in another: identical document', async () => {
    await seed(page, [{ op: 'add', uri: './MMS/moved/Name', value: 'Moved MMS' }]);
    await page.getByRole('button', { name: 'Show inspector' }).click();
    const dir = mkdtempSync(join(tmpdir(), 'ota-profiles-'));
    const file = join(dir, 'demo.json');
    let download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export device' }).click();
    await (await download).saveAs(file);
    const exported = readFileSync(file, 'utf8');
    expect(JSON.parse(exported)).toMatchObject({ version: 2, inbox: [], traces: [] });

    const other = await openBrowser();
    try {
      await startHandset(other.page, inject('baseUrl'));
      await openHandsetsTab(other.page);
      // A corrupt file changes nothing.
      const corrupt = join(dir, 'corrupt.json');
      writeFileSync(corrupt, exported.replace('"nodes": [', '"nodes": 7, "x": ['));
      await other.page.getByLabel('Import as new handset…').setInputFiles(corrupt);
      await expect(other.page.getByRole('alert').textContent()).resolves.toContain('damaged management tree');
      expect(await other.page.getByRole('list', { name: 'Handsets' }).getByRole('listitem').count()).toBe(1);

      await other.page.getByLabel('Import as new handset…').setInputFiles(file);
      await other.page.getByText(/Imported demo\.json as the new handset Demo phone/).waitFor();
      await other.page.waitForFunction(() => window.__otaTestHooks?.tree != null);
      expect(await treeValue(other.page, './MMS/moved/Name')).toBe('Moved MMS');
      expect(await other.page.getByRole('list', { name: 'Handsets' }).getByRole('listitem').count()).toBe(2);
      await screenshot(other.page, 'profiles-imported');

      await other.page.getByRole('tab', { name: 'Device' }).click();
      download = other.page.waitForEvent('download');
      await other.page.getByRole('button', { name: 'Export device' }).click();
      const again = join(dir, 'again.json');
      await (await download).saveAs(again);
      const strip = (text: string) => text.replace(/"savedAt": "[^"]+"/, '');
      expect(strip(readFileSync(again, 'utf8'))).toBe(strip(exported));
    } finally {
      await other.close();
    }
  });

  it('a demo bundle with a received CP message: export, then import as a new handset', async () => {
    await page.getByRole('button', { name: 'Show inspector' }).click();
    await page.getByRole('tab', { name: 'Provisioning' }).click();
    await page.getByLabel('Payload').fill(readFileSync('test/vectors/cp/push-userpin.hex', 'utf8').trim());
    await page.getByRole('button', { name: 'Receive pasted payload' }).click();
    const sheet = page.getByTestId('incoming-settings');
    await page.getByLabel('Provisioning PIN').fill('1234');
    await sheet.getByRole('button', { name: 'OK' }).click();
    await sheet.getByRole('button', { name: 'Accept' }).click();
    await sheet.getByRole('button', { name: 'Done' }).click();

    await openHandsetsTab(page);
    const exportButton = page.getByRole('button', { name: 'Export demo bundle' });
    await expect(exportButton.isDisabled()).resolves.toBe(true);
    await page.getByRole('group', { name: 'Messages to replay' }).getByRole('checkbox').first().check();
    await page.getByLabel('Bundle name').fill('MMS demo');
    await page.getByLabel('Server scenarios').fill('02-mms-campaign-locked');
    await screenshot(page, 'profiles-bundle');
    const download = page.waitForEvent('download');
    await exportButton.click();
    const dir = mkdtempSync(join(tmpdir(), 'ota-bundle-'));
    const file = join(dir, 'bundle.json');
    await (await download).saveAs(file);
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as {
      format: string;
      scenarios: string[];
      payloads: Record<string, unknown>;
      device: { inbox: unknown[] };
      flow: { steps: { type: string }[] };
    };
    expect(bundle.format).toBe('ota-handset-bundle/1');
    expect(bundle.scenarios).toEqual(['02-mms-campaign-locked']);
    expect(Object.keys(bundle.payloads)).toHaveLength(1);
    expect(bundle.flow.steps.map((s) => s.type)).toEqual(['cp']);
    // Starts from the factory state by default: nothing provisioned, empty inbox.
    expect(bundle.device.inbox).toEqual([]);

    await page.getByLabel('Import demo bundle…').setInputFiles(file);
    await page.getByText(/Imported the demo bundle as the new handset MMS demo/).waitFor();
    await page.waitForFunction(() => window.__otaTestHooks?.tree != null);
    expect(await profileName(page)).toBe('MMS demo');
    expect(await page.getByRole('list', { name: 'Handsets' }).getByRole('listitem').count()).toBe(2);
    await screenshot(page, 'profiles-bundle-imported');
  });
});
