/**
 * Flows in the browser (issue #9): the shipped storyboard flow run step by step in the Flows tab
 * against the reference DM server, a flow recorded on the phone and replayed headlessly by the
 * CLI (exit 0), a broken flow file's validation errors, and a finished run with a failure.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { main } from '../../src/cli/main.ts';
import { captureIo } from '../support/capture-io.ts';
import { openBrowser, screenshot } from './browser.ts';
import { expectAccessible, startHandset, treeValue } from './handset-support.ts';

const dir = mkdtempSync(join(tmpdir(), 'ota-flows-'));
const payloadHex = readFileSync('examples/flows/payloads/mms-userpin.hex', 'utf8')
  .replace(/#.*$/gm, '')
  .replace(/\s/g, '');

async function openFlows(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Show inspector' }).click();
  await page.getByRole('tab', { name: 'Flows' }).click();
  await page.getByRole('heading', { name: 'Load a flow' }).waitFor();
}

function stepItems(page: Page) {
  return page.getByRole('list', { name: 'Steps' }).getByRole('listitem');
}

describe('flows in the browser', () => {
  let page: Page;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ page, close } = await openBrowser());
    await startHandset(page, inject('baseUrl'));
  });
  afterEach(async () => close());

  it('runs the shipped storyboard step by step against the reference DM server, every step passing', async () => {
    await openFlows(page);
    await page.getByLabel('Shipped example').selectOption('storyboard.json');
    await page.getByRole('button', { name: 'Load example' }).click();
    const steps = stepItems(page);
    const total = await steps.count();
    expect(total).toBe(15);
    await screenshot(page, 'flows-loaded');
    await expectAccessible(page, 'Flows tab with a flow loaded');

    const announcement = page.getByTestId('flow-announcement');
    for (let i = 0; i < total; i++) {
      await page.getByRole('button', { name: 'Next step' }).click();
      if (i === 4) {
        // Mid-run: the pushed bootstrap's PIN question is on the phone while the step narrates.
        await announcement.filter({ hasText: /Step 5 of 15/ }).waitFor();
        await screenshot(page, 'flows-mid-run');
      }
      await steps
        .nth(i)
        .locator('.badge', { hasText: /Passed|Failed|Could not run|Skipped/ })
        .waitFor({
          timeout: 30_000,
        });
      const text = await steps.nth(i).textContent();
      expect(text, `step ${i + 1}: ${text}`).toContain('Passed');
    }
    await page.getByText('All 15 steps passed.').waitFor();
    expect(await treeValue(page, './MMS/Example_MMS/Addr')).toBe('http://mmsc.mine.example/mms');
    await expectAccessible(page, 'Flows tab after a run');
  });

  it('records a CP message with its PIN, a change in Settings and an assertion; the CLI replays the file with exit 0', async () => {
    await openFlows(page);
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await page.getByText('Recording, 0 steps').waitFor();

    // The tester receives the operator's MMS settings and answers the phone.
    await page.getByRole('tab', { name: 'Provisioning' }).click();
    await page.getByLabel('Payload').fill(payloadHex);
    await page.getByRole('button', { name: 'Receive pasted payload' }).click();
    const sheet = page.getByTestId('incoming-settings');
    await page.getByLabel('Provisioning PIN').fill('1234');
    await sheet.getByRole('button', { name: 'OK' }).click();
    await sheet.getByRole('button', { name: 'Accept' }).click();
    await sheet.getByRole('heading', { name: 'Settings installed' }).waitFor();
    await sheet.getByRole('button', { name: 'Done' }).click();

    // The user edits the MMS server address in Settings (the form's save path).
    const saved = await page.evaluate(async () => {
      const s = window.__otaTestHooks!.app.settings;
      const uri = './MMS/Example_MMS';
      const values = Object.fromEntries(s.fields('mms', uri).map((f) => [f.key, f.value]));
      values['Addr'] = 'http://mmsc.mine.example/mms';
      return s.save('mms', uri, values);
    });
    expect(saved).toMatchObject({ ok: true });

    await page.getByRole('tab', { name: 'Flows' }).click();
    await page.getByText('Recording, 2 steps').waitFor();
    await page.getByLabel('Node URI').fill('./MMS/Example_MMS/Addr');
    await page.getByText('Value is “http://mmsc.mine.example/mms”').waitFor();
    await page.getByRole('button', { name: 'Add assertion' }).click();
    await page.getByLabel('Node URI').fill('./MMS/Example_MMS');
    await page.getByRole('button', { name: 'Add assertion' }).click();
    await page.getByText('Recording, 3 steps').waitFor();
    await screenshot(page, 'flows-recording');
    await expectAccessible(page, 'Flows tab while recording');

    await page.getByLabel('Flow name').fill('mms-by-hand');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Save flow' }).click();
    const file = join(dir, 'mms-by-hand.flow.json');
    await (await download).saveAs(file);
    const flow = JSON.parse(readFileSync(file, 'utf8')) as { steps: { type: string }[] };
    expect(flow.steps.map((s) => s.type)).toEqual(['cp', 'user-change', 'assert']);

    // The headless replay on a fresh device.
    const io = captureIo();
    const code = await main(['flow', 'run', file], io);
    expect(code, io.stdout() + io.stderr()).toBe(0);
    expect(io.stdout()).toContain('All 3 steps passed');
  });

  it('shows a broken flow file’s problems with their places, and a finished run with a failed assertion', async () => {
    await openFlows(page);
    const broken = join(dir, 'broken.json');
    writeFileSync(
      broken,
      JSON.stringify({
        format: 'ota-handset-flow/1',
        name: 'broken',
        steps: [
          { type: 'cp', pin: 1234 },
          { type: 'assert', tree: [{ uri: 'MMS', equal: 'x' }] },
        ],
      }),
    );
    await page.getByLabel('Flow file (with its payload files, if any)').setInputFiles(broken);
    const alert = page.getByRole('alert').filter({ hasText: 'is not a valid flow' });
    await alert.waitFor();
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('$.steps[0].payload');
    expect(text).toContain('$.steps[0].pin');
    expect(text).toContain('$.steps[1].tree[0].equal');
    await screenshot(page, 'flows-invalid');

    const failing = join(dir, 'failing.json');
    writeFileSync(
      failing,
      JSON.stringify({
        format: 'ota-handset-flow/1',
        name: 'failing',
        title: 'A check that does not hold',
        steps: [
          { type: 'user-change', uri: './DevInfo/Lang', value: 'fr', expect: { result: 'refused' } },
          { type: 'assert', tree: [{ uri: './DevInfo/Man', equals: 'Nobody Inc.' }] },
        ],
      }),
    );
    await page.getByLabel('Flow file (with its payload files, if any)').setInputFiles(failing);
    await page.getByLabel('Large text').check();
    await page.getByRole('button', { name: 'Run all' }).click();
    await page.getByText(/1 of 2 steps failed|2 of 2 steps failed/).waitFor();
    const table = page.getByRole('table');
    await expect(table.textContent()).resolves.toContain('"Nobody Inc."');
    await screenshot(page, 'flows-finished-failure');
    await expectAccessible(page, 'Flows tab after a failed run');
  });
});
