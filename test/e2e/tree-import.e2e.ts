/**
 * Importing a TNDS or JSON file in the inspector's tree view (decision 0120): export → modify →
 * import round trip, a malformed file, a change to a Locked instance refused with its reason,
 * and the state after a reload.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, screenshot } from './browser.ts';
import { expectAccessible, seed, seedOperator, startHandset, treeValue } from './handset-support.ts';

const IMPORT = 'Import TNDS or JSON…';

async function download(page: Page, button: string, file: string): Promise<string> {
  const event = page.waitForEvent('download');
  await page.getByRole('button', { name: button }).click();
  await (await event).saveAs(file);
  return readFileSync(file, 'utf8');
}

async function snapshot(page: Page): Promise<unknown> {
  return page.evaluate(() => window.__otaTestHooks!.tree!.snapshot());
}

describe('tree inspector import', () => {
  let page: Page;
  let close: () => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'ota-tree-import-'));

  beforeEach(async () => {
    ({ page, close } = await openBrowser());
    await startHandset(page, inject('baseUrl'));
    await seedOperator(page);
    // The operator locks its MMS instance (storyboard step 6).
    await seed(
      page,
      [{ op: 'replace', uri: './MMS/op?prop=Locked', value: 'true' }],
      'operator',
      'session 3',
    );
    await page.getByRole('button', { name: 'Show inspector' }).click();
    await page.getByRole('tab', { name: 'Management tree' }).click();
  });
  afterEach(async () => close());

  it('exports TNDS, imports a modified copy after a preview, and keeps it after a reload', async () => {
    const xml = await download(page, 'Export TNDS', join(dir, 'tree.xml'));
    expect(xml).toContain('http://mine.example.org/mms');
    const modified = xml
      .replace('http://mine.example.org/mms', 'http://changed.example.org/mms')
      .replace(
        /(<NodeName>mine<\/NodeName>.*?<\/RTProperties>)/,
        `$1<Node><NodeName>Proxy</NodeName><RTProperties><Format><chr/></Format><Type><MIME>text/plain</MIME></Type></RTProperties><Value>proxy.example.org</Value></Node>`,
      );
    expect(modified).not.toBe(xml);
    const file = join(dir, 'modified.xml');
    writeFileSync(file, modified);

    await page.getByLabel(IMPORT).setInputFiles(file);
    await page.getByRole('heading', { name: 'Import into the management tree?' }).waitFor();
    const summary = await page.locator('#tree-import-summary').textContent();
    expect(summary).toMatch(/modified\.xml \(TNDS XML\):\s+1 added,\s+1 replaced,\s+\d+\s+unchanged\./);
    await page.getByText(/^Changes \(2\)$/).click();
    await expect(page.getByText('./MMS/mine/Addr: value').isVisible()).resolves.toBe(true);
    await screenshot(page, 'tree-import-preview');
    await expectAccessible(page, 'the tree import preview');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText('Imported modified.xml: 1 node added, 1 node replaced.').waitFor();
    await screenshot(page, 'tree-import-done');
    expect(await treeValue(page, './MMS/mine/Addr')).toBe('http://changed.example.org/mms');
    expect(await treeValue(page, './MMS/mine/Proxy')).toBe('proxy.example.org');

    await page.reload();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    await page.waitForFunction(() => window.__otaTestHooks?.tree != null);
    expect(await treeValue(page, './MMS/mine/Addr')).toBe('http://changed.example.org/mms');
    expect(await treeValue(page, './MMS/mine/Proxy')).toBe('proxy.example.org');
    expect(await treeValue(page, './MMS/op/Addr')).toBe('http://mmsc.example.net/mms');
  });

  it('refuses a malformed file with its error code and changes nothing', async () => {
    const before = await snapshot(page);
    const bad = join(dir, 'bad.xml');
    writeFileSync(bad, '<MgmtTree><Node><NodeName>X</NodeName></MgmtTree>');
    await page.getByLabel(IMPORT).setInputFiles(bad);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(
      /^Not imported \(tree-import-malformed\): bad\.xml: bad TNDS: not well-formed XML: .+ Nothing was changed\.$/,
    );
    await screenshot(page, 'tree-import-malformed');
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'just some notes');
    await page.getByLabel(IMPORT).setInputFiles(text);
    await page.getByText(/^Not imported \(tree-import-unrecognised\): notes\.txt is neither/).waitFor();
    expect(await page.getByRole('heading', { name: 'Import into the management tree?' }).isVisible()).toBe(
      false,
    );
    expect(await snapshot(page)).toEqual(before);
  });

  it('a change to a Locked instance is refused with its reason; nothing is applied', async () => {
    const json = await download(page, 'Export JSON', join(dir, 'tree.json'));
    const records = JSON.parse(json) as { uri: string; value?: string }[];
    records.find((r) => r.uri === './MMS/op/Addr')!.value = 'http://evil.example/mms';
    records.find((r) => r.uri === './MMS/mine/Addr')!.value = 'http://fine.example/mms';
    const file = join(dir, 'locked.json');
    writeFileSync(file, JSON.stringify(records));
    const before = await snapshot(page);

    await page.getByLabel(IMPORT).setInputFiles(file);
    await page.getByRole('heading', { name: 'Import into the management tree?' }).waitFor();
    const refused = page.getByRole('list', { name: 'Refused' });
    expect(await refused.textContent()).toContain(
      './MMS/op/Addr 405 Command not allowed: ./MMS/op is Locked; the user cannot change it',
    );
    expect(await page.locator('#tree-import-summary').textContent()).toMatch(
      /0 added,\s+2 replaced,.*1 refused/s,
    );
    await expect(page.getByRole('button', { name: 'Import', exact: true }).isDisabled()).resolves.toBe(true);
    await screenshot(page, 'tree-import-refused');
    await expectAccessible(page, 'the refused import preview');
    // As the operator's DM server the ACL decides, and Locked does not bind it.
    await page.getByLabel('Act as').selectOption('operator.example');
    await page.getByText(/As the DM server operator\.example, the ACLs of the tree apply/).waitFor();
    expect(await page.getByRole('list', { name: 'Refused' }).count()).toBe(0);
    await expect(page.getByRole('button', { name: 'Import', exact: true }).isEnabled()).resolves.toBe(true);
    await screenshot(page, 'tree-import-act-as-server');
    await page.getByLabel('Act as').selectOption('');
    await refused.waitFor();
    await page.keyboard.press('Escape');
    await page.getByText('Import of locked.json cancelled; nothing was changed.').waitFor();
    expect(await snapshot(page)).toEqual(before);

    await page.reload();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    await page.waitForFunction(() => window.__otaTestHooks?.tree != null);
    expect(await treeValue(page, './MMS/op/Addr')).toBe('http://mmsc.example.net/mms');
    expect(await treeValue(page, './MMS/mine/Addr')).toBe('http://mine.example.org/mms');
  });
});
