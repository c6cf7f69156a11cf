/**
 * Issue #8 audit, as the end user meets it: a DM session changes the Active MMS settings while
 * the Messages app is open; the lock line links to the session's trace; pending questions and
 * postponed provisioning messages survive screen switches and are listed in the shade; the CP
 * PIN is the phone's own dialog; and axe finds no serious or critical violation on any phone
 * screen in light, dark and large text. Screenshots of each screen are saved.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, screenshot } from './browser.ts';
import { api, connectAndWait, openAccount, startWithAccount, waitForSessions } from './dm-support.ts';
import { expectAccessible, openSettings, seed, seedOperator, startHandset } from './handset-support.ts';

const baseUrl = inject('baseUrl');
/** Document A pushed with SEC=USERPIN, PIN 1234 (test/vectors/cp/README.md). */
const userpinPush = readFileSync('test/vectors/cp/push-userpin.hex', 'utf8').trim();

async function receiveCp(page: Page): Promise<void> {
  await page.evaluate(async (hex) => {
    const bytes = new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16)));
    await window.__otaTestHooks!.app.provisioning!.receive(bytes, { source: 'push', sourceName: 'test' });
  }, userpinPush);
}

describe('issue #8 audit: the end user’s handset', () => {
  let page: Page;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ page, close } = await openBrowser());
  });
  afterEach(async () => close());

  it('a DM session makes other settings Active while Messages is open; the lock line opens that session’s trace', async () => {
    const devId = await startWithAccount(page);
    await api('/api/scenarios/start', {
      device: devId,
      scenario: 'mms-campaign',
      vars: { instance: 'First', name: 'First MMS', mmsc: 'http://mmsc-first.example.net/mms' },
    });
    await openAccount(page);
    await connectAndWait(page, 1);

    await page.getByRole('button', { name: 'Home', exact: true }).click();
    await page.getByRole('button', { name: 'Messages' }).click();
    const app = page.getByTestId('service-app-mms');
    await expect(app.getByTestId('config-instance').textContent()).resolves.toContain('First MMS');

    // The server wakes the phone (package 0) and runs a session: the open app follows at once.
    await api('/api/scenarios/start', {
      device: devId,
      scenario: 'mms-campaign-locked',
      notify: 'background',
      vars: { instance: 'Second', name: 'Second MMS', mmsc: 'http://mmsc-second.example.net/mms' },
    });
    await expect
      .poll(() => app.getByTestId('config-instance').textContent(), { timeout: 20_000 })
      .toContain('Second MMS');
    await expect(app.textContent()).resolves.toContain('http://mmsc-second.example.net/mms');
    await expect(page.getByRole('heading', { name: 'Messages' }).count()).resolves.toBe(1);
    await screenshot(page, 'audit-messages-after-server-change');
    await waitForSessions(page, 3);

    // The lock line names the session and links to its stored trace (keyboard only).
    await openSettings(page, /Messaging/);
    await page.getByRole('button', { name: /Second MMS/ }).click();
    await expect(page.getByTestId('lock-note').textContent()).resolves.toMatch(
      /Locked by .* \(session \S+ with ota-operator\)/,
    );
    const link = page.getByTestId('lock-origin');
    await expect(link.textContent()).resolves.toMatch(/Show session \S+ with ota-operator in the inspector/);
    await screenshot(page, 'audit-instance-locked-link');
    await expectAccessible(page, 'locked instance with its origin link');
    await link.focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('tab', { name: 'Sessions' }).getAttribute('aria-selected')).resolves.toBe(
      'true',
    );
    // The opened trace is the one that ran during the lock: the newest stored one.
    const newest = await page.evaluate(() => window.__otaTestHooks!.app.sessions.summaries[0]!);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.closest('#inspector') !== null))
      .toBe(true);
    const viewer = page.locator('.viewer-anchor');
    await expect.poll(() => viewer.textContent()).toContain('Replace');
    const traceOpened = await page.evaluate(() => document.activeElement?.textContent ?? '');
    expect(traceOpened.length).toBeGreaterThan(0);
    expect(newest.serverId).toBe('ota-operator');
    await screenshot(page, 'audit-lock-link-opens-trace');
  });

  it('keeps a pending question across screen switches and lists it, and a put-off message, in the shade', async () => {
    await startHandset(page, baseUrl);
    // A CP message arrives; its PIN is the phone's own dialog, with the attempts left.
    await receiveCp(page);
    const pin = page.getByRole('dialog', { name: 'New settings from your operator' });
    await pin.waitFor();
    await expect(pin.textContent()).resolves.toMatch(/not your SIM PIN/);
    await expect(pin.textContent()).resolves.toMatch(/3 attempts left/);
    await page.getByLabel('Provisioning PIN').fill('0000');
    await page.keyboard.press('Enter');
    await pin.getByText('Wrong PIN. 2 attempts left').waitFor();
    await expect(
      page.getByLabel('Provisioning PIN').evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    await screenshot(page, 'audit-cp-pin-wrong');
    await expectAccessible(page, 'CP PIN dialog after a wrong PIN');
    // Escape = Later: the message waits in the shade.
    await page.keyboard.press('Escape');
    await expect(pin.count()).resolves.toBe(0);

    // A DM question comes while the tester is on another screen.
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.evaluate(() => {
      void window.__otaTestHooks!.alert(1101, 'MAXDT=120&DR=1', 'Use the new MMS settings?');
    });
    const ask = page.getByRole('dialog', { name: 'Your operator asks' });
    await ask.waitFor();
    await page.getByRole('button', { name: 'Home', exact: true }).click();
    await expect(ask.isVisible()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Show inspector' }).click();
    await page.getByRole('tab', { name: 'Management tree' }).click();
    await expect(ask.isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('status-activity').textContent()).resolves.toContain('Waiting for you');

    // The shade lists the question on screen and the put-off message; the message opens from there.
    await page.getByRole('button', { name: /^Notifications/ }).click();
    const pending = page.getByTestId('pending-questions');
    await expect(pending.textContent()).resolves.toContain('Use the new MMS settings?');
    await expect(pending.textContent()).resolves.toContain('Needs the provisioning PIN');
    await ask.getByRole('button', { name: 'Yes', exact: true }).click();
    await screenshot(page, 'audit-shade-pending');
    await expectAccessible(page, 'notification shade with pending items');
    await pending.getByRole('button', { name: /New settings from your operator/ }).click();
    await page.getByRole('dialog', { name: 'New settings from your operator' }).waitFor();
    await page.getByLabel('Provisioning PIN').fill('1234');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Install new settings?' }).waitFor();
    await expect(
      page.getByRole('button', { name: 'Accept' }).evaluate((el) => el === document.activeElement),
    ).resolves.toBe(true);
    await screenshot(page, 'audit-cp-consent');
    await expectAccessible(page, 'CP consent dialog');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Settings installed' }).waitFor();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('incoming-settings').count()).resolves.toBe(0);
  });

  for (const mode of ['light', 'dark', 'large'] as const) {
    it(`axe finds no serious or critical violation on any phone screen (${mode})`, async () => {
      await startHandset(page, baseUrl);
      await seedOperator(page);
      await seed(
        page,
        [{ op: 'replace', uri: './MMS/op?prop=Locked', value: 'true' }],
        'operator',
        'session 3',
      );
      await page.evaluate((mode) => {
        const prefs = window.__otaTestHooks!.app.preferences;
        if (mode === 'dark') prefs.theme = 'dark';
        if (mode === 'large') prefs.largeText = true;
      }, mode);
      const check = async (name: string) => {
        await screenshot(page, `audit-${mode}-${name}`);
        await expectAccessible(page, `${name} (${mode})`);
      };
      await check('home');
      await page.getByRole('button', { name: 'Settings' }).click();
      await check('settings');
      for (const [entry, name] of [
        [/Messaging/, 'messaging'],
        [/Push-to-talk/, 'ptt-list'],
        [/Access points/, 'access-points'],
        [/Device management/, 'dm-accounts'],
        [/Display/, 'display'],
        [/About phone/, 'about'],
      ] as const) {
        await openSettings(page, entry);
        await page.getByRole('heading', { level: 2 }).first().waitFor();
        await check(name);
      }
      await openSettings(page, /Messaging/);
      await page.getByRole('button', { name: /Example MMS/ }).click();
      await page.getByTestId('lock-note').waitFor();
      await check('instance-locked');
      await page.getByRole('button', { name: 'Back', exact: true }).first().click();
      await page.getByRole('button', { name: /My MMS/ }).click();
      await page.getByLabel('MMSC URL').fill('not a url');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.locator('#field-Addr-error').waitFor();
      await check('instance-errors');
      await page.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('heading', { name: 'Delete My MMS?' }).waitFor();
      await check('dialog-confirm');
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Home', exact: true }).click();
      await page.getByRole('button', { name: 'Messages' }).click();
      await check('app-messages');
      await page.getByRole('button', { name: 'Home', exact: true }).click();
      await page.getByRole('button', { name: 'Push-to-talk' }).click();
      await check('app-ptt');
      // Dialogs of each kind: a DM choice (1103), a DM text input (1102), the CP PIN.
      await page.evaluate(() => {
        void window.__otaTestHooks!.alert(1103, 'MAXDT=60&DR=2', 'Which MMS settings?', ['Example', 'Mine']);
      });
      await page.getByRole('dialog').first().waitFor();
      await check('dialog-choice');
      await page.keyboard.press('Escape');
      await page.evaluate(() => {
        void window.__otaTestHooks!.alert(1102, 'MAXDT=60', 'Your name for this phone');
      });
      await page.getByRole('dialog').first().waitFor();
      await check('dialog-text');
      await page.keyboard.press('Escape');
      await receiveCp(page);
      await page.getByRole('dialog', { name: 'New settings from your operator' }).waitFor();
      await check('dialog-cp-pin');
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: /^Notifications/ }).click();
      await page.getByTestId('notification-shade').waitFor();
      await check('shade');
    });
  }
});
