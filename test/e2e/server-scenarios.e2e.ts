/**
 * The reference server's main scenarios (issue #7: 1, 2, 4 and 6; 3 is in dm-sessions.e2e.ts)
 * through the real app, the way a presenter runs them: the server's /api pushes and starts the
 * scenario, the user accepts on the phone, the session runs by Connect or by itself. Each test
 * then checks what the user sees (Settings > Messaging badges and lock line, the Messages app's
 * MMSC), the tree after a reload (via the test hooks), and that the server says the run passed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, screenshot } from './browser.ts';
import {
  acceptPushedSettings,
  api,
  connectAndWait,
  finishedRun,
  openAccount,
  reloadHandset,
  startConnectedHandset,
  startWithAccount,
  summaries,
  waitForSessions,
} from './dm-support.ts';
import { expectAccessible, openSettings, seed, startHandset, treeValue } from './handset-support.ts';
import { inject } from 'vitest';

const CAMPAIGN = 'Example MMS (campaign)';
const CAMPAIGN_MMSC = 'http://mmsc2.example.net/mms';

/** The flags of an MMS instance as the tree holds them (read after a reload). */
async function mmsFlags(page: Page, uri: string) {
  return page.evaluate((uri) => {
    const info = window.__otaTestHooks!.tree!.instances('./MMS').find((i) => i.uri === uri);
    return info
      ? {
          active: info.active,
          default: info.default,
          lockedBy: info.locked ? info.locked.by : null,
        }
      : null;
  }, uri);
}

/** Settings > Messaging: the instance's row, its badges and second line. */
async function messagingRow(page: Page, name: string) {
  await openSettings(page, /Messaging/);
  const row = page.locator('.service-list li').filter({ hasText: name });
  await row.waitFor();
  const badges = await row.locator('.badge').allTextContents();
  return { badges: badges.map((b) => b.trim()), text: (await row.textContent()) ?? '' };
}

/** The Messages app: which settings it uses and the MMSC shown. */
async function messagesApp(page: Page) {
  await page.getByRole('button', { name: 'Home', exact: true }).click();
  await page.getByRole('button', { name: 'Messages' }).click();
  const app = page.getByTestId('service-app-mms');
  await app.waitFor();
  return {
    state: await app.getByTestId('config-state').textContent(),
    uses: await app.getByTestId('config-instance').textContent(),
    text: (await app.textContent()) ?? '',
  };
}

describe('reference server scenarios in the browser', () => {
  let page: Page;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ page, close } = await openBrowser());
  });
  afterEach(async () => close());

  it('scenario 1: the campaign MMS settings arrive by Connect and become Active', async () => {
    const devId = await startWithAccount(page);
    await api('/api/scenarios/start', { device: devId, scenario: 'mms-campaign' });
    const name = await openAccount(page);
    await expect(connectAndWait(page, 1)).resolves.toContain(`Updated by ${name}`);
    expect(await finishedRun(devId, 'mms-campaign')).toMatchObject({ state: 'passed' });

    const row = await messagingRow(page, CAMPAIGN);
    expect(row.badges).toEqual(['Active']);
    expect(row.text).toContain(CAMPAIGN_MMSC);
    expect(row.text).not.toContain('Locked by');
    await screenshot(page, 'scenario1-messaging');
    const messages = await messagesApp(page);
    expect(messages.state).toBe('Configuration incomplete');
    expect(messages.uses).toContain(CAMPAIGN);
    expect(messages.uses).toContain('active settings');
    expect(messages.text).toContain(CAMPAIGN_MMSC);
    await screenshot(page, 'scenario1-messages-app');

    await reloadHandset(page);
    expect(await treeValue(page, './MMS/Campaign/Addr')).toBe(CAMPAIGN_MMSC);
    expect(await treeValue(page, './MMS/Campaign/Name')).toBe(CAMPAIGN);
    expect(await mmsFlags(page, './MMS/Campaign')).toEqual({ active: true, default: false, lockedBy: null });
  });

  it('scenario 2: the campaign settings become Active, Default and Locked by the operator', async () => {
    const devId = await startWithAccount(page);
    await api('/api/scenarios/start', { device: devId, scenario: 'mms-campaign-locked' });
    const name = await openAccount(page);
    await expect(connectAndWait(page, 1)).resolves.toContain(`Updated by ${name}`);
    expect(await finishedRun(devId, 'mms-campaign-locked')).toMatchObject({ state: 'passed' });

    const row = await messagingRow(page, CAMPAIGN);
    expect(row.badges).toEqual(['Active', 'Default', 'Locked']);
    expect(row.text).toMatch(new RegExp(`Locked by ${name} on \\d+ \\w+, \\d\\d:\\d\\d`));
    await screenshot(page, 'scenario2-messaging');
    await page.getByRole('button', { name: new RegExp(CAMPAIGN.replace(/[()]/g, '\\$&')) }).click();
    await expect(page.getByTestId('lock-note').textContent()).resolves.toMatch(
      new RegExp(`Locked by ${name} .* only the operator can change or delete them`),
    );
    const messages = await messagesApp(page);
    expect(messages.uses).toContain(CAMPAIGN);
    expect(messages.text).toContain(CAMPAIGN_MMSC);
    await screenshot(page, 'scenario2-messages-app');

    await reloadHandset(page);
    expect(await treeValue(page, './MMS/Campaign/Addr')).toBe(CAMPAIGN_MMSC);
    expect(await mmsFlags(page, './MMS/Campaign')).toEqual({
      active: true,
      default: true,
      lockedBy: { kind: 'server', serverId: 'ota-operator' },
    });
  });

  it('scenario 4: after the campaign, a notified session asks which settings are Active and locks them', async () => {
    const devId = await startWithAccount(page);
    await api('/api/scenarios/start', { device: devId, scenario: 'mms-campaign' });
    await openAccount(page);
    await connectAndWait(page, 1);
    expect(await finishedRun(devId, 'mms-campaign')).toMatchObject({ state: 'passed' });

    // Started "now, with a notification": the package 0 comes on the push channel, the phone
    // says so and connects by itself (informative UI mode), no Connect press.
    await api('/api/scenarios/start', { device: devId, scenario: 'lock-active-mms', notify: 'informative' });
    await waitForSessions(page, 3);
    expect((await summaries(page))[0]).toMatchObject({ initiator: 'server', outcome: 'completed' });
    const run = await finishedRun(devId, 'lock-active-mms');
    expect(run.state).toBe('passed');
    expect(run.log?.find((l) => l.key === '0.0')).toMatchObject({ status: 200, data: 'Campaign' });
    expect(run.log?.find((l) => l.key === '0.2')).toMatchObject({ status: 200, data: 'true' });
    const told = await page.evaluate(() =>
      window.__otaTestHooks!.notifications.items.filter((n) => n.kind === 'dm').map((n) => n.body),
    );
    expect(told).toEqual(['Example Operator is updating your settings.']);

    const row = await messagingRow(page, CAMPAIGN);
    expect(row.badges).toEqual(['Active', 'Locked']);
    expect(row.text).toMatch(/Locked by Example Operator on \d+ \w+, \d\d:\d\d/);
    await screenshot(page, 'scenario4-messaging');
    const messages = await messagesApp(page);
    expect(messages.uses).toContain(CAMPAIGN);
    expect(messages.text).toContain(CAMPAIGN_MMSC);
    await screenshot(page, 'scenario4-messages-app');

    await reloadHandset(page);
    expect(await mmsFlags(page, './MMS/Campaign')).toEqual({
      active: true,
      default: false,
      lockedBy: { kind: 'server', serverId: 'ota-operator' },
    });
  });

  it('scenario 6: the DM account comes by CP (w7) with a PIN and the first session starts by itself', async () => {
    const devId = await startConnectedHandset(page);
    const started = await api('/api/scenarios/start', { device: devId, scenario: 'dm-bootstrap-cp' });
    expect(started.pushes).toEqual([expect.objectContaining({ kind: 'cp-bootstrap', delivered: 1 })]);
    // Installing starts the first session at once; its dialog waits behind "Settings installed"
    // (one dialog at a time, decision 0180) and shows once that is closed.
    await acceptPushedSettings(page, '1234', 'scenario6-cp-pushed', false);
    await page.getByRole('status').filter({ hasText: '1 more question waiting' }).waitFor();
    await page.getByTestId('incoming-settings').getByRole('button', { name: 'Done' }).click();

    // The first session greets the user with a display alert (MINDT=3): it stays at least 3 s.
    const told = page.getByRole('dialog', { name: 'Message from your operator' });
    await told.getByText('Welcome to Example Operator device management.').waitFor();
    await expect(page.getByTestId('status-activity').textContent()).resolves.toContain('Waiting for you');
    await screenshot(page, 'scenario6-welcome');
    await expectAccessible(page, 'display alert in the first session');
    await told.getByRole('button', { name: 'OK' }).click({ timeout: 10_000 });
    await waitForSessions(page, 1);
    expect(await summaries(page)).toEqual([
      expect.objectContaining({ initiator: 'client', outcome: 'completed' }),
    ]);
    const run = await finishedRun(devId, 'dm-bootstrap-cp');
    expect(run.state).toBe('passed');
    expect(run.log?.find((l) => l.key === '0.0')).toMatchObject({ status: 200, data: 'ota-operator' });
    await expect(page.getByTestId('status-activity').textContent()).resolves.toMatch(
      /Idle|Notification pending/,
    );

    const name = await openAccount(page);
    expect(name).toBe('Example Operator');
    await expect(page.getByTestId('session-outcome').textContent()).resolves.toContain(
      'Updated by Example Operator',
    );
    await screenshot(page, 'scenario6-account');
    await expectAccessible(page, 'DM account screen after the first session');

    await reloadHandset(page);
    const accounts = await page.evaluate(() =>
      window.__otaTestHooks!.app.sessions.accounts.map((a) => ({ serverId: a.serverId, name: a.name })),
    );
    expect(accounts).toEqual([{ serverId: 'ota-operator', name: 'Example Operator' }]);
    const uri = await page.evaluate(() => window.__otaTestHooks!.app.sessions.accounts[0]!.uri);
    expect(await treeValue(page, `${uri}/ServerID`)).toBe('ota-operator');
    expect(await treeValue(page, `${uri}/AppAddr/1/Addr`)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dm$/);
  });

  it('the DM account screen: Connect looks disabled and says why when it cannot be used, with no gap above it', async () => {
    await startHandset(page, inject('baseUrl'));
    await seed(page, [
      { op: 'add', uri: './DMAcc/nowhere/ServerID', value: 'nowhere' },
      { op: 'add', uri: './DMAcc/nowhere/Name', value: 'Addressless Operator' },
    ]);
    await openSettings(page, /Device management/);
    await page.getByRole('button', { name: /Addressless Operator/ }).click();
    const connect = page.getByRole('button', { name: 'Connect to server' });
    await connect.waitFor();
    await expect(connect.getAttribute('aria-disabled')).resolves.toBe('true');
    await expect(connect.getAttribute('aria-describedby')).resolves.toBe('connect-blocked');
    await expect(page.locator('#connect-blocked').textContent()).resolves.toBe(
      'These settings have no server address.',
    );
    const looks = await page.evaluate(() => {
      const button = [...document.querySelectorAll('button')].find(
        (b) => b.textContent === 'Connect to server',
      )!;
      const screen = button.closest('.instance')!;
      const style = getComputedStyle(button);
      const probe = document.createElement('span');
      probe.style.color = 'var(--accent)';
      screen.append(probe);
      const accent = getComputedStyle(probe).color;
      probe.remove();
      return {
        background: style.backgroundColor,
        accent,
        border: style.borderTopStyle,
        cursor: style.cursor,
        // Nothing between the screen's padding and the Connect block (no empty summary).
        gap:
          button.closest('section')!.getBoundingClientRect().top -
          screen.getBoundingClientRect().top -
          parseFloat(getComputedStyle(screen).paddingTop),
      };
    });
    expect(looks.background).not.toBe(looks.accent);
    expect(looks.border).toBe('dashed');
    expect(looks.cursor).toBe('not-allowed');
    expect(Math.abs(looks.gap)).toBeLessThan(1);
    // It stays focusable (aria-disabled); pressing it does nothing, the reason stays next to it.
    await connect.press('Enter');
    await expect(page.getByTestId('session-outcome').count()).resolves.toBe(0);
    await screenshot(page, 'dm-account-connect-disabled');
    await expectAccessible(page, 'DM account screen, Connect disabled');
  });
});
