import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openBrowser, screenshot } from './browser.ts';
import {
  expectAccessible,
  openSettings,
  seed,
  seedOperator,
  startHandset,
  treeValue,
} from './handset-support.ts';

const baseUrl = inject('baseUrl');

describe('handset settings and apps', () => {
  let page: Page;
  let close: () => Promise<void>;

  beforeEach(async () => {
    ({ page, close } = await openBrowser());
    await startHandset(page, baseUrl);
    await seedOperator(page);
  });
  afterEach(async () => {
    await close();
  });

  it('edits an unlocked instance: a bad MMSC URL is refused next to the field and nothing is saved', async () => {
    await openSettings(page, /Messaging/);
    await page.getByRole('button', { name: /My MMS/ }).waitFor();
    await screenshot(page, 'handset-settings-messaging');
    await expectAccessible(page, 'Settings > Messaging');

    await page.getByRole('button', { name: /My MMS/ }).click();
    const url = page.getByLabel('MMSC URL');
    await url.fill('mine.example.org/mms');
    await page.getByLabel('Maximum message size (bytes)').fill('300000');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(url.getAttribute('aria-invalid')).resolves.toBe('true');
    await expect(page.locator('#field-Addr-error').textContent()).resolves.toMatch(/starting with http:\/\//);
    await expect(page.getByRole('alert').first().textContent()).resolves.toMatch(/Nothing was saved/);
    await screenshot(page, 'handset-settings-instance-invalid');
    await expectAccessible(page, 'instance form with an error');
    expect(await treeValue(page, './MMS/mine/Addr')).toBe('http://mine.example.org/mms');
    expect(await treeValue(page, './MMS/mine/MaxMsgSize')).toBeUndefined();

    // Keyboard only: fix the value and save with Enter.
    await url.fill('http://mms.mine.example.org/mms');
    await url.press('Enter');
    await page.getByText('Saved.').waitFor();
    expect(await treeValue(page, './MMS/mine/Addr')).toBe('http://mms.mine.example.org/mms');
    expect(await treeValue(page, './MMS/mine/MaxMsgSize')).toBe('300000');
    await screenshot(page, 'handset-settings-instance-saved');
  });

  it('adds and deletes the user’s own instance (with the phone’s confirmation dialog)', async () => {
    await openSettings(page, /Messaging/);
    await page.getByRole('button', { name: 'Add MMS settings' }).click();
    await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Travel MMS');
    await page.getByLabel('MMSC URL').fill('http://mmsc.travel.example/');
    await page.getByLabel('Access point').selectOption({ label: 'Example MMS access' });
    await screenshot(page, 'handset-settings-instance-new');
    await expectAccessible(page, 'new instance form');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('button', { name: 'Use these settings' }).waitFor();
    expect(await treeValue(page, './MMS/Travel_MMS/ConRef')).toBe('./Conn/NAP/MMS_NAP');

    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Travel MMS?' });
    await dialog.waitFor();
    await screenshot(page, 'handset-dialog-delete');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Add MMS settings' }).waitFor();
    expect(await treeValue(page, './MMS/Travel_MMS/Addr')).toBeUndefined();
  });

  it('shows a locked instance greyed out with who locked it, and refuses changes with the reason', async () => {
    await seed(
      page,
      [{ op: 'replace', uri: './MMS/op?prop=Locked', value: 'true' }],
      'operator',
      'session 3',
    );
    await openSettings(page, /Messaging/);
    const list = page.locator('.service-list');
    await expect(list.textContent()).resolves.toMatch(
      /Locked by Example Operator on \d+ \w+, \d\d:\d\d \(session 3\)/,
    );
    // The operator locked the Active choice: the user's own instance cannot be picked.
    await expect(page.getByLabel('Use My MMS').isDisabled()).resolves.toBe(true);
    await expect(list.textContent()).resolves.toMatch(/The operator locked the active choice/);
    await screenshot(page, 'handset-settings-messaging-locked');
    await expectAccessible(page, 'Messaging with a locked instance');

    await page.getByRole('button', { name: /Example MMS/ }).click();
    await expect(page.getByTestId('lock-note').textContent()).resolves.toMatch(
      /Locked by Example Operator .*session 3.* only the operator can change or delete them/,
    );
    const url = page.getByLabel('MMSC URL');
    await expect(url.getAttribute('readonly')).resolves.not.toBeNull();
    await expect(url.getAttribute('aria-describedby')).resolves.toContain('lock-note');
    await url.press('x');
    await expect(url.inputValue()).resolves.toBe('http://mmsc.example.net/mms');
    // Save is aria-disabled (still focusable, so it can say why): pressing it explains the lock.
    await page.getByRole('button', { name: 'Save' }).press('Enter');
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/Locked by Example Operator/);
    await expect(page.getByRole('button', { name: 'Delete' }).getAttribute('aria-disabled')).resolves.toBe(
      'true',
    );
    await screenshot(page, 'handset-settings-instance-locked');
    await expectAccessible(page, 'locked instance');
    expect(await treeValue(page, './MMS/op/Addr')).toBe('http://mmsc.example.net/mms');
  });

  it('switches the Active instance and the Messages app follows, also when the server changes it', async () => {
    await page.getByRole('button', { name: 'Messages' }).click();
    const app = page.getByTestId('service-app-mms');
    await expect(app.getByTestId('config-instance').textContent()).resolves.toContain('Example MMS');
    await expect(app.textContent()).resolves.toContain('http://mmsc.example.net/mms');
    await expect(app.textContent()).resolves.toContain('MMS proxy (10.0.0.1:8080)');
    await expect(app.textContent()).resolves.toContain('Example MMS access (mms.example.net)');
    await screenshot(page, 'handset-app-messages');
    await expectAccessible(page, 'Messages app');

    await openSettings(page, /Messaging/);
    await page.getByLabel('Use My MMS').check();
    await expect
      .poll(() => page.evaluate(() => window.__otaTestHooks!.tree!.effectiveInstance('./MMS')?.name))
      .toBe('mine');
    await page.getByRole('button', { name: 'Home', exact: true }).click();
    await page.getByRole('button', { name: 'Messages' }).click();
    await expect(app.getByTestId('config-instance').textContent()).resolves.toContain('My MMS');
    await expect(app.textContent()).resolves.toContain('http://mine.example.org/mms');

    // The server makes its instance Active again while the app is open: the app follows at once.
    await seed(
      page,
      [{ op: 'replace', uri: './MMS/op?prop=Active', value: 'true' }],
      'operator',
      'session 4',
    );
    await expect.poll(() => app.getByTestId('config-instance').textContent()).toContain('Example MMS');

    // A configuration that points to a missing access point is called incomplete.
    await seed(page, [{ op: 'delete', uri: './Conn/PX/P1' }]);
    await expect.poll(() => app.getByTestId('config-state').textContent()).toBe('Configuration incomplete');
    await expect(app.textContent()).resolves.toMatch(/the proxy P1, which is not on this phone/);
    await screenshot(page, 'handset-app-messages-incomplete');
  });

  it('lists access points, proxies and DM accounts; Push-to-talk says when it is not configured', async () => {
    await openSettings(page, /Access points/);
    await page.getByRole('button', { name: /Example MMS access/ }).waitFor();
    await expect(page.locator('.service-list').textContent()).resolves.toContain('MMS proxy');
    await screenshot(page, 'handset-settings-access-points');
    await expectAccessible(page, 'Access points');
    await page.getByRole('button', { name: /Example MMS access/ }).click();
    await page.getByLabel('Access point name (APN)').fill('mms_example');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.locator('#field-Addr-error').textContent()).resolves.toMatch(
      /no spaces or underscores/,
    );
    await screenshot(page, 'handset-settings-nap-invalid');

    await openSettings(page, /Device management/);
    await page.getByText('Example Operator').waitFor();
    await screenshot(page, 'handset-settings-dm-accounts');
    await expectAccessible(page, 'Device management');
    const ask = page.getByRole('switch', { name: /Ask me before the operator changes/ });
    await ask.check();
    await expect
      .poll(() => page.evaluate(() => window.__otaTestHooks!.app.preferences.confirmOperatorChanges))
      .toBe(true);

    await page.getByRole('button', { name: 'Home', exact: true }).click();
    await page.getByRole('button', { name: 'Push-to-talk' }).click();
    await expect(page.getByTestId('config-state').textContent()).resolves.toBe('Not configured');
    await screenshot(page, 'handset-app-ptt');
    await expectAccessible(page, 'Push-to-talk app');
  });

  it('keeps the display choices (dark theme, large text) across a reload', async () => {
    await openSettings(page, /Display/);
    await page.getByRole('radio', { name: /^Dark/ }).check();
    await page.getByRole('switch', { name: /Large text/ }).check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await page.waitForTimeout(200);
    await page.reload();
    await page.getByRole('list', { name: 'Apps' }).waitFor();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset['theme'])).toBe('dark');
    await expect(page.evaluate(() => document.documentElement.hasAttribute('data-large-text'))).resolves.toBe(
      true,
    );
    await screenshot(page, 'handset-home-dark-large');
    await expectAccessible(page, 'home, dark and large');
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('button', { name: /Messaging/ }).click();
    await page.getByRole('button', { name: /My MMS/ }).waitFor();
    await screenshot(page, 'handset-settings-messaging-dark-large');
    await expectAccessible(page, 'Messaging, dark and large');
  });
});
