/**
 * DM sessions through the real app and the reference DM server (started by global-setup, in
 * memory): the DM account arrives as a DM bootstrap on the push channel, the first session starts
 * by itself, scenario 3 (mms-campaign-confirm) asks the user Yes / No, a package 0 in
 * user-interaction mode asks before connecting, and "Ask me before the operator changes my active
 * or locked settings" refuses with 215. Sessions go through the app server's /proxy.
 */
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { luhnCheckDigit } from '../../src/core/device/identity.ts';
import { openBrowser, screenshot } from './browser.ts';
import { expectAccessible, treeValue } from './handset-support.ts';

const baseUrl = inject('baseUrl');
const dmUrl = inject('dmUrl');

/** A fresh, well-formed IMEI per test, so the shared server keeps no state between tests. */
function newImei(): string {
  let digits = '35';
  while (digits.length < 14) digits += String(Math.floor(Math.random() * 10));
  return digits + String(luhnCheckDigit(digits));
}

async function api(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${dmUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Record<string, unknown>;
}

interface ServerTrace {
  commands: { kind: string; from: string; statuses: { code: number }[] }[];
}

async function serverSessions(devId: string): Promise<ServerTrace[]> {
  const device = (await (await fetch(`${dmUrl}/api/devices/${encodeURIComponent(devId)}`)).json()) as {
    sessions: unknown[];
  };
  const out: ServerTrace[] = [];
  for (let i = 0; i < device.sessions.length; i++) {
    out.push(
      (await (
        await fetch(`${dmUrl}/api/devices/${encodeURIComponent(devId)}/sessions/${i}`)
      ).json()) as ServerTrace,
    );
  }
  return out;
}

const summaries = (page: Page) =>
  page.evaluate(() =>
    window.__otaTestHooks!.app.sessions.summaries.map((s) => ({
      initiator: s.initiator,
      outcome: s.outcome,
      reason: s.reason,
    })),
  );

async function waitForSessions(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const s = window.__otaTestHooks!.app.sessions;
      return s.summaries.length >= n && !s.busy;
    },
    count,
    { timeout: 20_000 },
  );
}

/**
 * First run with a fresh IMEI; the server pushes a DM bootstrap (USERPIN 1234) on the push
 * channel, the user accepts it, and the first client-initiated session runs by itself.
 */
async function startWithAccount(page: Page, shots = false): Promise<string> {
  const imei = newImei();
  await page.goto(`${baseUrl}?testhooks=1`);
  await page.getByRole('heading', { name: 'Set up this handset' }).waitFor();
  await page.getByLabel('IMEI').fill(imei);
  await page.getByLabel('Handset name').fill('DM phone');
  await page.getByRole('button', { name: 'Start handset' }).click();
  await page.getByRole('list', { name: 'Apps' }).waitFor();
  await page.waitForFunction(() => window.__otaTestHooks?.app.push.status === 'connected');
  const devId = `IMEI:${imei}`;
  await api('/api/push', { device: devId, kind: 'dm-bootstrap', sec: 'USERPIN', pin: '1234' });

  const sheet = page.getByTestId('incoming-settings');
  await sheet.getByRole('heading', { name: 'New settings from your operator' }).waitFor();
  if (shots) await screenshot(page, 'dm-bootstrap-pushed');
  await page.getByLabel('Provisioning PIN').fill('1234');
  await sheet.getByRole('button', { name: 'OK' }).click();
  await sheet.getByRole('heading', { name: 'Install new settings?' }).waitFor();
  await sheet.getByRole('button', { name: 'Accept' }).click();
  await sheet.getByRole('heading', { name: 'Settings installed' }).waitFor();
  await sheet.getByRole('button', { name: 'Done' }).click();
  await waitForSessions(page, 1);
  expect(await summaries(page)).toEqual([
    expect.objectContaining({ initiator: 'client', outcome: 'completed' }),
  ]);
  return devId;
}

/** Settings > Device management > the account, on its screen. */
async function openAccount(page: Page): Promise<string> {
  const name = await page.evaluate(() => window.__otaTestHooks!.app.sessions.accounts[0]!.name);
  await page.getByRole('button', { name: 'Home', exact: true }).click();
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: /Device management/ }).click();
  await page
    .getByRole('button', { name: new RegExp(name) })
    .first()
    .click();
  await page.getByRole('button', { name: 'Connect to server' }).waitFor();
  return name;
}

async function reloadHandset(page: Page): Promise<void> {
  await page.reload();
  await page.getByRole('list', { name: 'Apps' }).waitFor();
  await page.waitForFunction(() => window.__otaTestHooks?.tree != null);
}

describe('DM sessions in the browser with the reference server', () => {
  let page: Page;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ page, close } = await openBrowser());
  });
  afterEach(async () => close());

  it('scenario 3, Yes: the account comes by push, Connect asks with a countdown, the new MMS settings are used and kept', async () => {
    const devId = await startWithAccount(page, true);
    await api('/api/scenarios/start', { device: devId, scenario: 'mms-campaign-confirm' });
    const name = await openAccount(page);
    await screenshot(page, 'dm-account-connect');
    await expectAccessible(page, 'DM account screen with Connect');

    await page.getByRole('button', { name: 'Connect to server' }).click();
    const ask = page.getByRole('dialog', { name: 'Your operator asks' });
    await ask.waitFor();
    await expect(ask.textContent()).resolves.toContain('Install them and use them from now on?');
    await expect(page.getByTestId('dialog-countdown').textContent()).resolves.toMatch(/\d+ s/);
    await expect(page.getByTestId('status-activity').textContent()).resolves.toContain('Waiting for you');
    await screenshot(page, 'dm-session-confirm');
    await ask.getByRole('button', { name: 'Yes', exact: true }).click();

    await expect(page.getByTestId('session-outcome').textContent()).resolves.toContain(`Updated by ${name}`);
    // Back to idle (or "notification pending": the bootstrap's notification is still unread).
    await expect(page.getByTestId('status-activity').textContent()).resolves.toMatch(
      /Idle|Notification pending/,
    );
    await screenshot(page, 'dm-session-updated');
    // The live trace was stored: two sessions, the second with the 1101 alert answered 200.
    await waitForSessions(page, 2);
    const traces = await summaries(page);
    expect(traces[0]).toMatchObject({ initiator: 'client', outcome: 'completed' });

    await reloadHandset(page);
    expect(await treeValue(page, './MMS/Campaign/Addr')).toBe('http://mmsc2.example.net/mms');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: /Messaging/ }).click();
    await page.getByTestId('phone').getByText('Example MMS (campaign)').first().waitFor();
    await screenshot(page, 'dm-session-messaging-after-reload');
    expect(await page.evaluate(() => window.__otaTestHooks!.app.sessions.summaries.length)).toBe(2);
  });

  it('scenario 3, No: nothing changes and the operator says so', async () => {
    const devId = await startWithAccount(page);
    await api('/api/scenarios/start', { device: devId, scenario: 'mms-campaign-confirm' });
    await openAccount(page);
    await page.getByRole('button', { name: 'Connect to server' }).click();
    const ask = page.getByRole('dialog', { name: 'Your operator asks' });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'No', exact: true }).click();
    // Alert 1100 with MINDT=3: shown at least 3 s, then OK.
    const told = page.getByRole('dialog', { name: 'Message from your operator' });
    await told.getByText('Your MMS settings were not changed.').waitFor();
    await screenshot(page, 'dm-session-declined-display');
    await told.getByRole('button', { name: 'OK' }).click({ timeout: 10_000 });
    await page.getByTestId('session-outcome').waitFor();
    await waitForSessions(page, 2);
    const server = await serverSessions(devId);
    const alert = server.at(-1)!.commands.find((c) => c.kind === 'Alert' && c.from === 'server');
    expect(alert?.statuses.map((s) => s.code)).toEqual([304]);

    await reloadHandset(page);
    expect(await treeValue(page, './MMS/Campaign/Addr')).toBeUndefined();
  });

  it('a package 0 on the push channel in user-interaction mode asks first: Allow connects, Not now does not', async () => {
    const devId = await startWithAccount(page);
    await api('/api/push', { device: devId, kind: 'package0', uiMode: 'user-interaction' });
    const ask = page.getByRole('dialog', { name: 'Connect to server?' });
    await page.waitForFunction(
      () =>
        document.querySelector('[role="dialog"]') !== null ||
        window.__otaTestHooks!.notifications.items.some((n) => n.kind === 'dm'),
    );
    const refused = await page.evaluate(() =>
      window.__otaTestHooks!.notifications.items.filter((n) => n.kind === 'dm').map((n) => n.body),
    );
    expect(refused).toEqual([]);
    await ask.waitFor();
    await expect(ask.textContent()).resolves.toContain('wants to connect to update your settings');
    await screenshot(page, 'dm-package0-ask');
    await expectAccessible(page, 'package 0 question');
    await ask.getByRole('button', { name: 'Allow' }).click();
    await waitForSessions(page, 2);
    expect((await summaries(page))[0]).toMatchObject({ initiator: 'server', outcome: 'completed' });

    await api('/api/push', { device: devId, kind: 'package0', uiMode: 'user-interaction' });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Not now' }).click();
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    // Declining never connects: the server saw two sessions only (bootstrap's first one and the allowed one).
    await new Promise((r) => setTimeout(r, 1000));
    expect(await page.evaluate(() => window.__otaTestHooks!.app.sessions.summaries.length)).toBe(2);
    expect((await serverSessions(devId)).length).toBe(2);
  });

  it('with "Ask me before the operator changes…" on, refusing answers 215 and the settings stay as they were', async () => {
    const devId = await startWithAccount(page);
    await page.getByRole('button', { name: 'Home', exact: true }).click();
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: /Device management/ }).click();
    await page.getByRole('switch', { name: /Ask me before the operator changes/ }).check();
    await api('/api/scenarios/start', { device: devId, scenario: 'mms-campaign-confirm' });
    await openAccount(page);
    await page.getByRole('button', { name: 'Connect to server' }).click();
    const ask = page.getByRole('dialog', { name: 'Your operator asks' });
    await ask.getByRole('button', { name: 'Yes', exact: true }).click();
    // Active, Default and Locked are each asked once; refuse them all.
    const change = page.getByRole('dialog', { name: 'Allow this change?' });
    await change.waitFor();
    await expect(change.textContent()).resolves.toContain('Example MMS (campaign)');
    await screenshot(page, 'dm-operator-change-ask');
    let refused = 0;
    while (refused < 5) {
      const open = await change.count();
      if (open === 0) break;
      await change.getByRole('button', { name: 'Refuse' }).click();
      refused++;
      await page.waitForTimeout(300);
    }
    expect(refused).toBe(3);
    await page.getByTestId('session-outcome').waitFor();
    await waitForSessions(page, 2);
    const replace = (await serverSessions(devId))
      .at(-1)!
      .commands.find((c) => c.kind === 'Replace' && c.from === 'server');
    expect(replace?.statuses.map((s) => s.code)).toEqual([215, 215, 215]);

    await reloadHandset(page);
    const flags = await page.evaluate(() => {
      const tree = window.__otaTestHooks!.tree!;
      return tree
        .instances('./MMS')
        .map((i) => ({ uri: i.uri, active: i.active, locked: i.locked !== null }));
    });
    expect(flags.filter((f) => f.active || f.locked)).toEqual([]);
  });
});
