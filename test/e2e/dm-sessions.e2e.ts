/**
 * DM sessions through the real app and the reference DM server (started by global-setup, in
 * memory): the DM account arrives as a DM bootstrap on the push channel, the first session starts
 * by itself, scenario 3 (mms-campaign-confirm) asks the user Yes / No, a package 0 in
 * user-interaction mode asks before connecting, and "Ask me before the operator changes my active
 * or locked settings" refuses with 215. Sessions go through the app server's /proxy.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, screenshot } from './browser.ts';
import {
  api,
  openAccount,
  reloadHandset,
  serverSessions,
  startWithAccount,
  summaries,
  waitForSessions,
} from './dm-support.ts';
import { expectAccessible, treeValue } from './handset-support.ts';

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
    await expectAccessible(page, 'session confirm dialog (1101)');
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
