import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, screenshot } from './browser.ts';
import { expectAccessible, startHandset } from './handset-support.ts';

const baseUrl = inject('baseUrl');

/** Starts a DM user-interaction alert through the test hook; the answer lands in window.__answer. */
async function ask(
  page: Page,
  code: number,
  options: string,
  text: string,
  choices: string[] = [],
): Promise<void> {
  await page.evaluate(
    ({ code, options, text, choices }) => {
      const w = window as unknown as { __answer?: unknown };
      w.__answer = undefined;
      void window.__otaTestHooks!.alert(code, options, text, choices).then((a) => (w.__answer = a));
    },
    { code, options, text, choices },
  );
  await page.getByRole('dialog').waitFor();
}

async function answer(page: Page): Promise<unknown> {
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __answer?: unknown }).__answer), {
      timeout: 5000,
    })
    .toBeTruthy();
  return page.evaluate(() => (window as unknown as { __answer?: unknown }).__answer);
}

describe('the phone’s dialogs for DM user interaction, the PIN and notifications', () => {
  let page: Page;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ page, close } = await openBrowser());
    await startHandset(page, baseUrl);
  });
  afterEach(async () => {
    await close();
  });

  it('confirm (1101): Yes with Enter, No when DR=0 pre-selects it; the status bar waits for the user', async () => {
    await ask(page, 1101, 'MAXDT=60&DR=1', 'Use the new MMS settings from Example Operator?');
    const dialog = page.getByRole('dialog', { name: 'Your operator asks' });
    await expect(dialog.textContent()).resolves.toContain('Use the new MMS settings from Example Operator?');
    await expect(page.getByTestId('status-activity').textContent()).resolves.toContain('Waiting for you');
    await expect(page.evaluate(() => document.activeElement?.textContent?.trim())).resolves.toBe('Yes');
    await expect(page.getByTestId('dialog-countdown').textContent()).resolves.toMatch(
      /Closes by itself in (59|60) s/,
    );
    await screenshot(page, 'handset-dialog-confirm');
    await expectAccessible(page, 'confirm dialog');
    // Focus stays inside the dialog.
    for (let i = 0; i < 4; i++) await page.keyboard.press('Tab');
    await expect(page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).resolves.toBe(
      true,
    );
    await page.getByRole('button', { name: 'Yes' }).focus();
    await page.keyboard.press('Enter');
    expect(await answer(page)).toEqual({ kind: 'yes' });
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    await expect(page.getByTestId('status-activity').textContent()).resolves.toContain('Idle');

    await ask(page, 1101, 'DR=0', 'Replace your MMS settings?');
    await expect(page.evaluate(() => document.activeElement?.textContent?.trim())).resolves.toBe('No');
    await page.keyboard.press('Enter');
    expect(await answer(page)).toEqual({ kind: 'no' });

    await ask(page, 1101, '', 'Escape cancels');
    await page.keyboard.press('Escape');
    expect(await answer(page)).toEqual({ kind: 'cancel' });
  });

  it('text input (1102): password masking, MAXLEN and input type checked before sending', async () => {
    await ask(page, 1102, 'MAXLEN=4&IT=N&ET=P', 'Enter your 4-digit service code');
    const input = page.getByLabel('Enter your 4-digit service code');
    await expect(input.getAttribute('type')).resolves.toBe('password');
    await expect(input.getAttribute('maxlength')).resolves.toBe('4');
    await input.fill('12a');
    await input.press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/must be a number/);
    await screenshot(page, 'handset-dialog-text-input');
    await expectAccessible(page, 'text input dialog');
    await input.fill('1234');
    await input.press('Enter');
    expect(await answer(page)).toEqual({ kind: 'text', text: '1234' });
  });

  it('choices (1103 / 1104): the default is pre-selected; arrows and Enter answer', async () => {
    await ask(page, 1103, 'DR=2', 'Which settings should stay active?', [
      'Example MMS',
      'My MMS',
      'Travel MMS',
    ]);
    await expect(page.getByRole('radio', { name: 'My MMS' }).isChecked()).resolves.toBe(true);
    await expect(page.evaluate(() => (document.activeElement as HTMLInputElement).value)).resolves.toBe('2');
    await screenshot(page, 'handset-dialog-single-choice');
    await expectAccessible(page, 'single choice dialog');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    expect(await answer(page)).toEqual({ kind: 'choice', indices: [3] });

    await ask(page, 1104, 'DR=1-3', 'Which services do you use?', ['MMS', 'Push-to-talk', 'Web']);
    await page.getByRole('checkbox', { name: 'Push-to-talk' }).check();
    await screenshot(page, 'handset-dialog-multiple-choice');
    await page.getByRole('button', { name: 'OK' }).click();
    expect(await answer(page)).toEqual({ kind: 'choice', indices: [1, 2, 3] });
  });

  it('times out after MAXDT with a visible countdown, and keeps queued prompts across screen changes', async () => {
    await ask(page, 1100, 'MAXDT=2', 'Your settings were updated.');
    await page.evaluate(() => {
      const w = window as unknown as { __second?: unknown };
      void window.__otaTestHooks!.alert(1101, '', 'A second question').then((a) => (w.__second = a));
    });
    await expect(
      page.getByRole('status').filter({ hasText: '1 more question waiting' }).count(),
    ).resolves.toBe(1);
    await expect(page.getByTestId('dialog-countdown').textContent()).resolves.toMatch(
      /Closes by itself in [12] s/,
    );
    await screenshot(page, 'handset-dialog-display-countdown');
    // The tester goes home and into settings meanwhile: the dialogs stay.
    await page.getByRole('button', { name: 'Home', exact: true }).click();
    expect(await answer(page)).toEqual({ kind: 'timeout' });
    const second = page.getByRole('dialog', { name: 'Your operator asks' });
    await expect(second.textContent()).resolves.toContain('A second question');
    await second.getByRole('button', { name: 'No', exact: true }).click();
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { __second?: unknown }).__second))
      .toEqual({ kind: 'no' });
  });

  it('asks the provisioning PIN of a CP message, naming it and saying it is not the SIM PIN', async () => {
    // Document A pushed with SEC=USERPIN, PIN 1234 (test/vectors/cp/README.md).
    const hex = readFileSync('test/vectors/cp/push-userpin.hex', 'utf8').trim();
    await page.evaluate(async (hex) => {
      const bytes = new Uint8Array(hex.match(/../g)!.map((b) => parseInt(b, 16)));
      await window.__otaTestHooks!.app.provisioning!.receive(bytes, { source: 'push', sourceName: 'test' });
    }, hex);
    const dialog = page.getByRole('dialog', { name: 'New settings from your operator' });
    await dialog.waitFor();
    await expect(dialog.textContent()).resolves.toMatch(/not your SIM PIN/);
    await page.getByLabel('Provisioning PIN').fill('4321');
    await page.keyboard.press('Enter');
    await dialog.getByText('Wrong PIN. 2 attempts left').waitFor();
    await screenshot(page, 'handset-dialog-pin');
    await expectAccessible(page, 'PIN dialog');
    await page.getByLabel('Provisioning PIN').fill('1234');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Install new settings?' }).waitFor();
  });

  it('lists notifications from other flows in the shade and runs their action', async () => {
    await page.evaluate(() => {
      const hooks = window.__otaTestHooks!;
      hooks.notifications.add({
        kind: 'provisioning',
        title: 'New settings from your operator',
        body: 'MMS settings "Example MMS" are ready to install.',
        action: { label: 'Open Settings', run: () => hooks.app.navigation.open('settings') },
      });
    });
    await expect(page.getByTestId('status-activity').textContent()).resolves.toContain(
      'Notification pending',
    );
    await page.getByRole('button', { name: 'Notifications, 1 new' }).click();
    const shade = page.getByTestId('notification-shade');
    await expect(shade.textContent()).resolves.toContain('Example MMS');
    await screenshot(page, 'handset-notifications');
    await expectAccessible(page, 'notification shade');
    await shade.getByRole('button', { name: /^New settings from your operator/ }).click();
    await page.getByRole('button', { name: /About phone/ }).waitFor();
    await expect(page.getByTestId('status-activity').textContent()).resolves.toContain('Idle');
  });
});
