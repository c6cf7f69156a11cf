/**
 * Shared steps for the end-to-end files that run DM sessions against the reference DM server
 * (started in memory by global-setup): the server's /api, a handset whose DM account arrives by
 * push, the account screen, reload, and the scenario runs the server recorded.
 */
import { expect, inject } from 'vitest';
import type { Page } from 'playwright-core';
import { luhnCheckDigit } from '../../src/core/device/identity.ts';
import { screenshot } from './browser.ts';

/** A fresh, well-formed IMEI per test, so the shared server keeps no state between tests. */
export function newImei(): string {
  let digits = '35';
  while (digits.length < 14) digits += String(Math.floor(Math.random() * 10));
  return digits + String(luhnCheckDigit(digits));
}

/** POST to the reference server's /api; fails the test on anything but 200. */
export async function api(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${inject('dmUrl')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Record<string, unknown>;
}

export interface ServerTrace {
  commands: { kind: string; from: string; statuses: { code: number }[] }[];
}

/** The sessions the server recorded for a device, oldest first, with their commands. */
export async function serverSessions(devId: string): Promise<ServerTrace[]> {
  const dmUrl = inject('dmUrl');
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

export interface ScenarioRunView {
  name: string;
  state: 'pending' | 'running' | 'passed' | 'failed';
  reason?: string;
  log?: { key: string; status?: number; data?: string }[];
}

/** The device's scenario runs as the console shows them: finished (history) then queued. */
export async function scenarioRuns(
  devId: string,
): Promise<{ history: ScenarioRunView[]; queued: ScenarioRunView[] }> {
  const res = await fetch(`${inject('dmUrl')}/api/devices/${encodeURIComponent(devId)}`);
  expect(res.status).toBe(200);
  const device = (await res.json()) as { history?: ScenarioRunView[]; scenarios: ScenarioRunView[] };
  return { history: device.history ?? [], queued: device.scenarios };
}

/** Waits until the server finished the named scenario for this device; returns that run. */
export async function finishedRun(devId: string, scenario: string): Promise<ScenarioRunView> {
  let run: ScenarioRunView | undefined;
  await expect
    .poll(
      async () => {
        run = (await scenarioRuns(devId)).history.findLast((r) => r.name === scenario);
        return run?.state;
      },
      { timeout: 10_000 },
    )
    .toMatch(/passed|failed/);
  return run!;
}

export const summaries = (page: Page) =>
  page.evaluate(() =>
    window.__otaTestHooks!.app.sessions.summaries.map((s) => ({
      initiator: s.initiator,
      outcome: s.outcome,
      reason: s.reason,
    })),
  );

/** At least `count` stored traces and no session running. */
export async function waitForSessions(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const s = window.__otaTestHooks!.app.sessions;
      return s.summaries.length >= n && !s.busy;
    },
    count,
    { timeout: 20_000 },
  );
}

/** First run with a fresh IMEI, the push channel connected; resolves with the DevId. */
export async function startConnectedHandset(page: Page): Promise<string> {
  const imei = newImei();
  await page.goto(`${inject('baseUrl')}?testhooks=1`);
  await page.getByRole('heading', { name: 'Set up this handset' }).waitFor();
  await page.getByLabel('IMEI').fill(imei);
  await page.getByLabel('Handset name').fill('DM phone');
  await page.getByRole('button', { name: 'Start handset' }).click();
  await page.getByRole('list', { name: 'Apps' }).waitFor();
  await page.waitForFunction(() => window.__otaTestHooks?.app.push.status === 'connected');
  return `IMEI:${imei}`;
}

/**
 * The pushed settings sheet: the user types the provisioning PIN, accepts, and closes it
 * (`close` false leaves "Settings installed" open: a first session's dialog waits behind it).
 * `shot` names a screenshot of the sheet as it arrives.
 */
export async function acceptPushedSettings(
  page: Page,
  pin: string,
  shot?: string,
  close = true,
): Promise<void> {
  const sheet = page.getByTestId('incoming-settings');
  await sheet.getByRole('heading', { name: 'New settings from your operator' }).waitFor();
  if (shot) await screenshot(page, shot);
  await page.getByLabel('Provisioning PIN').fill(pin);
  await sheet.getByRole('button', { name: 'OK' }).click();
  await sheet.getByRole('heading', { name: 'Install new settings?' }).waitFor();
  await sheet.getByRole('button', { name: 'Accept' }).click();
  await sheet.getByRole('heading', { name: 'Settings installed' }).waitFor();
  if (close) await sheet.getByRole('button', { name: 'Done' }).click();
}

/**
 * First run with a fresh IMEI; the server pushes a DM bootstrap (USERPIN 1234) on the push
 * channel, the user accepts it, and the first client-initiated session runs by itself.
 */
export async function startWithAccount(page: Page, shots = false): Promise<string> {
  const devId = await startConnectedHandset(page);
  await api('/api/push', { device: devId, kind: 'dm-bootstrap', sec: 'USERPIN', pin: '1234' });
  await acceptPushedSettings(page, '1234', shots ? 'dm-bootstrap-pushed' : undefined);
  await waitForSessions(page, 1);
  expect(await summaries(page)).toEqual([
    expect.objectContaining({ initiator: 'client', outcome: 'completed' }),
  ]);
  return devId;
}

/** Settings > Device management > the (first) account, on its screen; resolves with its name. */
export async function openAccount(page: Page): Promise<string> {
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

/** On the account screen: Connect, then wait for the outcome line and the stored trace. */
export async function connectAndWait(page: Page, sessionsBefore: number): Promise<string> {
  await page.getByRole('button', { name: 'Connect to server' }).click();
  await waitForSessions(page, sessionsBefore + 1);
  return (await page.getByTestId('session-outcome').textContent()) ?? '';
}

export async function reloadHandset(page: Page): Promise<void> {
  await page.reload();
  await page.getByRole('list', { name: 'Apps' }).waitFor();
  await page.waitForFunction(() => window.__otaTestHooks?.tree != null);
}
